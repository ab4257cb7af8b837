//! Running the `slrsim` binary as a child process: its own database in a temp folder, a command line
//! with the environment that could redirect it removed, its pipes read on threads of their own, and a
//! kill when it hangs. The limits here only turn a hang into a failure: no verdict depends on how fast
//! a child is.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use slrsim::StoreError;
use slrsim::log::store::Store;
use tempfile::TempDir;

/// The binary under test, as cargo built it for the integration tests.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_slrsim");

/// A guard against hangs only (not a performance assertion): a child still running after this is killed.
pub(crate) const HANG_LIMIT: Duration = Duration::from_secs(120);

/// How long to wait for a lock this test process has just let go of.
///
/// sled 0.34 releases a dropped database's file lock from a background thread a moment after `Drop`
/// returns (spacejam/sled#1234, #1289). A process of the binary releases it when it exits, so only an
/// open right after *this* process dropped a handle to the same path can see "in use"; the helpers
/// `open_when_free` and `exec_when_free` wait that out. A test of a database really in use spawns its
/// children without them.
pub(crate) const LOCK_GRACE: Duration = Duration::from_secs(10);

/// A database path inside its own temporary folder (the folder is removed when this is dropped).
pub(crate) struct Db {
    pub dir: TempDir,
    pub path: PathBuf,
}

pub(crate) fn fresh_db() -> Db {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("slrsim.db");
    Db { dir, path }
}

impl Db {
    /// Another path in the same temporary folder (a second database, a copy, a fork).
    pub(crate) fn sibling(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` to a scenario file beside the database and returns its path.
    pub(crate) fn scenario(&self, name: &str, text: &str) -> PathBuf {
        let p = self.sibling(name);
        std::fs::write(&p, text).expect("write scenario file");
        p
    }
}

/// `slrsim --db DB ARGS...`, with the environment that could redirect it removed.
pub(crate) fn command(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("SLRSIM_DB")
        .env_remove("SLRSIM_LOG")
        .env_remove("SLRSIM_SERVER")
        .env_remove("SLRSIM_TOKEN");
    c
}

/// Reads a child's pipe to its end on a thread of its own (so a chatty child never blocks on a full
/// pipe), giving the text read.
pub(crate) fn read_all(mut r: impl std::io::Read + Send + 'static) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Waits for `child` up to `limit`; kills it and returns `None` if it takes longer. The limit only
/// turns a hang into a failure: no verdict depends on how fast the child is.
pub(crate) fn wait_or_kill(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// A started child whose standard output and error are being read, and its standard input written.
pub(crate) struct Running {
    pub child: Child,
    writer: Option<JoinHandle<()>>,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

/// How a child ended: `status` is `None` when it hung and was killed.
pub(crate) struct Finished {
    pub status: Option<ExitStatus>,
    pub stdout: String,
    pub stderr: String,
}

/// Starts `cmd` with its output piped, feeding it `stdin` if given (standard input closed otherwise).
pub(crate) fn start(mut cmd: Command, stdin: Option<Vec<u8>>) -> Running {
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn slrsim");
    // The writer may meet a closed pipe when slrsim stops reading early (a malformed line): that is fine.
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("piped stdin");
        thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let stdout = read_all(child.stdout.take().expect("piped stdout"));
    let stderr = read_all(child.stderr.take().expect("piped stderr"));
    Running {
        child,
        writer,
        stdout,
        stderr,
    }
}

impl Running {
    /// Waits for the end (killing the child after `limit`) and collects what it wrote.
    pub(crate) fn finish(mut self, limit: Duration) -> Finished {
        let status = wait_or_kill(&mut self.child, limit);
        if let Some(w) = self.writer {
            let _ = w.join();
        }
        Finished {
            status,
            stdout: self.stdout.join().expect("stdout reader"),
            stderr: self.stderr.join().expect("stderr reader"),
        }
    }
}

/// What a finished `slrsim` process did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Out {
    /// `None` when a signal ended it (see `signal`).
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// The start of a long text, for a failure message.
pub(crate) fn cut(s: &str) -> &str {
    match s.char_indices().nth(4000) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

impl Out {
    /// Asserts the exit code and that nothing panicked; returns self for chaining.
    #[track_caller]
    pub(crate) fn code(&self, expected: i32, what: &str) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "{what}: expected exit {expected}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            cut(&self.stdout),
            cut(&self.stderr)
        );
        self.no_panic(what)
    }

    #[track_caller]
    pub(crate) fn no_panic(&self, what: &str) -> &Self {
        assert!(
            !self.stderr.contains("panicked"),
            "{what}: slrsim panicked:\n{}",
            cut(&self.stderr)
        );
        self
    }

    /// A panic is never an acceptable answer: exit code 101 or "panicked" on stderr.
    pub(crate) fn panicked(&self) -> bool {
        self.code == Some(101) || self.stderr.contains("panicked")
    }

    /// The exit and both outputs, for a failure message.
    pub(crate) fn show(&self) -> String {
        format!(
            "exit {:?} signal {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            self.signal,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }

    pub(crate) fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Every stdout line parsed as JSON.
    pub(crate) fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {l}"))
            })
            .collect()
    }

    /// Standard output parsed as one JSON document.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", cut(&self.stdout)))
    }
}

/// Runs a command to completion, feeding `stdin` if given, and collects its output; a child that
/// hangs is killed and fails the test.
pub(crate) fn exec(cmd: Command, stdin: Option<Vec<u8>>) -> Out {
    use std::os::unix::process::ExitStatusExt;
    let what = format!("{:?}", cmd.get_args().collect::<Vec<_>>());
    let done = start(cmd, stdin).finish(HANG_LIMIT);
    let Some(status) = done.status else {
        panic!(
            "slrsim {what} did not finish within {HANG_LIMIT:?}; stderr:\n{}",
            cut(&done.stderr)
        );
    };
    Out {
        code: status.code(),
        signal: status.signal(),
        stdout: done.stdout,
        stderr: done.stderr,
    }
}

/// Runs the binary, again while it reports a lock this test process has just let go of.
pub(crate) fn exec_when_free(db: &Path, args: &[&str], stdin: Option<&[u8]>) -> Out {
    let start = Instant::now();
    loop {
        let out = exec(command(db, args), stdin.map(<[u8]>::to_vec));
        if out.code == Some(3) && out.stderr.contains("in use") && start.elapsed() < LOCK_GRACE {
            thread::sleep(Duration::from_millis(20));
            continue;
        }
        return out;
    }
}

/// `slrsim --db DB ARGS...`.
pub(crate) fn slrsim(db: &Path, args: &[&str]) -> Out {
    exec_when_free(db, args, None)
}

/// `slrsim --db DB ARGS...` with `input` on standard input.
pub(crate) fn slrsim_stdin(db: &Path, args: &[&str], input: &[u8]) -> Out {
    exec_when_free(db, args, Some(input))
}

/// Calls `open` until it stops failing with `StoreError::Locked` (at most [`LOCK_GRACE`]).
pub(crate) fn open_when_free<T>(
    mut open: impl FnMut() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let start = Instant::now();
    loop {
        match open() {
            Err(StoreError::Locked { .. }) if start.elapsed() < LOCK_GRACE => {
                thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Opens a store, waiting out a lock this process (or a child that just exited) still holds.
pub(crate) fn open_store(db: &Path) -> Store {
    open_when_free(|| Store::open(db)).expect("open store")
}

/// Every raw stored value of the log, read with the library (the database must not be in use).
pub(crate) fn stored_values(db: &Path) -> Vec<(u64, Vec<u8>)> {
    let store = open_store(db);
    store
        .iter_from(0)
        .map(|r| r.map(|(s, v)| (s, v.to_vec())).expect("read stored value"))
        .collect()
}

/// Copies a database folder (the process that wrote it has exited, and nothing has it open).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create copy");
    for entry in std::fs::read_dir(from).expect("read db folder") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
