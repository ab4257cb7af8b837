//! The state at a record or a time, a record read and checked on its own, and one thing picked out of a state.

use serde_json::Value;

use crate::core::state::State;
use crate::log::error::StoreError;
use crate::log::record::{self, Record};
use crate::log::replay;
use crate::log::store::Store;

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
