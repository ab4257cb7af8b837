//! Goals a user's automation must reach, judged on the final state (and, for `honest-exit`, on the
//! command's exit). What `slrsim fuzz --goal` parses, usable by library users as plain functions.
//!
//! ```
//! use slrsim::testing::goals::{Goal, judge};
//! use slrsim::{Genesis, Simulator};
//!
//! let sim = Simulator::temporary(Genesis { seed: 1, start: 1_767_225_600 }).unwrap();
//! let goals = [
//!     Goal::parse("role-absent").unwrap(),
//!     Goal::parse("/accounts/111122223333/roles/AWSServiceRoleForMediaTailor=absent").unwrap(),
//!     Goal::parse("honest-exit").unwrap(),
//! ];
//! // Nothing exists yet, and the command said it succeeded: every goal holds.
//! assert!(judge(&goals, sim.state(), true).iter().all(|v| v.held()));
//! // Had it exited nonzero, it would not have been honest.
//! assert!(!judge(&goals, sim.state(), false)[2].held());
//! ```

use serde_json::Value;

use crate::core::action::DEFAULT_ACCOUNT;
use crate::core::catalog::SLR_NAME;
use crate::core::state::{State, TaskStatus};

/// A goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    /// `role-absent`: the default account has no `AWSServiceRoleForMediaTailor`. A deletion task
    /// still running at the end does not count: until it succeeds the role exists.
    RoleAbsent,
    /// `role-present`: the role exists.
    RolePresent,
    /// `logging-off-everywhere`: no playback configuration of any account logs sessions.
    LoggingOffEverywhere,
    /// `honest-exit`: the command exited 0 exactly when every other goal given holds.
    HonestExit,
    /// `POINTER=absent` or `POINTER=JSON`: the value at the JSON Pointer (RFC 6901) into the
    /// document `slrsim state --json` prints is missing (or `null`), or equals JSON.
    Pointer {
        /// The JSON Pointer, starting with `/`.
        pointer: String,
        /// The expected value; `None` for absent.
        expect: Option<Value>,
    },
}

/// The goals when none are given: the role is gone, and the command says so honestly.
pub const DEFAULT_GOALS: [Goal; 2] = [Goal::RoleAbsent, Goal::HonestExit];

/// A goal's verdict on a final state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The goal, as given.
    pub goal: String,
    /// Why it does not hold; `None` when it holds.
    pub failure: Option<String>,
    /// The deletion task the failure is about, if any (for `explain`).
    pub task: Option<String>,
}

impl Verdict {
    /// Whether the goal holds.
    pub fn held(&self) -> bool {
        self.failure.is_none()
    }
}

impl Goal {
    /// Parses a goal: `role-absent`, `role-present`, `logging-off-everywhere`, `honest-exit`, or
    /// `/json/pointer=absent` / `/json/pointer=JSON` (the first `=` separates the two; write a
    /// pointer's own `=` as is only after it, `~0` and `~1` escape `~` and `/`).
    pub fn parse(s: &str) -> Result<Goal, String> {
        match s {
            "role-absent" => return Ok(Goal::RoleAbsent),
            "role-present" => return Ok(Goal::RolePresent),
            "logging-off-everywhere" => return Ok(Goal::LoggingOffEverywhere),
            "honest-exit" => return Ok(Goal::HonestExit),
            _ => {}
        }
        let shown = crate::core::validate::shown(s);
        let usage = || {
            format!(
                "goal `{shown}`: give role-absent, role-present, logging-off-everywhere, honest-exit, or /JSON/POINTER=absent or /JSON/POINTER=JSON (a path into `slrsim state --json`)"
            )
        };
        if !s.starts_with('/') || s.len() > 4096 {
            return Err(usage());
        }
        let (pointer, value) = s.split_once('=').ok_or_else(usage)?;
        let expect = match value {
            "absent" => None,
            v => Some(serde_json::from_str(v).map_err(|e| {
                format!("goal `{shown}`: the expected value is not JSON ({e}); write a string as \"text\", or `absent`")
            })?),
        };
        Ok(Goal::Pointer {
            pointer: pointer.to_string(),
            expect,
        })
    }

    /// The goal as `--goal` takes it.
    pub fn to_arg(&self) -> String {
        match self {
            Goal::RoleAbsent => "role-absent".into(),
            Goal::RolePresent => "role-present".into(),
            Goal::LoggingOffEverywhere => "logging-off-everywhere".into(),
            Goal::HonestExit => "honest-exit".into(),
            Goal::Pointer { pointer, expect } => match expect {
                None => format!("{pointer}=absent"),
                Some(v) => format!("{pointer}={v}"),
            },
        }
    }
}

/// Judges every goal on the final `state`, `exited_ok` being whether the command exited 0. The
/// verdicts come in the goals' order.
pub fn judge(goals: &[Goal], state: &State, exited_ok: bool) -> Vec<Verdict> {
    let mut verdicts: Vec<Verdict> = goals
        .iter()
        .map(|g| judge_state(g, state).unwrap_or_else(|| Verdict::holding(g)))
        .collect();
    let others_hold = goals
        .iter()
        .zip(&verdicts)
        .all(|(g, v)| *g == Goal::HonestExit || v.held());
    for (g, v) in goals.iter().zip(verdicts.iter_mut()) {
        if *g == Goal::HonestExit && exited_ok != others_hold {
            v.failure = Some(if exited_ok {
                "the command exited 0, but a goal does not hold".to_string()
            } else {
                "the command exited nonzero, but every other goal holds".to_string()
            });
        }
    }
    verdicts
}

impl Verdict {
    fn holding(g: &Goal) -> Verdict {
        Verdict {
            goal: g.to_arg(),
            failure: None,
            task: None,
        }
    }
}

fn judge_state(goal: &Goal, state: &State) -> Option<Verdict> {
    let account = state.accounts.get(DEFAULT_ACCOUNT);
    let role = account.and_then(|a| a.roles.get(SLR_NAME));
    let failure = match goal {
        Goal::RoleAbsent => role.map(|r| {
            let task = account.and_then(|a| {
                a.deletion_tasks
                    .values()
                    .filter(|t| t.role_name == SLR_NAME && t.role_id == r.role_id)
                    .max_by_key(|t| t.created_seq)
            });
            let why = match task.map(|t| t.status) {
                None => "no deletion was ever started".to_string(),
                Some(TaskStatus::NotStarted | TaskStatus::InProgress) => {
                    "its deletion task was still running when the command exited (a deletion takes 30 simulated seconds: poll GetServiceLinkedRoleDeletionStatus)".to_string()
                }
                Some(TaskStatus::Failed) => "its last deletion task FAILED".to_string(),
                Some(TaskStatus::Succeeded) => "its last deletion task succeeded, yet the role is back".to_string(),
            };
            (format!("{SLR_NAME} still exists: {why}"), task.map(|t| t.deletion_task_id.clone()))
        }),
        Goal::RolePresent => role
            .is_none()
            .then(|| (format!("{SLR_NAME} does not exist"), None)),
        Goal::LoggingOffEverywhere => logging_anywhere(state).map(|(region, name, p)| {
            (
                format!("playback configuration `{name}` in {region} still logs {p}% of sessions"),
                None,
            )
        }),
        Goal::HonestExit => None,
        Goal::Pointer { pointer, expect } => pointer_failure(state, pointer, expect.as_ref()),
    };
    failure.map(|(why, task)| Verdict {
        goal: goal.to_arg(),
        failure: Some(why),
        task,
    })
}

fn logging_anywhere(state: &State) -> Option<(String, String, i64)> {
    state.accounts.values().find_map(|a| {
        a.regions.iter().find_map(|(region, r)| {
            r.playback_configurations.values().find_map(|c| {
                let p = c.log_configuration.percent_enabled;
                (p > 0).then(|| (region.clone(), c.name.clone(), p))
            })
        })
    })
}

fn pointer_failure(
    state: &State,
    pointer: &str,
    expect: Option<&Value>,
) -> Option<(String, Option<String>)> {
    let doc = match serde_json::to_value(state) {
        Ok(doc) => doc,
        Err(e) => return Some((format!("the state could not be read as JSON: {e}"), None)),
    };
    let found = doc.pointer(pointer).filter(|v| !v.is_null());
    match (found, expect) {
        (None, None) => None,
        (Some(v), None) => Some((format!("{pointer} is {}, not absent", shorten(v)), None)),
        (None, Some(e)) => Some((format!("{pointer} is absent, not {e}"), None)),
        (Some(v), Some(e)) if v == e => None,
        (Some(v), Some(e)) => Some((format!("{pointer} is {}, not {e}", shorten(v)), None)),
    }
}

fn shorten(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_parse_and_print_back() {
        for g in [
            "role-absent",
            "role-present",
            "logging-off-everywhere",
            "honest-exit",
            "/accounts/111122223333/roles/AWSServiceRoleForMediaTailor=absent",
            "/accounts/111122223333/used_media_tailor_before_slr_support=false",
            "/now=\"x\"",
        ] {
            assert_eq!(Goal::parse(g).map(|g| g.to_arg()).as_deref(), Ok(g));
        }
        for bad in ["role", "/now", "now=1", "/now=not json"] {
            assert!(Goal::parse(bad).is_err(), "{bad} parsed");
        }
    }
}
