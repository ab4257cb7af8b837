//! Edge cases at the limits of the service's own work, each one a mutation-testing survivor turned into
//! a test: the clock's last second, a zero advance, the combined deletion reason, a single strategy.

use crate::support;
use slrsim::core::outcome::Outcome;
use slrsim::{Action, Genesis, Operation};
use support::*;

#[test]
fn the_clock_may_reach_its_last_second_and_no_further() {
    let max = slrsim::core::limits::MAX_TIME;
    let start = max - 100;
    let mut t = TestSim::with(Genesis { seed: 1, start });
    let e = t.err(r#"{"op":"AdvanceClock","params":{"Seconds":101}}"#);
    assert_eq!(e.code, slrsim::ErrorCode::ValidationError);
    assert!(
        e.message.contains("past 9999-12-31T23:59:59Z"),
        "{}",
        e.message
    );
    let r = t.ok(r#"{"op":"AdvanceClock","params":{"Seconds":100}}"#);
    assert_eq!(r["Now"], "9999-12-31T23:59:59Z");
    assert_eq!(t.sim.state().now, max);
}

#[test]
fn a_zero_advance_changes_nothing_and_emits_nothing() {
    let mut t = TestSim::new();
    let before = t.sim.state().clone();
    let rec = t.record(r#"{"op":"AdvanceClock","params":{"Seconds":0}}"#);
    match rec.outcome {
        Outcome::Ok { events, response } => {
            assert!(events.is_empty(), "{events:?}");
            assert_eq!(response["Now"], "2026-01-01T00:00:00Z");
        }
        Outcome::Error { error, .. } => panic!("{error}"),
    }
    assert_eq!(*t.sim.state(), before);
}

#[test]
fn an_advance_ending_exactly_at_a_task_step_emits_one_clock_event_per_instant() {
    let mut t = TestSim::new();
    t.ok(r#"{"op":"CreateServiceLinkedRole","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#);
    t.ok(
        r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
    );
    // 30 s: the task starts at +5 and finishes at +30, the advance's own end.
    let rec = t.record(r#"{"op":"AdvanceClock","params":{"Seconds":30}}"#);
    let kinds: Vec<&str> = rec.outcome.events().iter().map(|e| e.kind()).collect();
    assert_eq!(
        kinds,
        [
            "ClockAdvanced",
            "DeletionTaskStarted",
            "ClockAdvanced",
            "DeletionTaskSucceeded",
            "RoleDeleted"
        ]
    );
}

#[test]
fn a_deletion_blocked_twice_gives_both_reasons_as_sentences() {
    let mut t = TestSim::new();
    t.ok(r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live"}}"#);
    t.ok(r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":100}}"#);
    t.ok(r#"{"op":"ServeSessions","params":{"PlaybackConfigurationName":"live","Sessions":10}}"#);
    t.ok(
        r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
    );
    t.ok(r#"{"op":"AdvanceClock","params":{"Seconds":30}}"#);
    let s =
        t.ok(r#"{"op":"GetServiceLinkedRoleDeletionStatus","params":{"DeletionTaskId":"$last"}}"#);
    let reason = s["Reason"]["Reason"].as_str().expect("a reason");
    assert!(
        reason.starts_with("Service-linked role AWSServiceRoleForMediaTailor is in use"),
        "{reason}"
    );
    assert!(
        reason.contains(
            "then try again. MediaTailor used the role in us-east-1 at 2026-01-01T00:00:00Z"
        ),
        "{reason}"
    );
    assert!(
        reason.ends_with("Wait a few minutes and try the deletion again."),
        "{reason}"
    );
}

#[test]
fn a_single_explicit_logging_strategy_is_accepted_and_echoed() {
    let mut t = TestSim::new();
    t.ok(r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live"}}"#);
    for s in ["VENDED_LOGS", "LEGACY_CLOUDWATCH"] {
        let line = format!(
            r#"{{"op":"ConfigureLogsForPlaybackConfiguration","params":{{"PlaybackConfigurationName":"live","PercentEnabled":5,"EnabledLoggingStrategies":["{s}"]}}}}"#
        );
        let r = t.ok(&line);
        assert_eq!(r["EnabledLoggingStrategies"], serde_json::json!([s]));
    }
    let r = t.ok(r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":5,"EnabledLoggingStrategies":[]}}"#);
    assert_eq!(r["EnabledLoggingStrategies"], serde_json::json!([]));
}

#[test]
fn genesis_is_refused_anywhere_but_the_first_record() {
    let mut t = TestSim::new();
    let rec = t
        .sim
        .execute(Action::root(Operation::Genesis(
            slrsim::core::action::GenesisParams {
                seed: 9,
                start: 1_767_225_600,
                rules: None,
            },
        )))
        .expect("storage works");
    match rec.outcome {
        Outcome::Error { error, .. } => {
            assert!(error.message.contains("first record"), "{}", error.message)
        }
        Outcome::Ok { .. } => panic!("a second genesis was accepted"),
    }
    assert_eq!(t.sim.state().seed, 0);
}

/// A state, built with the pure core alone (no log): every action is decided and its events applied.
struct Pure {
    state: slrsim::State,
    seq: u64,
}

impl Pure {
    fn new() -> Self {
        let genesis = Action::root(Operation::Genesis(slrsim::core::action::GenesisParams {
            seed: 0,
            start: slrsim::core::clock::DEFAULT_START,
            rules: None,
        }));
        let mut p = Pure {
            state: slrsim::State::default(),
            seq: 0,
        };
        let d = p.decide(&genesis).expect("genesis");
        assert!(!d.events.is_empty());
        p
    }

    fn step(&mut self, line: &str) -> Result<slrsim::Decided, slrsim::ApiError> {
        self.decide(&action(line))
    }

    fn decide(&mut self, action: &Action) -> Result<slrsim::Decided, slrsim::ApiError> {
        let decided = slrsim::decide(&self.state, self.seq, action);
        if let Ok(d) = &decided {
            for e in &d.events {
                slrsim::core::apply::apply_mut(&mut self.state, e);
            }
        }
        self.seq += 1;
        decided
    }
}

/// With the log at its account quota, time still moves for everyone: `AdvanceClock` runs a pending
/// deletion to SUCCEEDED, reads on an account the log does not hold are answered, and only an action
/// that would bring one more account into the log is refused `LimitExceeded`.
#[test]
fn the_account_quota_refuses_only_a_new_account_and_never_stops_time() {
    let mut p = Pure::new();
    // Another account deletes its role; the task is pending when the quota is reached. The default
    // account, whose root moves the clock, is not one of the accounts the log holds.
    p.step(r#"{"op":"CreateServiceLinkedRole","account":"900000000000","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#)
        .expect("create the role");
    let task = p
        .step(r#"{"op":"DeleteServiceLinkedRole","account":"900000000000","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#)
        .expect("delete the role")
        .response["DeletionTaskId"]
        .as_str()
        .expect("a task id")
        .to_string();
    let mut n = 1u64;
    while p.state.accounts.len() < slrsim::core::limits::MAX_ACCOUNTS {
        let line = format!(
            r#"{{"op":"SetAccountHistory","account":"{:012}","params":{{"UsedMediaTailorBeforeSlrSupport":false}}}}"#,
            900_000_000_000 + n
        );
        p.step(&line).expect("an account below the quota");
        n += 1;
    }
    assert_eq!(p.state.accounts.len(), slrsim::core::limits::MAX_ACCOUNTS);
    assert!(
        !p.state
            .accounts
            .contains_key(slrsim::core::action::DEFAULT_ACCOUNT)
    );
    // One more account is refused, and nothing changes.
    let before = p.state.hash();
    let e = p
        .step(
            r#"{"op":"CreateUser","account":"123456789012","params":{"UserName":"one-too-many"}}"#,
        )
        .expect_err("an account past the quota");
    assert_eq!(e.code, slrsim::ErrorCode::LimitExceeded);
    assert!(
        e.message.contains("at most 10000 accounts"),
        "{}",
        e.message
    );
    assert_eq!(p.state.hash(), before);
    // A read on an account the log does not hold brings in no account, so the quota does not refuse it.
    let e = p
        .step(r#"{"op":"GetRole","account":"123456789012","params":{"RoleName":"nobody"}}"#)
        .expect_err("no such role");
    assert_eq!(e.code, slrsim::ErrorCode::NoSuchEntity);
    // Time moves, and the pending deletion finishes.
    p.step(r#"{"op":"AdvanceClock","params":{"Seconds":3600}}"#)
        .expect("the clock moves at the quota");
    let status = p
        .step(&format!(
            r#"{{"op":"GetServiceLinkedRoleDeletionStatus","account":"900000000000","params":{{"DeletionTaskId":"{task}"}}}}"#
        ))
        .expect("status");
    assert_eq!(status.response["Status"], "SUCCEEDED");
    // An account the log holds keeps working at the quota.
    p.step(r#"{"op":"CreateUser","account":"900000000001","params":{"UserName":"still-fine"}}"#)
        .expect("an existing account is not refused by the quota");
}

/// `apply` is total: an event naming an account (or region) the state does not hold changes nothing,
/// not even by leaving an empty account behind that would change the state's hash.
#[test]
fn events_for_an_unknown_account_change_nothing() {
    use slrsim::Event;
    let p = Pure::new();
    let before = p.state.hash();
    let ghost = "999999999999".to_string();
    let region = "us-east-1".to_string();
    let events = vec![
        Event::AccessKeyCreated {
            account: ghost.clone(),
            user_name: "u".into(),
            access_key_id: "AKIAGHOST00000000000".into(),
            created: 0,
            created_seq: 1,
        },
        Event::UserPolicyDeleted {
            account: ghost.clone(),
            user_name: "u".into(),
            policy_name: "p".into(),
        },
        Event::RoleDeleted {
            account: ghost.clone(),
            role_name: "r".into(),
        },
        Event::DeletionTaskStarted {
            account: ghost.clone(),
            task_id: "t".into(),
            at: 0,
        },
        Event::PlaybackConfigurationDeleted {
            account: ghost.clone(),
            region: region.clone(),
            name: "c".into(),
        },
        Event::SessionsServed {
            account: ghost.clone(),
            region: region.clone(),
            name: "c".into(),
            sessions: 1,
            logged: 1,
            carry: 0,
        },
    ];
    let mut state = p.state.clone();
    for e in &events {
        state = slrsim::apply(state, e);
        assert_eq!(state.hash(), before, "{} changed the state", e.kind());
        assert!(!state.accounts.contains_key(&ghost), "{}", e.kind());
    }
}

/// IAM and STS answer whatever AWS region a call is sent to, CloudWatch Logs runs in every region,
/// and MediaTailor only in its 21: elsewhere its calls are refused, recorded, and change nothing.
#[test]
fn global_services_answer_in_every_region_and_mediatailor_only_in_its_own() {
    let mut t = TestSim::new();
    t.ok(r#"{"op":"CreateServiceLinkedRole","region":"us-west-1","params":{"AWSServiceName":"mediatailor.amazonaws.com"}}"#);
    let role = t.ok(r#"{"op":"GetRole","region":"ca-west-1","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#);
    assert_eq!(role["Role"]["RoleName"], "AWSServiceRoleForMediaTailor");
    let who = t.ok(r#"{"op":"GetCallerIdentity","region":"mx-central-1","params":{}}"#);
    assert_eq!(who["Account"], "111122223333");
    let groups = t.ok(r#"{"op":"DescribeLogGroups","region":"us-west-1","params":{}}"#);
    assert_eq!(groups["logGroups"], serde_json::json!([]));
    let before = t.sim.state().hash();
    let e =
        t.err(r#"{"op":"PutPlaybackConfiguration","region":"us-west-1","params":{"Name":"live"}}"#);
    assert_eq!(e.code, slrsim::ErrorCode::NotFoundException);
    assert!(
        e.message
            .contains("api.mediatailor.us-west-1.amazonaws.com"),
        "{}",
        e.message
    );
    assert_eq!(t.sim.state().hash(), before, "a refusal changes nothing");
    // Every MediaTailor region is an AWS region.
    for r in slrsim::core::catalog::REGIONS {
        assert!(slrsim::core::catalog::is_aws_region(r), "{r}");
    }
}

#[test]
fn a_scenario_names_an_aws_region_or_is_refused() {
    let e = slrsim::simulator::scenario::parse_line(
        r#"{"op":"GetRole","region":"xx-nowhere-1","params":{"RoleName":"a"}}"#,
    )
    .expect_err("not a region");
    assert!(e.contains("commercial partition"), "{e}");
    slrsim::simulator::scenario::parse_line(
        r#"{"op":"GetRole","region":"us-west-1","params":{"RoleName":"a"}}"#,
    )
    .expect("an AWS region outside MediaTailor's is a valid address");
}
