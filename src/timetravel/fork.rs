//! A new timeline from a prefix of a log.

use std::path::Path;

use crate::log::error::StoreError;
use crate::log::replay;
use crate::log::store::Store;

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
    if let Some(every) = store.meta(crate::log::meta::META_SNAPSHOT_EVERY)? {
        target.set_meta(crate::log::meta::META_SNAPSHOT_EVERY, &every)?;
    }
    target.flush()?;
    Ok(at + 1)
}
