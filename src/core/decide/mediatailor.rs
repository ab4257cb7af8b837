//! MediaTailor calls: playback configurations and their session-logging settings, per region.

use serde_json::json;

use super::response;
use super::{Ctx, Decided, to_event};
use crate::core::action::*;
use crate::core::authz::{self, Caller, Protocol, Request};
use crate::core::catalog::{self, MEDIATAILOR_SERVICE, SLR_NAME};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::event::Event;
use crate::core::limits;
use crate::core::state::{LogConfiguration, PlaybackConfiguration};
use crate::core::validate::{self, shown};

/// The logging strategies MediaTailor takes.
pub(super) const STRATEGIES: [&str; 2] = ["VENDED_LOGS", "LEGACY_CLOUDWATCH"];

fn not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFoundException,
        format!("Playback configuration {} was not found.", shown(name)),
    )
}

fn arn(cx: &Ctx<'_>, name: &str) -> String {
    catalog::playback_configuration_arn(cx.region(), cx.account_id(), name)
}

pub(super) fn put(cx: &Ctx<'_>, p: &PutPlaybackConfigurationParams) -> Result<Decided, ApiError> {
    validate::mediatailor_name("Name", &p.name)?;
    for (field, value) in [
        ("VideoContentSourceUrl", &p.video_content_source_url),
        ("AdDecisionServerUrl", &p.ad_decision_server_url),
        ("SlateAdUrl", &p.slate_ad_url),
    ] {
        if let Some(v) = value {
            validate::url(field, v)?;
        }
    }
    if let Some(tags) = &p.tags {
        validate_tags(tags)?;
    }
    let arn = arn(cx, &p.name);
    cx.authorize(
        &Request::new("mediatailor:PutPlaybackConfiguration", &arn),
        Protocol::RestJson,
    )?;
    let region = cx.account.region(cx.region());
    let config = match region.playback_configurations.get(&p.name) {
        // Put replaces the configuration's settings; logging is configured separately and stays.
        Some(existing) => PlaybackConfiguration {
            video_content_source_url: p.video_content_source_url.clone(),
            ad_decision_server_url: p.ad_decision_server_url.clone(),
            slate_ad_url: p.slate_ad_url.clone(),
            tags: p.tags.clone().unwrap_or_else(|| existing.tags.clone()),
            ..existing.clone()
        },
        None => {
            if region.playback_configurations.len() >= limits::MAX_PLAYBACK_CONFIGURATIONS {
                return Err(ApiError::new(
                    ErrorCode::BadRequestException,
                    format!(
                        "This region already holds {} playback configurations, the most slrsim allows.",
                        limits::MAX_PLAYBACK_CONFIGURATIONS
                    ),
                ));
            }
            let host = format!(
                "https://{}.mediatailor.{}.amazonaws.com",
                cx.hex("endpoint", 32),
                cx.region()
            );
            let key = cx.hex("session-key", 40);
            PlaybackConfiguration {
                name: p.name.clone(),
                arn,
                video_content_source_url: p.video_content_source_url.clone(),
                ad_decision_server_url: p.ad_decision_server_url.clone(),
                slate_ad_url: p.slate_ad_url.clone(),
                playback_endpoint_prefix: host.clone(),
                session_initialization_endpoint_prefix: format!(
                    "{host}/v1/session/{key}/{}/",
                    p.name
                ),
                hls_manifest_endpoint_prefix: format!("{host}/v1/master/{key}/{}/", p.name),
                log_configuration: LogConfiguration::default(),
                sessions: Default::default(),
                tags: p.tags.clone().unwrap_or_default(),
            }
        }
    };
    let body = response::playback_configuration(&config);
    Ok(Decided::new(
        vec![Event::PlaybackConfigurationPut {
            account: cx.account_id().to_string(),
            region: cx.region().to_string(),
            config: to_event::playback_configuration(config),
        }],
        body,
    ))
}

/// A configuration's tags, as MediaTailor bounds them: at most [`limits::MAX_TAGS`], keys of 1 to
/// [`limits::MAX_TAG_KEY`] characters, values of at most [`limits::MAX_TAG_VALUE`].
fn validate_tags(tags: &std::collections::BTreeMap<String, String>) -> Result<(), ApiError> {
    let bad = |m: String| Err(ApiError::new(ErrorCode::BadRequestException, m));
    if tags.len() > limits::MAX_TAGS {
        return bad(format!(
            "tags: at most {} tags may be given, not {}.",
            limits::MAX_TAGS,
            tags.len()
        ));
    }
    for (key, value) in tags {
        let chars = key.chars().count();
        if chars == 0 || chars > limits::MAX_TAG_KEY {
            return bad(format!(
                "tags: a key has 1 to {} characters; `{}` has {chars}.",
                limits::MAX_TAG_KEY,
                validate::shown(key)
            ));
        }
        if value.chars().count() > limits::MAX_TAG_VALUE {
            return bad(format!(
                "tags: the value of `{}` is longer than {} characters.",
                validate::shown(key),
                limits::MAX_TAG_VALUE
            ));
        }
    }
    Ok(())
}

pub(super) fn get(cx: &Ctx<'_>, p: &PlaybackNameParams) -> Result<Decided, ApiError> {
    validate::mediatailor_name("Name", &p.name)?;
    cx.authorize(
        &Request::new("mediatailor:GetPlaybackConfiguration", &arn(cx, &p.name)),
        Protocol::RestJson,
    )?;
    let c = cx
        .account
        .region(cx.region())
        .playback_configurations
        .get(&p.name)
        .ok_or_else(|| not_found(&p.name))?;
    Ok(Decided::read(response::playback_configuration(c)))
}

pub(super) fn list(
    cx: &Ctx<'_>,
    p: &ListPlaybackConfigurationsParams,
) -> Result<Decided, ApiError> {
    let max = p.max_results.unwrap_or(limits::MAX_LIST_PLAYBACK);
    if !(1..=limits::MAX_LIST_PLAYBACK).contains(&max) {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "MaxResults must be between 1 and {}, got {max}.",
                limits::MAX_LIST_PLAYBACK
            ),
        ));
    }
    if let Some(t) = &p.next_token {
        validate::length(
            ErrorCode::BadRequestException,
            "NextToken",
            t,
            1,
            limits::MAX_PLAYBACK_NAME,
        )?;
    }
    cx.authorize(
        &Request::new("mediatailor:ListPlaybackConfigurations", &arn(cx, "*")),
        Protocol::RestJson,
    )?;
    let start = p.next_token.clone().unwrap_or_default();
    let mut it = cx
        .account
        .region(cx.region())
        .playback_configurations
        .range(start..)
        .map(|(_, c)| c);
    // INVARIANT: max is in 1..=100, checked above.
    let take = usize::try_from(max).unwrap_or(100);
    let items: Vec<_> = it
        .by_ref()
        .take(take)
        .map(response::playback_configuration)
        .collect();
    let mut body = json!({"Items": items});
    if let Some(next) = it.next() {
        body["NextToken"] = json!(next.name);
    }
    Ok(Decided::read(body))
}

pub(super) fn delete(cx: &Ctx<'_>, p: &PlaybackNameParams) -> Result<Decided, ApiError> {
    validate::mediatailor_name("Name", &p.name)?;
    cx.authorize(
        &Request::new("mediatailor:DeletePlaybackConfiguration", &arn(cx, &p.name)),
        Protocol::RestJson,
    )?;
    // Idempotent: deleting a missing configuration succeeds (HTTP 204) and changes nothing.
    let exists = cx
        .account
        .region(cx.region())
        .playback_configurations
        .contains_key(&p.name);
    let events = if exists {
        vec![Event::PlaybackConfigurationDeleted {
            account: cx.account_id().to_string(),
            region: cx.region().to_string(),
            name: p.name.clone(),
        }]
    } else {
        Vec::new()
    };
    Ok(Decided::new(events, json!({})))
}

fn validate_interaction_log(field: &str, log: &InteractionLog) -> Result<(), ApiError> {
    for (sub, list) in [
        ("PublishOptInEventTypes", &log.publish_opt_in_event_types),
        ("ExcludeEventTypes", &log.exclude_event_types),
    ] {
        let Some(list) = list else { continue };
        if list.len() > limits::MAX_EVENT_TYPES {
            return Err(ApiError::new(
                ErrorCode::BadRequestException,
                format!(
                    "{field}.{sub} may list at most {} event types.",
                    limits::MAX_EVENT_TYPES
                ),
            ));
        }
        for t in list {
            if t.is_empty()
                || t.len() > 64
                || !t.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            {
                return Err(ApiError::new(
                    ErrorCode::BadRequestException,
                    format!(
                        "{field}.{sub} holds '{}', which is not an event type (upper-case letters and '_', at most 64).",
                        shown(t)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Decides `ConfigureLogsForPlaybackConfiguration`: checks the settings and the caller, creates the
/// service-linked role when enabling logging needs it, and records the configuration's new logging.
pub(super) fn configure_logs(cx: &Ctx<'_>, p: &ConfigureLogsParams) -> Result<Decided, ApiError> {
    let strategies = validate_configure_logs(p)?;
    let name = &p.playback_configuration_name;
    let caller = cx.authorize(
        &Request::new(
            "mediatailor:ConfigureLogsForPlaybackConfiguration",
            &arn(cx, name),
        ),
        Protocol::RestJson,
    )?;
    if !cx
        .account
        .region(cx.region())
        .playback_configurations
        .contains_key(name)
    {
        return Err(not_found(name));
    }
    let mut events = Vec::new();
    // Enabling logging makes MediaTailor create the service-linked role when it is missing.
    if p.percent_enabled > 0 && cx.account.service_linked_role().is_none() {
        events.push(create_role_for_logging(cx, caller)?);
    }
    let log = LogConfiguration {
        percent_enabled: p.percent_enabled,
        enabled_logging_strategies: strategies,
        ads_interaction_log: p.ads_interaction_log.clone(),
        manifest_service_interaction_log: p.manifest_service_interaction_log.clone(),
    };
    let body = configure_logs_body(name, &log);
    events.push(Event::LogConfigurationSet {
        account: cx.account_id().to_string(),
        region: cx.region().to_string(),
        name: name.clone(),
        log: to_event::log_configuration(log),
    });
    Ok(Decided::new(events, body))
}

/// Checks a `ConfigureLogsForPlaybackConfiguration` request's own fields, before any authorization
/// (so a malformed request fails the same way whoever sends it), and returns the logging strategies
/// it sets.
fn validate_configure_logs(p: &ConfigureLogsParams) -> Result<Vec<String>, ApiError> {
    validate::mediatailor_name("PlaybackConfigurationName", &p.playback_configuration_name)?;
    if !(0..=100).contains(&p.percent_enabled) {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "PercentEnabled must be between 0 and 100, got {}.",
                p.percent_enabled
            ),
        ));
    }
    let strategies = match &p.enabled_logging_strategies {
        Some(list) => validate_strategies(list)?,
        None => vec!["LEGACY_CLOUDWATCH".to_string()],
    };
    if let Some(l) = &p.ads_interaction_log {
        validate_interaction_log("AdsInteractionLog", l)?;
    }
    if let Some(l) = &p.manifest_service_interaction_log {
        validate_interaction_log("ManifestServiceInteractionLog", l)?;
    }
    Ok(strategies)
}

/// Checks an explicit `EnabledLoggingStrategies` list: known strategies, each at most once; returns
/// it as given.
fn validate_strategies(list: &[String]) -> Result<Vec<String>, ApiError> {
    // A list longer than the strategies must repeat one, so it is refused as a repetition even when
    // it also holds an unknown value.
    if list.len() > STRATEGIES.len() {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            "EnabledLoggingStrategies may list each strategy once.",
        ));
    }
    for s in list {
        if !STRATEGIES.contains(&s.as_str()) {
            return Err(ApiError::new(
                ErrorCode::BadRequestException,
                format!(
                    "EnabledLoggingStrategies holds '{}'; valid values are VENDED_LOGS and LEGACY_CLOUDWATCH.",
                    shown(s)
                ),
            ));
        }
    }
    let mut dedup = list.to_vec();
    dedup.sort();
    dedup.dedup();
    if dedup.len() != list.len() {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            "EnabledLoggingStrategies may list each strategy once.",
        ));
    }
    Ok(list.to_vec())
}

/// The event creating MediaTailor's service-linked role, when enabling logging finds it missing.
/// The caller needs iam:CreateServiceLinkedRole (a dependent action); without it, or when the role
/// cannot be created, the whole call fails and nothing changes.
fn create_role_for_logging(cx: &Ctx<'_>, caller: Caller<'_>) -> Result<Event, ApiError> {
    let slr = catalog::slr_arn(cx.account_id());
    authz::authorize(
        caller,
        &Request {
            action: "iam:CreateServiceLinkedRole",
            resource: &slr,
            aws_service_name: Some(MEDIATAILOR_SERVICE),
        },
        Protocol::RestJson,
    )?;
    if cx.account.role_name_taken(SLR_NAME) {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "MediaTailor could not create its service-linked role: Service role name {SLR_NAME} has been taken in this account."
            ),
        ));
    }
    if cx.account.roles.len() >= limits::MAX_ROLES {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            "MediaTailor could not create its service-linked role: the account's role quota is reached.",
        ));
    }
    Ok(Event::RoleCreated {
        account: cx.account_id().to_string(),
        role: to_event::role(super::iam::new_service_linked_role(cx, cx.now(), None)),
    })
}

/// The response body of `ConfigureLogsForPlaybackConfiguration`: the logging now set, with the
/// interaction logs only when the request gave them.
fn configure_logs_body(name: &str, log: &LogConfiguration) -> serde_json::Value {
    let mut body = json!({
        "PlaybackConfigurationName": name,
        "PercentEnabled": log.percent_enabled,
        "EnabledLoggingStrategies": log.enabled_logging_strategies,
    });
    if let Some(l) = &log.ads_interaction_log {
        body["AdsInteractionLog"] = json!(l);
    }
    if let Some(l) = &log.manifest_service_interaction_log {
        body["ManifestServiceInteractionLog"] = json!(l);
    }
    body
}
