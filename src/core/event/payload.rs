//! The things events carry whole: a user, a role, a deletion task, a playback configuration, a log
//! configuration, tags. They are the stored schema's own types, kept apart from the state's and the
//! actions' look-alikes so that changing those changes nothing on disk. Each one serialises exactly as
//! the schema-1 logs spell it: the same field names in the same order, the same optional fields left
//! out, the same enum spellings. Changing one means a new schema version and an upcaster in
//! `log::record`; converting to and from the state lives in `apply` and `decide`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// An IAM user as created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Name.
    pub user_name: String,
    /// Path.
    pub path: String,
    /// `AIDA...`.
    pub user_id: String,
    /// ARN.
    pub arn: String,
    /// When it was created (seconds since the epoch).
    pub create_date: i64,
    /// Inline policies: name → policy document (JSON text).
    pub inline_policies: BTreeMap<String, String>,
    /// Attached managed policy ARNs.
    pub attached_policies: BTreeSet<String>,
    /// Access keys by id. Left out when there are none, as every schema-1 log writes it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub access_keys: BTreeMap<String, AccessKey>,
    /// Permissions boundary ARN. Left out when there is none, as every log before it writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// Tags: key → value. Left out when there are none, as every log before them writes it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// An IAM user's access key. Its secret is never stored: it is derived from the seed and `created_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// When it was created (seconds since the epoch).
    pub create_date: i64,
    /// The record that created it.
    pub created_seq: u64,
}

/// When and where a service last acted through a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLastUsed {
    /// When (seconds since the epoch).
    pub last_used_date: i64,
    /// In which region.
    pub region: String,
}

/// An IAM role as created: ordinary, or service-linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Name.
    pub role_name: String,
    /// Path.
    pub path: String,
    /// `AROA...`, new in each lifetime of the role.
    pub role_id: String,
    /// ARN.
    pub arn: String,
    /// When it was created (seconds since the epoch).
    pub create_date: i64,
    /// The trust policy, as JSON text.
    pub assume_role_policy_document: String,
    /// Description (written as `null` when absent).
    pub description: Option<String>,
    /// Maximum session duration in seconds, 3600..=43200.
    pub max_session_duration: i64,
    /// Maximum AWS Sign-In session duration in seconds, 3600..=7776000. Left out when unset, as
    /// every log before it writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_signin_session_duration: Option<i64>,
    /// Tags: key → value.
    pub tags: BTreeMap<String, String>,
    /// Attached managed policy ARNs.
    pub attached_policies: BTreeSet<String>,
    /// Inline policies: name → policy document (JSON text).
    pub inline_policies: BTreeMap<String, String>,
    /// Permissions boundary ARN.
    pub permissions_boundary: Option<String>,
    /// The service the role is linked to; `None` for an ordinary role.
    pub service_linked: Option<String>,
    /// When and where a service last acted through the role.
    pub role_last_used: Option<RoleLastUsed>,
}

/// A deletion task's status, spelt as AWS spells it (`NOT_STARTED`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Accepted, not yet picked up.
    NotStarted,
    /// The service is checking the role's use.
    InProgress,
    /// The role is gone.
    Succeeded,
    /// The role is still in use.
    Failed,
}

/// The resources in one region that still use the role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleUsage {
    /// The region.
    pub region: String,
    /// Playback configuration ARNs.
    pub resources: Vec<String>,
}

/// Why a deletion failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailureReason {
    /// Text for the user.
    pub reason: String,
    /// What still uses the role, by region.
    pub role_usage_list: Vec<RoleUsage>,
}

/// A service-linked role deletion task as created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionTask {
    /// `task/aws-service-role/<service>/<role>/<uuid>`.
    pub deletion_task_id: String,
    /// The role being deleted.
    pub role_name: String,
    /// The RoleId of the role's lifetime being deleted.
    pub role_id: String,
    /// When DeleteServiceLinkedRole was called (seconds since the epoch).
    pub created: i64,
    /// The record that created the task.
    pub created_seq: u64,
    /// Status when created.
    pub status: TaskStatus,
    /// When the status last changed (seconds since the epoch).
    pub updated: i64,
    /// Why it failed, when it did.
    pub reason: Option<FailureReason>,
}

/// The opt-in and exclusion lists of an interaction log; an absent list is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct InteractionLog {
    /// Event types published in addition to the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_opt_in_event_types: Option<Vec<String>>,
    /// Event types not published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_event_types: Option<Vec<String>>,
}

/// A playback configuration's session-logging settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogConfiguration {
    /// 0..=100; 0 means deactivated.
    pub percent_enabled: i64,
    /// `VENDED_LOGS` and/or `LEGACY_CLOUDWATCH`.
    pub enabled_logging_strategies: Vec<String>,
    /// Ad decision server interaction log settings.
    pub ads_interaction_log: Option<InteractionLog>,
    /// Manifest service interaction log settings.
    pub manifest_service_interaction_log: Option<InteractionLog>,
}

/// Counters of viewer traffic on a configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStats {
    /// Sessions served.
    pub served: u64,
    /// Sessions chosen for logging.
    pub logged: u64,
    /// Logged sessions whose logs could not be delivered.
    pub lost: u64,
    /// Sampling carry (0..100).
    pub carry: u64,
    /// Why the last loss happened.
    pub last_loss_reason: Option<String>,
}

/// A MediaTailor playback configuration as put.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybackConfiguration {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// Content origin.
    pub video_content_source_url: Option<String>,
    /// Ad decision server.
    pub ad_decision_server_url: Option<String>,
    /// Slate ad.
    pub slate_ad_url: Option<String>,
    /// Playback endpoint prefix.
    pub playback_endpoint_prefix: String,
    /// Session initialization endpoint prefix.
    pub session_initialization_endpoint_prefix: String,
    /// HLS manifest endpoint prefix.
    pub hls_manifest_endpoint_prefix: String,
    /// Session logging.
    pub log_configuration: LogConfiguration,
    /// Viewer traffic so far.
    pub sessions: SessionStats,
    /// Tags, key to value; left out when empty (so a configuration without tags is stored as
    /// before configurations had them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// A tag on a role, spelt `{"Key": ..., "Value": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    /// The tag's key.
    pub key: String,
    /// The tag's value.
    pub value: String,
}
