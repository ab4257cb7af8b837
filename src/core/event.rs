//! Events: the facts an action produced. `apply` folds them into the state. Each stored event is tagged
//! with its type; the record around it carries the schema version (see `record`), so that a log written
//! today still replays after event types change.
//!
//! Events are the stored schema, so they are built only from types of their own ([`payload`]): never
//! from the state's or the actions' types, whose changes would otherwise silently change what is
//! written. `decide` converts into payloads when it makes an event, `apply` out of them when it folds.

#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

pub mod payload;

pub use payload::{
    AccessKey, DeletionTask, FailureReason, InteractionLog, LogConfiguration, LogDelivery,
    PlaybackConfiguration, PlaybackSettings, Role, RoleLastUsed, RoleUsage, SessionStats, Tag,
    TaskStatus, User,
};

/// One fact. Serialised with its variant's name as `type` beside its fields, in the order written here.
/// Every `account` is a 12-digit account id, every `region` an AWS region name, every time (`at`,
/// `start`, `to`, `created`) seconds since the epoch on the simulated clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Event {
    /// The log began.
    Initialized {
        /// The seed every id and secret of the log is derived from.
        seed: u64,
        /// Where the simulated clock starts.
        start: i64,
    },
    /// The simulated clock moved to `to`.
    ClockAdvanced {
        /// The new time; the clock never moves back.
        to: i64,
    },
    /// The scenario set the account's history.
    AccountHistorySet {
        /// The account.
        account: String,
        /// Whether the account used MediaTailor before service-linked role support (2021-09-15).
        used_before_slr_support: bool,
    },
    /// The scenario set how far the account's IAM reads lag behind its writes.
    ConsistencySet {
        /// The account.
        account: String,
        /// Seconds; 0 is off.
        delay_seconds: i64,
        /// Whether changes to a role lag too (absent: only its coming and going).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        updates: bool,
    },
    /// The scenario set how many sessions a minute viewers start on each of the account's playback
    /// configurations.
    ViewersSet {
        /// The account.
        account: String,
        /// Sessions a minute; 0 is no viewers.
        sessions_per_minute: i64,
    },
    /// Time passed with viewers watching: each of the account's playback configurations played
    /// `sessions` sessions (their `SessionsServed` and deliveries follow).
    ViewersWatched {
        /// The account.
        account: String,
        /// Seconds the viewers watched.
        seconds: i64,
        /// Sessions each configuration played.
        sessions: u64,
        /// Session-seconds carried to the next advance (under a minute's worth of one session).
        carry: i64,
    },
    /// The scenario turned throttling on (with its rate and burst) or off; every bucket starts full.
    ThrottlingSet {
        /// The setting; `None` turns throttling off.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        throttling: Option<payload::Throttling>,
    },
    /// The scenario set the faults the account's calls meet (`SetFaults`), replacing the last
    /// setting.
    FaultsSet {
        /// The account.
        account: String,
        /// The setting; empty turns every fault off.
        faults: payload::Faults,
    },
    /// An injected internal error struck a call (`SetFaults`): the call answered the service's
    /// internal error and changed nothing else.
    FaultInjected {
        /// The account.
        account: String,
        /// The operation that failed.
        operation: String,
        /// How many more of its calls will fail.
        remaining: u32,
    },
    /// An injected fault made a deletion task that would have succeeded fail (`SetFaults`); the
    /// task's `DeletionTaskFailed` follows.
    DeletionTaskFaulted {
        /// The account.
        account: String,
        /// The task's id.
        task_id: String,
        /// How many more deletion tasks will fail this way.
        remaining: u32,
    },
    /// A call took a token from its bucket (throttling is on): the bucket as the call left it.
    ThrottleTokenTaken {
        /// The account.
        account: String,
        /// The region, for a regional service (MediaTailor, CloudWatch Logs).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        region: Option<String>,
        /// The operation whose bucket it is.
        operation: String,
        /// What is left, in thousandths of a call.
        millitokens: u64,
        /// When (simulated seconds).
        at: i64,
    },
    /// An IAM user was created.
    UserCreated {
        /// The account.
        account: String,
        /// The user as created.
        user: User,
    },
    /// An access key was created for a user. Its secret is derived from the seed and `created_seq`.
    AccessKeyCreated {
        /// The account.
        account: String,
        /// The user's name.
        user_name: String,
        /// The key's id (`AKIA...`).
        access_key_id: String,
        /// When it was created.
        created: i64,
        /// The record that created it.
        created_seq: u64,
    },
    /// An inline policy was put on a user (added or replaced).
    UserPolicyPut {
        /// The account.
        account: String,
        /// The user's name.
        user_name: String,
        /// The policy's name.
        policy_name: String,
        /// The policy document, as JSON text.
        document: String,
    },
    /// An inline policy was deleted from a user.
    UserPolicyDeleted {
        /// The account.
        account: String,
        /// The user's name.
        user_name: String,
        /// The policy's name.
        policy_name: String,
    },
    /// A managed policy was attached to a user.
    UserPolicyAttached {
        /// The account.
        account: String,
        /// The user's name.
        user_name: String,
        /// The managed policy's ARN.
        policy_arn: String,
    },
    /// A managed policy was detached from a user.
    UserPolicyDetached {
        /// The account.
        account: String,
        /// The user's name.
        user_name: String,
        /// The managed policy's ARN.
        policy_arn: String,
    },
    /// A role was created (by a principal, or by MediaTailor on the account's behalf).
    RoleCreated {
        /// The account.
        account: String,
        /// The role as created.
        role: Role,
    },
    /// A role was deleted.
    RoleDeleted {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
    },
    /// A role's description was set.
    RoleDescriptionUpdated {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The new description.
        description: String,
    },
    /// A role's maximum session duration was set.
    RoleMaxSessionDurationUpdated {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The new maximum, in seconds.
        max_session_duration: i64,
    },
    /// A role's maximum AWS Sign-In session duration was set, or cleared (`None`).
    RoleMaxSigninSessionDurationUpdated {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The new maximum, in seconds; `None` when cleared.
        max_signin_session_duration: Option<i64>,
    },
    /// Tags were added to a role, or overwritten by key.
    RoleTagged {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The tags, in the order given.
        tags: Vec<Tag>,
    },
    /// Tags were removed from a role by key (keys it did not have are ignored, as IAM ignores them).
    RoleUntagged {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The keys, in the order given.
        tag_keys: Vec<String>,
    },
    /// A role's trust policy was replaced.
    RoleTrustPolicyUpdated {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The new trust policy, as JSON text.
        document: String,
    },
    /// A managed policy was attached to a role.
    RolePolicyAttached {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The managed policy's ARN.
        policy_arn: String,
    },
    /// A managed policy was detached from a role.
    RolePolicyDetached {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The managed policy's ARN.
        policy_arn: String,
    },
    /// An inline policy was put on a role (added or replaced).
    RoleInlinePolicyPut {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The policy's name.
        policy_name: String,
        /// The policy document, as JSON text.
        document: String,
    },
    /// An inline policy was deleted from a role.
    RoleInlinePolicyDeleted {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The policy's name.
        policy_name: String,
    },
    /// A role's permissions boundary was set.
    RolePermissionsBoundarySet {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// The boundary policy's ARN.
        policy_arn: String,
    },
    /// A service acted through the role.
    RoleUsed {
        /// The account.
        account: String,
        /// The role's name.
        role_name: String,
        /// Where the service acted.
        region: String,
        /// When.
        at: i64,
    },
    /// DeleteServiceLinkedRole started a deletion task.
    DeletionTaskCreated {
        /// The account.
        account: String,
        /// The task as created.
        task: DeletionTask,
    },
    /// The service picked a deletion task up.
    DeletionTaskStarted {
        /// The account.
        account: String,
        /// The task's id.
        task_id: String,
        /// When.
        at: i64,
    },
    /// A deletion task succeeded (a `RoleDeleted` follows if the role is still the lifetime it was for).
    DeletionTaskSucceeded {
        /// The account.
        account: String,
        /// The task's id.
        task_id: String,
        /// When.
        at: i64,
    },
    /// The service forgot a finished task (its retention passed).
    DeletionTaskForgotten {
        /// The account.
        account: String,
        /// The task's id.
        task_id: String,
        /// When.
        at: i64,
    },
    /// A deletion task failed: the role was still in use.
    DeletionTaskFailed {
        /// The account.
        account: String,
        /// The task's id.
        task_id: String,
        /// When.
        at: i64,
        /// What still used the role.
        reason: FailureReason,
    },
    /// A playback configuration was put (created, or replaced whole).
    PlaybackConfigurationPut {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The configuration as put (boxed: the largest payload; stored as itself).
        config: Box<PlaybackConfiguration>,
    },
    /// A playback configuration was deleted.
    PlaybackConfigurationDeleted {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The configuration's name.
        name: String,
    },
    /// A playback configuration's session logging was configured.
    LogConfigurationSet {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The configuration's name.
        name: String,
        /// The new log configuration.
        log: LogConfiguration,
    },
    /// A playback configuration's tags were changed (TagResource, UntagResource): these are its tags now.
    PlaybackConfigurationTagsSet {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The configuration's name.
        name: String,
        /// Every tag it now has, key to value.
        tags: std::collections::BTreeMap<String, String>,
    },
    /// Viewer traffic: `logged` of `sessions` were chosen for logging; `carry` is the new sampling carry.
    SessionsServed {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The configuration's name.
        name: String,
        /// Sessions served.
        sessions: u64,
        /// Of those, sessions chosen for logging.
        logged: u64,
        /// The sampling carry after these sessions (0..100).
        carry: u64,
    },
    /// A CloudWatch log group was created.
    LogGroupCreated {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The group's name.
        name: String,
        /// The group's ARN.
        arn: String,
        /// When.
        at: i64,
    },
    /// A CloudWatch log stream was created in a group.
    LogStreamCreated {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The group's name.
        group: String,
        /// The stream's name.
        name: String,
        /// The stream's ARN.
        arn: String,
        /// When.
        at: i64,
    },
    /// Log events were delivered to a stream.
    LogEventsPut {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The group's name.
        group: String,
        /// The stream's name.
        stream: String,
        /// How many events.
        count: u64,
        /// How many bytes.
        bytes: u64,
        /// When.
        at: i64,
        /// What the events were, for reading them back (rules 3 on; absent before).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delivery: Option<LogDelivery>,
    },
    /// Logged sessions whose logs could not be delivered.
    LogDeliveryLost {
        /// The account.
        account: String,
        /// The region.
        region: String,
        /// The configuration's name.
        name: String,
        /// How many logged sessions were lost.
        sessions: u64,
        /// Why.
        reason: String,
    },
}

impl Event {
    /// The account this event brings into being if it does not exist yet: only events that create
    /// something (a user, a role, a playback configuration, a log group, the account's history) do.
    /// Every other event names something that must already exist, and `apply` ignores it otherwise.
    pub fn creates_in_account(&self) -> Option<&str> {
        match self {
            Event::AccountHistorySet { account, .. }
            | Event::ConsistencySet { account, .. }
            | Event::ViewersSet { account, .. }
            | Event::FaultsSet { account, .. }
            | Event::UserCreated { account, .. }
            | Event::RoleCreated { account, .. }
            | Event::PlaybackConfigurationPut { account, .. }
            | Event::LogGroupCreated { account, .. } => Some(account),
            _ => None,
        }
    }

    /// The event's type name.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Initialized { .. } => "Initialized",
            Event::ClockAdvanced { .. } => "ClockAdvanced",
            Event::AccountHistorySet { .. } => "AccountHistorySet",
            Event::ConsistencySet { .. } => "ConsistencySet",
            Event::ViewersSet { .. } => "ViewersSet",
            Event::ViewersWatched { .. } => "ViewersWatched",
            Event::ThrottlingSet { .. } => "ThrottlingSet",
            Event::ThrottleTokenTaken { .. } => "ThrottleTokenTaken",
            Event::FaultsSet { .. } => "FaultsSet",
            Event::FaultInjected { .. } => "FaultInjected",
            Event::DeletionTaskFaulted { .. } => "DeletionTaskFaulted",
            Event::UserCreated { .. } => "UserCreated",
            Event::AccessKeyCreated { .. } => "AccessKeyCreated",
            Event::UserPolicyPut { .. } => "UserPolicyPut",
            Event::UserPolicyDeleted { .. } => "UserPolicyDeleted",
            Event::UserPolicyAttached { .. } => "UserPolicyAttached",
            Event::UserPolicyDetached { .. } => "UserPolicyDetached",
            Event::RoleCreated { .. } => "RoleCreated",
            Event::RoleDeleted { .. } => "RoleDeleted",
            Event::RoleDescriptionUpdated { .. } => "RoleDescriptionUpdated",
            Event::RoleMaxSessionDurationUpdated { .. } => "RoleMaxSessionDurationUpdated",
            Event::RoleMaxSigninSessionDurationUpdated { .. } => {
                "RoleMaxSigninSessionDurationUpdated"
            }
            Event::RoleTagged { .. } => "RoleTagged",
            Event::RoleUntagged { .. } => "RoleUntagged",
            Event::RoleTrustPolicyUpdated { .. } => "RoleTrustPolicyUpdated",
            Event::RolePolicyAttached { .. } => "RolePolicyAttached",
            Event::RolePolicyDetached { .. } => "RolePolicyDetached",
            Event::RoleInlinePolicyPut { .. } => "RoleInlinePolicyPut",
            Event::RoleInlinePolicyDeleted { .. } => "RoleInlinePolicyDeleted",
            Event::RolePermissionsBoundarySet { .. } => "RolePermissionsBoundarySet",
            Event::RoleUsed { .. } => "RoleUsed",
            Event::DeletionTaskCreated { .. } => "DeletionTaskCreated",
            Event::DeletionTaskStarted { .. } => "DeletionTaskStarted",
            Event::DeletionTaskSucceeded { .. } => "DeletionTaskSucceeded",
            Event::DeletionTaskFailed { .. } => "DeletionTaskFailed",
            Event::DeletionTaskForgotten { .. } => "DeletionTaskForgotten",
            Event::PlaybackConfigurationPut { .. } => "PlaybackConfigurationPut",
            Event::PlaybackConfigurationDeleted { .. } => "PlaybackConfigurationDeleted",
            Event::LogConfigurationSet { .. } => "LogConfigurationSet",
            Event::PlaybackConfigurationTagsSet { .. } => "PlaybackConfigurationTagsSet",
            Event::SessionsServed { .. } => "SessionsServed",
            Event::LogGroupCreated { .. } => "LogGroupCreated",
            Event::LogStreamCreated { .. } => "LogStreamCreated",
            Event::LogEventsPut { .. } => "LogEventsPut",
            Event::LogDeliveryLost { .. } => "LogDeliveryLost",
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// Every source file of the event module: `event.rs` and whatever lies under `event/`.
    fn event_sources() -> Vec<PathBuf> {
        let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
        let mut files = vec![core.join("event.rs")];
        let mut dirs = vec![core.join("event")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the event module's folder") {
                let path = entry.expect("a folder entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        files
    }

    /// The stored schema stands on its own: were an event to hold a state or an action type, changing
    /// that type would change what is written to disk without anyone touching the schema.
    #[test]
    fn events_name_no_state_or_action_type() {
        // Spelt in pieces so that this file does not name them itself.
        let banned = [
            concat!("sta", "te::"),
            concat!("act", "ion::"),
            concat!("core::", "state"),
            concat!("core::", "action"),
            // A grouped import could bring either in without spelling the paths above.
            concat!("core", "::{"),
        ];
        let files = event_sources();
        assert!(files.len() >= 2, "event.rs and its payload: {files:?}");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable source");
            for (n, line) in text.lines().enumerate() {
                for word in banned {
                    assert!(
                        !line.contains(word),
                        "{}:{}: names `{word}`: {line}",
                        file.display(),
                        n + 1
                    );
                }
            }
        }
    }
}
