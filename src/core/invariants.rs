//! The rules of one state alone, as named, documented checks: what `bisect` searches a log for, and
//! what the step invariants of the property tests build on.

use crate::core::catalog::{self, SLR_NAME};
use crate::core::state::{State, TaskStatus};

/// An invariant of one state alone: what `bisect` searches for.
#[derive(Debug, Clone, Copy)]
pub struct StateInvariant {
    /// Short name, used on the command line.
    pub name: &'static str,
    /// What it promises.
    pub doc: &'static str,
    /// The check: `Err(detail)` when broken.
    pub check: fn(&State) -> Result<(), String>,
}

/// The invariants that can be judged from one state (the state part of [`ALL`]).
pub const STATE_INVARIANTS: &[StateInvariant] = &[
    StateInvariant {
        name: "role-exists-while-logging",
        doc: "While any log configuration of an account is enabled, the account's service-linked role exists.",
        check: state_role_exists_while_logging,
    },
    StateInvariant {
        name: "role-identity-fixed",
        doc: "The service-linked role has AWS's name, path, ARN, trust policy, attached policy and no other policies.",
        check: state_role_shape,
    },
    StateInvariant {
        name: "policy-only-on-slr",
        doc: "AWSMediaTailorServiceRolePolicy is attached to no entity but the service-linked role.",
        check: state_policy_only_on_slr,
    },
    StateInvariant {
        name: "task-status-forward",
        doc: "A finished deletion task is SUCCEEDED without a reason or FAILED with one, and at most one task per role is unfinished.",
        check: state_tasks_sane,
    },
];

/// Looks a state invariant up by name.
pub fn state_invariant(name: &str) -> Option<&'static StateInvariant> {
    STATE_INVARIANTS.iter().find(|i| i.name == name)
}

/// A finished deletion task is SUCCEEDED without a reason or FAILED with one, and at most one
/// task per role is unfinished.
pub fn state_tasks_sane(state: &State) -> Result<(), String> {
    for (id, acct) in &state.accounts {
        let mut open = std::collections::BTreeSet::new();
        for t in acct.deletion_tasks.values() {
            match t.status {
                TaskStatus::Failed if t.reason.is_none() => {
                    return Err(format!(
                        "task {} of account {id} FAILED without a reason",
                        t.deletion_task_id
                    ));
                }
                TaskStatus::Succeeded if t.reason.is_some() => {
                    return Err(format!(
                        "task {} of account {id} SUCCEEDED with a failure reason",
                        t.deletion_task_id
                    ));
                }
                TaskStatus::NotStarted | TaskStatus::InProgress
                    if !open.insert(t.role_name.clone()) =>
                {
                    return Err(format!(
                        "account {id} has two unfinished deletion tasks for {}",
                        t.role_name
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// While any log configuration of an account is enabled, the account's service-linked role
/// exists.
pub fn state_role_exists_while_logging(state: &State) -> Result<(), String> {
    for (id, acct) in &state.accounts {
        let enabled = acct.enabled_log_configurations();
        if !enabled.is_empty() && acct.service_linked_role().is_none() {
            return Err(format!(
                "account {id} has logging enabled in {} but no service-linked role",
                enabled.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(())
}

/// The service-linked role has AWS's name, path, ARN, trust policy and attached policy, and no
/// other policies.
pub fn state_role_shape(state: &State) -> Result<(), String> {
    for (id, acct) in &state.accounts {
        let Some(r) = acct.service_linked_role() else {
            continue;
        };
        let expected_attached = [catalog::SLR_POLICY_ARN.to_string()];
        if r.role_name != SLR_NAME
            || r.path != catalog::SLR_PATH
            || r.arn != catalog::slr_arn(id)
            || r.assume_role_policy_document != catalog::SLR_TRUST_POLICY
            || !r.attached_policies.iter().eq(expected_attached.iter())
            || !r.inline_policies.is_empty()
            || r.permissions_boundary.is_some()
            || r.max_session_duration != catalog::SLR_MAX_SESSION_DURATION
            || r.max_signin_session_duration.is_some()
        {
            return Err(format!(
                "the service-linked role of account {id} is not as AWS defines it"
            ));
        }
    }
    Ok(())
}

/// `AWSMediaTailorServiceRolePolicy` is attached to no entity but the service-linked role.
pub fn state_policy_only_on_slr(state: &State) -> Result<(), String> {
    for (id, acct) in &state.accounts {
        for u in acct.users.values() {
            if u.attached_policies.contains(catalog::SLR_POLICY_ARN)
                || u.permissions_boundary.as_deref() == Some(catalog::SLR_POLICY_ARN)
            {
                return Err(format!(
                    "user {} of account {id} has the MediaTailor service role policy",
                    u.user_name
                ));
            }
        }
        for r in acct.roles.values().filter(|r| r.service_linked.is_none()) {
            if r.attached_policies.contains(catalog::SLR_POLICY_ARN)
                || r.permissions_boundary.as_deref() == Some(catalog::SLR_POLICY_ARN)
            {
                return Err(format!(
                    "role {} of account {id} has the MediaTailor service role policy",
                    r.role_name
                ));
            }
        }
    }
    Ok(())
}
