use crate::support;
use support::*;

// Faults (`SetFaults`, `serve --faults`): internal errors on chosen operations (each protocol's
// 500, counted by a `FaultInjected` in the error's record), deletion tasks that fail for a service
// reason or take minutes, and list calls that answer short or empty pages; every effect a function
// of the state, so that a faulted log verifies and replays.

use serde_json::{Value, json};
use slrsim::aws::wire::{json_target, query_xml, rest_json};
use slrsim::core::outcome::Outcome;
use slrsim::{ErrorCode, Event};

fn line(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

fn faults(params: Value) -> String {
    line("SetFaults", params)
}

const SLR: &str = "AWSServiceRoleForMediaTailor";

/// Runs `line`, checking every step invariant; returns the record.
fn checked(t: &mut TestSim, l: &str) -> slrsim::log::record::Record {
    t.checked_record(l)
}

fn get_role() -> String {
    line("GetRole", json!({"RoleName": SLR}))
}

fn create_slr() -> String {
    line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    )
}

fn put_config(name: &str) -> String {
    line(
        "PutPlaybackConfiguration",
        json!({"Name": name, "VideoContentSourceUrl": format!("https://origin.example.com/{name}")}),
    )
}

fn logs(name: &str, percent: i64) -> String {
    line(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": name, "PercentEnabled": percent}),
    )
}

fn advance(seconds: i64) -> String {
    line("AdvanceClock", json!({"Seconds": seconds}))
}

#[test]
fn an_internal_error_strikes_its_next_calls_in_each_protocol_and_changes_nothing_but_its_count() {
    let mut t = TestSim::new();
    t.ok(&create_slr());
    let v = checked(
        &mut t,
        &faults(json!({"InternalErrors": [
            {"Operation": "GetRole", "Count": 2},
            {"Operation": "GetCallerIdentity", "Count": 1},
            {"Operation": "DescribeLogGroups", "Count": 1},
            {"Operation": "ListPlaybackConfigurations", "Count": 1},
        ]})),
    );
    assert!(v.outcome.is_ok());
    let calls = [
        (get_role(), ErrorCode::ServiceFailure, 1),
        (get_role(), ErrorCode::ServiceFailure, 0),
        (
            line("GetCallerIdentity", json!({})),
            ErrorCode::InternalFailure,
            0,
        ),
        (
            line("DescribeLogGroups", json!({})),
            ErrorCode::ServiceUnavailableException,
            0,
        ),
        (
            line("ListPlaybackConfigurations", json!({})),
            ErrorCode::InternalFailure,
            0,
        ),
    ];
    for (l, code, left) in &calls {
        let before = t.sim.state().clone();
        let rec = checked(&mut t, l);
        let Outcome::Error { error, events } = &rec.outcome else {
            panic!("{l} was not faulted: {:?}", rec.outcome);
        };
        assert_eq!((error.code, error.status), (*code, 500), "{l}");
        assert!(
            matches!(events.as_slice(), [Event::FaultInjected { remaining, .. }] if remaining == left),
            "{events:?}"
        );
        // Only the count moved.
        let mut expected = before.clone();
        let faults = &mut expected.accounts.get_mut("111122223333").unwrap().faults;
        let op = l.split('"').nth(3).unwrap();
        if *left == 0 {
            faults.internal_errors.remove(op);
        } else {
            faults.internal_errors.insert(op.to_string(), *left);
        }
        assert_eq!(&expected, t.sim.state());
    }
    // Every count is spent: the calls answer again.
    for (l, _, _) in &calls {
        assert!(checked(&mut t, l).outcome.is_ok(), "{l}");
    }
    assert!(t.sim.state().account("111122223333").faults.is_off());
    // The messages, on the wire as SDKs read them.
    let iam = query_xml::error(
        &slrsim::core::decide::internal_error(slrsim::core::operation::Service::Iam),
        "r",
    );
    assert!(
        iam.contains("<Type>Receiver</Type><Code>ServiceFailure</Code><Message>Request processing has failed due to some unknown error, exception or failure.</Message>"),
        "{iam}"
    );
    let (status, kind, _) = rest_json::error(&slrsim::core::decide::internal_error(
        slrsim::core::operation::Service::MediaTailor,
    ));
    assert_eq!((status, kind), (500, "InternalFailure"));
    let (status, body) = json_target::error(&slrsim::core::decide::internal_error(
        slrsim::core::operation::Service::Logs,
    ));
    assert_eq!(status, 500);
    assert!(
        body.contains("\"__type\":\"ServiceUnavailableException\""),
        "{body}"
    );
}

#[test]
fn a_faulted_write_does_nothing_and_its_retry_does_the_work() {
    let mut t = TestSim::new();
    t.ok(&put_config("live"));
    t.ok(&logs("live", 100));
    t.ok(&faults(json!({"InternalErrors": [
        {"Operation": "ConfigureLogsForPlaybackConfiguration", "Count": 1},
        {"Operation": "DeleteServiceLinkedRole", "Count": 1},
    ]})));
    let e = checked(&mut t, &logs("live", 0));
    assert_eq!(
        e.outcome.error().map(|e| e.code),
        Some(ErrorCode::InternalFailure)
    );
    let percent = |t: &TestSim| {
        t.sim.state().account("111122223333").regions["us-east-1"].playback_configurations["live"]
            .log_configuration
            .percent_enabled
    };
    assert_eq!(percent(&t), 100);
    assert!(checked(&mut t, &logs("live", 0)).outcome.is_ok());
    assert_eq!(percent(&t), 0);
    let delete = line("DeleteServiceLinkedRole", json!({"RoleName": SLR}));
    let e = checked(&mut t, &delete);
    assert_eq!(
        e.outcome.error().map(|e| e.code),
        Some(ErrorCode::ServiceFailure)
    );
    assert!(
        t.sim
            .state()
            .account("111122223333")
            .deletion_tasks
            .is_empty()
    );
    assert!(checked(&mut t, &delete).outcome.is_ok());
    // A fault strikes after authentication: an unknown caller learns nothing, and spends no fault.
    t.ok(&faults(
        json!({"InternalErrors": [{"Operation": "GetRole", "Count": 1}]}),
    ));
    let stranger = json!({"op": "GetRole", "caller": "nobody", "params": {"RoleName": SLR}});
    assert_eq!(
        t.err(&stranger.to_string()).code,
        ErrorCode::InvalidClientTokenId
    );
    assert_eq!(t.err(&get_role()).code, ErrorCode::ServiceFailure);
}

#[test]
fn settings_out_of_range_are_refused_naming_the_member_and_each_setting_replaces_the_last() {
    let mut t = TestSim::new();
    let seventeen: Vec<Value> = slrsim::core::operation::OperationKind::ALL
        .iter()
        .filter(|k| !k.spec().is_simulation())
        .take(17)
        .map(|k| json!({"Operation": k.spec().name, "Count": 1}))
        .collect();
    for (params, member) in [
        (
            json!({"InternalErrors": [{"Operation": "Nope", "Count": 1}]}),
            "InternalErrors",
        ),
        (
            json!({"InternalErrors": [{"Operation": "AdvanceClock", "Count": 1}]}),
            "InternalErrors",
        ),
        (
            json!({"InternalErrors": [{"Operation": "GetRole", "Count": 0}]}),
            "InternalErrors",
        ),
        (
            json!({"InternalErrors": [{"Operation": "GetRole", "Count": 1001}]}),
            "InternalErrors",
        ),
        (
            json!({"InternalErrors": [{"Operation": "GetRole", "Count": 1}, {"Operation": "GetRole", "Count": 2}]}),
            "InternalErrors",
        ),
        (json!({"InternalErrors": seventeen}), "InternalErrors"),
        (json!({"DeletionTaskFailures": -1}), "DeletionTaskFailures"),
        (json!({"DeletionTaskFailures": 101}), "DeletionTaskFailures"),
        (json!({"DeletionTaskSeconds": 29}), "DeletionTaskSeconds"),
        (json!({"DeletionTaskSeconds": 3601}), "DeletionTaskSeconds"),
        (json!({"PageSize": 0}), "PageSize"),
        (json!({"PageSize": 101}), "PageSize"),
    ] {
        let e = t.err(&faults(params.clone()));
        assert_eq!(e.code, ErrorCode::ValidationError, "{params}");
        assert!(e.message.contains(member), "{params}: {}", e.message);
    }
    // The account, made by another setting, so that the hashes below compare the faults alone.
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 0})));
    let plain = t.sim.state().hash();
    let all = json!({
        "InternalErrors": [{"Operation": "GetRole", "Count": 1000}],
        "DeletionTaskFailures": 100, "DeletionTaskSeconds": 3600, "PageSize": 100,
        "EmptyFirstPages": true,
    });
    assert_eq!(t.ok(&faults(all.clone())), all);
    // The next call replaces the whole setting.
    assert_eq!(
        t.ok(&faults(json!({"PageSize": 1}))),
        json!({"PageSize": 1})
    );
    let state = t.sim.state();
    let f = &state.account("111122223333").faults;
    assert!(f.internal_errors.is_empty() && f.page_size == Some(1) && !f.empty_first_pages);
    // `{}` turns every fault off, and the state reads as if faults never existed.
    assert_eq!(t.ok(&faults(json!({}))), json!({}));
    let text = serde_json::to_string(t.sim.state()).unwrap();
    assert!(!text.contains("faults"), "{text}");
    assert_eq!(t.sim.state().hash(), plain);
}

#[test]
fn a_deletion_fault_fails_only_a_deletion_that_would_succeed_and_keeps_the_role() {
    let mut t = TestSim::new();
    t.ok(&put_config("live"));
    t.ok(&logs("live", 100));
    t.ok(&faults(json!({"DeletionTaskFailures": 1})));
    let delete = line("DeleteServiceLinkedRole", json!({"RoleName": SLR}));
    let status = line(
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": "$last"}),
    );
    // In use: it fails for that reason, and the fault is still due.
    t.ok(&delete);
    checked(&mut t, &advance(30));
    let s = t.ok(&status);
    assert_eq!(s["Status"], "FAILED");
    assert_eq!(s["Reason"]["RoleUsageList"][0]["Region"], "us-east-1");
    assert_eq!(
        t.sim
            .state()
            .account("111122223333")
            .faults
            .deletion_task_failures,
        1
    );
    // Not in use: the fault fails it for a service reason, names nothing, keeps the role.
    t.ok(&logs("live", 0));
    let task = t.ok(&delete);
    let rec = checked(&mut t, &advance(30));
    let kinds: Vec<&str> = rec.outcome.events().iter().map(Event::kind).collect();
    assert!(
        kinds.ends_with(&["DeletionTaskFaulted", "DeletionTaskFailed"]),
        "{kinds:?}"
    );
    let s = t.ok(&status);
    assert_eq!(s["Status"], "FAILED");
    assert_eq!(
        s["Reason"]["Reason"],
        slrsim::core::decide::FAULT_DELETION_REASON
    );
    assert_eq!(s["Reason"]["RoleUsageList"], json!([]));
    // explain names the fault, and the record that set it (the third of the log).
    let id = task["DeletionTaskId"].as_str().map(str::to_string);
    let faulted =
        slrsim::timetravel::explain(t.sim.store(), &id.unwrap_or_default()).expect("explain");
    assert_eq!(faulted.faulted_by, Some(3), "{}", faulted.summary);
    assert!(
        faulted
            .summary
            .contains("an injected fault (SetFaults, record 3)"),
        "{}",
        faulted.summary
    );
    assert!(t.ok(&get_role())["Role"]["RoleName"] == SLR);
    assert!(t.sim.state().account("111122223333").faults.is_off());
    // Tried again, it succeeds.
    t.ok(&delete);
    checked(&mut t, &advance(30));
    assert_eq!(t.ok(&status)["Status"], "SUCCEEDED");
    assert_eq!(t.err(&get_role()).code, ErrorCode::NoSuchEntity);
}

#[test]
fn a_slow_deletion_finishes_when_its_creation_said_it_would() {
    let mut t = TestSim::new();
    t.ok(&create_slr());
    let delete = line("DeleteServiceLinkedRole", json!({"RoleName": SLR}));
    let status = line(
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": "$last"}),
    );
    t.ok(&faults(json!({"DeletionTaskSeconds": 300})));
    t.ok(&delete);
    // Turning faults off later does not change a task made while they were on.
    t.ok(&faults(json!({})));
    checked(&mut t, &advance(299));
    assert_eq!(t.ok(&status)["Status"], "IN_PROGRESS");
    let rec = checked(&mut t, &advance(1));
    assert!(
        rec.outcome
            .events()
            .iter()
            .any(|e| e.kind() == "DeletionTaskSucceeded")
    );
    assert_eq!(t.ok(&status)["Status"], "SUCCEEDED");
    // A task made with the setting off takes the usual 30 s, and its stored form has no finish.
    t.ok(&create_slr());
    let rec = t.record(&delete);
    let text = serde_json::to_string(&rec.outcome).unwrap();
    assert!(!text.contains("finishes"), "{text}");
    checked(&mut t, &advance(30));
    assert_eq!(t.ok(&status)["Status"], "SUCCEEDED");
}

/// Follows a list call's marker to the end: the items of every page, and how many pages.
fn follow(
    t: &mut TestSim,
    op: &str,
    params: Value,
    items: &str,
    marker: (&str, &str),
) -> (Vec<Value>, usize) {
    let mut all = Vec::new();
    let mut pages = 0;
    let mut p = params;
    loop {
        let page = t.ok(&line(op, p.clone()));
        pages += 1;
        all.extend(page[items].as_array().cloned().unwrap_or_default());
        match page.get(marker.1).and_then(Value::as_str) {
            Some(m) if page.get("IsTruncated") != Some(&json!(false)) => {
                p[marker.0] = json!(m);
            }
            _ => return (all, pages),
        }
        assert!(pages < 50, "{op} never ends");
    }
}

#[test]
fn short_and_empty_first_pages_hold_every_item_once_followed_to_the_end() {
    let mut t = TestSim::new();
    for name in ["a", "b", "c"] {
        t.ok(&put_config(name));
        t.ok(&logs(name, 100));
        t.ok(&line(
            "ServeSessions",
            json!({"PlaybackConfigurationName": name, "Sessions": 2}),
        ));
    }
    for key in ["k1", "k2", "k3"] {
        t.ok(&line(
            "TagRole",
            json!({"RoleName": SLR, "Tags": [{"Key": key, "Value": "v"}]}),
        ));
    }
    let group = "MediaTailor/AdDecisionServerInteractions";
    let lists: Vec<(&str, Value, &str, (&str, &str))> = vec![
        (
            "ListRoles",
            json!({"MaxItems": 100}),
            "Roles",
            ("Marker", "Marker"),
        ),
        (
            "ListRoleTags",
            json!({"RoleName": SLR}),
            "Tags",
            ("Marker", "Marker"),
        ),
        (
            "ListPlaybackConfigurations",
            json!({"MaxResults": 100}),
            "Items",
            ("NextToken", "NextToken"),
        ),
        (
            "DescribeLogGroups",
            json!({}),
            "logGroups",
            ("nextToken", "nextToken"),
        ),
        (
            "DescribeLogStreams",
            json!({"logGroupName": group}),
            "logStreams",
            ("nextToken", "nextToken"),
        ),
        (
            "FilterLogEvents",
            json!({"logGroupName": group}),
            "events",
            ("nextToken", "nextToken"),
        ),
    ];
    let mut plain = Vec::new();
    for (op, p, items, marker) in &lists {
        let (all, pages) = follow(&mut t, op, p.clone(), items, *marker);
        assert_eq!(pages, 1, "{op}");
        plain.push(all);
    }
    t.ok(&faults(json!({"PageSize": 1, "EmptyFirstPages": true})));
    for ((op, p, items, marker), want) in lists.iter().zip(&plain) {
        let first = t.ok(&line(op, p.clone()));
        assert_eq!(first[*items], json!([]), "{op}: an empty first page");
        assert!(
            first.get(marker.1).is_some(),
            "{op}: a marker after the empty page"
        );
        let (all, pages) = follow(&mut t, op, p.clone(), items, *marker);
        assert_eq!(&all, want, "{op}");
        assert_eq!(
            pages,
            want.len() + 1,
            "{op}: one item a page after the empty one"
        );
    }
    // GetLogEvents: the empty first page's forward token reads the events on from the first.
    let stream = json!({"logGroupName": group, "logStreamName": "a", "startFromHead": true});
    t.ok(&faults(json!({})));
    let whole = t.ok(&line("GetLogEvents", stream.clone()))["events"].clone();
    t.ok(&faults(json!({"PageSize": 1, "EmptyFirstPages": true})));
    let first = t.ok(&line("GetLogEvents", stream.clone()));
    assert_eq!(first["events"], json!([]));
    let mut p = stream;
    p["nextToken"] = first["nextForwardToken"].clone();
    let next = t.ok(&line("GetLogEvents", p));
    assert_eq!(next["events"].as_array().unwrap().len(), 1);
    assert_eq!(next["events"][0], whole[0]);
}

#[test]
fn a_faulted_log_verifies_and_replays_to_the_same_state() {
    let mut t = TestSim::new();
    for l in [
        create_slr(),
        faults(
            json!({"InternalErrors": [{"Operation": "GetRole", "Count": 2}], "DeletionTaskFailures": 1, "DeletionTaskSeconds": 60, "PageSize": 1, "EmptyFirstPages": true}),
        ),
        get_role(),
        get_role(),
        get_role(),
        line("ListRoles", json!({})),
        line("DeleteServiceLinkedRole", json!({"RoleName": SLR})),
        advance(60),
    ] {
        t.record(&l);
    }
    t.sim.flush().expect("flush");
    let v = slrsim::log::replay::verify(t.sim.store()).expect("verify runs");
    assert_eq!(v.problem, None);
    assert_eq!(v.state_hash, t.sim.state().hash());
    let replayed = slrsim::log::replay::replay(t.sim.store(), None).expect("replay");
    assert_eq!(&replayed.state, t.sim.state());
}
