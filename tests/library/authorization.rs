use crate::support;
use support::*;

// Authorisation, swept across every operation slrsim answers (README, "Reliability").
//
// - Every AWS call has at least one row in `rows()`. Each row runs on a real simulator (a sled database
//   in a temp dir) and is refused to every caller without the permission it needs: a user with no
//   policies, a read-only user, an administrator with an explicit Deny on that action and resource, a
//   user allowed the action only on other resources, a user allowed everything but that action
//   (`NotAction`), an unknown caller and an administrator of another account. Each refusal has AWS's
//   code, HTTP status and message, leaves the state hash unchanged, and is in the log. Then a user
//   allowed exactly that action on exactly that resource succeeds, so a check refusing everything fails.
// - `class()` matches every `Operation` variant with no `_` arm, and `every_operation_has_a_row` compares
//   the rows with the variant list serde derives from the enum: a new operation without a row fails.
// - Enabling session logging creates the role only for a caller allowed iam:CreateServiceLinkedRole for
//   MediaTailor (the dependent action, conditions evaluated).
// - The protected role refuses every edit but its description and tags to every caller (root included)
//   and only the service's own work changes it.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use slrsim::core::action::GenesisParams;
use slrsim::core::catalog;
use slrsim::core::event::Event;
use slrsim::core::outcome::Outcome;
use slrsim::core::state::Role;
use slrsim::log::record::Record;
use slrsim::{ApiError, ErrorCode, Operation};

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const ACCOUNT: &str = "111122223333";
const OTHER_ACCOUNT: &str = "444455556666";
const US: &str = "us-east-1";
const EU: &str = "eu-west-1";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const IAM_FULL: &str = "arn:aws:iam::aws:policy/IAMFullAccess";
const IAM_READ: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
const MT_FULL: &str = "arn:aws:iam::aws:policy/AWSElementalMediaTailorFullAccess";
const MT_READ: &str = "arn:aws:iam::aws:policy/AWSElementalMediaTailorReadOnly";
const LOGS_READ: &str = "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess";
const SLR_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy";
const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const PROTECTED: &str = "Cannot perform the operation on the protected role 'AWSServiceRoleForMediaTailor' - this role is only modifiable by AWS";
const BAD_TOKEN: &str = "The security token included in the request is invalid.";
const MANIFEST_GROUP: &str = "MediaTailor/ManifestService";

/// A scenario line.
fn line(account: &str, caller: &str, region: &str, op: &str, params: &Value) -> String {
    json!({"op": op, "account": account, "caller": caller, "region": region, "params": params})
        .to_string()
}

/// A line made by root of the default account in us-east-1.
fn root(op: &str, params: Value) -> String {
    line(ACCOUNT, "root", US, op, &params)
}

/// A line made by `caller` of the default account in us-east-1.
fn by(caller: &str, op: &str, params: Value) -> String {
    line(ACCOUNT, caller, US, op, &params)
}

/// A policy document of the given statements.
fn doc(statements: Vec<Value>) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn stmt(effect: &str, action: &str, resource: Value) -> Value {
    json!({"Effect": effect, "Action": action, "Resource": resource})
}

/// The reference's "who may create" statement, with the condition's operator and value given.
fn create_slr_stmt(operator: &str, service: &str) -> Value {
    json!({
        "Effect": "Allow",
        "Action": "iam:CreateServiceLinkedRole",
        "Resource": "arn:aws:iam::*:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor*",
        "Condition": {operator: {"iam:AWSServiceName": service}}
    })
}

/// Creates a user in `account` (as its root) with managed and inline policies.
fn add_user(t: &mut TestSim, account: &str, name: &str, managed: &[&str], inline: &[String]) {
    t.ok(&line(
        account,
        "root",
        US,
        "CreateUser",
        &json!({"UserName": name}),
    ));
    for arn in managed {
        t.ok(&line(
            account,
            "root",
            US,
            "AttachUserPolicy",
            &json!({"UserName": name, "PolicyArn": arn}),
        ));
    }
    for (i, document) in inline.iter().enumerate() {
        t.ok(&line(
            account,
            "root",
            US,
            "PutUserPolicy",
            &json!({"UserName": name, "PolicyName": format!("p{i}"), "PolicyDocument": document}),
        ));
    }
}

fn playback_arn(region: &str, name: &str) -> String {
    format!("arn:aws:mediatailor:{region}:{ACCOUNT}:playbackConfiguration/{name}")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

/// The account every row starts from, built by root:
/// - users `nobody` (no policy), `reader` (the three read-only managed policies) and `target` (a user
///   to be changed: inline policy `inline`, IAMReadOnlyAccess attached);
/// - roles `app` (inline policy `inline`, IAMReadOnlyAccess attached) and `empty` (none, deletable);
/// - the playback configuration `live` in us-east-1;
/// - with `with_role`: the service-linked role, logging at 50% on `live` and logs delivered (so the
///   log groups exist);
/// - `alice`, an administrator of another account.
fn world(with_role: bool) -> TestSim {
    let mut t = TestSim::new();
    add_user(&mut t, ACCOUNT, "nobody", &[], &[]);
    add_user(
        &mut t,
        ACCOUNT,
        "reader",
        &[IAM_READ, MT_READ, LOGS_READ],
        &[],
    );
    add_user(
        &mut t,
        ACCOUNT,
        "target",
        &[IAM_READ],
        &[doc(vec![stmt("Allow", "s3:GetObject", json!("*"))])],
    );
    t.ok(&root(
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    t.ok(&root(
        "PutRolePolicy",
        json!({"RoleName": "app", "PolicyName": "inline", "PolicyDocument": doc(vec![stmt("Allow", "s3:GetObject", json!("*"))])}),
    ));
    t.ok(&root(
        "AttachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": IAM_READ}),
    ));
    t.ok(&root(
        "CreateRole",
        json!({"RoleName": "empty", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    t.ok(&root(
        "PutPlaybackConfiguration",
        json!({"Name": "live", "VideoContentSourceUrl": "https://origin.example.com"}),
    ));
    if with_role {
        t.ok(&root(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
        ));
        t.ok(&root(
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": "live", "PercentEnabled": 50}),
        ));
        t.ok(&root(
            "ServeSessions",
            // Debug log mode, so that the manifest service log group exists too.
            json!({"PlaybackConfigurationName": "live", "Sessions": 10, "LogMode": "DEBUG"}),
        ));
    }
    add_user(&mut t, OTHER_ACCOUNT, "alice", &[ADMIN], &[]);
    t
}

/// AWS's AccessDenied (IAM, 403) or AccessDeniedException (MediaTailor's rest-json, 403; CloudWatch
/// Logs' awsJson1.1, 400, the JSON protocol's default for an error its model gives no status), for a
/// user of the default account.
fn access_denied(user: &str, action: &str, resource: &str, explicit: bool) -> ApiError {
    let why = if explicit {
        "with an explicit deny in an identity-based policy".to_string()
    } else {
        format!("because no identity-based policy allows the {action} action")
    };
    let code = if action.starts_with("iam:") {
        ErrorCode::AccessDenied
    } else {
        ErrorCode::AccessDeniedException
    };
    ApiError {
        code,
        message: format!(
            "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
            user_arn(user)
        ),
        status: if action.starts_with("logs:") {
            400
        } else {
            403
        },
    }
}

fn invalid_token() -> ApiError {
    ApiError {
        code: ErrorCode::InvalidClientTokenId,
        message: BAD_TOKEN.to_string(),
        status: 403,
    }
}

fn unmodifiable() -> ApiError {
    ApiError {
        code: ErrorCode::UnmodifiableEntity,
        message: PROTECTED.to_string(),
        status: 400,
    }
}

/// Runs `line` and checks that it is refused with exactly `expected` (code, HTTP status, message), that
/// the state hash did not move, and that the refusal is the record just appended to the log.
fn refused(t: &mut TestSim, line: &str, expected: &ApiError) -> Result<Record, String> {
    let hash = t.sim.state().hash();
    let seq = t.sim.next_seq();
    let rec = t.record(line);
    match &rec.outcome {
        Outcome::Error { error, .. } if error == expected => {}
        other => {
            return Err(format!(
                "{line}\n    expected {expected:?}\n    got {other:?}"
            ));
        }
    }
    if t.sim.state().hash() != hash {
        return Err(format!("{line}\n    was refused but changed the state"));
    }
    if rec.seq != seq || t.sim.next_seq() != seq + 1 {
        return Err(format!("{line}\n    was not appended as record {seq}"));
    }
    match slrsim::timetravel::record_at(t.sim.store(), seq) {
        Ok(stored) if stored == rec => Ok(rec),
        Ok(stored) => Err(format!(
            "{line}\n    the log holds another record at {seq}: {stored:?}"
        )),
        Err(e) => Err(format!("{line}\n    the refusal is not in the log: {e}")),
    }
}

/// Runs `line`, which must succeed; returns its events.
fn accepted(t: &mut TestSim, line: &str) -> Result<Vec<Event>, String> {
    let rec = t.record(line);
    match rec.outcome {
        Outcome::Ok { events, .. } => Ok(events),
        Outcome::Error { error, .. } => Err(format!(
            "{line}\n    a permitted caller was refused: {error:?}"
        )),
    }
}

/// Panics listing every problem, if there are any.
fn assert_no_problems(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------------

/// What an operation is, as far as authorisation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// An AWS call that changes the account when it succeeds.
    Mutating,
    /// An AWS call that only reads.
    Read,
    /// A simulation action: no principal makes it, so it is not authorised.
    Simulation,
    /// Authenticated but never authorised (STS GetCallerIdentity needs no permission).
    Identity,
}

/// Every operation, by class. No `_` arm: a new `Operation` variant does not compile until it is
/// classified here, and `every_operation_has_a_row` then wants a row for it.
fn class(op: &Operation) -> Class {
    match op {
        Operation::Genesis(_)
        | Operation::AdvanceClock(_)
        | Operation::ServeSessions(_)
        | Operation::SetAccountHistory(_)
        | Operation::SetConsistency(_)
        | Operation::SetThrottling(_)
        | Operation::SetViewers(_)
        | Operation::SetFaults(_)
        | Operation::RefusedRequest(_) => Class::Simulation,
        Operation::GetCallerIdentity(_) => Class::Identity,
        Operation::CreateServiceLinkedRole(_)
        | Operation::DeleteServiceLinkedRole(_)
        | Operation::UpdateRoleDescription(_)
        | Operation::UpdateRole(_)
        | Operation::TagRole(_)
        | Operation::CreateRole(_)
        | Operation::DeleteRole(_)
        | Operation::UpdateAssumeRolePolicy(_)
        | Operation::AttachRolePolicy(_)
        | Operation::DetachRolePolicy(_)
        | Operation::PutRolePolicy(_)
        | Operation::DeleteRolePolicy(_)
        | Operation::PutRolePermissionsBoundary(_)
        | Operation::CreateUser(_)
        | Operation::CreateAccessKey(_)
        | Operation::PutUserPolicy(_)
        | Operation::DeleteUserPolicy(_)
        | Operation::AttachUserPolicy(_)
        | Operation::DetachUserPolicy(_)
        | Operation::PutPlaybackConfiguration(_)
        | Operation::DeletePlaybackConfiguration(_)
        | Operation::ConfigureLogsForPlaybackConfiguration(_)
        | Operation::TagResource(_)
        | Operation::UntagResource(_) => Class::Mutating,
        // IAM calls tools make around a role and its managed policies.
        Operation::UntagRole(_) => Class::Mutating,
        Operation::ListRoleTags(_)
        | Operation::ListRolePolicies(_)
        | Operation::GetRolePolicy(_)
        | Operation::ListInstanceProfilesForRole(_)
        | Operation::GetPolicy(_)
        | Operation::GetPolicyVersion(_)
        | Operation::ListPolicyVersions(_)
        | Operation::ListEntitiesForPolicy(_) => Class::Read,
        Operation::GetServiceLinkedRoleDeletionStatus(_)
        | Operation::GetRole(_)
        | Operation::ListRoles(_)
        | Operation::ListAttachedRolePolicies(_)
        | Operation::GetPlaybackConfiguration(_)
        | Operation::ListPlaybackConfigurations(_)
        | Operation::ListTagsForResource(_)
        | Operation::DescribeLogGroups(_)
        | Operation::DescribeLogStreams(_)
        | Operation::GetLogEvents(_)
        | Operation::FilterLogEvents(_) => Class::Read,
    }
}

/// One call with otherwise valid parameters, the permission it needs and the resource it is checked on.
struct Row {
    op: &'static str,
    params: Value,
    region: &'static str,
    /// The IAM action authorised.
    action: &'static str,
    /// The resource ARN it is authorised on.
    resource: String,
    /// Whether the world has the service-linked role.
    with_role: bool,
    /// Lines root runs after building the world.
    setup: Vec<String>,
}

impl Row {
    fn new(op: &'static str, params: Value, action: &'static str, resource: String) -> Self {
        Row {
            op,
            params,
            region: US,
            action,
            resource,
            with_role: true,
            setup: Vec::new(),
        }
    }

    fn without_role(mut self) -> Self {
        self.with_role = false;
        self
    }

    fn after(mut self, setup: String) -> Self {
        self.setup.push(setup);
        self
    }

    fn line(&self, account: &str, caller: &str) -> String {
        line(account, caller, self.region, self.op, &self.params)
    }

    /// Resources that are not this row's: the same ARN in another account and another region, and a
    /// sibling name.
    fn other_resources(&self) -> Vec<String> {
        let mut out = vec![
            self.resource.replace(ACCOUNT, OTHER_ACCOUNT),
            format!("{}-other", self.resource),
        ];
        // An AWS managed policy's ARN names no account: only its sibling is another resource.
        out.retain(|r| r != &self.resource);
        let region = format!(":{US}:");
        if self.resource.contains(&region) {
            out.push(self.resource.replace(&region, &format!(":{EU}:")));
        }
        out
    }
}

/// Every AWS call slrsim answers, aimed at an existing resource of `world` (the service-linked role for
/// the calls its page says may be made on it).
fn rows() -> Vec<Row> {
    let slr = SLR_ARN.to_string();
    let app = role_arn("app");
    let target = user_arn("target");
    let live = playback_arn(US, "live");
    vec![
        // --- IAM: the service-linked role
        Row::new(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
            "iam:CreateServiceLinkedRole",
            slr.clone(),
        )
        .without_role(),
        Row::new(
            "DeleteServiceLinkedRole",
            json!({"RoleName": SLR}),
            "iam:DeleteServiceLinkedRole",
            slr.clone(),
        ),
        Row::new(
            "UpdateRoleDescription",
            json!({"RoleName": SLR, "Description": "edited"}),
            "iam:UpdateRoleDescription",
            slr.clone(),
        ),
        Row::new(
            "UpdateRole",
            json!({"RoleName": SLR, "Description": "edited"}),
            "iam:UpdateRole",
            slr.clone(),
        ),
        Row::new(
            "TagRole",
            json!({"RoleName": SLR, "Tags": [{"Key": "team", "Value": "video"}]}),
            "iam:TagRole",
            slr.clone(),
        ),
        // --- IAM: ordinary roles
        Row::new(
            "UpdateRoleDescription",
            json!({"RoleName": "app", "Description": "edited"}),
            "iam:UpdateRoleDescription",
            app.clone(),
        ),
        Row::new(
            "UpdateRole",
            json!({"RoleName": "app", "MaxSessionDuration": 7200}),
            "iam:UpdateRole",
            app.clone(),
        ),
        Row::new(
            "TagRole",
            json!({"RoleName": "app", "Tags": [{"Key": "team", "Value": "video"}]}),
            "iam:TagRole",
            app.clone(),
        ),
        Row::new(
            "CreateRole",
            json!({"RoleName": "new", "AssumeRolePolicyDocument": EC2_TRUST}),
            "iam:CreateRole",
            role_arn("new"),
        ),
        Row::new(
            "DeleteRole",
            json!({"RoleName": "empty"}),
            "iam:DeleteRole",
            role_arn("empty"),
        ),
        Row::new(
            "UpdateAssumeRolePolicy",
            json!({"RoleName": "app", "PolicyDocument": doc(vec![json!({"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{OTHER_ACCOUNT}:root")}, "Action": "sts:AssumeRole"})])}),
            "iam:UpdateAssumeRolePolicy",
            app.clone(),
        ),
        Row::new(
            "AttachRolePolicy",
            json!({"RoleName": "app", "PolicyArn": ADMIN}),
            "iam:AttachRolePolicy",
            app.clone(),
        ),
        Row::new(
            "DetachRolePolicy",
            json!({"RoleName": "app", "PolicyArn": IAM_READ}),
            "iam:DetachRolePolicy",
            app.clone(),
        ),
        Row::new(
            "PutRolePolicy",
            json!({"RoleName": "app", "PolicyName": "second", "PolicyDocument": doc(vec![stmt("Allow", "*", json!("*"))])}),
            "iam:PutRolePolicy",
            app.clone(),
        ),
        Row::new(
            "DeleteRolePolicy",
            json!({"RoleName": "app", "PolicyName": "inline"}),
            "iam:DeleteRolePolicy",
            app.clone(),
        ),
        Row::new(
            "PutRolePermissionsBoundary",
            json!({"RoleName": "app", "PermissionsBoundary": IAM_READ}),
            "iam:PutRolePermissionsBoundary",
            app.clone(),
        ),
        // --- IAM: users
        Row::new(
            "CreateUser",
            json!({"UserName": "newuser"}),
            "iam:CreateUser",
            user_arn("newuser"),
        ),
        Row::new(
            "CreateAccessKey",
            json!({"UserName": "target"}),
            "iam:CreateAccessKey",
            target.clone(),
        ),
        Row::new(
            "PutUserPolicy",
            json!({"UserName": "target", "PolicyName": "second", "PolicyDocument": doc(vec![stmt("Allow", "*", json!("*"))])}),
            "iam:PutUserPolicy",
            target.clone(),
        ),
        Row::new(
            "DeleteUserPolicy",
            json!({"UserName": "target", "PolicyName": "p0"}),
            "iam:DeleteUserPolicy",
            target.clone(),
        ),
        Row::new(
            "AttachUserPolicy",
            json!({"UserName": "target", "PolicyArn": ADMIN}),
            "iam:AttachUserPolicy",
            target.clone(),
        ),
        Row::new(
            "DetachUserPolicy",
            json!({"UserName": "target", "PolicyArn": IAM_READ}),
            "iam:DetachUserPolicy",
            target.clone(),
        ),
        // --- MediaTailor
        Row::new(
            "PutPlaybackConfiguration",
            json!({"Name": "new", "VideoContentSourceUrl": "https://origin.example.com"}),
            "mediatailor:PutPlaybackConfiguration",
            playback_arn(US, "new"),
        ),
        Row::new(
            "PutPlaybackConfiguration",
            json!({"Name": "live", "VideoContentSourceUrl": "https://evil.example.com"}),
            "mediatailor:PutPlaybackConfiguration",
            live.clone(),
        ),
        Row::new(
            "DeletePlaybackConfiguration",
            json!({"Name": "live"}),
            "mediatailor:DeletePlaybackConfiguration",
            live.clone(),
        ),
        Row::new(
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": "live", "PercentEnabled": 100}),
            "mediatailor:ConfigureLogsForPlaybackConfiguration",
            live.clone(),
        ),
        Row::new(
            "ConfigureLogsForPlaybackConfiguration",
            json!({"PlaybackConfigurationName": "live", "PercentEnabled": 0}),
            "mediatailor:ConfigureLogsForPlaybackConfiguration",
            live.clone(),
        ),
        // The tagging calls are authorised on the ARN they are given.
        Row::new(
            "TagResource",
            json!({"ResourceArn": live, "Tags": {"team": "video"}}),
            "mediatailor:TagResource",
            live.clone(),
        ),
        Row::new(
            "UntagResource",
            json!({"ResourceArn": live, "TagKeys": ["team"]}),
            "mediatailor:UntagResource",
            live.clone(),
        )
        .after(root(
            "TagResource",
            json!({"ResourceArn": live, "Tags": {"team": "video"}}),
        )),
        Row::new(
            "ListTagsForResource",
            json!({"ResourceArn": live}),
            "mediatailor:ListTagsForResource",
            live.clone(),
        ),
        // --- reads
        Row::new(
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": "$last"}),
            "iam:GetServiceLinkedRoleDeletionStatus",
            slr.clone(),
        )
        .after(root("DeleteServiceLinkedRole", json!({"RoleName": SLR}))),
        Row::new(
            "GetRole",
            json!({"RoleName": SLR}),
            "iam:GetRole",
            slr.clone(),
        ),
        Row::new(
            "ListRoles",
            json!({}),
            "iam:ListRoles",
            format!("arn:aws:iam::{ACCOUNT}:role/"),
        ),
        Row::new(
            "ListAttachedRolePolicies",
            json!({"RoleName": SLR}),
            "iam:ListAttachedRolePolicies",
            slr.clone(),
        ),
        Row::new(
            "GetPlaybackConfiguration",
            json!({"Name": "live"}),
            "mediatailor:GetPlaybackConfiguration",
            live.clone(),
        ),
        Row::new(
            "ListPlaybackConfigurations",
            json!({}),
            "mediatailor:ListPlaybackConfigurations",
            playback_arn(US, "*"),
        ),
        Row::new(
            "DescribeLogGroups",
            json!({}),
            "logs:DescribeLogGroups",
            format!("arn:aws:logs:{US}:{ACCOUNT}:log-group:*"),
        ),
        Row::new(
            "DescribeLogStreams",
            json!({"logGroupName": MANIFEST_GROUP}),
            "logs:DescribeLogStreams",
            format!("arn:aws:logs:{US}:{ACCOUNT}:log-group:{MANIFEST_GROUP}"),
        ),
        // --- IAM: what tools read (and untag) around a role, and managed policies
        Row::new(
            "ListRoleTags",
            json!({"RoleName": SLR}),
            "iam:ListRoleTags",
            slr.clone(),
        ),
        Row::new(
            "UntagRole",
            json!({"RoleName": SLR, "TagKeys": ["team"]}),
            "iam:UntagRole",
            slr.clone(),
        )
        .after(root(
            "TagRole",
            json!({"RoleName": SLR, "Tags": [{"Key": "team", "Value": "video"}]}),
        )),
        Row::new(
            "UntagRole",
            json!({"RoleName": "app", "TagKeys": ["team"]}),
            "iam:UntagRole",
            app.clone(),
        )
        .after(root(
            "TagRole",
            json!({"RoleName": "app", "Tags": [{"Key": "team", "Value": "video"}]}),
        )),
        Row::new(
            "ListRolePolicies",
            json!({"RoleName": "app"}),
            "iam:ListRolePolicies",
            app.clone(),
        ),
        Row::new(
            "GetRolePolicy",
            json!({"RoleName": "app", "PolicyName": "inline"}),
            "iam:GetRolePolicy",
            app.clone(),
        ),
        Row::new(
            "ListInstanceProfilesForRole",
            json!({"RoleName": SLR}),
            "iam:ListInstanceProfilesForRole",
            slr.clone(),
        ),
        Row::new(
            "GetPolicy",
            json!({"PolicyArn": SLR_POLICY_ARN}),
            "iam:GetPolicy",
            SLR_POLICY_ARN.to_string(),
        ),
        Row::new(
            "GetPolicyVersion",
            json!({"PolicyArn": SLR_POLICY_ARN, "VersionId": "v1"}),
            "iam:GetPolicyVersion",
            SLR_POLICY_ARN.to_string(),
        ),
        Row::new(
            "ListPolicyVersions",
            json!({"PolicyArn": IAM_READ}),
            "iam:ListPolicyVersions",
            IAM_READ.to_string(),
        ),
        Row::new(
            "ListEntitiesForPolicy",
            json!({"PolicyArn": IAM_READ}),
            "iam:ListEntitiesForPolicy",
            IAM_READ.to_string(),
        ),
        Row::new(
            "GetLogEvents",
            json!({"logGroupName": MANIFEST_GROUP, "logStreamName": "live"}),
            "logs:GetLogEvents",
            format!("arn:aws:logs:{US}:{ACCOUNT}:log-group:{MANIFEST_GROUP}"),
        ),
        Row::new(
            "FilterLogEvents",
            json!({"logGroupIdentifier": format!("arn:aws:logs:{US}:{ACCOUNT}:log-group:{MANIFEST_GROUP}:*")}),
            "logs:FilterLogEvents",
            format!("arn:aws:logs:{US}:{ACCOUNT}:log-group:{MANIFEST_GROUP}"),
        ),
    ]
}

/// The simulation actions, which no principal makes (Genesis is built directly: scenarios may not name it).
fn simulation_samples() -> Vec<Operation> {
    let mut ops: Vec<Operation> = [
        root("AdvanceClock", json!({"Seconds": 1})),
        root(
            "ServeSessions",
            json!({"PlaybackConfigurationName": "live", "Sessions": 1}),
        ),
        root(
            "SetAccountHistory",
            json!({"UsedMediaTailorBeforeSlrSupport": true}),
        ),
        root("SetConsistency", json!({"DelaySeconds": 5})),
        root("SetThrottling", json!({"Enabled": false})),
        root("SetViewers", json!({"SessionsPerMinute": 60})),
        root("SetFaults", json!({})),
        root(
            "RefusedRequest",
            json!({"Service": "iam", "Code": "SignatureDoesNotMatch", "Message": "no"}),
        ),
    ]
    .iter()
    .map(|l| action(l).op)
    .collect();
    ops.push(Operation::Genesis(GenesisParams {
        seed: 0,
        start: 0,
        rules: None,
    }));
    ops
}

/// Every variant name of `Operation`, as serde lists them when it meets an unknown one.
fn all_operation_names() -> BTreeSet<String> {
    let err = serde_json::from_value::<Operation>(json!({"op": "NoSuchOperation", "params": {}}))
        .expect_err("not an operation")
        .to_string();
    let (_, list) = err
        .split_once("expected one of")
        .unwrap_or_else(|| panic!("serde's message changed: {err}"));
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn every_operation_has_a_row() {
    let all = all_operation_names();
    assert!(all.contains("Genesis") && all.contains("DescribeLogStreams") && all.len() > 30);
    let mut covered = BTreeSet::new();
    for row in rows() {
        let op = action(&row.line(ACCOUNT, "root")).op;
        assert_eq!(op.name(), row.op);
        assert_ne!(class(&op), Class::Simulation, "{} has a row", row.op);
        assert!(!op.is_simulation(), "{}", row.op);
        covered.insert(row.op.to_string());
    }
    // Tested on its own below: no caller it knows is refused.
    let identity = action(&root("GetCallerIdentity", json!({}))).op;
    assert_eq!(class(&identity), Class::Identity);
    covered.insert(identity.name().to_string());
    for op in simulation_samples() {
        assert_eq!(class(&op), Class::Simulation, "{}", op.name());
        assert!(op.is_simulation(), "{}", op.name());
        covered.insert(op.name().to_string());
    }
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in tests/library/authorization.rs: {missing:?}"
    );
    let unknown: Vec<_> = covered.difference(&all).collect();
    assert!(unknown.is_empty(), "rows for no operation: {unknown:?}");
}

// ---------------------------------------------------------------------------------------------------
// The sweep
// ---------------------------------------------------------------------------------------------------

/// Runs one row against every caller; returns the problems found.
fn sweep(row: &Row) -> Vec<String> {
    let mut t = world(row.with_role);
    for l in &row.setup {
        t.ok(l);
    }
    let class = class(&action(&row.line(ACCOUNT, "root")).op);
    let (action, resource) = (row.action, row.resource.as_str());
    // An administrator with an explicit Deny on exactly this action and resource.
    add_user(
        &mut t,
        ACCOUNT,
        "denier",
        &[ADMIN],
        &[doc(vec![stmt("Deny", action, json!(resource))])],
    );
    // The action, but only on other resources.
    add_user(
        &mut t,
        ACCOUNT,
        "elsewhere",
        &[],
        &[doc(vec![stmt(
            "Allow",
            action,
            json!(row.other_resources()),
        )])],
    );
    // Everything but the action.
    add_user(
        &mut t,
        ACCOUNT,
        "allbut",
        &[],
        &[doc(vec![
            json!({"Effect": "Allow", "NotAction": action, "Resource": "*"}),
        ])],
    );
    // Exactly the action on exactly the resource.
    add_user(
        &mut t,
        ACCOUNT,
        "allowed",
        &[],
        &[doc(vec![stmt("Allow", action, json!(resource))])],
    );

    let implicit = |user: &str| access_denied(user, action, resource, false);
    let mut denied: Vec<(&str, &str, ApiError)> = vec![(ACCOUNT, "nobody", implicit("nobody"))];
    if class == Class::Mutating {
        denied.push((ACCOUNT, "reader", implicit("reader")));
    }
    denied.extend([
        (
            ACCOUNT,
            "denier",
            access_denied("denier", action, resource, true),
        ),
        (ACCOUNT, "elsewhere", implicit("elsewhere")),
        (ACCOUNT, "allbut", implicit("allbut")),
        (ACCOUNT, "mallory", invalid_token()),
        // An administrator of another account is nobody here.
        (ACCOUNT, "alice", invalid_token()),
    ]);

    let label = format!("[{} on {}]", row.op, row.resource);
    let mut problems = Vec::new();
    for (account, caller, expected) in &denied {
        if let Err(p) = refused(&mut t, &row.line(account, caller), expected) {
            problems.push(format!("{label} caller {caller}: {p}"));
        }
    }

    // Permitted callers succeed: the refusals above were about permission, not parameters.
    let mut permitted = vec!["allowed"];
    if class == Class::Read {
        permitted.push("reader");
    }
    for caller in permitted {
        let before = t.sim.state().hash();
        let l = row.line(ACCOUNT, caller);
        match accepted(&mut t, &l) {
            Err(p) => problems.push(format!("{label} {p}")),
            Ok(events) => {
                let changed = t.sim.state().hash() != before;
                let expected = class == Class::Mutating;
                if changed != expected || events.is_empty() == expected {
                    problems.push(format!(
                        "{label} {l}\n    {class:?} call by {caller}: state changed {changed}, events {events:?}"
                    ));
                }
            }
        }
    }
    problems
}

fn sweep_class(which: Class) {
    let mut problems = Vec::new();
    let mut swept = 0;
    for row in rows() {
        if class(&action(&row.line(ACCOUNT, "root")).op) == which {
            problems.extend(sweep(&row));
            swept += 1;
        }
    }
    assert!(swept > 0);
    assert_no_problems(&problems);
}

#[test]
fn every_mutating_call_is_refused_without_permission_and_changes_nothing() {
    sweep_class(Class::Mutating);
}

#[test]
fn every_read_is_refused_without_permission() {
    sweep_class(Class::Read);
}

#[test]
fn a_user_cannot_grant_itself_permissions() {
    // Privilege escalation: the resource of a user call is the target user, never the caller. A user
    // allowed to edit `target` only cannot edit itself.
    let mut t = world(true);
    let may_edit_target = doc(vec![json!({
        "Effect": "Allow",
        "Action": ["iam:PutUserPolicy", "iam:AttachUserPolicy", "iam:DeleteUserPolicy", "iam:DetachUserPolicy"],
        "Resource": user_arn("target"),
    })]);
    add_user(&mut t, ACCOUNT, "climber", &[], &[may_edit_target]);
    let everything = doc(vec![stmt("Allow", "*", json!("*"))]);
    let mut problems = Vec::new();
    for caller in ["nobody", "reader", "climber"] {
        let attempts = [
            (
                "PutUserPolicy",
                "iam:PutUserPolicy",
                json!({"UserName": caller, "PolicyName": "mine", "PolicyDocument": everything}),
            ),
            (
                "AttachUserPolicy",
                "iam:AttachUserPolicy",
                json!({"UserName": caller, "PolicyArn": ADMIN}),
            ),
            (
                "AttachUserPolicy",
                "iam:AttachUserPolicy",
                json!({"UserName": caller, "PolicyArn": IAM_FULL}),
            ),
        ];
        for (op, iam_action, params) in attempts {
            let expected = access_denied(caller, iam_action, &user_arn(caller), false);
            if let Err(p) = refused(&mut t, &by(caller, op, params), &expected) {
                problems.push(p);
            }
        }
        // Still powerless afterwards.
        let expected = access_denied(caller, "iam:CreateUser", &user_arn("x"), false);
        if let Err(p) = refused(
            &mut t,
            &by(caller, "CreateUser", json!({"UserName": "x"})),
            &expected,
        ) {
            problems.push(p);
        }
    }
    assert_no_problems(&problems);
    // The climber may edit the user its policy names.
    t.ok(&by(
        "climber",
        "AttachUserPolicy",
        json!({"UserName": "target", "PolicyArn": ADMIN}),
    ));
}

// ---------------------------------------------------------------------------------------------------
// The role created by enabling session logging
// ---------------------------------------------------------------------------------------------------

/// Who tries to enable logging on an account without the role.
struct Enabler {
    user: &'static str,
    managed: &'static [&'static str],
    inline: Vec<Value>,
    /// `None`: allowed, the role is created. `Some((action, explicit))`: refused on that action.
    refused_on: Option<(&'static str, bool)>,
}

fn enablers() -> Vec<Enabler> {
    let create = "iam:CreateServiceLinkedRole";
    let configure = "mediatailor:ConfigureLogsForPlaybackConfiguration";
    vec![
        Enabler {
            user: "mt-only",
            managed: &[MT_FULL],
            inline: vec![],
            refused_on: Some((create, false)),
        },
        Enabler {
            user: "mt-iam-read",
            managed: &[MT_FULL, IAM_READ],
            inline: vec![],
            refused_on: Some((create, false)),
        },
        Enabler {
            user: "mt-cond-ec2",
            managed: &[MT_FULL],
            inline: vec![create_slr_stmt("StringEquals", "ec2.amazonaws.com")],
            refused_on: Some((create, false)),
        },
        Enabler {
            user: "mt-cond-like-other",
            managed: &[MT_FULL],
            inline: vec![create_slr_stmt("StringLike", "elasticmapreduce.*")],
            refused_on: Some((create, false)),
        },
        Enabler {
            user: "mt-cond-not-mt",
            managed: &[MT_FULL],
            inline: vec![create_slr_stmt(
                "StringNotEquals",
                "mediatailor.amazonaws.com",
            )],
            refused_on: Some((create, false)),
        },
        Enabler {
            user: "mt-other-role",
            managed: &[MT_FULL],
            inline: vec![stmt(
                "Allow",
                create,
                json!("arn:aws:iam::*:role/aws-service-role/ec2.amazonaws.com/*"),
            )],
            refused_on: Some((create, false)),
        },
        Enabler {
            user: "mt-other-account",
            managed: &[MT_FULL],
            inline: vec![stmt(
                "Allow",
                create,
                json!(SLR_ARN.replace(ACCOUNT, OTHER_ACCOUNT)),
            )],
            refused_on: Some((create, false)),
        },
        Enabler {
            user: "mt-denied-create",
            managed: &[MT_FULL],
            inline: vec![
                create_slr_stmt("StringLike", "mediatailor.amazonaws.com"),
                json!({"Effect": "Deny", "Action": create, "Resource": "*",
                       "Condition": {"StringEquals": {"iam:AWSServiceName": "mediatailor.amazonaws.com"}}}),
            ],
            refused_on: Some((create, true)),
        },
        Enabler {
            user: "create-only",
            managed: &[],
            inline: vec![create_slr_stmt("StringLike", "mediatailor.amazonaws.com")],
            refused_on: Some((configure, false)),
        },
        Enabler {
            user: "iam-full",
            managed: &[IAM_FULL],
            inline: vec![],
            refused_on: Some((configure, false)),
        },
        // Allowed.
        Enabler {
            user: "mt-create",
            managed: &[MT_FULL],
            inline: vec![create_slr_stmt("StringLike", "mediatailor.amazonaws.com")],
            refused_on: None,
        },
        Enabler {
            user: "minimal",
            managed: &[],
            inline: vec![
                stmt("Allow", configure, json!(playback_arn(US, "live"))),
                create_slr_stmt("StringEquals", "mediatailor.amazonaws.com"),
            ],
            refused_on: None,
        },
        Enabler {
            user: "admin",
            managed: &[ADMIN],
            inline: vec![],
            refused_on: None,
        },
    ]
}

fn add_enabler(t: &mut TestSim, e: &Enabler) {
    let inline: Vec<String> = if e.inline.is_empty() {
        vec![]
    } else {
        vec![doc(e.inline.clone())]
    };
    add_user(t, ACCOUNT, e.user, e.managed, &inline);
}

fn enable_logging(caller: &str) -> String {
    by(
        caller,
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 50}),
    )
}

fn percent(t: &TestSim) -> i64 {
    t.sim
        .state()
        .account(ACCOUNT)
        .region(US)
        .playback_configurations["live"]
        .log_configuration
        .percent_enabled
}

#[test]
fn enabling_logging_creates_the_role_only_for_a_caller_allowed_to_create_it() {
    let mut problems = Vec::new();
    // The refused callers share one account: none of them may change it.
    let mut t = world(false);
    let all = enablers();
    for e in &all {
        add_enabler(&mut t, e);
    }
    for e in all.iter().filter(|e| e.refused_on.is_some()) {
        let Some((iam_action, explicit)) = e.refused_on else {
            continue;
        };
        let resource = if iam_action.starts_with("iam:") {
            SLR_ARN.to_string()
        } else {
            playback_arn(US, "live")
        };
        // The dependent action is refused in MediaTailor's words: AccessDeniedException.
        let mut expected = access_denied(e.user, iam_action, &resource, explicit);
        expected.code = ErrorCode::AccessDeniedException;
        if let Err(p) = refused(&mut t, &enable_logging(e.user), &expected) {
            problems.push(format!("[{}] {p}", e.user));
        }
        if t.sim.state().account(ACCOUNT).roles.contains_key(SLR) || percent(&t) != 0 {
            problems.push(format!(
                "[{}] a refused enabling created the role or turned logging on",
                e.user
            ));
        }
    }
    // Each allowed caller, on its own copy of the account, enables logging and MediaTailor creates
    // the role in the same record, with AWS's trust policy and permissions policy.
    let mut allowed: Vec<&str> = all
        .iter()
        .filter(|e| e.refused_on.is_none())
        .map(|e| e.user)
        .collect();
    allowed.push("root");
    for user in allowed {
        let mut t = world(false);
        for e in all.iter().filter(|e| e.user == user) {
            add_enabler(&mut t, e);
        }
        match accepted(&mut t, &enable_logging(user)) {
            Err(p) => problems.push(format!("[{user}] {p}")),
            Ok(events) => {
                let created = events.iter().any(|ev| {
                    matches!(ev, Event::RoleCreated { role, .. } if role.role_name == SLR && role.service_linked.is_some())
                });
                let role = t.sim.state().account(ACCOUNT).service_linked_role();
                let shape_ok = role.is_some_and(|r| {
                    r.assume_role_policy_document == catalog::SLR_TRUST_POLICY
                        && r.attached_policies.iter().collect::<Vec<_>>() == [SLR_POLICY_ARN]
                        && r.inline_policies.is_empty()
                });
                if !created || !shape_ok || percent(&t) != 50 {
                    problems.push(format!(
                        "[{user}] enabling logging did not create the role as AWS does: created {created}, shape {shape_ok}, percent {}",
                        percent(&t)
                    ));
                }
            }
        }
    }
    assert_no_problems(&problems);
}

// ---------------------------------------------------------------------------------------------------
// The protected role
// ---------------------------------------------------------------------------------------------------

/// What only AWS may change on the role: everything but its description, tags and last use.
fn protected_bytes(role: &Role) -> String {
    let mut v = serde_json::to_value(role).expect("a role serialises");
    if let Some(o) = v.as_object_mut() {
        o.remove("description");
        o.remove("tags");
        o.remove("role_last_used");
    }
    v.to_string()
}

fn the_slr(t: &TestSim) -> Role {
    t.sim
        .state()
        .account(ACCOUNT)
        .service_linked_role()
        .cloned()
        .expect("the service-linked role exists")
}

/// Every IAM write aimed at the role that AWS refuses with UnmodifiableEntity, with the action authorised.
fn protected_calls() -> Vec<(&'static str, &'static str, Value)> {
    let takeover = doc(vec![json!({
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{OTHER_ACCOUNT}:root")},
        "Action": "sts:AssumeRole"
    })]);
    vec![
        ("DeleteRole", "iam:DeleteRole", json!({"RoleName": SLR})),
        (
            "UpdateAssumeRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            json!({"RoleName": SLR, "PolicyDocument": EC2_TRUST}),
        ),
        (
            "UpdateAssumeRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            json!({"RoleName": SLR, "PolicyDocument": takeover}),
        ),
        (
            "UpdateAssumeRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            json!({"RoleName": SLR, "PolicyDocument": catalog::SLR_TRUST_POLICY}),
        ),
        (
            "AttachRolePolicy",
            "iam:AttachRolePolicy",
            json!({"RoleName": SLR, "PolicyArn": ADMIN}),
        ),
        (
            "AttachRolePolicy",
            "iam:AttachRolePolicy",
            json!({"RoleName": SLR, "PolicyArn": SLR_POLICY_ARN}),
        ),
        (
            "DetachRolePolicy",
            "iam:DetachRolePolicy",
            json!({"RoleName": SLR, "PolicyArn": SLR_POLICY_ARN}),
        ),
        (
            "PutRolePolicy",
            "iam:PutRolePolicy",
            json!({"RoleName": SLR, "PolicyName": "extra", "PolicyDocument": doc(vec![stmt("Allow", "*", json!("*"))])}),
        ),
        (
            "PutRolePolicy",
            "iam:PutRolePolicy",
            json!({"RoleName": SLR, "PolicyName": "deny-logs", "PolicyDocument": doc(vec![stmt("Deny", "logs:*", json!("*"))])}),
        ),
        (
            "DeleteRolePolicy",
            "iam:DeleteRolePolicy",
            json!({"RoleName": SLR, "PolicyName": "extra"}),
        ),
        (
            "PutRolePermissionsBoundary",
            "iam:PutRolePermissionsBoundary",
            json!({"RoleName": SLR, "PermissionsBoundary": IAM_READ}),
        ),
        (
            "UpdateRole",
            "iam:UpdateRole",
            json!({"RoleName": SLR, "MaxSessionDuration": 43200}),
        ),
        (
            "UpdateRole",
            "iam:UpdateRole",
            json!({"RoleName": SLR, "Description": "and more", "MaxSessionDuration": 7200}),
        ),
    ]
}

#[test]
fn the_protected_role_refuses_every_edit_to_every_caller() {
    let mut t = world(true);
    add_user(&mut t, ACCOUNT, "admin", &[ADMIN], &[]);
    add_user(&mut t, ACCOUNT, "iamfull", &[IAM_FULL], &[]);
    add_user(
        &mut t,
        ACCOUNT,
        "slrall",
        &[],
        &[doc(vec![stmt("Allow", "iam:*", json!(SLR_ARN))])],
    );
    // The reference's "who may edit" policy.
    add_user(
        &mut t,
        ACCOUNT,
        "editor",
        &[],
        &[doc(vec![json!({
            "Effect": "Allow",
            "Action": ["iam:UpdateRoleDescription", "iam:UpdateRole"],
            "Resource": "arn:aws:iam::*:role/aws-service-role/*"
        })])],
    );
    let before = the_slr(&t);
    let get_before = t.ok(&root("GetRole", json!({"RoleName": SLR})));
    let attached_before = t.ok(&root("ListAttachedRolePolicies", json!({"RoleName": SLR})));

    // Callers and whether their policies allow an action on the role. Those allowed get
    // UnmodifiableEntity; the others are refused earlier, by authorisation, as AWS does.
    type May = fn(&str) -> bool;
    let callers: [(&str, May); 7] = [
        ("root", |_| true),
        ("admin", |_| true),
        ("iamfull", |_| true),
        ("slrall", |_| true),
        ("editor", |a| {
            a == "iam:UpdateRole" || a == "iam:UpdateRoleDescription"
        }),
        ("nobody", |_| false),
        ("reader", |_| false),
    ];
    let mut problems = Vec::new();
    for (op, iam_action, params) in protected_calls() {
        for (caller, may) in callers {
            let expected = if may(iam_action) {
                unmodifiable()
            } else {
                access_denied(caller, iam_action, SLR_ARN, false)
            };
            let l = by(caller, op, params.clone());
            if let Err(p) = refused(&mut t, &l, &expected) {
                problems.push(format!("[{caller}] {p}"));
            }
        }
    }
    assert_no_problems(&problems);
    let after = the_slr(&t);
    assert_eq!(
        serde_json::to_string(&after).expect("serialises"),
        serde_json::to_string(&before).expect("serialises"),
        "the protected role changed"
    );
    assert_eq!(after.assume_role_policy_document, catalog::SLR_TRUST_POLICY);
    assert_eq!(
        after.attached_policies.iter().collect::<Vec<_>>(),
        [SLR_POLICY_ARN]
    );
    assert!(after.inline_policies.is_empty());
    assert_eq!(after.permissions_boundary, None);
    assert_eq!(after.max_session_duration, 3600);
    assert_eq!(t.ok(&root("GetRole", json!({"RoleName": SLR}))), get_before);
    assert_eq!(
        t.ok(&root("ListAttachedRolePolicies", json!({"RoleName": SLR}))),
        attached_before
    );
    let policy = catalog::managed_policy(SLR_POLICY_ARN).expect("the role's policy is known");
    assert_eq!(policy.document, catalog::SLR_POLICY_DOCUMENT);
}

#[test]
fn only_the_service_changes_the_protected_role() {
    let mut t = world(true);
    add_user(
        &mut t,
        ACCOUNT,
        "editor",
        &[],
        &[doc(vec![json!({
            "Effect": "Allow",
            "Action": ["iam:UpdateRoleDescription", "iam:UpdateRole", "iam:TagRole"],
            "Resource": "arn:aws:iam::*:role/aws-service-role/*"
        })])],
    );
    let first = protected_bytes(&the_slr(&t));
    // What the page allows a principal: the description (and tags), nothing that grants or trusts.
    t.ok(&by(
        "editor",
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "one"}),
    ));
    t.ok(&by(
        "editor",
        "UpdateRole",
        json!({"RoleName": SLR, "Description": "two"}),
    ));
    t.ok(&by(
        "editor",
        "TagRole",
        json!({"RoleName": SLR, "Tags": [{"Key": "k", "Value": "v"}]}),
    ));
    assert_eq!(the_slr(&t).description.as_deref(), Some("two"));
    assert_eq!(protected_bytes(&the_slr(&t)), first);
    // Every protected edit, by root, in between the service's own work.
    for (op, _, params) in protected_calls() {
        refused(&mut t, &root(op, params), &unmodifiable()).unwrap_or_else(|p| panic!("{p}"));
    }
    // The service uses the role (RoleLastUsed moves), and nothing it may not change does.
    t.ok(&root(
        "ServeSessions",
        json!({"PlaybackConfigurationName": "live", "Sessions": 100}),
    ));
    assert!(the_slr(&t).role_last_used.is_some());
    assert_eq!(protected_bytes(&the_slr(&t)), first);
    // The service deletes it (on request, once unused) and creates it again when logging is enabled:
    // a new lifetime, with AWS's documents byte for byte.
    t.ok(&root(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 0}),
    ));
    t.ok(&root("AdvanceClock", json!({"Seconds": 600})));
    t.ok(&root("DeleteServiceLinkedRole", json!({"RoleName": SLR})));
    t.ok(&root("AdvanceClock", json!({"Seconds": 60})));
    assert!(
        t.sim
            .state()
            .account(ACCOUNT)
            .service_linked_role()
            .is_none()
    );
    t.ok(&root(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 10}),
    ));
    let reborn = the_slr(&t);
    assert_eq!(
        reborn.assume_role_policy_document,
        catalog::SLR_TRUST_POLICY
    );
    assert_eq!(
        reborn.attached_policies.iter().collect::<Vec<_>>(),
        [SLR_POLICY_ARN]
    );

    // The whole log: no record ever changed what only AWS may change on the role, and the role was only
    // ever created by the service's paths, with AWS's documents.
    let mut problems = Vec::new();
    slrsim::log::replay::for_each_record(t.sim.store(), None, |rec| {
        let op = rec.action.op.name();
        for ev in rec.outcome.events() {
            let touched = match ev {
                Event::RoleTrustPolicyUpdated { role_name, .. }
                | Event::RolePolicyAttached { role_name, .. }
                | Event::RolePolicyDetached { role_name, .. }
                | Event::RoleInlinePolicyPut { role_name, .. }
                | Event::RoleInlinePolicyDeleted { role_name, .. }
                | Event::RolePermissionsBoundarySet { role_name, .. }
                | Event::RoleMaxSessionDurationUpdated { role_name, .. } => role_name == SLR,
                Event::RoleDeleted { role_name, .. } => role_name == SLR && op != "AdvanceClock",
                Event::RoleCreated { role, .. } if role.role_name == SLR => {
                    let by_service = matches!(
                        op,
                        "CreateServiceLinkedRole"
                            | "ConfigureLogsForPlaybackConfiguration"
                            | "SetAccountHistory"
                    );
                    !by_service
                        || role.assume_role_policy_document != catalog::SLR_TRUST_POLICY
                        || role.attached_policies.iter().collect::<Vec<_>>() != [SLR_POLICY_ARN]
                        || !role.inline_policies.is_empty()
                        || role.permissions_boundary.is_some()
                }
                _ => false,
            };
            if touched {
                problems.push(format!(
                    "record {} ({op}) changed the role: {ev:?}",
                    rec.seq
                ));
            }
        }
        Ok(())
    })
    .expect("the log reads back");
    assert_no_problems(&problems);
}

/// `$last` (slrsim's shorthand for the latest deletion task) is authorised before it is resolved: a
/// caller without permission learns nothing about whether a task exists.
#[test]
fn the_last_task_shorthand_is_authorised_before_it_is_resolved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sim = slrsim::simulator::Simulator::open(&dir.path().join("db"), None).expect("open");
    let run = |sim: &mut slrsim::simulator::Simulator, line: &str| {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let serde_json::Value::Object(o) = v else {
            unreachable!("literal objects")
        };
        sim.execute(slrsim::simulator::scenario::parse_action(o).expect("valid"))
            .expect("execute")
    };
    run(
        &mut sim,
        r#"{"op":"CreateUser","params":{"UserName":"nobody"}}"#,
    );
    let before = sim.state().hash();
    let rec = run(
        &mut sim,
        r#"{"op":"GetServiceLinkedRoleDeletionStatus","caller":"nobody","params":{"DeletionTaskId":"$last"}}"#,
    );
    match &rec.outcome {
        slrsim::core::outcome::Outcome::Error { error, .. } => {
            assert_eq!(error.code.to_string(), "AccessDenied", "{error:?}");
            assert_eq!(error.status, 403);
        }
        other => panic!("expected AccessDenied, got {other:?}"),
    }
    assert_eq!(sim.state().hash(), before);
    // Root, allowed, is told there is no task.
    let rec = run(
        &mut sim,
        r#"{"op":"GetServiceLinkedRoleDeletionStatus","params":{"DeletionTaskId":"$last"}}"#,
    );
    match &rec.outcome {
        slrsim::core::outcome::Outcome::Error { error, .. } => {
            assert_eq!(error.code.to_string(), "NoSuchEntity", "{error:?}")
        }
        other => panic!("expected NoSuchEntity, got {other:?}"),
    }
}

#[test]
fn get_caller_identity_needs_no_permission_but_a_known_caller() {
    let mut t = world(false);
    add_user(&mut t, ACCOUNT, "bare", &[], &[]);
    add_user(
        &mut t,
        ACCOUNT,
        "denied",
        &[],
        &[doc(vec![stmt("Deny", "*", json!("*"))])],
    );
    let me = t
        .call(&root("GetCallerIdentity", json!({})))
        .expect("root may ask");
    assert_eq!(me["Arn"], format!("arn:aws:iam::{ACCOUNT}:root"));
    assert_eq!(me["Account"], ACCOUNT);
    for user in ["bare", "denied"] {
        let me = t
            .call(&by(user, "GetCallerIdentity", json!({})))
            .expect("any user may ask, even under Deny *");
        assert_eq!(me["Arn"], user_arn(user));
        assert!(
            me["UserId"]
                .as_str()
                .is_some_and(|id| id.starts_with("AIDA")),
            "{me}"
        );
    }
    let err = t
        .call(&by("ghost", "GetCallerIdentity", json!({})))
        .expect_err("an unknown caller is refused");
    assert_eq!(err, invalid_token());
}
