//! IAM calls: the service-linked role, ordinary roles, users and their policies.

use std::collections::BTreeMap;

use serde_json::json;

use super::response;
use super::{Ctx, Decided, to_event};
use crate::core::action::*;
use crate::core::authz::{Caller, Protocol, Request};
use crate::core::catalog::{self, MEDIATAILOR_SERVICE, SLR_NAME};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::event::Event;
use crate::core::limits;
use crate::core::state::{DeletionTask, Role, TaskStatus, User};
use crate::core::validate::{self, shown};

/// The range of `MaxSigninSessionDuration` (AWS's model: one hour to 90 days).
const MIN_SIGNIN_SESSION_DURATION: i64 = 3600;
/// See [`MIN_SIGNIN_SESSION_DURATION`].
const MAX_SIGNIN_SESSION_DURATION: i64 = 7_776_000;

fn no_such_role(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The role with name {} cannot be found.", shown(name)),
    )
}

fn no_such_user(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NoSuchEntity,
        format!("The user with name {} cannot be found.", shown(name)),
    )
}

/// The refusal every write to the protected role gets.
pub(super) fn unmodifiable(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::UnmodifiableEntity,
        format!(
            "Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"
        ),
    )
}

/// The message when the role name is taken.
pub(super) fn role_name_taken() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidInput,
        format!(
            "Service role name {SLR_NAME} has been taken in this account, please try a different suffix."
        ),
    )
}

/// The service role policy attached to a role that is not the service-linked role: AWS's own words.
fn not_attachable_to_role() -> ApiError {
    ApiError::new(
        ErrorCode::PolicyNotAttachable,
        crate::core::rules::NOT_ATTACHABLE_TO_ROLE,
    )
}

fn not_attachable() -> ApiError {
    ApiError::new(
        ErrorCode::PolicyNotAttachable,
        "AWS service role policies can only be attached to the service-linked role for that service.",
    )
}

/// The ARN of a role for authorisation: the role's own, or the ARN it would have at path `/`.
fn role_resource(cx: &Ctx<'_>, name: &str) -> String {
    match cx.account.roles.get(name) {
        Some(r) => r.arn.clone(),
        None => catalog::role_arn(cx.account_id(), "/", name),
    }
}

fn user_resource(cx: &Ctx<'_>, name: &str) -> String {
    match cx.account.users.get(name) {
        Some(u) => u.arn.clone(),
        None => catalog::user_arn(cx.account_id(), "/", name),
    }
}

/// Validates a role name, authorises `action` on it, and finds it.
pub(super) fn role_for<'a>(cx: &Ctx<'a>, action: &str, name: &str) -> Result<&'a Role, ApiError> {
    validate::iam_name("roleName", name, limits::MAX_ROLE_NAME)?;
    let arn = role_resource(cx, name);
    cx.authorize(&Request::new(action, &arn), Protocol::Iam)?;
    cx.account.roles.get(name).ok_or_else(|| no_such_role(name))
}

/// Like [`role_for`], for a read: finds the role as IAM reads see it now (`SetConsistency`: a role
/// created moments ago is not seen yet, one deleted moments ago still is). Writes use [`role_for`]
/// and see the role as it is (slrsim's choice, README "Eventual consistency").
pub(super) fn read_role_for<'a>(
    cx: &Ctx<'a>,
    action: &str,
    name: &str,
) -> Result<&'a Role, ApiError> {
    validate::iam_name("roleName", name, limits::MAX_ROLE_NAME)?;
    let arn = role_resource(cx, name);
    cx.authorize(&Request::new(action, &arn), Protocol::Iam)?;
    cx.account
        .visible_role(name, cx.now())
        .ok_or_else(|| no_such_role(name))
}

/// Like [`role_for`], and refuses the protected role.
fn ordinary_role_for<'a>(cx: &Ctx<'a>, action: &str, name: &str) -> Result<&'a Role, ApiError> {
    let role = role_for(cx, action, name)?;
    if role.service_linked.is_some() {
        return Err(unmodifiable(&role.role_name));
    }
    Ok(role)
}

fn user_for<'a>(cx: &Ctx<'a>, action: &str, name: &str) -> Result<&'a User, ApiError> {
    validate::iam_name("userName", name, limits::MAX_USER_NAME)?;
    let arn = user_resource(cx, name);
    cx.authorize(&Request::new(action, &arn), Protocol::Iam)?;
    cx.account.users.get(name).ok_or_else(|| no_such_user(name))
}

/// The MediaTailor service-linked role as it is created in `account` by record `seq`.
pub(super) fn new_service_linked_role(
    cx: &Ctx<'_>,
    create_date: i64,
    description: Option<String>,
) -> Role {
    Role {
        role_name: SLR_NAME.to_string(),
        path: catalog::SLR_PATH.to_string(),
        role_id: cx.unique_id("AROA", "service-linked-role"),
        arn: catalog::slr_arn(cx.account_id()),
        create_date,
        assume_role_policy_document: catalog::SLR_TRUST_POLICY.to_string(),
        description,
        max_session_duration: catalog::SLR_MAX_SESSION_DURATION,
        max_signin_session_duration: None,
        tags: BTreeMap::new(),
        attached_policies: [catalog::SLR_POLICY_ARN.to_string()].into_iter().collect(),
        inline_policies: BTreeMap::new(),
        permissions_boundary: None,
        service_linked: Some(MEDIATAILOR_SERVICE.to_string()),
        role_last_used: None,
    }
}

pub(super) fn create_service_linked_role(
    cx: &Ctx<'_>,
    p: &CreateServiceLinkedRoleParams,
) -> Result<Decided, ApiError> {
    validate::length(
        ErrorCode::ValidationError,
        "awsServiceName",
        &p.aws_service_name,
        1,
        limits::MAX_SERVICE_NAME,
    )?;
    if !p.aws_service_name.chars().all(validate::is_iam_name_char) {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                r"1 validation error detected: Value '{}' at 'awsServiceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
                shown(&p.aws_service_name)
            ),
        ));
    }
    if let Some(d) = &p.description {
        validate::description("description", d)?;
    }
    if let Some(s) = &p.custom_suffix {
        validate::iam_name("customSuffix", s, limits::MAX_CUSTOM_SUFFIX)?;
    }
    let known = p.aws_service_name == MEDIATAILOR_SERVICE;
    let other = crate::core::service_roles::find(&p.aws_service_name);
    let resource = if known {
        catalog::slr_arn(cx.account_id())
    } else if let Some(row) = other {
        catalog::role_arn(
            cx.account_id(),
            &crate::core::service_roles::role_path(row.service),
            &other_role_name(row, p.custom_suffix.as_deref()),
        )
    } else {
        format!(
            "arn:aws:iam::{}:role/aws-service-role/{}/",
            cx.account_id(),
            p.aws_service_name
        )
    };
    cx.authorize(
        &Request {
            action: "iam:CreateServiceLinkedRole",
            resource: &resource,
            aws_service_name: Some(&p.aws_service_name),
        },
        Protocol::Iam,
    )?;
    if let Some(row) = other {
        return create_other_service_role(cx, p, row);
    }
    if !known {
        return Err(unknown_service(&p.aws_service_name));
    }
    if p.custom_suffix.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Custom suffix is not allowed for {MEDIATAILOR_SERVICE}"),
        ));
    }
    if cx.account.role_name_taken(SLR_NAME) {
        return Err(role_name_taken());
    }
    if cx.account.roles.len() >= limits::MAX_ROLES {
        return Err(roles_quota());
    }
    let role = new_service_linked_role(cx, cx.now(), p.description.clone());
    let body = json!({"Role": response::role(&role, false)});
    Ok(Decided::new(
        vec![Event::RoleCreated {
            account: cx.account_id().to_string(),
            role: to_event::role(role),
        }],
        body,
    ))
}

/// `CreateServiceLinkedRole` for a service principal slrsim does not know (rules 3 on; rules 1 and 2
/// said that slrsim models only MediaTailor).
fn unknown_service(service: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidInput,
        crate::core::service_roles::unknown_service_message(service),
    )
}

/// The name of another service's role, with `_` and the custom suffix when one is given.
fn other_role_name(row: &crate::core::service_roles::ServiceRole, suffix: Option<&str>) -> String {
    match suffix {
        Some(s) => format!("{}_{s}", row.role_name),
        None => row.role_name.to_string(),
    }
}

/// `CreateServiceLinkedRole` for another service of [`crate::core::service_roles`] (authorised by
/// the caller): its protected role, as AWS creates it.
fn create_other_service_role(
    cx: &Ctx<'_>,
    p: &CreateServiceLinkedRoleParams,
    row: &crate::core::service_roles::ServiceRole,
) -> Result<Decided, ApiError> {
    if p.custom_suffix.is_some() && !row.custom_suffix {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Custom suffix is not allowed for {}", row.service),
        ));
    }
    let name = other_role_name(row, p.custom_suffix.as_deref());
    if name.chars().count() > limits::MAX_ROLE_NAME {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "The role name {} is longer than {} characters: choose a shorter suffix.",
                shown(&name),
                limits::MAX_ROLE_NAME
            ),
        ));
    }
    if cx.account.role_name_taken(&name) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "Service role name {name} has been taken in this account, please try a different suffix."
            ),
        ));
    }
    if cx.account.roles.len() >= limits::MAX_ROLES {
        return Err(roles_quota());
    }
    let path = crate::core::service_roles::role_path(row.service);
    let role = Role {
        arn: catalog::role_arn(cx.account_id(), &path, &name),
        role_name: name,
        path,
        role_id: cx.unique_id("AROA", "service-linked-role"),
        create_date: cx.now(),
        assume_role_policy_document: crate::core::service_roles::trust_policy(row.service),
        description: p.description.clone(),
        max_session_duration: catalog::SLR_MAX_SESSION_DURATION,
        max_signin_session_duration: None,
        tags: BTreeMap::new(),
        attached_policies: [row.policy_arn.to_string()].into_iter().collect(),
        inline_policies: BTreeMap::new(),
        permissions_boundary: None,
        service_linked: Some(row.service.to_string()),
        role_last_used: None,
    };
    let body = json!({"Role": response::role(&role, false)});
    Ok(Decided::new(
        vec![Event::RoleCreated {
            account: cx.account_id().to_string(),
            role: to_event::role(role),
        }],
        body,
    ))
}

fn roles_quota() -> ApiError {
    ApiError::new(
        ErrorCode::LimitExceeded,
        format!(
            "Cannot exceed quota for RolesPerAccount: {}",
            limits::MAX_ROLES
        ),
    )
}

pub(super) fn delete_service_linked_role(
    cx: &Ctx<'_>,
    p: &RoleNameParams,
) -> Result<Decided, ApiError> {
    let role = role_for(cx, "iam:DeleteServiceLinkedRole", &p.role_name)?;
    if role.service_linked.is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Role {} is not a service-linked role.", role.role_name),
        ));
    }
    if let Some(task) = cx.account.open_deletion_task(&role.role_name) {
        // AWS returns the unfinished task again rather than starting a second one.
        return Ok(Decided::read(
            json!({"DeletionTaskId": task.deletion_task_id}),
        ));
    }
    let id = format!(
        "task/aws-service-role/{}/{}/{}",
        role.service_linked
            .as_deref()
            .unwrap_or(MEDIATAILOR_SERVICE),
        role.role_name,
        cx.uuid("deletion-task")
    );
    let task = DeletionTask {
        deletion_task_id: id.clone(),
        role_name: role.role_name.clone(),
        role_id: role.role_id.clone(),
        created: cx.now(),
        created_seq: cx.seq,
        status: TaskStatus::NotStarted,
        updated: cx.now(),
        reason: None,
        finishes: super::faults::task_finish(cx.account, cx.now()),
    };
    Ok(Decided::new(
        vec![Event::DeletionTaskCreated {
            account: cx.account_id().to_string(),
            task: to_event::task(task),
        }],
        json!({"DeletionTaskId": id}),
    ))
}

/// The placeholder a scenario may give for "the account's most recent deletion task".
pub(super) const LAST_TASK: &str = "$last";

pub(super) fn deletion_status(cx: &Ctx<'_>, p: &DeletionStatusParams) -> Result<Decided, ApiError> {
    let latest;
    let id = if p.deletion_task_id == LAST_TASK {
        // `$last` is slrsim's shorthand: authorise as for the role's own task ids before saying
        // whether a task exists, so that the shorthand tells nobody more than AWS would.
        cx.authorize(
            &Request::new(
                "iam:GetServiceLinkedRoleDeletionStatus",
                &catalog::role_arn(cx.account_id(), catalog::SLR_PATH, catalog::SLR_NAME),
            ),
            Protocol::Iam,
        )?;
        latest = cx
            .account
            .latest_deletion_task()
            .map(|t| t.deletion_task_id.clone())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NoSuchEntity,
                    "No deletion task has been started in this account, so `$last` names none.",
                )
            })?;
        &latest
    } else {
        &p.deletion_task_id
    };
    validate::length(ErrorCode::ValidationError, "deletionTaskId", id, 1, 1000)?;
    // task/aws-service-role/<service>/<role name>/<uuid>
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() != 5
        || parts[0] != "task"
        || parts[1] != "aws-service-role"
        || parts.iter().any(|s| s.is_empty())
    {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!("Invalid deletion task id: {}", shown(id)),
        ));
    }
    let arn = catalog::role_arn(
        cx.account_id(),
        &format!("/aws-service-role/{}/", parts[2]),
        parts[3],
    );
    cx.authorize(
        &Request::new("iam:GetServiceLinkedRoleDeletionStatus", &arn),
        Protocol::Iam,
    )?;
    let task = cx.account.deletion_tasks.get(id).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("Deletion task {} cannot be found.", shown(id)),
        )
    })?;
    Ok(Decided::read(response::deletion_status(task)))
}

pub(super) fn get_role(cx: &Ctx<'_>, p: &RoleNameParams) -> Result<Decided, ApiError> {
    let role = read_role_for(cx, "iam:GetRole", &p.role_name)?;
    Ok(Decided::read(json!({"Role": response::role(role, true)})))
}

pub(super) fn list_roles(cx: &Ctx<'_>, p: &ListRolesParams) -> Result<Decided, ApiError> {
    let prefix = p.path_prefix.as_deref().unwrap_or("/");
    validate::length(
        ErrorCode::ValidationError,
        "pathPrefix",
        prefix,
        1,
        limits::MAX_PATH,
    )?;
    if !prefix.starts_with('/') || !prefix.chars().all(|c| ('\u{21}'..='\u{7f}').contains(&c)) {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                r"1 validation error detected: Value '{}' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*",
                shown(prefix)
            ),
        ));
    }
    let max = p.max_items.unwrap_or(100);
    validate::range(
        ErrorCode::ValidationError,
        "maxItems",
        max,
        1,
        limits::MAX_LIST_ROLES,
    )?;
    if let Some(m) = &p.marker {
        validate::length(ErrorCode::ValidationError, "marker", m, 1, 320)?;
    }
    let resource = format!("arn:aws:iam::{}:role/", cx.account_id());
    cx.authorize(&Request::new("iam:ListRoles", &resource), Protocol::Iam)?;
    // The marker is the name of the first role of the next page.
    let start = p.marker.clone().unwrap_or_default();
    // As reads see them (`SetConsistency`): the roles, and those deleted moments ago, less those
    // created moments ago.
    let now = cx.now();
    let names: std::collections::BTreeSet<&String> = cx
        .account
        .roles
        .range(start.clone()..)
        .chain(
            cx.account
                .deleted_roles
                .range(start..)
                .map(|(n, d)| (n, &d.role)),
        )
        .map(|(n, _)| n)
        .collect();
    let mut roles = names
        .into_iter()
        .filter_map(|n| cx.account.visible_role(n, now))
        .filter(|r| r.path.starts_with(prefix))
        .peekable();
    if let Some(first) = roles
        .peek()
        .filter(|_| cx.empty_first_page(p.marker.as_deref()))
    {
        return Ok(Decided::read(
            json!({"Roles": [], "IsTruncated": true, "Marker": first.role_name}),
        ));
    }
    // INVARIANT: max is in 1..=1000, checked above.
    let take = cx.page_take(usize::try_from(max).unwrap_or(100));
    let page: Vec<_> = roles
        .by_ref()
        .take(take)
        .map(|r| response::role(r, false))
        .collect();
    let next = roles.next();
    let mut body = json!({"Roles": page, "IsTruncated": next.is_some()});
    if let Some(n) = next {
        body["Marker"] = json!(n.role_name);
    }
    Ok(Decided::read(body))
}

pub(super) fn update_role_description(
    cx: &Ctx<'_>,
    p: &UpdateRoleDescriptionParams,
) -> Result<Decided, ApiError> {
    validate::description("description", &p.description)?;
    let role = role_for(cx, "iam:UpdateRoleDescription", &p.role_name)?;
    let mut updated = role.clone();
    updated.description = Some(p.description.clone());
    Ok(Decided::new(
        vec![Event::RoleDescriptionUpdated {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            description: p.description.clone(),
        }],
        json!({"Role": response::role(&updated, false)}),
    ))
}

pub(super) fn update_role(cx: &Ctx<'_>, p: &UpdateRoleParams) -> Result<Decided, ApiError> {
    if let Some(d) = &p.description {
        validate::description("description", d)?;
    }
    if let Some(m) = p.max_session_duration {
        validate::range(
            ErrorCode::ValidationError,
            "maxSessionDuration",
            m,
            3600,
            43200,
        )?;
    }
    if let Some(m) = p.max_signin_session_duration {
        validate::range(
            ErrorCode::ValidationError,
            "maxSigninSessionDuration",
            m,
            MIN_SIGNIN_SESSION_DURATION,
            MAX_SIGNIN_SESSION_DURATION,
        )?;
    }
    let reset = p.reset_max_signin_session_duration == Some(true);
    let role = role_for(cx, "iam:UpdateRole", &p.role_name)?;
    if reset && p.max_signin_session_duration.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            "You cannot specify MaxSigninSessionDuration and set ResetMaxSigninSessionDuration to true in the same request.",
        ));
    }
    if role.service_linked.is_some()
        && (p.max_session_duration.is_some() || p.max_signin_session_duration.is_some() || reset)
    {
        // Only the description of a service-linked role may be edited ("You cannot set this
        // value on a service-linked role", "You cannot reset this value on a service-linked role").
        return Err(unmodifiable(&role.role_name));
    }
    let mut events = Vec::new();
    if let Some(d) = &p.description {
        events.push(Event::RoleDescriptionUpdated {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            description: d.clone(),
        });
    }
    if let Some(m) = p.max_session_duration {
        events.push(Event::RoleMaxSessionDurationUpdated {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            max_session_duration: m,
        });
    }
    // Clearing a setting that is already unset has no effect (AWS's model): no event.
    let signin = match p.max_signin_session_duration {
        Some(m) => Some(Some(m)),
        None if reset && role.max_signin_session_duration.is_some() => Some(None),
        None => None,
    };
    if let Some(value) = signin {
        events.push(Event::RoleMaxSigninSessionDurationUpdated {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            max_signin_session_duration: value,
        });
    }
    Ok(Decided::new(events, json!({})))
}

fn validate_tags(tags: &[Tag]) -> Result<(), ApiError> {
    validate::list_length(
        ErrorCode::ValidationError,
        "tags",
        tags.len(),
        limits::MAX_TAGS,
    )?;
    for t in tags {
        validate::length(
            ErrorCode::ValidationError,
            "tags.member.key",
            &t.key,
            1,
            limits::MAX_TAG_KEY,
        )?;
        validate::length(
            ErrorCode::ValidationError,
            "tags.member.value",
            &t.value,
            0,
            limits::MAX_TAG_VALUE,
        )?;
        let ok = |s: &str| {
            s.chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c))
        };
        if !ok(&t.key) || !ok(&t.value) {
            return Err(ApiError::new(
                ErrorCode::ValidationError,
                format!(
                    r"1 validation error detected: Value '{}' at 'tags.member' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{{L}}\p{{Z}}\p{{N}}_.:/=+\-@]*",
                    shown(&t.key)
                ),
            ));
        }
    }
    Ok(())
}

pub(super) fn tag_role(cx: &Ctx<'_>, p: &TagRoleParams) -> Result<Decided, ApiError> {
    validate_tags(&p.tags)?;
    let role = role_for(cx, "iam:TagRole", &p.role_name)?;
    let mut merged = role.tags.clone();
    for t in &p.tags {
        merged.insert(t.key.clone(), t.value.clone());
    }
    if merged.len() > limits::MAX_TAGS {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!(
                "The number of tags has reached the maximum limit of {}.",
                limits::MAX_TAGS
            ),
        ));
    }
    Ok(Decided::new(
        vec![Event::RoleTagged {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            tags: to_event::tags(&p.tags),
        }],
        json!({}),
    ))
}

pub(super) fn create_role(cx: &Ctx<'_>, p: &CreateRoleParams) -> Result<Decided, ApiError> {
    validate::iam_name("roleName", &p.role_name, limits::MAX_ROLE_NAME)?;
    let path = p.path.as_deref().unwrap_or("/");
    validate::iam_path("path", path)?;
    validate::trust_policy_document("assumeRolePolicyDocument", &p.assume_role_policy_document)?;
    if let Some(d) = &p.description {
        validate::description("description", d)?;
    }
    let max = p.max_session_duration.unwrap_or(3600);
    validate::range(
        ErrorCode::ValidationError,
        "maxSessionDuration",
        max,
        3600,
        43200,
    )?;
    if let Some(m) = p.max_signin_session_duration {
        validate::range(
            ErrorCode::ValidationError,
            "maxSigninSessionDuration",
            m,
            MIN_SIGNIN_SESSION_DURATION,
            MAX_SIGNIN_SESSION_DURATION,
        )?;
    }
    if let Some(b) = &p.permissions_boundary {
        validate_policy_arn("permissionsBoundary", b)?;
    }
    let tags = p.tags.clone().unwrap_or_default();
    validate_tags(&tags)?;
    let arn = catalog::role_arn(cx.account_id(), path, &p.role_name);
    cx.authorize(&Request::new("iam:CreateRole", &arn), Protocol::Iam)?;
    if path.starts_with(catalog::SERVICE_ROLE_PATH_PREFIX) {
        return Err(ApiError::new(
            ErrorCode::InvalidInput,
            format!(
                "The path {} is reserved for service-linked roles; create them with CreateServiceLinkedRole.",
                catalog::SERVICE_ROLE_PATH_PREFIX
            ),
        ));
    }
    if cx.account.role_name_taken(&p.role_name) {
        return Err(ApiError::new(
            ErrorCode::EntityAlreadyExists,
            format!("Role with name {} already exists.", p.role_name),
        ));
    }
    if cx.account.roles.len() >= limits::MAX_ROLES {
        return Err(roles_quota());
    }
    let boundary = boundary_policy(p.permissions_boundary.as_deref())?;
    let role = Role {
        role_name: p.role_name.clone(),
        path: path.to_string(),
        role_id: cx.unique_id("AROA", "role"),
        arn,
        create_date: cx.now(),
        assume_role_policy_document: p.assume_role_policy_document.clone(),
        description: p.description.clone(),
        max_session_duration: max,
        max_signin_session_duration: p.max_signin_session_duration,
        tags: tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
        attached_policies: Default::default(),
        inline_policies: BTreeMap::new(),
        permissions_boundary: boundary,
        service_linked: None,
        role_last_used: None,
    };
    let body = json!({"Role": response::role(&role, false)});
    Ok(Decided::new(
        vec![Event::RoleCreated {
            account: cx.account_id().to_string(),
            role: to_event::role(role),
        }],
        body,
    ))
}

pub(super) fn delete_role(cx: &Ctx<'_>, p: &RoleNameParams) -> Result<Decided, ApiError> {
    let role = ordinary_role_for(cx, "iam:DeleteRole", &p.role_name)?;
    if !role.attached_policies.is_empty() {
        return Err(ApiError::new(
            ErrorCode::DeleteConflict,
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    if !role.inline_policies.is_empty() {
        return Err(ApiError::new(
            ErrorCode::DeleteConflict,
            "Cannot delete entity, must delete policies first.",
        ));
    }
    Ok(Decided::new(
        vec![Event::RoleDeleted {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
        }],
        json!({}),
    ))
}

pub(super) fn update_assume_role_policy(
    cx: &Ctx<'_>,
    p: &UpdateAssumeRolePolicyParams,
) -> Result<Decided, ApiError> {
    validate::policy_document_length("policyDocument", &p.policy_document)?;
    let role = ordinary_role_for(cx, "iam:UpdateAssumeRolePolicy", &p.role_name)?;
    validate::trust_policy_document("policyDocument", &p.policy_document)?;
    Ok(Decided::new(
        vec![Event::RoleTrustPolicyUpdated {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            document: p.policy_document.clone(),
        }],
        json!({}),
    ))
}

/// IAM's quota on the inline policies of one user or role: their sizes, whitespace excluded, with
/// `document` replacing any policy of the same `name`.
fn inline_quota(
    existing: &BTreeMap<String, String>,
    name: &str,
    document: &str,
    limit: usize,
    kind: &str,
    entity: &str,
) -> Result<(), ApiError> {
    let others: usize = existing
        .iter()
        .filter(|(n, _)| n.as_str() != name)
        .map(|(_, d)| validate::policy_size(d))
        .sum();
    if others + validate::policy_size(document) > limit {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!("Maximum policy size of {limit} bytes exceeded for {kind} {entity}"),
        ));
    }
    Ok(())
}

/// A policy ARN parameter: `field` is its name in AWS's validation messages.
fn validate_policy_arn(field: &str, arn: &str) -> Result<(), ApiError> {
    validate::length(ErrorCode::ValidationError, field, arn, 20, 2048)
}

/// The managed policy a `PermissionsBoundary` parameter names (length already checked), as
/// PutRolePermissionsBoundary finds it: unknown is `NoSuchEntity`, a service role policy is
/// `PolicyNotAttachable`. Its ARN, or `None` when no boundary is given.
fn boundary_policy(arn: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(arn) = arn else {
        return Ok(None);
    };
    let policy = managed_policy(arn)?;
    if policy.service_role_only {
        return Err(not_attachable());
    }
    Ok(Some(policy.arn.to_string()))
}

pub(super) fn managed_policy(arn: &str) -> Result<&'static catalog::ManagedPolicy, ApiError> {
    catalog::managed_policy(arn).ok_or_else(|| {
        ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("Policy {} does not exist or is not attachable.", shown(arn)),
        )
    })
}

pub(super) fn attach_role_policy(
    cx: &Ctx<'_>,
    p: &AttachRolePolicyParams,
) -> Result<Decided, ApiError> {
    validate_policy_arn("policyArn", &p.policy_arn)?;
    let role = ordinary_role_for(cx, "iam:AttachRolePolicy", &p.role_name)?;
    let policy = managed_policy(&p.policy_arn)?;
    if policy.service_role_only {
        return Err(not_attachable_to_role());
    }
    if !role.attached_policies.contains(policy.arn)
        && role.attached_policies.len() >= limits::MAX_ATTACHED_POLICIES
    {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!(
                "Cannot exceed quota for PoliciesPerRole: {}",
                limits::MAX_ATTACHED_POLICIES
            ),
        ));
    }
    Ok(Decided::new(
        vec![Event::RolePolicyAttached {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            policy_arn: policy.arn.to_string(),
        }],
        json!({}),
    ))
}

pub(super) fn detach_role_policy(
    cx: &Ctx<'_>,
    p: &AttachRolePolicyParams,
) -> Result<Decided, ApiError> {
    validate_policy_arn("policyArn", &p.policy_arn)?;
    let role = ordinary_role_for(cx, "iam:DetachRolePolicy", &p.role_name)?;
    if !role.attached_policies.contains(&p.policy_arn) {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("Policy {} was not found.", shown(&p.policy_arn)),
        ));
    }
    Ok(Decided::new(
        vec![Event::RolePolicyDetached {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            policy_arn: p.policy_arn.clone(),
        }],
        json!({}),
    ))
}

pub(super) fn put_role_policy(cx: &Ctx<'_>, p: &PutRolePolicyParams) -> Result<Decided, ApiError> {
    validate::iam_name("policyName", &p.policy_name, limits::MAX_POLICY_NAME)?;
    validate::policy_document_length("policyDocument", &p.policy_document)?;
    let role = ordinary_role_for(cx, "iam:PutRolePolicy", &p.role_name)?;
    validate::policy_document("policyDocument", &p.policy_document)?;
    inline_quota(
        &role.inline_policies,
        &p.policy_name,
        &p.policy_document,
        limits::MAX_ROLE_INLINE_POLICY_BYTES,
        "role",
        &role.role_name,
    )?;
    Ok(Decided::new(
        vec![Event::RoleInlinePolicyPut {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            policy_name: p.policy_name.clone(),
            document: p.policy_document.clone(),
        }],
        json!({}),
    ))
}

pub(super) fn delete_role_policy(
    cx: &Ctx<'_>,
    p: &RolePolicyNameParams,
) -> Result<Decided, ApiError> {
    validate::iam_name("policyName", &p.policy_name, limits::MAX_POLICY_NAME)?;
    let role = ordinary_role_for(cx, "iam:DeleteRolePolicy", &p.role_name)?;
    if !role.inline_policies.contains_key(&p.policy_name) {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!(
                "The role policy with name {} cannot be found.",
                p.policy_name
            ),
        ));
    }
    Ok(Decided::new(
        vec![Event::RoleInlinePolicyDeleted {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            policy_name: p.policy_name.clone(),
        }],
        json!({}),
    ))
}

pub(super) fn put_role_permissions_boundary(
    cx: &Ctx<'_>,
    p: &PutRolePermissionsBoundaryParams,
) -> Result<Decided, ApiError> {
    validate_policy_arn("permissionsBoundary", &p.permissions_boundary)?;
    let role = ordinary_role_for(cx, "iam:PutRolePermissionsBoundary", &p.role_name)?;
    let policy_arn = boundary_policy(Some(&p.permissions_boundary))?.unwrap_or_default();
    Ok(Decided::new(
        vec![Event::RolePermissionsBoundarySet {
            account: cx.account_id().to_string(),
            role_name: role.role_name.clone(),
            policy_arn,
        }],
        json!({}),
    ))
}

/// ListAttachedRolePolicies: the role's managed policies in ARN order, those whose path starts with
/// `PathPrefix`, a page at a time (the marker is the ARN the next page starts at).
pub(super) fn list_attached_role_policies(
    cx: &Ctx<'_>,
    p: &ListAttachedRolePoliciesParams,
) -> Result<Decided, ApiError> {
    let prefix = p.path_prefix.as_deref().unwrap_or("/");
    check_policy_path_prefix(prefix)?;
    let take = super::iam_reads::page_params(p.marker.as_deref(), p.max_items)?;
    let role = read_role_for(cx, "iam:ListAttachedRolePolicies", &p.role_name)?;
    let policies = role
        .attached_policies
        .iter()
        .filter(|arn| policy_path(arn).starts_with(prefix))
        .map(|arn| {
            let name = arn.rsplit('/').next().unwrap_or(arn);
            (arn.clone(), json!({"PolicyName": name, "PolicyArn": arn}))
        });
    let mut body = json!({});
    let list = super::iam_reads::page(cx, policies, p.marker.as_deref(), take, &mut body);
    body["AttachedPolicies"] = serde_json::Value::Array(list);
    Ok(Decided::read(body))
}

/// A managed policy's path: between `:policy` and its name (`/` for `arn:aws:iam::aws:policy/X`).
fn policy_path(arn: &str) -> &str {
    let Some((_, rest)) = arn.split_once(":policy") else {
        return "/";
    };
    match rest.rfind('/') {
        Some(i) => rest.get(..=i).unwrap_or("/"),
        None => "/",
    }
}

/// `((/[A-Za-z0-9\.,\+@=_-]+)*)/`, the model's pattern of a policy path prefix (1..=512 characters).
fn check_policy_path_prefix(prefix: &str) -> Result<(), ApiError> {
    validate::length(
        ErrorCode::ValidationError,
        "pathPrefix",
        prefix,
        1,
        limits::MAX_PATH,
    )?;
    let ok = prefix.strip_suffix('/').is_some_and(|inner| {
        inner.is_empty()
            || inner.strip_prefix('/').is_some_and(|segments| {
                segments.split('/').all(|s| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || ".,+@=_-".contains(c))
                })
            })
    });
    if !ok {
        return Err(ApiError::new(
            ErrorCode::ValidationError,
            format!(
                r"1 validation error detected: Value '{}' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: ((/[A-Za-z0-9\.,\+@=_-]+)*)/",
                shown(prefix)
            ),
        ));
    }
    Ok(())
}

pub(super) fn create_user(cx: &Ctx<'_>, p: &CreateUserParams) -> Result<Decided, ApiError> {
    validate::iam_name("userName", &p.user_name, limits::MAX_USER_NAME)?;
    let path = p.path.as_deref().unwrap_or("/");
    validate::iam_path("path", path)?;
    if let Some(b) = &p.permissions_boundary {
        validate_policy_arn("permissionsBoundary", b)?;
    }
    let tags = p.tags.clone().unwrap_or_default();
    validate_tags(&tags)?;
    let arn = catalog::user_arn(cx.account_id(), path, &p.user_name);
    cx.authorize(&Request::new("iam:CreateUser", &arn), Protocol::Iam)?;
    if cx.account.user_name_taken(&p.user_name) {
        return Err(ApiError::new(
            ErrorCode::EntityAlreadyExists,
            format!("User with name {} already exists.", p.user_name),
        ));
    }
    if cx.account.users.len() >= limits::MAX_USERS {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!(
                "Cannot exceed quota for UsersPerAccount: {}",
                limits::MAX_USERS
            ),
        ));
    }
    let boundary = boundary_policy(p.permissions_boundary.as_deref())?;
    let user = User {
        user_name: p.user_name.clone(),
        path: path.to_string(),
        user_id: cx.unique_id("AIDA", "user"),
        arn,
        create_date: cx.now(),
        inline_policies: BTreeMap::new(),
        attached_policies: Default::default(),
        access_keys: BTreeMap::new(),
        permissions_boundary: boundary,
        tags: tags.into_iter().map(|t| (t.key, t.value)).collect(),
    };
    let body = json!({"User": response::user(&user)});
    Ok(Decided::new(
        vec![Event::UserCreated {
            account: cx.account_id().to_string(),
            user: to_event::user(user),
        }],
        body,
    ))
}

/// Access keys one user may have (AWS's quota).
pub(super) const MAX_ACCESS_KEYS: usize = 2;

pub(super) fn create_access_key(
    cx: &Ctx<'_>,
    p: &CreateAccessKeyParams,
) -> Result<Decided, ApiError> {
    let name = match (&p.user_name, cx.caller()?) {
        (Some(n), _) => n.clone(),
        (None, crate::core::authz::Caller::User(u)) => u.user_name.clone(),
        (None, crate::core::authz::Caller::Root) => {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "slrsim gives the root user one access key, derived from the log's seed (`slrsim serve` prints it); name a user with UserName.",
            ));
        }
    };
    let user = user_for(cx, "iam:CreateAccessKey", &name)?;
    if user.access_keys.len() >= MAX_ACCESS_KEYS {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!("Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS}"),
        ));
    }
    let id = crate::core::ids::access_key_id(cx.state.seed, cx.seq, "access-key");
    let secret = crate::core::ids::secret_access_key(cx.state.seed, cx.seq, "access-key");
    let body = json!({"AccessKey": {
        "UserName": user.user_name,
        "AccessKeyId": id,
        "Status": "Active",
        "SecretAccessKey": secret,
        "CreateDate": crate::core::clock::format(cx.now()),
    }});
    Ok(Decided::new(
        vec![Event::AccessKeyCreated {
            account: cx.account_id().to_string(),
            user_name: user.user_name.clone(),
            access_key_id: id,
            created: cx.now(),
            created_seq: cx.seq,
        }],
        body,
    ))
}

pub(super) fn put_user_policy(cx: &Ctx<'_>, p: &PutUserPolicyParams) -> Result<Decided, ApiError> {
    validate::iam_name("policyName", &p.policy_name, limits::MAX_POLICY_NAME)?;
    validate::policy_document_length("policyDocument", &p.policy_document)?;
    let user = user_for(cx, "iam:PutUserPolicy", &p.user_name)?;
    validate::policy_document("policyDocument", &p.policy_document)?;
    inline_quota(
        &user.inline_policies,
        &p.policy_name,
        &p.policy_document,
        limits::MAX_USER_INLINE_POLICY_BYTES,
        "user",
        &user.user_name,
    )?;
    Ok(Decided::new(
        vec![Event::UserPolicyPut {
            account: cx.account_id().to_string(),
            user_name: user.user_name.clone(),
            policy_name: p.policy_name.clone(),
            document: p.policy_document.clone(),
        }],
        json!({}),
    ))
}

pub(super) fn delete_user_policy(
    cx: &Ctx<'_>,
    p: &UserPolicyNameParams,
) -> Result<Decided, ApiError> {
    validate::iam_name("policyName", &p.policy_name, limits::MAX_POLICY_NAME)?;
    let user = user_for(cx, "iam:DeleteUserPolicy", &p.user_name)?;
    if !user.inline_policies.contains_key(&p.policy_name) {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!(
                "The user policy with name {} cannot be found.",
                p.policy_name
            ),
        ));
    }
    Ok(Decided::new(
        vec![Event::UserPolicyDeleted {
            account: cx.account_id().to_string(),
            user_name: user.user_name.clone(),
            policy_name: p.policy_name.clone(),
        }],
        json!({}),
    ))
}

pub(super) fn attach_user_policy(
    cx: &Ctx<'_>,
    p: &AttachUserPolicyParams,
) -> Result<Decided, ApiError> {
    validate_policy_arn("policyArn", &p.policy_arn)?;
    let user = user_for(cx, "iam:AttachUserPolicy", &p.user_name)?;
    let policy = managed_policy(&p.policy_arn)?;
    if policy.service_role_only {
        return Err(not_attachable());
    }
    if !user.attached_policies.contains(policy.arn)
        && user.attached_policies.len() >= limits::MAX_ATTACHED_POLICIES
    {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!(
                "Cannot exceed quota for PoliciesPerUser: {}",
                limits::MAX_ATTACHED_POLICIES
            ),
        ));
    }
    Ok(Decided::new(
        vec![Event::UserPolicyAttached {
            account: cx.account_id().to_string(),
            user_name: user.user_name.clone(),
            policy_arn: policy.arn.to_string(),
        }],
        json!({}),
    ))
}

pub(super) fn detach_user_policy(
    cx: &Ctx<'_>,
    p: &AttachUserPolicyParams,
) -> Result<Decided, ApiError> {
    validate_policy_arn("policyArn", &p.policy_arn)?;
    let user = user_for(cx, "iam:DetachUserPolicy", &p.user_name)?;
    if !user.attached_policies.contains(&p.policy_arn) {
        return Err(ApiError::new(
            ErrorCode::NoSuchEntity,
            format!("Policy {} was not found.", shown(&p.policy_arn)),
        ));
    }
    Ok(Decided::new(
        vec![Event::UserPolicyDetached {
            account: cx.account_id().to_string(),
            user_name: user.user_name.clone(),
            policy_arn: p.policy_arn.clone(),
        }],
        json!({}),
    ))
}

/// STS GetCallerIdentity: who the caller is. AWS needs no permission for it ("no permissions are
/// required to perform this operation"; an explicit Deny does not stop it either), so it is not
/// authorised, only authenticated.
pub(super) fn get_caller_identity(cx: &Ctx<'_>) -> Result<Decided, ApiError> {
    let account = &cx.action.account;
    let body = match cx.caller()? {
        Caller::Root => json!({
            "UserId": account,
            "Account": account,
            "Arn": format!("arn:aws:iam::{account}:root"),
        }),
        Caller::User(u) => json!({
            "UserId": u.user_id,
            "Account": account,
            "Arn": u.arn,
        }),
    };
    Ok(Decided::read(body))
}
