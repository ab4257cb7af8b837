//! Time-travel debugging over a log: the state at any record or time, one thing at a point, the
//! difference between two points, the first record that broke a rule, why a deletion ended as it did,
//! and a branch of history. Everything here reads the log (and its snapshots) and is pure otherwise.
//!
//! ```no_run
//! use slrsim::store::Store;
//! use slrsim::timetravel;
//!
//! let store = Store::open(std::path::Path::new("slrsim.db"))?;
//! let before = timetravel::state_at(&store, 10)?;
//! let after = timetravel::state_at(&store, 20)?;
//! for change in timetravel::diff(&before, &after) {
//!     println!("{change}");
//! }
//! if let Some(found) = timetravel::bisect(&store, None)? {
//!     println!("record {} broke {}: {}", found.seq, found.invariant, found.detail);
//! }
//! # Ok::<(), slrsim::StoreError>(())
//! ```

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::catalog;
use crate::error::StoreError;
use crate::event::Event;
use crate::record::{self, Outcome, Record};
use crate::replay;
use crate::state::{State, TaskStatus};
use crate::store::Store;

/// The state after record `seq`.
pub fn state_at(store: &Store, seq: u64) -> Result<State, StoreError> {
    Ok(replay::state_at(store, Some(seq))?.state)
}

/// Reads one record, checked against the stored hash of the one before it.
pub fn record_at(store: &Store, seq: u64) -> Result<Record, StoreError> {
    let Some(value) = store.get(seq)? else {
        return Err(StoreError::NoSuchRecord {
            seq,
            last: store.last()?.map(|(s, _)| s),
        });
    };
    // Check the record against its predecessor's stored hash, so that a damaged record read on its own
    // is an error naming it, never a silently wrong answer.
    match record::decode(seq, &value, &prev_stored_hash(store, seq)?) {
        Ok((rec, _)) => Ok(rec),
        Err(e) => {
            // A mismatch may be the predecessor's fault (its stored hash is damaged): if the
            // predecessor does not check against its own predecessor, name it instead.
            if let Some(before) = seq.checked_sub(1) {
                let value = store.get(before)?.unwrap_or_default();
                record::decode(before, &value, &prev_stored_hash(store, before)?)?;
            }
            Err(e)
        }
    }
}

/// The stored chain hash of the record before `seq` (the genesis hash before record 0).
fn prev_stored_hash(store: &Store, seq: u64) -> Result<[u8; record::HASH_LEN], StoreError> {
    let Some(before) = seq.checked_sub(1) else {
        return Ok(record::genesis_hash());
    };
    let stored = store.get(before)?.ok_or_else(|| StoreError::Corrupt {
        seq: before,
        detail: format!("the record is missing (record {seq} follows it)"),
    })?;
    record::stored_hash(&stored).ok_or_else(|| StoreError::Corrupt {
        seq: before,
        detail: "the stored value is shorter than its hash".to_string(),
    })
}

/// The last record whose simulated time is at or before `time`, found by binary search (record times
/// never decrease). `None` when the log starts after `time`.
pub fn seq_at_time(store: &Store, time: i64) -> Result<Option<u64>, StoreError> {
    let Some((last, _)) = store.last()? else {
        return Ok(None);
    };
    if record_at(store, 0)?.time > time {
        return Ok(None);
    }
    // INVARIANT: record lo has time <= `time`; every record after hi has time > `time`.
    let (mut lo, mut hi) = (0u64, last);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if record_at(store, mid)?.time <= time {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(Some(lo))
}

/// What `get` can pick out of a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// The whole of one account.
    Account {
        /// Account id.
        account: String,
    },
    /// A role (default: the service-linked role).
    Role {
        /// Account id.
        account: String,
        /// Role name.
        name: String,
    },
    /// A playback configuration.
    Config {
        /// Account id.
        account: String,
        /// Region.
        region: String,
        /// Name.
        name: String,
    },
    /// A deletion task, found in whichever account holds it.
    Task {
        /// The DeletionTaskId.
        id: String,
    },
}

/// Picks one thing out of a state, as JSON; `None` when it does not exist at that point.
pub fn get(state: &State, q: &Query) -> Option<Value> {
    match q {
        Query::Account { account } => state
            .accounts
            .get(account)
            .and_then(|a| serde_json::to_value(a).ok()),
        Query::Role { account, name } => state
            .accounts
            .get(account)
            .and_then(|a| a.roles.get(name))
            .and_then(|r| serde_json::to_value(r).ok()),
        Query::Config {
            account,
            region,
            name,
        } => state
            .accounts
            .get(account)
            .and_then(|a| a.regions.get(region))
            .and_then(|r| r.playback_configurations.get(name))
            .and_then(|c| serde_json::to_value(c).ok()),
        Query::Task { id } => state
            .accounts
            .values()
            .find_map(|a| a.deletion_tasks.get(id))
            .and_then(|t| serde_json::to_value(t).ok()),
    }
}

/// How a value changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Present after, not before.
    Added,
    /// Present before, not after.
    Removed,
    /// Present in both, different.
    Changed,
}

/// One difference between two states, at a JSON path such as
/// `/accounts/111122223333/roles/AWSServiceRoleForMediaTailor/description`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Where.
    pub path: String,
    /// How.
    pub kind: ChangeKind,
    /// The value before (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// The value after (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: &Option<Value>| v.as_ref().map(compact).unwrap_or_default();
        match self.kind {
            ChangeKind::Added => write!(f, "+ {} = {}", self.path, show(&self.after)),
            ChangeKind::Removed => write!(f, "- {} (was {})", self.path, show(&self.before)),
            ChangeKind::Changed => write!(
                f,
                "~ {}: {} -> {}",
                self.path,
                show(&self.before),
                show(&self.after)
            ),
        }
    }
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        let head: String = s.chars().take(160).collect();
        format!("{head}...")
    } else {
        s
    }
}

/// The differences between two states, leaf by leaf (whole objects when added or removed).
pub fn diff(before: &State, after: &State) -> Vec<Change> {
    let a = serde_json::to_value(before).unwrap_or(Value::Null);
    let b = serde_json::to_value(after).unwrap_or(Value::Null);
    let mut out = Vec::new();
    diff_values("", &a, &b, &mut out);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn diff_values(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let p = format!("{path}/{}", escape(k));
                match y.get(k) {
                    Some(vb) => diff_values(&p, va, vb, out),
                    None if !va.is_null() => out.push(Change {
                        path: p,
                        kind: ChangeKind::Removed,
                        before: Some(va.clone()),
                        after: None,
                    }),
                    None => {}
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) && !vb.is_null() {
                    out.push(Change {
                        path: format!("{path}/{}", escape(k)),
                        kind: ChangeKind::Added,
                        before: None,
                        after: Some(vb.clone()),
                    });
                }
            }
        }
        (Value::Null, _) => out.push(Change {
            path: path.to_string(),
            kind: ChangeKind::Added,
            before: None,
            after: Some(b.clone()),
        }),
        (_, Value::Null) => out.push(Change {
            path: path.to_string(),
            kind: ChangeKind::Removed,
            before: Some(a.clone()),
            after: None,
        }),
        _ => out.push(Change {
            path: path.to_string(),
            kind: ChangeKind::Changed,
            before: Some(a.clone()),
            after: Some(b.clone()),
        }),
    }
}

/// What bisect found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The first record after which the rule is broken.
    pub seq: u64,
    /// The rule.
    pub invariant: &'static str,
    /// What is wrong after that record.
    pub detail: String,
    /// How many states were reconstructed to find it.
    pub reconstructions: u32,
}

/// Finds the first record after which a state invariant (`invariant`, or any when `None`) is broken, by
/// binary search over the log: O(log n) state reconstructions, each one snapshot plus at most K applies.
/// A rule broken and later repaired may hide from the search, as with `git bisect`; the record found is
/// always one after which the rule is broken and before which it held.
pub fn bisect(store: &Store, invariant: Option<&str>) -> Result<Option<Broken>, StoreError> {
    let checks: Vec<&crate::invariants::StateInvariant> = match invariant {
        Some(name) => vec![crate::invariants::state_invariant(name).ok_or_else(|| {
            StoreError::UnknownInvariant {
                name: name.to_string(),
                known: crate::invariants::STATE_INVARIANTS
                    .iter()
                    .map(|i| i.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })?],
        None => crate::invariants::STATE_INVARIANTS.iter().collect(),
    };
    let broken = |s: &State| -> Option<(&'static str, String)> {
        checks
            .iter()
            .find_map(|c| (c.check)(s).err().map(|d| (c.name, d)))
    };
    let Some((last, _)) = store.last()? else {
        return Ok(None);
    };
    let mut reconstructions = 1u32;
    if broken(&state_at(store, last)?).is_none() {
        return Ok(None);
    }
    // INVARIANT: the rule holds after lo (or lo is "before record 0") and is broken after hi.
    let (mut lo, mut hi): (Option<u64>, u64) = (None, last);
    loop {
        let start = lo.map_or(0, |l| l + 1);
        if start >= hi {
            break;
        }
        let mid = start + (hi - start) / 2;
        reconstructions += 1;
        if broken(&state_at(store, mid)?).is_some() {
            hi = mid;
        } else {
            lo = Some(mid);
        }
    }
    reconstructions += 1;
    let (name, detail) = broken(&state_at(store, hi)?).unwrap_or(("?", String::new()));
    Ok(Some(Broken {
        seq: hi,
        invariant: name,
        detail,
        reconstructions,
    }))
}

/// A log configuration enabled when a task ran: region, configuration ARN, percent, the record that
/// last set it.
pub type EnabledAt = (String, String, i64, u64);
/// A recent use of the role: when, in which region, the record.
pub type UseAt = (String, String, u64);

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
    /// A readable account of all this.
    pub summary: String,
}

/// Explains a deletion task from the log: which log configurations were enabled when it ran and the
/// records that enabled them, or that the role was in use, since which record.
///
/// `task` is a DeletionTaskId, or a unique ending of one (the timeline shows the last 8 characters).
pub fn explain(store: &Store, task: &str) -> Result<Explanation, StoreError> {
    let task_id = resolve_task_id(store, task)?;
    let task_id = task_id.as_str();
    let mut started: Option<(u64, String)> = None;
    let mut finished: Option<u64> = None;
    // (account, region, name) -> (percent, record that set it)
    let mut logging: std::collections::BTreeMap<(String, String, String), (i64, u64)> =
        Default::default();
    let mut last_use: std::collections::BTreeMap<String, (i64, String, u64)> = Default::default();
    let mut snapshot_at_finish: Option<(Vec<EnabledAt>, Option<UseAt>)> = None;
    let mut status = "NOT_STARTED";
    replay::for_each_record(store, None, |rec| {
        for e in rec.outcome.events() {
            match e {
                Event::DeletionTaskCreated { account, task }
                    if task.deletion_task_id == task_id =>
                {
                    started = Some((rec.seq, account.clone()));
                }
                Event::LogConfigurationSet {
                    account,
                    region,
                    name,
                    log,
                } => {
                    logging.insert(
                        (account.clone(), region.clone(), name.clone()),
                        (log.percent_enabled, rec.seq),
                    );
                }
                Event::PlaybackConfigurationDeleted {
                    account,
                    region,
                    name,
                } => {
                    logging.remove(&(account.clone(), region.clone(), name.clone()));
                }
                Event::RoleUsed {
                    account,
                    region,
                    at,
                    ..
                } => {
                    last_use.insert(account.clone(), (*at, region.clone(), rec.seq));
                }
                Event::RoleDeleted { account, role_name } if role_name == catalog::SLR_NAME => {
                    last_use.remove(account);
                }
                Event::DeletionTaskStarted { task_id: t, .. } if t == task_id => {
                    status = "IN_PROGRESS"
                }
                Event::DeletionTaskSucceeded { task_id: t, at, .. }
                | Event::DeletionTaskFailed { task_id: t, at, .. }
                    if t == task_id =>
                {
                    finished = Some(rec.seq);
                    status = if matches!(e, Event::DeletionTaskSucceeded { .. }) {
                        "SUCCEEDED"
                    } else {
                        "FAILED"
                    };
                    let account = started.as_ref().map(|s| s.1.clone()).unwrap_or_default();
                    let enabled = logging
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
                    let recent = last_use
                        .get(&account)
                        .filter(|(used, _, _)| at - used < crate::decide::IN_USE_WINDOW_SECS)
                        .map(|(used, region, s)| (crate::clock::format(*used), region.clone(), *s));
                    snapshot_at_finish = Some((enabled, recent));
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    let Some((started_by, account)) = started else {
        return Err(StoreError::NoSuchTask {
            task: task_id.to_string(),
        });
    };
    let (enabled, recent_use) = snapshot_at_finish.unwrap_or_default();
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
            for (region, arn, p, s) in &enabled {
                summary.push_str(&format!(
                    "\n  {region}: {arn} had PercentEnabled {p}, set by record {s}."
                ));
            }
            if let Some((when, region, s)) = &recent_use {
                summary.push_str(&format!(
                    "\n  MediaTailor used the role in {region} at {when} (record {s}), less than {} minutes before the task ran.",
                    crate::decide::IN_USE_WINDOW_SECS / 60
                ));
            }
            if status == TaskStatus::Failed.as_str() && !enabled.is_empty() {
                summary.push_str(
                    "\n  Set PercentEnabled to 0 on those configurations, then delete again.",
                );
            }
        }
    }
    Ok(Explanation {
        deletion_task_id: task_id.to_string(),
        account,
        started_by,
        finished_by: finished,
        status,
        enabled,
        recent_use,
        summary,
    })
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

/// Starts a new timeline at `to` from the records 0..=`at` of `store`, copied byte for byte (with their
/// chain hashes), and the snapshots of that prefix. `to` must not hold a log already.
pub fn fork(store: &Store, at: u64, to: &Path) -> Result<u64, StoreError> {
    let last = store.last()?.map(|(s, _)| s);
    if last.is_none_or(|l| at > l) {
        return Err(StoreError::NoSuchRecord { seq: at, last });
    }
    // Check the prefix before copying it: a fork of a damaged log would carry the damage.
    replay::for_each_record(store, Some(at), |_| Ok(()))?;
    let target = Store::open(to)?;
    if target.next_seq()? > 0 {
        return Err(StoreError::TargetHoldsLog {
            path: to.display().to_string(),
        });
    }
    for item in store.iter_from(0) {
        let (seq, value) = item?;
        if seq > at {
            break;
        }
        target.append(seq, &value)?;
    }
    for item in store.snapshots_before(at) {
        let (seq, value) = item?;
        target.put_snapshot(seq, &value)?;
    }
    if let Some(every) = store.meta(crate::simulator::META_SNAPSHOT_EVERY)? {
        target.set_meta(crate::simulator::META_SNAPSHOT_EVERY, &every)?;
    }
    target.flush()?;
    Ok(at + 1)
}

/// The first record whose outcome the current code decides differently (what changed when the
/// simulator was upgraded), with both outcomes; `None` when every record re-decides the same.
pub fn replay_verify(store: &Store) -> Result<Option<(u64, Outcome, Outcome)>, StoreError> {
    let mut state = State::default();
    let mut first = None;
    replay::for_each_record(store, None, |rec| {
        if first.is_none() {
            let again = replay::redecide(&state, rec);
            if again != rec.outcome {
                first = Some((rec.seq, rec.outcome.clone(), again));
            }
        }
        for e in rec.outcome.events() {
            crate::reducer::apply_mut(&mut state, e);
        }
        Ok(())
    })?;
    Ok(first)
}
