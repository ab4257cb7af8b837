//! MediaTailor calls: playback configurations and their session-logging settings, per region.

use serde_json::json;

use super::response;
use super::{Ctx, Decided, to_event};
use crate::core::action::*;
use crate::core::authz::{self, Caller, Protocol, Request};
use crate::core::catalog::{self, MEDIATAILOR_SERVICE, SLR_NAME};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::event::Event;
use crate::core::event::payload::PlaybackSettings;
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
    let settings = p.settings();
    validate_settings(&settings)?;
    let arn = arn(cx, &p.name);
    cx.authorize(
        &Request::new("mediatailor:PutPlaybackConfiguration", &arn),
        Protocol::RestJson,
    )?;
    let region = cx.account.region(cx.region());
    let config = match region.playback_configurations.get(&p.name) {
        // Put replaces the configuration's settings; logging is configured separately and stays,
        // and tags given are added to the tags it has (only UntagResource removes one).
        Some(existing) => {
            let mut tags = existing.tags.clone();
            tags.extend(p.tags.clone().unwrap_or_default());
            if tags.len() > limits::MAX_TAGS {
                return Err(too_many_tags(tags.len()));
            }
            PlaybackConfiguration {
                video_content_source_url: p.video_content_source_url.clone(),
                ad_decision_server_url: p.ad_decision_server_url.clone(),
                slate_ad_url: p.slate_ad_url.clone(),
                tags,
                settings,
                ..existing.clone()
            }
        }
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
            new_configuration(cx, p, arn, settings)
        }
    };
    let body = response::playback_configuration(&config);
    Ok(Decided::new(
        vec![Event::PlaybackConfigurationPut {
            account: cx.account_id().to_string(),
            region: cx.region().to_string(),
            config: Box::new(to_event::playback_configuration(config)),
        }],
        body,
    ))
}

/// A configuration PutPlaybackConfiguration creates: its settings, and its endpoints on a host and
/// session key of its own.
fn new_configuration(
    cx: &Ctx<'_>,
    p: &PutPlaybackConfigurationParams,
    arn: String,
    settings: PlaybackSettings,
) -> PlaybackConfiguration {
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
        session_initialization_endpoint_prefix: format!("{host}/v1/session/{key}/{}/", p.name),
        hls_manifest_endpoint_prefix: format!("{host}/v1/master/{key}/{}/", p.name),
        log_configuration: LogConfiguration::default(),
        sessions: Default::default(),
        tags: p.tags.clone().unwrap_or_default(),
        settings,
    }
}

/// A configuration's tags, as MediaTailor bounds them: at most [`limits::MAX_TAGS`], keys of 1 to
/// [`limits::MAX_TAG_KEY`] characters, values of at most [`limits::MAX_TAG_VALUE`].
fn validate_tags(tags: &std::collections::BTreeMap<String, String>) -> Result<(), ApiError> {
    let bad = |m: String| Err(ApiError::new(ErrorCode::BadRequestException, m));
    if tags.len() > limits::MAX_TAGS {
        return Err(too_many_tags(tags.len()));
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

/// More tags than a configuration may hold.
fn too_many_tags(n: usize) -> ApiError {
    ApiError::new(
        ErrorCode::BadRequestException,
        format!(
            "tags: at most {} tags may be given, not {n}.",
            limits::MAX_TAGS
        ),
    )
}

fn bad_request(message: String) -> ApiError {
    ApiError::new(ErrorCode::BadRequestException, message)
}

/// `value` is one of `allowed`, or the member `field` is refused, naming the values it takes.
fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(bad_request(format!(
        "{field} '{}' is not valid; valid values are {}.",
        shown(value),
        allowed.join(", ")
    )))
}

/// Free text of 1 to `max` characters without control characters (a name, a header, an alias).
fn text(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n == 0 || n > max || value.chars().any(char::is_control) {
        return Err(bad_request(format!(
            "{field} '{}' must be 1 to {max} characters without control characters.",
            shown(value)
        )));
    }
    Ok(())
}

/// A 32-bit integer member (the model's `__integer`) at least `min`.
fn integer(field: &str, value: i64, min: i64) -> Result<(), ApiError> {
    validate::range(
        ErrorCode::BadRequestException,
        field,
        value,
        min,
        i64::from(i32::MAX),
    )
}

/// A map member: at most `max` entries, keys and values as [`text`] bounds them.
fn text_map(
    field: &str,
    map: &std::collections::BTreeMap<String, String>,
    max: usize,
) -> Result<(), ApiError> {
    if map.len() > max {
        return Err(bad_request(format!(
            "{field} may hold at most {max} entries, not {}.",
            map.len()
        )));
    }
    for (k, v) in map {
        text(&format!("{field} key"), k, limits::MAX_SETTING_TEXT)?;
        text(
            &format!("{field}.{}", shown(k)),
            v,
            limits::MAX_SETTING_TEXT,
        )?;
    }
    Ok(())
}

/// `HH:MM:SS`, as `AvailSuppression.Value` is written.
fn is_offset(v: &str) -> bool {
    let parts: Vec<&str> = v.split(':').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[1] < "60"
        && parts[2] < "60"
}

/// Checks the settings of a PutPlaybackConfiguration beyond its URLs and tags: the enums, ranges
/// and shapes of AWS's model, and slrsim's length limits where the model states none.
fn validate_settings(s: &PlaybackSettings) -> Result<(), ApiError> {
    if let Some(a) = &s.avail_suppression {
        validate_avail_suppression(a)?;
    }
    if let Some(b) = &s.bumper {
        for (field, v) in [
            ("Bumper.StartUrl", &b.start_url),
            ("Bumper.EndUrl", &b.end_url),
        ] {
            if let Some(v) = v {
                validate::url(field, v)?;
            }
        }
    }
    if let Some(c) = &s.cdn_configuration {
        for (field, v) in [
            (
                "CdnConfiguration.AdSegmentUrlPrefix",
                &c.ad_segment_url_prefix,
            ),
            (
                "CdnConfiguration.ContentSegmentUrlPrefix",
                &c.content_segment_url_prefix,
            ),
        ] {
            if let Some(v) = v {
                text(field, v, limits::MAX_URL)?;
            }
        }
    }
    if let Some(d) = &s.dash_configuration {
        if let Some(m) = &d.mpd_location {
            one_of(
                "DashConfiguration.MpdLocation",
                m,
                &["DISABLED", "EMT_DEFAULT"],
            )?;
        }
        if let Some(t) = &d.origin_manifest_type {
            one_of(
                "DashConfiguration.OriginManifestType",
                t,
                &["SINGLE_PERIOD", "MULTI_PERIOD"],
            )?;
        }
    }
    if let Some(m) = &s.insertion_mode {
        one_of("InsertionMode", m, &["STITCHED_ONLY", "PLAYER_SELECT"])?;
    }
    if let Some(l) = &s.live_pre_roll_configuration {
        if let Some(u) = &l.ad_decision_server_url {
            validate::url("LivePreRollConfiguration.AdDecisionServerUrl", u)?;
        }
        if let Some(n) = l.max_duration_seconds {
            integer("LivePreRollConfiguration.MaxDurationSeconds", n, 0)?;
        }
        if let Some(m) = l
            .ad_decision_server_configuration
            .as_ref()
            .and_then(|c| c.vast_response.as_ref())
            .and_then(|v| v.ad_sequencing_mode.as_ref())
        {
            one_of(
                "LivePreRollConfiguration.AdDecisionServerConfiguration.VastResponse.AdSequencingMode",
                m,
                &PRE_ROLL_AD_SEQUENCING_MODES,
            )?;
        }
    }
    if let Some(n) = s.personalization_threshold_seconds {
        integer("PersonalizationThresholdSeconds", n, 1)?;
    }
    if let Some(t) = &s.transcode_profile_name {
        text("TranscodeProfileName", t, limits::MAX_SETTING_TEXT)?;
    }
    validate_more_settings(s)
}

/// `AvailSuppression`: its enums, and its value as `HH:MM:SS`.
fn validate_avail_suppression(
    a: &crate::core::event::payload::AvailSuppression,
) -> Result<(), ApiError> {
    if let Some(m) = &a.mode {
        one_of(
            "AvailSuppression.Mode",
            m,
            &["OFF", "BEHIND_LIVE_EDGE", "AFTER_LIVE_EDGE"],
        )?;
    }
    if let Some(f) = &a.fill_policy {
        one_of(
            "AvailSuppression.FillPolicy",
            f,
            &["FULL_AVAIL_ONLY", "PARTIAL_AVAIL"],
        )?;
    }
    if let Some(v) = a.value.as_deref().filter(|v| !is_offset(v)) {
        return Err(bad_request(format!(
            "AvailSuppression.Value '{}' must be a time offset HH:MM:SS.",
            shown(v)
        )));
    }
    Ok(())
}

/// The rest of [`validate_settings`]: aliases, ad conditioning, the ad decision server's request and
/// the function mapping.
fn validate_more_settings(s: &PlaybackSettings) -> Result<(), ApiError> {
    if let Some(aliases) = &s.configuration_aliases {
        if aliases.len() > limits::MAX_SETTING_ENTRIES {
            return Err(bad_request(format!(
                "ConfigurationAliases may hold at most {} player parameters, not {}.",
                limits::MAX_SETTING_ENTRIES,
                aliases.len()
            )));
        }
        for (param, values) in aliases {
            text("ConfigurationAliases key", param, limits::MAX_SETTING_TEXT)?;
            text_map(
                &format!("ConfigurationAliases.{}", shown(param)),
                values,
                limits::MAX_SETTING_ENTRIES,
            )?;
        }
    }
    if let Some(a) = &s.ad_conditioning_configuration {
        one_of(
            "AdConditioningConfiguration.StreamingMediaFileConditioning",
            &a.streaming_media_file_conditioning,
            &["TRANSCODE", "NONE"],
        )?;
    }
    if let Some(m) = s
        .ad_decision_server_configuration
        .as_ref()
        .and_then(|c| c.vast_response.as_ref())
        .and_then(|v| v.ad_sequencing_mode.as_ref())
    {
        one_of(
            "AdDecisionServerConfiguration.VastResponse.AdSequencingMode",
            m,
            &AD_SEQUENCING_MODES,
        )?;
    }
    if let Some(r) = s
        .ad_decision_server_configuration
        .as_ref()
        .and_then(|c| c.http_request.as_ref())
    {
        let field = "AdDecisionServerConfiguration.HttpRequest";
        if let Some(m) = &r.method {
            one_of(&format!("{field}.Method"), m, &["GET", "POST"])?;
        }
        if let Some(c) = &r.compress_request {
            one_of(&format!("{field}.CompressRequest"), c, &["NONE", "GZIP"])?;
        }
        if let Some(b) = r
            .body
            .as_deref()
            .filter(|b| b.chars().count() > limits::MAX_SETTING_TEXT)
        {
            return Err(bad_request(format!(
                "{field}.Body is longer than {} characters ({}).",
                limits::MAX_SETTING_TEXT,
                b.chars().count()
            )));
        }
        if let Some(h) = &r.headers {
            text_map(&format!("{field}.Headers"), h, limits::MAX_SETTING_ENTRIES)?;
        }
    }
    if let Some(f) = &s.function_mapping {
        text_map("FunctionMapping", f, limits::MAX_SETTING_ENTRIES)?;
        for k in f.keys() {
            one_of(
                "FunctionMapping key",
                k,
                &["PRE_SESSION_INITIALIZATION", "PRE_ADS_REQUEST"],
            )?;
        }
    }
    validate_ads_settings(s)
}

/// `VastResponse.AdSequencingMode`'s values.
const AD_SEQUENCING_MODES: [&str; 4] = [
    "FOLLOW_AD_SEQUENCE",
    "IGNORE_AD_SEQUENCE",
    "FOLLOW_AD_SEQUENCE_ONLY_LIVE",
    "FOLLOW_AD_SEQUENCE_ONLY_VOD",
];

/// `PreRollVastResponse.AdSequencingMode`'s values.
const PRE_ROLL_AD_SEQUENCING_MODES: [&str; 2] = ["FOLLOW_AD_SEQUENCE", "IGNORE_AD_SEQUENCE"];

/// The settings of the newer model: yield optimization, the ad decision server's timeouts and
/// concurrency, and client-side beaconing. Integers the model bounds nowhere take 0 to 2^31-1.
fn validate_ads_settings(s: &PlaybackSettings) -> Result<(), ApiError> {
    if let Some(y) = &s.yield_optimization_configuration {
        validate_yield_optimization(y)?;
    }
    if let Some(t) = &s.ads_personalization_timeouts {
        for (member, v) in [
            (
                "AdsRequestTimeoutMilliseconds",
                t.ads_request_timeout_milliseconds,
            ),
            (
                "LiveMaximumAdsPersonalizationTimeMilliseconds",
                t.live_maximum_ads_personalization_time_milliseconds,
            ),
            (
                "VodMaximumAdsPersonalizationTimeMilliseconds",
                t.vod_maximum_ads_personalization_time_milliseconds,
            ),
            (
                "PrefetchAdsRequestTimeoutMilliseconds",
                t.prefetch_ads_request_timeout_milliseconds,
            ),
            (
                "PrefetchMaximumAdsPersonalizationTimeMilliseconds",
                t.prefetch_maximum_ads_personalization_time_milliseconds,
            ),
        ] {
            if let Some(v) = v {
                integer(&format!("AdsPersonalizationTimeouts.{member}"), v, 0)?;
            }
        }
    }
    if let Some(n) = s
        .ads_personalization_concurrency
        .as_ref()
        .and_then(|c| c.max_concurrent_ads_requests)
    {
        integer(
            "AdsPersonalizationConcurrency.MaxConcurrentAdsRequests",
            n,
            0,
        )?;
    }
    if let Some(c) = s
        .beaconing_configuration
        .as_ref()
        .and_then(|b| b.client_side.as_ref())
    {
        let field = "BeaconingConfiguration.ClientSide";
        one_of(
            &format!("{field}.ReportingMode"),
            &c.reporting_mode,
            &["DISABLED", "INSIGHTS"],
        )?;
        let types = c.additional_event_types.as_deref().unwrap_or_default();
        if types.len() > limits::MAX_BEACON_EVENT_TYPES {
            return Err(bad_request(format!(
                "{field}.AdditionalEventTypes may list at most {} event types, not {}.",
                limits::MAX_BEACON_EVENT_TYPES,
                types.len()
            )));
        }
        for t in types {
            one_of(
                &format!("{field}.AdditionalEventTypes"),
                t,
                &["MUTE", "UNMUTE", "PAUSE", "SKIP"],
            )?;
        }
    }
    Ok(())
}

/// `YieldOptimizationConfiguration`: its range, publisher id, region and template as AWS's model
/// bounds them.
fn validate_yield_optimization(
    y: &crate::core::event::payload::YieldOptimizationConfiguration,
) -> Result<(), ApiError> {
    let field = "YieldOptimizationConfiguration";
    let (lo, hi) = limits::MINIMUM_UNFILLED_DURATION;
    validate::range(
        ErrorCode::BadRequestException,
        &format!("{field}.MinimumUnfilledDuration"),
        y.minimum_unfilled_duration,
        lo,
        hi,
    )?;
    let id = &y.publisher_id;
    if id.is_empty()
        || id.chars().count() > limits::MAX_PUBLISHER_ID
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(bad_request(format!(
            "{field}.PublisherId '{}' must be 1 to {} characters of a-z, 0-9 and '-'.",
            shown(id),
            limits::MAX_PUBLISHER_ID
        )));
    }
    one_of(
        &format!("{field}.Region"),
        &y.region,
        &["AMERICAS", "EUROPE", "ASIA_PACIFIC"],
    )?;
    let n = y.open_rtb_template.chars().count();
    if n == 0 || n > limits::MAX_OPEN_RTB_TEMPLATE {
        return Err(bad_request(format!(
            "{field}.OpenRtbTemplate must be 1 to {} characters, not {n}.",
            limits::MAX_OPEN_RTB_TEMPLATE
        )));
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
        .map(|(_, c)| c)
        .peekable();
    if let Some(first) = it
        .peek()
        .filter(|_| cx.empty_first_page(p.next_token.as_deref()))
    {
        return Ok(Decided::read(json!({"Items": [], "NextToken": first.name})));
    }
    // INVARIANT: max is in 1..=100, checked above.
    let take = cx.page_take(usize::try_from(max).unwrap_or(100));
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

/// The playback configuration a tagging call's ARN names, in the call's account and region. An ARN
/// of anything else (another account, region, resource type, or a configuration that does not
/// exist) is refused with BadRequestException, the only error AWS's model gives these calls.
fn tagged_configuration<'a>(
    cx: &Ctx<'a>,
    resource_arn: &str,
) -> Result<&'a PlaybackConfiguration, ApiError> {
    let prefix = catalog::playback_configuration_arn(cx.region(), cx.account_id(), "");
    resource_arn
        .strip_prefix(prefix.as_str())
        .and_then(|name| {
            cx.account
                .region(cx.region())
                .playback_configurations
                .get(name)
        })
        .ok_or_else(|| {
            bad_request(format!(
                "{} is not the ARN of a playback configuration in this account and region.",
                shown(resource_arn)
            ))
        })
}

/// Checks a tagging call's `ResourceArn` and authorises `permission` on it.
fn authorize_tagging(cx: &Ctx<'_>, permission: &str, resource_arn: &str) -> Result<(), ApiError> {
    validate::length(
        ErrorCode::BadRequestException,
        "ResourceArn",
        resource_arn,
        1,
        limits::MAX_URL,
    )?;
    cx.authorize(&Request::new(permission, resource_arn), Protocol::RestJson)?;
    Ok(())
}

/// The event setting a configuration's tags to `tags`, when they differ from what it has.
fn tags_set(
    cx: &Ctx<'_>,
    c: &PlaybackConfiguration,
    tags: std::collections::BTreeMap<String, String>,
) -> Vec<Event> {
    if tags == c.tags {
        return Vec::new();
    }
    vec![Event::PlaybackConfigurationTagsSet {
        account: cx.account_id().to_string(),
        region: cx.region().to_string(),
        name: c.name.clone(),
        tags,
    }]
}

/// Decides MediaTailor's `TagResource`: adds tags to a playback configuration (a key it has takes
/// the new value). HTTP 204.
pub(super) fn tag_resource(cx: &Ctx<'_>, p: &TagResourceParams) -> Result<Decided, ApiError> {
    validate_tags(&p.tags)?;
    authorize_tagging(cx, "mediatailor:TagResource", &p.resource_arn)?;
    let c = tagged_configuration(cx, &p.resource_arn)?;
    let mut tags = c.tags.clone();
    tags.extend(p.tags.clone());
    if tags.len() > limits::MAX_TAGS {
        return Err(too_many_tags(tags.len()));
    }
    Ok(Decided::new(tags_set(cx, c, tags), json!({})))
}

/// Decides MediaTailor's `UntagResource`: removes the tags of these keys (a key it lacks is no
/// error). HTTP 204.
pub(super) fn untag_resource(cx: &Ctx<'_>, p: &UntagResourceParams) -> Result<Decided, ApiError> {
    if p.tag_keys.is_empty() || p.tag_keys.len() > limits::MAX_TAGS {
        return Err(bad_request(format!(
            "tagKeys must list 1 to {} keys, not {}.",
            limits::MAX_TAGS,
            p.tag_keys.len()
        )));
    }
    for k in &p.tag_keys {
        text("tagKeys", k, limits::MAX_TAG_KEY)?;
    }
    authorize_tagging(cx, "mediatailor:UntagResource", &p.resource_arn)?;
    let c = tagged_configuration(cx, &p.resource_arn)?;
    let mut tags = c.tags.clone();
    for k in &p.tag_keys {
        tags.remove(k);
    }
    Ok(Decided::new(tags_set(cx, c, tags), json!({})))
}

/// Decides MediaTailor's `ListTagsForResource`: the configuration's tags (`tags` on the wire).
pub(super) fn list_tags_for_resource(
    cx: &Ctx<'_>,
    p: &ResourceArnParams,
) -> Result<Decided, ApiError> {
    authorize_tagging(cx, "mediatailor:ListTagsForResource", &p.resource_arn)?;
    let c = tagged_configuration(cx, &p.resource_arn)?;
    Ok(Decided::read(json!({"Tags": c.tags})))
}
