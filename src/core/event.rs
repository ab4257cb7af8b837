//! Events: the facts an action produced. `apply` folds them into the state. Each stored event is tagged
//! with its type; the record around it carries the schema version (see `record`), so that a log written
//! today still replays after event types change.
//!
//! Events are the stored schema, so they are built only from types of their own ([`payload`]): never
//! from the state's or the actions' types, whose changes would otherwise silently change what is
//! written. `decide` converts into payloads when it makes an event, `apply` out of them when it folds.

use serde::{Deserialize, Serialize};

pub mod payload;

pub use payload::{
    AccessKey, DeletionTask, FailureReason, InteractionLog, LogConfiguration,
    PlaybackConfiguration, Role, RoleLastUsed, RoleUsage, SessionStats, Tag, TaskStatus, User,
};

/// One fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
#[allow(missing_docs)]
pub enum Event {
    /// The log began.
    Initialized {
        seed: u64,
        start: i64,
    },
    /// The simulated clock moved to `to`.
    ClockAdvanced {
        to: i64,
    },
    /// The scenario set the account's history.
    AccountHistorySet {
        account: String,
        used_before_slr_support: bool,
    },
    UserCreated {
        account: String,
        user: User,
    },
    /// An access key was created for a user. Its secret is derived from the seed and `created_seq`.
    AccessKeyCreated {
        account: String,
        user_name: String,
        access_key_id: String,
        created: i64,
        created_seq: u64,
    },
    UserPolicyPut {
        account: String,
        user_name: String,
        policy_name: String,
        document: String,
    },
    UserPolicyDeleted {
        account: String,
        user_name: String,
        policy_name: String,
    },
    UserPolicyAttached {
        account: String,
        user_name: String,
        policy_arn: String,
    },
    UserPolicyDetached {
        account: String,
        user_name: String,
        policy_arn: String,
    },
    /// A role was created (by a principal, or by MediaTailor on the account's behalf).
    RoleCreated {
        account: String,
        role: Role,
    },
    RoleDeleted {
        account: String,
        role_name: String,
    },
    RoleDescriptionUpdated {
        account: String,
        role_name: String,
        description: String,
    },
    RoleMaxSessionDurationUpdated {
        account: String,
        role_name: String,
        max_session_duration: i64,
    },
    RoleTagged {
        account: String,
        role_name: String,
        tags: Vec<Tag>,
    },
    RoleTrustPolicyUpdated {
        account: String,
        role_name: String,
        document: String,
    },
    RolePolicyAttached {
        account: String,
        role_name: String,
        policy_arn: String,
    },
    RolePolicyDetached {
        account: String,
        role_name: String,
        policy_arn: String,
    },
    RoleInlinePolicyPut {
        account: String,
        role_name: String,
        policy_name: String,
        document: String,
    },
    RoleInlinePolicyDeleted {
        account: String,
        role_name: String,
        policy_name: String,
    },
    RolePermissionsBoundarySet {
        account: String,
        role_name: String,
        policy_arn: String,
    },
    /// A service acted through the role.
    RoleUsed {
        account: String,
        role_name: String,
        region: String,
        at: i64,
    },
    DeletionTaskCreated {
        account: String,
        task: DeletionTask,
    },
    DeletionTaskStarted {
        account: String,
        task_id: String,
        at: i64,
    },
    DeletionTaskSucceeded {
        account: String,
        task_id: String,
        at: i64,
    },
    /// The service forgot a finished task (its retention passed).
    DeletionTaskForgotten {
        account: String,
        task_id: String,
        at: i64,
    },
    DeletionTaskFailed {
        account: String,
        task_id: String,
        at: i64,
        reason: FailureReason,
    },
    PlaybackConfigurationPut {
        account: String,
        region: String,
        config: PlaybackConfiguration,
    },
    PlaybackConfigurationDeleted {
        account: String,
        region: String,
        name: String,
    },
    LogConfigurationSet {
        account: String,
        region: String,
        name: String,
        log: LogConfiguration,
    },
    /// Viewer traffic: `logged` of `sessions` were chosen for logging; `carry` is the new sampling carry.
    SessionsServed {
        account: String,
        region: String,
        name: String,
        sessions: u64,
        logged: u64,
        carry: u64,
    },
    LogGroupCreated {
        account: String,
        region: String,
        name: String,
        arn: String,
        at: i64,
    },
    LogStreamCreated {
        account: String,
        region: String,
        group: String,
        name: String,
        arn: String,
        at: i64,
    },
    LogEventsPut {
        account: String,
        region: String,
        group: String,
        stream: String,
        count: u64,
        bytes: u64,
        at: i64,
    },
    /// Logged sessions whose logs could not be delivered.
    LogDeliveryLost {
        account: String,
        region: String,
        name: String,
        sessions: u64,
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
            Event::RoleTagged { .. } => "RoleTagged",
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
