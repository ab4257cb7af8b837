use crate::support;
use support::*;

// Throttling (`SetThrottling`, `serve --throttle`): token buckets per account and operation in
// simulated time, refused with each protocol's throttling error, recorded so that verify re-decides
// it, and nothing of it recorded or kept while it is off.

use serde_json::{Value, json};
use slrsim::aws::wire::{json_target, query_xml, rest_json};
use slrsim::core::outcome::Outcome;
use slrsim::{ErrorCode, Event};

fn line(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

const LIST_ROLES: &str = r#"{"op":"ListRoles","params":{}}"#;

/// Runs `lines`, checking every step invariant after each; returns each record's outcome.
fn run_checked(t: &mut TestSim, lines: &[String]) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for l in lines {
        outcomes.push(t.checked_record(l).outcome);
    }
    outcomes
}

fn code(o: &Outcome) -> Option<ErrorCode> {
    match o {
        Outcome::Ok { .. } => None,
        Outcome::Error { error, .. } => Some(error.code),
    }
}

fn throttle(rate: f64, burst: u32) -> String {
    line(
        "SetThrottling",
        json!({"Enabled": true, "RatePerSecond": rate, "Burst": burst}),
    )
}

#[test]
fn a_bucket_empties_and_refills_with_simulated_time_up_to_its_burst() {
    let mut t = TestSim::new();
    let advance = |s: i64| line("AdvanceClock", json!({"Seconds": s}));
    let r = LIST_ROLES.to_string();
    let lines = vec![
        throttle(1.0, 2),
        r.clone(),
        r.clone(),
        r.clone(),
        advance(1),
        r.clone(),
        r.clone(),
        advance(3600),
        r.clone(),
        r.clone(),
        r.clone(),
    ];
    let codes: Vec<_> = run_checked(&mut t, &lines).iter().map(code).collect();
    let th = Some(ErrorCode::Throttling);
    assert_eq!(
        codes,
        [None, None, None, th, None, None, th, None, None, None, th],
        "two at once, one a second, never more than two"
    );
    assert!(
        slrsim::log::replay::verify(t.sim.store())
            .unwrap()
            .problem
            .is_none()
    );
}

#[test]
fn a_fractional_rate_lets_one_call_through_every_few_seconds() {
    let mut t = TestSim::new();
    let mut lines = vec![throttle(0.25, 1)];
    for _ in 0..8 {
        lines.push(LIST_ROLES.to_string());
        lines.push(line("AdvanceClock", json!({"Seconds": 1})));
    }
    let outcomes = run_checked(&mut t, &lines);
    let passed: Vec<bool> = outcomes
        .iter()
        .skip(1)
        .step_by(2)
        .map(Outcome::is_ok)
        .collect();
    assert_eq!(
        passed,
        [true, false, false, false, true, false, false, false]
    );
}

#[test]
fn buckets_are_per_account_region_and_operation() {
    let mut t = TestSim::new();
    t.ok(&throttle(0.001, 1));
    t.ok(LIST_ROLES);
    assert_eq!(t.err(LIST_ROLES).code, ErrorCode::Throttling);
    // Another operation of the same account, and the same operation of another account.
    t.ok(r#"{"op":"GetCallerIdentity","params":{}}"#);
    t.ok(r#"{"op":"ListRoles","account":"444455556666","params":{}}"#);
    assert_eq!(
        t.err(r#"{"op":"ListRoles","account":"444455556666","params":{}}"#)
            .code,
        ErrorCode::Throttling
    );
    // IAM is global: one bucket whatever the region; CloudWatch Logs has one per Region.
    assert_eq!(
        t.err(r#"{"op":"ListRoles","region":"eu-west-1","params":{}}"#)
            .code,
        ErrorCode::Throttling
    );
    t.ok(r#"{"op":"DescribeLogGroups","params":{}}"#);
    t.ok(r#"{"op":"DescribeLogGroups","region":"eu-west-1","params":{}}"#);
    assert_eq!(
        t.err(r#"{"op":"DescribeLogGroups","region":"eu-west-1","params":{}}"#)
            .code,
        ErrorCode::ThrottlingException
    );
}

#[test]
fn each_protocol_answers_its_own_throttling_error() {
    let mut t = TestSim::new();
    t.ok(&throttle(0.001, 1));
    let calls = [
        (LIST_ROLES, ErrorCode::Throttling, 400),
        (
            r#"{"op":"GetCallerIdentity","params":{}}"#,
            ErrorCode::Throttling,
            400,
        ),
        (
            r#"{"op":"DescribeLogGroups","params":{}}"#,
            ErrorCode::ThrottlingException,
            400,
        ),
        (
            r#"{"op":"ListPlaybackConfigurations","params":{}}"#,
            ErrorCode::TooManyRequestsException,
            429,
        ),
    ];
    for (l, want, status) in calls {
        t.ok(l);
        let e = t.err(l);
        assert_eq!(
            (e.code, e.status, e.message.as_str()),
            (want, status, "Rate exceeded")
        );
    }
    // On the wire, as SDKs read them.
    let iam = query_xml::error(
        &slrsim::ApiError::new(ErrorCode::Throttling, "Rate exceeded"),
        "r",
    );
    assert!(
        iam.contains("<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"),
        "{iam}"
    );
    let (status, body) = json_target::error(&slrsim::ApiError::new(
        ErrorCode::ThrottlingException,
        "Rate exceeded",
    ));
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("ThrottlingException"))
    );
    let (status, kind, _) = rest_json::error(&slrsim::ApiError::new(
        ErrorCode::TooManyRequestsException,
        "Rate exceeded",
    ));
    assert_eq!((status, kind), (429, "TooManyRequestsException"));
}

#[test]
fn a_call_refused_for_another_reason_takes_no_token_and_simulation_actions_are_never_throttled() {
    let mut t = TestSim::new();
    t.ok(&throttle(0.001, 1));
    let missing = r#"{"op":"GetRole","params":{"RoleName":"nobody"}}"#;
    assert_eq!(t.err(missing).code, ErrorCode::NoSuchEntity);
    assert_eq!(t.err(missing).code, ErrorCode::NoSuchEntity);
    for _ in 0..3 {
        t.ok(&line("AdvanceClock", json!({"Seconds": 0})));
    }
}

#[test]
fn out_of_range_settings_are_refused() {
    let mut t = TestSim::new();
    for params in [
        json!({"Enabled": true, "RatePerSecond": 0}),
        json!({"Enabled": true, "RatePerSecond": 1000.5}),
        json!({"Enabled": true, "RatePerSecond": -1}),
        json!({"Enabled": true, "Burst": 0}),
        json!({"Enabled": true, "Burst": 1001}),
    ] {
        let e = t.err(&line("SetThrottling", params.clone()));
        assert_eq!(e.code, ErrorCode::ValidationError, "{params}");
    }
    let v = t.ok(&line("SetThrottling", json!({"Enabled": true})));
    assert_eq!(
        v,
        json!({"Enabled": true, "RatePerSecond": 10.0, "Burst": 10})
    );
}

/// With throttling off — never set, or set and turned off — calls record no token and the state keeps
/// no bucket: its JSON (and so its hash) is what it was before throttling existed.
#[test]
fn off_records_nothing_and_keeps_nothing() {
    let calls = [
        LIST_ROLES,
        r#"{"op":"DescribeLogGroups","params":{}}"#,
        r#"{"op":"ListPlaybackConfigurations","params":{}}"#,
    ];
    let mut plain = TestSim::new();
    let mut toggled = TestSim::new();
    toggled.ok(&throttle(1.0, 1));
    toggled.ok(LIST_ROLES);
    assert!(
        serde_json::to_string(toggled.sim.state())
            .unwrap()
            .contains("buckets")
    );
    toggled.ok(&line("SetThrottling", json!({"Enabled": false})));
    for _ in 0..20 {
        for c in calls {
            for t in [&mut plain, &mut toggled] {
                let r = t.record(c);
                assert!(r.outcome.is_ok());
                assert!(
                    r.outcome.events().is_empty(),
                    "{c}: {:?}",
                    r.outcome.events()
                );
            }
        }
    }
    for t in [&plain, &toggled] {
        let text = serde_json::to_string(t.sim.state()).unwrap();
        assert!(
            !text.contains("throttling") && !text.contains("buckets"),
            "{text}"
        );
    }
    assert_eq!(plain.sim.state().hash(), toggled.sim.state().hash());
}

#[test]
fn a_state_with_buckets_reads_back_whole() {
    let mut t = TestSim::new();
    t.ok(&throttle(2.5, 3));
    t.ok(LIST_ROLES);
    t.ok(r#"{"op":"DescribeLogGroups","params":{}}"#);
    let state = t.sim.state().clone();
    let text = serde_json::to_string(&state).unwrap();
    let back: slrsim::State = serde_json::from_str(&text).unwrap();
    assert_eq!(back, state);
    assert_eq!(back.buckets.len(), 2);
    let taken = t.record(LIST_ROLES);
    assert!(matches!(
        taken.outcome.events(),
        [Event::ThrottleTokenTaken {
            millitokens: 1000,
            ..
        }]
    ));
}
