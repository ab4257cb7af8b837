//! Reading what MediaTailor delivered, as a CloudWatch Logs user does: DescribeLogGroups and
//! DescribeLogStreams with every parameter of AWS's model, GetLogEvents' paging in both directions,
//! FilterLogEvents' patterns, debug log mode, a configuration's event type filters, and a
//! VENDED_LOGS-only configuration that writes nothing to the legacy groups.

use serde_json::{Value, json};

use crate::support::TestSim;
use slrsim::core::error::ErrorCode;

const ADS: &str = "MediaTailor/AdDecisionServerInteractions";
const MANIFEST: &str = "MediaTailor/ManifestService";
const ACCOUNT: &str = "111122223333";

fn call(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

/// A configuration `name` logging `percent` % of its sessions, with `log` settings merged in.
fn configure(t: &mut TestSim, name: &str, percent: i64, log: Value) {
    t.ok(&call(
        "PutPlaybackConfiguration",
        json!({"Name": name, "VideoContentSourceUrl": "https://origin.example.com/live",
               "AdDecisionServerUrl": "https://ads.example.com/vast"}),
    ));
    let mut params = json!({"PlaybackConfigurationName": name, "PercentEnabled": percent});
    if let (Value::Object(p), Value::Object(l)) = (&mut params, log) {
        p.extend(l);
    }
    t.ok(&call("ConfigureLogsForPlaybackConfiguration", params));
}

fn serve(t: &mut TestSim, name: &str, sessions: i64, debug: bool) -> Value {
    let mut p = json!({"PlaybackConfigurationName": name, "Sessions": sessions});
    if debug {
        p["LogMode"] = json!("DEBUG");
    }
    t.ok(&call("ServeSessions", p))
}

fn messages(page: &Value) -> Vec<Value> {
    page["events"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| serde_json::from_str(e["message"].as_str().unwrap_or("null")).unwrap())
        .collect()
}

fn types(page: &Value) -> Vec<String> {
    messages(page)
        .iter()
        .map(|m| m["eventType"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn get_log_events_pages_forward_and_back_and_ends_on_the_token_it_was_given() {
    let mut t = TestSim::new();
    configure(&mut t, "live", 100, json!({}));
    serve(&mut t, "live", 3, false);
    t.ok(&call("AdvanceClock", json!({"Seconds": 10})));
    serve(&mut t, "live", 2, false);
    // Five sessions of four events: 20 in all, read five at a time from the head.
    let get = |t: &mut TestSim, extra: Value| {
        let mut p = json!({"logGroupName": ADS, "logStreamName": "live", "limit": 5});
        if let (Value::Object(p), Value::Object(e)) = (&mut p, extra) {
            p.extend(e);
        }
        t.ok(&call("GetLogEvents", p))
    };
    let mut page = get(&mut t, json!({"startFromHead": true}));
    let mut seen = Vec::new();
    let mut sessions = std::collections::BTreeSet::new();
    for _ in 0..10 {
        let ms = messages(&page);
        if ms.is_empty() {
            break;
        }
        for m in &ms {
            assert_eq!(m["awsAccountId"], ACCOUNT);
            assert_eq!(m["originId"], "live");
            sessions.insert(m["sessionId"].as_str().unwrap().to_string());
        }
        seen.extend(types(&page));
        let token = page["nextForwardToken"].clone();
        page = get(&mut t, json!({"nextToken": token}));
    }
    assert_eq!(seen.len(), 20);
    assert_eq!(sessions.len(), 5, "one session id per logged session");
    assert_eq!(
        &seen[..4],
        [
            "MAKING_ADS_REQUEST",
            "MODIFIED_TARGET_URL",
            "VAST_RESPONSE",
            "FILLED_AVAIL"
        ]
    );
    // At the end, the forward token comes back as it was passed.
    let token = page["nextForwardToken"].clone();
    let again = get(&mut t, json!({"nextToken": token.clone()}));
    assert_eq!(again["nextForwardToken"], token);
    assert_eq!(again["events"], json!([]));

    // Without startFromHead: the latest events, in time order; then backwards from there.
    let latest = get(&mut t, json!({}));
    let times: Vec<i64> = latest["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["timestamp"].as_i64().unwrap())
        .collect();
    let second_batch = (slrsim::core::clock::DEFAULT_START + 10) * 1000;
    assert_eq!(times, vec![second_batch; 5]);
    assert_eq!(types(&latest)[4], "FILLED_AVAIL");
    let back = get(
        &mut t,
        json!({"nextToken": latest["nextBackwardToken"].clone()}),
    );
    assert_eq!(types(&back), seen[10..15].to_vec());
    // The time window: startTime inclusive, endTime exclusive.
    let first_only = get(
        &mut t,
        json!({"startFromHead": true, "limit": 100, "endTime": second_batch}),
    );
    assert_eq!(first_only["events"].as_array().unwrap().len(), 12);
    let bad = t.err(&call(
        "GetLogEvents",
        json!({"logGroupName": ADS, "logStreamName": "live", "nextToken": "nonsense"}),
    ));
    assert_eq!(bad.code, ErrorCode::InvalidParameterException);
    let colon = t.err(&call(
        "GetLogEvents",
        json!({"logGroupName": ADS, "logStreamName": "a:b"}),
    ));
    assert_eq!(colon.code, ErrorCode::InvalidParameterException);
    assert!(colon.message.contains("logStreamName"), "{}", colon.message);
    let both = t.err(&call(
        "GetLogEvents",
        json!({"logGroupName": ADS, "logGroupIdentifier": ADS, "logStreamName": "live"}),
    ));
    assert_eq!(both.code, ErrorCode::InvalidParameterException);
}

#[test]
fn a_configurations_event_types_and_debug_mode_decide_what_is_written() {
    let mut t = TestSim::new();
    configure(
        &mut t,
        "live",
        100,
        json!({"AdsInteractionLog": {"PublishOptInEventTypes": ["RAW_ADS_RESPONSE"],
                                     "ExcludeEventTypes": ["MAKING_ADS_REQUEST"]},
               "ManifestServiceInteractionLog": {"ExcludeEventTypes": ["ORIGIN_MANIFEST"]}}),
    );
    serve(&mut t, "live", 1, false);
    let page = t.ok(&call(
        "GetLogEvents",
        json!({"logGroupName": ADS, "logStreamName": "live", "startFromHead": true}),
    ));
    assert_eq!(
        types(&page),
        [
            "MODIFIED_TARGET_URL",
            "VAST_RESPONSE",
            "RAW_ADS_RESPONSE",
            "FILLED_AVAIL"
        ]
    );
    // No manifest service log outside debug log mode.
    let e = t.err(&call(
        "DescribeLogStreams",
        json!({"logGroupName": MANIFEST}),
    ));
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
    serve(&mut t, "live", 1, true);
    let page = t.ok(&call(
        "GetLogEvents",
        json!({"logGroupIdentifier": format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{MANIFEST}"),
               "logStreamName": "live"}),
    ));
    assert_eq!(
        types(&page),
        ["SESSION_INITIALIZED_EVENT", "GENERATED_MANIFEST"]
    );
    // A log mode other than DEBUG (it is case-sensitive) is refused.
    let e = t.err(&call(
        "ServeSessions",
        json!({"PlaybackConfigurationName": "live", "Sessions": 1, "LogMode": "debug"}),
    ));
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.message.contains("LogMode"), "{}", e.message);
}

#[test]
fn filter_log_events_matches_terms_and_json_selectors_and_refuses_the_rest() {
    let mut t = TestSim::new();
    configure(&mut t, "a-live", 100, json!({}));
    configure(&mut t, "b-live", 100, json!({}));
    serve(&mut t, "a-live", 2, false);
    serve(&mut t, "b-live", 1, false);
    let filter = |t: &mut TestSim, extra: Value| {
        let mut p = json!({"logGroupName": ADS});
        if let (Value::Object(p), Value::Object(e)) = (&mut p, extra) {
            p.extend(e);
        }
        t.ok(&call("FilterLogEvents", p))
    };
    let all = filter(&mut t, json!({}));
    assert_eq!(all["events"].as_array().unwrap().len(), 12);
    assert_eq!(all["searchedLogStreams"], json!([]));
    assert!(all.get("nextToken").is_none());
    let filled = filter(
        &mut t,
        json!({"filterPattern": "{ $.eventType = \"FILLED_AVAIL\" }"}),
    );
    let streams: Vec<&str> = filled["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["logStreamName"].as_str().unwrap())
        .collect();
    assert_eq!(streams, ["a-live", "a-live", "b-live"]);
    let not = filter(
        &mut t,
        json!({"filterPattern": "{ $.eventType != \"FILLED_AVAIL\" }", "logStreamNames": ["b-live"]}),
    );
    assert_eq!(not["events"].as_array().unwrap().len(), 3);
    let phrase = filter(&mut t, json!({"filterPattern": "\"Filled avail\" b-live"}));
    assert_eq!(phrase["events"].as_array().unwrap().len(), 1);
    let nested = filter(&mut t, json!({"filterPattern": "{ $.avail.numAds = 1 }"}));
    assert_eq!(nested["events"].as_array().unwrap().len(), 3);
    // Paging: two at a time, through every event once.
    let mut token: Option<Value> = None;
    let mut ids = Vec::new();
    for _ in 0..10 {
        let mut p = json!({"limit": 2});
        if let Some(tk) = &token {
            p["nextToken"] = tk.clone();
        }
        let page = filter(&mut t, p);
        ids.extend(
            page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["eventId"].clone()),
        );
        match page.get("nextToken") {
            Some(tk) => token = Some(tk.clone()),
            None => break,
        }
    }
    assert_eq!(ids.len(), 12);
    let unique: std::collections::BTreeSet<String> = ids.iter().map(|i| i.to_string()).collect();
    assert_eq!(unique.len(), 12);
    for (bad, named) in [
        ("?VAST ?AVAIL", "?term"),
        ("{ $.eventType = \"A\" || $.eventType = \"B\" }", "||"),
    ] {
        let e = t.err(&call(
            "FilterLogEvents",
            json!({"logGroupName": ADS, "filterPattern": bad}),
        ));
        assert_eq!(e.code, ErrorCode::InvalidParameterException);
        assert!(e.message.contains(named), "{bad}: {}", e.message);
    }
    let e = t.err(&call(
        "FilterLogEvents",
        json!({"logGroupName": ADS, "logStreamNames": ["a-live"], "logStreamNamePrefix": "a"}),
    ));
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
}

#[test]
fn describe_calls_take_every_parameter_of_the_model() {
    let mut t = TestSim::new();
    configure(&mut t, "a-live", 100, json!({}));
    configure(&mut t, "b-live", 100, json!({}));
    serve(&mut t, "b-live", 1, true);
    t.ok(&call("AdvanceClock", json!({"Seconds": 5})));
    serve(&mut t, "a-live", 1, false);
    // Newest event first: a-live was written last.
    let streams = t.ok(&call(
        "DescribeLogStreams",
        json!({"logGroupName": ADS, "orderBy": "LastEventTime", "descending": true, "limit": 1}),
    ));
    assert_eq!(streams["logStreams"][0]["logStreamName"], "a-live");
    let next = t.ok(&call(
        "DescribeLogStreams",
        json!({"logGroupName": ADS, "orderBy": "LastEventTime", "descending": true, "limit": 1,
               "nextToken": streams["nextToken"].clone()}),
    ));
    assert_eq!(next["logStreams"][0]["logStreamName"], "b-live");
    assert!(next.get("nextToken").is_none());
    let by_name_desc = t.ok(&call(
        "DescribeLogStreams",
        json!({"logGroupIdentifier": format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{ADS}:*"),
               "descending": true}),
    ));
    assert_eq!(by_name_desc["logStreams"][0]["logStreamName"], "b-live");
    for (params, code) in [
        (
            json!({"logGroupName": ADS, "orderBy": "LastEventTime", "logStreamNamePrefix": "a"}),
            ErrorCode::InvalidParameterException,
        ),
        (
            json!({"logGroupName": ADS, "orderBy": "Name"}),
            ErrorCode::InvalidParameterException,
        ),
        (json!({}), ErrorCode::InvalidParameterException),
        (
            json!({"logGroupIdentifier": format!("arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:{ADS}")}),
            ErrorCode::ResourceNotFoundException,
        ),
    ] {
        let e = t.err(&call("DescribeLogStreams", params.clone()));
        assert_eq!(e.code, code, "{params}");
    }
    // Groups: every member, the pattern (case-sensitive), identifiers, class.
    let groups = t.ok(&call("DescribeLogGroups", json!({})));
    let g = &groups["logGroups"][0];
    for key in [
        "logGroupName",
        "creationTime",
        "metricFilterCount",
        "arn",
        "storedBytes",
        "logGroupClass",
        "logGroupArn",
    ] {
        assert!(g.get(key).is_some(), "{key}: {g}");
    }
    assert!(g.get("retentionInDays").is_none());
    let pattern = t.ok(&call(
        "DescribeLogGroups",
        json!({"logGroupNamePattern": "Manifest"}),
    ));
    assert_eq!(pattern["logGroups"].as_array().unwrap().len(), 1);
    assert_eq!(
        pattern["logGroups"][0].as_object().unwrap().len(),
        3,
        "arn, creationTime and logGroupName only"
    );
    let lower = t.ok(&call(
        "DescribeLogGroups",
        json!({"logGroupNamePattern": "manifest"}),
    ));
    assert_eq!(lower["logGroups"], json!([]));
    let ids = t.ok(&call(
        "DescribeLogGroups",
        json!({"logGroupIdentifiers": [MANIFEST], "includeLinkedAccounts": true}),
    ));
    assert_eq!(ids["logGroups"][0]["logGroupName"], MANIFEST);
    let infrequent = t.ok(&call(
        "DescribeLogGroups",
        json!({"logGroupClass": "INFREQUENT_ACCESS"}),
    ));
    assert_eq!(infrequent["logGroups"], json!([]));
    for params in [
        json!({"logGroupNamePrefix": "M", "logGroupNamePattern": "M"}),
        json!({"logGroupIdentifiers": [ADS], "logGroupNamePrefix": "M"}),
        json!({"logGroupClass": "COLD"}),
        json!({"accountIdentifiers": ["12"]}),
    ] {
        let e = t.err(&call("DescribeLogGroups", params.clone()));
        assert_eq!(e.code, ErrorCode::InvalidParameterException, "{params}");
    }
}

#[test]
fn a_vended_logs_only_configuration_writes_nothing_to_the_legacy_groups() {
    let mut t = TestSim::new();
    configure(
        &mut t,
        "vended",
        100,
        json!({"EnabledLoggingStrategies": ["VENDED_LOGS"]}),
    );
    let r = serve(&mut t, "vended", 4, false);
    assert_eq!(r["LoggedSessions"], 4);
    assert_eq!(r["VendedSessions"], 4);
    assert_eq!(
        (r["DeliveredSessions"].as_u64(), r["LostSessions"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(r["Note"].as_str().unwrap().contains("not simulate"));
    assert_eq!(
        t.ok(&call("DescribeLogGroups", json!({})))["logGroups"],
        json!([])
    );
    // Both strategies: the legacy groups get the logs.
    configure(
        &mut t,
        "both",
        100,
        json!({"EnabledLoggingStrategies": ["VENDED_LOGS", "LEGACY_CLOUDWATCH"]}),
    );
    let r = serve(&mut t, "both", 1, false);
    assert_eq!(r["DeliveredSessions"], 1);
    assert!(r.get("VendedSessions").is_none());
    // The delivery calls of vended logs are not served.
    let e =
        slrsim::aws::wire::json_target::decode_request("Logs_20140328.PutDeliverySource", b"{}")
            .expect_err("not served");
    assert_eq!(e.code, ErrorCode::InvalidAction);
}

/// FilterLogEvents' `startFromHead` (AWS's model of 2025): `true` is the order slrsim serves, the
/// same as leaving it out; `false` (newest first) is refused by name rather than answered in the
/// other order.
#[test]
fn filter_log_events_takes_start_from_head_true_and_refuses_newest_first() {
    let mut t = TestSim::new();
    configure(&mut t, "live", 100, json!({}));
    serve(&mut t, "live", 2, false);
    let plain = t.ok(&call("FilterLogEvents", json!({"logGroupName": ADS})));
    let head = t.ok(&call(
        "FilterLogEvents",
        json!({"logGroupName": ADS, "startFromHead": true}),
    ));
    assert_eq!(plain, head);
    assert!(!types(&plain).is_empty());
    let e = t.err(&call(
        "FilterLogEvents",
        json!({"logGroupName": ADS, "startFromHead": false}),
    ));
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    assert!(e.message.contains("startFromHead"), "{}", e.message);
}
