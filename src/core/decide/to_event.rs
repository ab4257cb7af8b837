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
        permissions_boundary,
        tags,
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
        permissions_boundary,
        tags,
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
        max_signin_session_duration,
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
        max_signin_session_duration,
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
        finishes,
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
        finishes,
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
        tags,
        settings,
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
        tags,
        settings,
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

/// A delivery of log events as the event stores it (its time is the event's `at`).
pub(super) fn log_delivery(d: state::Delivery) -> event::LogDelivery {
    event::LogDelivery {
        seq: d.seq,
        first_session: d.first_session,
        sessions: d.sessions,
        event_types: d.event_types,
        ads_url: d.ads_url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `convert` keeps every byte: the event writes what the state (or the action) would have.
    fn same_bytes<S: serde::Serialize + Clone, P: serde::Serialize>(
        s: &S,
        convert: impl Fn(S) -> P,
    ) {
        let before = serde_json::to_string(s).expect("json");
        assert_eq!(
            serde_json::to_string(&convert(s.clone())).expect("json"),
            before
        );
    }

    fn full_role() -> state::Role {
        state::Role {
            role_name: "r".into(),
            path: "/".into(),
            role_id: "AROA1".into(),
            arn: "arn:r".into(),
            create_date: 1,
            assume_role_policy_document: "{}".into(),
            description: Some("d".into()),
            max_session_duration: 3600,
            max_signin_session_duration: Some(7200),
            tags: [("k".to_string(), "v".to_string())].into(),
            attached_policies: ["arn:p".to_string()].into(),
            inline_policies: [("n".to_string(), "{}".to_string())].into(),
            permissions_boundary: Some("arn:b".into()),
            service_linked: Some("mediatailor.amazonaws.com".into()),
            role_last_used: Some(state::RoleLastUsed {
                last_used_date: 2,
                region: "us-west-2".into(),
            }),
        }
    }

    fn full_user() -> state::User {
        state::User {
            user_name: "u".into(),
            path: "/".into(),
            user_id: "AIDA1".into(),
            arn: "arn:u".into(),
            create_date: 1,
            inline_policies: [("n".to_string(), "{}".to_string())].into(),
            attached_policies: ["arn:p".to_string()].into(),
            access_keys: [(
                "AKIA1".to_string(),
                state::AccessKey {
                    create_date: 2,
                    created_seq: 3,
                },
            )]
            .into(),
            permissions_boundary: Some("arn:b".into()),
            tags: [("k".to_string(), "v".to_string())].into(),
        }
    }

    fn full_config() -> state::PlaybackConfiguration {
        let log = action::InteractionLog {
            publish_opt_in_event_types: Some(vec!["RAW_ADS_RESPONSE".into()]),
            exclude_event_types: None,
        };
        state::PlaybackConfiguration {
            name: "c".into(),
            arn: "arn:c".into(),
            video_content_source_url: Some("https://o".into()),
            ad_decision_server_url: None,
            slate_ad_url: Some("https://s".into()),
            playback_endpoint_prefix: "p".into(),
            session_initialization_endpoint_prefix: "s".into(),
            hls_manifest_endpoint_prefix: "h".into(),
            log_configuration: state::LogConfiguration {
                percent_enabled: 5,
                enabled_logging_strategies: vec!["VENDED_LOGS".into()],
                ads_interaction_log: Some(log),
                manifest_service_interaction_log: Some(Default::default()),
            },
            sessions: state::SessionStats {
                served: 1,
                logged: 2,
                lost: 3,
                carry: 4,
                last_loss_reason: Some("gone".into()),
            },
            tags: [("team".to_string(), "video".to_string())].into(),
            settings: event::PlaybackSettings {
                insertion_mode: Some("PLAYER_SELECT".into()),
                dash_configuration: Some(event::payload::DashConfigurationForPut {
                    mpd_location: Some("DISABLED".into()),
                    origin_manifest_type: None,
                }),
                personalization_threshold_seconds: Some(2),
                ..Default::default()
            },
        }
    }

    #[test]
    fn events_write_what_the_state_and_the_actions_would() {
        let full = full_role();
        same_bytes(&full, role);
        let bare = state::Role {
            description: None,
            max_signin_session_duration: None,
            permissions_boundary: None,
            service_linked: None,
            role_last_used: None,
            ..full
        };
        same_bytes(&bare, role);
        let full = full_user();
        same_bytes(&full, user);
        same_bytes(
            &state::User {
                access_keys: Default::default(),
                permissions_boundary: None,
                tags: Default::default(),
                ..full
            },
            user,
        );
        let reason = state::FailureReason {
            reason: "why".into(),
            role_usage_list: vec![state::RoleUsage {
                region: "us-east-1".into(),
                resources: vec!["arn:c".into()],
            }],
        };
        for status in [
            state::TaskStatus::NotStarted,
            state::TaskStatus::InProgress,
            state::TaskStatus::Succeeded,
            state::TaskStatus::Failed,
        ] {
            let t = state::DeletionTask {
                deletion_task_id: "task/x".into(),
                role_name: "r".into(),
                role_id: "AROA1".into(),
                created: 1,
                created_seq: 2,
                status,
                updated: 3,
                reason: (status == state::TaskStatus::Failed).then(|| reason.clone()),
                finishes: Some(40),
            };
            same_bytes(&t, task);
        }
        same_bytes(&full_config(), playback_configuration);
        same_bytes(&state::LogConfiguration::default(), log_configuration);
        let t = vec![action::Tag {
            key: "k".into(),
            value: "v".into(),
        }];
        assert_eq!(
            serde_json::to_string(&tags(&t)).expect("json"),
            serde_json::to_string(&t).expect("json")
        );
    }
}
