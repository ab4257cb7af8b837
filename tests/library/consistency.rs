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
