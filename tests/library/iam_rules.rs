use crate::support;
use support::*;

// Every IAM rule of the simulator, proved through the library: the service-linked role's shape and
// protection, ordinary roles, managed policies, NoSuchEntity messages, ListRoles paging, policy
// documents and authorisation by the iam-rs evaluator. Errors are checked by code, HTTP status and
// exact message.

use serde_json::{Value, json};
use slrsim::core::outcome::Outcome;
use slrsim::{ApiError, ErrorCode};

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

const ACCOUNT: &str = "111122223333";
const SLR_PATH: &str = "/aws-service-role/mediatailor.amazonaws.com/";
const SLR_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy";
const TRUST_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"Service":["mediatailor.amazonaws.com"]}}]}"#;
const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
const PROTECTED: &str = "Cannot perform the operation on the protected role 'AWSServiceRoleForMediaTailor' - this role is only modifiable by AWS";
const NOT_ATTACHABLE: &str =
    "AWS service role policies can only be attached to the service-linked role for that service.";
const TAKEN: &str = "Service role name AWSServiceRoleForMediaTailor has been taken in this account, please try a different suffix.";
/// The reference's "who may create" policy.
const CREATE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"arn:aws:iam::*:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor*","Condition":{"StringLike":{"iam:AWSServiceName":"mediatailor.amazonaws.com"}}}]}"#;

/// A scenario line made by root.
fn line(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

/// A scenario line made by `caller`.
fn by(caller: &str, op: &str, params: Value) -> String {
    json!({"op": op, "caller": caller, "params": params}).to_string()
}

/// Asserts an error's code, HTTP status and exact message.
fn assert_error(e: &ApiError, code: ErrorCode, status: u16, message: &str) {
    assert_eq!(
        (e.code, e.status, e.message.as_str()),
        (code, status, message),
        "unexpected error {e}"
    );
}

/// A ValidationError message as AWS words it.
fn validation_msg(value: &str, field: &str, constraint: &str) -> String {
    format!(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
    )
}

/// The AccessDenied message for a user of the default account.
fn denied_msg(user: &str, action: &str, resource: &str, explicit: bool) -> String {
    let why = if explicit {
        "with an explicit deny in an identity-based policy".to_string()
    } else {
        format!("because no identity-based policy allows the {action} action")
    };
    format!(
        "User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: {action} on resource: {resource} {why}"
    )
}

fn role_arn(path: &str, name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role{path}{name}")
}

/// Creates the service-linked role as root; returns the response's `Role`.
fn create_slr(t: &mut TestSim) -> Value {
    t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ))["Role"]
        .clone()
}

/// Creates an ordinary role at `path` as root; returns the response's `Role`.
fn create_role(t: &mut TestSim, name: &str, path: &str) -> Value {
    t.ok(&line(
        "CreateRole",
        json!({"RoleName": name, "Path": path, "AssumeRolePolicyDocument": EC2_TRUST}),
    ))["Role"]
        .clone()
}

fn get_role(t: &mut TestSim, name: &str) -> Value {
    t.ok(&line("GetRole", json!({"RoleName": name})))["Role"].clone()
}

fn attached(t: &mut TestSim, name: &str) -> Value {
    t.ok(&line("ListAttachedRolePolicies", json!({"RoleName": name})))["AttachedPolicies"].clone()
}

/// Creates a user as root.
fn create_user(t: &mut TestSim, name: &str) {
    t.ok(&line("CreateUser", json!({"UserName": name})));
}

/// Creates a user with one inline policy.
fn user_with_policy(t: &mut TestSim, name: &str, document: &str) {
    create_user(t, name);
    put_user_policy(t, name, "p", document);
}

fn put_user_policy(t: &mut TestSim, user: &str, policy: &str, document: &str) {
    t.ok(&line(
        "PutUserPolicy",
        json!({"UserName": user, "PolicyName": policy, "PolicyDocument": document}),
    ));
}

/// Creates a user with one attached managed policy.
fn user_with_managed(t: &mut TestSim, name: &str, arn: &str) {
    create_user(t, name);
    t.ok(&line(
        "AttachUserPolicy",
        json!({"UserName": name, "PolicyArn": arn}),
    ));
}

/// A one-statement identity policy.
fn policy(effect: &str, action_key: &str, actions: Value, resource: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": effect, action_key: actions, "Resource": resource}]})
        .to_string()
}

/// Runs `line`, asserts the exact error, and asserts the state did not change.
fn refused_without_change(
    t: &mut TestSim,
    line: &str,
    code: ErrorCode,
    status: u16,
    message: &str,
) {
    let before = t.sim.state().hash();
    let e = t.err(line);
    assert_error(&e, code, status, message);
    assert_eq!(
        t.sim.state().hash(),
        before,
        "a refused call changed the state: {line}"
    );
}

/// Walks ListRoles with `MaxItems`, returning each page's role names.
fn walk_roles(t: &mut TestSim, prefix: Option<&str>, max: i64) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..100 {
        let mut params = json!({"MaxItems": max});
        if let Some(p) = prefix {
            params["PathPrefix"] = json!(p);
        }
        if let Some(m) = &marker {
            params["Marker"] = json!(m);
        }
        let page = t.ok(&line("ListRoles", params));
        let names = role_names(&page);
        assert!(
            names.len() as i64 <= max,
            "page larger than MaxItems: {page}"
        );
        pages.push(names);
        let truncated = page["IsTruncated"] == json!(true);
        marker = page["Marker"].as_str().map(str::to_string);
        assert_eq!(
            truncated,
            marker.is_some(),
            "IsTruncated and Marker disagree: {page}"
        );
        if !truncated {
            return pages;
        }
    }
    assert!(pages.len() < 100, "ListRoles never stopped");
    pages
}

fn role_names(list: &Value) -> Vec<String> {
    list["Roles"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["RoleName"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A policy document whose size, whitespace excluded, is exactly `size`; it also carries `spaces`
/// characters of white space, which do not count.
fn policy_of_size(size: usize, spaces: usize) -> String {
    let make = |pad: usize| {
        format!(
            "{{\"Version\":\"2012-10-17\",{}\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"iam:GetRole\",\"Resource\":\"arn:aws:iam::{ACCOUNT}:role/{}\"}}]}}",
            " \n".repeat(spaces / 2),
            "a".repeat(pad)
        )
    };
    let base = slrsim::core::validate::policy_size(&make(0));
    assert!(size >= base, "size {size} below the minimum {base}");
    let doc = make(size - base);
    assert_eq!(slrsim::core::validate::policy_size(&doc), size);
    doc
}

// ---------------------------------------------------------------------------------------------------
// CreateServiceLinkedRole
// ---------------------------------------------------------------------------------------------------

#[test]
fn create_service_linked_role_returns_the_documented_role() {
    let mut t = TestSim::new();
    let role = create_slr(&mut t);
    assert_eq!(role["RoleName"], SLR);
    assert_eq!(role["Path"], SLR_PATH);
    assert_eq!(role["Arn"], SLR_ARN);
    let id = role["RoleId"].as_str().unwrap_or_default();
    assert!(id.starts_with("AROA"), "{id}");
    assert_eq!(id.len(), 21, "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{id}"
    );
    let trust: Value = serde_json::from_str(TRUST_POLICY).unwrap_or_default();
    assert_eq!(role["AssumeRolePolicyDocument"], trust);
    assert_eq!(role["CreateDate"], "2026-01-01T00:00:00Z");
    assert_eq!(role["MaxSessionDuration"], 3600);
    // GetRole shows the same role, with the service role policy attached.
    let got = get_role(&mut t, SLR);
    for key in [
        "RoleName",
        "Path",
        "Arn",
        "RoleId",
        "AssumeRolePolicyDocument",
        "CreateDate",
    ] {
        assert_eq!(got[key], role[key], "{key}");
    }
    assert_eq!(
        attached(&mut t, SLR),
        json!([{"PolicyName": "AWSMediaTailorServiceRolePolicy", "PolicyArn": SLR_POLICY_ARN}])
    );
    // The stored trust policy is the reference's, byte for byte.
    let stored = &t.sim.state().account(ACCOUNT).roles[SLR].assume_role_policy_document;
    assert_eq!(stored, TRUST_POLICY);
}

#[test]
fn create_service_linked_role_keeps_a_description() {
    let mut t = TestSim::new();
    let role = t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com", "Description": "logs"}),
    ))["Role"]
        .clone();
    assert_eq!(role["Description"], "logs");
    assert_eq!(get_role(&mut t, SLR)["Description"], "logs");
}

#[test]
fn creating_the_role_again_is_invalid_input_not_entity_already_exists() {
    let mut t = TestSim::new();
    let first = create_slr(&mut t);
    refused_without_change(
        &mut t,
        &line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
        ),
        ErrorCode::InvalidInput,
        400,
        TAKEN,
    );
    // The role is the first one, untouched.
    assert_eq!(get_role(&mut t, SLR)["RoleId"], first["RoleId"]);
}

#[test]
fn custom_suffix_is_not_allowed_for_mediatailor() {
    let mut t = TestSim::new();
    refused_without_change(
        &mut t,
        &line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com", "CustomSuffix": "x"}),
        ),
        ErrorCode::InvalidInput,
        400,
        "Custom suffix is not allowed for mediatailor.amazonaws.com",
    );
    let e = t.err(&line("GetRole", json!({"RoleName": SLR})));
    assert_eq!(e.code, ErrorCode::NoSuchEntity);
}

#[test]
fn unknown_service_name_is_invalid_input() {
    let mut t = TestSim::new();
    refused_without_change(
        &mut t,
        &line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "ec2.amazonaws.com"}),
        ),
        ErrorCode::InvalidInput,
        400,
        "Invalid service name: ec2.amazonaws.com. slrsim creates the service-linked roles of mediatailor.amazonaws.com and of the 12 services listed in its README.",
    );
    // The name check is exact: the service principal is case-sensitive and has no aliases.
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "MediaTailor.amazonaws.com"}),
    ));
    assert_eq!((e.code, e.status), (ErrorCode::InvalidInput, 400));
    let roles = t.ok(&line("ListRoles", json!({})));
    assert_eq!(roles["Roles"], json!([]));
}

#[test]
fn create_service_linked_role_validates_each_parameter() {
    let mut t = TestSim::new();
    let long_service = "a".repeat(129);
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": long_service}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            &format!("{}...", "a".repeat(128)),
            "awsServiceName",
            "Member must have length less than or equal to 128",
        ),
    );
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": ""}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "",
            "awsServiceName",
            "Member must have length greater than or equal to 1",
        ),
    );
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "media tailor"}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "media tailor",
            "awsServiceName",
            r"Member must satisfy regular expression pattern: [\w+=,.@-]+",
        ),
    );
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com", "Description": "d".repeat(1001)}),
    ));
    assert_eq!((e.code, e.status), (ErrorCode::ValidationError, 400));
    assert!(
        e.message.contains("at 'description'")
            && e.message
                .ends_with("Member must have length less than or equal to 1000"),
        "{e}"
    );
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com", "CustomSuffix": "s".repeat(65)}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            &"s".repeat(65),
            "customSuffix",
            "Member must have length less than or equal to 64",
        ),
    );
    // Validation comes before the business rules: a bad suffix is a ValidationError, a good one InvalidInput.
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com", "CustomSuffix": "bad suffix"}),
    ));
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.message.contains("at 'customSuffix'"), "{e}");
    // Nothing was created by any of these; the limits themselves are accepted.
    assert_eq!(t.sim.state().account(ACCOUNT).roles.len(), 0);
    let role = t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com", "Description": "d".repeat(1000)}),
    ));
    assert_eq!(role["Role"]["Description"], "d".repeat(1000));
}

// ---------------------------------------------------------------------------------------------------
// The protected role
// ---------------------------------------------------------------------------------------------------

/// Every call the reference says the protected role refuses, aimed at `role`.
fn protected_calls(role: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("DeleteRole", json!({"RoleName": role})),
        (
            "UpdateAssumeRolePolicy",
            json!({"RoleName": role, "PolicyDocument": EC2_TRUST}),
        ),
        (
            "AttachRolePolicy",
            json!({"RoleName": role, "PolicyArn": ADMIN}),
        ),
        (
            "DetachRolePolicy",
            json!({"RoleName": role, "PolicyArn": SLR_POLICY_ARN}),
        ),
        (
            "PutRolePolicy",
            json!({"RoleName": role, "PolicyName": "extra", "PolicyDocument": policy("Allow", "Action", json!("s3:*"), json!("*"))}),
        ),
        (
            "DeleteRolePolicy",
            json!({"RoleName": role, "PolicyName": "extra"}),
        ),
        (
            "PutRolePermissionsBoundary",
            json!({"RoleName": role, "PermissionsBoundary": READ_ONLY}),
        ),
    ]
}

#[test]
fn protected_role_refuses_every_modifying_call_even_for_root() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    let role_before = get_role(&mut t, SLR);
    let attached_before = attached(&mut t, SLR);
    for (op, params) in protected_calls(SLR) {
        refused_without_change(
            &mut t,
            &line(op, params),
            ErrorCode::UnmodifiableEntity,
            400,
            PROTECTED,
        );
    }
    assert_eq!(get_role(&mut t, SLR), role_before);
    assert_eq!(attached(&mut t, SLR), attached_before);
    assert_eq!(
        attached_before,
        json!([{"PolicyName": "AWSMediaTailorServiceRolePolicy", "PolicyArn": SLR_POLICY_ARN}])
    );
    let stored = &t.sim.state().account(ACCOUNT).roles[SLR];
    assert!(stored.inline_policies.is_empty());
    assert!(stored.permissions_boundary.is_none());
}

#[test]
fn protected_role_refuses_an_administrator_too() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    user_with_managed(&mut t, "admin", ADMIN);
    for (op, params) in protected_calls(SLR) {
        refused_without_change(
            &mut t,
            &by("admin", op, params),
            ErrorCode::UnmodifiableEntity,
            400,
            PROTECTED,
        );
    }
    assert_eq!(attached(&mut t, SLR).as_array().map(Vec::len), Some(1));
}

#[test]
fn protected_role_takes_a_new_description_and_tags() {
    let mut t = TestSim::new();
    let created = create_slr(&mut t);
    let resp = t.ok(&line(
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "first"}),
    ));
    assert_eq!(resp["Role"]["Description"], "first");
    assert_eq!(resp["Role"]["Arn"], SLR_ARN);
    assert_eq!(get_role(&mut t, SLR)["Description"], "first");

    let resp = t.ok(&line(
        "UpdateRole",
        json!({"RoleName": SLR, "Description": "second"}),
    ));
    assert_eq!(resp, json!({}));
    assert_eq!(get_role(&mut t, SLR)["Description"], "second");

    t.ok(&line(
        "TagRole",
        json!({"RoleName": SLR, "Tags": [{"Key": "team", "Value": "video"}]}),
    ));
    let role = get_role(&mut t, SLR);
    assert_eq!(role["Tags"], json!([{"Key": "team", "Value": "video"}]));
    // Nothing else moved.
    assert_eq!(role["RoleId"], created["RoleId"]);
    assert_eq!(
        role["AssumeRolePolicyDocument"],
        created["AssumeRolePolicyDocument"]
    );
    assert_eq!(role["MaxSessionDuration"], 3600);
}

#[test]
fn update_role_max_session_duration_on_the_protected_role_is_unmodifiable() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    refused_without_change(
        &mut t,
        &line(
            "UpdateRole",
            json!({"RoleName": SLR, "MaxSessionDuration": 7200}),
        ),
        ErrorCode::UnmodifiableEntity,
        400,
        PROTECTED,
    );
    // With a description as well, the whole call is refused: the description does not change either.
    refused_without_change(
        &mut t,
        &line(
            "UpdateRole",
            json!({"RoleName": SLR, "Description": "new", "MaxSessionDuration": 7200}),
        ),
        ErrorCode::UnmodifiableEntity,
        400,
        PROTECTED,
    );
    let role = get_role(&mut t, SLR);
    assert_eq!(role["MaxSessionDuration"], 3600);
    assert!(role.get("Description").is_none(), "{role}");
}

// ---------------------------------------------------------------------------------------------------
// Ordinary roles
// ---------------------------------------------------------------------------------------------------

#[test]
fn ordinary_role_accepts_what_the_protected_role_refuses() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    let created = create_role(&mut t, "app", "/");
    assert_eq!(created["Arn"], role_arn("/", "app"));
    assert_eq!(created["Path"], "/");
    let id = created["RoleId"].as_str().unwrap_or_default();
    assert!(id.starts_with("AROA") && id.len() == 21, "{id}");
    assert_ne!(created["RoleId"], get_role(&mut t, SLR)["RoleId"]);

    let new_trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    t.ok(&line(
        "UpdateAssumeRolePolicy",
        json!({"RoleName": "app", "PolicyDocument": new_trust}),
    ));
    t.ok(&line(
        "AttachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": READ_ONLY}),
    ));
    t.ok(&line(
        "PutRolePolicy",
        json!({"RoleName": "app", "PolicyName": "extra", "PolicyDocument": policy("Allow", "Action", json!("s3:*"), json!("*"))}),
    ));
    t.ok(&line(
        "PutRolePermissionsBoundary",
        json!({"RoleName": "app", "PermissionsBoundary": ADMIN}),
    ));
    t.ok(&line(
        "UpdateRole",
        json!({"RoleName": "app", "MaxSessionDuration": 7200}),
    ));

    let role = get_role(&mut t, "app");
    assert_eq!(
        role["AssumeRolePolicyDocument"],
        serde_json::from_str::<Value>(new_trust).unwrap_or_default()
    );
    assert_eq!(role["MaxSessionDuration"], 7200);
    assert_eq!(
        role["PermissionsBoundary"],
        json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": ADMIN})
    );
    assert_eq!(
        attached(&mut t, "app"),
        json!([{"PolicyName": "IAMReadOnlyAccess", "PolicyArn": READ_ONLY}])
    );

    t.ok(&line(
        "DetachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": READ_ONLY}),
    ));
    t.ok(&line(
        "DeleteRolePolicy",
        json!({"RoleName": "app", "PolicyName": "extra"}),
    ));
    assert_eq!(attached(&mut t, "app"), json!([]));
    t.ok(&line("DeleteRole", json!({"RoleName": "app"})));
    let e = t.err(&line("GetRole", json!({"RoleName": "app"})));
    assert_error(
        &e,
        ErrorCode::NoSuchEntity,
        404,
        "The role with name app cannot be found.",
    );
    // The protected role is still there.
    assert_eq!(get_role(&mut t, SLR)["Arn"], SLR_ARN);
}

#[test]
fn create_role_under_the_service_role_path_is_invalid_input() {
    let mut t = TestSim::new();
    let msg = "The path /aws-service-role/ is reserved for service-linked roles; create them with CreateServiceLinkedRole.";
    for path in [
        "/aws-service-role/",
        SLR_PATH,
        "/aws-service-role/other.amazonaws.com/",
    ] {
        refused_without_change(
            &mut t,
            &line(
                "CreateRole",
                json!({"RoleName": SLR, "Path": path, "AssumeRolePolicyDocument": TRUST_POLICY}),
            ),
            ErrorCode::InvalidInput,
            400,
            msg,
        );
    }
    // A path that merely resembles it is an ordinary path.
    let role = create_role(&mut t, "lookalike", "/aws-service-roles/");
    assert_eq!(role["Arn"], role_arn("/aws-service-roles/", "lookalike"));
}

#[test]
fn create_role_with_a_taken_name_is_entity_already_exists() {
    let mut t = TestSim::new();
    let first = create_role(&mut t, "app", "/");
    refused_without_change(
        &mut t,
        &line(
            "CreateRole",
            json!({"RoleName": "app", "Path": "/other/", "AssumeRolePolicyDocument": EC2_TRUST}),
        ),
        ErrorCode::EntityAlreadyExists,
        409,
        "Role with name app already exists.",
    );
    assert_eq!(get_role(&mut t, "app")["RoleId"], first["RoleId"]);
    // The service-linked role's name is taken too, once the role exists.
    create_slr(&mut t);
    refused_without_change(
        &mut t,
        &line(
            "CreateRole",
            json!({"RoleName": SLR, "AssumeRolePolicyDocument": EC2_TRUST}),
        ),
        ErrorCode::EntityAlreadyExists,
        409,
        "Role with name AWSServiceRoleForMediaTailor already exists.",
    );
}

#[test]
fn delete_role_with_policies_is_delete_conflict() {
    let mut t = TestSim::new();
    create_role(&mut t, "app", "/");
    t.ok(&line(
        "AttachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": READ_ONLY}),
    ));
    refused_without_change(
        &mut t,
        &line("DeleteRole", json!({"RoleName": "app"})),
        ErrorCode::DeleteConflict,
        409,
        "Cannot delete entity, must detach all policies first.",
    );
    t.ok(&line(
        "DetachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": READ_ONLY}),
    ));
    t.ok(&line(
        "PutRolePolicy",
        json!({"RoleName": "app", "PolicyName": "inline", "PolicyDocument": policy("Allow", "Action", json!("s3:*"), json!("*"))}),
    ));
    refused_without_change(
        &mut t,
        &line("DeleteRole", json!({"RoleName": "app"})),
        ErrorCode::DeleteConflict,
        409,
        "Cannot delete entity, must delete policies first.",
    );
    t.ok(&line(
        "DeleteRolePolicy",
        json!({"RoleName": "app", "PolicyName": "inline"}),
    ));
    t.ok(&line("DeleteRole", json!({"RoleName": "app"})));
    assert!(!t.sim.state().account(ACCOUNT).roles.contains_key("app"));
}

#[test]
fn role_parameters_are_validated_with_the_field_named() {
    let mut t = TestSim::new();
    let long = "r".repeat(65);
    let e = t.err(&line("GetRole", json!({"RoleName": long})));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            &long,
            "roleName",
            "Member must have length less than or equal to 64",
        ),
    );
    let e = t.err(&line("GetRole", json!({"RoleName": "no spaces"})));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "no spaces",
            "roleName",
            r"Member must satisfy regular expression pattern: [\w+=,.@-]+",
        ),
    );
    let e = t.err(&line(
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": EC2_TRUST, "MaxSessionDuration": 3599}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "3599",
            "maxSessionDuration",
            "Member must have value greater than or equal to 3600",
        ),
    );
    create_role(&mut t, "app", "/");
    let e = t.err(&line(
        "UpdateRole",
        json!({"RoleName": "app", "MaxSessionDuration": 43201}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "43201",
            "maxSessionDuration",
            "Member must have value less than or equal to 43200",
        ),
    );
    t.ok(&line(
        "UpdateRole",
        json!({"RoleName": "app", "MaxSessionDuration": 43200}),
    ));
    let e = t.err(&line(
        "CreateRole",
        json!({"RoleName": "other", "Path": "no-slash", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    assert_eq!((e.code, e.status), (ErrorCode::ValidationError, 400));
    assert!(e.message.contains("at 'path'"), "{e}");
    let e = t.err(&line(
        "UpdateRoleDescription",
        json!({"RoleName": "app", "Description": "x".repeat(1001)}),
    ));
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.message.contains("at 'description'"), "{e}");
}

// ---------------------------------------------------------------------------------------------------
// Managed policies
// ---------------------------------------------------------------------------------------------------

#[test]
fn the_service_role_policy_attaches_to_nothing_else() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "app", "/");
    create_user(&mut t, "alice");
    for l in [
        line(
            "AttachRolePolicy",
            json!({"RoleName": "app", "PolicyArn": SLR_POLICY_ARN}),
        ),
        line(
            "AttachUserPolicy",
            json!({"UserName": "alice", "PolicyArn": SLR_POLICY_ARN}),
        ),
        line(
            "PutRolePermissionsBoundary",
            json!({"RoleName": "app", "PermissionsBoundary": SLR_POLICY_ARN}),
        ),
    ] {
        // AWS words the role case its own way.
        let message = if l.contains("AttachRolePolicy") {
            "Cannot attach a Service Role Policy to a Customer Role."
        } else {
            NOT_ATTACHABLE
        };
        refused_without_change(&mut t, &l, ErrorCode::PolicyNotAttachable, 400, message);
    }
    assert_eq!(attached(&mut t, "app"), json!([]));
    assert!(
        t.sim.state().account(ACCOUNT).users["alice"]
            .attached_policies
            .is_empty()
    );
    // Other managed policies attach normally.
    t.ok(&line(
        "AttachUserPolicy",
        json!({"UserName": "alice", "PolicyArn": READ_ONLY}),
    ));
    t.ok(&line(
        "AttachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": READ_ONLY}),
    ));
}

#[test]
fn unknown_policy_arns_are_no_such_entity() {
    let mut t = TestSim::new();
    create_role(&mut t, "app", "/");
    create_user(&mut t, "alice");
    let unknown = "arn:aws:iam::aws:policy/NoSuchPolicy";
    let msg = format!("Policy {unknown} does not exist or is not attachable.");
    for l in [
        line(
            "AttachRolePolicy",
            json!({"RoleName": "app", "PolicyArn": unknown}),
        ),
        line(
            "AttachUserPolicy",
            json!({"UserName": "alice", "PolicyArn": unknown}),
        ),
        line(
            "PutRolePermissionsBoundary",
            json!({"RoleName": "app", "PermissionsBoundary": unknown}),
        ),
    ] {
        refused_without_change(&mut t, &l, ErrorCode::NoSuchEntity, 404, &msg);
    }
    // Detaching a policy that is not attached.
    refused_without_change(
        &mut t,
        &line(
            "DetachRolePolicy",
            json!({"RoleName": "app", "PolicyArn": READ_ONLY}),
        ),
        ErrorCode::NoSuchEntity,
        404,
        &format!("Policy {READ_ONLY} was not found."),
    );
    refused_without_change(
        &mut t,
        &line(
            "DetachUserPolicy",
            json!({"UserName": "alice", "PolicyArn": READ_ONLY}),
        ),
        ErrorCode::NoSuchEntity,
        404,
        &format!("Policy {READ_ONLY} was not found."),
    );
    // A policy ARN shorter than 20 characters is a ValidationError.
    let e = t.err(&line(
        "AttachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": "arn:aws:iam::aws:p"}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "arn:aws:iam::aws:p",
            "policyArn",
            "Member must have length greater than or equal to 20",
        ),
    );
}

// ---------------------------------------------------------------------------------------------------
// NoSuchEntity
// ---------------------------------------------------------------------------------------------------

#[test]
fn missing_entities_are_no_such_entity_with_aws_messages() {
    let mut t = TestSim::new();
    let role_msg = "The role with name ghost cannot be found.";
    for l in [
        line("GetRole", json!({"RoleName": "ghost"})),
        line(
            "UpdateRoleDescription",
            json!({"RoleName": "ghost", "Description": "d"}),
        ),
        line(
            "UpdateRole",
            json!({"RoleName": "ghost", "Description": "d"}),
        ),
        line(
            "TagRole",
            json!({"RoleName": "ghost", "Tags": [{"Key": "k", "Value": "v"}]}),
        ),
        line("DeleteRole", json!({"RoleName": "ghost"})),
        line("ListAttachedRolePolicies", json!({"RoleName": "ghost"})),
        line(
            "AttachRolePolicy",
            json!({"RoleName": "ghost", "PolicyArn": READ_ONLY}),
        ),
        line("DeleteServiceLinkedRole", json!({"RoleName": "ghost"})),
    ] {
        refused_without_change(&mut t, &l, ErrorCode::NoSuchEntity, 404, role_msg);
    }
    // The service-linked role before it is created.
    refused_without_change(
        &mut t,
        &line("GetRole", json!({"RoleName": SLR})),
        ErrorCode::NoSuchEntity,
        404,
        "The role with name AWSServiceRoleForMediaTailor cannot be found.",
    );
    let user_msg = "The user with name bob cannot be found.";
    for l in [
        line(
            "PutUserPolicy",
            json!({"UserName": "bob", "PolicyName": "p", "PolicyDocument": policy("Allow", "Action", json!("iam:GetRole"), json!("*"))}),
        ),
        line(
            "DeleteUserPolicy",
            json!({"UserName": "bob", "PolicyName": "p"}),
        ),
        line(
            "AttachUserPolicy",
            json!({"UserName": "bob", "PolicyArn": READ_ONLY}),
        ),
    ] {
        refused_without_change(&mut t, &l, ErrorCode::NoSuchEntity, 404, user_msg);
    }
    // Inline policies that do not exist.
    create_user(&mut t, "alice");
    refused_without_change(
        &mut t,
        &line(
            "DeleteUserPolicy",
            json!({"UserName": "alice", "PolicyName": "nope"}),
        ),
        ErrorCode::NoSuchEntity,
        404,
        "The user policy with name nope cannot be found.",
    );
    create_role(&mut t, "app", "/");
    refused_without_change(
        &mut t,
        &line(
            "DeleteRolePolicy",
            json!({"RoleName": "app", "PolicyName": "nope"}),
        ),
        ErrorCode::NoSuchEntity,
        404,
        "The role policy with name nope cannot be found.",
    );
}

#[test]
fn delete_service_linked_role_on_an_ordinary_role_is_invalid_input() {
    let mut t = TestSim::new();
    create_role(&mut t, "app", "/");
    refused_without_change(
        &mut t,
        &line("DeleteServiceLinkedRole", json!({"RoleName": "app"})),
        ErrorCode::InvalidInput,
        400,
        "Role app is not a service-linked role.",
    );
}

#[test]
fn deletion_status_checks_the_task_id() {
    let mut t = TestSim::new();
    for bad in [
        "nope",
        "task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor",
        "task/aws-service-role/mediatailor.amazonaws.com//0000",
        "job/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/0000",
        "task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/0000/extra",
    ] {
        refused_without_change(
            &mut t,
            &line(
                "GetServiceLinkedRoleDeletionStatus",
                json!({"DeletionTaskId": bad}),
            ),
            ErrorCode::InvalidInput,
            400,
            &format!("Invalid deletion task id: {bad}"),
        );
    }
    let unknown = "task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/00000000-0000-4000-8000-000000000000";
    refused_without_change(
        &mut t,
        &line(
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": unknown}),
        ),
        ErrorCode::NoSuchEntity,
        404,
        &format!("Deletion task {unknown} cannot be found."),
    );
    // A real task is found, and is the one the delete returned.
    create_slr(&mut t);
    let id = t.ok(&line("DeleteServiceLinkedRole", json!({"RoleName": SLR})))["DeletionTaskId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        id.starts_with(
            "task/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor/"
        ),
        "{id}"
    );
    let status = t.ok(&line(
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": id}),
    ));
    assert_eq!(status, json!({"Status": "NOT_STARTED"}));
    // The unknown id is still unknown.
    let e = t.err(&line(
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": unknown}),
    ));
    assert_eq!(e.code, ErrorCode::NoSuchEntity);
}

// ---------------------------------------------------------------------------------------------------
// ListRoles
// ---------------------------------------------------------------------------------------------------

#[test]
fn list_roles_filters_by_path_prefix() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "a-root", "/");
    create_role(&mut t, "b-team", "/team/");
    create_role(&mut t, "c-team-deep", "/team/deep/");
    create_role(&mut t, "d-other", "/other/");
    let names = |t: &mut TestSim, params: Value| role_names(&t.ok(&line("ListRoles", params)));
    assert_eq!(
        names(&mut t, json!({})),
        vec![
            "AWSServiceRoleForMediaTailor",
            "a-root",
            "b-team",
            "c-team-deep",
            "d-other"
        ]
    );
    assert_eq!(
        names(&mut t, json!({"PathPrefix": "/team/"})),
        vec!["b-team", "c-team-deep"]
    );
    assert_eq!(
        names(&mut t, json!({"PathPrefix": "/team/deep/"})),
        vec!["c-team-deep"]
    );
    assert_eq!(
        names(&mut t, json!({"PathPrefix": "/aws-service-role/"})),
        vec![SLR]
    );
    assert!(names(&mut t, json!({"PathPrefix": "/nobody/"})).is_empty());
    // ListRoles shows the short role shape: no RoleLastUsed or Tags.
    let list = t.ok(&line(
        "ListRoles",
        json!({"PathPrefix": "/aws-service-role/"}),
    ));
    assert_eq!(list["IsTruncated"], false);
    assert!(list.get("Marker").is_none(), "{list}");
    assert_eq!(list["Roles"][0]["Arn"], SLR_ARN);
    assert!(list["Roles"][0].get("RoleLastUsed").is_none());
    // A prefix must start with '/'.
    let e = t.err(&line("ListRoles", json!({"PathPrefix": "team/"})));
    assert_eq!((e.code, e.status), (ErrorCode::ValidationError, 400));
    assert!(e.message.contains("at 'pathPrefix'"), "{e}");
}

#[test]
fn list_roles_pages_return_every_role_exactly_once() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    let mut expected = vec![SLR.to_string()];
    for i in 0..7 {
        let name = format!("role-{i:02}");
        create_role(&mut t, &name, if i % 2 == 0 { "/" } else { "/team/" });
        expected.push(name);
    }
    expected.sort();
    for max in [1, 2, 3, 7, 8, 100] {
        let pages = walk_roles(&mut t, None, max);
        let all: Vec<String> = pages.concat();
        assert_eq!(all, expected, "MaxItems {max}");
        let want_pages = expected.len().div_ceil(usize::try_from(max).unwrap_or(1));
        assert_eq!(pages.len(), want_pages, "MaxItems {max}: {pages:?}");
    }
    // Paging within a prefix.
    let pages = walk_roles(&mut t, Some("/team/"), 2);
    assert_eq!(pages, vec![vec!["role-01", "role-03"], vec!["role-05"]]);
    // The first page's marker names the first role of the second page.
    let first = t.ok(&line("ListRoles", json!({"MaxItems": 3})));
    assert_eq!(first["IsTruncated"], true);
    assert_eq!(first["Marker"], json!(expected[3]));
}

#[test]
fn list_roles_max_items_must_be_1_to_1000() {
    let mut t = TestSim::new();
    create_role(&mut t, "app", "/");
    for (max, constraint) in [
        (0, "Member must have value greater than or equal to 1"),
        (1001, "Member must have value less than or equal to 1000"),
        (-5, "Member must have value greater than or equal to 1"),
    ] {
        refused_without_change(
            &mut t,
            &line("ListRoles", json!({"MaxItems": max})),
            ErrorCode::ValidationError,
            400,
            &validation_msg(&max.to_string(), "maxItems", constraint),
        );
    }
    for max in [1, 1000] {
        let list = t.ok(&line("ListRoles", json!({"MaxItems": max})));
        assert_eq!(role_names(&list), vec!["app"]);
    }
}

// ---------------------------------------------------------------------------------------------------
// Authorisation
// ---------------------------------------------------------------------------------------------------

#[test]
fn a_user_without_policies_is_denied_and_told_why() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "app", "/");
    create_user(&mut t, "alice");
    let e = t.err(&by("alice", "GetRole", json!({"RoleName": SLR})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &format!(
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: iam:GetRole on resource: {SLR_ARN} because no identity-based policy allows the iam:GetRole action"
        ),
    );
    let e = t.err(&by(
        "alice",
        "UpdateRoleDescription",
        json!({"RoleName": "app", "Description": "d"}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg(
            "alice",
            "iam:UpdateRoleDescription",
            &role_arn("/", "app"),
            false,
        ),
    );
    let e = t.err(&by(
        "alice",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:CreateServiceLinkedRole", SLR_ARN, false),
    );
    let e = t.err(&by("alice", "ListRoles", json!({})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg(
            "alice",
            "iam:ListRoles",
            "arn:aws:iam::111122223333:role/",
            false,
        ),
    );
    // Authorisation comes before existence: a missing role is AccessDenied for alice, NoSuchEntity for root.
    let e = t.err(&by("alice", "GetRole", json!({"RoleName": "ghost"})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:GetRole", &role_arn("/", "ghost"), false),
    );
    // ...and before the protected-role rule.
    let e = t.err(&by("alice", "DeleteRole", json!({"RoleName": SLR})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:DeleteRole", SLR_ARN, false),
    );
}

#[test]
fn explicit_deny_beats_allow() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "app", "/");
    user_with_policy(
        &mut t,
        "alice",
        &policy("Allow", "Action", json!("iam:*"), json!("*")),
    );
    put_user_policy(
        &mut t,
        "alice",
        "no-slr-edits",
        &policy(
            "Deny",
            "Action",
            json!("iam:UpdateRoleDescription"),
            json!("arn:aws:iam::*:role/aws-service-role/*"),
        ),
    );
    let denied = by(
        "alice",
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "d"}),
    );
    refused_without_change(
        &mut t,
        &denied,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:UpdateRoleDescription", SLR_ARN, true),
    );
    // The deny is scoped: other roles and other actions are still allowed.
    t.ok(&by(
        "alice",
        "UpdateRoleDescription",
        json!({"RoleName": "app", "Description": "d"}),
    ));
    t.ok(&by("alice", "GetRole", json!({"RoleName": SLR})));
    // Once the deny is deleted, the allow applies.
    t.ok(&line(
        "DeleteUserPolicy",
        json!({"UserName": "alice", "PolicyName": "no-slr-edits"}),
    ));
    t.ok(&denied);
    assert_eq!(get_role(&mut t, SLR)["Description"], "d");
}

#[test]
fn an_inline_deny_beats_an_attached_administrator_policy() {
    let mut t = TestSim::new();
    user_with_managed(&mut t, "alice", ADMIN);
    put_user_policy(
        &mut t,
        "alice",
        "deny",
        &policy(
            "Deny",
            "Action",
            json!(["iam:CreateRole", "iam:GetRole"]),
            json!("*"),
        ),
    );
    let e = t.err(&by(
        "alice",
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:CreateRole", &role_arn("/", "app"), true),
    );
    assert!(t.sim.state().account(ACCOUNT).roles.is_empty());
    // The administrator policy still allows everything not denied.
    create_slr(&mut t);
    t.ok(&by(
        "alice",
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "ok"}),
    ));
}

#[test]
fn not_action_allows_and_denies_everything_but_the_named_actions() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "app", "/");
    user_with_policy(
        &mut t,
        "alice",
        &policy(
            "Allow",
            "NotAction",
            json!(["iam:Delete*", "iam:Update*"]),
            json!("*"),
        ),
    );
    t.ok(&by("alice", "GetRole", json!({"RoleName": "app"})));
    t.ok(&by("alice", "ListRoles", json!({})));
    t.ok(&by(
        "alice",
        "TagRole",
        json!({"RoleName": "app", "Tags": [{"Key": "k", "Value": "v"}]}),
    ));
    let e = t.err(&by("alice", "DeleteRole", json!({"RoleName": "app"})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:DeleteRole", &role_arn("/", "app"), false),
    );
    let e = t.err(&by(
        "alice",
        "UpdateRole",
        json!({"RoleName": "app", "Description": "d"}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:UpdateRole", &role_arn("/", "app"), false),
    );

    // A Deny with NotAction denies everything except the named actions.
    user_with_managed(&mut t, "bob", ADMIN);
    put_user_policy(
        &mut t,
        "bob",
        "only-reads",
        &policy("Deny", "NotAction", json!("iam:Get*"), json!("*")),
    );
    t.ok(&by("bob", "GetRole", json!({"RoleName": SLR})));
    let e = t.err(&by("bob", "ListRoles", json!({})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg(
            "bob",
            "iam:ListRoles",
            "arn:aws:iam::111122223333:role/",
            true,
        ),
    );
}

#[test]
fn resource_wildcards_star_and_question_mark() {
    let mut t = TestSim::new();
    for name in ["app-1", "app-2", "app-12"] {
        create_role(&mut t, name, "/");
    }
    create_role(&mut t, "svc", "/team/");
    create_slr(&mut t);
    user_with_policy(
        &mut t,
        "alice",
        &policy(
            "Allow",
            "Action",
            json!("iam:GetRole"),
            json!([
                "arn:aws:iam::111122223333:role/app-?",
                "arn:aws:iam::*:role/team/*"
            ]),
        ),
    );
    t.ok(&by("alice", "GetRole", json!({"RoleName": "app-1"})));
    t.ok(&by("alice", "GetRole", json!({"RoleName": "app-2"})));
    t.ok(&by("alice", "GetRole", json!({"RoleName": "svc"})));
    // '?' is exactly one character.
    let e = t.err(&by("alice", "GetRole", json!({"RoleName": "app-12"})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:GetRole", &role_arn("/", "app-12"), false),
    );
    // The team/* pattern does not reach the service role path.
    let e = t.err(&by("alice", "GetRole", json!({"RoleName": SLR})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:GetRole", SLR_ARN, false),
    );
    // The resource names a role, and the action is still checked.
    let e = t.err(&by(
        "alice",
        "TagRole",
        json!({"RoleName": "app-1", "Tags": [{"Key": "k", "Value": "v"}]}),
    ));
    assert_eq!(e.code, ErrorCode::AccessDenied);
    // An account pattern that is not ours matches nothing.
    user_with_policy(
        &mut t,
        "bob",
        &policy(
            "Allow",
            "Action",
            json!("iam:GetRole"),
            json!("arn:aws:iam::444455556666:role/*"),
        ),
    );
    let e = t.err(&by("bob", "GetRole", json!({"RoleName": "app-1"})));
    assert_eq!(e.code, ErrorCode::AccessDenied);
}

#[test]
fn the_reference_create_policy_allows_creating_the_role() {
    let mut t = TestSim::new();
    user_with_policy(&mut t, "creator", CREATE_POLICY);
    let role = t.ok(&by(
        "creator",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ))["Role"]
        .clone();
    assert_eq!(role["Arn"], SLR_ARN);
    // The condition is on the service name: another service is denied (on that service's path).
    let e = t.err(&by(
        "creator",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "ec2.amazonaws.com"}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg(
            "creator",
            "iam:CreateServiceLinkedRole",
            "arn:aws:iam::111122223333:role/aws-service-role/ec2.amazonaws.com/",
            false,
        ),
    );
    // The create policy allows nothing else.
    let e = t.err(&by("creator", "GetRole", json!({"RoleName": SLR})));
    assert_eq!(e.code, ErrorCode::AccessDenied);
}

#[test]
fn a_condition_on_another_service_name_denies() {
    let mut t = TestSim::new();
    let doc = CREATE_POLICY.replace("StringLike", "StringEquals").replace(
        "\"iam:AWSServiceName\":\"mediatailor.amazonaws.com\"",
        "\"iam:AWSServiceName\":\"ec2.amazonaws.com\"",
    );
    assert!(
        doc.contains("\"StringEquals\":{\"iam:AWSServiceName\":\"ec2.amazonaws.com\"}"),
        "{doc}"
    );
    user_with_policy(&mut t, "alice", &doc);
    refused_without_change(
        &mut t,
        &by(
            "alice",
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
        ),
        ErrorCode::AccessDenied,
        403,
        &denied_msg("alice", "iam:CreateServiceLinkedRole", SLR_ARN, false),
    );
    // A StringLike with a wildcard on the right service allows it.
    let wildcard = CREATE_POLICY.replace(
        "\"iam:AWSServiceName\":\"mediatailor.amazonaws.com\"",
        "\"iam:AWSServiceName\":\"mediatailor.*\"",
    );
    user_with_policy(&mut t, "bob", &wildcard);
    t.ok(&by(
        "bob",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
}

#[test]
fn the_reference_edit_and_delete_policies_work() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "app", "/");
    user_with_policy(
        &mut t,
        "editor",
        &policy(
            "Allow",
            "Action",
            json!(["iam:UpdateRoleDescription", "iam:UpdateRole"]),
            json!("arn:aws:iam::*:role/aws-service-role/*"),
        ),
    );
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
    assert_eq!(get_role(&mut t, SLR)["Description"], "two");
    let e = t.err(&by(
        "editor",
        "UpdateRoleDescription",
        json!({"RoleName": "app", "Description": "x"}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg(
            "editor",
            "iam:UpdateRoleDescription",
            &role_arn("/", "app"),
            false,
        ),
    );
    // The editor may not delete.
    let e = t.err(&by(
        "editor",
        "DeleteServiceLinkedRole",
        json!({"RoleName": SLR}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("editor", "iam:DeleteServiceLinkedRole", SLR_ARN, false),
    );

    user_with_policy(
        &mut t,
        "deleter",
        &policy(
            "Allow",
            "Action",
            json!([
                "iam:DeleteServiceLinkedRole",
                "iam:GetServiceLinkedRoleDeletionStatus"
            ]),
            json!(SLR_ARN),
        ),
    );
    let id = t.ok(&by(
        "deleter",
        "DeleteServiceLinkedRole",
        json!({"RoleName": SLR}),
    ))["DeletionTaskId"]
        .clone();
    assert!(
        id.as_str()
            .is_some_and(|s| s.starts_with("task/aws-service-role/")),
        "{id}"
    );
    let status = t.ok(&by(
        "deleter",
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": id}),
    ));
    assert_eq!(status["Status"], "NOT_STARTED");
    // The deleter's policy names only the service-linked role.
    let e = t.err(&by(
        "deleter",
        "DeleteServiceLinkedRole",
        json!({"RoleName": "app"}),
    ));
    assert_eq!(e.code, ErrorCode::AccessDenied);
    // A second delete while the task is unfinished returns the same task.
    let again = t.ok(&by(
        "deleter",
        "DeleteServiceLinkedRole",
        json!({"RoleName": SLR}),
    ))["DeletionTaskId"]
        .clone();
    assert_eq!(again, id);
}

#[test]
fn managed_policies_grant_what_they_say() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    user_with_managed(&mut t, "reader", READ_ONLY);
    t.ok(&by("reader", "GetRole", json!({"RoleName": SLR})));
    t.ok(&by("reader", "ListRoles", json!({})));
    t.ok(&by(
        "reader",
        "ListAttachedRolePolicies",
        json!({"RoleName": SLR}),
    ));
    let e = t.err(&by(
        "reader",
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "d"}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("reader", "iam:UpdateRoleDescription", SLR_ARN, false),
    );
    let e = t.err(&by(
        "reader",
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    assert_eq!(e.code, ErrorCode::AccessDenied);

    user_with_managed(&mut t, "admin", ADMIN);
    t.ok(&by(
        "admin",
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    t.ok(&by(
        "admin",
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "d"}),
    ));
    t.ok(&by("admin", "CreateUser", json!({"UserName": "carol"})));
    t.ok(&by(
        "admin",
        "AttachUserPolicy",
        json!({"UserName": "carol", "PolicyArn": READ_ONLY}),
    ));
    t.ok(&by(
        "admin",
        "DeleteServiceLinkedRole",
        json!({"RoleName": SLR}),
    ));
    // The reader's rights came only from the attached policy: detaching it takes them away.
    t.ok(&line(
        "DetachUserPolicy",
        json!({"UserName": "reader", "PolicyArn": READ_ONLY}),
    ));
    let e = t.err(&by("reader", "GetRole", json!({"RoleName": SLR})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("reader", "iam:GetRole", SLR_ARN, false),
    );
}

#[test]
fn an_unknown_caller_is_invalid_client_token_id() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    let msg = "The security token included in the request is invalid.";
    refused_without_change(
        &mut t,
        &by("mallory", "GetRole", json!({"RoleName": SLR})),
        ErrorCode::InvalidClientTokenId,
        403,
        msg,
    );
    // A user of one account is unknown in another.
    user_with_managed(&mut t, "alice", ADMIN);
    let other = json!({"op": "GetRole", "caller": "alice", "account": "444455556666", "params": {"RoleName": SLR}}).to_string();
    refused_without_change(&mut t, &other, ErrorCode::InvalidClientTokenId, 403, msg);
    t.ok(&by("alice", "GetRole", json!({"RoleName": SLR})));
}

#[test]
fn a_refused_call_changes_nothing_but_is_recorded() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_user(&mut t, "alice");
    let l = by(
        "alice",
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "hacked"}),
    );
    let hash = t.sim.state().hash();
    let state = t.sim.state().clone();
    let seq = t.sim.next_seq();
    let rec = t.record(&l);
    assert_eq!(rec.seq, seq);
    assert_eq!(t.sim.next_seq(), seq + 1);
    assert_eq!(rec.action, action(&l));
    assert_eq!(
        rec.outcome,
        Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(
                ErrorCode::AccessDenied,
                denied_msg("alice", "iam:UpdateRoleDescription", SLR_ARN, false)
            )
        }
    );
    assert!(rec.outcome.events().is_empty());
    assert_eq!(t.sim.state().hash(), hash);
    assert_eq!(t.sim.state(), &state);
    assert!(
        matches!(t.sim.store().get(seq), Ok(Some(_))),
        "the refusal is in the log"
    );
    // A protected-role refusal by root is recorded the same way.
    let rec = t.record(&line("DeleteRole", json!({"RoleName": SLR})));
    assert_eq!(rec.seq, seq + 1);
    assert_eq!(
        rec.outcome,
        Outcome::Error {
            events: Vec::new(),
            error: ApiError::new(ErrorCode::UnmodifiableEntity, PROTECTED)
        }
    );
    assert_eq!(t.sim.state().hash(), hash);
    // An accepted call does change the state, so the comparison above means something.
    t.ok(&line(
        "UpdateRoleDescription",
        json!({"RoleName": SLR, "Description": "fine"}),
    ));
    assert_ne!(t.sim.state().hash(), hash);
}

// ---------------------------------------------------------------------------------------------------
// Policy documents
// ---------------------------------------------------------------------------------------------------

#[test]
fn malformed_policy_documents_are_refused() {
    let mut t = TestSim::new();
    create_user(&mut t, "alice");
    create_role(&mut t, "app", "/");
    let msg = "Syntax errors in policy.";
    for bad in ["not json", r#"{"Version":"2012-10-17","Statement":["#, "[]"] {
        for l in [
            line(
                "PutUserPolicy",
                json!({"UserName": "alice", "PolicyName": "p", "PolicyDocument": bad}),
            ),
            line(
                "PutRolePolicy",
                json!({"RoleName": "app", "PolicyName": "p", "PolicyDocument": bad}),
            ),
            line(
                "UpdateAssumeRolePolicy",
                json!({"RoleName": "app", "PolicyDocument": bad}),
            ),
            line(
                "CreateRole",
                json!({"RoleName": "new", "AssumeRolePolicyDocument": bad}),
            ),
        ] {
            refused_without_change(&mut t, &l, ErrorCode::MalformedPolicyDocument, 400, msg);
        }
    }
    // An empty document is a ValidationError on its length, not a syntax error.
    let e = t.err(&line(
        "PutUserPolicy",
        json!({"UserName": "alice", "PolicyName": "p", "PolicyDocument": ""}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "",
            "policyDocument",
            "Member must have length greater than or equal to 1",
        ),
    );
}

#[test]
fn aggregate_inline_user_policy_size_is_limited_to_2048() {
    let mut t = TestSim::new();
    create_user(&mut t, "alice");
    // White space does not count: this document is 2048 characters plus 600 of white space.
    let full = policy_of_size(2048, 600);
    assert!(full.chars().count() > 2048);
    put_user_policy(&mut t, "alice", "full", &full);
    t.ok(&line(
        "DeleteUserPolicy",
        json!({"UserName": "alice", "PolicyName": "full"}),
    ));

    put_user_policy(&mut t, "alice", "one", &policy_of_size(1000, 0));
    put_user_policy(&mut t, "alice", "two", &policy_of_size(1048, 40));
    let msg = "Maximum policy size of 2048 bytes exceeded for user alice";
    // A third policy, however small, goes over.
    let smallest = policy_of_size(200, 0);
    refused_without_change(
        &mut t,
        &line(
            "PutUserPolicy",
            json!({"UserName": "alice", "PolicyName": "three", "PolicyDocument": smallest}),
        ),
        ErrorCode::LimitExceeded,
        409,
        msg,
    );
    // Replacing a policy counts only its new text: 1000 + 1049 is over, 1000 + 1048 is not.
    refused_without_change(
        &mut t,
        &line(
            "PutUserPolicy",
            json!({"UserName": "alice", "PolicyName": "two", "PolicyDocument": policy_of_size(1049, 0)}),
        ),
        ErrorCode::LimitExceeded,
        409,
        msg,
    );
    put_user_policy(&mut t, "alice", "two", &policy_of_size(1048, 0));
    // A single policy over the limit is refused on its own.
    create_user(&mut t, "bob");
    refused_without_change(
        &mut t,
        &line(
            "PutUserPolicy",
            json!({"UserName": "bob", "PolicyName": "big", "PolicyDocument": policy_of_size(2049, 0)}),
        ),
        ErrorCode::LimitExceeded,
        409,
        "Maximum policy size of 2048 bytes exceeded for user bob",
    );
    assert!(
        t.sim.state().account(ACCOUNT).users["bob"]
            .inline_policies
            .is_empty()
    );
}

#[test]
fn role_inline_policy_size_is_limited_to_10240() {
    let mut t = TestSim::new();
    create_role(&mut t, "app", "/");
    let put = |name: &str, size: usize| {
        line(
            "PutRolePolicy",
            json!({"RoleName": "app", "PolicyName": name, "PolicyDocument": policy_of_size(size, 100)}),
        )
    };
    t.ok(&put("one", 5000));
    t.ok(&put("two", 5240));
    refused_without_change(
        &mut t,
        &put("three", 200),
        ErrorCode::LimitExceeded,
        409,
        "Maximum policy size of 10240 bytes exceeded for role app",
    );
}

#[test]
fn tags_on_a_role_are_limited_to_50() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    let tags = |from: usize, n: usize| -> Value {
        (from..from + n)
            .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
            .collect()
    };
    let e = t.err(&line(
        "TagRole",
        json!({"RoleName": SLR, "Tags": tags(0, 51)}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    t.ok(&line(
        "TagRole",
        json!({"RoleName": SLR, "Tags": tags(0, 50)}),
    ));
    // Overwriting an existing key is not a new tag.
    t.ok(&line(
        "TagRole",
        json!({"RoleName": SLR, "Tags": [{"Key": "k0", "Value": "new"}]}),
    ));
    refused_without_change(
        &mut t,
        &line("TagRole", json!({"RoleName": SLR, "Tags": tags(50, 1)})),
        ErrorCode::LimitExceeded,
        409,
        "The number of tags has reached the maximum limit of 50.",
    );
    let role = get_role(&mut t, SLR);
    assert_eq!(role["Tags"].as_array().map(Vec::len), Some(50));
    assert!(
        role["Tags"]
            .as_array()
            .is_some_and(|a| a.contains(&json!({"Key": "k0", "Value": "new"})))
    );
}

#[test]
fn an_ordinary_role_with_the_service_role_name_blocks_the_service_linked_role() {
    let mut t = TestSim::new();
    // At the ordinary path the name is free, and then the service-linked role's name is taken.
    create_role(&mut t, SLR, "/");
    refused_without_change(
        &mut t,
        &line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
        ),
        ErrorCode::InvalidInput,
        400,
        TAKEN,
    );
    // That role is ordinary: it is not protected.
    t.ok(&line(
        "AttachRolePolicy",
        json!({"RoleName": SLR, "PolicyArn": READ_ONLY}),
    ));
    let e = t.err(&line("DeleteServiceLinkedRole", json!({"RoleName": SLR})));
    assert_error(
        &e,
        ErrorCode::InvalidInput,
        400,
        "Role AWSServiceRoleForMediaTailor is not a service-linked role.",
    );
}

#[test]
fn each_lifetime_of_the_role_has_a_new_role_id() {
    let mut t = TestSim::new();
    let first = create_slr(&mut t);
    t.ok(&line("DeleteServiceLinkedRole", json!({"RoleName": SLR})));
    t.ok(&line("AdvanceClock", json!({"Seconds": 3600})));
    let e = t.err(&line("GetRole", json!({"RoleName": SLR})));
    assert_error(
        &e,
        ErrorCode::NoSuchEntity,
        404,
        "The role with name AWSServiceRoleForMediaTailor cannot be found.",
    );
    let second = create_slr(&mut t);
    assert_eq!(second["Arn"], SLR_ARN);
    assert_ne!(second["RoleId"], first["RoleId"]);
    // The new role is protected like the first.
    let e = t.err(&line("DeleteRole", json!({"RoleName": SLR})));
    assert_error(&e, ErrorCode::UnmodifiableEntity, 400, PROTECTED);
}

// ---------------------------------------------------------------------------------------------------
// Bugs found (ignored until fixed)
// ---------------------------------------------------------------------------------------------------

#[test]

fn a_policy_with_a_non_arn_resource_is_malformed_and_cannot_cancel_other_allows() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    user_with_policy(
        &mut t,
        "bob",
        &policy("Allow", "Action", json!("iam:GetRole"), json!("*")),
    );
    t.ok(&by("bob", "GetRole", json!({"RoleName": SLR})));
    // AWS refuses this document ("Resource not-an-arn must be in ARN format or \"*\".").
    let bad = policy("Allow", "Action", json!("iam:*"), json!("not-an-arn"));
    let e = t.call(&line(
        "PutUserPolicy",
        json!({"UserName": "bob", "PolicyName": "bad", "PolicyDocument": bad}),
    ));
    let refused =
        matches!(&e, Err(e) if e.code == ErrorCode::MalformedPolicyDocument && e.status == 400);
    // Whatever happened to the bad document, bob's valid Allow still allows.
    let after = t.call(&by("bob", "GetRole", json!({"RoleName": SLR})));
    assert!(after.is_ok(), "bob lost GetRole: {after:?}");
    assert!(refused, "PutUserPolicy accepted a non-ARN resource: {e:?}");
}

#[test]

fn an_explicit_deny_is_reported_as_explicit_even_next_to_a_bad_resource() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    user_with_policy(
        &mut t,
        "eve",
        &policy("Allow", "Action", json!("iam:*"), json!("*")),
    );
    // AWS would refuse this document. If slrsim stores it, its Deny on "*" must still be explicit.
    let deny = policy(
        "Deny",
        "Action",
        json!("iam:GetRole"),
        json!(["not-an-arn", "*"]),
    );
    let put = t.call(&line(
        "PutUserPolicy",
        json!({"UserName": "eve", "PolicyName": "deny", "PolicyDocument": deny}),
    ));
    let got = t.call(&by("eve", "GetRole", json!({"RoleName": SLR})));
    if put.is_err() {
        assert!(got.is_ok(), "the refused deny still denied: {got:?}");
    } else {
        let want = ApiError::new(
            ErrorCode::AccessDenied,
            denied_msg("eve", "iam:GetRole", SLR_ARN, true),
        );
        assert_eq!(got, Err(want));
    }
}

#[test]

fn role_and_user_names_are_unique_regardless_of_case() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "app", "/");
    create_user(&mut t, "alice");
    for l in [
        line(
            "CreateRole",
            json!({"RoleName": "awsserviceroleformediatailor", "AssumeRolePolicyDocument": EC2_TRUST}),
        ),
        line(
            "CreateRole",
            json!({"RoleName": "APP", "AssumeRolePolicyDocument": EC2_TRUST}),
        ),
        line("CreateUser", json!({"UserName": "Alice"})),
    ] {
        let before = t.sim.state().hash();
        let r = t.call(&l);
        assert!(
            matches!(&r, Err(e) if e.code == ErrorCode::EntityAlreadyExists && e.status == 409),
            "{l} gave {r:?}"
        );
        assert_eq!(t.sim.state().hash(), before);
    }
}

#[test]

fn policy_documents_aws_refuses_are_malformed() {
    let mut t = TestSim::new();
    create_user(&mut t, "alice");
    for doc in [
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetRole","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*","Bogus":1}]}"#,
    ] {
        let r = t.call(&line(
            "PutUserPolicy",
            json!({"UserName": "alice", "PolicyName": "p", "PolicyDocument": doc}),
        ));
        assert!(
            matches!(&r, Err(e) if e.code == ErrorCode::MalformedPolicyDocument && e.status == 400),
            "{doc} gave {r:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Access keys (the identities `slrsim serve` verifies signatures against)
// ---------------------------------------------------------------------------------------------------

#[test]
fn create_access_key_makes_a_deterministic_active_key_and_keeps_aws_s_quota() {
    let mut t = TestSim::new();
    t.ok(&line("CreateUser", json!({"UserName": "alice"})));
    let r = t.ok(&line("CreateAccessKey", json!({"UserName": "alice"})));
    let key = &r["AccessKey"];
    let id = key["AccessKeyId"].as_str().expect("id");
    let secret = key["SecretAccessKey"].as_str().expect("secret");
    assert_eq!(
        (key["UserName"].as_str(), key["Status"].as_str()),
        (Some("alice"), Some("Active"))
    );
    assert!(id.starts_with("AKIA") && id.len() == 20, "{id}");
    assert!(
        id.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(secret.len(), 40, "{secret}");
    // The state knows whose key it is, and its secret is the one the response gave.
    assert_eq!(
        t.sim.state().access_key(id),
        Some((ACCOUNT.to_string(), "alice".to_string(), secret.to_string()))
    );
    // The same log gives the same key.
    let mut again = TestSim::new();
    again.ok(&line("CreateUser", json!({"UserName": "alice"})));
    assert_eq!(
        again.ok(&line("CreateAccessKey", json!({"UserName": "alice"}))),
        r
    );
    // Two keys per user, then LimitExceeded, and nothing changes.
    let second = t.ok(&line("CreateAccessKey", json!({"UserName": "alice"})));
    assert_ne!(second["AccessKey"]["AccessKeyId"], key["AccessKeyId"]);
    let before = t.sim.state().hash();
    let e = t.err(&line("CreateAccessKey", json!({"UserName": "alice"})));
    assert_error(
        &e,
        ErrorCode::LimitExceeded,
        409,
        "Cannot exceed quota for AccessKeysPerUser: 2",
    );
    assert_eq!(t.sim.state().hash(), before);
    // A replay rebuilds the keys.
    let replayed = slrsim::log::replay::replay(t.sim.store(), None).expect("replay");
    assert_eq!(replayed.state.access_key(id), t.sim.state().access_key(id));
}

#[test]
fn create_access_key_names_its_user_or_the_caller_and_is_authorised() {
    let mut t = TestSim::new();
    let e = t.err(&line("CreateAccessKey", json!({"UserName": "ghost"})));
    assert_error(
        &e,
        ErrorCode::NoSuchEntity,
        404,
        "The user with name ghost cannot be found.",
    );
    // Root has one key, derived from the seed; it must name a user.
    let e = t.err(&line("CreateAccessKey", json!({})));
    assert_eq!((e.code, e.status), (ErrorCode::InvalidInput, 400));
    let (root_id, root_secret) = slrsim::core::ids::root_access_key(t.sim.state().seed, ACCOUNT);
    assert_eq!(
        t.sim.state().access_key(&root_id),
        Some((ACCOUNT.to_string(), "root".to_string(), root_secret))
    );
    assert_eq!(t.sim.state().access_key("AKIANOSUCHKEY0000000"), None);
    // A user without permission is refused; with iam:CreateAccessKey on itself, it makes its own.
    t.ok(&line("CreateUser", json!({"UserName": "bob"})));
    let e = t.err(&by("bob", "CreateAccessKey", json!({})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg(
            "bob",
            "iam:CreateAccessKey",
            &format!("arn:aws:iam::{ACCOUNT}:user/bob"),
            false,
        ),
    );
    t.ok(&line(
        "PutUserPolicy",
        json!({"UserName": "bob", "PolicyName": "own-keys", "PolicyDocument": json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": format!("arn:aws:iam::{ACCOUNT}:user/bob")}]
        }).to_string()}),
    ));
    let r = t.ok(&by("bob", "CreateAccessKey", json!({})));
    assert_eq!(r["AccessKey"]["UserName"], "bob");
    // ... but not for another user.
    t.ok(&line("CreateUser", json!({"UserName": "carol"})));
    let e = t.err(&by("bob", "CreateAccessKey", json!({"UserName": "carol"})));
    assert_eq!(e.code, ErrorCode::AccessDenied);
}

// ---------------------------------------------------------------------------------------------------
// Members of newer IAM models: sign-in session durations, boundaries and tags at creation,
// ListAttachedRolePolicies' path prefix and paging
// ---------------------------------------------------------------------------------------------------

fn create_role_with(t: &mut TestSim, name: &str, extra: Value) -> Result<Value, ApiError> {
    let mut params = json!({"RoleName": name, "AssumeRolePolicyDocument": EC2_TRUST});
    if let (Some(p), Value::Object(e)) = (params.as_object_mut(), extra) {
        p.extend(e);
    }
    t.call(&line("CreateRole", params))
}

fn listed_role(t: &mut TestSim, name: &str) -> Value {
    let list = t.ok(&line("ListRoles", json!({})));
    list["Roles"]
        .as_array()
        .and_then(|roles| roles.iter().find(|r| r["RoleName"] == name))
        .cloned()
        .unwrap_or_else(|| panic!("{name} not listed: {list}"))
}

fn signin_msg(value: i64, bound: &str) -> String {
    validation_msg(
        &value.to_string(),
        "maxSigninSessionDuration",
        &format!("Member must have value {bound}"),
    )
}

#[test]
fn create_role_keeps_a_max_signin_session_duration_and_returns_it_only_when_set() {
    let mut t = TestSim::new();
    let r = create_role_with(&mut t, "app", json!({"MaxSigninSessionDuration": 7200})).unwrap();
    assert_eq!(r["Role"]["MaxSigninSessionDuration"], 7200, "{r}");
    assert_eq!(get_role(&mut t, "app")["MaxSigninSessionDuration"], 7200);
    assert_eq!(listed_role(&mut t, "app")["MaxSigninSessionDuration"], 7200);
    // Unset: the member is left out everywhere (AWS's model: "no default value is returned").
    let r = create_role_with(&mut t, "plain", json!({})).unwrap();
    assert!(r["Role"].get("MaxSigninSessionDuration").is_none(), "{r}");
    assert!(
        get_role(&mut t, "plain")
            .get("MaxSigninSessionDuration")
            .is_none()
    );
    assert!(
        listed_role(&mut t, "plain")
            .get("MaxSigninSessionDuration")
            .is_none()
    );
    // The model's range, one hour to 90 days, inclusive.
    for ok in [3600, 7_776_000] {
        create_role_with(
            &mut t,
            &format!("r{ok}"),
            json!({"MaxSigninSessionDuration": ok}),
        )
        .unwrap();
    }
    for (bad, bound) in [
        (3599, "greater than or equal to 3600"),
        (7_776_001, "less than or equal to 7776000"),
    ] {
        let before = t.sim.state().hash();
        let e =
            create_role_with(&mut t, "bad", json!({"MaxSigninSessionDuration": bad})).unwrap_err();
        assert_error(&e, ErrorCode::ValidationError, 400, &signin_msg(bad, bound));
        assert_eq!(t.sim.state().hash(), before);
    }
}

#[test]
fn update_role_sets_and_clears_the_max_signin_session_duration() {
    let mut t = TestSim::new();
    create_role(&mut t, "app", "/");
    t.ok(&line(
        "UpdateRole",
        json!({"RoleName": "app", "MaxSigninSessionDuration": 86400}),
    ));
    let role = get_role(&mut t, "app");
    assert_eq!(role["MaxSigninSessionDuration"], 86400);
    // It is independent of MaxSessionDuration.
    assert_eq!(role["MaxSessionDuration"], 3600);
    // Not both at once: the request is refused and nothing changes.
    refused_without_change(
        &mut t,
        &line(
            "UpdateRole",
            json!({"RoleName": "app", "MaxSigninSessionDuration": 3600, "ResetMaxSigninSessionDuration": true}),
        ),
        ErrorCode::InvalidInput,
        400,
        "You cannot specify MaxSigninSessionDuration and set ResetMaxSigninSessionDuration to true in the same request.",
    );
    // `false` does not reset: with a value it is a plain update.
    t.ok(&line(
        "UpdateRole",
        json!({"RoleName": "app", "MaxSigninSessionDuration": 43200, "ResetMaxSigninSessionDuration": false}),
    ));
    assert_eq!(get_role(&mut t, "app")["MaxSigninSessionDuration"], 43200);
    let rec = t.record(&line(
        "UpdateRole",
        json!({"RoleName": "app", "ResetMaxSigninSessionDuration": false}),
    ));
    assert!(rec.outcome.events().is_empty(), "{:?}", rec.outcome);
    // Reset: the member is gone from GetRole and ListRoles.
    t.ok(&line(
        "UpdateRole",
        json!({"RoleName": "app", "ResetMaxSigninSessionDuration": true}),
    ));
    assert!(
        get_role(&mut t, "app")
            .get("MaxSigninSessionDuration")
            .is_none()
    );
    assert!(
        listed_role(&mut t, "app")
            .get("MaxSigninSessionDuration")
            .is_none()
    );
    // Clearing a setting that is already unset has no effect: accepted, no event.
    let rec = t.record(&line(
        "UpdateRole",
        json!({"RoleName": "app", "ResetMaxSigninSessionDuration": true}),
    ));
    match &rec.outcome {
        Outcome::Ok { events, response } => {
            assert!(events.is_empty(), "{events:?}");
            assert_eq!(response, &json!({}));
        }
        other => panic!("expected success: {other:?}"),
    }
    // Out of range is a ValidationError naming the field, before the role is looked up.
    let e = t.err(&line(
        "UpdateRole",
        json!({"RoleName": "missing", "MaxSigninSessionDuration": 7_776_001}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &signin_msg(7_776_001, "less than or equal to 7776000"),
    );
}

#[test]
fn a_service_linked_role_s_max_signin_session_duration_can_be_neither_set_nor_reset() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    for params in [
        json!({"RoleName": SLR, "MaxSigninSessionDuration": 7200}),
        json!({"RoleName": SLR, "ResetMaxSigninSessionDuration": true}),
        json!({"RoleName": SLR, "Description": "new", "ResetMaxSigninSessionDuration": true}),
    ] {
        refused_without_change(
            &mut t,
            &line("UpdateRole", params),
            ErrorCode::UnmodifiableEntity,
            400,
            PROTECTED,
        );
    }
    // Another service's role is protected the same way.
    t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "ecs.amazonaws.com"}),
    ));
    let e = t.err(&line(
        "UpdateRole",
        json!({"RoleName": "AWSServiceRoleForECS", "MaxSigninSessionDuration": 7200}),
    ));
    assert_eq!(e.code, ErrorCode::UnmodifiableEntity);
    // `false` changes nothing, so the description alone is taken.
    t.ok(&line(
        "UpdateRole",
        json!({"RoleName": SLR, "Description": "mine", "ResetMaxSigninSessionDuration": false}),
    ));
    let role = get_role(&mut t, SLR);
    assert_eq!(role["Description"], "mine");
    assert!(role.get("MaxSigninSessionDuration").is_none(), "{role}");
}

#[test]
fn create_role_sets_the_permissions_boundary_it_is_given() {
    let mut t = TestSim::new();
    let r = create_role_with(&mut t, "app", json!({"PermissionsBoundary": READ_ONLY})).unwrap();
    // CreateRole answers the Role as ListRoles shows it; GetRole shows the boundary.
    assert!(r["Role"].get("PermissionsBoundary").is_none(), "{r}");
    assert_eq!(
        get_role(&mut t, "app")["PermissionsBoundary"],
        json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": READ_ONLY})
    );
    let policy = t.ok(&line("GetPolicy", json!({"PolicyArn": READ_ONLY})));
    assert_eq!(policy["Policy"]["PermissionsBoundaryUsageCount"], 1);
    assert_eq!(policy["Policy"]["AttachmentCount"], 0);
    let entities = t.ok(&line(
        "ListEntitiesForPolicy",
        json!({"PolicyArn": READ_ONLY, "PolicyUsageFilter": "PermissionsBoundary"}),
    ));
    assert_eq!(entities["PolicyRoles"][0]["RoleName"], "app");
    // Refused as PutRolePermissionsBoundary refuses, and then no role is created.
    let cases = [
        (
            "arn:aws:iam::aws:policy/NoSuchPolicy",
            ErrorCode::NoSuchEntity,
            404,
            "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable."
                .to_string(),
        ),
        (
            SLR_POLICY_ARN,
            ErrorCode::PolicyNotAttachable,
            400,
            NOT_ATTACHABLE.to_string(),
        ),
        (
            "arn:aws:iam::aws:x",
            ErrorCode::ValidationError,
            400,
            validation_msg(
                "arn:aws:iam::aws:x",
                "permissionsBoundary",
                "Member must have length greater than or equal to 20",
            ),
        ),
    ];
    for (arn, code, status, message) in cases {
        let before = t.sim.state().hash();
        let e = create_role_with(&mut t, "other", json!({"PermissionsBoundary": arn})).unwrap_err();
        assert_error(&e, code, status, &message);
        assert_eq!(t.sim.state().hash(), before);
    }
    assert_eq!(
        t.err(&line("GetRole", json!({"RoleName": "other"}))).code,
        ErrorCode::NoSuchEntity
    );
}

fn attached_page(t: &mut TestSim, params: Value) -> Value {
    t.ok(&line("ListAttachedRolePolicies", params))
}

#[test]
fn list_attached_role_policies_filters_by_path_and_pages() {
    let mut t = TestSim::new();
    create_slr(&mut t);
    create_role(&mut t, "app", "/");
    for arn in [ADMIN, READ_ONLY] {
        t.ok(&line(
            "AttachRolePolicy",
            json!({"RoleName": "app", "PolicyArn": arn}),
        ));
    }
    // A page at a time, in order, with the marker of the next page.
    let first = attached_page(&mut t, json!({"RoleName": "app", "MaxItems": 1}));
    assert_eq!(
        first["AttachedPolicies"],
        json!([{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}])
    );
    assert_eq!(first["IsTruncated"], true);
    let marker = first["Marker"].as_str().expect("a marker").to_string();
    let second = attached_page(
        &mut t,
        json!({"RoleName": "app", "MaxItems": 1, "Marker": marker}),
    );
    assert_eq!(
        second["AttachedPolicies"],
        json!([{"PolicyName": "IAMReadOnlyAccess", "PolicyArn": READ_ONLY}])
    );
    assert_eq!(second["IsTruncated"], false);
    assert!(second.get("Marker").is_none(), "{second}");
    // Without paging parameters: everything, as before.
    assert_eq!(attached(&mut t, "app").as_array().map(Vec::len), Some(2));
    // PathPrefix filters by the policy's path.
    let slr = |t: &mut TestSim, prefix: &str| {
        attached_page(t, json!({"RoleName": SLR, "PathPrefix": prefix}))["AttachedPolicies"].clone()
    };
    assert_eq!(
        slr(&mut t, "/aws-service-role/")[0]["PolicyArn"],
        SLR_POLICY_ARN
    );
    assert_eq!(slr(&mut t, "/")[0]["PolicyArn"], SLR_POLICY_ARN);
    assert_eq!(slr(&mut t, "/service-role/"), json!([]));
    let app = attached_page(
        &mut t,
        json!({"RoleName": "app", "PathPrefix": "/aws-service-role/"}),
    );
    assert_eq!(app["AttachedPolicies"], json!([]));
    // The model's pattern, length and ranges, each a ValidationError naming its field.
    let pattern = r"Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/";
    for bad in ["aws-service-role/", "/a", "//", "/a b/"] {
        let e = t.err(&line(
            "ListAttachedRolePolicies",
            json!({"RoleName": "app", "PathPrefix": bad}),
        ));
        assert_error(
            &e,
            ErrorCode::ValidationError,
            400,
            &validation_msg(bad, "pathPrefix", pattern),
        );
    }
    let e = t.err(&line(
        "ListAttachedRolePolicies",
        json!({"RoleName": "app", "MaxItems": 0}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        &validation_msg(
            "0",
            "maxItems",
            "Member must have value greater than or equal to 1",
        ),
    );
    let e = t.err(&line(
        "ListAttachedRolePolicies",
        json!({"RoleName": "app", "Marker": ""}),
    ));
    assert_eq!(e.code, ErrorCode::ValidationError);
    assert!(e.message.contains("'marker'"), "{e}");
    // The parameters are checked before the role is looked up.
    let e = t.err(&line(
        "ListAttachedRolePolicies",
        json!({"RoleName": "missing", "PathPrefix": "x"}),
    ));
    assert_eq!(e.code, ErrorCode::ValidationError);
}

#[test]
fn create_user_keeps_its_permissions_boundary_and_tags_and_answers_them() {
    let mut t = TestSim::new();
    let r = t.ok(&line(
        "CreateUser",
        json!({"UserName": "dev", "PermissionsBoundary": READ_ONLY,
               "Tags": [{"Key": "team", "Value": "video"}, {"Key": "cost", "Value": ""}]}),
    ));
    assert_eq!(
        r["User"]["PermissionsBoundary"],
        json!({"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": READ_ONLY})
    );
    // Tags in key order, as IAM lists them.
    assert_eq!(
        r["User"]["Tags"],
        json!([{"Key": "cost", "Value": ""}, {"Key": "team", "Value": "video"}])
    );
    let user = t
        .sim
        .state()
        .account(ACCOUNT)
        .users
        .get("dev")
        .cloned()
        .expect("stored");
    assert_eq!(user.permissions_boundary.as_deref(), Some(READ_ONLY));
    assert_eq!(user.tags.get("team").map(String::as_str), Some("video"));
    // Without them, the answer is as it always was: no members for them.
    let r = t.ok(&line("CreateUser", json!({"UserName": "plain"})));
    let user = r["User"].as_object().expect("a user");
    assert!(
        !user.contains_key("PermissionsBoundary") && !user.contains_key("Tags"),
        "{r}"
    );
    // Refusals create no user.
    let too_many: Vec<Value> = (0..51)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    let cases = [
        (
            json!({"Tags": [{"Key": "", "Value": "x"}]}),
            ErrorCode::ValidationError,
            "tags.member.key",
        ),
        (
            json!({"Tags": too_many}),
            ErrorCode::ValidationError,
            "'tags'",
        ),
        (
            json!({"Tags": [{"Key": "a<b", "Value": "x"}]}),
            ErrorCode::ValidationError,
            "'tags.member'",
        ),
        (
            json!({"PermissionsBoundary": "short"}),
            ErrorCode::ValidationError,
            "permissionsBoundary",
        ),
        (
            json!({"PermissionsBoundary": "arn:aws:iam::aws:policy/NoSuchPolicy"}),
            ErrorCode::NoSuchEntity,
            "NoSuchPolicy",
        ),
        (
            json!({"PermissionsBoundary": SLR_POLICY_ARN}),
            ErrorCode::PolicyNotAttachable,
            "service role policies",
        ),
    ];
    for (extra, code, says) in cases {
        let mut params = json!({"UserName": "other"});
        if let (Some(p), Value::Object(e)) = (params.as_object_mut(), extra) {
            p.extend(e);
        }
        let before = t.sim.state().hash();
        let e = t.err(&line("CreateUser", params));
        assert_eq!(e.code, code, "{e}");
        assert!(e.message.contains(says), "{e}");
        assert_eq!(t.sim.state().hash(), before);
    }
}

#[test]
fn a_user_s_permissions_boundary_limits_what_its_policies_allow() {
    let mut t = TestSim::new();
    create_role(&mut t, "app", "/");
    t.ok(&line(
        "CreateUser",
        json!({"UserName": "dev", "PermissionsBoundary": READ_ONLY}),
    ));
    t.ok(&line(
        "AttachUserPolicy",
        json!({"UserName": "dev", "PolicyArn": ADMIN}),
    ));
    // Allowed by both the identity policy and the boundary.
    t.ok(&by("dev", "GetRole", json!({"RoleName": "app"})));
    // Allowed by AdministratorAccess, but outside the read-only boundary.
    let e = t.err(&by(
        "dev",
        "UpdateRole",
        json!({"RoleName": "app", "Description": "x"}),
    ));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &format!(
            "User: arn:aws:iam::{ACCOUNT}:user/dev is not authorized to perform: iam:UpdateRole on resource: {} because no permissions boundary allows the iam:UpdateRole action",
            role_arn("/", "app")
        ),
    );
    // A boundary grants nothing by itself.
    t.ok(&line(
        "CreateUser",
        json!({"UserName": "bare", "PermissionsBoundary": ADMIN}),
    ));
    let e = t.err(&by("bare", "GetRole", json!({"RoleName": "app"})));
    assert_error(
        &e,
        ErrorCode::AccessDenied,
        403,
        &denied_msg("bare", "iam:GetRole", &role_arn("/", "app"), false),
    );
}
