//! The rules slrsim promises, as named, documented checks. Each looks at one step of history — the state
//! before a record, the record, and the state after it — and says what is wrong, if anything. The
//! property tests run them after every step; `verify`-style tools can run them over any log.

use crate::core::action::{Action, ROOT};
use crate::core::authz::{self, Request, Verdict};
use crate::core::catalog;
use crate::core::decide::IN_USE_WINDOW_SECS;
use crate::core::event::Event;
use crate::core::invariants::{
    state_policy_only_on_slr, state_role_exists_while_logging, state_role_shape, state_tasks_sane,
};
use crate::core::operation::Resource;
use crate::core::outcome::Outcome;
use crate::core::state::{State, TaskStatus};
use crate::log::record::Record;

/// One step of history.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The state before the record.
    pub before: &'a State,
    /// The record.
    pub record: &'a Record,
    /// The state after the record's events.
    pub after: &'a State,
}

/// A broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's name.
    pub invariant: &'static str,
    /// The record after which it is broken.
    pub seq: u64,
    /// What is wrong.
    pub detail: String,
}

/// A named invariant.
#[derive(Debug, Clone, Copy)]
pub struct Invariant {
    /// Short name, used on the command line.
    pub name: &'static str,
    /// What it promises.
    pub doc: &'static str,
    /// The check: `Err(detail)` when broken.
    pub check: fn(&Step<'_>) -> Result<(), String>,
}

/// Every step invariant, in the order the README lists them.
pub const ALL: &[Invariant] = &[
    Invariant {
        name: "no-deletion-while-in-use",
        doc: "A deletion never succeeds while any log configuration in any region of the account has PercentEnabled > 0, nor while MediaTailor used the role within the in-use window.",
        check: no_deletion_while_in_use,
    },
    Invariant {
        name: "role-exists-while-logging",
        doc: "While any log configuration of an account is enabled, the account's service-linked role exists.",
        check: role_exists_while_logging,
    },
    Invariant {
        name: "role-identity-fixed",
        doc: "The role's name, path, ARN, trust policy and attached policy are AWS's, and its RoleId never changes within one lifetime; only description and tags change.",
        check: role_identity_fixed,
    },
    Invariant {
        name: "policy-only-on-slr",
        doc: "AWSMediaTailorServiceRolePolicy is attached to no entity but the service-linked role.",
        check: policy_only_on_slr,
    },
    Invariant {
        name: "no-unauthorized-change",
        doc: "No state change is made by a caller whose identity policies do not allow the call (an injected fault's count aside: it strikes before authorisation).",
        check: no_unauthorized_change,
    },
    Invariant {
        name: "logs-only-through-role",
        doc: "Logs reach CloudWatch only while the role exists, and only in MediaTailor/* log groups.",
        check: logs_only_through_role,
    },
    Invariant {
        name: "task-status-forward",
        doc: "A deletion task's status only moves forward (NOT_STARTED → IN_PROGRESS → SUCCEEDED | FAILED), and tasks never disappear.",
        check: task_status_forward,
    },
    Invariant {
        name: "refusal-changes-nothing",
        doc: "A refused call produces no events and leaves the state as it was.",
        check: refusal_changes_nothing,
    },
    Invariant {
        name: "clock-monotonic",
        doc: "The simulated clock never goes back, and the record's time is the clock before it.",
        check: clock_monotonic,
    },
    Invariant {
        name: "stale-read-changes-nothing",
        doc: "A read that IAM's lag made stale (SetConsistency) produces no events and leaves the state as it was: a stale read is never a lost write.",
        check: stale_read_changes_nothing,
    },
    Invariant {
        name: "throttling-takes-one-token",
        doc: "With throttling on, an accepted AWS call takes exactly one token from its own bucket (account, Region of a regional service, operation) and a throttled call found that bucket empty; a throttled call changes nothing (its bucket refills from the last take). With throttling off no call is throttled and no bucket is kept.",
        check: throttling_takes_one_token,
    },
    Invariant {
        name: "faulted-call-changes-only-its-count",
        doc: "A call an injected internal error struck (SetFaults) answers its service's internal error, holds one FaultInjected and changes nothing but its operation's count, which drops by one; a call whose fault is due is never accepted. Every fault count drops only when an event says a fault struck (FaultInjected, DeletionTaskFaulted followed by the task's failure) or SetFaults replaced the setting.",
        check: faulted_call_changes_only_its_count,
    },
];

/// Looks an invariant up by name.
pub fn by_name(name: &str) -> Option<&'static Invariant> {
    ALL.iter().find(|i| i.name == name)
}

/// Runs every invariant on a step; returns the violations.
pub fn check_step(step: &Step<'_>) -> Vec<Violation> {
    ALL.iter()
        .filter_map(|inv| {
            (inv.check)(step).err().map(|detail| Violation {
                invariant: inv.name,
                seq: step.record.seq,
                detail,
            })
        })
        .collect()
}

fn no_deletion_while_in_use(s: &Step<'_>) -> Result<(), String> {
    for e in s.record.outcome.events() {
        let Event::DeletionTaskSucceeded {
            account,
            task_id,
            at,
        } = e
        else {
            continue;
        };
        // Only MediaTailor's role is in use by anything slrsim models.
        if !task_id.starts_with(catalog::DELETION_TASK_PREFIX) {
            continue;
        }
        // Nothing but deletion tasks changes while the clock advances, so `before` shows the account as
        // the task saw it.
        let acct = s.before.account(account);
        let enabled = acct.enabled_log_configurations();
        if !enabled.is_empty() {
            return Err(format!(
                "task {task_id} of account {account} succeeded while logging was enabled in {}",
                enabled.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        if let Some(u) = acct
            .service_linked_role()
            .and_then(|r| r.role_last_used.as_ref())
        {
            if at.saturating_sub(u.last_used_date) < IN_USE_WINDOW_SECS {
                return Err(format!(
                    "task {task_id} of account {account} succeeded {} s after MediaTailor used the role",
                    at - u.last_used_date
                ));
            }
        }
    }
    Ok(())
}

fn role_exists_while_logging(s: &Step<'_>) -> Result<(), String> {
    state_role_exists_while_logging(s.after)
}

fn role_identity_fixed(s: &Step<'_>) -> Result<(), String> {
    state_role_shape(s.after)?;
    for (id, acct) in &s.after.accounts {
        let Some(r) = acct.service_linked_role() else {
            continue;
        };
        if let Some(old) = s.before.account(id).service_linked_role() {
            let deleted = s
                .record
                .outcome
                .events()
                .iter()
                .any(|e| matches!(e, Event::RoleDeleted { account, .. } if account == id));
            if old.role_id != r.role_id && !deleted {
                return Err(format!(
                    "the RoleId of account {id}'s role changed from {} to {} without a deletion",
                    old.role_id, r.role_id
                ));
            }
            if old.role_id == r.role_id && old.create_date != r.create_date {
                return Err(format!("the CreateDate of account {id}'s role changed"));
            }
        }
    }
    Ok(())
}

fn policy_only_on_slr(s: &Step<'_>) -> Result<(), String> {
    state_policy_only_on_slr(s.after)
}

/// The IAM action a call needs, and the resource it acts on, in the state before the call. The action
/// and the kind of resource (with the parameter naming it) are the operation registry's; the ARN is
/// worked out here from the catalog, independently of `decide`, whose handlers spell out what they
/// authorise. A test below checks the two agree for every operation.
fn permission_of(before: &State, a: &Action) -> Option<(String, String)> {
    let spec = a.op.spec();
    let action = spec.permission?;
    let v = serde_json::to_value(&a.op).ok()?;
    let p = v.get("params")?;
    let str_of = |k: &str| {
        p.get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    let acct = before.account(&a.account);
    // An entity that does not exist yet is checked at the path it is created at (`/` by default).
    let path = || str_of("Path").unwrap_or_else(|| "/".to_string());
    let resource = match spec.resource {
        Resource::None => return None,
        Resource::Role { param } => {
            let role = str_of(param)?;
            acct.roles
                .get(&role)
                .map(|r| r.arn.clone())
                .unwrap_or_else(|| catalog::role_arn(&a.account, &path(), &role))
        }
        Resource::Roles => format!("arn:aws:iam::{}:role/", a.account),
        Resource::ServiceLinkedRole => service_linked_role_arn(
            &a.account,
            &str_of("AWSServiceName")?,
            str_of("CustomSuffix"),
        ),
        Resource::DeletionTask { param } => {
            let id = str_of(param)?;
            // `$last` is the account's latest task, which can only be the service-linked role's.
            if id == "$last" {
                catalog::slr_arn(&a.account)
            } else {
                // task/aws-service-role/<service>/<role name>/<uuid>
                let parts: Vec<&str> = id.split('/').collect();
                match parts.as_slice() {
                    ["task", "aws-service-role", service, role, task]
                        if !service.is_empty() && !role.is_empty() && !task.is_empty() =>
                    {
                        catalog::role_arn(
                            &a.account,
                            &format!("/aws-service-role/{service}/"),
                            role,
                        )
                    }
                    _ => return None,
                }
            }
        }
        Resource::User { param } => {
            let user = str_of(param).or_else(|| (a.caller != ROOT).then(|| a.caller.clone()))?;
            acct.users
                .get(&user)
                .map(|u| u.arn.clone())
                .unwrap_or_else(|| catalog::user_arn(&a.account, &path(), &user))
        }
        Resource::PlaybackConfiguration { param } => {
            catalog::playback_configuration_arn(&a.region, &a.account, &str_of(param)?)
        }
        Resource::PlaybackConfigurations => {
            catalog::playback_configuration_arn(&a.region, &a.account, "*")
        }
        Resource::LogGroup { param } => {
            catalog::log_group_arn(&a.region, &a.account, &str_of(param)?)
        }
        Resource::LogGroups => catalog::log_group_arn(&a.region, &a.account, "*"),
        Resource::Policy { param } => str_of(param)?,
        Resource::Arn { param } => str_of(param)?,
    };
    Some((action.to_string(), resource))
}

/// The ARN of the role `CreateServiceLinkedRole` creates for `service`: another service's of
/// `core::service_roles` (with its suffix), else MediaTailor's.
fn service_linked_role_arn(account: &str, service: &str, suffix: Option<String>) -> String {
    match crate::core::service_roles::find(service) {
        Some(row) => {
            let name = match suffix {
                Some(s) => format!("{}_{s}", row.role_name),
                None => row.role_name.to_string(),
            };
            catalog::role_arn(
                account,
                &crate::core::service_roles::role_path(row.service),
                &name,
            )
        }
        None => catalog::slr_arn(account),
    }
}

fn no_unauthorized_change(s: &Step<'_>) -> Result<(), String> {
    // A refusal's only events are an injected fault's count (`faulted-call-changes-only-its-count`).
    if s.record.outcome.events().is_empty()
        || !s.record.outcome.is_ok()
        || s.record.action.caller == ROOT
    {
        return Ok(());
    }
    let Some(user) = s
        .before
        .account(&s.record.action.account)
        .users
        .get(&s.record.action.caller)
    else {
        return Err(format!(
            "unknown caller {} changed the state",
            s.record.action.caller
        ));
    };
    let Some((action, resource)) = permission_of(s.before, &s.record.action) else {
        return Ok(());
    };
    // The service the role is for: the call's own `AWSServiceName` (MediaTailor's, for the role
    // MediaTailor creates when logging is enabled).
    let service = match &s.record.action.op {
        crate::core::action::Operation::CreateServiceLinkedRole(p) => p.aws_service_name.as_str(),
        _ => catalog::MEDIATAILOR_SERVICE,
    };
    let req = Request {
        action: &action,
        resource: &resource,
        aws_service_name: (action == "iam:CreateServiceLinkedRole").then_some(service),
    };
    if authz::evaluate(authz::user_documents(user), &user.arn, &req) != Verdict::Allow {
        return Err(format!(
            "user {} changed the state through {action} on {resource} without an Allow",
            user.user_name
        ));
    }
    let creates_role = s
        .record
        .outcome
        .events()
        .iter()
        .any(|e| matches!(e, Event::RoleCreated { role, .. } if role.service_linked.as_deref() == Some(catalog::MEDIATAILOR_SERVICE)));
    if creates_role {
        let slr = catalog::slr_arn(&s.record.action.account);
        let req = Request {
            action: "iam:CreateServiceLinkedRole",
            resource: &slr,
            aws_service_name: Some(catalog::MEDIATAILOR_SERVICE),
        };
        if authz::evaluate(authz::user_documents(user), &user.arn, &req) != Verdict::Allow {
            return Err(format!(
                "user {} made MediaTailor create the role without iam:CreateServiceLinkedRole",
                user.user_name
            ));
        }
    }
    Ok(())
}

fn logs_only_through_role(s: &Step<'_>) -> Result<(), String> {
    for e in s.record.outcome.events() {
        let (account, group) = match e {
            Event::LogEventsPut { account, group, .. } => (account, group),
            Event::LogGroupCreated { account, name, .. } => (account, name),
            Event::LogStreamCreated { account, group, .. } => (account, group),
            _ => continue,
        };
        if !group.starts_with("MediaTailor/") {
            return Err(format!(
                "logs were written to {group}, outside MediaTailor/*"
            ));
        }
        if s.before.account(account).service_linked_role().is_none() {
            return Err(format!(
                "logs reached {group} in account {account}, which has no service-linked role"
            ));
        }
    }
    Ok(())
}

fn task_status_forward(s: &Step<'_>) -> Result<(), String> {
    state_tasks_sane(s.after)?;
    for (id, acct) in &s.before.accounts {
        for (task_id, t) in &acct.deletion_tasks {
            let Some(now) = s.after.account(id).deletion_tasks.get(task_id) else {
                // A finished task may be forgotten once its retention has passed, and only so.
                let events = s.record.outcome.events();
                let finished_at = if t.status.is_finished() {
                    Some(t.updated)
                } else {
                    events.iter().find_map(|e| match e {
                        Event::DeletionTaskSucceeded { task_id: f, at, .. }
                        | Event::DeletionTaskFailed { task_id: f, at, .. }
                            if f == task_id =>
                        {
                            Some(*at)
                        }
                        _ => None,
                    })
                };
                let forgotten = finished_at.is_some_and(|done| {
                    events.iter().any(|e| {
                        matches!(e, Event::DeletionTaskForgotten { task_id: f, at, .. }
                            if f == task_id && *at >= done + crate::core::decide::TASK_RETENTION_SECS)
                    })
                });
                if forgotten {
                    continue;
                }
                return Err(format!("deletion task {task_id} disappeared"));
            };
            let ok = match t.status {
                TaskStatus::NotStarted => true,
                TaskStatus::InProgress => now.status != TaskStatus::NotStarted,
                TaskStatus::Succeeded | TaskStatus::Failed => now.status == t.status,
            };
            if !ok {
                return Err(format!(
                    "deletion task {task_id} moved from {} to {}",
                    t.status.as_str(),
                    now.status.as_str()
                ));
            }
        }
    }
    Ok(())
}

fn refusal_changes_nothing(s: &Step<'_>) -> Result<(), String> {
    // An injected fault's refusal changes its count: `faulted-call-changes-only-its-count`.
    if let Outcome::Error { error, events } = &s.record.outcome {
        if events.is_empty() && s.before != s.after {
            return Err(format!(
                "the refused call ({}) changed the state",
                error.code
            ));
        }
    }
    Ok(())
}

fn stale_read_changes_nothing(s: &Step<'_>) -> Result<(), String> {
    let Some(name) = crate::timetravel::timeline::read_role_name(&s.record.action.op) else {
        return Ok(());
    };
    let account = s.before.account(&s.record.action.account);
    let Some(stale) = account.stale_read(name, s.record.time) else {
        return Ok(());
    };
    // An injected fault struck before the read was made.
    if !s.record.outcome.events().is_empty() && !s.record.outcome.is_ok() {
        return Ok(());
    }
    // A read may take a throttling token (`throttling-takes-one-token` checks it); nothing else.
    let events = match &s.record.outcome {
        Outcome::Ok { events, .. } => events
            .iter()
            .filter(|e| !matches!(e, Event::ThrottleTokenTaken { .. }))
            .count(),
        Outcome::Error { .. } => 0,
    };
    let changed = if s.before.buckets == s.after.buckets {
        s.before != s.after
    } else {
        let (mut before, mut after) = (s.before.clone(), s.after.clone());
        before.buckets.clear();
        after.buckets.clear();
        before != after
    };
    if events > 0 || changed {
        return Err(format!("a read ({}) changed the state", stale.words()));
    }
    Ok(())
}

fn clock_monotonic(s: &Step<'_>) -> Result<(), String> {
    if s.after.now < s.before.now {
        return Err("the clock went back".to_string());
    }
    if s.record.seq > 0 && s.record.time != s.before.now {
        return Err("the record's time is not the clock before it".to_string());
    }
    Ok(())
}

fn throttling_takes_one_token(s: &Step<'_>) -> Result<(), String> {
    let action = &s.record.action;
    let taken: Vec<&Event> = s
        .record
        .outcome
        .events()
        .iter()
        .filter(|e| matches!(e, Event::ThrottleTokenTaken { .. }))
        .collect();
    let throttled =
        matches!(&s.record.outcome, Outcome::Error { error, .. } if error.code.is_throttling());
    let Some(t) = s.before.throttling else {
        if throttled
            || !taken.is_empty()
            || !s.after.buckets.is_empty() && s.after.throttling.is_none()
        {
            return Err("throttled, or a bucket kept, while throttling is off".to_string());
        }
        return Ok(());
    };
    let name = action.op.kind().spec().name;
    let key = crate::core::state::bucket_key(action);
    let tokens = t.tokens_at(s.before.buckets.get(&key), s.before.now);
    if throttled {
        if tokens >= 1000 {
            return Err(format!(
                "{name} was throttled with {tokens} thousandths of a call in its bucket"
            ));
        }
        return Ok(());
    }
    let accepted_call = s.record.outcome.is_ok() && !action.op.is_simulation();
    match (accepted_call, taken.as_slice()) {
        (false, []) => Ok(()),
        (
            true,
            [
                Event::ThrottleTokenTaken {
                    account,
                    region,
                    operation,
                    millitokens,
                    at,
                },
            ],
        ) if *account == key.0
            && region.clone().unwrap_or_default() == key.1
            && *operation == key.2
            && tokens >= 1000
            && *millitokens == tokens - 1000
            && *at == s.before.now =>
        {
            Ok(())
        }
        _ => Err(format!(
            "{name} took {} tokens, not one from its bucket of {tokens} thousandths",
            taken.len()
        )),
    }
}

fn faulted_call_changes_only_its_count(s: &Step<'_>) -> Result<(), String> {
    faulted_call(s)?;
    fault_counts_drop_only_when_recorded(s)
}

/// The call's own fault: struck with its event and nothing else, or not due.
fn faulted_call(s: &Step<'_>) -> Result<(), String> {
    let action = &s.record.action;
    let spec = action.op.kind().spec();
    let due = s
        .before
        .account(&action.account)
        .faults
        .internal_errors
        .get(spec.name)
        .copied()
        .unwrap_or(0);
    match &s.record.outcome {
        Outcome::Error { error, events } if !events.is_empty() => {
            let [
                Event::FaultInjected {
                    account,
                    operation,
                    remaining,
                },
            ] = events.as_slice()
            else {
                return Err(format!(
                    "a refusal holds {} events, not one FaultInjected",
                    events.len()
                ));
            };
            if *account != action.account
                || operation != spec.name
                || due == 0
                || *remaining + 1 != due
            {
                return Err(format!(
                    "{} was faulted with {due} faults due, leaving {remaining}",
                    spec.name
                ));
            }
            if *error != crate::core::decide::internal_error(spec.service) {
                return Err(format!(
                    "a faulted {} answered {}, not its service's internal error",
                    spec.name, error.code
                ));
            }
            let mut expected = s.before.clone();
            if let Some(a) = expected.accounts.get_mut(account) {
                if *remaining == 0 {
                    a.faults.internal_errors.remove(operation);
                } else {
                    a.faults
                        .internal_errors
                        .insert(operation.clone(), *remaining);
                }
            }
            if expected != *s.after {
                return Err(format!(
                    "a faulted {} changed more than its count",
                    spec.name
                ));
            }
            Ok(())
        }
        Outcome::Error { error, .. } if error.code.is_internal_error() && !spec.is_simulation() => {
            Err(format!(
                "{} answered an internal error no fault recorded",
                spec.name
            ))
        }
        Outcome::Ok { .. } if due > 0 && !spec.is_simulation() => Err(format!(
            "{} was accepted with {due} internal errors due",
            spec.name
        )),
        _ => Ok(()),
    }
}

/// Each account's fault counts drop only with the events that record a strike.
fn fault_counts_drop_only_when_recorded(s: &Step<'_>) -> Result<(), String> {
    let events = s.record.outcome.events();
    let accounts: std::collections::BTreeSet<&String> = s
        .before
        .accounts
        .keys()
        .chain(s.after.accounts.keys())
        .collect();
    for id in accounts {
        let set = events
            .iter()
            .any(|e| matches!(e, Event::FaultsSet { account, .. } if account == id));
        if set {
            continue;
        }
        let (before, after) = (&s.before.account(id).faults, &s.after.account(id).faults);
        let injected = events
            .iter()
            .any(|e| matches!(e, Event::FaultInjected { account, .. } if account == id));
        if before.internal_errors != after.internal_errors && !injected {
            return Err(format!(
                "account {id}'s internal error counts changed with no FaultInjected"
            ));
        }
        let faulted: Vec<&String> = events
            .iter()
            .filter_map(|e| match e {
                Event::DeletionTaskFaulted {
                    account, task_id, ..
                } if account == id => Some(task_id),
                _ => None,
            })
            .collect();
        let dropped = before
            .deletion_task_failures
            .saturating_sub(after.deletion_task_failures);
        if usize::try_from(dropped).unwrap_or(usize::MAX) != faulted.len()
            || after.deletion_task_failures > before.deletion_task_failures
        {
            return Err(format!(
                "account {id}'s deletion failures went from {} to {} with {} DeletionTaskFaulted",
                before.deletion_task_failures,
                after.deletion_task_failures,
                faulted.len()
            ));
        }
        for task in faulted {
            let failed = events.iter().any(|e| matches!(e, Event::DeletionTaskFailed { account, task_id, .. } if account == id && task_id == task));
            if !failed {
                return Err(format!("deletion task {task} was faulted but did not fail"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::action::GenesisParams;
    use crate::core::action::Operation;
    use crate::core::operation::OperationKind;
    use crate::core::{apply::apply, decide::decide};

    fn call(name: &str, params: &str) -> Operation {
        let params = serde_json::from_str(params).expect("json");
        Operation::from_parts(name, params).expect("an operation")
    }

    fn run(state: State, seq: u64, action: &Action) -> State {
        let decided = decide(&state, seq, action).expect("accepted");
        decided.events.iter().fold(state, apply)
    }

    #[test]
    fn a_stale_read_is_checked_and_changes_nothing() {
        let genesis = Action::root(Operation::Genesis(GenesisParams {
            seed: 1,
            start: 1_767_225_600,
            rules: None,
        }));
        let mut state = run(State::default(), 0, &genesis);
        let mut seq = 1;
        for (name, params) in [
            ("SetConsistency", r#"{"DelaySeconds": 5}"#),
            (
                "CreateRole",
                r#"{"RoleName": "app", "AssumeRolePolicyDocument": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}"#,
            ),
        ] {
            state = run(state, seq, &Action::root(call(name, params)));
            seq += 1;
        }
        let read = Action::root(call("GetRole", r#"{"RoleName": "app"}"#));
        let record = Record {
            v: 1,
            seq,
            time: state.now,
            request_id: String::new(),
            outcome: decide(&state, seq, &read).into(),
            action: read,
        };
        assert!(
            state
                .account(crate::core::action::DEFAULT_ACCOUNT)
                .stale_read("app", record.time)
                .is_some()
        );
        let same = Step {
            before: &state,
            record: &record,
            after: &state,
        };
        assert_eq!(stale_read_changes_nothing(&same), Ok(()));
        let mut changed = state.clone();
        changed.now += 1;
        let broken = Step {
            before: &state,
            record: &record,
            after: &changed,
        };
        let Err(detail) = stale_read_changes_nothing(&broken) else {
            panic!("a changed state is caught");
        };
        assert!(
            detail.contains("stale read: the role was created 0 s ago"),
            "{detail}"
        );
    }

    /// `permission_of` (the registry's facts) and `decide` (its handlers' own) name the same action and
    /// resource for every operation: a user with no policy is refused exactly that.
    #[test]
    fn permission_of_agrees_with_what_decide_authorises() {
        let genesis = Operation::Genesis(GenesisParams {
            seed: 1,
            start: 1_767_225_600,
            rules: None,
        });
        let state = run(State::default(), 0, &Action::root(genesis));
        let state = run(
            state,
            1,
            &Action::root(call("CreateUser", r#"{"UserName": "alice"}"#)),
        );
        let mut calls: Vec<Operation> = OperationKind::ALL
            .iter()
            .map(|k| call(k.spec().name, k.spec().example))
            .collect();
        // The other shapes of resource a parameter can pick.
        calls.push(call("CreateAccessKey", "{}"));
        calls.push(call(
            "GetServiceLinkedRoleDeletionStatus",
            r#"{"DeletionTaskId": "$last"}"#,
        ));
        for op in calls {
            let name = op.name();
            let action = Action::root(op).by("alice");
            let decided = decide(&state, 2, &action);
            if action.op.is_simulation() {
                continue;
            }
            match permission_of(&state, &action) {
                Some((permission, resource)) => {
                    let err = decided.expect_err(name);
                    let expected = format!("perform: {permission} on resource: {resource} ");
                    assert!(
                        err.message.contains(&expected),
                        "{name}: the registry says {expected:?}, decide said {:?}",
                        err.message
                    );
                }
                None => {
                    assert_eq!(action.op.spec().permission, None, "{name}");
                    assert!(decided.is_ok(), "{name} needs no permission: {decided:?}");
                }
            }
        }
    }
}
