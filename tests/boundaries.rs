//! Edge cases at the limits of the service's own work, each one a mutation-testing survivor turned into
//! a test: the clock's last second, a zero advance, the combined deletion reason, a single strategy.

mod common;
use common::*;
use slrsim::record::Outcome;
use slrsim::{Action, Genesis, Operation};

#[test]
fn the_clock_may_reach_its_last_second_and_no_further() {
    let max = slrsim::limits::MAX_TIME;
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
        Outcome::Error { error } => panic!("{error}"),
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
            slrsim::action::GenesisParams {
                seed: 9,
                start: 1_767_225_600,
            },
        )))
        .expect("storage works");
    match rec.outcome {
        Outcome::Error { error } => {
            assert!(error.message.contains("first record"), "{}", error.message)
        }
        Outcome::Ok { .. } => panic!("a second genesis was accepted"),
    }
    assert_eq!(t.sim.state().seed, 0);
}
