//! `apply`: the pure reducer. It folds one event into the state. It never fails and never panics: an
//! event that names something missing (possible only in a hand-edited log) changes nothing, and
//! `verify` reports the log as not re-deciding to the same outcome.

use crate::core::event::Event;
use crate::core::state::{LogGroup, LogStream, State, TaskStatus};

/// Applies one event.
pub fn apply(mut state: State, event: &Event) -> State {
    apply_mut(&mut state, event);
    state
}

/// Applies one event in place (what `apply` does; used where moving the state is awkward).
pub fn apply_mut(state: &mut State, event: &Event) {
    // `None` is an event that names an account or region the state does not hold: nothing changes.
    let _ = fold(state, event);
}

/// Folds one event. Only events that create something ([`Event::creates_in_account`]) may bring an
/// account or region into being; any other naming a missing one returns `None` having changed nothing,
/// so a hand-made event cannot change the state's hash by leaving an empty account behind.
fn fold(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::Initialized { seed, start } => {
            state.set_seed(*seed);
            state.start = *start;
            state.now = *start;
        }
        Event::ClockAdvanced { to } => state.now = (*to).max(state.now),
        Event::AccountHistorySet {
            account,
            used_before_slr_support,
        } => {
            acct(state, account).used_media_tailor_before_slr_support = *used_before_slr_support;
        }
        Event::UserCreated { account, user } => state.insert_user(account, user.clone()),
        Event::AccessKeyCreated {
            account,
            user_name,
            access_key_id,
            created,
            created_seq,
        } => {
            state.insert_access_key(
                account,
                user_name,
                access_key_id,
                crate::core::state::AccessKey {
                    create_date: *created,
                    created_seq: *created_seq,
                },
            );
        }
        Event::UserPolicyPut {
            account,
            user_name,
            policy_name,
            document,
        } => {
            if let Some(u) = acct_existing(state, account)?.users.get_mut(user_name) {
                u.inline_policies
                    .insert(policy_name.clone(), document.clone());
            }
        }
        Event::UserPolicyDeleted {
            account,
            user_name,
            policy_name,
        } => {
            if let Some(u) = acct_existing(state, account)?.users.get_mut(user_name) {
                u.inline_policies.remove(policy_name);
            }
        }
        Event::UserPolicyAttached {
            account,
            user_name,
            policy_arn,
        } => {
            if let Some(u) = acct_existing(state, account)?.users.get_mut(user_name) {
                u.attached_policies.insert(policy_arn.clone());
            }
        }
        Event::UserPolicyDetached {
            account,
            user_name,
            policy_arn,
        } => {
            if let Some(u) = acct_existing(state, account)?.users.get_mut(user_name) {
                u.attached_policies.remove(policy_arn);
            }
        }
        Event::RoleCreated { account, role } => {
            acct(state, account)
                .roles
                .insert(role.role_name.clone(), role.clone());
        }
        Event::RoleDeleted { account, role_name } => {
            acct_existing(state, account)?.roles.remove(role_name);
        }
        Event::RoleDescriptionUpdated {
            account,
            role_name,
            description,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.description = Some(description.clone());
            }
        }
        Event::RoleMaxSessionDurationUpdated {
            account,
            role_name,
            max_session_duration,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.max_session_duration = *max_session_duration;
            }
        }
        Event::RoleTagged {
            account,
            role_name,
            tags,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                for t in tags {
                    r.tags.insert(t.key.clone(), t.value.clone());
                }
            }
        }
        Event::RoleTrustPolicyUpdated {
            account,
            role_name,
            document,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.assume_role_policy_document = document.clone();
            }
        }
        Event::RolePolicyAttached {
            account,
            role_name,
            policy_arn,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.attached_policies.insert(policy_arn.clone());
            }
        }
        Event::RolePolicyDetached {
            account,
            role_name,
            policy_arn,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.attached_policies.remove(policy_arn);
            }
        }
        Event::RoleInlinePolicyPut {
            account,
            role_name,
            policy_name,
            document,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.inline_policies
                    .insert(policy_name.clone(), document.clone());
            }
        }
        Event::RoleInlinePolicyDeleted {
            account,
            role_name,
            policy_name,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.inline_policies.remove(policy_name);
            }
        }
        Event::RolePermissionsBoundarySet {
            account,
            role_name,
            policy_arn,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.permissions_boundary = Some(policy_arn.clone());
            }
        }
        Event::RoleUsed {
            account,
            role_name,
            region,
            at,
        } => {
            if let Some(r) = acct_existing(state, account)?.roles.get_mut(role_name) {
                r.role_last_used = Some(crate::core::state::RoleLastUsed {
                    last_used_date: *at,
                    region: region.clone(),
                });
            }
        }
        Event::DeletionTaskCreated { account, task } => {
            acct_existing(state, account)?.insert_task(task.clone());
        }
        Event::DeletionTaskStarted {
            account,
            task_id,
            at,
        } => {
            acct_existing(state, account)?.update_task(task_id, |t| {
                if t.status == TaskStatus::NotStarted {
                    t.status = TaskStatus::InProgress;
                    t.updated = *at;
                }
            });
        }
        Event::DeletionTaskSucceeded {
            account,
            task_id,
            at,
        } => {
            acct_existing(state, account)?.update_task(task_id, |t| {
                if !t.status.is_finished() {
                    t.status = TaskStatus::Succeeded;
                    t.updated = *at;
                }
            });
        }
        Event::DeletionTaskFailed {
            account,
            task_id,
            at,
            reason,
        } => {
            acct_existing(state, account)?.update_task(task_id, |t| {
                if !t.status.is_finished() {
                    t.status = TaskStatus::Failed;
                    t.updated = *at;
                    t.reason = Some(reason.clone());
                }
            });
        }
        Event::DeletionTaskForgotten {
            account, task_id, ..
        } => {
            acct_existing(state, account)?.forget_task(task_id, |t| t.status.is_finished());
        }
        Event::PlaybackConfigurationPut {
            account,
            region,
            config,
        } => {
            region_mut(state, account, region)
                .playback_configurations
                .insert(config.name.clone(), config.clone());
        }
        Event::PlaybackConfigurationDeleted {
            account,
            region,
            name,
        } => {
            region_existing(state, account, region)?
                .playback_configurations
                .remove(name);
        }
        Event::LogConfigurationSet {
            account,
            region,
            name,
            log,
        } => {
            if let Some(c) = region_existing(state, account, region)?
                .playback_configurations
                .get_mut(name)
            {
                c.log_configuration = log.clone();
            }
        }
        Event::SessionsServed {
            account,
            region,
            name,
            sessions,
            logged,
            carry,
        } => {
            if let Some(c) = region_existing(state, account, region)?
                .playback_configurations
                .get_mut(name)
            {
                c.sessions.served = c.sessions.served.saturating_add(*sessions);
                c.sessions.logged = c.sessions.logged.saturating_add(*logged);
                c.sessions.carry = *carry;
            }
        }
        Event::LogGroupCreated {
            account,
            region,
            name,
            arn,
            at,
        } => {
            region_mut(state, account, region).log_groups.insert(
                name.clone(),
                LogGroup {
                    log_group_name: name.clone(),
                    arn: arn.clone(),
                    creation_time: *at,
                    streams: Default::default(),
                },
            );
        }
        Event::LogStreamCreated {
            account,
            region,
            group,
            name,
            arn,
            at,
        } => {
            if let Some(g) = region_existing(state, account, region)?
                .log_groups
                .get_mut(group)
            {
                g.streams.insert(
                    name.clone(),
                    LogStream {
                        log_stream_name: name.clone(),
                        arn: arn.clone(),
                        creation_time: *at,
                        first_event_timestamp: None,
                        last_event_timestamp: None,
                        event_count: 0,
                        stored_bytes: 0,
                    },
                );
            }
        }
        Event::LogEventsPut {
            account,
            region,
            group,
            stream,
            count,
            bytes,
            at,
        } => {
            if let Some(s) = region_existing(state, account, region)?
                .log_groups
                .get_mut(group)
                .and_then(|g| g.streams.get_mut(stream))
            {
                s.first_event_timestamp.get_or_insert(*at);
                s.last_event_timestamp = Some(*at);
                s.event_count = s.event_count.saturating_add(*count);
                s.stored_bytes = s.stored_bytes.saturating_add(*bytes);
            }
        }
        Event::LogDeliveryLost {
            account,
            region,
            name,
            sessions,
            reason,
        } => {
            if let Some(c) = region_existing(state, account, region)?
                .playback_configurations
                .get_mut(name)
            {
                c.sessions.lost = c.sessions.lost.saturating_add(*sessions);
                c.sessions.last_loss_reason = Some(reason.clone());
            }
        }
    }
    Some(())
}

fn acct_existing<'a>(
    state: &'a mut State,
    account: &str,
) -> Option<&'a mut crate::core::state::Account> {
    state.accounts.get_mut(account)
}

fn region_existing<'a>(
    state: &'a mut State,
    account: &str,
    region: &str,
) -> Option<&'a mut crate::core::state::RegionState> {
    acct_existing(state, account)?.regions.get_mut(region)
}

fn acct<'a>(state: &'a mut State, account: &str) -> &'a mut crate::core::state::Account {
    // Through the state, so a new account's root key is indexed.
    state.account_mut(account)
}

fn region_mut<'a>(
    state: &'a mut State,
    account: &str,
    region: &str,
) -> &'a mut crate::core::state::RegionState {
    acct(state, account)
        .regions
        .entry(region.to_string())
        .or_default()
}
