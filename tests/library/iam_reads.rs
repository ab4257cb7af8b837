use crate::support;
use support::*;

// The IAM calls infrastructure tools and SDK helpers make around a role and its managed policies:
// ListRoleTags, UntagRole, ListRolePolicies, GetRolePolicy, ListInstanceProfilesForRole, GetPolicy,
// GetPolicyVersion, ListPolicyVersions and ListEntitiesForPolicy. Shapes as AWS's IAM model gives them,
// paging, errors by code, HTTP status and exact message, the protected role, and authorisation.

use serde_json::{Value, json};
use slrsim::aws::wire::query_xml;
use slrsim::{ApiError, ErrorCode};

const ACCOUNT: &str = "111122223333";
const SLR_POLICY_ARN: &str =
    "arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy";
const SLR_POLICY_DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:*:*:log-group:MediaTailor/*:log-stream:*"},{"Effect":"Allow","Action":["logs:CreateLogStream","logs:CreateLogGroup","logs:DescribeLogGroups","logs:DescribeLogStreams"],"Resource":"arn:aws:logs:*:*:log-group:MediaTailor/*"}]}"#;
const EC2_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const READ_ONLY: &str = "arn:aws:iam::aws:policy/IAMReadOnlyAccess";
const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

fn line(op: &str, params: Value) -> String {
    json!({"op": op, "params": params}).to_string()
}

fn by(caller: &str, op: &str, params: Value) -> String {
    json!({"op": op, "caller": caller, "params": params}).to_string()
}

/// The text of the first `<name>` element of `xml`.
fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let rest = xml.get(start..)?;
    let end = rest.find(&format!("</{name}>"))?;
    rest.get(..end)
}

fn assert_error(e: &ApiError, code: ErrorCode, status: u16, message: &str) {
    assert_eq!(
        (e.code, e.status, e.message.as_str()),
        (code, status, message),
        "unexpected error {e}"
    );
}

/// The service-linked role, the role `app` with two inline policies and IAMReadOnlyAccess attached,
/// and the user `reader` with IAMReadOnlyAccess.
fn world() -> TestSim {
    let mut t = TestSim::new();
    t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    t.ok(&line(
        "CreateRole",
        json!({"RoleName": "app", "Path": "/apps/", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    for name in ["b-inline", "a-inline"] {
        t.ok(&line(
            "PutRolePolicy",
            json!({"RoleName": "app", "PolicyName": name, "PolicyDocument": INLINE}),
        ));
    }
    t.ok(&line(
        "AttachRolePolicy",
        json!({"RoleName": "app", "PolicyArn": READ_ONLY}),
    ));
    t.ok(&line("CreateUser", json!({"UserName": "reader"})));
    t.ok(&line(
        "AttachUserPolicy",
        json!({"UserName": "reader", "PolicyArn": READ_ONLY}),
    ));
    t
}

#[test]
fn role_tags_list_in_key_order_with_paging_and_untag_removes_them() {
    let mut t = world();
    let tags: Vec<Value> = ["c", "a", "b"]
        .iter()
        .map(|k| json!({"Key": k, "Value": format!("v{k}")}))
        .collect();
    t.ok(&line("TagRole", json!({"RoleName": SLR, "Tags": tags})));
    let all = t.ok(&line("ListRoleTags", json!({"RoleName": SLR})));
    assert_eq!(
        all,
        json!({"Tags": [{"Key": "a", "Value": "va"}, {"Key": "b", "Value": "vb"}, {"Key": "c", "Value": "vc"}], "IsTruncated": false})
    );
    let first = t.ok(&line(
        "ListRoleTags",
        json!({"RoleName": SLR, "MaxItems": 2}),
    ));
    assert_eq!(first["IsTruncated"], true);
    assert_eq!(first["Tags"].as_array().map(Vec::len), Some(2));
    let marker = first["Marker"].as_str().expect("a marker").to_string();
    let second = t.ok(&line(
        "ListRoleTags",
        json!({"RoleName": SLR, "MaxItems": 2, "Marker": marker}),
    ));
    assert_eq!(
        second,
        json!({"Tags": [{"Key": "c", "Value": "vc"}], "IsTruncated": false})
    );
    // The service-linked role's tags may be removed as they may be added; unknown keys are ignored.
    assert_eq!(
        t.ok(&line(
            "UntagRole",
            json!({"RoleName": SLR, "TagKeys": ["a", "c", "never"]}),
        )),
        json!({})
    );
    assert_eq!(
        t.ok(&line("ListRoleTags", json!({"RoleName": SLR}))),
        json!({"Tags": [{"Key": "b", "Value": "vb"}], "IsTruncated": false})
    );
    assert_eq!(
        t.ok(&line("GetRole", json!({"RoleName": SLR})))["Role"]["Tags"],
        json!([{"Key": "b", "Value": "vb"}])
    );
}

#[test]
fn role_reads_refuse_what_iam_refuses() {
    let mut t = world();
    for op in [
        "ListRoleTags",
        "ListRolePolicies",
        "ListInstanceProfilesForRole",
    ] {
        let e = t.err(&line(op, json!({"RoleName": "nobody"})));
        assert_error(
            &e,
            ErrorCode::NoSuchEntity,
            404,
            "The role with name nobody cannot be found.",
        );
        let e = t.err(&line(op, json!({"RoleName": SLR, "MaxItems": 0})));
        assert_eq!((e.code, e.status), (ErrorCode::ValidationError, 400), "{e}");
        assert!(e.message.contains("'maxItems'"), "{e}");
        let e = t.err(&line(op, json!({"RoleName": SLR, "MaxItems": 1001})));
        assert!(e.message.contains("'maxItems'"), "{e}");
        let e = t.err(&line(op, json!({"RoleName": SLR, "Marker": ""})));
        assert!(e.message.contains("'marker'"), "{e}");
        let e = t.err(&line(op, json!({"RoleName": SLR, "Marker": "\u{100}"})));
        assert_error(
            &e,
            ErrorCode::ValidationError,
            400,
            r"1 validation error detected: Value 'Ā' at 'marker' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0020-\u00FF]+",
        );
    }
    let e = t.err(&line(
        "UntagRole",
        json!({"RoleName": "nobody", "TagKeys": ["a"]}),
    ));
    assert_eq!(e.code, ErrorCode::NoSuchEntity);
    let keys: Vec<String> = (0..51).map(|i| format!("k{i}")).collect();
    let e = t.err(&line(
        "UntagRole",
        json!({"RoleName": SLR, "TagKeys": keys}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    let e = t.err(&line(
        "UntagRole",
        json!({"RoleName": SLR, "TagKeys": ["bad<key"]}),
    ));
    assert!(e.message.contains("'tagKeys.member'"), "{e}");
}

#[test]
fn inline_policies_list_by_name_and_get_returns_the_document_url_encoded_on_the_wire() {
    let mut t = world();
    assert_eq!(
        t.ok(&line("ListRolePolicies", json!({"RoleName": "app"}))),
        json!({"PolicyNames": ["a-inline", "b-inline"], "IsTruncated": false})
    );
    let page = t.ok(&line(
        "ListRolePolicies",
        json!({"RoleName": "app", "MaxItems": 1}),
    ));
    assert_eq!(
        page,
        json!({"PolicyNames": ["a-inline"], "IsTruncated": true, "Marker": "b-inline"})
    );
    // The service-linked role has no inline policy.
    assert_eq!(
        t.ok(&line("ListRolePolicies", json!({"RoleName": SLR}))),
        json!({"PolicyNames": [], "IsTruncated": false})
    );
    let got = t.ok(&line(
        "GetRolePolicy",
        json!({"RoleName": "app", "PolicyName": "a-inline"}),
    ));
    assert_eq!(
        got,
        json!({"RoleName": "app", "PolicyName": "a-inline", "PolicyDocument": INLINE})
    );
    let xml = query_xml::response("GetRolePolicy", &got, "r");
    let encoded = tag(&xml, "PolicyDocument").expect("a document");
    assert!(
        encoded.starts_with("%7B%22Version%22%3A%222012-10-17%22"),
        "{encoded}"
    );
    let decoded: String = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .expect("utf-8")
        .into_owned();
    assert_eq!(decoded, INLINE);
    let e = t.err(&line(
        "GetRolePolicy",
        json!({"RoleName": "app", "PolicyName": "none"}),
    ));
    assert_error(
        &e,
        ErrorCode::NoSuchEntity,
        404,
        "The role policy with name none cannot be found.",
    );
    let e = t.err(&line(
        "GetRolePolicy",
        json!({"RoleName": "app", "PolicyName": "bad name"}),
    ));
    assert!(e.message.contains("'policyName'"), "{e}");
}

#[test]
fn no_role_has_an_instance_profile() {
    let mut t = world();
    for role in [SLR, "app"] {
        let body = t.ok(&line(
            "ListInstanceProfilesForRole",
            json!({"RoleName": role, "MaxItems": 5}),
        ));
        assert_eq!(body, json!({"InstanceProfiles": [], "IsTruncated": false}));
        let xml = query_xml::response("ListInstanceProfilesForRole", &body, "r");
        assert!(
            xml.contains("<ListInstanceProfilesForRoleResult><InstanceProfiles></InstanceProfiles><IsTruncated>false</IsTruncated></ListInstanceProfilesForRoleResult>"),
            "{xml}"
        );
    }
}

#[test]
fn the_mediatailor_policy_is_as_aws_publishes_it_and_counts_its_one_attachment() {
    let mut t = world();
    let p = t.ok(&line("GetPolicy", json!({"PolicyArn": SLR_POLICY_ARN})));
    let policy = &p["Policy"];
    assert_eq!(policy["PolicyName"], "AWSMediaTailorServiceRolePolicy");
    assert_eq!(policy["Arn"], SLR_POLICY_ARN);
    assert_eq!(policy["Path"], "/aws-service-role/");
    assert_eq!(policy["DefaultVersionId"], "v1");
    assert_eq!(policy["AttachmentCount"], 1);
    assert_eq!(policy["PermissionsBoundaryUsageCount"], 0);
    assert_eq!(policy["IsAttachable"], true);
    assert_eq!(
        policy["Description"],
        "Enable access to AWS Resources used or managed by MediaTailor"
    );
    assert_eq!(policy["CreateDate"], "2021-09-17T22:27:10Z");
    assert_eq!(policy["UpdateDate"], "2021-09-17T22:27:10Z");
    let id = policy["PolicyId"].as_str().expect("an id");
    assert!(id.starts_with("ANPA") && id.len() == 21, "{id}");
    // The same id in another account and another log.
    let mut other = TestSim::with(slrsim::Genesis {
        seed: 99,
        ..Default::default()
    });
    let again = other.ok(&line("GetPolicy", json!({"PolicyArn": SLR_POLICY_ARN})));
    assert_eq!(again["Policy"]["PolicyId"], id);
    assert_eq!(again["Policy"]["AttachmentCount"], 0);

    let v = t.ok(&line(
        "GetPolicyVersion",
        json!({"PolicyArn": SLR_POLICY_ARN, "VersionId": "v1"}),
    ));
    assert_eq!(
        v,
        json!({"PolicyVersion": {"Document": SLR_POLICY_DOC, "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2021-09-17T22:27:10Z"}})
    );
    let xml = query_xml::response("GetPolicyVersion", &v, "r");
    let doc = tag(&xml, "Document").expect("a document");
    assert_eq!(
        percent_encoding::percent_decode_str(doc)
            .decode_utf8()
            .expect("utf-8"),
        SLR_POLICY_DOC
    );
    assert_eq!(
        t.ok(&line(
            "ListPolicyVersions",
            json!({"PolicyArn": SLR_POLICY_ARN})
        )),
        json!({"Versions": [{"VersionId": "v1", "IsDefaultVersion": true, "CreateDate": "2021-09-17T22:27:10Z"}], "IsTruncated": false})
    );
    assert_eq!(
        t.ok(&line(
            "ListEntitiesForPolicy",
            json!({"PolicyArn": SLR_POLICY_ARN}),
        )),
        json!({"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": [{"RoleName": SLR, "RoleId": t.ok(&line("GetRole", json!({"RoleName": SLR})))["Role"]["RoleId"]}], "IsTruncated": false})
    );
    // Deleted, the role no longer counts.
    t.ok(&line("DeleteServiceLinkedRole", json!({"RoleName": SLR})));
    t.ok(&line("AdvanceClock", json!({"Seconds": 600})));
    let p = t.ok(&line("GetPolicy", json!({"PolicyArn": SLR_POLICY_ARN})));
    assert_eq!(p["Policy"]["AttachmentCount"], 0);
}

#[test]
fn entities_for_a_policy_are_filtered_and_paged_and_agree_with_the_attachment_count() {
    let mut t = world();
    t.ok(&line(
        "CreateRole",
        json!({"RoleName": "bounded", "AssumeRolePolicyDocument": EC2_TRUST}),
    ));
    t.ok(&line(
        "PutRolePermissionsBoundary",
        json!({"RoleName": "bounded", "PermissionsBoundary": READ_ONLY}),
    ));
    let p = t.ok(&line("GetPolicy", json!({"PolicyArn": READ_ONLY})));
    assert_eq!(p["Policy"]["AttachmentCount"], 2);
    assert_eq!(p["Policy"]["PermissionsBoundaryUsageCount"], 1);
    assert_eq!(p["Policy"]["Path"], "/");
    assert_eq!(p["Policy"]["DefaultVersionId"], "v4");
    let role_id = |t: &mut TestSim, name: &str| {
        t.ok(&line("GetRole", json!({"RoleName": name})))["Role"]["RoleId"].clone()
    };
    let app = role_id(&mut t, "app");
    let bounded = role_id(&mut t, "bounded");
    let list = |t: &mut TestSim, extra: Value| {
        let mut params = json!({"PolicyArn": READ_ONLY});
        if let (Value::Object(p), Value::Object(e)) = (&mut params, extra) {
            p.extend(e);
        }
        t.ok(&line("ListEntitiesForPolicy", params))
    };
    let all = list(&mut t, json!({}));
    assert_eq!(
        all["PolicyRoles"],
        json!([{"RoleName": "app", "RoleId": app}, {"RoleName": "bounded", "RoleId": bounded}])
    );
    assert_eq!(all["PolicyUsers"].as_array().map(Vec::len), Some(1));
    assert_eq!(all["PolicyUsers"][0]["UserName"], "reader");
    assert_eq!(all["PolicyGroups"], json!([]));
    let attached = list(&mut t, json!({"PolicyUsageFilter": "PermissionsPolicy"}));
    assert_eq!(
        attached["PolicyRoles"]
            .as_array()
            .map(Vec::len)
            .unwrap_or(0)
            + attached["PolicyUsers"]
                .as_array()
                .map(Vec::len)
                .unwrap_or(0),
        2,
        "agrees with AttachmentCount"
    );
    let boundary = list(&mut t, json!({"PolicyUsageFilter": "PermissionsBoundary"}));
    assert_eq!(
        boundary["PolicyRoles"],
        json!([{"RoleName": "bounded", "RoleId": bounded}])
    );
    assert_eq!(boundary["PolicyUsers"], json!([]));
    let users = list(&mut t, json!({"EntityFilter": "User"}));
    assert_eq!(users["PolicyRoles"], json!([]));
    assert_eq!(users["PolicyUsers"].as_array().map(Vec::len), Some(1));
    for nothing in ["Group", "LocalManagedPolicy", "AWSManagedPolicy"] {
        let none = list(&mut t, json!({"EntityFilter": nothing}));
        assert_eq!(
            none,
            json!({"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": [], "IsTruncated": false})
        );
    }
    let apps = list(&mut t, json!({"PathPrefix": "/apps/"}));
    assert_eq!(
        apps["PolicyRoles"],
        json!([{"RoleName": "app", "RoleId": app}])
    );
    assert_eq!(apps["PolicyUsers"], json!([]));
    // Pages of one: roles, then users, each page's marker leading to the next.
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut extra = json!({"MaxItems": 1});
        if let Some(m) = &marker {
            extra["Marker"] = json!(m);
        }
        let page = list(&mut t, extra);
        for key in ["PolicyRoles", "PolicyUsers"] {
            for e in page[key].as_array().cloned().unwrap_or_default() {
                seen.push(e.get("RoleName").or(e.get("UserName")).cloned());
            }
        }
        if page["IsTruncated"] == true {
            marker = page["Marker"].as_str().map(String::from);
        } else {
            assert!(page.get("Marker").is_none());
            break;
        }
    }
    assert_eq!(
        seen,
        vec![
            Some(json!("app")),
            Some(json!("bounded")),
            Some(json!("reader"))
        ]
    );
}

#[test]
fn policy_calls_refuse_what_iam_refuses() {
    let mut t = world();
    let missing = "arn:aws:iam::aws:policy/NoSuchPolicy";
    for (op, extra) in [
        ("GetPolicy", json!({})),
        ("GetPolicyVersion", json!({"VersionId": "v1"})),
        ("ListPolicyVersions", json!({})),
        ("ListEntitiesForPolicy", json!({})),
    ] {
        let mut params = extra.clone();
        params["PolicyArn"] = json!(missing);
        let e = t.err(&line(op, params));
        assert_error(
            &e,
            ErrorCode::NoSuchEntity,
            404,
            "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.",
        );
        let mut params = extra.clone();
        params["PolicyArn"] = json!("short");
        let e = t.err(&line(op, params));
        assert_eq!(e.code, ErrorCode::ValidationError, "{op}: {e}");
        assert!(e.message.contains("'policyArn'"), "{e}");
        let mut params = extra;
        params["PolicyArn"] = json!("not-an-arn-but-long-enough");
        let e = t.err(&line(op, params));
        assert_error(
            &e,
            ErrorCode::InvalidInput,
            400,
            "ARN not-an-arn-but-long-enough is not valid.",
        );
    }
    let e = t.err(&line(
        "GetPolicyVersion",
        json!({"PolicyArn": SLR_POLICY_ARN, "VersionId": "v2"}),
    ));
    assert_error(
        &e,
        ErrorCode::NoSuchEntity,
        404,
        "Policy arn:aws:iam::aws:policy/aws-service-role/AWSMediaTailorServiceRolePolicy version v2 does not exist or is not attachable.",
    );
    let e = t.err(&line(
        "GetPolicyVersion",
        json!({"PolicyArn": SLR_POLICY_ARN, "VersionId": "1"}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        r"1 validation error detected: Value '1' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?",
    );
    let e = t.err(&line(
        "ListEntitiesForPolicy",
        json!({"PolicyArn": READ_ONLY, "EntityFilter": "Users"}),
    ));
    assert_error(
        &e,
        ErrorCode::ValidationError,
        400,
        "1 validation error detected: Value 'Users' at 'entityFilter' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]",
    );
    let e = t.err(&line(
        "ListEntitiesForPolicy",
        json!({"PolicyArn": READ_ONLY, "PolicyUsageFilter": "Both"}),
    ));
    assert!(e.message.contains("'policyUsageFilter'"), "{e}");
    for bad in ["apps", "/apps", "//", ""] {
        let e = t.err(&line(
            "ListEntitiesForPolicy",
            json!({"PolicyArn": READ_ONLY, "PathPrefix": bad}),
        ));
        assert!(e.message.contains("'pathPrefix'"), "{bad}: {e}");
    }
}

#[test]
fn reads_need_their_permission_on_the_role_or_the_policy_and_untag_is_a_write() {
    let mut t = world();
    t.ok(&line("CreateUser", json!({"UserName": "nobody"})));
    let slr_arn =
        format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/mediatailor.amazonaws.com/{SLR}");
    let cases = [
        ("ListRoleTags", json!({"RoleName": SLR}), slr_arn.clone()),
        (
            "GetPolicy",
            json!({"PolicyArn": SLR_POLICY_ARN}),
            SLR_POLICY_ARN.to_string(),
        ),
        (
            "ListEntitiesForPolicy",
            json!({"PolicyArn": SLR_POLICY_ARN}),
            SLR_POLICY_ARN.to_string(),
        ),
    ];
    for (op, params, resource) in cases {
        let e = t.err(&by("nobody", op, params.clone()));
        assert_error(
            &e,
            ErrorCode::AccessDenied,
            403,
            &format!(
                "User: arn:aws:iam::{ACCOUNT}:user/nobody is not authorized to perform: iam:{op} on resource: {resource} because no identity-based policy allows the iam:{op} action"
            ),
        );
        t.ok(&by("reader", op, params));
    }
    // IAMReadOnlyAccess reads, but does not untag.
    let e = t.err(&by(
        "reader",
        "UntagRole",
        json!({"RoleName": SLR, "TagKeys": ["a"]}),
    ));
    assert_eq!((e.code, e.status), (ErrorCode::AccessDenied, 403));
    assert!(e.message.contains("iam:UntagRole"), "{e}");
}

// ---------------------------------------------------------------------------------------------------
// Other services' service-linked roles
// ---------------------------------------------------------------------------------------------------

#[test]
fn every_other_service_s_role_is_created_as_aws_creates_it() {
    let mut t = TestSim::new();
    for row in slrsim::core::service_roles::SERVICE_ROLES {
        let role = t.ok(&line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": row.service, "Description": "made by a bootstrap"}),
        ))["Role"]
            .clone();
        let path = format!("/aws-service-role/{}/", row.service);
        assert_eq!(role["RoleName"], row.role_name);
        assert_eq!(role["Path"], path.as_str());
        assert_eq!(
            role["Arn"],
            format!("arn:aws:iam::{ACCOUNT}:role{path}{}", row.role_name)
        );
        assert_eq!(role["Description"], "made by a bootstrap");
        assert_eq!(
            role["AssumeRolePolicyDocument"],
            json!({"Version": "2012-10-17", "Statement": [{"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": [row.service]}}]})
        );
        let attached = t.ok(&line(
            "ListAttachedRolePolicies",
            json!({"RoleName": row.role_name}),
        ));
        assert_eq!(
            attached["AttachedPolicies"],
            json!([{"PolicyName": row.policy_arn.rsplit('/').next(), "PolicyArn": row.policy_arn}])
        );
        let e = t.err(&line(
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": row.service}),
        ));
        assert_error(
            &e,
            ErrorCode::InvalidInput,
            400,
            &format!(
                "Service role name {} has been taken in this account, please try a different suffix.",
                row.role_name
            ),
        );
    }
    let roles = t.ok(&line(
        "ListRoles",
        json!({"PathPrefix": "/aws-service-role/"}),
    ));
    assert_eq!(
        roles["Roles"].as_array().map(Vec::len),
        Some(slrsim::core::service_roles::SERVICE_ROLES.len())
    );
    // MediaTailor's role is still its own, created beside them.
    t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    assert_eq!(
        t.ok(&line("GetRole", json!({"RoleName": SLR})))["Role"]["Arn"],
        SLR_ARN
    );
}

#[test]
fn a_custom_suffix_is_taken_only_where_the_service_takes_one() {
    let mut t = TestSim::new();
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "ecs.amazonaws.com", "CustomSuffix": "x"}),
    ));
    assert_error(
        &e,
        ErrorCode::InvalidInput,
        400,
        "Custom suffix is not allowed for ecs.amazonaws.com",
    );
    let role = t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "autoscaling.amazonaws.com", "CustomSuffix": "blue"}),
    ))["Role"]
        .clone();
    assert_eq!(role["RoleName"], "AWSServiceRoleForAutoScaling_blue");
    assert_eq!(
        role["Arn"],
        format!(
            "arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_blue"
        )
    );
    // Without a suffix, the plain name is still free.
    t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "autoscaling.amazonaws.com"}),
    ));
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "autoscaling.amazonaws.com", "CustomSuffix": "BLUE"}),
    ));
    assert_eq!(
        e.code,
        ErrorCode::InvalidInput,
        "names are unique regardless of case"
    );
    let long = "s".repeat(64);
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "autoscaling.amazonaws.com", "CustomSuffix": long}),
    ));
    assert_eq!((e.code, e.status), (ErrorCode::InvalidInput, 400));
    assert!(e.message.contains("longer than 64 characters"), "{e}");
}

#[test]
fn another_service_s_role_is_protected_and_its_deletion_succeeds_while_mediatailor_logs() {
    let mut t = TestSim::new();
    t.ok(&line(
        "PutPlaybackConfiguration",
        json!({"Name": "live", "VideoContentSourceUrl": "https://origin.example.com"}),
    ));
    t.ok(&line(
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": "live", "PercentEnabled": 100}),
    ));
    t.ok(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "ecs.amazonaws.com"}),
    ));
    let ecs = "AWSServiceRoleForECS";
    let protected = format!(
        "Cannot perform the operation on the protected role '{ecs}' - this role is only modifiable by AWS"
    );
    for (op, extra) in [
        ("DeleteRole", json!({})),
        ("AttachRolePolicy", json!({"PolicyArn": READ_ONLY})),
        (
            "PutRolePolicy",
            json!({"PolicyName": "x", "PolicyDocument": INLINE}),
        ),
        (
            "UpdateAssumeRolePolicy",
            json!({"PolicyDocument": EC2_TRUST}),
        ),
        ("UpdateRole", json!({"MaxSessionDuration": 7200})),
    ] {
        let mut params = extra;
        params["RoleName"] = json!(ecs);
        let e = t.err(&line(op, params));
        assert_error(&e, ErrorCode::UnmodifiableEntity, 400, &protected);
    }
    t.ok(&line(
        "UpdateRoleDescription",
        json!({"RoleName": ecs, "Description": "edited"}),
    ));
    t.ok(&line(
        "TagRole",
        json!({"RoleName": ecs, "Tags": [{"Key": "k", "Value": "v"}]}),
    ));
    let task = t.ok(&line("DeleteServiceLinkedRole", json!({"RoleName": ecs})))["DeletionTaskId"]
        .as_str()
        .expect("a task id")
        .to_string();
    assert!(
        task.starts_with("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/"),
        "{task}"
    );
    t.ok(&line("AdvanceClock", json!({"Seconds": 60})));
    assert_eq!(
        t.ok(&line(
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": task}),
        )),
        json!({"Status": "SUCCEEDED"})
    );
    let e = t.err(&line("GetRole", json!({"RoleName": ecs})));
    assert_eq!(e.code, ErrorCode::NoSuchEntity);
    // MediaTailor's role, in use, is untouched; deleting it still fails while logging is on.
    t.ok(&line("GetRole", json!({"RoleName": SLR})));
    t.ok(&line("DeleteServiceLinkedRole", json!({"RoleName": SLR})));
    t.ok(&line("AdvanceClock", json!({"Seconds": 60})));
    let s = t.ok(&line(
        "GetServiceLinkedRoleDeletionStatus",
        json!({"DeletionTaskId": "$last"}),
    ));
    assert_eq!(s["Status"], "FAILED");
}

#[test]
fn creating_another_service_s_role_is_authorised_on_its_arn_for_that_service() {
    let mut t = TestSim::new();
    let ecs_arn = format!(
        "arn:aws:iam::{ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
    );
    let policy = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": "iam:CreateServiceLinkedRole",
        "Resource": "arn:aws:iam::*:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS*",
        "Condition": {"StringLike": {"iam:AWSServiceName": "ecs.amazonaws.com"}}
    }]})
    .to_string();
    t.ok(&line("CreateUser", json!({"UserName": "boot"})));
    t.ok(&line(
        "PutUserPolicy",
        json!({"UserName": "boot", "PolicyName": "ecs", "PolicyDocument": policy}),
    ));
    let e = t.err(&by(
        "boot",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "rds.amazonaws.com"}),
    ));
    assert_eq!((e.code, e.status), (ErrorCode::AccessDenied, 403));
    assert!(
        e.message
            .contains("role/aws-service-role/rds.amazonaws.com/AWSServiceRoleForRDS"),
        "{e}"
    );
    let e = t.err(&by(
        "boot",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "mediatailor.amazonaws.com"}),
    ));
    assert_eq!(e.code, ErrorCode::AccessDenied);
    let role = t.ok(&by(
        "boot",
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "ecs.amazonaws.com"}),
    ));
    assert_eq!(role["Role"]["Arn"], ecs_arn);
    let e = t.err(&line(
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "nosuch.amazonaws.com"}),
    ));
    assert_error(
        &e,
        ErrorCode::InvalidInput,
        400,
        "Invalid service name: nosuch.amazonaws.com. slrsim creates the service-linked roles of mediatailor.amazonaws.com and of the 12 services listed in its README.",
    );
}
