//! The keys of the database's meta tree, beside the log: the live state's mark and the snapshot interval.

use crate::log::error::StoreError;
use crate::log::store::Store;

/// Meta key: the live state's hash at the last flush, as `{"seq":N,"state_hash":"..."}`.
pub const META_LIVE: &str = "live";
/// Meta key: how many records between snapshots (decimal), fixed when the log is created.
pub const META_SNAPSHOT_EVERY: &str = "snapshot_every";

/// How often the log of `store` takes snapshots.
pub fn snapshot_every_or_default(store: &Store) -> Result<u64, StoreError> {
    Ok(store
        .meta(META_SNAPSHOT_EVERY)?
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(crate::log::snapshot::DEFAULT_EVERY))
}
