//! The sled store: the only module that touches sled. The `log` tree maps a big-endian u64 sequence
//! number to a stored record (see `record`); the `meta` tree holds small facts about the log (the live
//! state's hash at the last flush, whether the demo made it).
//!
//! Every sled call runs inside [`contained`]: sled 0.34 panics on some damaged files, and such a panic
//! becomes [`StoreError::Damaged`] here, never a panic of the caller. A store that saw one is not
//! trusted again, not even to be dropped.
//!
//! Beside sled's files, the folder holds the log's head (see [`crate::log::head`]), written at each flush:
//! a log that sled opens shorter than its head is named ([`StoreError::RolledBack`]).
//!
//! sled has no read-only mode: opening a folder recovers, and so rewrites, what it finds. Commands that
//! only read use [`Store::open_read_only`], which copies the folder into a private temporary folder
//! (under sled's own file lock) and lets sled open the copy.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::log::creating::{self, Creating};
use crate::log::error::StoreError;
use crate::log::head::{self, Head};
use crate::log::record::HASH_LEN;

/// How long `open` waits for a lock that is being released before it reports the database in use.
pub const LOCK_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// sled's page cache, in bytes. sled's default (1 GiB) let a replay of a long log hold a gigabyte;
/// the log is read front to back, so a small cache costs little and keeps memory bounded.
pub const CACHE_BYTES: u64 = 32 << 20;

/// The files every sled 0.34 database folder has (sled writes both when it creates one).
const SLED_FILES: [&str; 2] = ["conf", "db"];

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

thread_local! {
    /// How deep this thread is inside [`contained`] calls: a panic raised there is sled's, and is
    /// reported as a [`StoreError`], so the panic hook stays quiet about it.
    static IN_SLED: Cell<u32> = const { Cell::new(0) };
}

/// Whether a panic on the current thread is sled's own: raised inside a [`contained`] call, or on
/// one of sled's background threads (its I/O pool and its flusher).
fn panic_is_sleds() -> bool {
    let inside = IN_SLED.try_with(Cell::get).unwrap_or(0) > 0;
    let sled_thread = std::thread::current()
        .name()
        .is_some_and(|n| n.starts_with("sled-io") || n == "log flusher");
    inside || sled_thread
}

/// Installs a panic hook for the `slrsim` binary: a panic inside sled (contained at the store boundary
/// and reported as a storage error, or on sled's own background threads, whose failure surfaces as an
/// error of the next store call) prints nothing; any other panic is a bug in slrsim and prints one
/// line saying so, without a backtrace.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if panic_is_sleds() {
            return;
        }
        let message = crate::core::error::panic_message(info.payload());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("slrsim: internal error (a bug in slrsim, please report it): {message}{place}");
    }));
}

/// Runs one sled call for the database at `path` with its panics contained: sled 0.34 panics on some
/// damaged files instead of returning an error, and a panic is reported as the damage it is.
fn contained<T>(path: &Path, f: impl FnOnce() -> sled::Result<T>) -> Result<T, StoreError> {
    IN_SLED.with(|d| d.set(d.get() + 1));
    // sled's state after one of its panics is not trusted again: the store is marked poisoned by the
    // caller and only dropped, so observing a half-updated sled is not possible.
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_SLED.with(|d| d.set(d.get().saturating_sub(1)));
    match result {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(map_sled_error(path, e)),
        Err(payload) => Err(StoreError::Damaged {
            path: path.display().to_string(),
            detail: format!(
                "sled stopped on its files ({})",
                crate::core::error::panic_message(payload.as_ref())
            ),
        }),
    }
}

/// Names what a sled error means for the folder at `path`.
fn map_sled_error(path: &Path, e: sled::Error) -> StoreError {
    let shown = path.display().to_string();
    let damaged = |detail: String| StoreError::Damaged {
        path: shown.clone(),
        detail,
    };
    match e {
        sled::Error::Io(io) => {
            let text = io.to_string().to_ascii_lowercase();
            if io.kind() == std::io::ErrorKind::WouldBlock || text.contains("lock") {
                StoreError::Locked { path: shown }
            } else if io.kind() == std::io::ErrorKind::NotFound {
                damaged(format!(
                    "a file sled needs is missing ({})",
                    crate::core::validate::shown(&io.to_string())
                ))
            } else if matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) {
                damaged(format!(
                    "sled could not read its files ({})",
                    crate::core::validate::shown(&io.to_string())
                ))
            } else {
                StoreError::Sled(sled::Error::Io(io))
            }
        }
        sled::Error::Corruption { at, .. } => damaged(match at {
            Some(at) => format!(
                "sled found corrupted data {}",
                where_in_files(&at.to_string())
            ),
            None => "sled found corrupted data".to_string(),
        }),
        sled::Error::ReportableBug(what) | sled::Error::Unsupported(what) => damaged(format!(
            "sled cannot read its files ({})",
            crate::core::validate::shown(&what)
        )),
        sled::Error::CollectionNotFound(name) => damaged(format!(
            "sled lost its tree `{}`",
            String::from_utf8_lossy(&name)
        )),
    }
}

/// Words sled's disk pointer (`Inline(offset)` into `db`, or `Blob(offset, id)` for a file in
/// `blobs/`; sled does not export the type, only its `Display`) as a place in the folder's files.
fn where_in_files(ptr: &str) -> String {
    let inner = |prefix: &str| {
        ptr.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(')'))
            .map(|r| r.split(", ").map(str::trim).collect::<Vec<_>>())
    };
    match (inner("Inline("), inner("Blob(")) {
        (Some(parts), _) if parts.len() == 1 => format!("in its file `db` at offset {}", parts[0]),
        (_, Some(parts)) if parts.len() == 2 => format!("in its file `blobs/{}`", parts[1]),
        _ => format!("at {}", crate::core::validate::shown(ptr)),
    }
}

/// How a folder that exists looks before sled is let near it.
#[derive(Debug, PartialEq, Eq)]
enum Folder {
    /// Nothing there, or an empty folder: a new database may be made in it.
    Fresh,
    /// sled's files are there.
    Database,
    /// A creation was interrupted: the marker is there (see [`crate::log::creating`]) beside part of
    /// sled's files, and no head counts a record. Nothing was ever acknowledged; a writer makes it again.
    Interrupted,
}

/// Checks the folder at `path` without writing to it: a database (sled's files present), fresh (absent
/// or empty), or an error naming what is wrong (a file instead of a folder, a folder of other things, a
/// missing sled file).
fn inspect(path: &Path) -> Result<Folder, StoreError> {
    let shown = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Folder::Fresh),
        Err(e) => return Err(StoreError::Sled(sled::Error::Io(e))),
    };
    if !meta.is_dir() {
        return Err(StoreError::NotADatabase {
            path: shown,
            detail: "it is a file, not a database folder".to_string(),
        });
    }
    let names: Vec<String> = std::fs::read_dir(path)
        .map_err(|e| StoreError::Sled(sled::Error::Io(e)))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    // Files slrsim keeps beside the log (the server's operator file) do not make a folder a database:
    // `slrsim env` makes that file before the first `serve` creates the log.
    if names.iter().all(|n| is_side_file(n)) {
        return Ok(Folder::Fresh);
    }
    let present: Vec<&str> = SLED_FILES
        .iter()
        .copied()
        .filter(|f| path.join(f).is_file())
        .collect();
    let slrsim_files = names
        .iter()
        .any(|n| n == head::FILE || n == "blobs" || n.starts_with("snap."));
    // A marker beside a whole database is one left by a process that stopped after sled had made its
    // files (or that found the database made by another): harmless, and removed by the next writer.
    let counts_records = matches!(head::read(path), Ok(Some(h)) if h.records > 0);
    match (present.len(), slrsim_files) {
        (2, _) => Ok(Folder::Database),
        _ if creating::marked(path) && !counts_records => Ok(Folder::Interrupted),
        (0, false) => Err(StoreError::NotADatabase {
            path: shown,
            detail: "the folder holds other files and none of a database's".to_string(),
        }),
        _ => {
            let missing = SLED_FILES
                .iter()
                .find(|f| !present.contains(f))
                .copied()
                .unwrap_or("db");
            Err(StoreError::MissingFile {
                path: shown,
                file: missing.to_string(),
            })
        }
    }
}

/// The file beside the log that `slrsim serve` keeps its operator secrets in (the control API's token
/// and the key secret; never in the log).
pub const OPERATOR_FILE: &str = "slrsim-operator.json";

/// The file beside the log where a running `slrsim serve` says where it listens (its address and
/// process id, no secret), so that the time-travel commands can ask it while it holds the database.
pub const SERVER_FILE: &str = "slrsim-server.json";

/// Whether `name` is a file slrsim keeps beside the log, or a temporary file of one being written.
fn is_side_file(name: &str) -> bool {
    name == OPERATOR_FILE
        || name == SERVER_FILE
        || ((name.starts_with(OPERATOR_FILE) || name.starts_with(SERVER_FILE))
            && name.ends_with(".tmp"))
        || name == creating::MARKER
}

/// Copies the folder `from` (files and sub-folders) into `to`, which exists.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            std::fs::create_dir(&target)?;
            copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() {
            // On Linux `fs::copy` copies in the kernel (copy_file_range), a reflink where the file
            // system has them.
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// What the head file says about the log, checked when the store opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadCheck {
    /// The log holds every acknowledged record, and the last of them is the one acknowledged (it may
    /// hold more: a crash after an append and before the next flush).
    Agrees,
    /// There is no head file: the database was made by an older slrsim (or is temporary).
    Missing,
    /// The log holds fewer records than were acknowledged.
    RolledBack {
        /// The last record it holds (`None`: none).
        ends: Option<u64>,
        /// The last record acknowledged.
        acknowledged: u64,
    },
    /// The log holds the acknowledged record `seq`, but with another chain hash than the one
    /// acknowledged: the log was altered or replaced since.
    Differs {
        /// The last acknowledged record.
        seq: u64,
    },
    /// The head file does not read as a head.
    Damaged(String),
}

/// The sled handles, kept together so that [`Store`]'s `Drop` can let go of them inside a contained
/// call (or not at all, once sled has panicked).
struct Inner {
    db: sled::Db,
    log: sled::Tree,
    meta: sled::Tree,
    snapshots: sled::Tree,
}

/// An open slrsim database.
pub struct Store {
    /// The number the next appended record must have. Read from the log when the store opens and kept
    /// here after, because asking sled for its last key walks the tree's right edge on every append.
    next: AtomicU64,
    /// `None` only while the store is being dropped.
    inner: Option<Inner>,
    /// The folder the user named (errors name it, even when sled reads a private copy).
    path: PathBuf,
    /// Where flushes write the head file; `None` for a temporary or read-only store.
    head_dir: Option<PathBuf>,
    /// What the head file said when the store opened.
    head_check: HeadCheck,
    /// The number and chain hash after the last record appended through this store: what the next
    /// flush makes durable and writes to the head file.
    appended: Mutex<Head>,
    /// How many records the head file on disk counts (`None`: there is none yet). Held while a head
    /// is written, so concurrent flushes write in turn and never an older head over a newer one.
    head_written: Mutex<Option<u64>>,
    /// sled panicked inside a call, or failed to write: it is not trusted again, not even to be
    /// dropped (its drop flushes, and after a failed write that flush can wait forever).
    poisoned: AtomicBool,
    /// When the flush under way began (milliseconds since [`Store::opened`], plus one; 0: none).
    flushing_since: std::sync::Arc<AtomicU64>,
    /// When the store opened: the clock `flushing_since` counts on.
    opened: std::time::Instant,
    /// The thread that wakes a flush sled forgot to wake (see [`nudge_stuck_flushes`]); stopped and
    /// joined before sled is dropped.
    nudger: Option<(std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>)>,
    /// The private copy a read-only store reads; removed after sled lets go of it (declared last, so
    /// dropped last).
    copy: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.nudger.take() {
            drop(stop);
            let _ = thread.join();
        }
        let Some(inner) = self.inner.take() else {
            return;
        };
        if self.poisoned.load(Ordering::Acquire) {
            // sled's drop flushes and joins its threads; after one of its panics that can panic again
            // or wait forever. The process is about to report the damage and exit; leaking is safe.
            std::mem::forget(inner);
            return;
        }
        let _ = contained(&self.path, || {
            drop(inner);
            Ok(())
        });
    }
}

/// How long a flush may wait before the nudger flushes beside it.
const NUDGE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// sled 0.34 can lose the wake-up of a flush: when a write fails on one of its I/O threads (a full
/// disk) while a flush is about to wait for it, the flush waits forever (seen as a server that never
/// answers). Any later flush that finds sled's recorded error wakes every waiter before it returns, so
/// while a flush has been waiting longer than [`NUDGE_AFTER`], this thread flushes too: with an error
/// recorded, that returns at once and frees the stuck one; without, it is one more flush of a slow
/// disk, which changes nothing. It holds a handle on sled until the store stops it (on drop), so
/// sled is never dropped here.
fn nudge_stuck_flushes(
    db: &sled::Db,
    since: &AtomicU64,
    opened: std::time::Instant,
    stop: &std::sync::mpsc::Receiver<()>,
) {
    let tick = NUDGE_AFTER / 2;
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(tick) {
        let started = since.load(Ordering::Acquire);
        let now = u64::try_from(opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        let waited = now.saturating_add(1).saturating_sub(started);
        if started != 0 && waited > u64::try_from(NUDGE_AFTER.as_millis()).unwrap_or(u64::MAX) {
            let _ = catch_unwind(AssertUnwindSafe(|| db.flush()));
        }
    }
}

/// Takes sled's own lock (a shared one) on the `db` file of `path` for as long as the returned file
/// is held: no writer can open the database meanwhile, and one that holds it is reported. Retried for
/// [`LOCK_GRACE`] like [`Store::open`].
fn lock_shared(path: &Path) -> Result<std::fs::File, StoreError> {
    let file = std::fs::File::open(path.join("db")).map_err(|e| map_sled_error(path, e.into()))?;
    let started = std::time::Instant::now();
    loop {
        // fs2's lock, named in full: it is sled's own (flock), whatever std's `File` also offers.
        match fs2::FileExt::try_lock_shared(&file) {
            Ok(()) => return Ok(file),
            Err(_) if started.elapsed() < LOCK_GRACE => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(_) => {
                return Err(StoreError::Locked {
                    path: path.display().to_string(),
                });
            }
        }
    }
}

impl Store {
    /// Opens (or creates) the database folder at `path` for writing. Another process holding it is a
    /// clear error; so are a folder that is not a database, damaged sled files, a damaged head file,
    /// and a log that lost records that were acknowledged ([`StoreError::RolledBack`]).
    ///
    /// sled 0.34 releases its file lock from a background thread a moment after a database is dropped
    /// (spacejam/sled#1234), so reopening a path this process just closed can briefly look "in use". The
    /// open is retried for up to [`LOCK_GRACE`] before a lock is reported.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let mut folder = inspect(path)?;
        let mut creation = None;
        if folder != Folder::Database || creating::marked(path) {
            let taken = Creating::take(path)?;
            // Looked at again now that no other process can begin making it.
            folder = inspect(path)?;
            match folder {
                Folder::Database => taken.finish()?,
                Folder::Interrupted => {
                    taken.clear_partial()?;
                    folder = Folder::Fresh;
                    creation = Some(taken);
                }
                Folder::Fresh => creation = Some(taken),
            }
        }
        let fresh = folder == Folder::Fresh;
        let db = open_sled(path, path, false)?;
        let mut store = Self::from_db(db, path.to_path_buf(), Some(path.to_path_buf()), None)?;
        store.start_nudger();
        match &store.head_check {
            HeadCheck::Missing if fresh && store.next_seq()? == 0 => {
                // A new database gets its head at once, so that a missing head later always means a
                // database made by an older slrsim (or a removed file), never a new one.
                store.write_head(Head::EMPTY)?;
                store.head_check = HeadCheck::Agrees;
            }
            HeadCheck::Missing => tracing::warn!("{}", missing_head_warning(path)),
            _ => {}
        }
        store.check_head()?;
        if let Some(creation) = creation {
            // sled's files and the head are durable before the marker goes (see `creating`).
            store.flush()?;
            creation.finish()?;
        }
        Ok(store)
    }

    /// Whether the folder at `path` holds a database (sled's files), without opening or changing it.
    /// Absent, empty, or holding only the files slrsim keeps beside a log: `false`. A file, a folder of
    /// other things or a folder missing one of sled's files is an error naming what is wrong.
    pub fn holds_log(path: &Path) -> Result<bool, StoreError> {
        Ok(inspect(path)? == Folder::Database)
    }

    /// Opens the database at `path` for reading only: nothing in the folder is written. sled 0.34 has
    /// no read-only mode (opening recovers, and rewrites, what it finds), so the folder is copied,
    /// under sled's own file lock, into a private temporary folder, and sled opens the copy. Damage is
    /// then reported, never repaired in place. The head is checked by [`Store::check_head`], which the
    /// caller calls (verify reports a rolled-back log as a finding of its own).
    pub fn open_read_only(path: &Path) -> Result<Self, StoreError> {
        let detail = match inspect(path)? {
            Folder::Database => None,
            Folder::Fresh if path.exists() => Some("the folder is empty"),
            Folder::Fresh => Some("there is nothing there"),
            Folder::Interrupted => Some(
                "its making was interrupted before anything was stored; a command that writes (run, serve, demo) makes it again",
            ),
        };
        if let Some(detail) = detail {
            return Err(StoreError::NotADatabase {
                path: path.display().to_string(),
                detail: detail.to_string(),
            });
        }
        let copy = tempfile::Builder::new()
            .prefix("slrsim-read-")
            .tempdir()
            .map_err(|e| StoreError::Sled(sled::Error::Io(e)))?;
        {
            let _lock = lock_shared(path)?;
            copy_tree(path, copy.path()).map_err(|e| {
                StoreError::Sled(sled::Error::Io(std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot copy the database at `{}` to read it: {e}",
                        path.display()
                    ),
                )))
            })?;
        }
        let db = open_sled(copy.path(), path, true)?;
        Self::from_db(db, path.to_path_buf(), None, Some(copy))
    }

    /// A database that lives in a temporary folder and is removed when dropped (tests, benchmarks).
    pub fn temporary() -> Result<Self, StoreError> {
        let where_ = Path::new("<temporary>");
        let db = contained(where_, || sled_config().temporary(true).open())?;
        Self::from_db(db, where_.to_path_buf(), None, None)
    }

    fn from_db(
        db: sled::Db,
        path: PathBuf,
        head_dir: Option<PathBuf>,
        copy: Option<tempfile::TempDir>,
    ) -> Result<Self, StoreError> {
        let (log, meta, snapshots) = contained(&path, || {
            Ok((
                db.open_tree("log")?,
                db.open_tree("meta")?,
                db.open_tree("snapshots")?,
            ))
        })?;
        let mut store = Store {
            next: AtomicU64::new(0),
            inner: Some(Inner {
                db,
                log,
                meta,
                snapshots,
            }),
            path,
            head_dir,
            head_check: HeadCheck::Missing,
            appended: Mutex::new(Head::EMPTY),
            head_written: Mutex::new(None),
            poisoned: AtomicBool::new(false),
            flushing_since: std::sync::Arc::default(),
            opened: std::time::Instant::now(),
            nudger: None,
            copy,
        };
        let last = store.last()?;
        let now = match &last {
            Some((seq, value)) => Head {
                records: seq + 1,
                hash: crate::log::record::stored_hash(value).unwrap_or([0; HASH_LEN]),
            },
            None => Head::EMPTY,
        };
        store.next.store(now.records, Ordering::Release);
        *lock(&store.appended) = now;
        // The head file is read where sled reads (the private copy of a read-only store).
        let head_dir = store
            .copy
            .as_ref()
            .map(|c| c.path().to_path_buf())
            .or_else(|| store.head_dir.clone());
        let (check, written) = match head_dir.map(|d| head::read(&d)) {
            None | Some(Ok(None)) => (HeadCheck::Missing, None),
            Some(Err(detail)) => (HeadCheck::Damaged(detail), None),
            Some(Ok(Some(h))) => (store.compare(&h, &now)?, Some(h.records)),
        };
        store.head_check = check;
        *lock(&store.head_written) = written;
        Ok(store)
    }

    /// Compares the head file's `head` with the log's end `now`.
    fn compare(&self, head: &Head, now: &Head) -> Result<HeadCheck, StoreError> {
        if head.records > now.records {
            return Ok(HeadCheck::RolledBack {
                ends: now.records.checked_sub(1),
                acknowledged: head.records - 1,
            });
        }
        let Some(seq) = head.records.checked_sub(1) else {
            return Ok(HeadCheck::Agrees);
        };
        let stored = if seq + 1 == now.records {
            Some(now.hash)
        } else {
            self.get(seq)?
                .map(|v| crate::log::record::stored_hash(&v).unwrap_or([0; HASH_LEN]))
        };
        Ok(if stored == Some(head.hash) {
            HeadCheck::Agrees
        } else {
            HeadCheck::Differs { seq }
        })
    }

    /// What the head file said when the store opened.
    pub fn head_check(&self) -> &HeadCheck {
        &self.head_check
    }

    /// Fails when the head file is damaged or the log lost acknowledged records; warns (and succeeds)
    /// when there is no head file. A log whose acknowledged record was altered is left to `verify`,
    /// which names it; every reader already refuses a record whose chain does not verify.
    pub fn check_head(&self) -> Result<(), StoreError> {
        let path = self.path.display().to_string();
        match &self.head_check {
            HeadCheck::RolledBack { ends, acknowledged } => Err(StoreError::RolledBack {
                path,
                ends: *ends,
                acknowledged: *acknowledged,
            }),
            HeadCheck::Damaged(detail) => Err(StoreError::HeadDamaged {
                path,
                file: head::FILE.to_string(),
                detail: detail.clone(),
            }),
            HeadCheck::Missing if self.copy.is_some() && self.next_seq()? > 0 => {
                tracing::warn!("{}", missing_head_warning(&self.path));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn inner(&self) -> &Inner {
        // `inner` is taken only by `Drop`, after which no method can be called.
        #[expect(
            clippy::expect_used,
            reason = "`inner` is None only inside Drop, after which no method can be called"
        )]
        self.inner.as_ref().expect("the store is not being dropped")
    }

    /// Runs a sled call with its panics contained; a panic poisons the store.
    fn sled<T>(&self, f: impl FnOnce(&Inner) -> sled::Result<T>) -> Result<T, StoreError> {
        let inner = self.inner();
        let result = contained(&self.path, || f(inner));
        match &result {
            Err(StoreError::Damaged { detail, .. }) if detail.starts_with("sled stopped") => {
                self.poisoned.store(true, Ordering::Release);
            }
            // A write sled could not make (a full disk, an I/O error): sled refuses every later
            // write, and its drop would flush again and may never return.
            Err(StoreError::Sled(sled::Error::Io(_))) => {
                self.poisoned.store(true, Ordering::Release);
            }
            _ => {}
        }
        result
    }

    /// sled's flush, watched: while it runs, the store's nudger (writable stores) may wake it.
    fn sled_flush(&self) -> Result<(), StoreError> {
        let started = u64::try_from(self.opened.elapsed().as_millis())
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1);
        // Only the oldest flush under way is timed; a concurrent one leaves the mark as it is.
        let marked = self
            .flushing_since
            .compare_exchange(0, started, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        let result = self.sled(|i| i.db.flush()).map(|_| ());
        if marked {
            self.flushing_since.store(0, Ordering::Release);
        }
        result
    }

    /// Starts the nudger of a writable store (see [`nudge_stuck_flushes`]).
    fn start_nudger(&mut self) {
        let Some(inner) = &self.inner else {
            return;
        };
        let db = inner.db.clone();
        let since = self.flushing_since.clone();
        let opened = self.opened;
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        if let Ok(thread) = std::thread::Builder::new()
            .name("slrsim-nudger".into())
            .spawn(move || nudge_stuck_flushes(&db, &since, opened, &stopped))
        {
            self.nudger = Some((stop, thread));
        }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last stored sequence number and its value.
    pub fn last(&self) -> Result<Option<(u64, sled::IVec)>, StoreError> {
        match self.sled(|i| i.log.last())? {
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
        let swapped = self.sled(|i| {
            i.log
                .compare_and_swap(seq.to_be_bytes(), None as Option<&[u8]>, Some(value))
        })?;
        match swapped {
            Ok(()) => {
                // Recorded before `append` returns, so a flush that begins after it covers it.
                *lock(&self.appended) = Head {
                    records: seq + 1,
                    hash: crate::log::record::stored_hash(value).unwrap_or([0; HASH_LEN]),
                };
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
        self.sled(|i| i.log.get(seq.to_be_bytes()))
    }

    /// Stored values from `from` on, in order. A log whose index ends early is an error, not an end:
    /// sled 0.34 can lose a run of records from its index to a damaged page and still find the last
    /// record, so an iteration that stops before the last record names the first one it did not
    /// reach.
    pub fn iter_from(
        &self,
        from: u64,
    ) -> impl Iterator<Item = Result<(u64, sled::IVec), StoreError>> + '_ {
        let range = self.inner().log.range(from.to_be_bytes()..);
        let mut inner = self.guarded(range);
        let mut reached = from;
        let mut ended = false;
        std::iter::from_fn(move || {
            if ended {
                return None;
            }
            match inner.next() {
                Some(Ok((seq, v))) => {
                    reached = seq.saturating_add(1);
                    Some(Ok((seq, v)))
                }
                Some(Err(e)) => {
                    ended = true;
                    Some(Err(e))
                }
                None => {
                    ended = true;
                    let next = self.next.load(Ordering::Acquire);
                    (reached < next).then(|| {
                        Err(StoreError::Corrupt {
                            seq: reached,
                            detail: format!(
                                "the record is missing: sled's index of the log stops before it, but the log's last record is {}",
                                next - 1
                            ),
                        })
                    })
                }
            }
        })
    }

    /// An iterator over a sled range whose every step is a contained call: sled reads pages lazily,
    /// so damage can surface at any step. It ends after the first error.
    fn guarded<'a>(
        &'a self,
        mut range: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>> + 'a,
    ) -> impl Iterator<Item = Result<(u64, sled::IVec), StoreError>> + 'a {
        let mut failed = false;
        std::iter::from_fn(move || {
            if failed {
                return None;
            }
            let item = match self.sled(|_| range.next().transpose()) {
                Ok(None) => return None,
                Ok(Some((k, v))) => key_seq(&k).map(|seq| (seq, v)),
                Err(e) => Err(e),
            };
            failed = item.is_err();
            Some(item)
        })
    }

    /// Makes everything appended so far durable, then writes the head file. When it returns `Ok`,
    /// every record appended before the call began is durable in sled (sled's flush: see README on
    /// what that promises) and the head file counts it. It may be called from another thread while
    /// appends continue; concurrent flushes never write an older head over a newer one.
    pub fn flush(&self) -> Result<(), StoreError> {
        // What this flush promises is fixed before sled's flush starts: a record appended later may or
        // may not be durable when it returns, so it is not counted.
        let target = *lock(&self.appended);
        self.sled_flush()?;
        self.write_head(target)
    }

    /// Writes `target` as the head file unless the one on disk already counts as many records (or
    /// more). Head writes take turns under `head_written`.
    fn write_head(&self, target: Head) -> Result<(), StoreError> {
        let Some(dir) = &self.head_dir else {
            return Ok(());
        };
        let mut written = lock(&self.head_written);
        if written.is_some_and(|w| w >= target.records) {
            return Ok(());
        }
        head::write(dir, &target).map_err(|e| {
            StoreError::Sled(sled::Error::Io(std::io::Error::new(
                e.kind(),
                format!(
                    "cannot write the head file `{}`: {e}",
                    dir.join(head::FILE).display()
                ),
            )))
        })?;
        *written = Some(target.records);
        Ok(())
    }

    /// Reads a meta value.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.sled(|i| i.meta.get(key))?.map(|v| v.to_vec()))
    }

    /// Writes a meta value.
    pub fn set_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.sled(|i| i.meta.insert(key, value))?;
        Ok(())
    }

    /// Removes record `seq` without checks (tests that need a damaged or truncated log). The head is
    /// left as it was: a removed tail is a rolled-back log.
    pub fn raw_remove(&self, seq: u64) -> Result<(), StoreError> {
        self.sled(|i| i.log.remove(seq.to_be_bytes()))?;
        self.refresh_next()
    }

    /// Overwrites the stored value of `seq` without checks (corruption tests).
    pub fn raw_put(&self, seq: u64, value: &[u8]) -> Result<(), StoreError> {
        self.sled(|i| i.log.insert(seq.to_be_bytes(), value))?;
        self.refresh_next()
    }
}

/// The standard CRC-32 (IEEE, reflected): the checksum sled 0.34 puts after its `conf` and `snap.*`
/// files. Bitwise, as it runs only over a few small files after sled refused to open.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Which of sled's small files fails its own checksum, if one does: said when sled refuses a folder,
/// so that the user learns which file is damaged rather than only that one is. (`db` and `blobs/`
/// carry checksums per message; sled names no file for them.)
fn damaged_small_file(dir: &Path) -> Option<String> {
    let checked = |name: &str, bytes: &[u8], trailer: usize| -> Option<String> {
        if bytes.len() <= trailer {
            return Some(format!(
                "its file `{name}` is cut short ({} bytes)",
                bytes.len()
            ));
        }
        let (body, tail) = bytes.split_at(bytes.len() - trailer);
        let stored = tail
            .get(trailer - 4..)
            .and_then(|t| <[u8; 4]>::try_from(t).ok())?;
        (crc32(body) != u32::from_le_bytes(stored))
            .then(|| format!("its file `{name}` fails its checksum"))
    };
    if let Ok(conf) = std::fs::read(dir.join("conf")) {
        if let Some(found) = checked("conf", &conf, 4) {
            return Some(found);
        }
    }
    // sled reads only the newest page-table snapshot: a length (8 bytes) and a CRC (4) end it.
    let newest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("snap.") && !n.ends_with(".in___motion"))
        .max()?;
    let bytes = std::fs::read(dir.join(&newest)).ok()?;
    checked(&newest, &bytes, 12)
}

/// Opens sled on `dir`, reporting errors against `shown` (the folder the user named).
fn open_sled(dir: &Path, shown: &Path, private: bool) -> Result<sled::Db, StoreError> {
    open_sled_once(dir, shown, private).map_err(|e| match e {
        StoreError::Damaged { path, detail } => match damaged_small_file(dir) {
            Some(found) => StoreError::Damaged {
                path,
                detail: format!("{found} ({detail})"),
            },
            None => StoreError::Damaged { path, detail },
        },
        other => other,
    })
}

fn open_sled_once(dir: &Path, shown: &Path, private: bool) -> Result<sled::Db, StoreError> {
    // A private copy needs no background flusher: nothing is kept from it, and its drop would
    // otherwise wait for the flusher's next wake-up.
    // (A sled `Config` is built afresh for each try: its builder methods panic on a shared one.)
    let config = || {
        if private {
            sled_config().flush_every_ms(None)
        } else {
            sled_config()
        }
    };
    let started = std::time::Instant::now();
    loop {
        match contained(shown, || config().path(dir).open()) {
            Ok(db) => return Ok(db),
            Err(StoreError::Locked { .. }) if started.elapsed() < LOCK_GRACE => {
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(other) => return Err(other),
        }
    }
}

fn missing_head_warning(path: &Path) -> String {
    format!(
        "the database at `{}` has no head file (it was made by an older slrsim): a loss of its last records cannot be detected; one is written at its next flush",
        path.display()
    )
}

/// Locks a mutex that only ever holds plain values: a panic while it was held cannot have left them
/// half-written, so a poisoned lock is used as it is.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Store {
    /// Stores the snapshot of the state after record `seq`.
    pub fn put_snapshot(&self, seq: u64, value: &[u8]) -> Result<(), StoreError> {
        self.sled(|i| i.snapshots.insert(seq.to_be_bytes(), value))?;
        Ok(())
    }

    /// Stored snapshots at or before `seq`, newest first.
    pub fn snapshots_before(
        &self,
        seq: u64,
    ) -> impl Iterator<Item = Result<(u64, sled::IVec), StoreError>> + '_ {
        let range = self.inner().snapshots.range(..=seq.to_be_bytes()).rev();
        self.guarded(range)
    }

    /// Removes the snapshot after record `seq` (tests of missing snapshots).
    pub fn remove_snapshot(&self, seq: u64) -> Result<(), StoreError> {
        self.sled(|i| i.snapshots.remove(seq.to_be_bytes()))?;
        Ok(())
    }

    /// Removes every snapshot after record `seq` (a forked log keeps only its prefix's).
    pub fn remove_snapshots_after(&self, seq: u64) -> Result<(), StoreError> {
        self.sled(|i| {
            let keys: Vec<sled::IVec> = i
                .snapshots
                .range((seq + 1).to_be_bytes()..)
                .keys()
                .collect::<Result<_, _>>()?;
            for k in keys {
                i.snapshots.remove(k)?;
            }
            Ok(())
        })
    }
}

fn key_seq(k: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = k.try_into().map_err(|_| StoreError::Corrupt {
        seq: u64::MAX,
        detail: format!("a log key is {} bytes, not 8", k.len()),
    })?;
    Ok(u64::from_be_bytes(arr))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored value: a 32-byte "chain hash" naming `seq`, then a body.
    fn value(seq: u64) -> Vec<u8> {
        let mut v = blake3::hash(&seq.to_be_bytes()).as_bytes().to_vec();
        v.extend_from_slice(b"{\"body\":true}");
        v
    }

    fn head_of(dir: &Path) -> Head {
        head::read(dir).expect("head reads").expect("head exists")
    }

    /// Every file under `dir` with its bytes.
    fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                out.extend(contents(&path));
            } else {
                out.push((path.clone(), std::fs::read(&path).expect("read")));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_store_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Store>();
    }

    #[test]
    fn a_new_database_has_a_head_and_a_flush_records_what_was_appended_before_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db");
        let store = Store::open(&path).expect("open");
        assert_eq!(head_of(&path), Head::EMPTY);
        for seq in 0..3 {
            store.append(seq, &value(seq)).expect("append");
        }
        // Appended but not flushed: the head still says what the last flush made durable.
        assert_eq!(head_of(&path), Head::EMPTY);
        store.flush().expect("flush");
        let head = head_of(&path);
        assert_eq!(head.records, 3);
        assert_eq!(Some(head.hash), crate::log::record::stored_hash(&value(2)));
        assert_eq!(store.head_check(), &HeadCheck::Agrees);
    }

    #[test]
    fn flushes_from_another_thread_cover_every_earlier_append_and_never_go_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db");
        let store = Store::open(&path).expect("open");
        const RECORDS: u64 = 400;
        let done = AtomicBool::new(false);
        std::thread::scope(|s| {
            let flusher = s.spawn(|| {
                let mut seen = 0u64;
                let mut flushes = 0u32;
                // At least one flush after the last append (the loop ends only once `done` is seen
                // before a flush begins).
                loop {
                    let finished = done.load(Ordering::Acquire);
                    let before = store.next_seq().expect("next");
                    store.flush().expect("flush");
                    flushes += 1;
                    let head = head_of(&path);
                    assert!(
                        head.records >= before,
                        "a flush that began after {before} appends wrote a head of {}",
                        head.records
                    );
                    assert!(head.records >= seen, "the head went back from {seen}");
                    seen = head.records;
                    if finished {
                        return (seen, flushes);
                    }
                }
            });
            for seq in 0..RECORDS {
                store.append(seq, &value(seq)).expect("append");
                if seq % 50 == 0 {
                    // Flushes from both threads at once.
                    store.flush().expect("flush");
                }
            }
            done.store(true, Ordering::Release);
            let (seen, flushes) = flusher.join().expect("flusher thread");
            assert_eq!(seen, RECORDS);
            assert!(flushes >= 1);
        });
        let head = head_of(&path);
        assert_eq!(head.records, RECORDS);
        assert_eq!(
            Some(head.hash),
            crate::log::record::stored_hash(&value(RECORDS - 1))
        );
    }

    #[test]
    fn a_log_that_lost_acknowledged_records_is_refused_for_writing_and_named_to_readers() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db");
        {
            let store = Store::open(&path).expect("open");
            for seq in 0..5 {
                store.append(seq, &value(seq)).expect("append");
            }
            store.flush().expect("flush");
            // Lose the last two records behind the head's back (a raw edit does not move it).
            store.raw_remove(4).expect("remove");
            store.raw_remove(3).expect("remove");
            store.flush().expect("flush");
        }
        let rolled = |e: StoreError| match e {
            StoreError::RolledBack {
                ends, acknowledged, ..
            } => (ends, acknowledged),
            other => panic!("expected a rolled-back log, got {other:?}"),
        };
        let started = std::time::Instant::now();
        let refused = loop {
            match Store::open(&path) {
                // sled lets go of its lock a moment after a drop (see `LOCK_GRACE`).
                Err(StoreError::Locked { .. }) if started.elapsed() < LOCK_GRACE * 10 => {}
                Err(e) => break e,
                Ok(_) => panic!("a rolled-back log opened for writing"),
            }
        };
        assert_eq!(rolled(refused), (Some(2), 4));
        let before = contents(&path);
        let reader = Store::open_read_only(&path).expect("read-only open");
        assert_eq!(
            reader.head_check(),
            &HeadCheck::RolledBack {
                ends: Some(2),
                acknowledged: 4
            }
        );
        let e = reader.check_head().expect_err("a rolled-back log is named");
        assert!(
            e.to_string()
                .contains("it ends at record 2, but record 4 was acknowledged"),
            "{e}"
        );
        assert_eq!(rolled(e), (Some(2), 4));
        drop(reader);
        assert_eq!(contents(&path), before, "a reader wrote to the folder");
    }

    #[test]
    fn a_database_without_a_head_gets_one_at_its_next_flush_and_a_damaged_head_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db");
        {
            let store = Store::open(&path).expect("open");
            store.append(0, &value(0)).expect("append");
            store.flush().expect("flush");
        }
        std::fs::remove_file(path.join(head::FILE)).expect("remove head");
        let reader = Store::open_read_only(&path).expect("read-only open");
        assert_eq!(reader.head_check(), &HeadCheck::Missing);
        reader.check_head().expect("a missing head is not an error");
        drop(reader);
        assert!(!path.join(head::FILE).exists(), "a reader wrote a head");
        {
            let store = open_retrying(&path);
            assert_eq!(store.head_check(), &HeadCheck::Missing);
            store.flush().expect("flush");
        }
        assert_eq!(head_of(&path).records, 1);
        let mut bytes = std::fs::read(path.join(head::FILE)).expect("read head");
        bytes[20] ^= 1;
        std::fs::write(path.join(head::FILE), &bytes).expect("write head");
        match Store::open_read_only(&path)
            .expect("read-only open")
            .check_head()
        {
            Err(StoreError::HeadDamaged { file, .. }) => assert_eq!(file, head::FILE),
            other => panic!("a damaged head read as {other:?}"),
        }
    }

    fn open_retrying(path: &Path) -> Store {
        let started = std::time::Instant::now();
        loop {
            match Store::open(path) {
                Err(StoreError::Locked { .. }) if started.elapsed() < LOCK_GRACE * 10 => {}
                other => return other.expect("open"),
            }
        }
    }

    #[test]
    fn folders_that_are_not_databases_are_named_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let other = dir.path().join("papers");
        std::fs::create_dir(&other).expect("mkdir");
        std::fs::write(other.join("notes.txt"), b"mine").expect("write");
        for open in [Store::open, Store::open_read_only] {
            match open(&other) {
                Err(StoreError::NotADatabase { .. }) => {}
                other => panic!("a folder of other files opened as {other:?}"),
            }
        }
        assert_eq!(
            contents(&other),
            vec![(other.join("notes.txt"), b"mine".to_vec())]
        );
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").expect("write");
        assert!(matches!(
            Store::open_read_only(&file),
            Err(StoreError::NotADatabase { .. })
        ));
        let db = dir.path().join("db");
        drop(Store::open(&db).expect("open"));
        std::fs::remove_file(db.join("conf")).expect("remove conf");
        match Store::open_read_only(&db) {
            Err(StoreError::MissingFile { file, .. }) => assert_eq!(file, "conf"),
            other => panic!("a database without its conf opened as {other:?}"),
        }
    }

    #[test]
    fn a_panic_inside_sled_is_contained_as_damage_and_marked_as_sleds() {
        let result: Result<(), StoreError> = contained(Path::new("here"), || {
            assert!(panic_is_sleds(), "inside a contained call");
            // sled's `Config` builder panics when the config is shared: a real panic inside sled.
            let config = sled::Config::new();
            let _shared = config.clone();
            let _ = config.path("nowhere");
            Ok(())
        });
        match result {
            Err(StoreError::Damaged { path, detail }) => {
                assert_eq!(path, "here");
                assert!(detail.starts_with("sled stopped"), "{detail}");
            }
            other => panic!("a panic in sled gave {other:?}"),
        }
        assert!(!panic_is_sleds(), "outside again");
    }

    #[test]
    fn an_iteration_that_ends_before_the_last_record_names_the_first_one_it_did_not_reach() {
        let store = Store::temporary().expect("temporary");
        for seq in 0..4 {
            store.append(seq, &value(seq)).expect("append");
        }
        // What sled does to a damaged index, made by hand: the last record is found (it set `next`
        // when the store opened) but iteration stops after record 3.
        store.next.store(7, Ordering::Release);
        let read: Vec<_> = store.iter_from(1).collect();
        assert_eq!(read.len(), 4, "records 1..=3, then the error");
        assert!(read[..3].iter().all(Result::is_ok));
        match &read[3] {
            Err(StoreError::Corrupt { seq, detail }) => {
                assert_eq!(*seq, 4);
                assert!(detail.contains("the log's last record is 6"), "{detail}");
            }
            other => panic!("an early end read as {other:?}"),
        }
        // Reading from past what the index holds names the same record; from past the end, nothing.
        assert!(matches!(
            store.iter_from(5).next(),
            Some(Err(StoreError::Corrupt { seq: 5, .. }))
        ));
        assert!(store.iter_from(7).next().is_none());
    }

    #[test]
    fn an_acknowledged_record_with_another_hash_is_told_apart_from_a_rolled_back_log() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("db");
        {
            let store = Store::open(&path).expect("open");
            for seq in 0..3 {
                store.append(seq, &value(seq)).expect("append");
            }
            store.flush().expect("flush");
            // Replaced behind the head's back, and one more record appended without a flush: the
            // log holds more than the head, and the head's last record differs.
            store.raw_put(2, &value(99)).expect("put");
            store.append(3, &value(3)).expect("append");
        }
        let reader = Store::open_read_only(&path).expect("read-only open");
        assert_eq!(reader.head_check(), &HeadCheck::Differs { seq: 2 });
        // Readers leave it to the chain check (and verify names it); it is no storage error.
        reader.check_head().expect("not refused");
    }

    #[test]
    fn sleds_disk_pointers_are_worded_as_places_in_the_files() {
        assert_eq!(
            where_in_files("Inline(368349)"),
            "in its file `db` at offset 368349"
        );
        assert_eq!(
            where_in_files("Blob(12, 1148538)"),
            "in its file `blobs/1148538`"
        );
        assert_eq!(where_in_files("Other"), "at Other");
    }

    #[test]
    fn crc32_is_the_standard_one() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
