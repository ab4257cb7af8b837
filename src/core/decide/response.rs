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

/// A playback configuration as MediaTailor returns it.
pub(crate) fn playback_configuration(c: &PlaybackConfiguration) -> Value {
    let mut m = Map::new();
    m.insert("Name".into(), json!(c.name));
    m.insert("PlaybackConfigurationArn".into(), json!(c.arn));
    if let Some(u) = &c.video_content_source_url {
        m.insert("VideoContentSourceUrl".into(), json!(u));
    }
    if let Some(u) = &c.ad_decision_server_url {
        m.insert("AdDecisionServerUrl".into(), json!(u));
    }
    if let Some(u) = &c.slate_ad_url {
        m.insert("SlateAdUrl".into(), json!(u));
    }
    m.insert(
        "PlaybackEndpointPrefix".into(),
        json!(c.playback_endpoint_prefix),
    );
    m.insert(
        "SessionInitializationEndpointPrefix".into(),
        json!(c.session_initialization_endpoint_prefix),
    );
    m.insert(
        "HlsConfiguration".into(),
        json!({"ManifestEndpointPrefix": c.hls_manifest_endpoint_prefix}),
    );
    m.insert(
        "LogConfiguration".into(),
        json!({
            "PercentEnabled": c.log_configuration.percent_enabled,
            "EnabledLoggingStrategies": c.log_configuration.enabled_logging_strategies,
        }),
    );
    m.insert("Tags".into(), json!(c.tags));
    Value::Object(m)
}

/// A log group as DescribeLogGroups returns it (times in milliseconds).
pub(crate) fn log_group(g: &LogGroup) -> Value {
    let bytes: u64 = g.streams.values().map(|s| s.stored_bytes).sum();
    json!({
        "logGroupName": g.log_group_name,
        "creationTime": clock::millis(g.creation_time),
        "arn": format!("{}:*", g.arn),
        "storedBytes": bytes,
    })
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
