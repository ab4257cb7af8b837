//! State and action → event payload: what `decide` writes into the events it makes. Each conversion
//! names every field of its source (no `..`), so a field added to the state or to an action does not
//! compile until someone decides whether the stored schema gains it (a new schema version, see
//! `log::record`) or not.

use crate::core::action;
use crate::core::event;
use crate::core::state;

/// A user as `UserCreated` records it.
pub(super) fn user(u: state::User) -> event::User {
    let state::User {
        user_name,
        path,
        user_id,
        arn,
        create_date,
        inline_policies,
        attached_policies,
        access_keys,
    } = u;
    event::User {
        user_name,
        path,
        user_id,
        arn,
        create_date,
        inline_policies,
        attached_policies,
        access_keys: access_keys
            .into_iter()
            .map(|(id, k)| {
                let state::AccessKey {
                    create_date,
                    created_seq,
                } = k;
                let key = event::AccessKey {
                    create_date,
                    created_seq,
                };
                (id, key)
            })
            .collect(),
    }
}

/// A role as `RoleCreated` records it.
pub(super) fn role(r: state::Role) -> event::Role {
    let state::Role {
        role_name,
        path,
        role_id,
        arn,
        create_date,
        assume_role_policy_document,
        description,
        max_session_duration,
        tags,
        attached_policies,
        inline_policies,
        permissions_boundary,
        service_linked,
        role_last_used,
    } = r;
    event::Role {
        role_name,
        path,
        role_id,
        arn,
        create_date,
        assume_role_policy_document,
        description,
        max_session_duration,
        tags,
        attached_policies,
        inline_policies,
        permissions_boundary,
        service_linked,
        role_last_used: role_last_used.map(|u| {
            let state::RoleLastUsed {
                last_used_date,
                region,
            } = u;
            event::RoleLastUsed {
                last_used_date,
                region,
            }
        }),
    }
}

/// Tags as `RoleTagged` records them.
pub(super) fn tags(tags: &[action::Tag]) -> Vec<event::Tag> {
    tags.iter()
        .map(|t| {
            let action::Tag { key, value } = t;
            event::Tag {
                key: key.clone(),
                value: value.clone(),
            }
        })
        .collect()
}

/// A deletion task as `DeletionTaskCreated` records it.
pub(super) fn task(t: state::DeletionTask) -> event::DeletionTask {
    let state::DeletionTask {
        deletion_task_id,
        role_name,
        role_id,
        created,
        created_seq,
        status,
        updated,
        reason,
    } = t;
    event::DeletionTask {
        deletion_task_id,
        role_name,
        role_id,
        created,
        created_seq,
        status: match status {
            state::TaskStatus::NotStarted => event::TaskStatus::NotStarted,
            state::TaskStatus::InProgress => event::TaskStatus::InProgress,
            state::TaskStatus::Succeeded => event::TaskStatus::Succeeded,
            state::TaskStatus::Failed => event::TaskStatus::Failed,
        },
        updated,
        reason: reason.map(failure_reason),
    }
}

/// Why a deletion failed, as `DeletionTaskFailed` records it.
pub(super) fn failure_reason(f: state::FailureReason) -> event::FailureReason {
    let state::FailureReason {
        reason,
        role_usage_list,
    } = f;
    event::FailureReason {
        reason,
        role_usage_list: role_usage_list
            .into_iter()
            .map(|u| {
                let state::RoleUsage { region, resources } = u;
                event::RoleUsage { region, resources }
            })
            .collect(),
    }
}

/// A playback configuration as `PlaybackConfigurationPut` records it.
pub(super) fn playback_configuration(
    c: state::PlaybackConfiguration,
) -> event::PlaybackConfiguration {
    let state::PlaybackConfiguration {
        name,
        arn,
        video_content_source_url,
        ad_decision_server_url,
        slate_ad_url,
        playback_endpoint_prefix,
        session_initialization_endpoint_prefix,
        hls_manifest_endpoint_prefix,
        log_configuration: log,
        sessions,
    } = c;
    let state::SessionStats {
        served,
        logged,
        lost,
        carry,
        last_loss_reason,
    } = sessions;
    event::PlaybackConfiguration {
        name,
        arn,
        video_content_source_url,
        ad_decision_server_url,
        slate_ad_url,
        playback_endpoint_prefix,
        session_initialization_endpoint_prefix,
        hls_manifest_endpoint_prefix,
        log_configuration: log_configuration(log),
        sessions: event::SessionStats {
            served,
            logged,
            lost,
            carry,
            last_loss_reason,
        },
    }
}

/// A log configuration as `LogConfigurationSet` records it.
pub(super) fn log_configuration(l: state::LogConfiguration) -> event::LogConfiguration {
    let state::LogConfiguration {
        percent_enabled,
        enabled_logging_strategies,
        ads_interaction_log,
        manifest_service_interaction_log,
    } = l;
    event::LogConfiguration {
        percent_enabled,
        enabled_logging_strategies,
        ads_interaction_log: ads_interaction_log.map(interaction_log),
        manifest_service_interaction_log: manifest_service_interaction_log.map(interaction_log),
    }
}

fn interaction_log(l: action::InteractionLog) -> event::InteractionLog {
    let action::InteractionLog {
        publish_opt_in_event_types,
        exclude_event_types,
    } = l;
    event::InteractionLog {
        publish_opt_in_event_types,
        exclude_event_types,
    }
}
