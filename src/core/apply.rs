//! `apply`: the pure reducer. It folds one event into the state. It never fails and never panics: an
//! event that names something missing (possible only in a hand-edited log) changes nothing, and
//! `verify` reports the log as not re-deciding to the same outcome.
//!
//! Events carry the stored schema's own types ([`crate::core::event::payload`]); the conversions into
//! the state's types live here, at the one place that reads events into the state, so that a change to
//! the state is a change to these functions and never to what the log says.

use crate::core::action;
use crate::core::event::{self, Event};
use crate::core::state::{self, LogGroup, LogStream, State, TaskStatus};

/// Applies one event.
pub fn apply(mut state: State, event: &Event) -> State {
    apply_mut(&mut state, event);
    state
}

/// Applies one event in place (what `apply` does; used where moving the state is awkward).
pub fn apply_mut(state: &mut State, event: &Event) {
    // `None` is an event that names something the state does not hold: nothing changes.
    let _ = fold(state, event);
}

// The event families, as patterns. `fold` sends each family to its function, and each function names
// the other families in its last arm instead of a wildcard: a new event type fails to compile until
// it is put in a family and that family's function handles it.
macro_rules! clock_and_account_events {
    () => {
        Event::Initialized { .. }
            | Event::ClockAdvanced { .. }
            | Event::AccountHistorySet { .. }
            | Event::ConsistencySet { .. }
            | Event::ViewersSet { .. }
            | Event::ViewersWatched { .. }
            | Event::ThrottlingSet { .. }
            | Event::ThrottleTokenTaken { .. }
            | Event::FaultsSet { .. }
            | Event::FaultInjected { .. }
            | Event::DeletionTaskFaulted { .. }
    };
}
macro_rules! user_events {
    () => {
        Event::UserCreated { .. }
            | Event::AccessKeyCreated { .. }
            | Event::UserPolicyPut { .. }
            | Event::UserPolicyDeleted { .. }
            | Event::UserPolicyAttached { .. }
            | Event::UserPolicyDetached { .. }
    };
}
macro_rules! role_events {
    () => {
        Event::RoleCreated { .. }
            | Event::RoleDeleted { .. }
            | Event::RoleDescriptionUpdated { .. }
            | Event::RoleMaxSessionDurationUpdated { .. }
            | Event::RoleMaxSigninSessionDurationUpdated { .. }
            | Event::RoleTagged { .. }
            | Event::RoleUntagged { .. }
            | Event::RoleUsed { .. }
    };
}
macro_rules! role_policy_events {
    () => {
        Event::RoleTrustPolicyUpdated { .. }
            | Event::RolePolicyAttached { .. }
            | Event::RolePolicyDetached { .. }
            | Event::RoleInlinePolicyPut { .. }
            | Event::RoleInlinePolicyDeleted { .. }
            | Event::RolePermissionsBoundarySet { .. }
    };
}
macro_rules! deletion_task_events {
    () => {
        Event::DeletionTaskCreated { .. }
            | Event::DeletionTaskStarted { .. }
            | Event::DeletionTaskSucceeded { .. }
            | Event::DeletionTaskFailed { .. }
            | Event::DeletionTaskForgotten { .. }
    };
}
macro_rules! mediatailor_events {
    () => {
        Event::PlaybackConfigurationPut { .. }
            | Event::PlaybackConfigurationDeleted { .. }
            | Event::LogConfigurationSet { .. }
            | Event::PlaybackConfigurationTagsSet { .. }
            | Event::SessionsServed { .. }
            | Event::LogDeliveryLost { .. }
    };
}
macro_rules! logs_events {
    () => {
        Event::LogGroupCreated { .. } | Event::LogStreamCreated { .. } | Event::LogEventsPut { .. }
    };
}

/// Folds one event. Only events that create something ([`Event::creates_in_account`]) may bring an
/// account or region into being; any other naming a missing one returns `None` having changed nothing,
/// so a hand-made event cannot change the state's hash by leaving an empty account behind.
fn fold(state: &mut State, event: &Event) -> Option<()> {
    match event {
        clock_and_account_events!() => fold_clock_and_account(state, event),
        user_events!() => fold_user(state, event),
        role_events!() => {
            remember_version(state, event);
            fold_role(state, event)
        }
        role_policy_events!() => {
            remember_version(state, event);
            fold_role_policy(state, event)
        }
        deletion_task_events!() => fold_deletion_task(state, event),
        mediatailor_events!() => fold_mediatailor(state, event),
        logs_events!() => fold_logs(state, event),
    }
}

/// Before a change to a role, keeps the role as it was for reads while the account's changes lag
/// (`SetConsistency` with `Updates`). Its coming and going, and MediaTailor's use of it, are not
/// changes that reads see late.
fn remember_version(state: &mut State, event: &Event) {
    let (account, role_name) = match event {
        Event::RoleDescriptionUpdated {
            account, role_name, ..
        }
        | Event::RoleMaxSessionDurationUpdated {
            account, role_name, ..
        }
        | Event::RoleMaxSigninSessionDurationUpdated {
            account, role_name, ..
        }
        | Event::RoleTagged {
            account, role_name, ..
        }
        | Event::RoleUntagged {
            account, role_name, ..
        }
        | Event::RoleTrustPolicyUpdated {
            account, role_name, ..
        }
        | Event::RolePolicyAttached {
            account, role_name, ..
        }
        | Event::RolePolicyDetached {
            account, role_name, ..
        }
        | Event::RoleInlinePolicyPut {
            account, role_name, ..
        }
        | Event::RoleInlinePolicyDeleted {
            account, role_name, ..
        }
        | Event::RolePermissionsBoundarySet {
            account, role_name, ..
        } => (account, role_name),
        Event::RoleCreated { account, role } => {
            if let Some(a) = state.accounts.get_mut(account) {
                a.role_versions.remove(&role.role_name);
            }
            return;
        }
        Event::RoleDeleted { account, role_name } => {
            if let Some(a) = state.accounts.get_mut(account) {
                a.role_versions.remove(role_name);
            }
            return;
        }
        _ => return,
    };
    let now = state.now;
    if let Some(a) = state.accounts.get_mut(account) {
        a.remember_version(role_name, now);
    }
}

fn fold_clock_and_account(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::Initialized { seed, start } => {
            state.set_seed(*seed);
            state.start = *start;
            state.now = *start;
        }
        Event::ClockAdvanced { to } => {
            state.now = (*to).max(state.now);
            let now = state.now;
            for a in state.accounts.values_mut() {
                a.forget_unseen_deletions(now);
            }
        }
        Event::ConsistencySet { .. } | Event::ViewersSet { .. } | Event::ViewersWatched { .. } => {
            fold_lag_and_viewers(state, event);
        }
        Event::AccountHistorySet {
            account,
            used_before_slr_support,
        } => {
            acct(state, account).used_media_tailor_before_slr_support = *used_before_slr_support;
        }
        Event::FaultsSet { .. }
        | Event::FaultInjected { .. }
        | Event::DeletionTaskFaulted { .. } => {
            fold_faults(state, event)?;
        }
        Event::ThrottlingSet { throttling } => {
            state.throttling = *throttling;
            state.buckets.clear();
        }
        Event::ThrottleTokenTaken {
            account,
            region,
            operation,
            millitokens,
            at,
        } => {
            state.buckets.insert(
                (
                    account.clone(),
                    region.clone().unwrap_or_default(),
                    operation.clone(),
                ),
                crate::core::state::Bucket {
                    millitokens: *millitokens,
                    at: *at,
                },
            );
        }
        // `fold` sends only this family here.
        user_events!()
        | role_events!()
        | role_policy_events!()
        | deletion_task_events!()
        | mediatailor_events!()
        | logs_events!() => return None,
    }
    Some(())
}

/// IAM's lag (`SetConsistency`) and the viewers at work (`SetViewers`, and the carry of a fraction
/// of a session after each advance).
fn fold_lag_and_viewers(state: &mut State, event: &Event) {
    match event {
        Event::ConsistencySet {
            account,
            delay_seconds,
            updates,
        } => {
            let now = state.now;
            let a = acct(state, account);
            a.consistency_delay = (*delay_seconds).max(0);
            a.stale_updates = *updates && a.consistency_delay > 0;
            a.forget_unseen_deletions(now);
        }
        Event::ViewersSet {
            account,
            sessions_per_minute,
        } => {
            let a = acct(state, account);
            a.viewers_per_minute = (*sessions_per_minute).max(0);
            a.viewer_carry = 0;
        }
        Event::ViewersWatched { account, carry, .. } => {
            if let Some(a) = state.accounts.get_mut(account) {
                a.viewer_carry = *carry;
            }
        }
        // `fold_clock_and_account` sends only these here.
        _ => {}
    }
}

/// The injected faults' events (`SetFaults`): the setting, and each strike's count.
fn fold_faults(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::FaultsSet { account, faults } => {
            acct(state, account).faults = faults.clone();
        }
        Event::FaultInjected {
            account,
            operation,
            remaining,
        } => {
            let faults = &mut acct_existing(state, account)?.faults;
            if *remaining == 0 {
                faults.internal_errors.remove(operation);
            } else if let Some(n) = faults.internal_errors.get_mut(operation) {
                *n = *remaining;
            }
        }
        Event::DeletionTaskFaulted {
            account, remaining, ..
        } => {
            acct_existing(state, account)?.faults.deletion_task_failures = *remaining;
        }
        // `fold_clock_and_account` sends only these three here.
        _ => return None,
    }
    Some(())
}

fn fold_user(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::UserCreated { account, user } => state.insert_user(account, to_user(user)),
        Event::AccessKeyCreated {
            account,
            user_name,
            access_key_id,
            created,
            created_seq,
        } => {
            let key = state::AccessKey {
                create_date: *created,
                created_seq: *created_seq,
            };
            state.insert_access_key(account, user_name, access_key_id, key);
        }
        Event::UserPolicyPut {
            account,
            user_name,
            policy_name,
            document,
        } => {
            let u = user_mut(state, account, user_name)?;
            u.inline_policies
                .insert(policy_name.clone(), document.clone());
        }
        Event::UserPolicyDeleted {
            account,
            user_name,
            policy_name,
        } => {
            user_mut(state, account, user_name)?
                .inline_policies
                .remove(policy_name);
        }
        Event::UserPolicyAttached {
            account,
            user_name,
            policy_arn,
        } => {
            user_mut(state, account, user_name)?
                .attached_policies
                .insert(policy_arn.clone());
        }
        Event::UserPolicyDetached {
            account,
            user_name,
            policy_arn,
        } => {
            user_mut(state, account, user_name)?
                .attached_policies
                .remove(policy_arn);
        }
        // `fold` sends only this family here.
        clock_and_account_events!()
        | role_events!()
        | role_policy_events!()
        | deletion_task_events!()
        | mediatailor_events!()
        | logs_events!() => return None,
    }
    Some(())
}

fn fold_role(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::RoleCreated { account, role } => {
            let role = to_role(role);
            acct(state, account)
                .roles
                .insert(role.role_name.clone(), role);
        }
        Event::RoleDeleted { account, role_name } => {
            let now = state.now;
            let a = acct_existing(state, account)?;
            if let Some(role) = a.roles.remove(role_name) {
                a.remember_deletion(role, now);
            }
        }
        Event::RoleDescriptionUpdated {
            account,
            role_name,
            description,
        } => role_mut(state, account, role_name)?.description = Some(description.clone()),
        Event::RoleMaxSessionDurationUpdated {
            account,
            role_name,
            max_session_duration,
        } => role_mut(state, account, role_name)?.max_session_duration = *max_session_duration,
        Event::RoleMaxSigninSessionDurationUpdated {
            account,
            role_name,
            max_signin_session_duration,
        } => {
            role_mut(state, account, role_name)?.max_signin_session_duration =
                *max_signin_session_duration;
        }
        Event::RoleTagged {
            account,
            role_name,
            tags,
        } => {
            let r = role_mut(state, account, role_name)?;
            for t in tags {
                r.tags.insert(t.key.clone(), t.value.clone());
            }
        }
        Event::RoleUntagged {
            account,
            role_name,
            tag_keys,
        } => {
            let r = role_mut(state, account, role_name)?;
            for k in tag_keys {
                r.tags.remove(k);
            }
        }
        Event::RoleUsed {
            account,
            role_name,
            region,
            at,
        } => {
            role_mut(state, account, role_name)?.role_last_used = Some(state::RoleLastUsed {
                last_used_date: *at,
                region: region.clone(),
            });
        }
        // `fold` sends only this family here.
        clock_and_account_events!()
        | user_events!()
        | role_policy_events!()
        | deletion_task_events!()
        | mediatailor_events!()
        | logs_events!() => return None,
    }
    Some(())
}

fn fold_role_policy(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::RoleTrustPolicyUpdated {
            account,
            role_name,
            document,
        } => role_mut(state, account, role_name)?.assume_role_policy_document = document.clone(),
        Event::RolePolicyAttached {
            account,
            role_name,
            policy_arn,
        } => {
            let r = role_mut(state, account, role_name)?;
            r.attached_policies.insert(policy_arn.clone());
        }
        Event::RolePolicyDetached {
            account,
            role_name,
            policy_arn,
        } => {
            let r = role_mut(state, account, role_name)?;
            r.attached_policies.remove(policy_arn);
        }
        Event::RoleInlinePolicyPut {
            account,
            role_name,
            policy_name,
            document,
        } => {
            let r = role_mut(state, account, role_name)?;
            r.inline_policies
                .insert(policy_name.clone(), document.clone());
        }
        Event::RoleInlinePolicyDeleted {
            account,
            role_name,
            policy_name,
        } => {
            let r = role_mut(state, account, role_name)?;
            r.inline_policies.remove(policy_name);
        }
        Event::RolePermissionsBoundarySet {
            account,
            role_name,
            policy_arn,
        } => role_mut(state, account, role_name)?.permissions_boundary = Some(policy_arn.clone()),
        // `fold` sends only this family here.
        clock_and_account_events!()
        | user_events!()
        | role_events!()
        | deletion_task_events!()
        | mediatailor_events!()
        | logs_events!() => return None,
    }
    Some(())
}

fn fold_deletion_task(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::DeletionTaskCreated { account, task } => {
            acct_existing(state, account)?.insert_task(to_task(task));
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
                    t.reason = Some(to_failure_reason(reason));
                }
            });
        }
        Event::DeletionTaskForgotten {
            account, task_id, ..
        } => {
            acct_existing(state, account)?.forget_task(task_id, |t| t.status.is_finished());
        }
        // `fold` sends only this family here.
        clock_and_account_events!()
        | user_events!()
        | role_events!()
        | role_policy_events!()
        | mediatailor_events!()
        | logs_events!() => return None,
    }
    Some(())
}

fn fold_mediatailor(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::PlaybackConfigurationPut {
            account,
            region,
            config,
        } => {
            let config = to_playback_configuration(config);
            region_mut(state, account, region)
                .playback_configurations
                .insert(config.name.clone(), config);
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
            config_mut(state, account, region, name)?.log_configuration = to_log_configuration(log)
        }
        Event::PlaybackConfigurationTagsSet {
            account,
            region,
            name,
            tags,
        } => config_mut(state, account, region, name)?.tags = tags.clone(),
        Event::SessionsServed {
            account,
            region,
            name,
            sessions,
            logged,
            carry,
        } => {
            let c = config_mut(state, account, region, name)?;
            c.sessions.served = c.sessions.served.saturating_add(*sessions);
            c.sessions.logged = c.sessions.logged.saturating_add(*logged);
            c.sessions.carry = *carry;
        }
        Event::LogDeliveryLost {
            account,
            region,
            name,
            sessions,
            reason,
        } => {
            let c = config_mut(state, account, region, name)?;
            c.sessions.lost = c.sessions.lost.saturating_add(*sessions);
            c.sessions.last_loss_reason = Some(reason.clone());
        }
        // `fold` sends only this family here.
        clock_and_account_events!()
        | user_events!()
        | role_events!()
        | role_policy_events!()
        | deletion_task_events!()
        | logs_events!() => return None,
    }
    Some(())
}

fn fold_logs(state: &mut State, event: &Event) -> Option<()> {
    match event {
        Event::LogGroupCreated {
            account,
            region,
            name,
            arn,
            at,
        } => {
            let group = LogGroup {
                log_group_name: name.clone(),
                arn: arn.clone(),
                creation_time: *at,
                streams: Default::default(),
            };
            region_mut(state, account, region)
                .log_groups
                .insert(name.clone(), group);
        }
        Event::LogStreamCreated {
            account,
            region,
            group,
            name,
            arn,
            at,
        } => {
            let stream = LogStream {
                log_stream_name: name.clone(),
                arn: arn.clone(),
                creation_time: *at,
                first_event_timestamp: None,
                last_event_timestamp: None,
                event_count: 0,
                stored_bytes: 0,
                deliveries: Vec::new(),
            };
            let g = region_existing(state, account, region)?
                .log_groups
                .get_mut(group)?;
            g.streams.insert(name.clone(), stream);
        }
        Event::LogEventsPut {
            account,
            region,
            group,
            stream,
            count,
            bytes,
            at,
            delivery,
        } => {
            let s = region_existing(state, account, region)?
                .log_groups
                .get_mut(group)?
                .streams
                .get_mut(stream)?;
            s.first_event_timestamp.get_or_insert(*at);
            s.last_event_timestamp = Some(*at);
            s.event_count = s.event_count.saturating_add(*count);
            s.stored_bytes = s.stored_bytes.saturating_add(*bytes);
            if let Some(d) = delivery {
                keep_delivery(s, d, *at);
            }
        }
        // `fold` sends only this family here.
        clock_and_account_events!()
        | user_events!()
        | role_events!()
        | role_policy_events!()
        | deletion_task_events!()
        | mediatailor_events!() => return None,
    }
    Some(())
}

/// Keeps a delivery readable on its stream, the oldest forgotten past the limit.
fn keep_delivery(s: &mut LogStream, d: &event::LogDelivery, at: i64) {
    s.deliveries.push(state::Delivery {
        seq: d.seq,
        at,
        first_session: d.first_session,
        sessions: d.sessions,
        event_types: d.event_types.clone(),
        ads_url: d.ads_url.clone(),
    });
    let over = s
        .deliveries
        .len()
        .saturating_sub(crate::core::limits::MAX_DELIVERIES_KEPT);
    s.deliveries.drain(..over);
}

fn acct_existing<'a>(state: &'a mut State, account: &str) -> Option<&'a mut state::Account> {
    state.accounts.get_mut(account)
}

fn region_existing<'a>(
    state: &'a mut State,
    account: &str,
    region: &str,
) -> Option<&'a mut state::RegionState> {
    acct_existing(state, account)?.regions.get_mut(region)
}

fn user_mut<'a>(state: &'a mut State, account: &str, name: &str) -> Option<&'a mut state::User> {
    acct_existing(state, account)?.users.get_mut(name)
}

fn role_mut<'a>(state: &'a mut State, account: &str, name: &str) -> Option<&'a mut state::Role> {
    acct_existing(state, account)?.roles.get_mut(name)
}

fn config_mut<'a>(
    state: &'a mut State,
    account: &str,
    region: &str,
    name: &str,
) -> Option<&'a mut state::PlaybackConfiguration> {
    region_existing(state, account, region)?
        .playback_configurations
        .get_mut(name)
}

fn acct<'a>(state: &'a mut State, account: &str) -> &'a mut state::Account {
    // Through the state, so a new account's root key is indexed.
    state.account_mut(account)
}

fn region_mut<'a>(state: &'a mut State, account: &str, region: &str) -> &'a mut state::RegionState {
    acct(state, account)
        .regions
        .entry(region.to_string())
        .or_default()
}

// Payload → state. Each conversion names every field of the payload (no `..`), so a field added to
// either side does not compile until someone decides what it maps to.

fn to_user(u: &event::User) -> state::User {
    let event::User {
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
    state::User {
        user_name: user_name.clone(),
        path: path.clone(),
        user_id: user_id.clone(),
        arn: arn.clone(),
        create_date: *create_date,
        inline_policies: inline_policies.clone(),
        attached_policies: attached_policies.clone(),
        access_keys: access_keys
            .iter()
            .map(|(id, k)| {
                let event::AccessKey {
                    create_date,
                    created_seq,
                } = k;
                let key = state::AccessKey {
                    create_date: *create_date,
                    created_seq: *created_seq,
                };
                (id.clone(), key)
            })
            .collect(),
        permissions_boundary: permissions_boundary.clone(),
        tags: tags.clone(),
    }
}

fn to_role(r: &event::Role) -> state::Role {
    let event::Role {
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
    state::Role {
        role_name: role_name.clone(),
        path: path.clone(),
        role_id: role_id.clone(),
        arn: arn.clone(),
        create_date: *create_date,
        assume_role_policy_document: assume_role_policy_document.clone(),
        description: description.clone(),
        max_session_duration: *max_session_duration,
        max_signin_session_duration: *max_signin_session_duration,
        tags: tags.clone(),
        attached_policies: attached_policies.clone(),
        inline_policies: inline_policies.clone(),
        permissions_boundary: permissions_boundary.clone(),
        service_linked: service_linked.clone(),
        role_last_used: role_last_used.as_ref().map(|u| {
            let event::RoleLastUsed {
                last_used_date,
                region,
            } = u;
            state::RoleLastUsed {
                last_used_date: *last_used_date,
                region: region.clone(),
            }
        }),
    }
}

fn to_task(t: &event::DeletionTask) -> state::DeletionTask {
    let event::DeletionTask {
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
    state::DeletionTask {
        deletion_task_id: deletion_task_id.clone(),
        role_name: role_name.clone(),
        role_id: role_id.clone(),
        created: *created,
        created_seq: *created_seq,
        status: match status {
            event::TaskStatus::NotStarted => TaskStatus::NotStarted,
            event::TaskStatus::InProgress => TaskStatus::InProgress,
            event::TaskStatus::Succeeded => TaskStatus::Succeeded,
            event::TaskStatus::Failed => TaskStatus::Failed,
        },
        updated: *updated,
        reason: reason.as_ref().map(to_failure_reason),
        finishes: *finishes,
    }
}

fn to_failure_reason(f: &event::FailureReason) -> state::FailureReason {
    let event::FailureReason {
        reason,
        role_usage_list,
    } = f;
    state::FailureReason {
        reason: reason.clone(),
        role_usage_list: role_usage_list
            .iter()
            .map(|u| {
                let event::RoleUsage { region, resources } = u;
                state::RoleUsage {
                    region: region.clone(),
                    resources: resources.clone(),
                }
            })
            .collect(),
    }
}

fn to_playback_configuration(c: &event::PlaybackConfiguration) -> state::PlaybackConfiguration {
    let event::PlaybackConfiguration {
        name,
        arn,
        video_content_source_url,
        ad_decision_server_url,
        slate_ad_url,
        playback_endpoint_prefix,
        session_initialization_endpoint_prefix,
        hls_manifest_endpoint_prefix,
        log_configuration,
        sessions,
        tags,
        settings,
    } = c;
    let event::SessionStats {
        served,
        logged,
        lost,
        carry,
        last_loss_reason,
    } = sessions;
    state::PlaybackConfiguration {
        name: name.clone(),
        arn: arn.clone(),
        video_content_source_url: video_content_source_url.clone(),
        ad_decision_server_url: ad_decision_server_url.clone(),
        slate_ad_url: slate_ad_url.clone(),
        playback_endpoint_prefix: playback_endpoint_prefix.clone(),
        session_initialization_endpoint_prefix: session_initialization_endpoint_prefix.clone(),
        hls_manifest_endpoint_prefix: hls_manifest_endpoint_prefix.clone(),
        log_configuration: to_log_configuration(log_configuration),
        sessions: state::SessionStats {
            served: *served,
            logged: *logged,
            lost: *lost,
            carry: *carry,
            last_loss_reason: last_loss_reason.clone(),
        },
        tags: tags.clone(),
        settings: settings.clone(),
    }
}

fn to_log_configuration(l: &event::LogConfiguration) -> state::LogConfiguration {
    let event::LogConfiguration {
        percent_enabled,
        enabled_logging_strategies,
        ads_interaction_log,
        manifest_service_interaction_log,
    } = l;
    state::LogConfiguration {
        percent_enabled: *percent_enabled,
        enabled_logging_strategies: enabled_logging_strategies.clone(),
        ads_interaction_log: ads_interaction_log.as_ref().map(to_interaction_log),
        manifest_service_interaction_log: manifest_service_interaction_log
            .as_ref()
            .map(to_interaction_log),
    }
}

fn to_interaction_log(l: &event::InteractionLog) -> action::InteractionLog {
    let event::InteractionLog {
        publish_opt_in_event_types,
        exclude_event_types,
    } = l;
    action::InteractionLog {
        publish_opt_in_event_types: publish_opt_in_event_types.clone(),
        exclude_event_types: exclude_event_types.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schema-1 text of every payload type, with optional fields present and absent, as logs hold it.
    const ROLES: [&str; 2] = [
        r#"{"role_name":"r","path":"/aws-service-role/x/","role_id":"AROA1","arn":"arn:aws:iam::111111111111:role/r","create_date":5,"assume_role_policy_document":"{}","description":"d","max_session_duration":3600,"tags":{"k":"v"},"attached_policies":["arn:p"],"inline_policies":{"n":"{}"},"permissions_boundary":"arn:b","service_linked":"mediatailor.amazonaws.com","role_last_used":{"last_used_date":9,"region":"us-east-1"}}"#,
        r#"{"role_name":"r","path":"/","role_id":"AROA2","arn":"arn:aws:iam::111111111111:role/r","create_date":5,"assume_role_policy_document":"{}","description":null,"max_session_duration":43200,"tags":{},"attached_policies":[],"inline_policies":{},"permissions_boundary":null,"service_linked":null,"role_last_used":null}"#,
    ];
    const USERS: [&str; 2] = [
        r#"{"user_name":"u","path":"/","user_id":"AIDA1","arn":"arn:u","create_date":1,"inline_policies":{"p":"{}"},"attached_policies":["arn:p"],"access_keys":{"AKIA1":{"create_date":2,"created_seq":3}}}"#,
        r#"{"user_name":"u","path":"/","user_id":"AIDA1","arn":"arn:u","create_date":1,"inline_policies":{},"attached_policies":[]}"#,
    ];
    const TASKS: [&str; 4] = [
        r#"{"deletion_task_id":"task/x","role_name":"r","role_id":"AROA1","created":1,"created_seq":2,"status":"NOT_STARTED","updated":1,"reason":null}"#,
        r#"{"deletion_task_id":"task/x","role_name":"r","role_id":"AROA1","created":1,"created_seq":2,"status":"IN_PROGRESS","updated":3,"reason":null}"#,
        r#"{"deletion_task_id":"task/x","role_name":"r","role_id":"AROA1","created":1,"created_seq":2,"status":"SUCCEEDED","updated":4,"reason":null}"#,
        r#"{"deletion_task_id":"task/x","role_name":"r","role_id":"AROA1","created":1,"created_seq":2,"status":"FAILED","updated":4,"reason":{"Reason":"why","RoleUsageList":[{"Region":"us-east-1","Resources":["arn:c"]}]}}"#,
    ];
    const CONFIGS: [&str; 2] = [
        r#"{"name":"c","arn":"arn:c","video_content_source_url":"https://o","ad_decision_server_url":"https://a","slate_ad_url":"https://s","playback_endpoint_prefix":"p","session_initialization_endpoint_prefix":"s","hls_manifest_endpoint_prefix":"h","log_configuration":{"percent_enabled":50,"enabled_logging_strategies":["LEGACY_CLOUDWATCH","VENDED_LOGS"],"ads_interaction_log":{"PublishOptInEventTypes":["RAW_ADS_RESPONSE"],"ExcludeEventTypes":["ERROR_UNKNOWN"]},"manifest_service_interaction_log":{}},"sessions":{"served":1,"logged":2,"lost":3,"carry":4,"last_loss_reason":"gone"}}"#,
        r#"{"name":"c","arn":"arn:c","video_content_source_url":null,"ad_decision_server_url":null,"slate_ad_url":null,"playback_endpoint_prefix":"p","session_initialization_endpoint_prefix":"s","hls_manifest_endpoint_prefix":"h","log_configuration":{"percent_enabled":0,"enabled_logging_strategies":[],"ads_interaction_log":null,"manifest_service_interaction_log":null},"sessions":{"served":0,"logged":0,"lost":0,"carry":0,"last_loss_reason":null}}"#,
    ];

    /// Reads `text` as a payload, and checks that the payload and the state `convert` makes of it both
    /// write `text` back byte for byte: the payload is the schema, and the state is what it meant.
    fn same_bytes<P, S>(text: &str, convert: impl Fn(&P) -> S)
    where
        P: serde::de::DeserializeOwned + serde::Serialize,
        S: serde::Serialize,
    {
        let payload: P = serde_json::from_str(text).expect("a schema-1 payload");
        assert_eq!(serde_json::to_string(&payload).expect("json"), text);
        assert_eq!(
            serde_json::to_string(&convert(&payload)).expect("json"),
            text
        );
    }

    #[test]
    fn payloads_write_what_the_state_types_wrote_and_convert_without_loss() {
        for text in ROLES {
            same_bytes(text, to_role);
        }
        for text in USERS {
            same_bytes(text, to_user);
        }
        for text in TASKS {
            same_bytes(text, to_task);
        }
        for text in CONFIGS {
            same_bytes(text, to_playback_configuration);
        }
    }

    #[test]
    fn tags_read_as_they_always_have() {
        let tag: event::Tag = serde_json::from_str(r#"{"Key":"k","Value":"v"}"#).expect("a tag");
        assert_eq!((tag.key.as_str(), tag.value.as_str()), ("k", "v"));
        // As in schema 1, a tag with a stray field is refused rather than half-read.
        assert!(serde_json::from_str::<event::Tag>(r#"{"Key":"k","Value":"v","X":1}"#).is_err());
    }
}
