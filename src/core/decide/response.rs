//! AWS-shaped response bodies, built from the state. Keys are AWS's; maps serialise in key order.

use serde_json::{Map, Value, json};

use crate::core::clock;
use crate::core::state::{DeletionTask, LogGroup, LogStream, PlaybackConfiguration, Role, User};

/// A policy document as AWS's JSON clients show it: parsed, or the text if it does not parse.
fn document(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// The `Role` structure. `full` adds what GetRole shows and ListRoles does not.
pub(crate) fn role(r: &Role, full: bool) -> Value {
    let mut m = Map::new();
    m.insert("Path".into(), json!(r.path));
    m.insert("RoleName".into(), json!(r.role_name));
    m.insert("RoleId".into(), json!(r.role_id));
    m.insert("Arn".into(), json!(r.arn));
    m.insert("CreateDate".into(), json!(clock::format(r.create_date)));
    m.insert(
        "AssumeRolePolicyDocument".into(),
        document(&r.assume_role_policy_document),
    );
    if let Some(d) = &r.description {
        m.insert("Description".into(), json!(d));
    }
    m.insert("MaxSessionDuration".into(), json!(r.max_session_duration));
    // Omitted when unset (AWS's model: "no default value is returned").
    if let Some(s) = r.max_signin_session_duration {
        m.insert("MaxSigninSessionDuration".into(), json!(s));
    }
    if full {
        if let Some(b) = &r.permissions_boundary {
            m.insert("PermissionsBoundary".into(), boundary(b));
        }
        if !r.tags.is_empty() {
            m.insert("Tags".into(), tags(&r.tags));
        }
        let last = match &r.role_last_used {
            Some(u) => json!({"LastUsedDate": clock::format(u.last_used_date), "Region": u.region}),
            None => json!({}),
        };
        m.insert("RoleLastUsed".into(), last);
    }
    Value::Object(m)
}

/// An `AttachedPermissionsBoundary`.
fn boundary(arn: &str) -> Value {
    json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": arn})
}

/// Tags as AWS lists them.
pub(crate) fn tags(t: &std::collections::BTreeMap<String, String>) -> Value {
    Value::Array(
        t.iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

/// The `User` structure: its boundary and tags only when it has them.
pub(crate) fn user(u: &User) -> Value {
    let mut m = Map::new();
    m.insert("Path".into(), json!(u.path));
    m.insert("UserName".into(), json!(u.user_name));
    m.insert("UserId".into(), json!(u.user_id));
    m.insert("Arn".into(), json!(u.arn));
    m.insert("CreateDate".into(), json!(clock::format(u.create_date)));
    if let Some(b) = &u.permissions_boundary {
        m.insert("PermissionsBoundary".into(), boundary(b));
    }
    if !u.tags.is_empty() {
        m.insert("Tags".into(), tags(&u.tags));
    }
    Value::Object(m)
}

/// GetServiceLinkedRoleDeletionStatus's body.
pub(crate) fn deletion_status(t: &DeletionTask) -> Value {
    let mut m = Map::new();
    m.insert("Status".into(), json!(t.status.as_str()));
    if let Some(r) = &t.reason {
        m.insert(
            "Reason".into(),
            json!({"Reason": r.reason, "RoleUsageList": r.role_usage_list}),
        );
    }
    Value::Object(m)
}

/// A playback configuration as MediaTailor returns it (Put, Get and each of List's `Items`): the
/// members given, the derived ones, and AWS's defaults for those never given
/// ([`fill_playback_defaults`]).
pub(crate) fn playback_configuration(c: &PlaybackConfiguration) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("Name", json!(c.name));
    put("PlaybackConfigurationArn", json!(c.arn));
    for (k, v) in [
        ("VideoContentSourceUrl", &c.video_content_source_url),
        ("AdDecisionServerUrl", &c.ad_decision_server_url),
        ("SlateAdUrl", &c.slate_ad_url),
    ] {
        if let Some(v) = v {
            put(k, json!(v));
        }
    }
    put("PlaybackEndpointPrefix", json!(c.playback_endpoint_prefix));
    put(
        "SessionInitializationEndpointPrefix",
        json!(c.session_initialization_endpoint_prefix),
    );
    put(
        "HlsConfiguration",
        json!({"ManifestEndpointPrefix": c.hls_manifest_endpoint_prefix}),
    );
    put("LogConfiguration", log_configuration(&c.log_configuration));
    put("Tags", json!(c.tags));
    // The settings as given, under AWS's member names (absent ones are left out).
    if let Ok(Value::Object(given)) = serde_json::to_value(&c.settings) {
        m.extend(given);
    }
    fill_playback_defaults(&mut m);
    Value::Object(m)
}

/// A playback configuration's `LogConfiguration`: the percentage and strategies, and the interaction
/// logs as ConfigureLogsForPlaybackConfiguration last gave them.
fn log_configuration(l: &crate::core::state::LogConfiguration) -> Value {
    let mut m = Map::new();
    m.insert("PercentEnabled".into(), json!(l.percent_enabled));
    m.insert(
        "EnabledLoggingStrategies".into(),
        json!(l.enabled_logging_strategies),
    );
    if let Some(a) = &l.ads_interaction_log {
        m.insert("AdsInteractionLog".into(), json!(a));
    }
    if let Some(a) = &l.manifest_service_interaction_log {
        m.insert("ManifestServiceInteractionLog".into(), json!(a));
    }
    Value::Object(m)
}

/// The DASH manifest endpoint prefix beside an HLS one: MediaTailor serves both from the same host
/// and key, `/v1/dash/` in place of `/v1/master/`.
pub(crate) fn dash_prefix(hls: &str) -> String {
    hls.replacen("/v1/master/", "/v1/dash/", 1)
}

/// What MediaTailor returns for the members of a playback configuration never given (AWS's API
/// reference and CLI examples; README "Playback configurations"): ad suppression `OFF`, empty
/// `Bumper` and `CdnConfiguration`, DASH `EMT_DEFAULT` and `MULTI_PERIOD` (with the endpoint prefix
/// derived from the HLS one), insertion mode `STITCHED_ONLY`, a pre-roll of at most 0 seconds, ad
/// marker passthrough off. Members already present keep their values; a member given in part gets
/// the defaults of its missing parts. Also how an answer of older rules is upgraded.
pub(crate) fn fill_playback_defaults(m: &mut Map<String, Value>) {
    let hls = m
        .get("HlsConfiguration")
        .and_then(|h| h.get("ManifestEndpointPrefix"))
        .and_then(Value::as_str)
        .map(dash_prefix);
    let mut within = |member: &str, defaults: Value| {
        let slot = m.entry(member).or_insert_with(|| json!({}));
        if let (Value::Object(have), Value::Object(defaults)) = (slot, defaults) {
            for (k, v) in defaults {
                have.entry(k).or_insert(v);
            }
        }
    };
    within("AvailSuppression", json!({"Mode": "OFF"}));
    within("Bumper", json!({}));
    within("CdnConfiguration", json!({}));
    let mut dash = json!({"MpdLocation": "EMT_DEFAULT", "OriginManifestType": "MULTI_PERIOD"});
    if let Some(prefix) = hls {
        dash["ManifestEndpointPrefix"] = json!(prefix);
    }
    within("DashConfiguration", dash);
    within("LivePreRollConfiguration", json!({"MaxDurationSeconds": 0}));
    within(
        "ManifestProcessingRules",
        json!({"AdMarkerPassthrough": {}}),
    );
    if let Some(Value::Object(rules)) = m.get_mut("ManifestProcessingRules") {
        if let Some(Value::Object(p)) = rules.get_mut("AdMarkerPassthrough") {
            p.entry("Enabled").or_insert(json!(false));
        }
    }
    m.entry("InsertionMode").or_insert(json!("STITCHED_ONLY"));
}

/// The class of every log group MediaTailor creates (CreateLogGroup's default).
pub(crate) const LOG_GROUP_CLASS: &str = "STANDARD";

/// A log group as DescribeLogGroups returns it (times in milliseconds). `brief` is the answer to a
/// `logGroupNamePattern`, which holds only `arn`, `creationTime` and `logGroupName`. There is no
/// `retentionInDays`: slrsim serves no PutRetentionPolicy, so every group keeps its events forever.
pub(crate) fn log_group(g: &LogGroup, brief: bool) -> Value {
    let mut m = Map::new();
    m.insert("logGroupName".into(), json!(g.log_group_name));
    m.insert("creationTime".into(), json!(clock::millis(g.creation_time)));
    m.insert("arn".into(), json!(format!("{}:*", g.arn)));
    if !brief {
        let bytes: u64 = g.streams.values().map(|s| s.stored_bytes).sum();
        m.insert("metricFilterCount".into(), json!(0));
        m.insert("storedBytes".into(), json!(bytes));
        m.insert("logGroupClass".into(), json!(LOG_GROUP_CLASS));
        m.insert("logGroupArn".into(), json!(g.arn));
    }
    Value::Object(m)
}

/// A log stream as DescribeLogStreams returns it (times in milliseconds).
pub(crate) fn log_stream(s: &LogStream) -> Value {
    let mut m = Map::new();
    m.insert("logStreamName".into(), json!(s.log_stream_name));
    m.insert("creationTime".into(), json!(clock::millis(s.creation_time)));
    if let Some(t) = s.first_event_timestamp {
        m.insert("firstEventTimestamp".into(), json!(clock::millis(t)));
    }
    if let Some(t) = s.last_event_timestamp {
        m.insert("lastEventTimestamp".into(), json!(clock::millis(t)));
        m.insert("lastIngestionTime".into(), json!(clock::millis(t)));
    }
    m.insert("arn".into(), json!(s.arn));
    // AWS has reported 0 for a log stream since 2019-06-17 (its model: deprecated for streams, not
    // for groups); the bytes still count towards the group's `storedBytes`.
    m.insert("storedBytes".into(), json!(0));
    Value::Object(m)
}
