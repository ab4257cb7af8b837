//! MediaTailor's inputs, driven through the library: what PutPlaybackConfiguration does to a
//! configuration that already exists, and how ConfigureLogsForPlaybackConfiguration checks the event-type
//! lists of AdsInteractionLog and ManifestServiceInteractionLog. Each test pins one boundary or one field
//! that a mutation of `src/decide/mediatailor.rs` would get wrong.
// Test code: a failed unwrap or expect is a failed test, which is what a test should do.

use crate::support;
use support::*;

use serde_json::{Value, json};
use slrsim::ErrorCode;
use slrsim::core::action::InteractionLog;

const ACCT: &str = "111122223333";
const US: &str = "us-east-1";

/// The most event types one list may hold (limits::MAX_EVENT_TYPES).
const MAX_TYPES: usize = slrsim::core::limits::MAX_EVENT_TYPES;

fn put_line(params: Value) -> String {
    json!({"op": "PutPlaybackConfiguration", "region": US, "params": params}).to_string()
}

fn logs_line(params: Value) -> String {
    json!({"op": "ConfigureLogsForPlaybackConfiguration", "region": US, "params": params})
        .to_string()
}

/// The configuration `name` of the default account in us-east-1, as the live state holds it.
fn config(t: &TestSim, name: &str) -> slrsim::core::state::PlaybackConfiguration {
    t.sim
        .state()
        .account(ACCT)
        .region(US)
        .playback_configurations
        .get(name)
        .unwrap_or_else(|| panic!("configuration {name} exists"))
        .clone()
}

/// A simulator holding the configuration `live` (with all three URLs), logging at 40% with both
/// interaction logs set, and 1000 sessions served through it.
fn sim_with_live() -> TestSim {
    let mut t = TestSim::new();
    t.ok(&put_line(json!({
        "Name": "live",
        "VideoContentSourceUrl": "https://origin.example.com/v1",
        "AdDecisionServerUrl": "https://ads.example.com/v1",
        "SlateAdUrl": "https://slate.example.com/v1.mp4",
    })));
    t.ok(&logs_line(json!({
        "PlaybackConfigurationName": "live",
        "PercentEnabled": 40,
        "EnabledLoggingStrategies": ["VENDED_LOGS"],
        "AdsInteractionLog": {"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"]},
        "ManifestServiceInteractionLog": {"ExcludeEventTypes": ["GENERATED_MANIFEST"]},
    })));
    t.ok(&json!({"op": "ServeSessions", "region": US,
                 "params": {"PlaybackConfigurationName": "live", "Sessions": 1000}})
    .to_string());
    t
}

// ---------------------------------------------------------------------------------------------------
// PutPlaybackConfiguration on an existing configuration
// ---------------------------------------------------------------------------------------------------

#[test]
fn put_on_an_existing_config_replaces_its_three_urls() {
    let mut t = sim_with_live();
    let before = config(&t, "live");
    assert_eq!(
        before.video_content_source_url.as_deref(),
        Some("https://origin.example.com/v1")
    );
    let resp = t.ok(&put_line(json!({
        "Name": "live",
        "VideoContentSourceUrl": "https://origin.example.com/v2",
        "AdDecisionServerUrl": "https://ads.example.com/v2",
        "SlateAdUrl": "https://slate.example.com/v2.mp4",
    })));
    // The response shows the new settings...
    assert_eq!(
        resp["VideoContentSourceUrl"],
        "https://origin.example.com/v2"
    );
    assert_eq!(resp["AdDecisionServerUrl"], "https://ads.example.com/v2");
    assert_eq!(resp["SlateAdUrl"], "https://slate.example.com/v2.mp4");
    // ...and so do the state and a later GetPlaybackConfiguration.
    let after = config(&t, "live");
    assert_eq!(
        after.video_content_source_url.as_deref(),
        Some("https://origin.example.com/v2")
    );
    assert_eq!(
        after.ad_decision_server_url.as_deref(),
        Some("https://ads.example.com/v2")
    );
    assert_eq!(
        after.slate_ad_url.as_deref(),
        Some("https://slate.example.com/v2.mp4")
    );
    let got = t.ok(
        &json!({"op": "GetPlaybackConfiguration", "region": US, "params": {"Name": "live"}})
            .to_string(),
    );
    assert_eq!(
        got["VideoContentSourceUrl"],
        "https://origin.example.com/v2"
    );
    assert_eq!(got["AdDecisionServerUrl"], "https://ads.example.com/v2");
    assert_eq!(got["SlateAdUrl"], "https://slate.example.com/v2.mp4");
}

#[test]
fn put_on_an_existing_config_keeps_logging_endpoints_and_traffic() {
    let mut t = sim_with_live();
    let before = config(&t, "live");
    assert_eq!(before.log_configuration.percent_enabled, 40);
    assert_eq!(before.sessions.served, 1000);
    let resp = t.ok(&put_line(json!({
        "Name": "live",
        "VideoContentSourceUrl": "https://origin.example.com/v2",
        "AdDecisionServerUrl": "https://ads.example.com/v2",
        "SlateAdUrl": "https://slate.example.com/v2.mp4",
    })));
    let after = config(&t, "live");
    // Logging is configured separately: the whole log configuration stays, interaction logs included.
    assert_eq!(after.log_configuration, before.log_configuration);
    assert_eq!(
        after
            .log_configuration
            .ads_interaction_log
            .as_ref()
            .and_then(|l| l.publish_opt_in_event_types.clone()),
        Some(vec!["RAW_ADS_RESPONSE".to_string()])
    );
    assert_eq!(resp["LogConfiguration"]["PercentEnabled"], 40);
    assert_eq!(
        resp["LogConfiguration"]["EnabledLoggingStrategies"],
        json!(["VENDED_LOGS"])
    );
    // The endpoint prefixes were derived when the configuration was made and do not change: a put that
    // made a new configuration would derive new ones from its own record number.
    assert_eq!(
        after.playback_endpoint_prefix,
        before.playback_endpoint_prefix
    );
    assert_eq!(
        after.session_initialization_endpoint_prefix,
        before.session_initialization_endpoint_prefix
    );
    assert_eq!(
        after.hls_manifest_endpoint_prefix,
        before.hls_manifest_endpoint_prefix
    );
    assert_eq!(
        resp["PlaybackEndpointPrefix"],
        json!(before.playback_endpoint_prefix)
    );
    assert_eq!(
        resp["SessionInitializationEndpointPrefix"],
        json!(before.session_initialization_endpoint_prefix)
    );
    assert_eq!(
        resp["HlsConfiguration"]["ManifestEndpointPrefix"],
        json!(before.hls_manifest_endpoint_prefix)
    );
    assert_eq!(after.arn, before.arn);
    assert_eq!(after.name, "live");
    assert_eq!(after.sessions, before.sessions, "traffic counters stay");
    // Logging still works as before: the role is still in use by this configuration.
    assert_eq!(
        t.sim
            .state()
            .account(ACCT)
            .enabled_log_configurations()
            .get(US)
            .cloned(),
        Some(vec![before.arn.clone()])
    );
}

#[test]
fn a_new_config_gets_its_own_endpoints_unlike_a_replaced_one() {
    // The contrast that makes the previous test meaningful: a second configuration (a new record number)
    // gets a different endpoint prefix.
    let mut t = sim_with_live();
    let live = config(&t, "live");
    t.ok(&put_line(json!({"Name": "other"})));
    let other = config(&t, "other");
    assert_ne!(
        other.playback_endpoint_prefix,
        live.playback_endpoint_prefix
    );
    assert_eq!(other.log_configuration.percent_enabled, 0);
}

#[test]
fn put_on_an_existing_config_clears_the_urls_it_omits() {
    // Put replaces the settings: a URL not given is no longer set.
    let mut t = sim_with_live();
    let resp = t.ok(&put_line(
        json!({"Name": "live", "VideoContentSourceUrl": "https://origin.example.com/v3"}),
    ));
    let after = config(&t, "live");
    assert_eq!(
        after.video_content_source_url.as_deref(),
        Some("https://origin.example.com/v3")
    );
    assert_eq!(after.ad_decision_server_url, None);
    assert_eq!(after.slate_ad_url, None);
    assert!(resp.get("AdDecisionServerUrl").is_none(), "{resp}");
    assert!(resp.get("SlateAdUrl").is_none(), "{resp}");
    assert_eq!(after.log_configuration.percent_enabled, 40);
}

#[test]
fn a_refused_put_on_an_existing_config_changes_nothing() {
    let mut t = sim_with_live();
    let before = config(&t, "live");
    let e = t.err(&put_line(json!({
        "Name": "live",
        "VideoContentSourceUrl": "https://origin.example.com/v2",
        "SlateAdUrl": "ftp://slate.example.com/v2.mp4",
    })));
    assert_eq!(e.code, ErrorCode::BadRequestException);
    assert!(e.message.contains("SlateAdUrl"), "{}", e.message);
    assert_eq!(config(&t, "live"), before);
}

// ---------------------------------------------------------------------------------------------------
// ConfigureLogsForPlaybackConfiguration: interaction-log event types
// ---------------------------------------------------------------------------------------------------

/// A simulator holding the configuration `live`, logging off (so no role yet).
fn sim_with_config() -> TestSim {
    let mut t = TestSim::new();
    t.ok(&put_line(json!({"Name": "live"})));
    t
}

/// `n` distinct valid event types: TYPE_A, TYPE_B, ..., made only of upper-case letters and '_'.
fn types(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let mut s = String::from("TYPE_");
            let mut k = i;
            loop {
                s.push(char::from(b'A' + u8::try_from(k % 26).unwrap()));
                k /= 26;
                if k == 0 {
                    break;
                }
            }
            s
        })
        .collect()
}

/// A ConfigureLogs call on `live` at 30% with the given interaction logs.
fn logs_with(ads: Option<Value>, manifest: Option<Value>) -> String {
    let mut params = json!({"PlaybackConfigurationName": "live", "PercentEnabled": 30});
    if let Some(a) = ads {
        params["AdsInteractionLog"] = a;
    }
    if let Some(m) = manifest {
        params["ManifestServiceInteractionLog"] = m;
    }
    logs_line(params)
}

/// Asserts the call is refused with BadRequestException naming `field`, and that nothing changed: no
/// role, the log configuration as it was.
#[track_caller]
fn assert_refused(t: &mut TestSim, line: &str, field: &str) {
    let before = t.sim.state().clone();
    let rec = t.record(line);
    let slrsim::core::outcome::Outcome::Error { error, .. } = &rec.outcome else {
        panic!("expected a refusal for {line}, got {:?}", rec.outcome);
    };
    assert_eq!(error.code, ErrorCode::BadRequestException, "{line}");
    assert_eq!(error.status, 400);
    assert!(
        error.message.contains(field),
        "the message should name {field}: {}",
        error.message
    );
    assert_eq!(t.sim.state(), &before, "a refusal changes nothing");
    assert!(t.sim.state().account(ACCT).service_linked_role().is_none());
}

/// Asserts the call is accepted and returns the response.
#[track_caller]
fn assert_accepted(t: &mut TestSim, line: &str) -> Value {
    let resp = t.ok(line);
    assert_eq!(resp["PercentEnabled"], 30);
    assert!(
        t.sim.state().account(ACCT).service_linked_role().is_some(),
        "enabling logging created the role"
    );
    resp
}

const LISTS: [&str; 2] = ["PublishOptInEventTypes", "ExcludeEventTypes"];
const LOGS: [&str; 2] = ["AdsInteractionLog", "ManifestServiceInteractionLog"];

/// The call with `list` of `log` set to `value` (the other log absent).
fn one_list(log: &str, list: &str, value: Value) -> String {
    let inner = json!({ list: value });
    if log == "AdsInteractionLog" {
        logs_with(Some(inner), None)
    } else {
        logs_with(None, Some(inner))
    }
}

#[test]
fn more_than_100_event_types_are_refused_in_every_list() {
    for log in LOGS {
        for list in LISTS {
            let mut t = sim_with_config();
            let line = one_list(log, list, json!(types(MAX_TYPES + 1)));
            assert_refused(&mut t, &line, &format!("{log}.{list}"));
            let rec = t.record(&line);
            assert!(
                matches!(&rec.outcome, slrsim::core::outcome::Outcome::Error { error, .. }
                    if error.message.contains(&MAX_TYPES.to_string())),
                "the message names the limit: {:?}",
                rec.outcome
            );
        }
    }
}

#[test]
fn exactly_100_event_types_are_accepted_and_echoed() {
    for log in LOGS {
        for list in LISTS {
            let mut t = sim_with_config();
            let hundred = types(MAX_TYPES);
            let resp = assert_accepted(&mut t, &one_list(log, list, json!(hundred)));
            assert_eq!(resp[log][list], json!(hundred), "{log}.{list} echoed");
            let other = if list == LISTS[0] { LISTS[1] } else { LISTS[0] };
            assert!(
                resp[log].get(other).is_none(),
                "{log}.{other} was not given: {}",
                resp[log]
            );
        }
    }
}

#[test]
fn malformed_event_types_are_refused() {
    let bad: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("lower-case", "raw_ads_response".to_string()),
        ("mixed case", "Raw_Ads_Response".to_string()),
        ("one lower-case letter", "RAW_ADs_RESPONSE".to_string()),
        ("65 characters", "A".repeat(65)),
        ("a digit", "EVENT_1".to_string()),
        ("a space", "RAW ADS".to_string()),
        ("a hyphen", "RAW-ADS".to_string()),
        ("non-ASCII upper case", "ÉVÉNEMENT".to_string()),
    ];
    for log in LOGS {
        for list in LISTS {
            for (what, value) in &bad {
                let mut t = sim_with_config();
                // The bad type is last, after valid ones: every entry is checked, not only the first.
                let line = one_list(log, list, json!(["VAST_RESPONSE", "AD_MARKER", value]));
                let before = t.sim.next_seq();
                assert_refused(&mut t, &line, &format!("{log}.{list}"));
                assert_eq!(
                    t.sim.next_seq(),
                    before + 1,
                    "{what}: the refusal is recorded"
                );
            }
        }
    }
}

#[test]
fn a_64_character_upper_case_type_and_underscores_are_accepted() {
    let long = "A".repeat(64);
    let underscored = format!("{}_{}", "B".repeat(31), "C".repeat(32));
    assert_eq!(underscored.len(), 64);
    for log in LOGS {
        for list in LISTS {
            let mut t = sim_with_config();
            let value = json!([long, underscored, "_", "X"]);
            let resp = assert_accepted(&mut t, &one_list(log, list, value.clone()));
            assert_eq!(resp[log][list], value);
        }
    }
}

#[test]
fn empty_lists_are_accepted() {
    let mut t = sim_with_config();
    let resp = assert_accepted(
        &mut t,
        &logs_with(
            Some(json!({"PublishOptInEventTypes": [], "ExcludeEventTypes": []})),
            Some(json!({"PublishOptInEventTypes": []})),
        ),
    );
    assert_eq!(
        resp["AdsInteractionLog"],
        json!({"PublishOptInEventTypes": [], "ExcludeEventTypes": []})
    );
    assert_eq!(
        resp["ManifestServiceInteractionLog"],
        json!({"PublishOptInEventTypes": []})
    );
}

#[test]
fn valid_lists_are_echoed_and_stored() {
    let mut t = sim_with_config();
    let ads = json!({"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"],
                     "ExcludeEventTypes": ["VAST_RESPONSE", "ERROR_VAST_MISSING_IMPRESSION"]});
    let manifest = json!({"ExcludeEventTypes": ["GENERATED_MANIFEST", "ORIGIN_MANIFEST_FETCH"]});
    let resp = assert_accepted(
        &mut t,
        &logs_with(Some(ads.clone()), Some(manifest.clone())),
    );
    assert_eq!(resp["AdsInteractionLog"], ads);
    assert_eq!(resp["ManifestServiceInteractionLog"], manifest);
    assert_eq!(resp["PlaybackConfigurationName"], "live");
    assert_eq!(
        resp["EnabledLoggingStrategies"],
        json!(["LEGACY_CLOUDWATCH"])
    );
    let log = config(&t, "live").log_configuration;
    assert_eq!(
        log.ads_interaction_log,
        Some(InteractionLog {
            publish_opt_in_event_types: Some(vec!["RAW_ADS_RESPONSE".to_string()]),
            exclude_event_types: Some(vec![
                "VAST_RESPONSE".to_string(),
                "ERROR_VAST_MISSING_IMPRESSION".to_string()
            ]),
        })
    );
    assert_eq!(
        log.manifest_service_interaction_log,
        Some(InteractionLog {
            publish_opt_in_event_types: None,
            exclude_event_types: Some(vec![
                "GENERATED_MANIFEST".to_string(),
                "ORIGIN_MANIFEST_FETCH".to_string()
            ]),
        })
    );
}

#[test]
fn without_interaction_logs_the_response_has_none() {
    let mut t = sim_with_config();
    let resp = assert_accepted(&mut t, &logs_with(None, None));
    assert!(resp.get("AdsInteractionLog").is_none(), "{resp}");
    assert!(
        resp.get("ManifestServiceInteractionLog").is_none(),
        "{resp}"
    );
    let log = config(&t, "live").log_configuration;
    assert_eq!(log.ads_interaction_log, None);
    assert_eq!(log.manifest_service_interaction_log, None);
}

#[test]
fn the_second_list_alone_invalid_is_refused() {
    // PublishOptInEventTypes valid, ExcludeEventTypes not: the check does not stop at the first list.
    for log in LOGS {
        let mut t = sim_with_config();
        let inner = json!({"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"],
                           "ExcludeEventTypes": ["RAW_ADS_RESPONSE", "bad"]});
        let line = if log == LOGS[0] {
            logs_with(Some(inner), None)
        } else {
            logs_with(None, Some(inner))
        };
        assert_refused(&mut t, &line, &format!("{log}.ExcludeEventTypes"));
        let mut t = sim_with_config();
        let inner = json!({"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"],
                           "ExcludeEventTypes": types(MAX_TYPES + 1)});
        let line = if log == LOGS[0] {
            logs_with(Some(inner), None)
        } else {
            logs_with(None, Some(inner))
        };
        assert_refused(&mut t, &line, &format!("{log}.ExcludeEventTypes"));
    }
}

#[test]
fn the_second_log_alone_invalid_is_refused() {
    // AdsInteractionLog valid, ManifestServiceInteractionLog not: both logs are checked.
    let valid = json!({"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"],
                       "ExcludeEventTypes": ["VAST_RESPONSE"]});
    for list in LISTS {
        for bad in [json!(["lower"]), json!(types(MAX_TYPES + 1)), json!([""])] {
            let mut t = sim_with_config();
            let line = logs_with(Some(valid.clone()), Some(json!({ list: bad })));
            assert_refused(
                &mut t,
                &line,
                &format!("ManifestServiceInteractionLog.{list}"),
            );
        }
    }
    // And the other way round: a valid manifest log does not excuse an invalid ads log.
    let mut t = sim_with_config();
    let line = logs_with(
        Some(json!({"ExcludeEventTypes": ["x"]})),
        Some(valid.clone()),
    );
    assert_refused(&mut t, &line, "AdsInteractionLog.ExcludeEventTypes");
}

#[test]
fn invalid_event_types_are_refused_even_when_disabling_logging() {
    // The lists are checked whatever PercentEnabled is; a refused call leaves logging as it was.
    let mut t = sim_with_live();
    let before = config(&t, "live").log_configuration;
    let e = t.err(&logs_line(json!({
        "PlaybackConfigurationName": "live",
        "PercentEnabled": 0,
        "AdsInteractionLog": {"ExcludeEventTypes": ["A".repeat(65)]},
    })));
    assert_eq!(e.code, ErrorCode::BadRequestException);
    assert!(e.message.contains("AdsInteractionLog.ExcludeEventTypes"));
    assert_eq!(config(&t, "live").log_configuration, before);
}

#[test]
fn logging_strategies_both_once_each() {
    let strategies = |list: Value| {
        logs_line(
            json!({"PlaybackConfigurationName": "live", "PercentEnabled": 30,
                         "EnabledLoggingStrategies": list}),
        )
    };
    // Both strategies, in either order, are accepted and echoed as given.
    for both in [
        json!(["VENDED_LOGS", "LEGACY_CLOUDWATCH"]),
        json!(["LEGACY_CLOUDWATCH", "VENDED_LOGS"]),
    ] {
        let mut t = sim_with_config();
        let resp = assert_accepted(&mut t, &strategies(both.clone()));
        assert_eq!(resp["EnabledLoggingStrategies"], both);
        assert_eq!(
            json!(
                config(&t, "live")
                    .log_configuration
                    .enabled_logging_strategies
            ),
            both
        );
    }
    // A strategy twice, three entries, or an unknown one: refused.
    for bad in [
        json!(["VENDED_LOGS", "VENDED_LOGS"]),
        json!(["VENDED_LOGS", "LEGACY_CLOUDWATCH", "VENDED_LOGS"]),
        json!(["S3"]),
    ] {
        let mut t = sim_with_config();
        assert_refused(&mut t, &strategies(bad), "EnabledLoggingStrategies");
    }
}

#[test]
fn valid_lists_with_logging_off_create_no_role() {
    // PercentEnabled 0 is accepted with valid lists, stores them, and does not create the role.
    let mut t = sim_with_config();
    let ads = json!({"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"]});
    let resp = t.ok(&logs_line(json!({
        "PlaybackConfigurationName": "live",
        "PercentEnabled": 0,
        "AdsInteractionLog": ads,
    })));
    assert_eq!(resp["PercentEnabled"], 0);
    assert_eq!(resp["AdsInteractionLog"], ads);
    assert!(t.sim.state().account(ACCT).service_linked_role().is_none());
    assert!(t.sim.state().account(ACCT).roles.is_empty());
    assert!(
        config(&t, "live")
            .log_configuration
            .ads_interaction_log
            .is_some()
    );
}

#[test]
fn a_second_configure_replaces_the_interaction_logs() {
    let mut t = sim_with_live();
    t.ok(&logs_line(json!({
        "PlaybackConfigurationName": "live",
        "PercentEnabled": 40,
        "EnabledLoggingStrategies": ["VENDED_LOGS"],
    })));
    let log = config(&t, "live").log_configuration;
    assert_eq!(log.ads_interaction_log, None);
    assert_eq!(log.manifest_service_interaction_log, None);
}

#[test]
fn tags_are_stored_returned_kept_when_absent_and_added_to_when_given() {
    let mut t = TestSim::new();
    let put = t
        .call(&put_line(
            json!({"Name": "live", "Tags": {"team": "video"}}),
        ))
        .expect("a put with tags is accepted");
    assert_eq!(put["Tags"], json!({"team": "video"}));
    assert_eq!(
        config(&t, "live").tags.get("team").map(String::as_str),
        Some("video")
    );
    // A put without tags keeps them; a put with tags adds to them (AWS removes a tag only by
    // UntagResource, which is why the awsmt provider untags before it puts).
    t.call(&put_line(
        json!({"Name": "live", "SlateAdUrl": "https://slate.example.com"}),
    ))
    .expect("accepted");
    assert_eq!(config(&t, "live").tags.len(), 1);
    let replaced = t
        .call(&put_line(json!({"Name": "live", "Tags": {"cost": "42"}})))
        .expect("accepted");
    assert_eq!(replaced["Tags"], json!({"cost": "42", "team": "video"}));
    let get = t
        .call(
            &json!({"op": "GetPlaybackConfiguration", "region": US, "params": {"Name": "live"}})
                .to_string(),
        )
        .expect("found");
    assert_eq!(get["Tags"], json!({"cost": "42", "team": "video"}));
}

#[test]
fn tags_over_their_limits_are_refused_naming_tags() {
    let mut t = TestSim::new();
    let limits = |n: usize| -> Value {
        (0..n)
            .map(|i| (format!("k{i}"), json!("v")))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let max = slrsim::core::limits::MAX_TAGS;
    t.call(&put_line(json!({"Name": "a", "Tags": limits(max)})))
        .expect("the most tags are accepted");
    for tags in [
        limits(max + 1),
        json!({"": "v"}),
        json!({"k".repeat(129): "v"}),
        json!({"k": "v".repeat(257)}),
    ] {
        let e = t
            .call(&put_line(json!({"Name": "b", "Tags": tags})))
            .expect_err("over a limit");
        assert_eq!(e.code, ErrorCode::BadRequestException);
        assert!(e.message.starts_with("tags:"), "{}", e.message);
    }
    assert!(
        !t.sim
            .state()
            .account(ACCT)
            .region(US)
            .playback_configurations
            .contains_key("b")
    );
}

// ---------------------------------------------------------------------------------------------------
// The whole playback configuration, and what the awsmt Terraform provider sends
// ---------------------------------------------------------------------------------------------------

/// The name the awsmt provider's acceptance test (`TestAccPlaybackConfigurationResource`) gives.
pub(crate) const AWSMT_NAME: &str = "example-playback-configuration-awsmt";
/// Its configuration's ARN in the default account and region.
pub(crate) const AWSMT_ARN: &str = "arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/example-playback-configuration-awsmt";

/// The PutPlaybackConfiguration the provider sends for `completePlaybackConfiguration`: `ad_url`
/// (also the content source, the pre-roll's server and the CDN prefix, as the test writes it),
/// bumpers ending in `suffix`, the pre-roll's longest duration, the personalization threshold, and
/// the tags `first` and `Testing = pass`. The provider always sends these members (DashConfiguration
/// among them) and `Enabled: false`.
pub(crate) fn awsmt_complete_put(
    ad_url: &str,
    suffix: &str,
    max_duration: i64,
    threshold: i64,
    first: (&str, &str),
) -> String {
    let mut tags = serde_json::Map::new();
    tags.insert(first.0.into(), json!(first.1));
    tags.insert("Testing".into(), json!("pass"));
    put_line(json!({
        "Name": AWSMT_NAME,
        "AdDecisionServerUrl": ad_url,
        "AvailSuppression": {"Mode": "BEHIND_LIVE_EDGE", "Value": "00:00:00", "FillPolicy": "FULL_AVAIL_ONLY"},
        "Bumper": {
            "EndUrl": format!("https://wxample.com/endbumper{suffix}"),
            "StartUrl": format!("https://wxample.com/startbumper{suffix}"),
        },
        "CdnConfiguration": {"AdSegmentUrlPrefix": ad_url},
        "DashConfiguration": {"MpdLocation": "DISABLED", "OriginManifestType": "SINGLE_PERIOD"},
        "LivePreRollConfiguration": {"AdDecisionServerUrl": ad_url, "MaxDurationSeconds": max_duration},
        "ManifestProcessingRules": {"AdMarkerPassthrough": {"Enabled": false}},
        "PersonalizationThresholdSeconds": threshold,
        "SlateAdUrl": "https://exampleurl.com/",
        "Tags": tags,
        "VideoContentSourceUrl": ad_url,
    }))
}

fn line(op: &str, params: Value) -> String {
    json!({"op": op, "region": US, "params": params}).to_string()
}

fn get_line(name: &str) -> String {
    line("GetPlaybackConfiguration", json!({"Name": name}))
}

/// What the provider sends after each Put: logging at its plan's percentage (0 when not set) with no
/// strategies, then a Get it reads the state from.
fn awsmt_configure_logs() -> String {
    logs_line(json!({"PlaybackConfigurationName": AWSMT_NAME, "PercentEnabled": 0}))
}

/// The provider's calls for the acceptance test, in order: create (Put, ConfigureLogs, Get), refresh
/// (Get), update with new tags (Get, UntagResource of every old key, TagResource of the new tags,
/// Put, ConfigureLogs, Get), import (Get by name), destroy (Delete).
pub(crate) fn awsmt_lines() -> Vec<String> {
    vec![
        awsmt_complete_put("https://exampleurl.com/", "", 2, 2, ("Environment", "dev")),
        awsmt_configure_logs(),
        get_line(AWSMT_NAME),
        get_line(AWSMT_NAME),
        get_line(AWSMT_NAME),
        line(
            "UntagResource",
            json!({"ResourceArn": AWSMT_ARN, "TagKeys": ["Environment", "Testing"]}),
        ),
        line(
            "TagResource",
            json!({"ResourceArn": AWSMT_ARN, "Tags": {"Environment": "prod", "Testing": "pass"}}),
        ),
        awsmt_complete_put(
            "https://exampleurl2.com/",
            "2",
            3,
            3,
            ("Environment", "prod"),
        ),
        awsmt_configure_logs(),
        get_line(AWSMT_NAME),
        get_line(AWSMT_NAME),
        line("DeletePlaybackConfiguration", json!({"Name": AWSMT_NAME})),
    ]
}

/// What the provider compares after a read, for `completePlaybackConfiguration`: every member it
/// wrote must read back as written (so the next plan is clean).
fn assert_reads_back(got: &Value, put: &str) {
    let sent: Value = serde_json::from_str(put).expect("json");
    let sent = &sent["params"];
    for member in [
        "AdDecisionServerUrl",
        "AvailSuppression",
        "Bumper",
        "CdnConfiguration",
        "LivePreRollConfiguration",
        "ManifestProcessingRules",
        "PersonalizationThresholdSeconds",
        "SlateAdUrl",
        "Tags",
        "VideoContentSourceUrl",
    ] {
        assert_eq!(got[member], sent[member], "{member} reads back as written");
    }
    for member in ["MpdLocation", "OriginManifestType"] {
        assert_eq!(
            got["DashConfiguration"][member],
            sent["DashConfiguration"][member]
        );
    }
    let hls = got["HlsConfiguration"]["ManifestEndpointPrefix"]
        .as_str()
        .expect("an HLS prefix");
    assert_eq!(
        got["DashConfiguration"]["ManifestEndpointPrefix"],
        json!(hls.replace("/v1/master/", "/v1/dash/"))
    );
    assert_eq!(got["LogConfiguration"]["PercentEnabled"], 0);
}

#[test]
fn the_awsmt_providers_calls_read_back_what_it_wrote() {
    let mut t = TestSim::new();
    let lines = awsmt_lines();
    let answers: Vec<Value> = lines.iter().map(|l| t.ok(l)).collect();
    let (first, second) = (&lines[0], &lines[7]);
    // Put's own answer, then every read after create, refresh and the update's first read.
    for i in [0, 2, 3, 4] {
        assert_reads_back(&answers[i], first);
    }
    for i in [7, 9, 10] {
        assert_reads_back(&answers[i], second);
    }
    assert_eq!(
        answers[4]["Tags"],
        json!({"Environment": "dev", "Testing": "pass"})
    );
    // The update keeps the endpoints: the same configuration, put again.
    for member in [
        "PlaybackEndpointPrefix",
        "SessionInitializationEndpointPrefix",
    ] {
        assert_eq!(answers[2][member], answers[9][member]);
    }
    assert_eq!(answers[9]["PlaybackConfigurationArn"], json!(AWSMT_ARN));
    // Untag and tag answer with empty bodies (HTTP 204 on the wire).
    assert_eq!(answers[5], json!({}));
    assert_eq!(answers[6], json!({}));
    assert!(
        !t.sim
            .state()
            .account(ACCT)
            .region(US)
            .playback_configurations
            .contains_key(AWSMT_NAME)
    );
}

#[test]
fn members_never_given_read_back_as_aws_defaults_them() {
    let mut t = TestSim::new();
    let put = t.ok(&put_line(json!({
        "Name": "min",
        "AdDecisionServerUrl": "https://www.foo.de/",
        "VideoContentSourceUrl": "https://www.bar.at",
    })));
    let got = t.ok(&get_line("min"));
    assert_eq!(put, got);
    assert_eq!(got["AvailSuppression"], json!({"Mode": "OFF"}));
    assert_eq!(got["Bumper"], json!({}));
    assert_eq!(got["CdnConfiguration"], json!({}));
    assert_eq!(got["DashConfiguration"]["MpdLocation"], "EMT_DEFAULT");
    assert_eq!(
        got["DashConfiguration"]["OriginManifestType"],
        "MULTI_PERIOD"
    );
    assert_eq!(got["InsertionMode"], "STITCHED_ONLY");
    assert_eq!(
        got["LivePreRollConfiguration"],
        json!({"MaxDurationSeconds": 0})
    );
    assert_eq!(
        got["ManifestProcessingRules"],
        json!({"AdMarkerPassthrough": {"Enabled": false}})
    );
    assert_eq!(got["Tags"], json!({}));
    for absent in [
        "ConfigurationAliases",
        "PersonalizationThresholdSeconds",
        "SlateAdUrl",
        "TranscodeProfileName",
        "AdConditioningConfiguration",
        "AdDecisionServerConfiguration",
        "FunctionMapping",
    ] {
        assert!(got.get(absent).is_none(), "{absent} is not returned");
    }
    let list = t.ok(&line("ListPlaybackConfigurations", json!({})));
    assert_eq!(list["Items"][0], got);
    // A member given in part gets the defaults of its other parts.
    let part = t.ok(&put_line(json!({
        "Name": "part",
        "AvailSuppression": {"Value": "00:45:00"},
        "DashConfiguration": {"OriginManifestType": "SINGLE_PERIOD"},
        "ManifestProcessingRules": {},
    })));
    assert_eq!(
        part["AvailSuppression"],
        json!({"Mode": "OFF", "Value": "00:45:00"})
    );
    assert_eq!(part["DashConfiguration"]["MpdLocation"], "EMT_DEFAULT");
    assert_eq!(
        part["DashConfiguration"]["OriginManifestType"],
        "SINGLE_PERIOD"
    );
    assert_eq!(
        part["ManifestProcessingRules"],
        json!({"AdMarkerPassthrough": {"Enabled": false}})
    );
}

#[test]
fn every_other_member_reads_back_as_given_and_a_put_replaces_them() {
    let mut t = TestSim::new();
    let given = json!({
        "Name": "all",
        "ConfigurationAliases": {"player_params.foo": {"player_params.bar": "player_params.boo"}},
        "InsertionMode": "PLAYER_SELECT",
        "TranscodeProfileName": "custom",
        "AdConditioningConfiguration": {"StreamingMediaFileConditioning": "NONE"},
        "AdDecisionServerConfiguration": {"HttpRequest": {"Method": "POST", "Body": "{}", "Headers": {"x-a": "1"}, "CompressRequest": "GZIP"}},
        "FunctionMapping": {"PRE_ADS_REQUEST": "fn-1"},
    });
    let got = t.ok(&put_line(given.clone()));
    for (k, v) in given.as_object().expect("object") {
        assert_eq!(&got[k], v, "{k}");
    }
    // Put is a replacement: what it does not give goes back to AWS's default.
    let again = t.ok(&put_line(json!({"Name": "all"})));
    assert_eq!(again["InsertionMode"], "STITCHED_ONLY");
    assert!(again.get("ConfigurationAliases").is_none());
    assert!(config(&t, "all").settings.is_empty());
}

#[test]
fn members_outside_the_model_are_refused_naming_the_member() {
    let mut t = TestSim::new();
    for (params, names) in [
        (
            json!({"AvailSuppression": {"Mode": "ON"}}),
            "AvailSuppression.Mode",
        ),
        (
            json!({"AvailSuppression": {"FillPolicy": "ALL"}}),
            "AvailSuppression.FillPolicy",
        ),
        (
            json!({"AvailSuppression": {"Value": "0:0:0"}}),
            "AvailSuppression.Value",
        ),
        (
            json!({"AvailSuppression": {"Value": "00:60:00"}}),
            "AvailSuppression.Value",
        ),
        (
            json!({"DashConfiguration": {"MpdLocation": "ON"}}),
            "DashConfiguration.MpdLocation",
        ),
        (
            json!({"DashConfiguration": {"OriginManifestType": "ONE"}}),
            "DashConfiguration.OriginManifestType",
        ),
        (json!({"InsertionMode": "GUIDED"}), "InsertionMode"),
        (
            json!({"PersonalizationThresholdSeconds": 0}),
            "PersonalizationThresholdSeconds",
        ),
        (
            json!({"PersonalizationThresholdSeconds": 2_147_483_648_i64}),
            "PersonalizationThresholdSeconds",
        ),
        (
            json!({"LivePreRollConfiguration": {"MaxDurationSeconds": -1}}),
            "LivePreRollConfiguration.MaxDurationSeconds",
        ),
        (
            json!({"LivePreRollConfiguration": {"AdDecisionServerUrl": "ads"}}),
            "LivePreRollConfiguration.AdDecisionServerUrl",
        ),
        (
            json!({"Bumper": {"StartUrl": "nowhere"}}),
            "Bumper.StartUrl",
        ),
        (json!({"TranscodeProfileName": ""}), "TranscodeProfileName"),
        (
            json!({"AdConditioningConfiguration": {"StreamingMediaFileConditioning": "SOME"}}),
            "AdConditioningConfiguration.StreamingMediaFileConditioning",
        ),
        (
            json!({"AdDecisionServerConfiguration": {"HttpRequest": {"Method": "PUT"}}}),
            "AdDecisionServerConfiguration.HttpRequest.Method",
        ),
        (
            json!({"AdDecisionServerConfiguration": {"HttpRequest": {"CompressRequest": "ZIP"}}}),
            "AdDecisionServerConfiguration.HttpRequest.CompressRequest",
        ),
        (
            json!({"FunctionMapping": {"POST_ADS": "f"}}),
            "FunctionMapping",
        ),
        (
            json!({"ConfigurationAliases": {"player_params.a": {"": "x"}}}),
            "ConfigurationAliases",
        ),
    ] {
        let mut p = params.as_object().expect("object").clone();
        p.insert("Name".into(), json!("bad"));
        let e = t.err(&put_line(Value::Object(p)));
        assert_eq!(e.code, ErrorCode::BadRequestException, "{params}");
        assert!(e.message.contains(names), "{params}: {}", e.message);
    }
    // A required member missing, or one the model lacks, is refused by the parser.
    for params in [
        json!({"Name": "bad", "AdConditioningConfiguration": {}}),
        json!({"Name": "bad", "Bumper": {"MiddleUrl": "https://a.example.com"}}),
    ] {
        let text = put_line(params);
        let obj = serde_json::from_str(&text).expect("json");
        assert!(
            slrsim::simulator::scenario::parse_action(obj).is_err(),
            "{text}"
        );
    }
    assert!(
        t.sim
            .state()
            .account(ACCT)
            .region(US)
            .playback_configurations
            .is_empty()
    );
}

// ---------------------------------------------------------------------------------------------------
// TagResource, UntagResource, ListTagsForResource
// ---------------------------------------------------------------------------------------------------

fn arn_of(name: &str) -> String {
    format!("arn:aws:mediatailor:{US}:{ACCT}:playbackConfiguration/{name}")
}

#[test]
fn tagging_calls_add_remove_and_list_a_configurations_tags() {
    let mut t = TestSim::new();
    t.ok(&put_line(
        json!({"Name": "live", "Tags": {"a": "1", "b": "2"}}),
    ));
    let arn = arn_of("live");
    let list = |t: &mut TestSim| {
        t.ok(&line(
            "ListTagsForResource",
            json!({"ResourceArn": arn_of("live")}),
        ))
    };
    assert_eq!(list(&mut t), json!({"Tags": {"a": "1", "b": "2"}}));
    t.ok(&line(
        "TagResource",
        json!({"ResourceArn": arn, "Tags": {"b": "3", "c": "4"}}),
    ));
    assert_eq!(
        list(&mut t),
        json!({"Tags": {"a": "1", "b": "3", "c": "4"}})
    );
    // Removing a key the configuration lacks is no error.
    t.ok(&line(
        "UntagResource",
        json!({"ResourceArn": arn, "TagKeys": ["a", "zz"]}),
    ));
    assert_eq!(list(&mut t), json!({"Tags": {"b": "3", "c": "4"}}));
    // A Put with tags adds to them; one without keeps them.
    t.ok(&put_line(json!({"Name": "live", "Tags": {"d": "5"}})));
    t.ok(&put_line(json!({"Name": "live"})));
    assert_eq!(config(&t, "live").tags.len(), 3);
    assert_eq!(
        t.ok(&get_line("live"))["Tags"],
        json!({"b": "3", "c": "4", "d": "5"})
    );
    // Nothing changes: no event.
    let rec = t.record(&line(
        "UntagResource",
        json!({"ResourceArn": arn, "TagKeys": ["zz"]}),
    ));
    assert!(rec.outcome.events().is_empty());
}

#[test]
fn tagging_calls_refuse_what_is_not_a_configuration_here_or_breaks_a_limit() {
    let mut t = TestSim::new();
    t.ok(&put_line(json!({"Name": "live"})));
    let max = slrsim::core::limits::MAX_TAGS;
    let many: serde_json::Map<String, Value> =
        (0..max).map(|i| (format!("k{i}"), json!("v"))).collect();
    t.ok(&line(
        "TagResource",
        json!({"ResourceArn": arn_of("live"), "Tags": many}),
    ));
    for (op, params, names) in [
        (
            "TagResource",
            json!({"ResourceArn": arn_of("gone"), "Tags": {"a": "b"}}),
            "arn:aws",
        ),
        (
            "TagResource",
            json!({"ResourceArn": arn_of("live"), "Tags": {"one-more": "v"}}),
            "tags",
        ),
        (
            "TagResource",
            json!({"ResourceArn": arn_of("live"), "Tags": {"": "v"}}),
            "tags",
        ),
        (
            "ListTagsForResource",
            json!({"ResourceArn": arn_of("live").replace(ACCT, "999999999999")}),
            "arn:aws",
        ),
        (
            "ListTagsForResource",
            json!({"ResourceArn": arn_of("live").replace(US, "eu-west-1")}),
            "arn:aws",
        ),
        (
            "ListTagsForResource",
            json!({"ResourceArn": "live"}),
            "live",
        ),
        (
            "ListTagsForResource",
            json!({"ResourceArn": ""}),
            "ResourceArn",
        ),
        (
            "UntagResource",
            json!({"ResourceArn": arn_of("live"), "TagKeys": []}),
            "tagKeys",
        ),
        (
            "UntagResource",
            json!({"ResourceArn": arn_of("live"), "TagKeys": [""]}),
            "tagKeys",
        ),
    ] {
        let e = t.err(&line(op, params.clone()));
        assert_eq!(e.code, ErrorCode::BadRequestException, "{op} {params}");
        assert_eq!(e.status, 400);
        assert!(e.message.contains(names), "{op} {params}: {}", e.message);
    }
    assert_eq!(config(&t, "live").tags.len(), max);
}

/// The provider's `TestAccPlaybackConfigurationCreationFail` and `...UpdateFail` expect AWS's words,
/// `AdDecisionServerUrl requires a valid URL`; a refused update leaves the configuration as it was.
#[test]
fn an_invalid_ad_decision_server_url_is_refused_in_aws_words() {
    let mut t = TestSim::new();
    let put = |ads: &str| {
        put_line(json!({
            "Name": "test-acc-playback-configuration-delete",
            "AdDecisionServerUrl": ads,
            "VideoContentSourceUrl": "https://www.bar.at",
        }))
    };
    let e = t.err(&put("invalid"));
    assert_eq!(e.code, ErrorCode::BadRequestException);
    assert!(
        e.message
            .contains("AdDecisionServerUrl requires a valid URL"),
        "{}",
        e.message
    );
    t.ok(&put("https://www.buzz.com"));
    let before = config(&t, "test-acc-playback-configuration-delete");
    t.err(&put("invalid"));
    assert_eq!(config(&t, "test-acc-playback-configuration-delete"), before);
}

/// The provider's data source test (`TestAccPlaybackConfigurationDataSourceBasic`): a configuration
/// with every member it manages and aliases, logging strategies given, read back whole by a Get.
#[test]
fn the_awsmt_data_source_reads_every_member_it_was_given() {
    let mut t = TestSim::new();
    let given = json!({
        "Name": AWSMT_NAME,
        "AdDecisionServerUrl": "https://exampleurl.com/",
        "AvailSuppression": {"FillPolicy": "FULL_AVAIL_ONLY", "Mode": "BEHIND_LIVE_EDGE", "Value": "00:00:00"},
        "Bumper": {"EndUrl": "https://wxample.com/endbumper", "StartUrl": "https://wxample.com/startbumper"},
        "CdnConfiguration": {"AdSegmentUrlPrefix": "https://exampleurl.com/", "ContentSegmentUrlPrefix": "https://exampleurl.com/"},
        "ConfigurationAliases": {"player_params.foo": {"player_params.bar": "player_params.buzz"}},
        "DashConfiguration": {"MpdLocation": "DISABLED", "OriginManifestType": "SINGLE_PERIOD"},
        "LivePreRollConfiguration": {"AdDecisionServerUrl": "https://exampleurl.com/", "MaxDurationSeconds": 2},
        "ManifestProcessingRules": {"AdMarkerPassthrough": {"Enabled": false}},
        "PersonalizationThresholdSeconds": 2,
        "SlateAdUrl": "https://exampleurl.com/",
        "Tags": {"Environment": "dev"},
        "VideoContentSourceUrl": "https://exampleurl.com/",
    });
    t.ok(&put_line(given.clone()));
    t.ok(&logs_line(json!({
        "PlaybackConfigurationName": AWSMT_NAME,
        "PercentEnabled": 0,
        "EnabledLoggingStrategies": ["LEGACY_CLOUDWATCH"],
    })));
    let got = t.ok(&get_line(AWSMT_NAME));
    for (k, v) in given.as_object().expect("object") {
        if k == "DashConfiguration" {
            for m in ["MpdLocation", "OriginManifestType"] {
                assert_eq!(got[k][m], v[m], "{k}.{m}");
            }
        } else {
            assert_eq!(&got[k], v, "{k}");
        }
    }
    assert_eq!(
        got["LogConfiguration"],
        json!({"PercentEnabled": 0, "EnabledLoggingStrategies": ["LEGACY_CLOUDWATCH"]})
    );
}

// ---------------------------------------------------------------------------------------------------
// The members of the newer model (botocore 1.44.8): yield optimization, the ad decision server's
// timeouts, concurrency and VAST reading, client-side beaconing
// ---------------------------------------------------------------------------------------------------

/// Every member the newer model added, at every depth, with valid values.
fn newer_members() -> Value {
    json!({
        "YieldOptimizationConfiguration": {
            "MinimumUnfilledDuration": 6,
            "PublisherId": "e2e-gen",
            "Region": "AMERICAS",
            "OpenRtbTemplate": "{\"imp\": [{\"bidfloor\": 1}]}",
        },
        "AdsPersonalizationTimeouts": {
            "AdsRequestTimeoutMilliseconds": 3000,
            "LiveMaximumAdsPersonalizationTimeMilliseconds": 10000,
            "VodMaximumAdsPersonalizationTimeMilliseconds": 0,
            "PrefetchAdsRequestTimeoutMilliseconds": 1,
            "PrefetchMaximumAdsPersonalizationTimeMilliseconds": 2_147_483_647_i64,
        },
        "AdsPersonalizationConcurrency": {
            "MaxConcurrentAdsRequests": 1,
            "EnableVodVastParallelization": true,
        },
        "BeaconingConfiguration": {
            "ClientSide": {"ReportingMode": "DISABLED", "AdditionalEventTypes": ["MUTE", "SKIP"]},
        },
        "LivePreRollConfiguration": {
            "MaxDurationSeconds": 30,
            "AdDecisionServerConfiguration": {"VastResponse": {"AdSequencingMode": "FOLLOW_AD_SEQUENCE"}},
        },
        "AdDecisionServerConfiguration": {
            "HttpRequest": {"Method": "POST", "CompressRequest": "GZIP"},
            "VastResponse": {"AdSequencingMode": "FOLLOW_AD_SEQUENCE_ONLY_VOD"},
        },
    })
}

/// `members` with `Name` set to `name`.
fn named(name: &str, members: &Value) -> Value {
    let mut p = members.as_object().expect("object").clone();
    p.insert("Name".into(), json!(name));
    Value::Object(p)
}

#[test]
fn the_newer_models_members_are_accepted_stored_and_returned_as_given() {
    let mut t = TestSim::new();
    let given = newer_members();
    let put = t.ok(&put_line(named("newer", &given)));
    let got = t.ok(&get_line("newer"));
    let list = t.ok(&line("ListPlaybackConfigurations", json!({})));
    assert_eq!(put, got);
    assert_eq!(list["Items"][0], got);
    for (k, v) in given.as_object().expect("object") {
        assert_eq!(&got[k], v, "{k} reads back as given");
    }
    let s = config(&t, "newer").settings;
    let y = s.yield_optimization_configuration.expect("stored");
    assert_eq!(
        (y.minimum_unfilled_duration, y.region.as_str()),
        (6, "AMERICAS")
    );
    assert_eq!(
        s.ads_personalization_concurrency
            .and_then(|c| c.enable_vod_vast_parallelization),
        Some(true)
    );
    let pre_roll = s
        .live_pre_roll_configuration
        .and_then(|l| l.ad_decision_server_configuration)
        .and_then(|c| c.vast_response)
        .and_then(|v| v.ad_sequencing_mode);
    assert_eq!(pre_roll.as_deref(), Some("FOLLOW_AD_SEQUENCE"));
    // They are in the log: a simulator reopened on it answers the same.
    let TestSim { sim, dir } = t;
    drop(sim);
    let sim = slrsim::Simulator::open(&dir.path().join("db"), None).expect("reopen");
    let mut t = TestSim { sim, dir };
    assert_eq!(t.ok(&get_line("newer")), got);
    // A Put without them takes them away; a configuration that never had them stores none of them.
    let again = t.ok(&put_line(json!({"Name": "newer"})));
    for k in [
        "YieldOptimizationConfiguration",
        "AdsPersonalizationTimeouts",
        "AdsPersonalizationConcurrency",
        "BeaconingConfiguration",
        "AdDecisionServerConfiguration",
    ] {
        assert!(again.get(k).is_none(), "{k} is gone");
    }
    assert_eq!(
        again["LivePreRollConfiguration"],
        json!({"MaxDurationSeconds": 0})
    );
    assert!(config(&t, "newer").settings.is_empty());
    // No dual-stack endpoint is invented (README "Playback configurations").
    assert!(again.get("DualStackPlaybackEndpointPrefix").is_none());
    assert!(
        again["HlsConfiguration"]
            .get("DualStackManifestEndpointPrefix")
            .is_none()
    );
}

#[test]
fn the_newer_models_bounds_are_accepted_at_their_edges() {
    let mut t = TestSim::new();
    let yield_with = |duration: i64, id: &str, template: usize| {
        json!({"YieldOptimizationConfiguration": {
            "MinimumUnfilledDuration": duration, "PublisherId": id, "Region": "ASIA_PACIFIC",
            "OpenRtbTemplate": "t".repeat(template)}})
    };
    for (i, members) in [
        yield_with(6, "a", 1),
        yield_with(3600, &"0-z".repeat(12), slrsim::core::limits::MAX_OPEN_RTB_TEMPLATE),
        json!({"BeaconingConfiguration": {"ClientSide": {"ReportingMode": "INSIGHTS",
            "AdditionalEventTypes": vec!["PAUSE"; slrsim::core::limits::MAX_BEACON_EVENT_TYPES]}}}),
        json!({"BeaconingConfiguration": {"ClientSide": {"ReportingMode": "INSIGHTS", "AdditionalEventTypes": []}}}),
        json!({"BeaconingConfiguration": {}}),
        json!({"AdsPersonalizationTimeouts": {}, "AdsPersonalizationConcurrency": {"MaxConcurrentAdsRequests": 0}}),
        json!({"AdDecisionServerConfiguration": {"VastResponse": {}}}),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("edge-{i}");
        let got = t.ok(&put_line(named(&name, &members)));
        for (k, v) in members.as_object().expect("object") {
            assert_eq!(&got[k], v, "{k}");
        }
    }
}

#[test]
fn the_newer_models_members_outside_it_are_refused_naming_their_path() {
    let mut t = TestSim::new();
    let yield_with = |member: &str, value: Value| {
        let mut y = newer_members()["YieldOptimizationConfiguration"].clone();
        y[member] = value;
        json!({ "YieldOptimizationConfiguration": y })
    };
    let yo = "YieldOptimizationConfiguration";
    let client = "BeaconingConfiguration.ClientSide";
    let cases = [
        (
            yield_with("MinimumUnfilledDuration", json!(5)),
            format!("{yo}.MinimumUnfilledDuration"),
        ),
        (
            yield_with("MinimumUnfilledDuration", json!(3601)),
            format!("{yo}.MinimumUnfilledDuration"),
        ),
        (
            yield_with("PublisherId", json!("")),
            format!("{yo}.PublisherId"),
        ),
        (
            yield_with("PublisherId", json!("Upper")),
            format!("{yo}.PublisherId"),
        ),
        (
            yield_with("PublisherId", json!("a".repeat(37))),
            format!("{yo}.PublisherId"),
        ),
        (
            yield_with("Region", json!("AFRICA")),
            format!("{yo}.Region"),
        ),
        (
            yield_with("OpenRtbTemplate", json!("")),
            format!("{yo}.OpenRtbTemplate"),
        ),
        (
            yield_with(
                "OpenRtbTemplate",
                json!("t".repeat(slrsim::core::limits::MAX_OPEN_RTB_TEMPLATE + 1)),
            ),
            format!("{yo}.OpenRtbTemplate"),
        ),
        (
            json!({"AdsPersonalizationTimeouts": {"AdsRequestTimeoutMilliseconds": -1}}),
            "AdsPersonalizationTimeouts.AdsRequestTimeoutMilliseconds".to_string(),
        ),
        (
            json!({"AdsPersonalizationTimeouts": {"PrefetchMaximumAdsPersonalizationTimeMilliseconds": 2_147_483_648_i64}}),
            "AdsPersonalizationTimeouts.PrefetchMaximumAdsPersonalizationTimeMilliseconds"
                .to_string(),
        ),
        (
            json!({"AdsPersonalizationTimeouts": {"VodMaximumAdsPersonalizationTimeMilliseconds": -5}}),
            "AdsPersonalizationTimeouts.VodMaximumAdsPersonalizationTimeMilliseconds".to_string(),
        ),
        (
            json!({"AdsPersonalizationConcurrency": {"MaxConcurrentAdsRequests": -1}}),
            "AdsPersonalizationConcurrency.MaxConcurrentAdsRequests".to_string(),
        ),
        (
            json!({"BeaconingConfiguration": {"ClientSide": {"ReportingMode": "ON"}}}),
            format!("{client}.ReportingMode"),
        ),
        (
            json!({"BeaconingConfiguration": {"ClientSide": {"ReportingMode": "DISABLED", "AdditionalEventTypes": ["CLICK"]}}}),
            format!("{client}.AdditionalEventTypes"),
        ),
        (
            json!({"BeaconingConfiguration": {"ClientSide": {"ReportingMode": "DISABLED",
                "AdditionalEventTypes": vec!["MUTE"; slrsim::core::limits::MAX_BEACON_EVENT_TYPES + 1]}}}),
            format!("{client}.AdditionalEventTypes"),
        ),
        (
            json!({"AdDecisionServerConfiguration": {"VastResponse": {"AdSequencingMode": "RANDOM"}}}),
            "AdDecisionServerConfiguration.VastResponse.AdSequencingMode".to_string(),
        ),
        // The pre-roll's mode takes two of the four values.
        (
            json!({"LivePreRollConfiguration": {"AdDecisionServerConfiguration": {"VastResponse": {"AdSequencingMode": "FOLLOW_AD_SEQUENCE_ONLY_LIVE"}}}}),
            "LivePreRollConfiguration.AdDecisionServerConfiguration.VastResponse.AdSequencingMode"
                .to_string(),
        ),
    ];
    for (members, path) in cases {
        let line = put_line(named("bad", &members));
        let before = t.sim.state().clone();
        let e = t.err(&line);
        assert_eq!(e.code, ErrorCode::BadRequestException, "{members}");
        assert_eq!(e.status, 400);
        assert!(e.message.contains(&path), "{members}: {}", e.message);
        assert_eq!(t.sim.state(), &before, "a refusal changes nothing");
    }
    // A required member missing, or one the model lacks, is refused by the parser.
    let mut no_id = newer_members()["YieldOptimizationConfiguration"].clone();
    no_id.as_object_mut().expect("object").remove("PublisherId");
    for members in [
        json!({ "YieldOptimizationConfiguration": no_id }),
        json!({"BeaconingConfiguration": {"ClientSide": {"AdditionalEventTypes": ["MUTE"]}}}),
        json!({"BeaconingConfiguration": {"ServerSide": {}}}),
        json!({"AdDecisionServerConfiguration": {"VastResponse": {"Mode": "FOLLOW_AD_SEQUENCE"}}}),
        json!({"LivePreRollConfiguration": {"AdDecisionServerConfiguration": {"HttpRequest": {}}}}),
        json!({"AdsPersonalizationConcurrency": {"EnableVodVastParallelization": "yes"}}),
    ] {
        let text = put_line(named("bad", &members));
        let obj = serde_json::from_str(&text).expect("json");
        assert!(
            slrsim::simulator::scenario::parse_action(obj).is_err(),
            "{text}"
        );
    }
}
