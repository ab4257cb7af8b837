use crate::support;
use support::*;

// The whole life of AWSServiceRoleForMediaTailor, driven through the library: MediaTailor creating the
// role when logging is enabled, asynchronous deletion and its outcomes, the "in use" window, several
// accounts, log delivery through the role, account history, and MediaTailor's own errors.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use slrsim::core::decide::{
    IN_USE_WINDOW_SECS, LOG_EVENT_BYTES_ADS, LOG_EVENT_BYTES_MANIFEST, TASK_FINISH_SECS,
    TASK_START_SECS,
};
use slrsim::{ApiError, ErrorCode, Event, Genesis};

const ACCT: &str = "111122223333";
const ACCT_B: &str = "444455556666";
const ACCT_C: &str = "777788889999";
const US: &str = "us-east-1";
const EU: &str = "eu-west-1";
const AP: &str = "ap-northeast-1";
const TASK_PREFIX: &str =
    "task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/";
const MT_FULL: &str = "arn:aws:iam::aws:policy/AWSElementalMediaTailorFullAccess";
const ADS_GROUP: &str = "MediaTailor/AdDecisionServerInteractions";
const MANIFEST_GROUP: &str = "MediaTailor/ManifestService";
/// The genesis default: 2026-01-01T00:00:00Z.
const T0: i64 = 1_767_225_600;

// ---------------------------------------------------------------------------------------------------
// Helpers: scenario lines and the calls the tests repeat.
// ---------------------------------------------------------------------------------------------------

/// A scenario line with every address field spelled out.
fn line(account: &str, caller: &str, region: &str, op: &str, params: Value) -> String {
    json!({"op": op, "account": account, "caller": caller, "region": region, "params": params})
        .to_string()
}

/// A line by root of the default account in `region`.
fn root(region: &str, op: &str, params: Value) -> String {
    line(ACCT, "root", region, op, params)
}

fn pc_arn(account: &str, region: &str, name: &str) -> String {
    format!("arn:aws:mediatailor:{region}:{account}:playbackConfiguration/{name}")
}

fn put_config(t: &mut TestSim, account: &str, region: &str, name: &str) -> Value {
    t.ok(&line(
        account,
        "root",
        region,
        "PutPlaybackConfiguration",
        json!({"Name": name, "VideoContentSourceUrl": "https://origin.example.com/x",
               "AdDecisionServerUrl": "https://ads.example.com/vast"}),
    ))
}

fn logs_line(account: &str, caller: &str, region: &str, name: &str, percent: i64) -> String {
    line(
        account,
        caller,
        region,
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": name, "PercentEnabled": percent}),
    )
}

/// Root sets PercentEnabled on a configuration.
fn set_logs(t: &mut TestSim, account: &str, region: &str, name: &str, percent: i64) -> Value {
    t.ok(&logs_line(account, "root", region, name, percent))
}

/// A configuration with logging at `percent` (creating the role when `percent` > 0).
fn logging_config(t: &mut TestSim, account: &str, region: &str, name: &str, percent: i64) {
    put_config(t, account, region, name);
    set_logs(t, account, region, name, percent);
}

fn delete_line(account: &str) -> String {
    line(
        account,
        "root",
        US,
        "DeleteServiceLinkedRole",
        json!({"RoleName": SLR}),
    )
}

/// DeleteServiceLinkedRole by root; returns the task id.
fn delete_slr(t: &mut TestSim, account: &str) -> String {
    let r = t.ok(&delete_line(account));
    let id = r["DeletionTaskId"].as_str().unwrap_or_default().to_string();
    assert!(id.starts_with(TASK_PREFIX), "task id {id}");
    assert!(id.len() > TASK_PREFIX.len(), "task id {id} has no uuid");
    id
}

fn status(t: &mut TestSim, account: &str, id: &str) -> Value {
    t.ok(&line(
        account,
        "root",
        US,
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": id}),
    ))
}

fn status_str(t: &mut TestSim, account: &str, id: &str) -> String {
    status(t, account, id)["Status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn advance_line(secs: i64) -> String {
    root(US, "AdvanceClock", json!({"Seconds": secs}))
}

fn advance(t: &mut TestSim, secs: i64) -> Value {
    t.ok(&advance_line(secs))
}

fn get_role_line(account: &str) -> String {
    line(account, "root", US, "GetRole", json!({"RoleName": SLR}))
}

/// GetRole on the service-linked role, which must exist.
fn the_role(t: &mut TestSim, account: &str) -> Value {
    t.ok(&get_role_line(account))
}

fn role_id(t: &mut TestSim, account: &str) -> String {
    the_role(t, account)["Role"]["RoleId"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn assert_no_role(t: &mut TestSim, account: &str) {
    let e = t.err(&get_role_line(account));
    assert_eq!(e.code, ErrorCode::NoSuchEntity);
    assert_eq!(e.status, 404);
    assert_eq!(
        e.message,
        "The role with name AWSServiceRoleForMediaTailor cannot be found."
    );
    assert!(
        t.sim
            .state()
            .account(account)
            .service_linked_role()
            .is_none()
    );
}

fn serve_line(account: &str, region: &str, name: &str, sessions: i64) -> String {
    line(
        account,
        "root",
        region,
        "ServeSessions",
        json!({"PlaybackConfigurationName": name, "Sessions": sessions}),
    )
}

fn serve(t: &mut TestSim, region: &str, name: &str, sessions: i64) -> Value {
    t.ok(&serve_line(ACCT, region, name, sessions))
}

fn get_config(t: &mut TestSim, region: &str, name: &str) -> Result<Value, ApiError> {
    t.call(&root(
        region,
        "GetPlaybackConfiguration",
        json!({"Name": name}),
    ))
}

fn percent_of(t: &mut TestSim, region: &str, name: &str) -> i64 {
    t.ok(&root(
        region,
        "GetPlaybackConfiguration",
        json!({"Name": name}),
    ))["LogConfiguration"]["PercentEnabled"]
        .as_i64()
        .unwrap_or(-1)
}

/// A FAILED status's RoleUsageList as region → set of ARNs.
fn usage(status: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    let list = status["Reason"]["RoleUsageList"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for entry in list {
        let region = entry["Region"].as_str().unwrap_or_default().to_string();
        let arns: Vec<String> = entry["Resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|a| a.as_str().unwrap_or_default().to_string())
            .collect();
        let set: BTreeSet<String> = arns.iter().cloned().collect();
        assert_eq!(set.len(), arns.len(), "duplicate ARN in {region}: {arns:?}");
        assert!(
            out.insert(region.clone(), set).is_none(),
            "region {region} listed twice"
        );
    }
    out
}

/// The expected RoleUsageList for account 111122223333.
fn expected(entries: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
    entries
        .iter()
        .map(|(region, names)| {
            (
                region.to_string(),
                names.iter().map(|n| pc_arn(ACCT, region, n)).collect(),
            )
        })
        .collect()
}

/// Runs a deletion to its end (TASK_FINISH_SECS) and returns the final status body.
fn delete_and_wait(t: &mut TestSim, account: &str) -> (String, Value) {
    let id = delete_slr(t, account);
    advance(t, TASK_FINISH_SECS);
    let s = status(t, account, &id);
    (id, s)
}

fn create_user(t: &mut TestSim, name: &str) {
    t.ok(&root(US, "CreateUser", json!({"UserName": name})));
}

fn attach_user_policy(t: &mut TestSim, user: &str, arn: &str) {
    t.ok(&root(
        US,
        "AttachUserPolicy",
        json!({"UserName": user, "PolicyArn": arn}),
    ));
}

fn put_user_policy(t: &mut TestSim, user: &str, name: &str, doc: &Value) {
    t.ok(&root(
        US,
        "PutUserPolicy",
        json!({"UserName": user, "PolicyName": name, "PolicyDocument": doc.to_string()}),
    ));
}

/// The reference's policy letting a principal create MediaTailor's service-linked role.
fn create_slr_policy(service: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": "iam:CreateServiceLinkedRole",
        "Resource": "arn:aws:iam::*:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor*",
        "Condition": {"StringLike": {"iam:AWSServiceName": service}}
    }]})
}

fn now(t: &TestSim) -> i64 {
    t.sim.state().now
}

fn fmt(secs: i64) -> String {
    slrsim::core::clock::format(secs)
}

fn events_of(t: &mut TestSim, l: &str) -> Vec<Event> {
    let rec = t.record(l);
    assert!(rec.outcome.is_ok(), "{l} failed: {:?}", rec.outcome);
    rec.outcome.events().to_vec()
}

fn log_groups(t: &mut TestSim, region: &str) -> Vec<Value> {
    t.ok(&root(region, "DescribeLogGroups", json!({})))["logGroups"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn log_streams(t: &mut TestSim, region: &str, group: &str) -> Vec<Value> {
    t.ok(&root(
        region,
        "DescribeLogStreams",
        json!({"logGroupName": group}),
    ))["logStreams"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------------
// Auto-creation of the role by ConfigureLogsForPlaybackConfiguration.
// ---------------------------------------------------------------------------------------------------

#[test]
fn enabling_logging_creates_the_missing_role_and_zero_does_not() {
    let mut t = TestSim::new();
    put_config(&mut t, ACCT, US, "live");
    assert_no_role(&mut t, ACCT);

    // PercentEnabled 0 is accepted and creates nothing.
    let r = set_logs(&mut t, ACCT, US, "live", 0);
    assert_eq!(r["PercentEnabled"], 0);
    assert_no_role(&mut t, ACCT);

    advance(&mut t, 120);
    let r = set_logs(&mut t, ACCT, US, "live", 25);
    assert_eq!(r["PercentEnabled"], 25);
    assert_eq!(r["EnabledLoggingStrategies"], json!(["LEGACY_CLOUDWATCH"]));
    let role = the_role(&mut t, ACCT);
    let role = &role["Role"];
    assert_eq!(role["Arn"], SLR_ARN);
    assert_eq!(role["RoleName"], SLR);
    assert_eq!(role["Path"], "/aws-service-role/mediatailor.amazonaws.com/");
    assert_eq!(role["CreateDate"], fmt(T0 + 120));
    assert_eq!(
        role["AssumeRolePolicyDocument"],
        json!({"Version":"2012-10-17","Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["mediatailor.amazonaws.com"]}}]})
    );
    assert_eq!(role["RoleLastUsed"], json!({}));
    let id = role["RoleId"].as_str().unwrap_or_default();
    assert_eq!(id.len(), 21, "{id}");
    assert!(id.starts_with("AROA"), "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{id}"
    );
    let attached = t.ok(&root(
        US,
        "ListAttachedRolePolicies",
        json!({"RoleName": SLR}),
    ));
    assert_eq!(
        attached["AttachedPolicies"],
        json!([{"PolicyName": "AWSMediaTailorServiceRolePolicy",
                "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"}])
    );

    // Enabling again (another value, another region) does not create a second lifetime.
    let first = id.to_string();
    set_logs(&mut t, ACCT, US, "live", 80);
    logging_config(&mut t, ACCT, EU, "live-eu", 10);
    assert_eq!(role_id(&mut t, ACCT), first);
    assert_eq!(t.sim.state().account(ACCT).roles.len(), 1);
}

#[test]
fn enabling_logging_without_create_permission_is_denied_and_changes_nothing() {
    let mut t = TestSim::new();
    create_user(&mut t, "ops");
    attach_user_policy(&mut t, "ops", MT_FULL);
    put_config(&mut t, ACCT, US, "live");

    let before = t.sim.state().hash();
    let e = t.err(&logs_line(ACCT, "ops", US, "live", 50));
    assert_eq!(e.code, ErrorCode::AccessDeniedException);
    assert_eq!(e.status, 403);
    assert!(
        e.message.contains("iam:CreateServiceLinkedRole"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("arn:aws:iam::111122223333:user/ops"),
        "{}",
        e.message
    );
    assert!(e.message.contains(SLR_ARN), "{}", e.message);
    assert_eq!(
        t.sim.state().hash(),
        before,
        "a refused call changed the state"
    );
    assert_eq!(percent_of(&mut t, US, "live"), 0);
    assert_no_role(&mut t, ACCT);

    // The mediatailor permission alone is enough to keep logging off.
    let r = t.ok(&logs_line(ACCT, "ops", US, "live", 0));
    assert_eq!(r["PercentEnabled"], 0);
    assert_no_role(&mut t, ACCT);
}

#[test]
fn enabling_logging_with_create_permission_creates_the_role() {
    let mut t = TestSim::new();
    create_user(&mut t, "ops");
    attach_user_policy(&mut t, "ops", MT_FULL);
    put_user_policy(
        &mut t,
        "ops",
        "CreateMediaTailorSlr",
        &create_slr_policy("mediatailor.amazonaws.com"),
    );
    put_config(&mut t, ACCT, US, "live");
    let r = t.ok(&logs_line(ACCT, "ops", US, "live", 50));
    assert_eq!(r["PercentEnabled"], 50);
    assert_eq!(percent_of(&mut t, US, "live"), 50);
    let role = the_role(&mut t, ACCT);
    assert_eq!(role["Role"]["Arn"], SLR_ARN);
}

#[test]
fn create_permission_for_another_service_does_not_count() {
    // The StringLike condition on iam:AWSServiceName is evaluated: a grant for another service is no grant.
    let mut t = TestSim::new();
    create_user(&mut t, "ops");
    attach_user_policy(&mut t, "ops", MT_FULL);
    put_user_policy(
        &mut t,
        "ops",
        "CreateOtherSlr",
        &create_slr_policy("elasticmapreduce.amazonaws.com"),
    );
    put_config(&mut t, ACCT, US, "live");
    let before = t.sim.state().hash();
    let e = t.err(&logs_line(ACCT, "ops", US, "live", 50));
    assert_eq!(e.code, ErrorCode::AccessDeniedException);
    assert!(
        e.message.contains("iam:CreateServiceLinkedRole"),
        "{}",
        e.message
    );
    assert_eq!(t.sim.state().hash(), before);
}

#[test]
fn explicit_deny_of_create_beats_allow() {
    let mut t = TestSim::new();
    create_user(&mut t, "ops");
    attach_user_policy(&mut t, "ops", "arn:aws:iam::aws:policy/AdministratorAccess");
    put_user_policy(
        &mut t,
        "ops",
        "NoSlr",
        &json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "iam:CreateServiceLinkedRole", "Resource": "*"}]}),
    );
    put_config(&mut t, ACCT, US, "live");
    let e = t.err(&logs_line(ACCT, "ops", US, "live", 1));
    assert_eq!(e.code, ErrorCode::AccessDeniedException);
    assert!(e.message.contains("explicit deny"), "{}", e.message);
    assert_no_role(&mut t, ACCT);
}

#[test]
fn existing_role_needs_no_iam_permission() {
    let mut t = TestSim::new();
    // The role exists: created by root through IAM.
    t.ok(&root(
        US,
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    let id = role_id(&mut t, ACCT);
    create_user(&mut t, "ops");
    attach_user_policy(&mut t, "ops", MT_FULL);
    put_config(&mut t, ACCT, US, "live");
    let r = t.ok(&logs_line(ACCT, "ops", US, "live", 75));
    assert_eq!(r["PercentEnabled"], 75);
    assert_eq!(percent_of(&mut t, US, "live"), 75);
    assert_eq!(
        role_id(&mut t, ACCT),
        id,
        "the role must not be created again"
    );
}

#[test]
fn an_ordinary_role_with_the_name_blocks_enabling_logging() {
    let mut t = TestSim::new();
    t.ok(&root(
        US,
        "CreateRole",
        json!({"RoleName": SLR,
               "AssumeRolePolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#}),
    ));
    put_config(&mut t, ACCT, US, "live");
    let before = t.sim.state().hash();
    let e = t.err(&logs_line(ACCT, "root", US, "live", 50));
    assert_eq!(e.code, ErrorCode::BadRequestException);
    assert!(e.message.contains("has been taken"), "{}", e.message);
    assert_eq!(t.sim.state().hash(), before);
    assert_eq!(percent_of(&mut t, US, "live"), 0);
}

// ---------------------------------------------------------------------------------------------------
// Deletion outcomes.
// ---------------------------------------------------------------------------------------------------

#[test]
fn deletion_goes_not_started_in_progress_failed_with_two_regions() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live-us", 50);
    logging_config(&mut t, ACCT, EU, "live-eu", 100);
    let id = delete_slr(&mut t, ACCT);

    let s = status(&mut t, ACCT, &id);
    assert_eq!(s, json!({"Status": "NOT_STARTED"}));
    advance(&mut t, TASK_START_SECS - 1);
    assert_eq!(status_str(&mut t, ACCT, &id), "NOT_STARTED");
    advance(&mut t, 1);
    assert_eq!(status(&mut t, ACCT, &id), json!({"Status": "IN_PROGRESS"}));
    advance(&mut t, TASK_FINISH_SECS - TASK_START_SECS - 1);
    assert_eq!(status_str(&mut t, ACCT, &id), "IN_PROGRESS");
    advance(&mut t, 1);

    let s = status(&mut t, ACCT, &id);
    assert_eq!(s["Status"], "FAILED");
    assert_eq!(
        usage(&s),
        expected(&[(US, &["live-us"]), (EU, &["live-eu"])])
    );
    let reason = s["Reason"]["Reason"].as_str().unwrap_or_default();
    assert!(reason.contains("PercentEnabled"), "{reason}");
    assert!(reason.chars().count() <= 1000);
    // The role survives a failed deletion.
    assert_eq!(the_role(&mut t, ACCT)["Role"]["Arn"], SLR_ARN);
}

#[test]
fn usage_list_names_exactly_the_enabled_configurations_in_three_regions() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "a", 10);
    logging_config(&mut t, ACCT, US, "b", 0); // never enabled
    logging_config(&mut t, ACCT, US, "c", 100);
    logging_config(&mut t, ACCT, EU, "d", 1);
    logging_config(&mut t, ACCT, AP, "e", 40);
    logging_config(&mut t, ACCT, AP, "f", 60);
    set_logs(&mut t, ACCT, AP, "f", 0); // deactivated
    logging_config(&mut t, ACCT, "us-west-2", "g", 30);
    set_logs(&mut t, ACCT, "us-west-2", "g", 0); // the region's only one, deactivated

    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s["Status"], "FAILED");
    assert_eq!(
        usage(&s),
        expected(&[(US, &["a", "c"]), (EU, &["d"]), (AP, &["e"])])
    );
}

#[test]
fn a_deleted_configuration_leaves_the_usage_list() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "keep", 20);
    logging_config(&mut t, ACCT, US, "gone", 20);
    logging_config(&mut t, ACCT, EU, "gone-eu", 20);
    t.ok(&root(
        US,
        "DeletePlaybackConfiguration",
        json!({"Name": "gone"}),
    ));
    t.ok(&root(
        EU,
        "DeletePlaybackConfiguration",
        json!({"Name": "gone-eu"}),
    ));

    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s["Status"], "FAILED");
    assert_eq!(usage(&s), expected(&[(US, &["keep"])]));

    // Deleting the last enabled one lets the role go (no sessions were served, so it was never used).
    t.ok(&root(
        US,
        "DeletePlaybackConfiguration",
        json!({"Name": "keep"}),
    ));
    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s, json!({"Status": "SUCCEEDED"}));
    assert_no_role(&mut t, ACCT);
}

#[test]
fn deletion_succeeds_once_every_configuration_is_deactivated() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live-us", 50);
    logging_config(&mut t, ACCT, EU, "live-eu", 50);
    set_logs(&mut t, ACCT, US, "live-us", 0);
    set_logs(&mut t, ACCT, EU, "live-eu", 0);
    let (id, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s, json!({"Status": "SUCCEEDED"}));
    assert_no_role(&mut t, ACCT);

    // The task keeps its status as time passes and after the role is created again.
    advance(&mut t, 86_400);
    assert_eq!(status(&mut t, ACCT, &id), json!({"Status": "SUCCEEDED"}));
    set_logs(&mut t, ACCT, US, "live-us", 5);
    the_role(&mut t, ACCT);
    assert_eq!(status(&mut t, ACCT, &id), json!({"Status": "SUCCEEDED"}));
    // $last still names it until another delete.
    assert_eq!(
        status(&mut t, ACCT, "$last"),
        json!({"Status": "SUCCEEDED"})
    );
}

#[test]
fn deleting_again_while_unfinished_returns_the_same_task() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 0);
    t.ok(&root(
        US,
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    let id = delete_slr(&mut t, ACCT);
    // Again while NOT_STARTED: same id, nothing recorded as a change.
    let rec = t.record(&delete_line(ACCT));
    assert!(rec.outcome.events().is_empty());
    assert_eq!(delete_slr(&mut t, ACCT), id);
    advance(&mut t, TASK_START_SECS);
    assert_eq!(status_str(&mut t, ACCT, &id), "IN_PROGRESS");
    // Again while IN_PROGRESS: still the same id.
    assert_eq!(delete_slr(&mut t, ACCT), id);
    assert_eq!(t.sim.state().account(ACCT).deletion_tasks.len(), 1);
    // The repeated calls did not push the finish time back.
    advance(&mut t, TASK_FINISH_SECS - TASK_START_SECS);
    assert_eq!(status_str(&mut t, ACCT, &id), "SUCCEEDED");
    // Once the task is done and the role gone, a delete finds no role.
    let e = t.err(&delete_line(ACCT));
    assert_eq!(e.code, ErrorCode::NoSuchEntity);
}

#[test]
fn a_new_delete_after_a_failed_task_gets_a_new_id() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 50);
    let (first, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s["Status"], "FAILED");
    let second = delete_slr(&mut t, ACCT);
    assert_ne!(first, second);
    assert_eq!(status_str(&mut t, ACCT, &first), "FAILED");
    assert_eq!(status_str(&mut t, ACCT, &second), "NOT_STARTED");
    assert_eq!(status_str(&mut t, ACCT, "$last"), "NOT_STARTED");
    assert_eq!(t.sim.state().account(ACCT).deletion_tasks.len(), 2);

    // The second one succeeds once logging is off; the first stays FAILED with its reason.
    set_logs(&mut t, ACCT, US, "live", 0);
    advance(&mut t, TASK_FINISH_SECS);
    assert_eq!(status_str(&mut t, ACCT, &second), "SUCCEEDED");
    let s1 = status(&mut t, ACCT, &first);
    assert_eq!(s1["Status"], "FAILED");
    assert_eq!(usage(&s1), expected(&[(US, &["live"])]));
}

fn rank(status: &str) -> u8 {
    match status {
        "NOT_STARTED" => 0,
        "IN_PROGRESS" => 1,
        "SUCCEEDED" | "FAILED" => 2,
        _ => u8::MAX,
    }
}

#[test]
fn documented_delays_and_sizes() {
    // README, "Choices where AWS is silent": IN_PROGRESS after 5 s, finished after 30 s, "a few minutes"
    // is 300 s, log events weigh 512 and 384 bytes. The other tests are written against the constants.
    assert_eq!(TASK_START_SECS, 5);
    assert_eq!(TASK_FINISH_SECS, 30);
    assert_eq!(IN_USE_WINDOW_SECS, 300);
    assert_eq!((LOG_EVENT_BYTES_ADS, LOG_EVENT_BYTES_MANIFEST), (512, 384));
}

#[test]
fn a_finished_task_ignores_later_task_events() {
    // The reducer keeps the status moving forward even for events a hand-edited log might hold.
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 50);
    let (id, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s["Status"], "FAILED");
    let before = t.sim.state().account(ACCT).deletion_tasks[&id].clone();
    let later = now(&t) + 10;
    let replayed = [
        Event::DeletionTaskStarted {
            account: ACCT.to_string(),
            task_id: id.clone(),
            at: later,
        },
        Event::DeletionTaskSucceeded {
            account: ACCT.to_string(),
            task_id: id.clone(),
            at: later,
        },
    ]
    .iter()
    .fold(t.sim.state().clone(), slrsim::apply);
    assert_eq!(replayed.account(ACCT).deletion_tasks[&id], before);
}

#[test]
fn status_only_moves_forward() {
    for percent in [0, 50] {
        let mut t = TestSim::new();
        logging_config(&mut t, ACCT, US, "live", percent);
        if percent == 0 {
            t.ok(&root(
                US,
                "CreateServiceLinkedRole",
                json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
            ));
        }
        let id = delete_slr(&mut t, ACCT);
        let mut seen = vec![status_str(&mut t, ACCT, &id)];
        for second in 1..=TASK_FINISH_SECS + 20 {
            // Flip logging back and forth while the task runs: the status never goes back.
            if second == TASK_FINISH_SECS + 5 {
                set_logs(&mut t, ACCT, US, "live", if percent == 0 { 100 } else { 0 });
            }
            advance(&mut t, 1);
            let s = status_str(&mut t, ACCT, &id);
            let want = if second < TASK_START_SECS {
                "NOT_STARTED"
            } else if second < TASK_FINISH_SECS {
                "IN_PROGRESS"
            } else if percent == 0 {
                "SUCCEEDED"
            } else {
                "FAILED"
            };
            assert_eq!(s, want, "at +{second}s with {percent}%");
            seen.push(s);
        }
        assert!(seen.iter().all(|s| rank(s) != u8::MAX), "{seen:?}");
        assert!(
            seen.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])),
            "{seen:?}"
        );
        // Once finished, the status does not change (the finished outcome never flips).
        assert!(
            seen[TASK_FINISH_SECS as usize..]
                .windows(2)
                .all(|w| w[0] == w[1])
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// The in-use window: MediaTailor used the role a few minutes ago.
// ---------------------------------------------------------------------------------------------------

#[test]
fn recent_log_delivery_fails_the_deletion_until_a_few_minutes_pass() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 50);
    let r = serve(&mut t, US, "live", 10);
    assert_eq!(r["DeliveredSessions"], 5);
    set_logs(&mut t, ACCT, US, "live", 0);

    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s["Status"], "FAILED");
    let reason = s["Reason"]["Reason"].as_str().unwrap_or_default();
    assert!(reason.contains("Wait a few minutes"), "{reason}");
    assert!(reason.contains(US), "{reason}");
    assert_eq!(s["Reason"]["RoleUsageList"], json!([]));
    the_role(&mut t, ACCT);

    advance(&mut t, 300);
    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s, json!({"Status": "SUCCEEDED"}));
    assert_no_role(&mut t, ACCT);
}

#[test]
fn enabled_logging_and_recent_use_are_both_reported() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, EU, "live", 50);
    serve(&mut t, EU, "live", 4);
    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s["Status"], "FAILED");
    let reason = s["Reason"]["Reason"].as_str().unwrap_or_default();
    assert!(reason.contains("PercentEnabled"), "{reason}");
    assert!(reason.contains("Wait a few minutes"), "{reason}");
    assert_eq!(usage(&s), expected(&[(EU, &["live"])]));
}

/// Serves sessions at T, then deletes `delay` seconds later; returns the task's final status.
fn delete_after_use(delay: i64) -> String {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 100);
    serve(&mut t, US, "live", 1);
    let used = now(&t);
    set_logs(&mut t, ACCT, US, "live", 0);
    if delay > 0 {
        advance(&mut t, delay);
    }
    let id = delete_slr(&mut t, ACCT);
    let finish = now(&t) + TASK_FINISH_SECS;
    advance(&mut t, TASK_FINISH_SECS);
    assert_eq!(now(&t), finish);
    assert_eq!(finish - used, delay + TASK_FINISH_SECS);
    status_str(&mut t, ACCT, &id)
}

#[test]
fn in_use_window_edge() {
    // The task checks use when it finishes: it fails while finish − last use < IN_USE_WINDOW_SECS.
    let edge = IN_USE_WINDOW_SECS - TASK_FINISH_SECS;
    assert_eq!(delete_after_use(0), "FAILED");
    assert_eq!(delete_after_use(edge - 1), "FAILED");
    assert_eq!(delete_after_use(edge), "SUCCEEDED");
    assert_eq!(delete_after_use(edge + 1), "SUCCEEDED");
}

#[test]
fn serving_at_zero_percent_does_not_use_the_role() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 50);
    set_logs(&mut t, ACCT, US, "live", 0);
    let r = serve(&mut t, US, "live", 1000);
    assert_eq!(r["LoggedSessions"], 0);
    let role = the_role(&mut t, ACCT);
    assert_eq!(role["Role"]["RoleLastUsed"], json!({}));
    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s, json!({"Status": "SUCCEEDED"}));
}

// ---------------------------------------------------------------------------------------------------
// Several accounts and the clock.
// ---------------------------------------------------------------------------------------------------

#[test]
fn logging_in_one_account_does_not_block_deletion_in_another() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 50);
    logging_config(&mut t, ACCT_B, US, "live", 50);
    set_logs(&mut t, ACCT_B, US, "live", 0);
    let a = delete_slr(&mut t, ACCT);
    let b = delete_slr(&mut t, ACCT_B);
    assert_ne!(a, b);
    // Each account's tasks are its own.
    let e = t.err(&line(
        ACCT_B,
        "root",
        US,
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": a}),
    ));
    assert_eq!(e.code, ErrorCode::NoSuchEntity);
    advance(&mut t, TASK_FINISH_SECS);
    let sa = status(&mut t, ACCT, &a);
    assert_eq!(sa["Status"], "FAILED");
    assert_eq!(usage(&sa), expected(&[(US, &["live"])]));
    assert_eq!(status(&mut t, ACCT_B, &b), json!({"Status": "SUCCEEDED"}));
    assert_no_role(&mut t, ACCT_B);
    the_role(&mut t, ACCT);
}

/// The task and clock events of a record, as (kind, account, at) with ClockAdvanced as ("Clock", "", to).
fn timeline(events: &[Event]) -> Vec<(&'static str, String, i64)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::ClockAdvanced { to } => Some(("Clock", String::new(), *to)),
            Event::DeletionTaskStarted { account, at, .. } => {
                Some(("Started", account.clone(), *at))
            }
            Event::DeletionTaskSucceeded { account, at, .. } => {
                Some(("Succeeded", account.clone(), *at))
            }
            Event::DeletionTaskFailed { account, at, .. } => Some(("Failed", account.clone(), *at)),
            Event::RoleDeleted { account, .. } => Some(("RoleDeleted", account.clone(), -1)),
            _ => None,
        })
        .collect()
}

#[test]
fn advance_clock_runs_due_tasks_of_every_account_in_time_order() {
    let mut t = TestSim::new();
    for acct in [ACCT, ACCT_B, ACCT_C] {
        logging_config(&mut t, acct, US, "live", 10);
    }
    set_logs(&mut t, ACCT, US, "live", 0);
    set_logs(&mut t, ACCT_C, US, "live", 0);
    let t0 = now(&t);
    let a = delete_slr(&mut t, ACCT); // t0
    advance(&mut t, 10); // runs A's start at t0+5
    assert_eq!(status_str(&mut t, ACCT, &a), "IN_PROGRESS");
    let b = delete_slr(&mut t, ACCT_B); // t0+10, logging on: will fail
    advance(&mut t, 2);
    let c = delete_slr(&mut t, ACCT_C); // t0+12

    let rec = t.record(&advance_line(100));
    let events = rec.outcome.events().to_vec();
    let (sa, sb) = (TASK_START_SECS, TASK_FINISH_SECS);
    let want: Vec<(&str, String, i64)> = vec![
        ("Clock", String::new(), t0 + 10 + sa),
        ("Started", ACCT_B.to_string(), t0 + 10 + sa),
        ("Clock", String::new(), t0 + 12 + sa),
        ("Started", ACCT_C.to_string(), t0 + 12 + sa),
        ("Clock", String::new(), t0 + sb),
        ("Succeeded", ACCT.to_string(), t0 + sb),
        ("RoleDeleted", ACCT.to_string(), -1),
        ("Clock", String::new(), t0 + 10 + sb),
        ("Failed", ACCT_B.to_string(), t0 + 10 + sb),
        ("Clock", String::new(), t0 + 12 + sb),
        ("Succeeded", ACCT_C.to_string(), t0 + 12 + sb),
        ("RoleDeleted", ACCT_C.to_string(), -1),
        ("Clock", String::new(), t0 + 112),
    ];
    assert_eq!(timeline(&events), want);
    // The clock only moves forward within the record.
    let clocks: Vec<i64> = want
        .iter()
        .filter(|w| w.0 == "Clock")
        .map(|w| w.2)
        .collect();
    assert!(clocks.windows(2).all(|w| w[0] < w[1]));

    let body = match &rec.outcome {
        slrsim::core::outcome::Outcome::Ok { response, .. } => response.clone(),
        slrsim::core::outcome::Outcome::Error { error, .. } => json!({"error": error.message}),
    };
    assert_eq!(body["Now"], fmt(t0 + 112));
    assert_eq!(
        body["FinishedDeletionTasks"],
        json!([
            {"DeletionTaskId": a, "Status": "SUCCEEDED", "At": fmt(t0 + sb)},
            {"DeletionTaskId": b, "Status": "FAILED", "At": fmt(t0 + 10 + sb)},
            {"DeletionTaskId": c, "Status": "SUCCEEDED", "At": fmt(t0 + 12 + sb)},
        ])
    );
    assert_eq!(now(&t), t0 + 112);
    assert_no_role(&mut t, ACCT);
    the_role(&mut t, ACCT_B);
    assert_no_role(&mut t, ACCT_C);
    let task = &t.sim.state().account(ACCT_B).deletion_tasks[&b];
    assert_eq!(task.updated, t0 + 10 + sb);
}

#[test]
fn tasks_due_at_the_same_second_run_in_account_order() {
    let mut t = TestSim::new();
    // C deletes first, then A, in the same second.
    for acct in [ACCT_C, ACCT] {
        t.ok(&line(
            acct,
            "root",
            US,
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
        ));
    }
    delete_slr(&mut t, ACCT_C);
    delete_slr(&mut t, ACCT);
    let events = events_of(&mut t, &advance_line(TASK_FINISH_SECS));
    let order: Vec<(&str, String)> = timeline(&events)
        .into_iter()
        .filter(|e| e.0 != "Clock")
        .map(|e| (e.0, e.1))
        .collect();
    assert_eq!(
        order,
        vec![
            ("Started", ACCT.to_string()),
            ("Started", ACCT_C.to_string()),
            ("Succeeded", ACCT.to_string()),
            ("RoleDeleted", ACCT.to_string()),
            ("Succeeded", ACCT_C.to_string()),
            ("RoleDeleted", ACCT_C.to_string()),
        ]
    );
}

#[test]
fn one_long_advance_passes_start_and_finish() {
    let mut t = TestSim::new();
    t.ok(&root(
        US,
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    let t0 = now(&t);
    let id = delete_slr(&mut t, ACCT);
    let events = events_of(&mut t, &advance_line(3600));
    assert_eq!(
        timeline(&events),
        vec![
            ("Clock", String::new(), t0 + TASK_START_SECS),
            ("Started", ACCT.to_string(), t0 + TASK_START_SECS),
            ("Clock", String::new(), t0 + TASK_FINISH_SECS),
            ("Succeeded", ACCT.to_string(), t0 + TASK_FINISH_SECS),
            ("RoleDeleted", ACCT.to_string(), -1),
            ("Clock", String::new(), t0 + 3600),
        ]
    );
    assert_eq!(now(&t), t0 + 3600);
    assert_eq!(status(&mut t, ACCT, &id), json!({"Status": "SUCCEEDED"}));
    assert_eq!(
        t.sim.state().account(ACCT).deletion_tasks[&id].updated,
        t0 + TASK_FINISH_SECS
    );
    assert_no_role(&mut t, ACCT);
    // Nothing is left to run.
    let events = events_of(&mut t, &advance_line(3600));
    assert_eq!(timeline(&events), vec![("Clock", String::new(), t0 + 7200)]);
}

#[test]
fn advance_clock_zero_runs_nothing() {
    let mut t = TestSim::new();
    t.ok(&root(
        US,
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    let id = delete_slr(&mut t, ACCT);
    let events = events_of(&mut t, &advance_line(0));
    assert!(events.is_empty(), "{events:?}");
    assert_eq!(status_str(&mut t, ACCT, &id), "NOT_STARTED");
    let e = t.err(&advance_line(-1));
    assert_eq!(e.code, ErrorCode::ValidationError);
}

// ---------------------------------------------------------------------------------------------------
// Log delivery through the role.
// ---------------------------------------------------------------------------------------------------

#[test]
fn serving_sessions_delivers_logs_through_the_role() {
    let region = "us-west-2";
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, region, "live", 50);
    advance(&mut t, 100);
    let served_at = now(&t);
    let r = serve(&mut t, region, "live", 1000);
    assert_eq!(
        r,
        json!({"PlaybackConfigurationName": "live", "Sessions": 1000, "LoggedSessions": 500,
               "DeliveredSessions": 500, "LostSessions": 0})
    );

    // The ad decision server log only: manifest service logs are written in debug log mode alone.
    let groups = log_groups(&mut t, region);
    let bytes = groups[0]["storedBytes"].as_u64().unwrap_or_default();
    assert_eq!(
        groups,
        vec![
            json!({"logGroupName": ADS_GROUP, "creationTime": served_at * 1000,
                   "arn": format!("arn:aws:logs:{region}:{ACCT}:log-group:{ADS_GROUP}:*"),
                   "logGroupArn": format!("arn:aws:logs:{region}:{ACCT}:log-group:{ADS_GROUP}"),
                   "metricFilterCount": 0, "logGroupClass": "STANDARD",
                   "storedBytes": bytes}),
        ]
    );
    // Every session writes the same messages' lengths: the bytes are a multiple of 500 sessions.
    assert!(bytes > 500 * 4 * 100 && bytes % 500 == 0, "{bytes}");
    // Other regions got nothing.
    assert!(log_groups(&mut t, US).is_empty());

    let streams = log_streams(&mut t, region, ADS_GROUP);
    assert_eq!(streams.len(), 1, "{streams:?}");
    let s = &streams[0];
    assert_eq!(s["logStreamName"], "live");
    assert_eq!(
        s["arn"],
        format!("arn:aws:logs:{region}:{ACCT}:log-group:{ADS_GROUP}:log-stream:live")
    );
    assert_eq!(s["storedBytes"], 0, "AWS reports 0 for a stream");
    assert_eq!(s["firstEventTimestamp"], served_at * 1000);
    assert_eq!(s["lastEventTimestamp"], served_at * 1000);

    let role = the_role(&mut t, ACCT);
    assert_eq!(
        role["Role"]["RoleLastUsed"],
        json!({"LastUsedDate": fmt(served_at), "Region": region})
    );

    // More traffic later: bytes add up, groups and streams keep their creation and first-event times.
    advance(&mut t, 60);
    let r = serve(&mut t, region, "live", 200);
    assert_eq!(r["DeliveredSessions"], 100);
    let groups = log_groups(&mut t, region);
    assert_eq!(groups[0]["storedBytes"], bytes / 500 * 600);
    assert_eq!(groups[0]["creationTime"], served_at * 1000);
    let streams = log_streams(&mut t, region, ADS_GROUP);
    assert_eq!(streams[0]["firstEventTimestamp"], served_at * 1000);
    assert_eq!(streams[0]["lastEventTimestamp"], (served_at + 60) * 1000);

    // Traffic in another region: RoleLastUsed follows the latest use.
    logging_config(&mut t, ACCT, EU, "live-eu", 100);
    advance(&mut t, 5);
    serve(&mut t, EU, "live-eu", 3);
    let role = the_role(&mut t, ACCT);
    assert_eq!(
        role["Role"]["RoleLastUsed"],
        json!({"LastUsedDate": fmt(served_at + 65), "Region": EU})
    );
    let stats = &t
        .sim
        .state()
        .account(ACCT)
        .region(region)
        .playback_configurations["live"]
        .sessions;
    assert_eq!((stats.served, stats.logged, stats.lost), (1200, 600, 0));
    // Four events per logged session, in the ad decision server log only.
    let groups = &t.sim.state().account(ACCT).region(region).log_groups;
    assert_eq!(groups[ADS_GROUP].streams["live"].event_count, 600 * 4);
    assert!(!groups.contains_key(MANIFEST_GROUP));

    // A session in debug log mode is logged whatever PercentEnabled says, and writes the manifest
    // service log too.
    let r = t.ok(&line(
        ACCT,
        "root",
        region,
        "ServeSessions",
        json!({"PlaybackConfigurationName": "live", "Sessions": 1, "LogMode": "DEBUG"}),
    ));
    assert_eq!(
        (r["LoggedSessions"].as_u64(), r["LogMode"].as_str()),
        (Some(1), Some("DEBUG"))
    );
    let names: Vec<Value> = log_groups(&mut t, region)
        .iter()
        .map(|g| g["logGroupName"].clone())
        .collect();
    assert_eq!(names, vec![json!(ADS_GROUP), json!(MANIFEST_GROUP)]);
    let groups = &t.sim.state().account(ACCT).region(region).log_groups;
    assert_eq!(groups[MANIFEST_GROUP].streams["live"].event_count, 3);
    assert_eq!(groups[ADS_GROUP].streams["live"].event_count, 600 * 4 + 5);
}

#[test]
fn one_stream_per_configuration() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "b-live", 100);
    logging_config(&mut t, ACCT, US, "a-live", 100);
    serve(&mut t, US, "b-live", 2);
    serve(&mut t, US, "a-live", 3);
    let streams = log_streams(&mut t, US, ADS_GROUP);
    let names: Vec<&str> = streams
        .iter()
        .map(|s| s["logStreamName"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, vec!["a-live", "b-live"]);
    // AWS reports 0 for a stream (since 2019-06-17); the bytes count in the group's storedBytes.
    assert_eq!(streams[0]["storedBytes"], 0);
    assert_eq!(streams[1]["storedBytes"], 0);
    let groups = log_groups(&mut t, US);
    // Five sessions of four events, each message over 100 bytes; the same per session in both.
    let bytes = groups[0]["storedBytes"].as_u64().unwrap_or_default();
    assert!(bytes > 5 * 4 * 100 && bytes % 5 == 0, "{bytes}");
    // A group that does not exist.
    let e = t.err(&root(
        US,
        "DescribeLogStreams",
        json!({"logGroupName": "MediaTailor/TranscodeService"}),
    ));
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn sampling_carries_the_remainder_deterministically() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "half", 50);
    let logged: Vec<i64> = (0..3)
        .map(|_| {
            serve(&mut t, US, "half", 1)["LoggedSessions"]
                .as_i64()
                .unwrap_or(-1)
        })
        .collect();
    assert_eq!(logged, vec![0, 1, 0]);
    let stats = &t
        .sim
        .state()
        .account(ACCT)
        .region(US)
        .playback_configurations["half"]
        .sessions;
    assert_eq!((stats.served, stats.logged, stats.carry), (3, 1, 50));

    // At 33 %, the running total logged is always floor(total served × 33 / 100).
    logging_config(&mut t, ACCT, US, "third", 33);
    let (mut served, mut total_logged) = (0i64, 0i64);
    for n in [1, 1, 1, 7, 2, 13, 1, 40, 3, 99] {
        let r = serve(&mut t, US, "third", n);
        served += n;
        total_logged += r["LoggedSessions"].as_i64().unwrap_or(-1);
        assert_eq!(total_logged, served * 33 / 100, "after {served} sessions");
        assert_eq!(r["DeliveredSessions"], r["LoggedSessions"]);
    }
    let stats = &t
        .sim
        .state()
        .account(ACCT)
        .region(US)
        .playback_configurations["third"]
        .sessions;
    assert_eq!(stats.logged as i64, total_logged);
    assert_eq!(stats.carry as i64, (served * 33) % 100);

    // Two identical simulations log the same sessions.
    let mut u = TestSim::with(Genesis {
        seed: 99,
        start: T0,
    });
    logging_config(&mut u, ACCT, US, "half", 50);
    let again: Vec<i64> = (0..3)
        .map(|_| {
            serve(&mut u, US, "half", 1)["LoggedSessions"]
                .as_i64()
                .unwrap_or(-1)
        })
        .collect();
    assert_eq!(again, logged);
}

#[test]
fn nothing_is_logged_at_zero_percent_in_an_account_without_the_role() {
    let mut t = TestSim::new();
    put_config(&mut t, ACCT_B, US, "live");
    let rec = t.record(&serve_line(ACCT_B, US, "live", 1000));
    let events = rec.outcome.events().to_vec();
    assert_eq!(events.len(), 1, "{events:?}");
    assert!(matches!(
        &events[0],
        Event::SessionsServed {
            logged: 0,
            sessions: 1000,
            ..
        }
    ));
    assert!(rec.outcome.is_ok());
    let groups = t.ok(&line(ACCT_B, "root", US, "DescribeLogGroups", json!({})));
    assert_eq!(groups["logGroups"], json!([]));
    assert_no_role(&mut t, ACCT_B);
    let stats = &t
        .sim
        .state()
        .account(ACCT_B)
        .region(US)
        .playback_configurations["live"]
        .sessions;
    assert_eq!((stats.served, stats.logged, stats.lost), (1000, 0, 0));
    assert_eq!(stats.last_loss_reason, None);
}

#[test]
fn after_the_role_is_deleted_sessions_at_zero_percent_lose_nothing() {
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 50);
    serve(&mut t, US, "live", 1000);
    set_logs(&mut t, ACCT, US, "live", 0);
    advance(&mut t, IN_USE_WINDOW_SECS);
    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s["Status"], "SUCCEEDED");
    let groups_before = log_groups(&mut t, US);

    let r = serve(&mut t, US, "live", 100);
    assert_eq!(r["LoggedSessions"], 0);
    assert_eq!(r["LostSessions"], 0);
    assert!(r.get("Reason").is_none());
    assert_no_role(&mut t, ACCT);
    // Logs written earlier stay in CloudWatch.
    assert_eq!(log_groups(&mut t, US), groups_before);
    assert!(groups_before[0]["storedBytes"].as_u64() > Some(500 * 4 * 100));
}

#[test]
fn the_role_cannot_be_broken_through_the_api() {
    // Why a lost delivery is unreachable through AWS calls: the role can only be deleted with logging
    // off (and enabling logging recreates it), and its trust and permissions cannot be changed.
    let mut t = TestSim::new();
    logging_config(&mut t, ACCT, US, "live", 50);
    let before = t.sim.state().hash();
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    for l in [
        root(
            US,
            "UpdateAssumeRolePolicy",
            json!({"RoleName": SLR, "PolicyDocument": doc}),
        ),
        root(
            US,
            "DetachRolePolicy",
            json!({"RoleName": SLR,
                   "PolicyArn": "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy"}),
        ),
        root(
            US,
            "PutRolePolicy",
            json!({"RoleName": SLR, "PolicyName": "deny",
                   "PolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"logs:*","Resource":"*"}]}"#}),
        ),
        root(
            US,
            "PutRolePermissionsBoundary",
            json!({"RoleName": SLR, "PermissionsBoundary": "arn:aws:iam::aws:policy/IAMReadOnlyAccess"}),
        ),
        root(US, "DeleteRole", json!({"RoleName": SLR})),
    ] {
        let e = t.err(&l);
        assert_eq!(e.code, ErrorCode::UnmodifiableEntity, "{l}");
    }
    assert_eq!(t.sim.state().hash(), before);
    let r = serve(&mut t, US, "live", 10);
    assert_eq!(r["LostSessions"], 0);
    assert_eq!(r["DeliveredSessions"], 5);
}

/// A state with configuration `live` in us-east-1 at 50 % — written by hand, since the API cannot make
/// it without the role — and the next sequence number.
fn hand_made_state(with_role: bool) -> (slrsim::State, u64) {
    let mut t = TestSim::new();
    put_config(&mut t, ACCT, US, "live");
    if with_role {
        t.ok(&root(
            US,
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
        ));
    }
    let mut state = t.sim.state().clone();
    let seq = t.sim.next_seq();
    if let Some(c) = state
        .accounts
        .get_mut(ACCT)
        .and_then(|a| a.regions.get_mut(US))
        .and_then(|r| r.playback_configurations.get_mut("live"))
    {
        c.log_configuration.percent_enabled = 50;
    }
    assert_eq!(state.account(ACCT).enabled_log_configurations().len(), 1);
    (state, seq)
}

#[test]
fn without_the_role_logs_are_lost_with_the_reason() {
    let (state, seq) = hand_made_state(false);
    assert!(state.account(ACCT).service_linked_role().is_none());
    let action = action(&serve_line(ACCT, US, "live", 10));
    let result = slrsim::decide(&state, seq, &action);
    assert!(result.is_ok(), "ServeSessions refused: {result:?}");
    let Ok(decided) = result else { return };
    assert_eq!(decided.events.len(), 2, "{:?}", decided.events);
    assert!(matches!(
        &decided.events[0],
        Event::SessionsServed {
            sessions: 10,
            logged: 5,
            carry: 0,
            ..
        }
    ));
    assert!(
        matches!(&decided.events[1], Event::LogDeliveryLost { .. }),
        "{:?}",
        decided.events[1]
    );
    let Event::LogDeliveryLost {
        account,
        region,
        name,
        sessions,
        reason,
    } = &decided.events[1]
    else {
        return;
    };
    assert_eq!(
        (account.as_str(), region.as_str(), name.as_str()),
        (ACCT, US, "live")
    );
    assert_eq!(*sessions, 5);
    let reason = reason.clone();
    assert!(reason.contains(SLR), "{reason}");
    assert!(reason.contains("does not exist"), "{reason}");
    assert_eq!(
        decided.response,
        json!({"PlaybackConfigurationName": "live", "Sessions": 10, "LoggedSessions": 5,
               "DeliveredSessions": 0, "LostSessions": 5, "Reason": reason})
    );
    // Nothing reached CloudWatch, and the loss is counted on the configuration.
    let after = decided.events.iter().fold(state, slrsim::apply);
    let region = after.account(ACCT).region(US);
    assert!(region.log_groups.is_empty());
    let stats = &region.playback_configurations["live"].sessions;
    assert_eq!((stats.served, stats.logged, stats.lost), (10, 5, 5));
    assert_eq!(stats.last_loss_reason.as_deref(), Some(reason.as_str()));
}

#[test]
fn a_role_that_does_not_trust_mediatailor_loses_the_logs() {
    let (mut state, seq) = hand_made_state(true);
    if let Some(r) = state
        .accounts
        .get_mut(ACCT)
        .and_then(|a| a.roles.get_mut(SLR))
    {
        r.assume_role_policy_document = r#"{"Version":"2012-10-17","Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]}}]}"#.to_string();
    }
    let action = action(&serve_line(ACCT, US, "live", 4));
    let decided = slrsim::decide(&state, seq, &action);
    let lost: Vec<String> = decided
        .iter()
        .flat_map(|d| d.events.iter())
        .filter_map(|e| match e {
            Event::LogDeliveryLost {
                sessions: 2,
                reason,
                ..
            } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(lost.len(), 1, "{decided:?}");
    assert!(lost[0].contains("trust policy"), "{}", lost[0]);
    // The role was not used.
    assert!(
        !decided
            .iter()
            .flat_map(|d| d.events.iter())
            .any(|e| matches!(e, Event::RoleUsed { .. } | Event::LogEventsPut { .. }))
    );
}

#[test]
fn a_role_without_its_policy_loses_the_logs() {
    let (mut state, seq) = hand_made_state(true);
    if let Some(r) = state
        .accounts
        .get_mut(ACCT)
        .and_then(|a| a.roles.get_mut(SLR))
    {
        r.attached_policies.clear();
    }
    let action = action(&serve_line(ACCT, US, "live", 2));
    let decided = slrsim::decide(&state, seq, &action);
    let events: Vec<Event> = decided.iter().flat_map(|d| d.events.clone()).collect();
    let lost: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            Event::LogDeliveryLost { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(lost.len(), 1, "{events:?}");
    assert!(lost[0].contains("logs:CreateLogGroup"), "{}", lost[0]);
    // A refused delivery writes nothing at all, not even the group.
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::LogGroupCreated { .. }))
    );
}

// ---------------------------------------------------------------------------------------------------
// Account history: the role MediaTailor created for earlier users.
// ---------------------------------------------------------------------------------------------------

#[test]
fn legacy_role_can_be_deleted_and_comes_back_with_logging() {
    let mut t = TestSim::new();
    let r = t.ok(&root(
        US,
        "SetAccountHistory",
        json!({"UsedMediaTailorBeforeSlrSupport": true}),
    ));
    assert_eq!(r["RoleCreated"], true);
    let role = the_role(&mut t, ACCT);
    assert_eq!(role["Role"]["CreateDate"], "2021-09-15T00:00:00Z");
    assert_eq!(role["Role"]["Arn"], SLR_ARN);
    let legacy_id = role["Role"]["RoleId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(legacy_id.starts_with("AROA"));

    // Setting the history again does not make a second role.
    let r = t.ok(&root(
        US,
        "SetAccountHistory",
        json!({"UsedMediaTailorBeforeSlrSupport": true}),
    ));
    assert_eq!(r["RoleCreated"], false);
    assert_eq!(role_id(&mut t, ACCT), legacy_id);

    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s, json!({"Status": "SUCCEEDED"}));
    assert_no_role(&mut t, ACCT);

    advance(&mut t, 86_400);
    logging_config(&mut t, ACCT, EU, "live", 10);
    let role = the_role(&mut t, ACCT);
    let new_id = role["Role"]["RoleId"].as_str().unwrap_or_default();
    assert!(new_id.starts_with("AROA") && new_id.len() == 21, "{new_id}");
    assert_ne!(new_id, legacy_id);
    assert_eq!(role["Role"]["CreateDate"], fmt(now(&t)));
    assert_eq!(role["Role"]["CreateDate"], "2026-01-02T00:00:30Z");
}

#[test]

fn history_does_not_bring_back_a_deleted_role() {
    // The account used MediaTailor before 2021-09-15, so it got the role then; the user deleted it in
    // 2026. Restating that history cannot make a role created in 2021 reappear after a 2026 deletion:
    // after a deletion only enabling logging (or CreateServiceLinkedRole) creates the role again.
    let mut t = TestSim::new();
    let history = root(
        US,
        "SetAccountHistory",
        json!({"UsedMediaTailorBeforeSlrSupport": true}),
    );
    assert_eq!(t.ok(&history)["RoleCreated"], true);
    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(s, json!({"Status": "SUCCEEDED"}));
    assert_no_role(&mut t, ACCT);
    if let Ok(r) = t.call(&history) {
        assert_eq!(r["RoleCreated"], false, "{r}");
    }
    assert_no_role(&mut t, ACCT);
}

#[test]
fn legacy_history_needs_a_clock_after_slr_support() {
    // 2021-09-14T00:00:00Z: MediaTailor had not created any role yet.
    let mut t = TestSim::with(Genesis {
        seed: 1,
        start: 1_631_577_600,
    });
    let e = t.err(&root(
        US,
        "SetAccountHistory",
        json!({"UsedMediaTailorBeforeSlrSupport": true}),
    ));
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert_no_role(&mut t, ACCT);
    // A day later it works.
    advance(&mut t, 86_400);
    let r = t.ok(&root(
        US,
        "SetAccountHistory",
        json!({"UsedMediaTailorBeforeSlrSupport": true}),
    ));
    assert_eq!(r["RoleCreated"], true);
}

#[test]
fn history_without_earlier_use_creates_nothing() {
    let mut t = TestSim::new();
    let r = t.ok(&root(
        US,
        "SetAccountHistory",
        json!({"UsedMediaTailorBeforeSlrSupport": false}),
    ));
    assert_eq!(r["RoleCreated"], false);
    assert_no_role(&mut t, ACCT);
}

// ---------------------------------------------------------------------------------------------------
// MediaTailor's own errors and behaviour.
// ---------------------------------------------------------------------------------------------------

#[test]
fn percent_out_of_range_is_a_bad_request_and_changes_nothing() {
    let mut t = TestSim::new();
    put_config(&mut t, ACCT, US, "live");
    let before = t.sim.state().hash();
    for p in [101, -1, 1000, i64::MIN] {
        let e = t.err(&logs_line(ACCT, "root", US, "live", p));
        assert_eq!(e.code, ErrorCode::BadRequestException, "{p}");
        assert_eq!(e.status, 400);
        assert!(e.message.contains("PercentEnabled"), "{}", e.message);
    }
    assert_eq!(t.sim.state().hash(), before);
    assert_no_role(&mut t, ACCT);
    // Both ends of the range are accepted.
    assert_eq!(
        set_logs(&mut t, ACCT, US, "live", 100)["PercentEnabled"],
        100
    );
    assert_eq!(set_logs(&mut t, ACCT, US, "live", 0)["PercentEnabled"], 0);
}

#[test]
fn unknown_configuration_is_not_found() {
    let mut t = TestSim::new();
    put_config(&mut t, ACCT, US, "live");
    let before = t.sim.state().hash();
    for l in [
        logs_line(ACCT, "root", US, "nope", 50),
        root(US, "GetPlaybackConfiguration", json!({"Name": "nope"})),
        serve_line(ACCT, US, "nope", 10),
        // The configuration exists, but in another region.
        logs_line(ACCT, "root", EU, "live", 50),
        serve_line(ACCT, EU, "live", 10),
    ] {
        let e = t.err(&l);
        assert_eq!(e.code, ErrorCode::NotFoundException, "{l}");
        assert_eq!(e.status, 404);
    }
    assert_eq!(t.sim.state().hash(), before);
    assert_no_role(&mut t, ACCT);
}

#[test]
fn logging_strategies_are_checked() {
    let mut t = TestSim::new();
    put_config(&mut t, ACCT, US, "live");
    let before = t.sim.state().hash();
    for strategies in [
        json!(["S3"]),
        json!(["vended_logs"]),
        json!(["VENDED_LOGS", "VENDED_LOGS"]),
        json!(["VENDED_LOGS", "LEGACY_CLOUDWATCH", "VENDED_LOGS"]),
    ] {
        let e = t.err(&root(
            US,
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": "live", "PercentEnabled": 10,
                   "EnabledLoggingStrategies": strategies}),
        ));
        assert_eq!(e.code, ErrorCode::BadRequestException, "{strategies}");
    }
    assert_eq!(t.sim.state().hash(), before);
    let r = t.ok(&root(
        US,
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 10,
               "EnabledLoggingStrategies": ["VENDED_LOGS", "LEGACY_CLOUDWATCH"]}),
    ));
    assert_eq!(
        r["EnabledLoggingStrategies"],
        json!(["VENDED_LOGS", "LEGACY_CLOUDWATCH"])
    );
    let c = get_config(&mut t, US, "live").unwrap_or_default();
    assert_eq!(
        c["LogConfiguration"],
        json!({"PercentEnabled": 10, "EnabledLoggingStrategies": ["VENDED_LOGS", "LEGACY_CLOUDWATCH"]})
    );
}

#[test]
fn delete_playback_configuration_is_idempotent() {
    let mut t = TestSim::new();
    // Missing from the start: 204-style empty success, no events.
    let rec = t.record(&root(
        US,
        "DeletePlaybackConfiguration",
        json!({"Name": "live"}),
    ));
    assert!(rec.outcome.is_ok());
    assert!(rec.outcome.events().is_empty());

    put_config(&mut t, ACCT, US, "live");
    put_config(&mut t, ACCT, EU, "live");
    assert_eq!(
        t.ok(&root(
            US,
            "DeletePlaybackConfiguration",
            json!({"Name": "live"})
        )),
        json!({})
    );
    let before = t.sim.state().hash();
    let rec = t.record(&root(
        US,
        "DeletePlaybackConfiguration",
        json!({"Name": "live"}),
    ));
    assert!(rec.outcome.is_ok());
    assert!(rec.outcome.events().is_empty());
    assert_eq!(t.sim.state().hash(), before);
    assert_eq!(
        get_config(&mut t, US, "live").map_err(|e| e.code),
        Err(ErrorCode::NotFoundException)
    );
    // The one of the same name in another region is untouched.
    assert!(get_config(&mut t, EU, "live").is_ok());
}

#[test]
fn list_playback_configurations_pages_with_max_results_and_next_token() {
    let mut t = TestSim::new();
    for name in ["c5", "c1", "c3", "c2", "c4"] {
        put_config(&mut t, ACCT, US, name);
    }
    put_config(&mut t, ACCT, EU, "only-eu");

    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut params = json!({"MaxResults": 2});
        if let Some(tok) = &token {
            params["NextToken"] = json!(tok);
        }
        let page = t.ok(&root(US, "ListPlaybackConfigurations", params));
        let items = page["Items"].as_array().cloned().unwrap_or_default();
        assert!(!items.is_empty() && items.len() <= 2, "{page}");
        for i in &items {
            let name = i["Name"].as_str().unwrap_or_default().to_string();
            assert_eq!(i["PlaybackConfigurationArn"], pc_arn(ACCT, US, &name));
            names.push(name);
        }
        pages += 1;
        match page.get("NextToken").and_then(Value::as_str) {
            Some(tok) => token = Some(tok.to_string()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(names, vec!["c1", "c2", "c3", "c4", "c5"]);

    // Without MaxResults everything comes in one page, with no token.
    let all = t.ok(&root(US, "ListPlaybackConfigurations", json!({})));
    assert_eq!(all["Items"].as_array().map(Vec::len), Some(5));
    assert!(all.get("NextToken").is_none());

    // Configurations are per region.
    let eu = t.ok(&root(EU, "ListPlaybackConfigurations", json!({})));
    assert_eq!(eu["Items"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        eu["Items"][0]["PlaybackConfigurationArn"],
        pc_arn(ACCT, EU, "only-eu")
    );
    let ap = t.ok(&root(AP, "ListPlaybackConfigurations", json!({})));
    assert_eq!(ap["Items"], json!([]));
    // And per account.
    let other = t.ok(&line(
        ACCT_B,
        "root",
        US,
        "ListPlaybackConfigurations",
        json!({}),
    ));
    assert_eq!(other["Items"], json!([]));

    for bad in [0, 101, -5] {
        let e = t.err(&root(
            US,
            "ListPlaybackConfigurations",
            json!({"MaxResults": bad}),
        ));
        assert_eq!(e.code, ErrorCode::BadRequestException, "{bad}");
    }
}

#[test]
fn same_name_in_two_regions_are_separate_configurations() {
    let mut t = TestSim::new();
    let us = put_config(&mut t, ACCT, US, "live");
    let eu = put_config(&mut t, ACCT, EU, "live");
    assert_eq!(us["PlaybackConfigurationArn"], pc_arn(ACCT, US, "live"));
    assert_eq!(eu["PlaybackConfigurationArn"], pc_arn(ACCT, EU, "live"));
    set_logs(&mut t, ACCT, EU, "live", 30);
    assert_eq!(percent_of(&mut t, US, "live"), 0);
    assert_eq!(percent_of(&mut t, EU, "live"), 30);
    // Put replaces settings but keeps the log configuration.
    put_config(&mut t, ACCT, EU, "live");
    assert_eq!(percent_of(&mut t, EU, "live"), 30);
    let (_, s) = delete_and_wait(&mut t, ACCT);
    assert_eq!(usage(&s), expected(&[(EU, &["live"])]));
}
