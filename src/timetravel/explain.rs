//! Why a deletion task failed or succeeded, told from the log.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::catalog;
use crate::core::event::Event;
use crate::core::state::TaskStatus;
use crate::log::error::StoreError;
use crate::log::replay;
use crate::log::store::Store;

/// A log configuration enabled when a task ran: region, configuration ARN, percent, the record that
/// last set it.
pub(super) type EnabledAt = (String, String, i64, u64);
/// A recent use of the role: when, in which region, the record.
pub(super) type UseAt = (String, String, u64);

/// Why a deletion task ended as it did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The task.
    pub deletion_task_id: String,
    /// Its account.
    pub account: String,
    /// The record that started it.
    pub started_by: u64,
    /// The record whose clock advance finished it, if it has finished.
    pub finished_by: Option<u64>,
    /// Its status now.
    pub status: &'static str,
    /// Log configurations enabled when it ran: (region, playback configuration ARN, percent, the record
    /// that last enabled it).
    pub enabled: Vec<EnabledAt>,
    /// If MediaTailor had used the role too recently: when, in which region, and the record.
    pub recent_use: Option<UseAt>,
    /// Whether that use delivered the sessions of viewers watching as the clock moved (`SetViewers`)
    /// rather than of a `ServeSessions`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub recent_use_by_viewers: bool,
    /// The record of the `SetFaults` that made the task fail for a service reason, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faulted_by: Option<u64>,
    /// A readable account of all this.
    pub summary: String,
}

/// Explains a deletion task from the log: which log configurations were enabled when it ran and the
/// records that enabled them, or that the role was in use, since which record.
///
/// `task` is a DeletionTaskId, or a unique ending of one (the timeline shows the last 8 characters).
pub fn explain(store: &Store, task: &str) -> Result<Explanation, StoreError> {
    let task_id = resolve_task_id(store, task)?;
    let mut trace = Trace::new(&task_id);
    replay::for_each_record(store, None, |rec| {
        for e in rec.outcome.events() {
            trace.observe(rec.seq, e);
        }
        Ok(())
    })?;
    let Some((started_by, account)) = trace.started else {
        return Err(StoreError::NoSuchTask { task: task_id });
    };
    let (enabled, recent_use) = trace.snapshot_at_finish.unwrap_or_default();
    let status = trace.status;
    let finished = trace.finished;
    let recent_use_by_viewers = recent_use
        .as_ref()
        .is_some_and(|u| trace.viewer_records.contains(&u.2));
    let faulted_by = trace.faulted_by;
    let mut summary = summary(
        &task_id,
        &account,
        started_by,
        finished,
        status,
        &enabled,
        recent_use.as_ref().map(|u| (u, recent_use_by_viewers)),
    );
    if let Some(s) = faulted_by {
        summary.push_str(&format!(
            "\n  It failed for a service reason: an injected fault (SetFaults, record {s}) stopped a deletion nothing in the account blocked. Delete again."
        ));
    }
    Ok(Explanation {
        deletion_task_id: task_id,
        account,
        started_by,
        finished_by: finished,
        status,
        enabled,
        recent_use,
        recent_use_by_viewers,
        faulted_by,
        summary,
    })
}

/// What the log told so far about one deletion task and what bears on it, gathered record by record.
struct Trace<'t> {
    /// The task's id.
    task_id: &'t str,
    /// The record that started the task, and its account.
    started: Option<(u64, String)>,
    /// The record that finished it.
    finished: Option<u64>,
    /// (account, region, name) -> (percent, record that set it)
    logging: BTreeMap<(String, String, String), (i64, u64)>,
    /// The role's last use by account: when, in which region, the record.
    last_use: BTreeMap<String, (i64, String, u64)>,
    /// What blocked the deletion (or did not) when the task finished.
    snapshot_at_finish: Option<(Vec<EnabledAt>, Option<UseAt>)>,
    /// The task's status so far.
    status: &'static str,
    /// The records in which viewers watched as the clock moved.
    viewer_records: std::collections::BTreeSet<u64>,
    /// The last record that set the faults of each account.
    faults_set: BTreeMap<String, u64>,
    /// The `SetFaults` record behind the task's failure for a service reason.
    faulted_by: Option<u64>,
}

impl<'t> Trace<'t> {
    /// Nothing seen yet.
    fn new(task_id: &'t str) -> Self {
        Trace {
            task_id,
            started: None,
            finished: None,
            logging: BTreeMap::new(),
            last_use: BTreeMap::new(),
            snapshot_at_finish: None,
            status: "NOT_STARTED",
            viewer_records: std::collections::BTreeSet::new(),
            faults_set: BTreeMap::new(),
            faulted_by: None,
        }
    }

    /// Takes in one event of record `seq`.
    fn observe(&mut self, seq: u64, e: &Event) {
        let task_id = self.task_id;
        match e {
            Event::DeletionTaskCreated { account, task } if task.deletion_task_id == task_id => {
                self.started = Some((seq, account.clone()));
            }
            Event::LogConfigurationSet {
                account,
                region,
                name,
                log,
            } => {
                self.logging.insert(
                    (account.clone(), region.clone(), name.clone()),
                    (log.percent_enabled, seq),
                );
            }
            Event::PlaybackConfigurationDeleted {
                account,
                region,
                name,
            } => {
                self.logging
                    .remove(&(account.clone(), region.clone(), name.clone()));
            }
            Event::ViewersWatched { .. } => {
                self.viewer_records.insert(seq);
            }
            Event::FaultsSet { account, .. } => {
                self.faults_set.insert(account.clone(), seq);
            }
            Event::DeletionTaskFaulted {
                account,
                task_id: t,
                ..
            } if t == task_id => {
                self.faulted_by = self.faults_set.get(account).copied();
            }
            Event::RoleUsed {
                account,
                region,
                at,
                ..
            } => {
                self.last_use
                    .insert(account.clone(), (*at, region.clone(), seq));
            }
            Event::RoleDeleted { account, role_name } if role_name == catalog::SLR_NAME => {
                self.last_use.remove(account);
            }
            Event::DeletionTaskStarted { task_id: t, .. } if t == task_id => {
                self.status = "IN_PROGRESS"
            }
            Event::DeletionTaskSucceeded { task_id: t, at, .. }
            | Event::DeletionTaskFailed { task_id: t, at, .. }
                if t == task_id =>
            {
                self.finished = Some(seq);
                self.status = if matches!(e, Event::DeletionTaskSucceeded { .. }) {
                    "SUCCEEDED"
                } else {
                    "FAILED"
                };
                self.snapshot_at_finish = Some(self.blockers(*at));
            }
            _ => {}
        }
    }

    /// The log configurations enabled in the task's account, and the role's use if it was recent, at
    /// simulated time `at`.
    fn blockers(&self, at: i64) -> (Vec<EnabledAt>, Option<UseAt>) {
        let account = self
            .started
            .as_ref()
            .map(|s| s.1.clone())
            .unwrap_or_default();
        let enabled = self
            .logging
            .iter()
            .filter(|((a, _, _), (p, _))| *a == account && *p > 0)
            .map(|((a, r, n), (p, s))| {
                (
                    r.clone(),
                    catalog::playback_configuration_arn(r, a, n),
                    *p,
                    *s,
                )
            })
            .collect();
        let recent = self
            .last_use
            .get(&account)
            .filter(|(used, _, _)| at - used < crate::core::decide::IN_USE_WINDOW_SECS)
            .map(|(used, region, s)| (crate::core::clock::format(*used), region.clone(), *s));
        (enabled, recent)
    }
}

/// The readable account of a task's end: what started it, how it ended, and what blocked it.
fn summary(
    task_id: &str,
    account: &str,
    started_by: u64,
    finished: Option<u64>,
    status: &str,
    enabled: &[EnabledAt],
    recent_use: Option<(&UseAt, bool)>,
) -> String {
    let mut summary =
        format!("Deletion task {task_id} (account {account}) was started by record {started_by}");
    match finished {
        None => summary.push_str(&format!(
            " and has not finished yet: it is {status}. Advance the clock to let it run."
        )),
        Some(f) => {
            summary.push_str(&format!(" and ended {status} during record {f}."));
            if status == TaskStatus::Succeeded.as_str() {
                summary.push_str(" No log configuration was enabled and MediaTailor had not used the role recently, so the role was deleted.");
            }
            for (region, arn, p, s) in enabled {
                summary.push_str(&format!(
                    "\n  {region}: {arn} had PercentEnabled {p}, set by record {s}."
                ));
            }
            if let Some(((when, region, s), by_viewers)) = recent_use {
                let what = if by_viewers {
                    ": the sessions of viewers watching as the clock moved"
                } else {
                    ""
                };
                summary.push_str(&format!(
                    "\n  MediaTailor used the role in {region} at {when} (record {s}{what}), less than {} minutes before the task ran.",
                    crate::core::decide::IN_USE_WINDOW_SECS / 60
                ));
            }
            if status == TaskStatus::Failed.as_str() && !enabled.is_empty() {
                summary.push_str(
                    "\n  Set PercentEnabled to 0 on those configurations, then delete again.",
                );
            }
        }
    }
    summary
}

/// The full id of the deletion task whose id is, or ends with, `task`.
fn resolve_task_id(store: &Store, task: &str) -> Result<String, StoreError> {
    let mut matches: Vec<String> = Vec::new();
    replay::for_each_record(store, None, |rec| {
        for e in rec.outcome.events() {
            if let Event::DeletionTaskCreated { task: t, .. } = e {
                if t.deletion_task_id == task {
                    matches = vec![t.deletion_task_id.clone()];
                    return Ok(());
                }
                if !task.is_empty()
                    && t.deletion_task_id.ends_with(task)
                    && !matches.contains(&t.deletion_task_id)
                {
                    matches.push(t.deletion_task_id.clone());
                }
            }
        }
        Ok(())
    })?;
    match matches.len() {
        1 => Ok(matches.remove(0)),
        0 => Err(StoreError::NoSuchTask {
            task: task.to_string(),
        }),
        n => Err(StoreError::AmbiguousTask {
            task: task.to_string(),
            matches: n,
        }),
    }
}
