//! The version of the rules `decide` follows, and what changed between versions.
//!
//! A log records the rules it was decided by (`Rules` in its genesis record; a log without it was
//! decided by version 1). When slrsim answers a call differently from an earlier version on purpose
//! (AWS's answer was learnt better), `RULES` goes up and the difference is written here as an
//! upgrade of the logged outcome: what this version answers where the earlier one answered that.
//! `verify` compares a re-decided outcome with the logged one upgraded, so an older log still
//! verifies, while `replay --verify` shows the differences themselves. A change that an upgrade
//! cannot state (one that changes events) marks the record as decided differently by design: the
//! logged outcome stands, and replay follows its events as always.

use serde_json::Value;

use crate::core::action::Action;
use crate::core::error::ErrorCode;
use crate::core::operation::Service;
use crate::core::outcome::Outcome;

/// The rules this slrsim decides by.
pub const RULES: u32 = 3;

/// AWS's message for the service role policy attached to a customer role (rules 2 on).
pub const NOT_ATTACHABLE_TO_ROLE: &str = "Cannot attach a Service Role Policy to a Customer Role.";

/// One change of the rules: the version it came in and what it changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The first version of the rules with the change.
    pub since: u32,
    /// What changed, in a sentence.
    pub what: &'static str,
}

/// Every change of the rules, oldest first (the README lists them).
pub const CHANGES: &[Change] = &[
    Change {
        since: 2,
        what: "CloudWatch Logs answers AccessDeniedException with HTTP 400 (awsJson1.1), not 403",
    },
    Change {
        since: 2,
        what: "DescribeLogStreams reports storedBytes as 0, as AWS has since 2019-06-17",
    },
    Change {
        since: 2,
        what: "a permissions boundary's PermissionsBoundaryType is PermissionsBoundaryPolicy, not Policy",
    },
    Change {
        since: 2,
        what: "AttachRolePolicy of a service role policy answers \"Cannot attach a Service Role Policy to a Customer Role.\"",
    },
    Change {
        since: 2,
        what: "IAM, STS and CloudWatch Logs answer in every region of AWS's commercial partition; MediaTailor outside its regions answers NotFoundException",
    },
    Change {
        since: 3,
        what: "CreateServiceLinkedRole creates the protected roles of other services (Auto Scaling, Elastic Load Balancing, ECS, RDS, ...); an unknown service's InvalidInput says which are known",
    },
    Change {
        since: 3,
        what: "DescribeLogGroups shows every member AWS returns for a group: metricFilterCount, logGroupClass and logGroupArn besides logGroupName, creationTime, arn and storedBytes",
    },
    Change {
        since: 3,
        what: "MediaTailor writes ManifestService logs only for sessions in debug log mode, counts the bytes of the messages it writes, and writes nothing to the MediaTailor/* log groups for a VENDED_LOGS-only configuration; the events it writes can be read back (GetLogEvents, FilterLogEvents)",
    },
    Change {
        since: 3,
        what: "a playback configuration is returned with AWS's defaults for the members never given (AvailSuppression, Bumper, CdnConfiguration, DashConfiguration with its endpoint prefix, InsertionMode, LivePreRollConfiguration, ManifestProcessingRules)",
    },
    Change {
        since: 3,
        what: "a playback configuration's LogConfiguration holds the AdsInteractionLog and ManifestServiceInteractionLog ConfigureLogsForPlaybackConfiguration gave it",
    },
    Change {
        since: 3,
        what: "PutPlaybackConfiguration adds the tags given to those a configuration has, instead of replacing them",
    },
    Change {
        since: 3,
        what: "a URL MediaTailor refuses is worded as AWS words it: \"AdDecisionServerUrl requires a valid URL\"",
    },
];

/// What these rules answer where the rules `from` answered `outcome` to `action`: `Some` of the
/// upgraded outcome, or `None` when these rules decide the action differently by design in a way an
/// upgrade cannot state (the logged outcome then stands).
pub fn upgrade(from: u32, action: &Action, outcome: &Outcome) -> Option<Outcome> {
    let mut out = outcome.clone();
    if from < 2 {
        match &mut out {
            Outcome::Error { error, .. } => {
                if error.code == ErrorCode::ValidationError
                    && error.message.ends_with("is not one where MediaTailor runs")
                    && crate::core::catalog::is_aws_region(&action.region)
                {
                    // Rules 1 refused every region but MediaTailor's; now most calls there succeed.
                    return None;
                }
                if error.code == ErrorCode::AccessDeniedException
                    && action.op.spec().service == Service::Logs
                {
                    error.status = 400;
                }
                if error.code == ErrorCode::PolicyNotAttachable
                    && action.op.name() == "AttachRolePolicy"
                {
                    error.message = NOT_ATTACHABLE_TO_ROLE.to_string();
                }
            }
            Outcome::Ok { response, .. } => {
                if action.op.name() == "DescribeLogStreams" {
                    if let Some(Value::Array(streams)) = response.get_mut("logStreams") {
                        for s in streams.iter_mut().filter_map(Value::as_object_mut) {
                            if s.contains_key("storedBytes") {
                                s.insert("storedBytes".to_string(), Value::from(0));
                            }
                        }
                    }
                }
                rename_boundary_type(response);
            }
        }
    }
    if from < 3 {
        upgrade_3_iam(action, &mut out)?;
        upgrade_3_logs(action, &mut out)?;
        upgrade_3_mediatailor(action, &mut out)?;
    }
    Some(out)
}

/// Rules 3, IAM's part: `CreateServiceLinkedRole` for a service of `core::service_roles` now creates
/// its role (decided differently by design, unless a parameter was malformed, which is refused as
/// before); for a service still unknown, the message names what is known.
fn upgrade_3_iam(action: &Action, outcome: &mut Outcome) -> Option<()> {
    let crate::core::action::Operation::CreateServiceLinkedRole(p) = &action.op else {
        return Some(());
    };
    let Outcome::Error { error, .. } = outcome else {
        return Some(());
    };
    if error.code == ErrorCode::ValidationError {
        return Some(());
    }
    if crate::core::service_roles::find(&p.aws_service_name).is_some() {
        return None;
    }
    if error.code == ErrorCode::InvalidInput
        && error
            .message
            .ends_with("slrsim models only mediatailor.amazonaws.com.")
    {
        error.message = crate::core::service_roles::unknown_service_message(&p.aws_service_name);
    }
    Some(())
}

/// Rules 3 for CloudWatch Logs: a group's new members; a delivery of logs (or a loss of one) is
/// decided differently by design (manifest service logs only in debug log mode, message bytes,
/// vended logs), and its events cannot be upgraded, so that record is not compared.
fn upgrade_3_logs(action: &Action, outcome: &mut Outcome) -> Option<()> {
    let Outcome::Ok { events, response } = outcome else {
        return Some(());
    };
    match action.op.name() {
        "DescribeLogGroups" => {
            if let Some(Value::Array(groups)) = response.get_mut("logGroups") {
                for g in groups.iter_mut().filter_map(Value::as_object_mut) {
                    let arn = g
                        .get("arn")
                        .and_then(Value::as_str)
                        .map(|a| Value::from(a.strip_suffix(":*").unwrap_or(a).to_string()));
                    if let Some(arn) = arn {
                        g.insert("logGroupArn".to_string(), arn);
                    }
                    g.insert("metricFilterCount".to_string(), Value::from(0));
                    g.insert("logGroupClass".to_string(), Value::from("STANDARD"));
                }
            }
        }
        "ServeSessions" => {
            let delivered = events.iter().any(|e| {
                matches!(
                    e,
                    crate::core::event::Event::LogEventsPut { .. }
                        | crate::core::event::Event::LogDeliveryLost { .. }
                )
            });
            if delivered {
                return None;
            }
        }
        _ => {}
    }
    Some(())
}

/// Rules 3 for MediaTailor: a playback configuration in PutPlaybackConfiguration's,
/// GetPlaybackConfiguration's and ListPlaybackConfigurations' answers gains AWS's defaults for the
/// members never given (older rules took none of them, so every one is a default). `None` for a
/// Put that named tags: it replaced the configuration's tags, where rules 3 add to them, and no
/// answer alone says which tags the configuration had. A configuration whose logging was given
/// interaction logs is returned with them now; an older answer does not hold them and cannot be
/// upgraded to (README, "Rules versions").
fn upgrade_3_mediatailor(action: &Action, outcome: &mut Outcome) -> Option<()> {
    use crate::core::action::Operation;
    let response = match outcome {
        Outcome::Ok { response, .. } => response,
        Outcome::Error { error, .. } => {
            error.message = url_message_3(&error.message);
            return Some(());
        }
    };
    let fill = |v: &mut Value| {
        if let Value::Object(m) = v {
            crate::core::decide::response::fill_playback_defaults(m);
        }
    };
    match &action.op {
        Operation::PutPlaybackConfiguration(p) if p.tags.is_some() => return None,
        Operation::PutPlaybackConfiguration(_) | Operation::GetPlaybackConfiguration(_) => {
            fill(response)
        }
        Operation::ListPlaybackConfigurations(_) => {
            if let Some(Value::Array(items)) = response.get_mut("Items") {
                items.iter_mut().for_each(fill);
            }
        }
        _ => {}
    }
    Some(())
}

/// Rules 3 word a URL MediaTailor refuses as AWS does ("AdDecisionServerUrl requires a valid URL"),
/// keeping what older rules said after it.
fn url_message_3(message: &str) -> String {
    let parts = message.split_once(" '").and_then(|(field, rest)| {
        let (value, tail) = rest.rsplit_once("' must be an http:// or https:// URL of at most ")?;
        (!field.contains(' ') && tail.ends_with(" characters.")).then_some((field, value, tail))
    });
    match parts {
        Some((field, value, tail)) => format!(
            "{field} requires a valid URL: '{value}' is not an http:// or https:// URL of at most {tail}"
        ),
        None => message.to_string(),
    }
}

/// `PermissionsBoundaryType: Policy` becomes `PermissionsBoundaryPolicy`, wherever a role is in a
/// response (GetRole, ListRoles, UpdateRoleDescription, ...).
fn rename_boundary_type(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.get("PermissionsBoundaryType").and_then(Value::as_str) == Some("Policy") {
                m.insert(
                    "PermissionsBoundaryType".to_string(),
                    Value::from("PermissionsBoundaryPolicy"),
                );
            }
            m.values_mut().for_each(rename_boundary_type);
        }
        Value::Array(a) => a.iter_mut().for_each(rename_boundary_type),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::action::{Action, Operation};
    use crate::core::error::ApiError;

    fn action(line: serde_json::Value) -> Action {
        let op: Operation = serde_json::from_value(line).expect("an operation");
        Action::root(op)
    }

    #[test]
    fn rules_2_create_service_linked_role_outcomes_upgrade_to_what_rules_3_answer() {
        let create = |service: &str| {
            action(
                serde_json::json!({"op": "CreateServiceLinkedRole", "params": {"AWSServiceName": service}}),
            )
        };
        let old = |service: &str| Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(
                ErrorCode::InvalidInput,
                format!(
                    "Invalid service name: {service}. slrsim models only mediatailor.amazonaws.com."
                ),
            ),
        };
        let Some(Outcome::Error { error, .. }) =
            upgrade(2, &create("ec2.amazonaws.com"), &old("ec2.amazonaws.com"))
        else {
            panic!("still refused");
        };
        assert_eq!(
            error.message,
            crate::core::service_roles::unknown_service_message("ec2.amazonaws.com")
        );
        // A service whose role is now created is decided differently by design.
        assert_eq!(
            upgrade(2, &create("ecs.amazonaws.com"), &old("ecs.amazonaws.com")),
            None
        );
        // A malformed parameter is refused as before; MediaTailor's answers are unchanged.
        let malformed = Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(ErrorCode::ValidationError, "too long"),
        };
        assert_eq!(
            upgrade(2, &create("ecs.amazonaws.com"), &malformed),
            Some(malformed.clone())
        );
        let taken = Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(ErrorCode::InvalidInput, "taken"),
        };
        assert_eq!(
            upgrade(2, &create("mediatailor.amazonaws.com"), &taken),
            Some(taken.clone())
        );
        assert_eq!(
            upgrade(3, &create("ecs.amazonaws.com"), &taken),
            Some(taken)
        );
    }

    #[test]
    fn rules_1_outcomes_upgrade_to_what_rules_2_answer() {
        let logs = action(serde_json::json!({"op": "DescribeLogGroups", "params": {}}));
        let denied = Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(ErrorCode::AccessDeniedException, "no"),
        };
        let Some(Outcome::Error { error, .. }) = upgrade(1, &logs, &denied) else {
            panic!("an error stays an error");
        };
        assert_eq!(error.status, 400);
        // MediaTailor's AccessDeniedException keeps its 403.
        let mt =
            action(serde_json::json!({"op": "GetPlaybackConfiguration", "params": {"Name": "a"}}));
        assert_eq!(upgrade(1, &mt, &denied), Some(denied.clone()));
        // Nothing changes for a log of the current rules.
        assert_eq!(upgrade(RULES, &logs, &denied), Some(denied));
        let role = action(serde_json::json!({"op": "GetRole", "params": {"RoleName": "a"}}));
        let ok = Outcome::Ok {
            events: vec![],
            response: serde_json::json!({"Role": {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy"}}}),
        };
        let Some(Outcome::Ok { response, .. }) = upgrade(1, &role, &ok) else {
            panic!("ok stays ok");
        };
        assert_eq!(
            response["Role"]["PermissionsBoundary"]["PermissionsBoundaryType"],
            "PermissionsBoundaryPolicy"
        );
        let elsewhere = Action {
            region: "us-west-1".into(),
            ..role
        };
        let refused = Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(
                ErrorCode::ValidationError,
                "region `us-west-1` is not one where MediaTailor runs",
            ),
        };
        assert_eq!(upgrade(1, &elsewhere, &refused), None);
        assert!(CHANGES.iter().all(|c| c.since > 1 && c.since <= RULES));
    }

    /// A rules-2 playback configuration answer gains AWS's defaults, the DASH prefix beside the HLS
    /// one; a Put that named tags is not compared; other answers stay.
    #[test]
    fn rules_2_playback_configurations_upgrade_to_rules_3_defaults() {
        let get =
            action(serde_json::json!({"op": "GetPlaybackConfiguration", "params": {"Name": "a"}}));
        let hls = "https://e.mediatailor.us-east-1.amazonaws.com/v1/master/k/a/";
        let old = serde_json::json!({"Name": "a", "HlsConfiguration": {"ManifestEndpointPrefix": hls}, "Tags": {}});
        let ok = |response: Value| Outcome::Ok {
            events: vec![],
            response,
        };
        let Some(Outcome::Ok { response, .. }) = upgrade(2, &get, &ok(old.clone())) else {
            panic!("ok stays ok");
        };
        assert_eq!(
            response["DashConfiguration"],
            serde_json::json!({"ManifestEndpointPrefix": "https://e.mediatailor.us-east-1.amazonaws.com/v1/dash/k/a/", "MpdLocation": "EMT_DEFAULT", "OriginManifestType": "MULTI_PERIOD"})
        );
        assert_eq!(
            response["AvailSuppression"],
            serde_json::json!({"Mode": "OFF"})
        );
        assert_eq!(response["InsertionMode"], "STITCHED_ONLY");
        let list = action(serde_json::json!({"op": "ListPlaybackConfigurations", "params": {}}));
        let Some(Outcome::Ok {
            response: listed, ..
        }) = upgrade(1, &list, &ok(serde_json::json!({"Items": [old.clone()]})))
        else {
            panic!("ok stays ok");
        };
        assert_eq!(listed["Items"][0], response);
        let tagged = action(
            serde_json::json!({"op": "PutPlaybackConfiguration", "params": {"Name": "a", "Tags": {"k": "v"}}}),
        );
        assert_eq!(upgrade(2, &tagged, &ok(old.clone())), None);
        // Nothing changes for a log of rules 3, nor for another call.
        assert_eq!(upgrade(3, &get, &ok(old.clone())), Some(ok(old.clone())));
        let logs = action(serde_json::json!({"op": "DescribeLogGroups", "params": {}}));
        assert_eq!(upgrade(2, &logs, &ok(old.clone())), Some(ok(old)));
        // A refused URL is worded as AWS words it.
        let refused = Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(
                ErrorCode::BadRequestException,
                "AdDecisionServerUrl 'in valid' must be an http:// or https:// URL of at most 2048 characters.",
            ),
        };
        let Some(Outcome::Error { error, .. }) = upgrade(2, &tagged, &refused) else {
            panic!("an error stays an error");
        };
        let now = crate::core::validate::url("AdDecisionServerUrl", "in valid").expect_err("bad");
        assert_eq!(error, now);
        assert!(
            error
                .message
                .starts_with("AdDecisionServerUrl requires a valid URL")
        );
    }

    #[test]
    fn rules_2_log_reads_upgrade_to_rules_3_and_deliveries_are_not_compared() {
        let groups = action(serde_json::json!({"op": "DescribeLogGroups", "params": {}}));
        let old = Outcome::Ok {
            events: vec![],
            response: serde_json::json!({"logGroups": [{"logGroupName": "MediaTailor/A",
                "arn": "arn:aws:logs:us-east-1:111122223333:log-group:MediaTailor/A:*",
                "creationTime": 0, "storedBytes": 5}]}),
        };
        let Some(Outcome::Ok { response, .. }) = upgrade(2, &groups, &old) else {
            panic!("ok stays ok");
        };
        let g = &response["logGroups"][0];
        assert_eq!(
            g["logGroupArn"],
            "arn:aws:logs:us-east-1:111122223333:log-group:MediaTailor/A"
        );
        assert_eq!(
            (g["metricFilterCount"].clone(), g["logGroupClass"].clone()),
            (serde_json::json!(0), serde_json::json!("STANDARD"))
        );
        let serve = action(serde_json::json!({"op": "ServeSessions",
            "params": {"PlaybackConfigurationName": "live", "Sessions": 1}}));
        let delivered = Outcome::Ok {
            events: vec![crate::core::event::Event::LogEventsPut {
                account: "111122223333".into(),
                region: "us-east-1".into(),
                group: "MediaTailor/ManifestService".into(),
                stream: "live".into(),
                count: 1,
                bytes: 384,
                at: 0,
                delivery: None,
            }],
            response: serde_json::json!({}),
        };
        assert_eq!(upgrade(2, &serve, &delivered), None);
        let nothing = Outcome::Ok {
            events: vec![],
            response: serde_json::json!({"LoggedSessions": 0}),
        };
        assert_eq!(upgrade(2, &serve, &nothing), Some(nothing.clone()));
        assert_eq!(upgrade(3, &serve, &delivered), Some(delivered));
    }

    #[test]
    fn a_log_of_newer_rules_is_refused_at_its_genesis() {
        use crate::core::action::GenesisParams;
        use crate::core::state::State;
        let genesis = |rules| {
            Action::root(Operation::Genesis(GenesisParams {
                seed: 0,
                start: 1_767_225_600,
                rules,
            }))
        };
        let state = State::default();
        assert!(crate::core::decide::decide(&state, 0, &genesis(Some(RULES))).is_ok());
        assert!(crate::core::decide::decide(&state, 0, &genesis(None)).is_ok());
        let e = crate::core::decide::decide(&state, 0, &genesis(Some(RULES + 1)))
            .expect_err("newer rules");
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("follows rules 1 to"), "{}", e.message);
    }
}
