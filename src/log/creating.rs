//! Making a new database so that a process killed while making it leaves a folder the next command
//! can finish making, never one that looks like a damaged log.
//!
//! sled writes its two files one after the other when it creates a database; a process killed
//! between them (a Ctrl-C, an OOM kill, a CI timeout in the first milliseconds of `run`) leaves a `db`
//! without its `conf`. Without more, that folder is indistinguishable from a database whose `conf`
//! was lost later, which must be named as damage. So before sled is let near a new folder, slrsim
//! writes the marker file [`MARKER`] and holds an exclusive lock on it; it removes the marker (and
//! syncs the folder) only once sled's files and the empty log's head are on disk, and before the
//! store is handed to anyone who could append. A marker therefore means "no record of this folder
//! was ever acknowledged", and the next writer may clear sled's partial files and start again.
//!
//! The lock is the same kind sled takes on `db` (flock, through fs2): the kernel drops it when the
//! process dies, so a marker whose lock can be taken was left by a process that is gone.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::log::error::StoreError;
use crate::log::head;

/// The marker file's name inside the database folder.
pub(crate) const MARKER: &str = "slrsim-creating";

/// What the marker file says to a person who finds it.
const MARKER_TEXT: &str = "slrsim was making a database in this folder and had not finished.\n\
The next slrsim command that writes to it (run, serve, demo) starts it again; nothing in it was ever acknowledged.\n";

/// The files sled (and slrsim beside it) may have written in a new folder before the marker goes.
/// Everything else in the folder is left alone.
fn is_partial_file(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs")
        || name == head::FILE
        || name.starts_with("head.")
        || name.starts_with("snap.")
}

/// A creation under way: the marker exists and this process holds its lock.
#[derive(Debug)]
pub(crate) struct Creating {
    /// Open for as long as the lock is held.
    file: File,
    dir: PathBuf,
}

impl Creating {
    /// Takes the creation of the folder `dir` (made if absent): writes the marker and locks it. Another
    /// process creating it at this moment is [`StoreError::Locked`]. The caller decides from what the
    /// folder holds (now that nobody else can start creating it) whether sled's partial files are to be
    /// cleared ([`Creating::clear_partial`]).
    pub(crate) fn take(dir: &Path) -> Result<Self, StoreError> {
        let io = |e: std::io::Error, what: &str| {
            StoreError::Sled(sled::Error::Io(std::io::Error::new(
                e.kind(),
                format!("cannot {what} in `{}`: {e}", dir.display()),
            )))
        };
        std::fs::create_dir_all(dir).map_err(|e| io(e, "make the database folder"))?;
        let path = dir.join(MARKER);
        let started = std::time::Instant::now();
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| io(e, "write the creation marker"))?;
            if fs2::FileExt::try_lock_exclusive(&file).is_err() {
                if started.elapsed() < crate::log::store::LOCK_GRACE {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                    continue;
                }
                return Err(StoreError::Locked {
                    path: dir.display().to_string(),
                });
            }
            // The holder before us may have finished and removed the marker between our open and our
            // lock: then the file we locked is no longer the folder's, and we start over.
            if still_linked(&file, &path) {
                use std::io::Write;
                let mut f = &file;
                f.set_len(0)
                    .map_err(|e| io(e, "write the creation marker"))?;
                f.write_all(MARKER_TEXT.as_bytes())
                    .and_then(|()| f.sync_all())
                    .and_then(|()| File::open(dir)?.sync_all())
                    .map_err(|e| io(e, "write the creation marker"))?;
                return Ok(Self {
                    file,
                    dir: dir.to_path_buf(),
                });
            }
        }
    }

    /// Removes what an interrupted creation left of sled's files (and the head), so that sled makes
    /// the database afresh. Only called when the marker was there before this process took it and
    /// the folder is not a whole database.
    pub(crate) fn clear_partial(&self) -> Result<(), StoreError> {
        let entries = std::fs::read_dir(&self.dir).map_err(|e| StoreError::Sled(e.into()))?;
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::Sled(e.into()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !is_partial_file(&name) {
                continue;
            }
            let p = entry.path();
            let removed = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            removed.map_err(|e| StoreError::Sled(e.into()))?;
        }
        tracing::warn!(
            "the database at `{}` was being made by a process that stopped before anything was stored; it is made again",
            self.dir.display()
        );
        Ok(())
    }

    /// The database is made: removes the marker, durably, before the store is given to anyone. The
    /// lock goes with the file.
    pub(crate) fn finish(self) -> Result<(), StoreError> {
        let path = self.dir.join(MARKER);
        std::fs::remove_file(&path)
            .and_then(|()| File::open(&self.dir)?.sync_all())
            .map_err(|e| {
                StoreError::Sled(sled::Error::Io(std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot remove the creation marker `{}`: {e}",
                        path.display()
                    ),
                )))
            })?;
        drop(self.file);
        Ok(())
    }
}

/// Whether the folder holds a creation marker.
pub(crate) fn marked(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Whether `file` is still the file at `path` (same device and inode).
#[cfg(unix)]
fn still_linked(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so the file locked is the folder's.
#[cfg(not(unix))]
fn still_linked(_file: &File, path: &Path) -> bool {
    path.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::store::Store;

    /// A folder as a process killed between sled's two files leaves it: the marker and `db`.
    fn interrupted(dir: &Path) {
        std::fs::create_dir_all(dir).expect("mkdir");
        std::fs::write(dir.join(MARKER), MARKER_TEXT).expect("marker");
        std::fs::write(dir.join("db"), b"").expect("db");
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_database_leaves_no_marker() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("new.db");
        drop(Store::open(&db).expect("open"));
        assert!(!marked(&db), "{:?}", names(&db));
        assert!(names(&db).contains(&"conf".to_string()));
    }

    #[test]
    fn an_interrupted_creation_is_named_to_readers_and_made_again_by_a_writer() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("killed.db");
        interrupted(&db);
        match Store::open_read_only(&db) {
            Err(StoreError::NotADatabase { detail, .. }) => {
                assert!(detail.contains("interrupted"), "{detail}");
            }
            other => panic!("an interrupted creation read as {other:?}"),
        }
        assert!(!Store::holds_log(&db).expect("holds_log"));
        std::fs::write(db.join("notes.txt"), b"mine").expect("notes");
        let store = Store::open(&db).expect("a writer makes it again");
        assert_eq!(store.next_seq().expect("next"), 0);
        drop(store);
        assert!(!marked(&db));
        assert_eq!(
            std::fs::read(db.join("notes.txt")).expect("notes kept"),
            b"mine"
        );
    }

    #[test]
    fn a_marker_beside_a_whole_database_loses_nothing_and_is_removed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("whole.db");
        {
            let store = Store::open(&db).expect("open");
            store.set_meta("kept", b"yes").expect("meta");
            store.flush().expect("flush");
        }
        std::fs::write(db.join(MARKER), MARKER_TEXT).expect("stale marker");
        let store = loop {
            match Store::open(&db) {
                Err(StoreError::Locked { .. }) => {}
                other => break other.expect("reopen"),
            }
        };
        assert_eq!(store.meta("kept").expect("meta"), Some(b"yes".to_vec()));
        drop(store);
        assert!(!marked(&db));
    }

    #[test]
    fn a_marker_never_hides_the_loss_of_a_file_of_a_log_that_counted_records() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("counted.db");
        interrupted(&db);
        let head = head::Head {
            records: 3,
            hash: [7; crate::log::record::HASH_LEN],
        };
        head::write(&db, &head).expect("head");
        for open in [Store::open, Store::open_read_only] {
            match open(&db) {
                Err(StoreError::MissingFile { file, .. }) => assert_eq!(file, "conf"),
                other => panic!("a lost conf of a counted log opened as {other:?}"),
            }
        }
        assert!(db.join("db").exists(), "nothing was removed");
    }

    #[test]
    fn a_creation_under_way_in_another_holder_is_reported_as_in_use() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let db = tmp.path().join("busy.db");
        let held = Creating::take(&db).expect("take");
        match Creating::take(&db) {
            Err(StoreError::Locked { .. }) => {}
            other => panic!("a held creation was taken again: {other:?}"),
        }
        held.finish().expect("finish");
        assert!(!marked(&db));
    }
}
