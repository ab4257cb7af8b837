//! Actions: what happens to an account. An AWS API call (with AWS's operation and parameter names) or
//! a simulation action (`AdvanceClock`, `ServeSessions`, `SetAccountHistory`). Actions are stored in the
//! log exactly as they were given, after parsing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::event::payload;
use crate::core::operation::Spec;

/// The account used when a scenario line names none.
pub const DEFAULT_ACCOUNT: &str = "111122223333";
/// The region used when a scenario line names none.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The caller that may do anything.
pub const ROOT: &str = "root";

/// One action: who, where, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// The 12-digit account id.
    pub account: String,
    /// `root` or the name of an IAM user of the account.
    pub caller: String,
    /// The region the call is sent to (IAM ignores it: IAM is global).
    pub region: String,
    /// The operation and its parameters.
    #[serde(flatten)]
    pub op: Operation,
}

impl Action {
    /// An action by `root` of the default account in the default region.
    pub fn root(op: Operation) -> Self {
        Action {
            account: DEFAULT_ACCOUNT.to_string(),
            caller: ROOT.to_string(),
            region: DEFAULT_REGION.to_string(),
            op,
        }
    }

    /// The same action in another account.
    pub fn in_account(mut self, account: &str) -> Self {
        self.account = account.to_string();
        self
    }

    /// The same action sent to another region.
    pub fn in_region(mut self, region: &str) -> Self {
        self.region = region.to_string();
        self
    }

    /// The same action made by another caller.
    pub fn by(mut self, caller: &str) -> Self {
        self.caller = caller.to_string();
        self
    }
}

/// A tag on a role or a user.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    /// 1..=128 characters.
    pub key: String,
    /// 0..=256 characters.
    pub value: String,
}

/// Every operation slrsim answers, with AWS's parameter names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "params")]
pub enum Operation {
    /// The first record of every log (not allowed in scenarios).
    Genesis(GenesisParams),
    // --- simulation actions ---
    /// Moves the simulated clock forward; the service does its due work (deletion tasks, retention).
    AdvanceClock(AdvanceClockParams),
    /// Viewer sessions played through a playback configuration; logging ones are delivered through the role.
    ServeSessions(ServeSessionsParams),
    /// Sets what the account did before service-linked roles existed (MediaTailor's legacy case).
    SetAccountHistory(SetAccountHistoryParams),
    /// Sets how far the account's IAM reads lag behind its writes (eventual consistency; 0 is off).
    SetConsistency(SetConsistencyParams),
    /// Turns throttling of AWS calls on or off: token buckets per account and operation, refilled as
    /// simulated time passes.
    SetThrottling(SetThrottlingParams),
    /// Sets the viewers watching every playback configuration of the account (the service at work):
    /// as simulated time passes they play sessions, and those a configuration logs are delivered
    /// through the role, which keeps it in use.
    SetViewers(SetViewersParams),
    /// Sets the faults the account's calls meet (internal errors, failed or slow deletion tasks,
    /// short or empty pages), replacing the last setting; `{}` turns every fault off.
    SetFaults(SetFaultsParams),
    /// A request `slrsim serve` refused before it reached an operation (bad signature, unknown key,
    /// unknown action, malformed parameters): recorded so a server's history is whole.
    RefusedRequest(RefusedRequestParams),
    // --- IAM: the service-linked role ---
    /// IAM `CreateServiceLinkedRole`: creates `AWSServiceRoleForMediaTailor`.
    CreateServiceLinkedRole(CreateServiceLinkedRoleParams),
    /// IAM `DeleteServiceLinkedRole`: starts a deletion task that MediaTailor checks.
    DeleteServiceLinkedRole(RoleNameParams),
    /// IAM `GetServiceLinkedRoleDeletionStatus`: a deletion task's status and, if it failed, why.
    GetServiceLinkedRoleDeletionStatus(DeletionStatusParams),
    // --- IAM: roles ---
    /// IAM `GetRole`.
    GetRole(RoleNameParams),
    /// IAM `ListRoles`, with its path prefix and paging.
    ListRoles(ListRolesParams),
    /// IAM `UpdateRoleDescription`: the one change the service-linked role allows.
    UpdateRoleDescription(UpdateRoleDescriptionParams),
    /// IAM `UpdateRole`: description and maximum session duration.
    UpdateRole(UpdateRoleParams),
    /// IAM `TagRole`.
    TagRole(TagRoleParams),
    /// IAM `CreateRole`: a customer role (refused for service role names).
    CreateRole(CreateRoleParams),
    /// IAM `DeleteRole` (refused for the service-linked role).
    DeleteRole(RoleNameParams),
    /// IAM `UpdateAssumeRolePolicy`: a role's trust policy.
    UpdateAssumeRolePolicy(UpdateAssumeRolePolicyParams),
    /// IAM `AttachRolePolicy`: a managed policy onto a role.
    AttachRolePolicy(AttachRolePolicyParams),
    /// IAM `DetachRolePolicy`.
    DetachRolePolicy(AttachRolePolicyParams),
    /// IAM `PutRolePolicy`: an inline policy of a role.
    PutRolePolicy(PutRolePolicyParams),
    /// IAM `DeleteRolePolicy`.
    DeleteRolePolicy(RolePolicyNameParams),
    /// IAM `PutRolePermissionsBoundary`.
    PutRolePermissionsBoundary(PutRolePermissionsBoundaryParams),
    /// IAM `ListAttachedRolePolicies`, with its path prefix and paging.
    ListAttachedRolePolicies(ListAttachedRolePoliciesParams),
    // --- IAM: what infrastructure tools read (and untag) on a role, and managed policies ---
    /// IAM `ListRoleTags`, with paging.
    ListRoleTags(RolePageParams),
    /// IAM `UntagRole`: removes tags by key (allowed on the service-linked role, as `TagRole` is).
    UntagRole(UntagRoleParams),
    /// IAM `ListRolePolicies`: the names of a role's inline policies, with paging.
    ListRolePolicies(RolePageParams),
    /// IAM `GetRolePolicy`: one inline policy of a role.
    GetRolePolicy(RolePolicyNameParams),
    /// IAM `ListInstanceProfilesForRole` (slrsim has no instance profiles: always empty).
    ListInstanceProfilesForRole(RolePageParams),
    /// IAM `GetPolicy`: an AWS managed policy slrsim knows, with its attachment counts in the account.
    GetPolicy(PolicyArnParams),
    /// IAM `GetPolicyVersion`: a managed policy's document.
    GetPolicyVersion(PolicyVersionParams),
    /// IAM `ListPolicyVersions`.
    ListPolicyVersions(PolicyPageParams),
    /// IAM `ListEntitiesForPolicy`: the users and roles of the account a managed policy is attached to.
    ListEntitiesForPolicy(ListEntitiesForPolicyParams),
    // --- IAM: users ---
    /// IAM `CreateUser`: a principal whose policies decide what its calls may do.
    CreateUser(CreateUserParams),
    /// IAM `CreateAccessKey`: a key a user signs requests with.
    CreateAccessKey(CreateAccessKeyParams),
    /// IAM `PutUserPolicy`: an inline policy of a user.
    PutUserPolicy(PutUserPolicyParams),
    /// IAM `DeleteUserPolicy`.
    DeleteUserPolicy(UserPolicyNameParams),
    /// IAM `AttachUserPolicy`: a managed policy onto a user.
    AttachUserPolicy(AttachUserPolicyParams),
    /// IAM `DetachUserPolicy`.
    DetachUserPolicy(AttachUserPolicyParams),
    // --- STS ---
    /// STS `GetCallerIdentity`: who signed the request.
    GetCallerIdentity(GetCallerIdentityParams),
    // --- MediaTailor ---
    /// MediaTailor `PutPlaybackConfiguration`: creates or replaces a playback configuration.
    /// (Boxed: its parameters are the largest of any operation.)
    PutPlaybackConfiguration(Box<PutPlaybackConfigurationParams>),
    /// MediaTailor `GetPlaybackConfiguration`.
    GetPlaybackConfiguration(PlaybackNameParams),
    /// MediaTailor `ListPlaybackConfigurations`, with paging.
    ListPlaybackConfigurations(ListPlaybackConfigurationsParams),
    /// MediaTailor `DeletePlaybackConfiguration`.
    DeletePlaybackConfiguration(PlaybackNameParams),
    /// MediaTailor `ConfigureLogsForPlaybackConfiguration`: the percentage of sessions logged; enabling it creates the service-linked role.
    ConfigureLogsForPlaybackConfiguration(ConfigureLogsParams),
    /// MediaTailor `TagResource`: adds tags to a playback configuration.
    TagResource(TagResourceParams),
    /// MediaTailor `UntagResource`: removes tags from a playback configuration.
    UntagResource(UntagResourceParams),
    /// MediaTailor `ListTagsForResource`: a playback configuration's tags.
    ListTagsForResource(ResourceArnParams),
    // --- CloudWatch Logs ---
    /// CloudWatch Logs `DescribeLogGroups`.
    DescribeLogGroups(DescribeLogGroupsParams),
    /// CloudWatch Logs `DescribeLogStreams`.
    DescribeLogStreams(DescribeLogStreamsParams),
    /// CloudWatch Logs `GetLogEvents`: the events MediaTailor delivered to one stream.
    GetLogEvents(GetLogEventsParams),
    /// CloudWatch Logs `FilterLogEvents`: a group's events, filtered.
    FilterLogEvents(FilterLogEventsParams),
}

impl Operation {
    /// Builds an operation from its name and its parameters as JSON (how every protocol and the
    /// scenario format arrive at one). On failure: the parameter at fault, if one is, and serde's
    /// message.
    pub fn from_parts(
        name: &str,
        params: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, (Option<String>, String)> {
        let mut tagged = serde_json::Map::new();
        tagged.insert(
            "op".to_string(),
            serde_json::Value::String(name.to_string()),
        );
        tagged.insert("params".to_string(), serde_json::Value::Object(params));
        // serde_path_to_error says which parameter a type error is in ("params.Tags[0].Key").
        serde_path_to_error::deserialize(serde_json::Value::Object(tagged)).map_err(|e| {
            let path = e.path().to_string();
            let field = path.strip_prefix("params.").map(String::from);
            (field, e.into_inner().to_string())
        })
    }

    /// The operation's name as AWS spells it.
    pub fn name(&self) -> &'static str {
        self.spec().name
    }

    /// The operation's facts: service, permission, resource, route (see [`crate::core::operation`]).
    pub fn spec(&self) -> &'static Spec {
        self.kind().spec()
    }

    /// Whether this is a call to a global service (IAM, STS): its region is only where it was signed.
    pub fn is_global(&self) -> bool {
        self.spec().is_global()
    }

    /// Whether this is a simulation action rather than an AWS call (not authorised: no principal makes it).
    pub fn is_simulation(&self) -> bool {
        self.spec().is_simulation()
    }
}

/// Genesis: the log's seed and start time.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GenesisParams {
    /// Seed of every derived id.
    pub seed: u64,
    /// Start of the simulated clock, seconds since the epoch.
    pub start: i64,
    /// The version of the rules the log is decided by (`core::rules::RULES` when slrsim writes it);
    /// absent in logs written before rules had versions, which were decided by version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<u32>,
}

/// AdvanceClock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AdvanceClockParams {
    /// Seconds to move the clock forward.
    pub seconds: i64,
}

/// ServeSessions: viewer traffic on one playback configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ServeSessionsParams {
    /// The playback configuration (in the action's region).
    pub playback_configuration_name: String,
    /// How many sessions to serve.
    pub sessions: i64,
    /// `DEBUG` (case-sensitive, as `aws.logMode=DEBUG`): the sessions play in debug log mode, so
    /// every one is logged, with every event type, manifest service logs included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_mode: Option<String>,
}

/// RefusedRequest: what the server knew of a request it refused, and the error it answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RefusedRequestParams {
    /// The service the request addressed (`iam`, `mediatailor`, `logs`), or what the server made of it.
    pub service: String,
    /// The operation, when the request named one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// The access key the request was signed with, when it carried one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    /// The error answered.
    pub code: crate::core::error::ErrorCode,
    /// Its message.
    pub message: String,
    /// For a signed request refused as malformed: what was sent (`METHOD uri`, a newline, and the
    /// start of the body), at most [`crate::core::limits::MAX_REFUSAL_EXCERPT`] bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
}

/// GetCallerIdentity (STS): no parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetCallerIdentityParams {}

/// SetAccountHistory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SetAccountHistoryParams {
    /// Whether the account used MediaTailor before 2021-09-15.
    pub used_media_tailor_before_slr_support: bool,
}

/// SetConsistency: how many simulated seconds IAM reads lag behind writes in this account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SetConsistencyParams {
    /// 0 (off, reads see every write at once) ..= [`crate::core::limits::MAX_CONSISTENCY_DELAY`].
    pub delay_seconds: i64,
    /// Whether changes to a role (its description, tags, policies, trust policy, boundary, session
    /// durations) lag too: reads see the role as it was until the lag has passed. Absent: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<bool>,
}

/// SetViewers: how many sessions a minute viewers start on each playback configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SetViewersParams {
    /// 0 (no viewers) ..= [`crate::core::limits::MAX_VIEWER_SESSIONS_PER_MINUTE`].
    pub sessions_per_minute: i64,
}

/// SetThrottling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SetThrottlingParams {
    /// Whether AWS calls are throttled from now on.
    pub enabled: bool,
    /// Calls a second each operation's bucket refills with, 0.001..=1000 in steps of 0.001
    /// (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_second: Option<serde_json::Number>,
    /// Calls a full bucket holds, 1..=1000 (default: the rate rounded up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
}

/// SetFaults: every member is optional, and what is left out is off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SetFaultsParams {
    /// Operations whose next calls answer the service's internal error, at most
    /// [`crate::core::limits::MAX_FAULT_OPERATIONS`], each named once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internal_errors: Vec<InternalErrorFault>,
    /// How many of the next deletion tasks of MediaTailor's role that would succeed fail instead,
    /// for a service reason (0..=[`crate::core::limits::MAX_DELETION_TASK_FAILURES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_task_failures: Option<i64>,
    /// Seconds a deletion task created while this is set takes to finish
    /// ([`crate::core::limits::MIN_DELETION_TASK_SECONDS`]..=[`crate::core::limits::MAX_DELETION_TASK_SECONDS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_task_seconds: Option<i64>,
    /// The most items a page of any paged list call holds (1..=[`crate::core::limits::MAX_FAULT_PAGE_SIZE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<i64>,
    /// A paged list call without a marker answers an empty page whose marker leads to the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_first_pages: Option<bool>,
}

/// One operation's internal errors in `SetFaults`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InternalErrorFault {
    /// An AWS operation slrsim serves, such as `GetRole`.
    pub operation: String,
    /// How many of its next calls fail (1..=[`crate::core::limits::MAX_FAULT_COUNT`]).
    pub count: i64,
}

/// CreateServiceLinkedRole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceLinkedRoleParams {
    /// The service principal, `mediatailor.amazonaws.com`.
    #[serde(rename = "AWSServiceName")]
    pub aws_service_name: String,
    /// Optional description.
    #[serde(
        rename = "Description",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// Not allowed for MediaTailor.
    #[serde(
        rename = "CustomSuffix",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub custom_suffix: Option<String>,
}

/// Calls that take only a role name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RoleNameParams {
    /// The role's name.
    pub role_name: String,
}

/// GetServiceLinkedRoleDeletionStatus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DeletionStatusParams {
    /// The task id DeleteServiceLinkedRole returned.
    pub deletion_task_id: String,
}

/// ListRoles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListRolesParams {
    /// Only roles whose path starts with this (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<i64>,
}

/// UpdateRoleDescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateRoleDescriptionParams {
    /// The role's name.
    pub role_name: String,
    /// The new description.
    pub description: String,
}

/// UpdateRole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateRoleParams {
    /// The role's name.
    pub role_name: String,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A new maximum session duration, 3600..=43200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<i64>,
    /// A new maximum AWS Sign-In session duration, 3600..=7776000 (not on a service-linked role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_signin_session_duration: Option<i64>,
    /// `true` clears the maximum sign-in session duration (not with `MaxSigninSessionDuration`, not
    /// on a service-linked role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_max_signin_session_duration: Option<bool>,
}

/// TagRole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagRoleParams {
    /// The role's name.
    pub role_name: String,
    /// Tags to add or overwrite.
    pub tags: Vec<Tag>,
}

/// CreateRole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateRoleParams {
    /// The role's name.
    pub role_name: String,
    /// The trust policy, as a JSON string.
    pub assume_role_policy_document: String,
    /// The path (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// 3600..=43200 (default 3600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_session_duration: Option<i64>,
    /// The maximum AWS Sign-In session duration, 3600..=7776000 (unset when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_signin_session_duration: Option<i64>,
    /// The ARN of the managed policy that is the role's permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// ListAttachedRolePolicies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListAttachedRolePoliciesParams {
    /// The role's name.
    pub role_name: String,
    /// Only policies whose path starts with this (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<i64>,
}

/// UpdateAssumeRolePolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UpdateAssumeRolePolicyParams {
    /// The role's name.
    pub role_name: String,
    /// The new trust policy, as a JSON string.
    pub policy_document: String,
}

/// AttachRolePolicy and DetachRolePolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AttachRolePolicyParams {
    /// The role's name.
    pub role_name: String,
    /// The managed policy's ARN.
    pub policy_arn: String,
}

/// PutRolePolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutRolePolicyParams {
    /// The role's name.
    pub role_name: String,
    /// The inline policy's name.
    pub policy_name: String,
    /// The policy, as a JSON string.
    pub policy_document: String,
}

/// CreateAccessKey.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateAccessKeyParams {
    /// The user the key is for (default: the calling user).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

/// DeleteRolePolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RolePolicyNameParams {
    /// The role's name.
    pub role_name: String,
    /// The inline policy's name.
    pub policy_name: String,
}

/// PutRolePermissionsBoundary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutRolePermissionsBoundaryParams {
    /// The role's name.
    pub role_name: String,
    /// The boundary policy's ARN.
    pub permissions_boundary: String,
}

/// CreateUser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CreateUserParams {
    /// The user's name.
    pub user_name: String,
    /// The path (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The ARN of the managed policy that is the user's permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
}

/// PutUserPolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutUserPolicyParams {
    /// The user's name.
    pub user_name: String,
    /// The inline policy's name.
    pub policy_name: String,
    /// The policy, as a JSON string.
    pub policy_document: String,
}

/// DeleteUserPolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UserPolicyNameParams {
    /// The user's name.
    pub user_name: String,
    /// The inline policy's name.
    pub policy_name: String,
}

/// AttachUserPolicy and DetachUserPolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AttachUserPolicyParams {
    /// The user's name.
    pub user_name: String,
    /// The managed policy's ARN.
    pub policy_arn: String,
}

/// PutPlaybackConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PutPlaybackConfigurationParams {
    /// The configuration's name.
    pub name: String,
    /// Where the content comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_content_source_url: Option<String>,
    /// The ad decision server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_decision_server_url: Option<String>,
    /// The slate ad.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slate_ad_url: Option<String>,
    /// Tags, key to value (`tags` on the wire, as AWS's model names it; `Tags` in scenarios, the
    /// member's name). Given, they are added to the configuration's tags (a key given again takes
    /// the new value); tags not given stay, as on AWS, where only UntagResource removes a tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<std::collections::BTreeMap<String, String>>,
    /// Ad suppression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avail_suppression: Option<payload::AvailSuppression>,
    /// Bumpers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bumper: Option<payload::Bumper>,
    /// Content delivery network prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdn_configuration: Option<payload::CdnConfiguration>,
    /// Player parameter aliases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_aliases: Option<BTreeMap<String, BTreeMap<String, String>>>,
    /// DASH settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dash_configuration: Option<payload::DashConfigurationForPut>,
    /// `STITCHED_ONLY` or `PLAYER_SELECT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insertion_mode: Option<String>,
    /// Live pre-roll ads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_pre_roll_configuration: Option<payload::LivePreRollConfiguration>,
    /// Manifest processing rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_processing_rules: Option<payload::ManifestProcessingRules>,
    /// Most underfilled ad time in a break, in seconds (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub personalization_threshold_seconds: Option<i64>,
    /// A custom transcode profile's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcode_profile_name: Option<String>,
    /// Ad conditioning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_conditioning_configuration: Option<payload::AdConditioningConfiguration>,
    /// How requests to the ad decision server are made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad_decision_server_configuration: Option<payload::AdDecisionServerConfiguration>,
    /// Lifecycle hook event name to function identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_mapping: Option<BTreeMap<String, String>>,
    /// Programmatic ads from Amazon Publisher Services for unsold ad time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yield_optimization_configuration: Option<payload::YieldOptimizationConfiguration>,
    /// How long MediaTailor waits for the ad decision server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_personalization_timeouts: Option<payload::AdsPersonalizationTimeouts>,
    /// How many ad requests MediaTailor makes at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_personalization_concurrency: Option<payload::AdsPersonalizationConcurrency>,
    /// Whether MediaTailor adds its own beacons to the ad tracking response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beaconing_configuration: Option<payload::BeaconingConfiguration>,
}

impl PutPlaybackConfigurationParams {
    /// The settings this call puts, beyond the URLs and tags.
    pub fn settings(&self) -> payload::PlaybackSettings {
        payload::PlaybackSettings {
            avail_suppression: self.avail_suppression.clone(),
            bumper: self.bumper.clone(),
            cdn_configuration: self.cdn_configuration.clone(),
            configuration_aliases: self.configuration_aliases.clone(),
            dash_configuration: self.dash_configuration.clone(),
            insertion_mode: self.insertion_mode.clone(),
            live_pre_roll_configuration: self.live_pre_roll_configuration.clone(),
            manifest_processing_rules: self.manifest_processing_rules.clone(),
            personalization_threshold_seconds: self.personalization_threshold_seconds,
            transcode_profile_name: self.transcode_profile_name.clone(),
            ad_conditioning_configuration: self.ad_conditioning_configuration.clone(),
            ad_decision_server_configuration: self.ad_decision_server_configuration.clone(),
            function_mapping: self.function_mapping.clone(),
            yield_optimization_configuration: self.yield_optimization_configuration.clone(),
            ads_personalization_timeouts: self.ads_personalization_timeouts.clone(),
            ads_personalization_concurrency: self.ads_personalization_concurrency.clone(),
            beaconing_configuration: self.beaconing_configuration.clone(),
        }
    }
}

/// TagResource (MediaTailor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TagResourceParams {
    /// The resource's ARN (a playback configuration's).
    pub resource_arn: String,
    /// Tags to add, key to value (`tags` on the wire).
    pub tags: BTreeMap<String, String>,
}

/// UntagResource (MediaTailor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UntagResourceParams {
    /// The resource's ARN (a playback configuration's).
    pub resource_arn: String,
    /// Keys of the tags to remove (`tagKeys` in the query string, repeated).
    pub tag_keys: Vec<String>,
}

/// ListTagsForResource (MediaTailor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ResourceArnParams {
    /// The resource's ARN (a playback configuration's).
    pub resource_arn: String,
}

/// Calls that take only a playback configuration name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PlaybackNameParams {
    /// The configuration's name.
    pub name: String,
}

/// ListPlaybackConfigurations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListPlaybackConfigurationsParams {
    /// Page size, 1..=100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<i64>,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The opt-in and exclusion lists of an interaction log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InteractionLog {
    /// Event types to publish in addition to the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_opt_in_event_types: Option<Vec<String>>,
    /// Event types not to publish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_event_types: Option<Vec<String>>,
}

/// ConfigureLogsForPlaybackConfiguration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ConfigureLogsParams {
    /// The configuration's name.
    pub playback_configuration_name: String,
    /// 0..=100: the share of sessions logged; 0 deactivates logging.
    pub percent_enabled: i64,
    /// `VENDED_LOGS` and/or `LEGACY_CLOUDWATCH` (default `LEGACY_CLOUDWATCH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_logging_strategies: Option<Vec<String>>,
    /// Ad decision server interaction log settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ads_interaction_log: Option<InteractionLog>,
    /// Manifest service interaction log settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_service_interaction_log: Option<InteractionLog>,
}

/// DescribeLogGroups (CloudWatch Logs spells its parameters in camelCase).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DescribeLogGroupsParams {
    /// Only groups whose name starts with this (not with `logGroupNamePattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name_prefix: Option<String>,
    /// Only groups whose name holds this, case-sensitively (not with `logGroupNamePrefix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name_pattern: Option<String>,
    /// Page size, 1..=50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// Cross-account observability: also the linked source accounts' groups (slrsim has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_linked_accounts: Option<bool>,
    /// With `includeLinkedAccounts`: the accounts to search (0..=20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_identifiers: Option<Vec<String>>,
    /// Only groups of this class: `STANDARD`, `INFREQUENT_ACCESS` or `DELIVERY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_class: Option<String>,
    /// Only these groups (names, or ARNs of this account's groups), 1..=50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_identifiers: Option<Vec<String>>,
}

/// DescribeLogStreams.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DescribeLogStreamsParams {
    /// The group (exactly one of this and `logGroupIdentifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    /// The group's name or ARN (exactly one of this and `logGroupName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_identifier: Option<String>,
    /// Only streams whose name starts with this (not with `orderBy` `LastEventTime`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_stream_name_prefix: Option<String>,
    /// `LogStreamName` (the default) or `LastEventTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// Newest or last name first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descending: Option<bool>,
    /// Page size, 1..=50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// GetLogEvents: one stream's events, a page at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetLogEventsParams {
    /// The group (exactly one of this and `logGroupIdentifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    /// The group's name or ARN (exactly one of this and `logGroupName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_identifier: Option<String>,
    /// The stream.
    pub log_stream_name: String,
    /// Events at or after this time (milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Events before this time (milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// A `nextForwardToken` or `nextBackwardToken` of an earlier answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// Events in a page, 1..=10000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// The earliest events first (default: the latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_from_head: Option<bool>,
    /// Show masked data (nothing is masked here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmask: Option<bool>,
}

/// FilterLogEvents: a group's events across its streams, by time, stream and filter pattern.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterLogEventsParams {
    /// The group (exactly one of this and `logGroupIdentifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    /// The group's name or ARN (exactly one of this and `logGroupName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_identifier: Option<String>,
    /// Only these streams, 1..=100 (not with `logStreamNamePrefix`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_stream_names: Option<Vec<String>>,
    /// Only streams whose name starts with this (not with `logStreamNames`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_stream_name_prefix: Option<String>,
    /// Events at or after this time (milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Events at or before this time (milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// The filter pattern (README: which forms slrsim understands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_pattern: Option<String>,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    /// Events in a page, 1..=10000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// The earliest events first (`true`, the default, and the only order slrsim serves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_from_head: Option<bool>,
    /// Ignored by AWS since 2019 (events are always interleaved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interleaved: Option<bool>,
    /// Show masked data (nothing is masked here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmask: Option<bool>,
}

// --- IAM: what infrastructure tools read (and untag) on a role, and managed policies ---

/// ListRoleTags, ListRolePolicies and ListInstanceProfilesForRole: a role and a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RolePageParams {
    /// The role's name.
    pub role_name: String,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<i64>,
}

/// UntagRole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UntagRoleParams {
    /// The role's name.
    pub role_name: String,
    /// The keys of the tags to remove (`TagKeys.member.N` on the wire), at most 50.
    pub tag_keys: Vec<String>,
}

/// GetPolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyArnParams {
    /// The managed policy's ARN.
    pub policy_arn: String,
}

/// GetPolicyVersion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyVersionParams {
    /// The managed policy's ARN.
    pub policy_arn: String,
    /// The version, `v1`, `v2`, ...
    pub version_id: String,
}

/// ListPolicyVersions: a managed policy and a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyPageParams {
    /// The managed policy's ARN.
    pub policy_arn: String,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<i64>,
}

/// ListEntitiesForPolicy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListEntitiesForPolicyParams {
    /// The managed policy's ARN.
    pub policy_arn: String,
    /// `User`, `Role`, `Group`, `LocalManagedPolicy` or `AWSManagedPolicy`: only entities of that kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_filter: Option<String>,
    /// Only entities whose path starts with this (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// `PermissionsPolicy` (attached) or `PermissionsBoundary` (set as boundary); both when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_usage_filter: Option<String>,
    /// Where the previous page ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<i64>,
}
