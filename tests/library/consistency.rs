use crate::support;
use support::*;

// IAM's eventual consistency (`SetConsistency`): a role created moments ago is not seen by reads, a
// role deleted moments ago still is, writes see the role as it is, and the timeline names each stale
// read. With consistency off nothing of it is stored.

use serde_json::{Value, json};
use slrsim::ErrorCode;
use slrsim::timetravel::timeline;

const ACCOUNT: &str = "111122223333";
const SLR: &str = "AWSServiceRoleForMediaTailor";
const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn line(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

fn get_role(name: &str) -> String {
    line("GetRole", json!({"RoleName": name}))
}

fn advance(t: &mut TestSim, seconds: i64) {
    t.ok(&line("AdvanceClock", json!({"Seconds": seconds})));
}

fn create_app(t: &mut TestSim) {
    t.ok(&line(
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
}

fn listed(t: &mut TestSim) -> Vec<String> {
    let r = t.ok(&line("ListRoles", json!({})));
    r["Roles"]
        .as_array()
        .expect("Roles")
        .iter()
        .map(|r| r["RoleName"].as_str().expect("RoleName").to_string())
        .collect()
}

/// The timeline's words for the read just made.
fn stale_words(t: &mut TestSim, read: &str) -> Option<String> {
    let rec = t.record(read);
    timeline::stale_read(&rec, t.sim.state())
}

#[test]
fn a_new_role_is_not_seen_by_reads_until_the_lag_has_passed_while_writes_find_it() {
    let mut t = TestSim::new();
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 5})));
    create_app(&mut t);
    let e = t.err(&get_role("app"));
    assert_eq!(
        (e.code, e.message.as_str()),
        (
            ErrorCode::NoSuchEntity,
            "The role with name app cannot be found."
        )
    );
    assert!(listed(&mut t).is_empty());
    assert_eq!(
        t.err(&line("ListRoleTags", json!({"RoleName": "app"})))
            .code,
        ErrorCode::NoSuchEntity
    );
    // Writes see the role as it is.
    t.ok(&line(
        "TagRole",
        json!({"RoleName": "app", "Tags": [{"Key": "team", "Value": "video"}]}),
    ));
    advance(&mut t, 3);
    assert_eq!(
        stale_words(&mut t, &get_role("app")).as_deref(),
        Some("stale read: the role was created 3 s ago")
    );
    advance(&mut t, 1);
    assert_eq!(t.err(&get_role("app")).code, ErrorCode::NoSuchEntity);
    advance(&mut t, 1);
    let r = t.ok(&get_role("app"));
    assert_eq!(r["Role"]["RoleName"], "app");
    assert_eq!(
        r["Role"]["Tags"][0]["Key"], "team",
        "the write was not lost"
    );
    assert_eq!(stale_words(&mut t, &get_role("app")), None);
    assert_eq!(listed(&mut t), ["app"]);
}

#[test]
fn a_deleted_role_still_answers_reads_until_the_lag_has_passed_then_is_forgotten() {
    let mut t = TestSim::new();
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 10})));
    create_app(&mut t);
    advance(&mut t, 10);
    let before = t.ok(&get_role("app"));
    t.ok(&line("DeleteRole", json!({"RoleName": "app"})));
    assert_eq!(t.ok(&get_role("app")), before, "reads see it as it was");
    assert_eq!(listed(&mut t), ["app"]);
    // Writes see it gone.
    assert_eq!(
        t.err(&line("DeleteRole", json!({"RoleName": "app"}))).code,
        ErrorCode::NoSuchEntity
    );
    advance(&mut t, 4);
    assert_eq!(
        stale_words(&mut t, &get_role("app")).as_deref(),
        Some("stale read: the role was deleted 4 s ago")
    );
    assert!(
        t.sim
            .state()
            .account(ACCOUNT)
            .deleted_roles
            .contains_key("app")
    );
    advance(&mut t, 6);
    assert_eq!(t.err(&get_role("app")).code, ErrorCode::NoSuchEntity);
    assert!(listed(&mut t).is_empty());
    assert!(
        t.sim.state().account(ACCOUNT).deleted_roles.is_empty(),
        "forgotten once the clock moved past the lag"
    );
}

#[test]
fn the_role_mediatailor_creates_when_logging_is_enabled_lags_too() {
    let mut t = TestSim::new();
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 30})));
    t.ok(&line(
        "PutPlaybackConfiguration",
        json!({"Name": "live", "VideoContentSourceUrl": "https://origin.example.com/x",
               "AdDecisionServerUrl": "https://ads.example.com/vast"}),
    ));
    t.ok(&line(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 100}),
    ));
    assert!(t.sim.state().account(ACCOUNT).roles.contains_key(SLR));
    assert_eq!(t.err(&get_role(SLR)).code, ErrorCode::NoSuchEntity);
    advance(&mut t, 29);
    assert_eq!(
        stale_words(&mut t, &get_role(SLR)).as_deref(),
        Some("stale read: the role was created 29 s ago")
    );
    // MediaTailor cannot use the role yet: the sessions' logs are lost, with the reason.
    let serve = line(
        "ServeSessions",
        json!({"PlaybackConfigurationName": "live", "Sessions": 3}),
    );
    let rec = t.record(&serve);
    assert_eq!(
        timeline::stale_read(&rec, t.sim.state()).as_deref(),
        Some("the role was created 29 s ago and is not yet usable")
    );
    let r = match rec.outcome {
        slrsim::core::outcome::Outcome::Ok { response, .. } => response,
        slrsim::core::outcome::Outcome::Error { error, .. } => panic!("{error}"),
    };
    assert_eq!(
        (r["LostSessions"].as_u64(), r["DeliveredSessions"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(
        r["Reason"],
        "the role AWSServiceRoleForMediaTailor was created 29 s ago and is not yet usable (IAM changes take 30 s to reach MediaTailor)"
    );
    advance(&mut t, 1);
    assert_eq!(t.ok(&get_role(SLR))["Role"]["RoleName"], SLR);
    let r = t.ok(&serve);
    assert_eq!(
        (r["LostSessions"].as_u64(), r["DeliveredSessions"].as_u64()),
        (Some(0), Some(3))
    );
}

#[test]
fn with_consistency_off_nothing_of_it_is_stored_and_reads_are_immediate() {
    let mut t = TestSim::new();
    create_app(&mut t);
    t.ok(&get_role("app"));
    // On, then off again: the deletion is not remembered and the state reads as if never set.
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 5})));
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 0})));
    t.ok(&line("DeleteRole", json!({"RoleName": "app"})));
    assert_eq!(t.err(&get_role("app")).code, ErrorCode::NoSuchEntity);
    let text = serde_json::to_string(t.sim.state()).expect("state serialises");
    assert!(!text.contains("consistency_delay"), "{text}");
    assert!(!text.contains("deleted_roles"), "{text}");
    // Turning it off forgets the deletions it kept.
    create_app(&mut t);
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 5})));
    t.ok(&line("DeleteRole", json!({"RoleName": "app"})));
    assert!(
        t.sim
            .state()
            .account(ACCOUNT)
            .deleted_roles
            .contains_key("app")
    );
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 0})));
    assert!(t.sim.state().account(ACCOUNT).deleted_roles.is_empty());
}

#[test]
fn set_consistency_is_bounded() {
    let mut t = TestSim::new();
    for bad in [-1, 61] {
        let e = t.err(&line("SetConsistency", json!({"DelaySeconds": bad})));
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("DelaySeconds"), "{}", e.message);
    }
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 60})));
}

/// With `Updates`, a change to a role lags too: reads see the role as it was before each change until
/// the lag has passed since it, one change at a time, and the timeline names the stale read. Without
/// it, changes are seen at once.
#[test]
fn with_updates_a_change_to_a_role_is_read_late_one_change_at_a_time() {
    let mut t = TestSim::new();
    create_app(&mut t);
    t.ok(&line(
        "SetConsistency",
        json!({"DelaySeconds": 5, "Updates": true}),
    ));
    // The role itself is old enough to be seen.
    advance(&mut t, 5);
    let describe = |d: &str| {
        line(
            "UpdateRoleDescription",
            json!({"RoleName": "app", "Description": d}),
        )
    };
    let description = |t: &mut TestSim| {
        t.ok(&get_role("app"))["Role"]
            .get("Description")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    t.ok(&describe("first"));
    assert_eq!(description(&mut t), None, "the change is not seen yet");
    assert_eq!(
        stale_words(&mut t, &get_role("app")).as_deref(),
        Some("stale read: the role was changed 0 s ago")
    );
    advance(&mut t, 3);
    t.ok(&describe("second"));
    advance(&mut t, 2);
    assert_eq!(
        description(&mut t).as_deref(),
        Some("first"),
        "5 s after the first change, 2 s after the second"
    );
    // Tags and policies lag the same way; writes see the role as it is.
    t.ok(&line(
        "TagRole",
        json!({"RoleName": "app", "Tags": [{"Key": "team", "Value": "video"}]}),
    ));
    let tags = t.ok(&line("ListRoleTags", json!({"RoleName": "app"})));
    assert_eq!(tags["Tags"], json!([]), "{tags}");
    advance(&mut t, 5);
    assert_eq!(description(&mut t).as_deref(), Some("second"));
    let tags = t.ok(&line("ListRoleTags", json!({"RoleName": "app"})));
    assert_eq!(tags["Tags"][0]["Key"], "team", "{tags}");
    assert!(
        t.sim.state().account(ACCOUNT).role_versions.is_empty(),
        "versions are forgotten once the clock has passed them"
    );
    // Without Updates, only the role's coming and going lags.
    t.ok(&line("SetConsistency", json!({"DelaySeconds": 5})));
    t.ok(&describe("third"));
    assert_eq!(description(&mut t).as_deref(), Some("third"));
    assert!(t.sim.state().account(ACCOUNT).role_versions.is_empty());
}

/// At most `MAX_ROLE_VERSIONS` changes of one role are kept: past it the oldest is seen at once, so
/// one role cannot make the state grow without bound.
#[test]
fn the_changes_kept_for_late_reads_are_bounded() {
    let mut t = TestSim::new();
    create_app(&mut t);
    t.ok(&line(
        "SetConsistency",
        json!({"DelaySeconds": 60, "Updates": true}),
    ));
    advance(&mut t, 60);
    let max = slrsim::core::limits::MAX_ROLE_VERSIONS;
    for i in 0..max + 3 {
        t.ok(&line(
            "UpdateRoleDescription",
            json!({"RoleName": "app", "Description": format!("d{i}")}),
        ));
    }
    let versions = &t.sim.state().account(ACCOUNT).role_versions["app"];
    assert_eq!(versions.len(), max);
    let seen = t.ok(&get_role("app"));
    assert_eq!(seen["Role"]["Description"], "d2", "{seen}");
}
