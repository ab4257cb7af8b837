//! The sled store: the only module that touches sled. The `log` tree maps a big-endian u64 sequence
//! number to a stored record (see `record`); the `meta` tree holds small facts about the log (the live
//! state's hash at the last flush, whether the demo made it).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::StoreError;

/// How long `open` waits for a lock that is being released before it reports the database in use.
pub const LOCK_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// sled's page cache, in bytes. sled's default (1 GiB) let a replay of a long log hold a gigabyte;
/// the log is read front to back, so a small cache costs little and keeps memory bounded.
pub const CACHE_BYTES: u64 = 32 << 20;

fn sled_config() -> sled::Config {
    sled::Config::new().cache_capacity(CACHE_BYTES)
}

/// How often appends are flushed to disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Durability {
    /// Flush after this many appends (1: every action). `run` flushes at its end whatever this is.
    pub flush_every: usize,
}

impl Default for Durability {
    fn default() -> Self {
        Durability { flush_every: 1000 }
    }
}

/// An open slrsim database.
pub struct Store {
    /// The number the next appended record must have. Read from the log when the store opens and kept
    /// here after, because asking sled for its last key walks the tree's right edge on every append.
    next: AtomicU64,
    db: sled::Db,
    log: sled::Tree,
    meta: sled::Tree,
    snapshots: sled::Tree,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn map_open_error(path: &Path, e: sled::Error) -> StoreError {
    if let sled::Error::Io(io) = &e {
        let text = io.to_string().to_ascii_lowercase();
        if io.kind() == std::io::ErrorKind::WouldBlock || text.contains("lock") {
            return StoreError::Locked {
                path: path.display().to_string(),
            };
        }
    }
    StoreError::Sled(e)
}

impl Store {
    /// Opens (or creates) the database folder at `path`. Another process holding it is a clear error.
    ///
    /// sled 0.34 releases its file lock from a background thread a moment after a database is dropped
    /// (spacejam/sled#1234), so reopening a path this process just closed can briefly look "in use". The
    /// open is retried for up to [`LOCK_GRACE`] before a lock is reported.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let started = std::time::Instant::now();
        loop {
            match sled_config().path(path).open() {
                Ok(db) => return Self::from_db(db, path.to_path_buf()),
                Err(e) => match map_open_error(path, e) {
                    StoreError::Locked { .. } if started.elapsed() < LOCK_GRACE => {
                        std::thread::sleep(std::time::Duration::from_millis(25));
                    }
                    other => return Err(other),
                },
            }
        }
    }

    /// A database that lives in a temporary folder and is removed when dropped (tests, benchmarks).
    pub fn temporary() -> Result<Self, StoreError> {
        let db = sled_config().temporary(true).open()?;
        Self::from_db(db, PathBuf::from("<temporary>"))
    }

    fn from_db(db: sled::Db, path: PathBuf) -> Result<Self, StoreError> {
        let log = db.open_tree("log")?;
        let meta = db.open_tree("meta")?;
        let snapshots = db.open_tree("snapshots")?;
        let next = match log.last()? {
            Some((k, _)) => key_seq(&k)? + 1,
            None => 0,
        };
        Ok(Store {
            next: AtomicU64::new(next),
            db,
            log,
            meta,
            snapshots,
            path,
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last stored sequence number and its value.
    pub fn last(&self) -> Result<Option<(u64, sled::IVec)>, StoreError> {
        match self.log.last()? {
            Some((k, v)) => Ok(Some((key_seq(&k)?, v))),
            None => Ok(None),
        }
    }

    /// The number of the next record.
    pub fn next_seq(&self) -> Result<u64, StoreError> {
        Ok(self.next.load(Ordering::Acquire))
    }

    /// Re-reads the next number from the log (after the raw edits tests make).
    fn refresh_next(&self) -> Result<(), StoreError> {
        let next = self.last()?.map_or(0, |(s, _)| s + 1);
        self.next.store(next, Ordering::Release);
        Ok(())
    }

    /// Appends the value of record `seq`, which must be the next number. The insert is a
    /// compare-and-swap against an empty slot, so two writers can never both write one number.
    pub fn append(&self, seq: u64, value: &[u8]) -> Result<(), StoreError> {
        let expected = self.next_seq()?;
        if seq != expected {
            return Err(StoreError::OutOfOrder { expected, got: seq });
        }
        match self
            .log
            .compare_and_swap(seq.to_be_bytes(), None as Option<&[u8]>, Some(value))?
        {
            Ok(()) => {
                self.next.store(seq + 1, Ordering::Release);
                Ok(())
            }
            Err(_) => Err(StoreError::OutOfOrder {
                expected: seq + 1,
                got: seq,
            }),
        }
    }

    /// The stored value of record `seq`.
    pub fn get(&self, seq: u64) -> Result<Option<sled::IVec>, StoreError> {
        Ok(self.log.get(seq.to_be_bytes())?)
    }

    /// Stored values from `from` on, in order.
    pub fn iter_from(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<(u64, sled::IVec), StoreError>> + '_ {
        self.log.range(from.to_be_bytes()..).map(|r| {
            let (k, v) = r?;
            Ok((key_seq(&k)?, v))
        })
    }

    /// Writes everything to disk (sled's flush: see README on what that promises).
    pub fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }

    /// Reads a meta value.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.meta.get(key)?.map(|v| v.to_vec()))
    }

    /// Writes a meta value.
    pub fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.meta.insert(key, value)?;
        Ok(())
    }

    /// Removes record `seq` without checks (tests that need a damaged or truncated log).
    pub fn raw_remove(&self, seq: u64) -> Result<(), StoreError> {
        self.log.remove(seq.to_be_bytes())?;
        self.refresh_next()
    }

    /// Overwrites the stored value of `seq` without checks (corruption tests).
    pub fn raw_put(&self, seq: u64, value: &[u8]) -> Result<(), StoreError> {
        self.log.insert(seq.to_be_bytes(), value)?;
        self.refresh_next()
    }
}

impl Store {
    /// Stores the snapshot of the state after record `seq`.
    pub fn put_snapshot(&self, seq: u64, value: &[u8]) -> Result<(), StoreError> {
        self.snapshots.insert(seq.to_be_bytes(), value)?;
        Ok(())
    }

    /// Stored snapshots at or before `seq`, newest first.
    pub fn snapshots_before(
        &self,
        seq: u64,
    ) -> impl Iterator<Item = Result<(u64, sled::IVec), StoreError>> + '_ {
        self.snapshots.range(..=seq.to_be_bytes()).rev().map(|r| {
            let (k, v) = r?;
            Ok((key_seq(&k)?, v))
        })
    }

    /// Removes the snapshot after record `seq` (tests of missing snapshots).
    pub fn remove_snapshot(&self, seq: u64) -> Result<(), StoreError> {
        self.snapshots.remove(seq.to_be_bytes())?;
        Ok(())
    }

    /// Removes every snapshot after record `seq` (a forked log keeps only its prefix's).
    pub fn remove_snapshots_after(&self, seq: u64) -> Result<(), StoreError> {
        let keys: Vec<sled::IVec> = self
            .snapshots
            .range((seq + 1).to_be_bytes()..)
            .keys()
            .collect::<Result<_, _>>()?;
        for k in keys {
            self.snapshots.remove(k)?;
        }
        Ok(())
    }
}

fn key_seq(k: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = k.try_into().map_err(|_| StoreError::Corrupt {
        seq: u64::MAX,
        detail: format!("a log key is {} bytes, not 8", k.len()),
    })?;
    Ok(u64::from_be_bytes(arr))
}
