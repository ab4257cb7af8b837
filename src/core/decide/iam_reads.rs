//! IAM calls that infrastructure tools and SDK helpers make around a role: its tags (`ListRoleTags`,
//! `UntagRole`), its inline policies (`ListRolePolicies`, `GetRolePolicy`), its instance profiles, and
//! the managed policies attached to it (`GetPolicy`, `GetPolicyVersion`, `ListPolicyVersions`,
//! `ListEntitiesForPolicy`). Shapes are those of AWS's IAM model; paging is IAM's `Marker`/`MaxItems`/
//! `IsTruncated`, the marker being the key of the first item of the next page.

use serde_json::{Value, json};

use super::iam::{managed_policy, read_role_for, role_for};
use super::{Ctx, Decided};
use crate::core::action::*;
use crate::core::authz::{Protocol, Request};
use crate::core::catalog::ManagedPolicy;
use crate::core::clock;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::event::Event;
use crate::core::limits;
use crate::core::validate::{self, shown};

/// IAM's default page size.
const DEFAULT_MAX_ITEMS: i64 = 100;

fn constraint(value: &str, field: &str, what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ValidationError,
        format!(
            "1 validation error detected: Value '{}' at '{field}' failed to satisfy constraint: {what}",
            shown(value)
        ),
    )
}

/// Checks `Marker` (1..=320 characters of `[\u0020-\u00FF]`) and `MaxItems` (1..=1000); returns the page size.
pub(super) fn page_params(marker: Option<&str>, max_items: Option<i64>) -> Result<usize, ApiError> {
    let max = max_items.unwrap_or(DEFAULT_MAX_ITEMS);
    validate::range(
        ErrorCode::ValidationError,
        "maxItems",
        max,
        1,
        limits::MAX_LIST_ROLES,
    )?;
    if let Some(m) = marker {
        validate::length(ErrorCode::ValidationError, "marker", m, 1, 320)?;
        if !m.chars().all(|c| ('\u{20}'..='\u{ff}').contains(&c)) {
            return Err(constraint(
                m,
                "marker",
                r"Member must satisfy regular expression pattern: [\u0020-\u00FF]+",
            ));
        }
    }
    // INVARIANT: max is in 1..=1000, checked above.
    Ok(usize::try_from(max).unwrap_or(100))
}

/// One page of `items` (already in order, each with its key): those from the marker's key on, at most
/// `take` (fewer when `SetFaults` set a smaller page); `IsTruncated`, and the next page's `Marker`
/// when there is one, go into `body`. With `SetFaults`' `EmptyFirstPages`, a call without a marker
/// gets an empty page whose marker is the first item's key.
pub(super) fn page<T>(
    cx: &Ctx<'_>,
    items: impl Iterator<Item = (String, T)>,
    marker: Option<&str>,
    take: usize,
    body: &mut Value,
) -> Vec<T> {
    let mut rest = items
        .skip_while(|(k, _)| marker.is_some_and(|m| k.as_str() < m))
        .peekable();
    if let Some((first, _)) = rest.peek().filter(|_| cx.empty_first_page(marker)) {
        body["IsTruncated"] = json!(true);
        body["Marker"] = json!(first);
        return Vec::new();
    }
    let out: Vec<T> = rest
        .by_ref()
        .take(cx.page_take(take))
        .map(|(_, v)| v)
        .collect();
    let next = rest.next();
    body["IsTruncated"] = json!(next.is_some());
    if let Some((k, _)) = next {
        body["Marker"] = json!(k);
    }
    out
}

pub(super) fn list_role_tags(cx: &Ctx<'_>, p: &RolePageParams) -> Result<Decided, ApiError> {
    let take = page_params(p.marker.as_deref(), p.max_items)?;
    let role = read_role_for(cx, "iam:ListRoleTags", &p.role_name)?;
    let mut body = json!({});
    let tags = page(
        cx,
        role.tags
            .iter()
            .map(|(k, v)| (k.clone(), json!({"Key": k, "Value": v}))),
        p.marker.as_deref(),
        take,
        &mut body,
    );
    body["Tags"] = Value::Array(tags);
    Ok(Decided::read(body))
}

fn validate_tag_keys(keys: &[String]) -> Result<(), ApiError> {
    validate::list_length(
        ErrorCode::ValidationError,
        "tagKeys",
        keys.len(),
        limits::MAX_TAGS,
    )?;
    for k in keys {
        validate::length(
            ErrorCode::ValidationError,
            "tagKeys.member",
            k,
            1,
            limits::MAX_TAG_KEY,
        )?;
        if !k
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c))
        {
            return Err(constraint(
                k,
                "tagKeys.member",
                r"Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+",
            ));
        }
    }
    Ok(())
}

/// UntagRole. AWS lets tags of a service-linked role be added (`TagRole`: "the role can be a regular
/// role or a service-linked role") and so removed: it is not one of the protected role's refused
/// edits. Keys the role does not have are ignored, as IAM ignores them.
pub(super) fn untag_role(cx: &Ctx<'_>, p: &UntagRoleParams) -> Result<Decided, ApiError> {
    validate_tag_keys(&p.tag_keys)?;
    let role = role_for(cx, "iam:UntagRole", &p.role_name)?;
    Ok(Decided::new(
        vec![Event::RoleUntagged {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            tag_keys: p.tag_keys.clone(),
        }],
        json!({}),
    ))
}

pub(super) fn list_role_policies(cx: &Ctx<'_>, p: &RolePageParams) -> Result<Decided, ApiError> {
    let take = page_params(p.marker.as_deref(), p.max_items)?;
    let role = read_role_for(cx, "iam:ListRolePolicies", &p.role_name)?;
    let mut body = json!({});
    let names = page(
        cx,
        role.inline_policies.keys().map(|k| (k.clone(), json!(k))),
        p.marker.as_deref(),
        take,
        &mut body,
    );
    body["PolicyNames"] = Value::Array(names);
    Ok(Decided::read(body))
}

/// GetRolePolicy: the document as it was put, which the query protocol URL-encodes as IAM does.
pub(super) fn get_role_policy(cx: &Ctx<'_>, p: &RolePolicyNameParams) -> Result<Decided, ApiError> {
    validate::iam_name("policyName", &p.policy_name, limits::MAX_POLICY_NAME)?;
    let role = read_role_for(cx, "iam:GetRolePolicy", &p.role_name)?;
    let document = role.inline_policies.get(&p.policy_name).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NoSuchEntity,
            format!(
                "The role policy with name {} cannot be found.",
                p.policy_name
            ),
        )
    })?;
    Ok(Decided::read(json!({
        "RoleName": role.role_name,
        "PolicyName": p.policy_name,
        "PolicyDocument": document,
    })))
}

/// ListInstanceProfilesForRole: slrsim models no instance profiles, so every role has none.
pub(super) fn list_instance_profiles(
    cx: &Ctx<'_>,
    p: &RolePageParams,
) -> Result<Decided, ApiError> {
    page_params(p.marker.as_deref(), p.max_items)?;
    read_role_for(cx, "iam:ListInstanceProfilesForRole", &p.role_name)?;
    Ok(Decided::read(
        json!({"InstanceProfiles": [], "IsTruncated": false}),
    ))
}

/// Checks a policy ARN parameter, authorises `action` on it, and finds the managed policy.
fn policy_for(cx: &Ctx<'_>, action: &str, arn: &str) -> Result<&'static ManagedPolicy, ApiError> {
    validate::length(ErrorCode::ValidationError, "policyArn", arn, 20, 2048)?;
    if !arn.starts_with("arn:aws:iam::") {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("ARN {} is not valid.", shown(arn)),
        ));
    }
    cx.authorize(&Request::new(action, arn), Protocol::Iam)?;
    managed_policy(arn)
}

/// How many users and roles of the account have the policy attached, and how many roles have it as
/// their permissions boundary.
fn usage_counts(cx: &Ctx<'_>, arn: &str) -> (usize, usize) {
    let users = cx
        .account
        .users
        .values()
        .filter(|u| u.attached_policies.contains(arn))
        .count();
    let roles = cx
        .account
        .roles
        .values()
        .filter(|r| r.attached_policies.contains(arn))
        .count();
    let boundaries = cx
        .account
        .roles
        .values()
        .filter(|r| r.permissions_boundary.as_deref() == Some(arn))
        .count();
    (users + roles, boundaries)
}

pub(super) fn get_policy(cx: &Ctx<'_>, p: &PolicyArnParams) -> Result<Decided, ApiError> {
    let policy = policy_for(cx, "iam:GetPolicy", &p.policy_arn)?;
    let (attached, boundaries) = usage_counts(cx, policy.arn);
    let mut m = serde_json::Map::new();
    m.insert("PolicyName".into(), json!(policy.name()));
    m.insert("PolicyId".into(), json!(policy_id(policy)));
    m.insert("Arn".into(), json!(policy.arn));
    m.insert("Path".into(), json!(policy.path()));
    m.insert("DefaultVersionId".into(), json!(policy.default_version));
    m.insert("AttachmentCount".into(), json!(attached));
    m.insert("PermissionsBoundaryUsageCount".into(), json!(boundaries));
    m.insert("IsAttachable".into(), json!(true));
    if let Some(d) = policy.description {
        m.insert("Description".into(), json!(d));
    }
    m.insert("CreateDate".into(), json!(clock::format(policy.created)));
    m.insert("UpdateDate".into(), json!(clock::format(policy.updated)));
    Ok(Decided::read(json!({"Policy": Value::Object(m)})))
}

/// An AWS managed policy's id: the same in every account and every log (derived from its ARN alone,
/// since AWS's own ids are not in the sources slrsim follows).
fn policy_id(policy: &ManagedPolicy) -> String {
    crate::core::ids::iam_unique_id("ANPA", 0, 0, policy.arn)
}

fn version_body(policy: &ManagedPolicy, with_document: bool) -> Value {
    let mut m = serde_json::Map::new();
    if with_document {
        m.insert("Document".into(), json!(policy.document));
    }
    m.insert("VersionId".into(), json!(policy.default_version));
    m.insert("IsDefaultVersion".into(), json!(true));
    m.insert("CreateDate".into(), json!(clock::format(policy.updated)));
    Value::Object(m)
}

pub(super) fn get_policy_version(
    cx: &Ctx<'_>,
    p: &PolicyVersionParams,
) -> Result<Decided, ApiError> {
    if !is_version_id(&p.version_id) {
        return Err(constraint(
            &p.version_id,
            "versionId",
            r"Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?",
        ));
    }
    let policy = policy_for(cx, "iam:GetPolicyVersion", &p.policy_arn)?;
    if p.version_id != policy.default_version {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!(
                "Policy {} version {} does not exist or is not attachable.",
                policy.arn, p.version_id
            ),
        ));
    }
    Ok(Decided::read(
        json!({"PolicyVersion": version_body(policy, true)}),
    ))
}

/// `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`, IAM's pattern of a version id.
fn is_version_id(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let (number, suffix) = match rest.split_once('.') {
        Some((n, x)) => (n, Some(x)),
        None => (rest, None),
    };
    number.starts_with(|c: char| ('1'..='9').contains(&c))
        && number.chars().all(|c| c.is_ascii_digit())
        && suffix.is_none_or(|x| x.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

pub(super) fn list_policy_versions(
    cx: &Ctx<'_>,
    p: &PolicyPageParams,
) -> Result<Decided, ApiError> {
    let take = page_params(p.marker.as_deref(), p.max_items)?;
    let policy = policy_for(cx, "iam:ListPolicyVersions", &p.policy_arn)?;
    let mut body = json!({});
    let versions = page(
        cx,
        std::iter::once((
            policy.default_version.to_string(),
            version_body(policy, false),
        )),
        p.marker.as_deref(),
        take,
        &mut body,
    );
    body["Versions"] = Value::Array(versions);
    Ok(Decided::read(body))
}

const ENTITY_TYPES: [&str; 5] = [
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];
const USAGE_TYPES: [&str; 2] = ["PermissionsPolicy", "PermissionsBoundary"];

/// `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, the model's pattern of ListEntitiesForPolicy's PathPrefix.
fn check_path_prefix(prefix: &str) -> Result<(), ApiError> {
    validate::length(
        ErrorCode::ValidationError,
        "pathPrefix",
        prefix,
        1,
        limits::MAX_PATH,
    )?;
    let ok = prefix == "/"
        || (prefix.len() >= 3
            && prefix.starts_with('/')
            && prefix.ends_with('/')
            && prefix.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c)));
    if !ok {
        return Err(constraint(
            prefix,
            "pathPrefix",
            r"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
        ));
    }
    Ok(())
}

fn check_enum(value: Option<&str>, field: &str, allowed: &[&str]) -> Result<(), ApiError> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(constraint(
            v,
            field,
            &format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

/// ListEntitiesForPolicy: the account's roles, then users, that use the policy (attached, as a
/// boundary, or either: `PolicyUsageFilter`), whose path starts with `PathPrefix`. slrsim has no
/// groups, so `PolicyGroups` is always empty, and the `LocalManagedPolicy`/`AWSManagedPolicy`
/// filters find nothing.
pub(super) fn list_entities_for_policy(
    cx: &Ctx<'_>,
    p: &ListEntitiesForPolicyParams,
) -> Result<Decided, ApiError> {
    check_enum(p.entity_filter.as_deref(), "entityFilter", &ENTITY_TYPES)?;
    check_enum(
        p.policy_usage_filter.as_deref(),
        "policyUsageFilter",
        &USAGE_TYPES,
    )?;
    let prefix = p.path_prefix.as_deref().unwrap_or("/");
    check_path_prefix(prefix)?;
    let take = page_params(p.marker.as_deref(), p.max_items)?;
    let policy = policy_for(cx, "iam:ListEntitiesForPolicy", &p.policy_arn)?;
    let usage = p.policy_usage_filter.as_deref();
    let attached = usage != Some("PermissionsBoundary");
    let boundary = usage != Some("PermissionsPolicy");
    let kind = p.entity_filter.as_deref();
    let users = cx
        .account
        .users
        .values()
        .filter(|_| kind.is_none_or(|k| k == "User"))
        .filter(|u| attached && u.attached_policies.contains(policy.arn))
        .filter(|u| u.path.starts_with(prefix))
        .map(|u| {
            (
                format!("user/{}", u.user_name),
                (
                    "PolicyUsers",
                    json!({"UserName": u.user_name, "UserId": u.user_id}),
                ),
            )
        });
    let roles = cx
        .account
        .roles
        .values()
        .filter(|_| kind.is_none_or(|k| k == "Role"))
        .filter(|r| {
            (attached && r.attached_policies.contains(policy.arn))
                || (boundary && r.permissions_boundary.as_deref() == Some(policy.arn))
        })
        .filter(|r| r.path.starts_with(prefix))
        .map(|r| {
            (
                format!("role/{}", r.role_name),
                (
                    "PolicyRoles",
                    json!({"RoleName": r.role_name, "RoleId": r.role_id}),
                ),
            )
        });
    let mut body = json!({});
    let entries = page(cx, roles.chain(users), p.marker.as_deref(), take, &mut body);
    let mut lists = serde_json::Map::new();
    for key in ["PolicyGroups", "PolicyUsers", "PolicyRoles"] {
        lists.insert(key.into(), json!([]));
    }
    for (key, entry) in entries {
        if let Some(Value::Array(list)) = lists.get_mut(key) {
            list.push(entry);
        }
    }
    for (k, v) in lists {
        body[k] = v;
    }
    Ok(Decided::read(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalog;

    #[test]
    fn version_ids_follow_iam_s_pattern() {
        for ok in ["v1", "v10", "v2.x", "v3.a-B9", "v4."] {
            assert!(is_version_id(ok), "{ok}");
        }
        for bad in ["", "v", "v0", "1", "v01", "v1.x_y", "V1", "v1x"] {
            assert!(!is_version_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_managed_policy_s_name_and_path_come_from_its_arn() {
        let slr = catalog::managed_policy(catalog::SLR_POLICY_ARN).expect("known");
        assert_eq!(
            (slr.name(), slr.path()),
            ("AWSMediaTailorServiceRolePolicy", "/aws-service-role/")
        );
        let admin =
            catalog::managed_policy("arn:aws:iam::aws:policy/AdministratorAccess").expect("known");
        assert_eq!((admin.name(), admin.path()), ("AdministratorAccess", "/"));
    }
}
