//! Damage to any file of a database folder, at random: a byte, a bit, a 4 KiB block, a truncation or a
//! removal, of `conf`, `db`, `head`, sled's `snap.*` and its `blobs/`, in a database as `run` left it
//! ("fresh") and in one that was opened for writing again ("reopened", which gives sled a page-table
//! snapshot file). Every reading command then runs as a real process on the damaged folder, and
//! opening it for `run` on a copy. What must hold:
//!
//! - no command exits 101 or prints a panic or a backtrace, and none hangs (a generous deadline turns
//!   a hang into a failure; it measures nothing);
//! - a command that succeeds says exactly what it says on the undamaged database (so a log that lost
//!   records is never answered from silently); one that cannot says so with a non-zero exit: 3 (the
//!   database could not be read, one `slrsim:` line), or 1 from `verify`, `bisect` and
//!   `replay --verify` naming a record;
//! - a command that only reads leaves every byte of the folder as it was;
//! - `run` either refuses (exit 3) or appends to the whole log (`verify` then counts every record).
//!
//! `SLRSIM_DAMAGE_CASES` sets the number of cases (default 50); `SLRSIM_DAMAGE_KEEP_GOING=1` runs every
//! case and reports every failure at the end instead of stopping (and shrinking) at the first.
// Test code: a failed unwrap or expect is a failed test, which is what a test should do.

use crate::support;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use support::run::{BIN, HANG_LIMIT, Running, copy_dir, start};

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use tempfile::TempDir;

/// The binary under test: `SLRSIM_DAMAGE_BIN` may name a copy (a long run by hand then tests one
/// fixed build while the tree is rebuilt).
fn bin() -> String {
    std::env::var("SLRSIM_DAMAGE_BIN").unwrap_or_else(|_| BIN.to_string())
}

/// What a finished `slrsim` process did.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Out {
    /// `None` when it was ended by a signal (see `signal`) or had to be killed (`hung`).
    code: Option<i32>,
    signal: Option<i32>,
    hung: bool,
    stdout: String,
    stderr: String,
}

impl Out {
    fn show(&self) -> String {
        let cut = |s: &str| s.chars().take(2000).collect::<String>();
        format!(
            "exit {:?} signal {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code,
            self.signal,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

/// Starts `slrsim --db DB ARGS...` with the environment that could redirect or colour it removed.
fn spawn(db: &Path, args: &[String]) -> Running {
    let mut cmd = Command::new(bin());
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("SLRSIM_DB")
        .env_remove("SLRSIM_LOG")
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1");
    start(cmd, None)
}

/// Waits for a child (a hang is killed and reported, not a panic: every case reports its failures).
fn finish(child: Running) -> Out {
    use std::os::unix::process::ExitStatusExt;
    let done = child.finish(HANG_LIMIT);
    Out {
        code: done.status.and_then(|s| s.code()),
        signal: done.status.and_then(|s| s.signal()),
        hung: done.status.is_none(),
        stdout: done.stdout,
        stderr: done.stderr,
    }
}

fn exec(db: &Path, args: &[String]) -> Out {
    finish(spawn(db, args))
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_string()).collect()
}

/// Every file under `dir` (relative path → bytes), sorted: what "the folder's bytes" means.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in rd {
            let entry = entry.expect("dir entry");
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                out.insert(path.strip_prefix(root).unwrap().join(""), Vec::new());
                walk(root, &path, out);
            } else {
                let bytes = std::fs::read(&path).expect("read file");
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The reading commands, each by a short name. `fork` writes only into `fork_to`, a new folder
/// outside the database.
fn reading_commands(task: &str, last: u64, fork_to: &Path) -> Vec<(&'static str, Vec<String>)> {
    let mid = (last / 2).to_string();
    vec![
        ("verify", strings(&["verify"])),
        ("log", strings(&["log"])),
        ("state", strings(&["state", "--json"])),
        ("state-at", strings(&["state", "--at", &mid, "--json"])),
        ("get", strings(&["get", "role"])),
        ("diff", strings(&["diff", "1", &last.to_string(), "--json"])),
        ("bisect", strings(&["bisect"])),
        ("explain", strings(&["explain", task])),
        ("replay", strings(&["replay", "--verify"])),
        (
            "fork",
            vec![
                "fork".to_string(),
                "--at".to_string(),
                mid,
                "--to".to_string(),
                fork_to.display().to_string(),
            ],
        ),
    ]
}

/// What a command printed, with the fork's target folder (which differs per case) named alike.
fn normalised(out: &Out, fork_to: &Path) -> String {
    out.stdout.replace(&fork_to.display().to_string(), "<fork>")
}

/// A database built once, with what every reading command says about it undamaged.
struct Base {
    name: &'static str,
    _dir: TempDir,
    db: PathBuf,
    /// The number of records.
    records: u64,
    task: String,
    /// One more action line, for opening with `run`.
    extra: PathBuf,
    /// Each reading command's answer on the undamaged database.
    answers: BTreeMap<&'static str, Out>,
    /// Its files, relative to the folder.
    files: Vec<PathBuf>,
}

fn run_ok(db: &Path, args: &[String]) -> Out {
    let out = exec(db, args);
    assert_eq!(out.code, Some(0), "slrsim {args:?}: {}", out.show());
    out
}

impl Base {
    /// A generated scenario of `actions` actions (a snapshot every 50 records; from about 500 records
    /// on they are large enough for sled to keep in `blobs/`), run in one `run` ("fresh") or in two
    /// (`reopened`: the second `run` opens the database for writing again, and sled writes a `snap.*`
    /// file).
    fn build(name: &'static str, actions: u64, reopened: bool) -> Base {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("base.db");
        let scenario = run_ok(
            &db,
            &strings(&[
                "generate",
                "--actions",
                &actions.to_string(),
                "--seed",
                "41",
            ]),
        )
        .stdout;
        let lines: Vec<&str> = scenario.lines().collect();
        let write = |file: &str, lines: &[&str]| {
            let path = dir.path().join(file);
            std::fs::write(&path, lines.join("\n") + "\n").expect("write scenario");
            path
        };
        let split = if reopened {
            lines.len() * 2 / 3
        } else {
            lines.len() - 1
        };
        let first = write("first.jsonl", &lines[..split]);
        let rest = write("rest.jsonl", &lines[split..lines.len() - 1]);
        let extra = write("extra.jsonl", &lines[lines.len() - 1..]);
        let run = |file: &Path| {
            run_ok(
                &db,
                &strings(&[
                    "--snapshot-every",
                    "50",
                    "run",
                    "--quiet",
                    file.to_str().expect("utf-8 path"),
                ]),
            )
        };
        run(&first);
        if reopened {
            run(&rest);
        }
        let records = split as u64
            + if reopened {
                (lines.len() - 1 - split) as u64
            } else {
                0
            };
        let log = run_ok(&db, &strings(&["log", "--json"])).stdout;
        let task = log
            .split("\"DeletionTaskId\":\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or_default())
            .find(|id| id.starts_with("task/"))
            .expect("the scenario starts a deletion task")
            .to_string();
        let mut base = Base {
            name,
            _dir: dir,
            db,
            records,
            task,
            extra,
            answers: BTreeMap::new(),
            files: Vec::new(),
        };
        let fork_to = base._dir.path().join("fork.db");
        for (cmd, args) in reading_commands(&base.task, base.records - 1, &fork_to) {
            let _ = std::fs::remove_dir_all(&fork_to);
            let out = exec(&base.db, &args);
            assert!(
                out.code == Some(0) || (cmd == "explain" && out.code == Some(1)),
                "{cmd} on the undamaged {name} base: {}",
                out.show()
            );
            let mut out = out;
            out.stdout = normalised(&out, &fork_to);
            base.answers.insert(cmd, out);
        }
        let verified = &base.answers["verify"].stdout;
        assert!(
            verified.starts_with(&format!("verified {} records", base.records)),
            "{verified}"
        );
        base.files = contents(&base.db)
            .into_keys()
            .filter(|p| base.db.join(p).is_file())
            .collect();
        assert!(base.files.iter().any(|p| p == Path::new("head")));
        base
    }
}

/// One random damage.
#[derive(Debug, Clone)]
enum Kind {
    /// XOR one byte with a non-zero mask.
    Byte(prop::sample::Index, u8),
    /// Flip one bit.
    Bit(prop::sample::Index, u8),
    /// Overwrite one aligned 4 KiB block (or what there is of it) with bytes from this seed.
    Block(prop::sample::Index, u64),
    /// Cut the file to a shorter length.
    Truncate(prop::sample::Index),
    /// Remove the file.
    Remove,
}

#[derive(Debug, Clone)]
struct Damage {
    /// The reopened base rather than the fresh one.
    reopened: bool,
    /// Which file: `None` is sled's `db` file (the one that holds the log), else any of the folder.
    file: Option<prop::sample::Index>,
    kind: Kind,
}

fn damage() -> impl Strategy<Value = Damage> {
    let kind = prop_oneof![
        (any::<prop::sample::Index>(), 1..=255u8).prop_map(|(i, m)| Kind::Byte(i, m)),
        (any::<prop::sample::Index>(), 0..8u8).prop_map(|(i, b)| Kind::Bit(i, b)),
        (any::<prop::sample::Index>(), any::<u64>()).prop_map(|(i, s)| Kind::Block(i, s)),
        any::<prop::sample::Index>().prop_map(Kind::Truncate),
        Just(Kind::Remove),
    ];
    (
        any::<bool>(),
        prop_oneof![Just(None), any::<prop::sample::Index>().prop_map(Some)],
        kind,
    )
        .prop_map(|(reopened, file, kind)| Damage {
            reopened,
            file,
            kind,
        })
}

/// A small deterministic byte source for the block damage.
fn noise(mut seed: u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

impl Damage {
    /// Damages the folder `db` (a copy of `base`'s); says what it did.
    fn apply(&self, base: &Base, db: &Path) -> String {
        let rel = match &self.file {
            None => PathBuf::from("db"),
            Some(i) => base.files[i.index(base.files.len())].clone(),
        };
        let path = db.join(&rel);
        let mut bytes = std::fs::read(&path).expect("read file to damage");
        let len = bytes.len();
        let shown = rel.display();
        let what = match &self.kind {
            Kind::Remove => {
                std::fs::remove_file(&path).expect("remove file");
                return format!("removed {shown}");
            }
            _ if len == 0 => return format!("{shown} is empty: nothing to damage"),
            Kind::Byte(at, mask) => {
                let i = at.index(len);
                bytes[i] ^= mask;
                format!("{shown}: byte {i} of {len} xor {mask:#04x}")
            }
            Kind::Bit(at, bit) => {
                let i = at.index(len);
                bytes[i] ^= 1 << bit;
                format!("{shown}: bit {bit} of byte {i} of {len}")
            }
            Kind::Block(at, seed) => {
                let block = at.index(len.div_ceil(4096));
                let end = (block * 4096 + 4096).min(len);
                let fill = noise(*seed | 1, end - block * 4096);
                bytes[block * 4096..end].copy_from_slice(&fill);
                format!("{shown}: 4 KiB block {block} of {len} bytes overwritten")
            }
            Kind::Truncate(at) => {
                let to = at.index(len);
                bytes.truncate(to);
                format!("{shown}: cut from {len} to {to} bytes")
            }
        };
        std::fs::write(&path, &bytes).expect("write damaged file");
        what
    }
}

/// Whether `out` shows a panic or a backtrace (never an acceptable answer).
fn panicked(out: &Out) -> bool {
    out.code == Some(101)
        || out.stderr.contains("panicked")
        || out.stderr.contains("stack backtrace")
        || out.stderr.contains("RUST_BACKTRACE")
}

/// Whether a `verify` after a `run` counts all `records`, or fails saying why: exit 1 naming a record,
/// or exit 3 with a last line of its own.
fn verify_counts_or_says_why(v: &Out, records: u64) -> bool {
    match v.code {
        Some(0) => v.stdout.starts_with(&format!("verified {records} records")),
        Some(1) => v.stderr.contains("fails verification"),
        Some(3) => v
            .stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("slrsim: ")),
        _ => false,
    }
}

/// Runs one case; returns what went wrong (empty: nothing).
fn run_case(base: &Base, damage: &Damage, case: usize) -> Vec<String> {
    let dir = tempfile::tempdir().expect("case dir");
    let db = dir.path().join("damaged.db");
    copy_dir(&base.db, &db);
    let what = damage.apply(base, &db);
    let mut problems = Vec::new();
    let tag = format!("case {case} ({} base; {what})", base.name);
    // Opening for `run` works on a copy of the damaged folder: it may write.
    let writable = dir.path().join("writable.db");
    copy_dir(&db, &writable);
    let before = contents(&db);
    let fork_to = dir.path().join("fork.db");
    let commands = reading_commands(&base.task, base.records - 1, &fork_to);
    // The readers only read (and each holds a shared lock while it copies), so they run together;
    // `fork` writes only into its own new folder.
    let running: Vec<_> = commands
        .iter()
        .map(|(cmd, args)| (*cmd, spawn(&db, args)))
        .collect();
    let run_args = strings(&["run", "--quiet", base.extra.to_str().expect("utf-8 path")]);
    let run = exec(&writable, &run_args);
    let mut rebuilt = false;
    let mut codes = Vec::new();
    for (cmd, child) in running {
        let out = finish(child);
        // A panic inside sled, contained at the store boundary, is worded "sled stopped on …".
        let contained = if out.stderr.contains("sled stopped") {
            " (sled panicked, contained)"
        } else {
            ""
        };
        codes.push(format!(
            "{cmd} {}{contained}",
            out.code.map_or("-".to_string(), |c| c.to_string())
        ));
        let expected = &base.answers[cmd];
        if out.hung {
            problems.push(format!("{tag}: {cmd} hung (killed after {HANG_LIMIT:?})"));
            continue;
        }
        if out.signal.is_some() {
            problems.push(format!(
                "{tag}: {cmd} was ended by a signal: {}",
                out.show()
            ));
            continue;
        }
        if panicked(&out) {
            problems.push(format!("{tag}: {cmd} panicked: {}", out.show()));
            continue;
        }
        if out.code == expected.code {
            let got = normalised(&out, &fork_to);
            let same = if cmd == "verify" {
                // verify may add that it rebuilt damaged snapshots.
                rebuilt = got.contains("rebuilt");
                got.lines().next() == expected.stdout.lines().next()
            } else {
                got == expected.stdout
            };
            if !same {
                problems.push(format!(
                    "{tag}: {cmd} succeeded with another answer than on the undamaged database: {}",
                    out.show()
                ));
            }
            continue;
        }
        let last_line = out.stderr.lines().rev().find(|l| !l.trim().is_empty());
        let said = last_line.is_some_and(|l| l.starts_with("slrsim: "));
        let allowed = match out.code {
            Some(3) => said,
            Some(1) if matches!(cmd, "verify" | "bisect" | "replay") => {
                cmd != "verify" || out.stderr.contains("fails verification")
            }
            _ => false,
        };
        if !allowed {
            problems.push(format!(
                "{tag}: {cmd} failed without saying why with exit 3 (or naming a record): {}",
                out.show()
            ));
        }
    }
    codes.push(format!(
        "run {}",
        run.code.map_or("-".to_string(), |c| c.to_string())
    ));
    // Seen with --nocapture: what each kind of damage made the commands do.
    println!("{tag}: {}", codes.join(", "));
    let after = contents(&db);
    if before != after && !rebuilt {
        let changed: Vec<_> = before
            .keys()
            .chain(after.keys())
            .filter(|k| before.get(*k) != after.get(*k))
            .collect();
        problems.push(format!(
            "{tag}: reading commands changed the folder: {changed:?}"
        ));
    }
    // `run`: refused with exit 3, or it appended to the whole log.
    if run.hung || run.signal.is_some() {
        problems.push(format!(
            "{tag}: run hung or was ended by a signal: {}",
            run.show()
        ));
    } else if panicked(&run) {
        problems.push(format!("{tag}: run panicked: {}", run.show()));
    } else if run.code == Some(0) {
        // `run` reads only from its newest snapshot on, so damage to an older record may go unseen
        // by it; verify reads everything. It must then count every record, or say what is wrong.
        let v = exec(&writable, &strings(&["verify"]));
        if !verify_counts_or_says_why(&v, base.records + 1) || panicked(&v) {
            problems.push(format!(
                "{tag}: run succeeded but verify then counts fewer records than the whole log plus one, or fails without saying why: run {}\nverify {}",
                run.show(),
                v.show()
            ));
        }
    } else {
        // A refused `run` opened the folder for writing first, and sled's recovery may have rewritten
        // it: the folder is read again, and must still give no panic and no silent shorter log.
        let v = exec(&writable, &strings(&["verify"]));
        if !verify_counts_or_says_why(&v, base.records) || panicked(&v) {
            problems.push(format!("{tag}: after a refused run, verify: {}", v.show()));
        }
    }
    if !run.hung
        && run.signal.is_none()
        && run.code != Some(0)
        && !(run.code == Some(3)
            && run
                .stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| l.starts_with("slrsim: ")))
    {
        problems.push(format!(
            "{tag}: run failed without saying why: {}",
            run.show()
        ));
    }
    problems
}

#[test]
fn damaged_files_never_panic_never_shorten_the_log_silently_and_readers_never_write() {
    let cases: u32 = std::env::var("SLRSIM_DAMAGE_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let keep_going = std::env::var("SLRSIM_DAMAGE_KEEP_GOING").is_ok_and(|v| v == "1");
    // The fresh log spans several of sled's 512 KiB segments: damage to such a file is what makes
    // sled 0.34 panic ("tried to serialize Uninitialized"), which the store must contain.
    // 4000 actions: enough for pages of compressed snapshots past sled's blob threshold, so the
    // base has `blobs/` files to damage.
    let fresh = Base::build("fresh", 4000, false);
    let reopened = Base::build("reopened", 600, true);
    for (base, prefix) in [(&reopened, "snap."), (&fresh, "blobs/")] {
        assert!(
            base.files
                .iter()
                .any(|p| p.to_string_lossy().starts_with(prefix)),
            "the {} base has a {prefix} file to damage: {:?}",
            base.name,
            base.files
        );
    }
    let config = Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/damage.txt",
        ))),
        // A case runs a dozen processes: shrinking is kept short.
        max_shrink_iters: 32,
        ..Config::default()
    };
    let trials = Mutex::new(0usize);
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut runner = TestRunner::new(config);
    let result = runner.run(&damage(), |d| {
        let case = {
            let mut t = trials.lock().unwrap();
            *t += 1;
            *t
        };
        let base = if d.reopened { &reopened } else { &fresh };
        let problems = run_case(base, &d, case);
        if problems.is_empty() {
            return Ok(());
        }
        let text = problems.join("\n\n");
        if keep_going {
            failures.lock().unwrap().push(text);
            Ok(())
        } else {
            Err(TestCaseError::fail(text))
        }
    });
    let failures = failures.into_inner().unwrap();
    println!(
        "{} trials, {} failed",
        trials.into_inner().unwrap(),
        failures.len()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n======\n\n"));
}
