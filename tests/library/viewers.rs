use crate::support;
use support::*;

// Viewers at work (`SetViewers`, `serve --viewers`): as simulated time passes, every playback
// configuration of the account plays sessions; those it logs are delivered through the role, so a
// deletion fails while logging is on and for five minutes after the last delivery, as in production.

use serde_json::{Value, json};
use slrsim::Event;
use slrsim::core::outcome::Outcome;

fn line(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

fn advance(seconds: i64) -> String {
    line("AdvanceClock", json!({"Seconds": seconds}))
}

fn viewers(n: i64) -> String {
    line("SetViewers", json!({"SessionsPerMinute": n}))
}

fn logs(percent: i64) -> String {
    line(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": percent}),
    )
}

const PUT_LIVE: &str = r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live","VideoContentSourceUrl":"https://origin.example.com/live","AdDecisionServerUrl":"https://ads.example.com/vast"}}"#;
const DELETE: &str =
    r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#;

/// Runs `l`, checking every step invariant; returns the record's events and response.
fn step(t: &mut TestSim, l: &str) -> (Vec<Event>, Value) {
    match t.checked_record(l).outcome {
        Outcome::Ok { events, response } => (events, response),
        Outcome::Error { error, .. } => panic!("{l}: {error:?}"),
    }
}

fn task_status(t: &mut TestSim, response: &Value) -> String {
    let id = response["DeletionTaskId"]
        .as_str()
        .expect("task id")
        .to_string();
    let status = t
        .call(&line(
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": id}),
        ))
        .expect("status");
    status["Status"].as_str().expect("Status").to_string()
}

#[test]
fn viewers_play_sessions_as_time_passes_and_a_fraction_is_carried() {
    let mut t = TestSim::new();
    t.call(PUT_LIVE).expect("put");
    t.call(&logs(100)).expect("logging on");
    t.call(&viewers(9)).expect("viewers");
    // 9 a minute for 10 s is 1.5 sessions: 1 now, and the half carried into the next 10 s.
    let played: Vec<u64> = (0..4)
        .map(|_| {
            let (events, response) = step(&mut t, &advance(10));
            let sessions = events.iter().find_map(|e| match e {
                Event::ViewersWatched { sessions, .. } => Some(*sessions),
                _ => None,
            });
            assert_eq!(
                response["ViewerSessions"]["111122223333"].as_u64(),
                sessions,
                "{response}"
            );
            sessions.expect("viewers watched")
        })
        .collect();
    assert_eq!(played, [1, 2, 1, 2]);
    let config = t
        .call(r#"{"op":"GetPlaybackConfiguration","params":{"Name":"live"}}"#)
        .expect("get");
    assert_eq!(config["Name"], "live");
    let role = t
        .call(r#"{"op":"GetRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#)
        .expect("role");
    assert_eq!(
        role["Role"]["RoleLastUsed"]["LastUsedDate"], "2026-01-01T00:00:40Z",
        "the last advance's delivery used the role: {role}"
    );
}

#[test]
fn a_deletion_fails_while_viewers_keep_the_role_in_use_and_succeeds_five_minutes_after_logging_stops()
 {
    let mut t = TestSim::new();
    t.call(PUT_LIVE).expect("put");
    t.call(&logs(50)).expect("logging on");
    t.call(&viewers(60)).expect("viewers");
    t.call(&advance(60)).expect("viewers watch a minute");
    // Logging off at 00:01:00: the minute before it was delivered through the role.
    t.call(&logs(0)).expect("logging off");
    let first = t.call(DELETE).expect("delete");
    // The viewers keep watching, but nothing logs now: the role is not used again.
    let (events, _) = step(&mut t, &advance(30));
    assert!(
        !events.iter().any(|e| matches!(e, Event::RoleUsed { .. })),
        "{events:?}"
    );
    assert_eq!(task_status(&mut t, &first), "FAILED");
    let why = t
        .call(&line(
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": first["DeletionTaskId"]}),
        ))
        .expect("status");
    assert!(
        why["Reason"]["Reason"].as_str().is_some_and(
            |r| r.contains("MediaTailor used the role in us-east-1 at 2026-01-01T00:01:00Z")
        ),
        "{why}"
    );
    let explained =
        slrsim::timetravel::explain(t.sim.store(), first["DeletionTaskId"].as_str().expect("id"))
            .expect("explain");
    assert!(explained.recent_use_by_viewers, "{}", explained.summary);
    assert!(
        explained
            .summary
            .contains("the sessions of viewers watching as the clock moved"),
        "{}",
        explained.summary
    );
    t.call(&advance(270))
        .expect("five minutes after the last delivery");
    let second = t.call(DELETE).expect("delete again");
    t.call(&advance(30)).expect("the task runs");
    assert_eq!(task_status(&mut t, &second), "SUCCEEDED");
}

#[test]
fn viewers_of_configurations_that_do_not_log_never_use_the_role() {
    let mut t = TestSim::new();
    t.call(PUT_LIVE).expect("put");
    t.call(&logs(100)).expect("logging on (creates the role)");
    // The role is deleted the way a teardown should: logging off first, then the deletion.
    t.call(&logs(0)).expect("logging off");
    let task = t.call(DELETE).expect("delete");
    t.call(&advance(30)).expect("deleted");
    assert_eq!(task_status(&mut t, &task), "SUCCEEDED");
    t.call(&viewers(60)).expect("viewers");
    let (events, _) = step(&mut t, &advance(60));
    // Logging is off, so the viewers' sessions are played and nothing is delivered or lost.
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::SessionsServed {
                sessions: 60,
                logged: 0,
                ..
            }
        )),
        "{events:?}"
    );
    assert!(
        !events.iter().any(|e| matches!(
            e,
            Event::LogDeliveryLost { .. } | Event::LogEventsPut { .. }
        )),
        "{events:?}"
    );
}

#[test]
fn no_viewers_is_the_default_and_zero_stops_them() {
    let mut t = TestSim::new();
    t.call(PUT_LIVE).expect("put");
    t.call(&logs(100)).expect("logging on");
    let (events, response) = step(&mut t, &advance(60));
    assert!(response.get("ViewerSessions").is_none(), "{response}");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::SessionsServed { .. })),
        "{events:?}"
    );
    t.call(&viewers(60)).expect("viewers");
    t.call(&viewers(0)).expect("viewers gone");
    let (events, response) = step(&mut t, &advance(60));
    assert!(response.get("ViewerSessions").is_none(), "{response}");
    assert_eq!(events.len(), 1, "only the clock moves: {events:?}");
    for bad in [-1, 100_001] {
        let e = t.call(&viewers(bad)).expect_err("out of range");
        assert!(e.message.contains("SessionsPerMinute"), "{}", e.message);
    }
}
