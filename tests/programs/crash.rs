//! Crashes and concurrency: the `slrsim` binary is killed with SIGKILL at random points while
//! it appends, again and again on the same database, and every reopening must find a clean prefix of the
//! log that holds every record `run --sync` acknowledged; a second process is refused promptly while one
//! holds the database; and the store only ever appends the next sequence number.
//!
//! The kill points come from a small deterministic PRNG seeded per iteration; every assertion names the
//! iteration and its seed. Set `SLRSIM_CRASH_SEED` to another base seed to explore other kill points.
#![cfg(unix)]
// Test code: a failed unwrap or expect is a failed test, which is what a test should do.

use crate::support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use slrsim::log::record::HASH_LEN;
use slrsim::log::replay;
use slrsim::log::store::Store;
use slrsim::{Genesis, Simulator, StoreError};
use tempfile::TempDir;

use support::action;
use support::run::*;

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

/// The seed of the generated scenarios (their header; every run against one database uses it).
const SCENARIO_SEED: u64 = 11;

/// Records between snapshots in the `--sync` crash database: small, so that kills also land around
/// snapshot writes and every reopening goes through one.
const SNAPSHOT_EVERY: &str = "25";
/// The same for the default-durability database, whose runs append more.
const SNAPSHOT_EVERY_DEFAULT: &str = "200";

/// A small deterministic PRNG (splitmix64), so that a failing kill point reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// The base seed of the kill points (`SLRSIM_CRASH_SEED` overrides it).
fn base_seed(default: u64) -> u64 {
    std::env::var("SLRSIM_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A temporary folder with a generated scenario in it; the databases go beside it.
struct Workdir {
    dir: TempDir,
    scenario: PathBuf,
}

impl Workdir {
    /// `slrsim generate --actions N --seed SCENARIO_SEED`, written to a file once.
    fn new(actions: u64) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = exec(
            {
                let mut c = Command::new(BIN);
                c.args(["generate", "--actions"])
                    .arg(actions.to_string())
                    .args(["--seed", &SCENARIO_SEED.to_string()]);
                c
            },
            None,
        );
        assert_eq!(out.code, Some(0), "generate: {}", out.stderr);
        assert_eq!(
            out.stdout.lines().count() as u64,
            actions + 1,
            "a header and N actions"
        );
        let scenario = dir.path().join("scenario.jsonl");
        std::fs::write(&scenario, &out.stdout).expect("write scenario");
        Workdir { dir, scenario }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("slrsim.db")
    }

    fn scenario_arg(&self) -> &str {
        self.scenario.to_str().expect("utf-8 path")
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write file");
        p
    }
}

/// One line `run` printed (only complete, newline-terminated lines count).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Printed {
    seq: u64,
    op: String,
    ok: bool,
}

fn parse_printed(line: &str, ctx: &str) -> Printed {
    let v: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("{ctx}: a complete stdout line is not JSON ({e}): {line}"));
    Printed {
        seq: v["seq"]
            .as_u64()
            .unwrap_or_else(|| panic!("{ctx}: no seq: {line}")),
        op: v["op"]
            .as_str()
            .unwrap_or_else(|| panic!("{ctx}: no op: {line}"))
            .to_string(),
        ok: v["ok"]
            .as_bool()
            .unwrap_or_else(|| panic!("{ctx}: no ok: {line}")),
    }
}

/// A `slrsim run` child whose stdout lines arrive on a channel as they are printed.
struct Running {
    child: Child,
    lines: Receiver<String>,
    stderr: thread::JoinHandle<String>,
    got: Vec<String>,
}

impl Running {
    fn spawn(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn slrsim run");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = read_all(child.stderr.take().expect("stderr"));
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut buf = Vec::new();
                match r.read_until(b'\n', &mut buf) {
                    // A line cut short by the kill has no newline: it was never fully printed.
                    Ok(0) | Err(_) => return,
                    Ok(_) if buf.last() != Some(&b'\n') => return,
                    Ok(_) => {
                        let line = String::from_utf8_lossy(&buf).trim_end().to_string();
                        if tx.send(line).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Running {
            child,
            lines,
            stderr,
            got: Vec::new(),
        }
    }

    /// Waits until `n` lines have been printed in all (or the child's stdout ends, or `limit` passes).
    fn wait_for_lines(&mut self, n: usize, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.got.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.got.push(l),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// SIGKILLs the child (if it still runs), then collects everything it printed before it died.
    fn kill(mut self) -> (ExitStatus, Vec<String>, String) {
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for the killed child");
        // The pipe's writer is gone, so the reader reaches the end and the channel closes.
        while let Ok(l) = self.lines.recv_timeout(HANG_LIMIT) {
            self.got.push(l);
        }
        let stderr = self.stderr.join().expect("stderr reader");
        (status, self.got, stderr)
    }
}

/// What a check of the log found: its last record and that record's chain hash.
#[derive(Debug, Clone, Copy)]
struct Prefix {
    last: u64,
    hash: [u8; HASH_LEN],
}

/// Reopens the database after a kill and checks that it is a clean prefix:
/// - the keys are exactly 0..=last (no gaps), `next_seq` is last + 1;
/// - the hash chain and every body decode (no torn record), replay from genesis succeeds, and the state
///   through the newest snapshot equals it;
/// - the earlier prefix (`before`) is still there byte for byte (its last chain hash is unchanged);
/// - every `acked` record is present, with the operation and outcome that was printed for it;
/// - at most `at_most` records exist (when given);
/// - `slrsim verify` exits 0, counts the same records and finds the same state hash.
///
/// Returns `None` when the killed run never created the database (then nothing may have been acked).
fn check_clean_prefix(
    db: &Path,
    ctx: &str,
    before: Option<Prefix>,
    acked: &[Printed],
    at_most: Option<u64>,
) -> Option<Prefix> {
    if !db.exists() {
        assert!(before.is_none(), "{ctx}: the database folder vanished");
        assert!(
            acked.is_empty(),
            "{ctx}: records were acknowledged but there is no database"
        );
        return None;
    }
    let (prefix, replay_hash) = {
        let store = open_store(db);
        let Some((last, last_value)) = store.last().expect("read last record") else {
            // Killed while the database was being created, before the genesis record was stored.
            assert!(before.is_none(), "{ctx}: the whole log disappeared");
            assert!(acked.is_empty(), "{ctx}: acknowledged records are missing");
            drop(store);
            let v = slrsim(db, &["verify"]);
            assert_eq!(
                v.code,
                Some(0),
                "{ctx}: verify of an empty log: {}",
                v.stderr
            );
            return None;
        };
        assert_eq!(
            store.next_seq().expect("next_seq"),
            last + 1,
            "{ctx}: next_seq"
        );
        // No gaps: the stored keys are exactly 0..=last.
        let mut count = 0u64;
        for (expected, item) in (0u64..).zip(store.iter_from(0)) {
            let (seq, _) = item.unwrap_or_else(|e| panic!("{ctx}: reading the log: {e}"));
            assert_eq!(seq, expected, "{ctx}: a gap in the log");
            count += 1;
        }
        assert_eq!(count, last + 1, "{ctx}: records counted");

        // The earlier prefix is intact: the chain hash of its last record is unchanged.
        if let Some(b) = before {
            assert!(
                last >= b.last,
                "{ctx}: records lost: the log ended at {} before this run and ends at {last} now",
                b.last
            );
            let v = store
                .get(b.last)
                .expect("get")
                .unwrap_or_else(|| panic!("{ctx}: record {} is gone", b.last));
            assert_eq!(
                &v[..HASH_LEN],
                &b.hash,
                "{ctx}: record {} changed after a crash",
                b.last
            );
        }
        if let Some(max) = at_most {
            assert!(
                last <= max,
                "{ctx}: the log ends at {last}, more than one record past what was acknowledged (at most {max})"
            );
        }

        // Every acknowledged record is there, and is the one that was printed.
        let mut want: BTreeMap<u64, &Printed> = BTreeMap::new();
        for p in acked {
            assert!(
                p.seq <= last,
                "{ctx}: record {} was acknowledged (printed by `run --sync`) but the log ends at {last}",
                p.seq
            );
            want.insert(p.seq, p);
        }
        let mut seen = 0usize;
        let chain_end = replay::for_each_record(&store, None, |rec| {
            if let Some(p) = want.get(&rec.seq) {
                assert_eq!(
                    (rec.action.op.name(), rec.outcome.is_ok()),
                    (p.op.as_str(), p.ok),
                    "{ctx}: record {} is not what was printed for it",
                    rec.seq
                );
                seen += 1;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{ctx}: the hash chain does not verify: {e}"));
        assert_eq!(seen, want.len(), "{ctx}: acknowledged records seen");
        assert_eq!(
            &last_value[..HASH_LEN],
            &chain_end,
            "{ctx}: last chain hash"
        );

        let full = replay::replay(&store, None)
            .unwrap_or_else(|e| panic!("{ctx}: replay from genesis fails: {e}"));
        assert_eq!(full.next_seq, last + 1, "{ctx}: replay's next_seq");
        let fast = replay::state_at(&store, None)
            .unwrap_or_else(|e| panic!("{ctx}: state_at (through snapshots) fails: {e}"));
        assert_eq!(fast.next_seq, last + 1, "{ctx}: state_at's next_seq");
        let replay_hash = full.state.hash();
        assert_eq!(
            fast.state.hash(),
            replay_hash,
            "{ctx}: the state through the newest snapshot differs from a replay from genesis"
        );
        (
            Prefix {
                last,
                hash: chain_end,
            },
            replay_hash,
        )
    };
    // The store is dropped: the binary checks the same log (and frees our lock before the next run).
    let v = slrsim(db, &["verify"]);
    assert_eq!(
        v.code,
        Some(0),
        "{ctx}: verify after the kill\n--- stdout ---\n{}\n--- stderr ---\n{}",
        v.stdout,
        v.stderr
    );
    assert!(
        v.stdout
            .contains(&format!("verified {} records", prefix.last + 1)),
        "{ctx}: {}",
        v.stdout
    );
    assert!(
        v.stdout.contains(&replay_hash),
        "{ctx}: verify's state hash is not the library's replay: {}",
        v.stdout
    );
    Some(prefix)
}

/// When to kill a run.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after the spawn: while it starts, opens or recovers the database.
    Early(Duration),
    /// This long after its first printed line: anywhere in an action (decide, append, flush, print).
    AfterFirstLine(Duration),
    /// As soon as it has printed this many lines: while it works on the next action.
    Lines(usize),
}

impl KillAt {
    /// Waits for the moment, then returns.
    fn wait(self, run: &mut Running) {
        match self {
            KillAt::Early(d) => thread::sleep(d),
            KillAt::AfterFirstLine(d) => {
                run.wait_for_lines(1, Duration::from_secs(30));
                thread::sleep(d);
            }
            KillAt::Lines(n) => run.wait_for_lines(n, Duration::from_secs(30)),
        }
    }
}

/// The printed lines that came from a run, parsed, checked to be contiguous from `first`.
fn printed_lines(lines: &[String], first: u64, ctx: &str) -> Vec<Printed> {
    let printed: Vec<Printed> = lines.iter().map(|l| parse_printed(l, ctx)).collect();
    for (p, seq) in printed.iter().zip(first..) {
        assert_eq!(
            p.seq, seq,
            "{ctx}: `run` printed out of order (expected seq {seq})"
        );
    }
    printed
}

// ---------------------------------------------------------------------------------------------------
// Crash survival
// ---------------------------------------------------------------------------------------------------

/// `run --sync` killed 20 times on one database: after each kill the log is a clean prefix holding every
/// record that was printed, at most one record more, and the next run continues it.
#[test]
fn sigkilled_synced_runs_keep_every_acknowledged_record_in_a_clean_prefix() {
    const KILLS: u64 = 20;
    let base = base_seed(0xC0FF_EE00);
    let work = Workdir::new(3000);
    let db = work.db();
    let mut before: Option<Prefix> = None;
    let mut killed_mid_run = 0;
    for i in 0..KILLS {
        let seed = base.wrapping_add(i);
        let mut rng = Rng(seed);
        let at = match rng.range(0, 7) {
            0 | 1 => KillAt::Early(Duration::from_millis(rng.range(0, 80))),
            2..=4 => KillAt::AfterFirstLine(Duration::from_millis(rng.range(0, 200))),
            _ => KillAt::Lines(rng.range(1, 100) as usize),
        };
        let ctx = format!(
            "sync iteration {i} (SLRSIM_CRASH_SEED={base}, iteration seed {seed}, kill {at:?})"
        );
        let mut run = Running::spawn(command(
            &db,
            &[
                "--snapshot-every",
                SNAPSHOT_EVERY,
                "run",
                work.scenario_arg(),
                "--sync",
            ],
        ));
        at.wait(&mut run);
        let (status, lines, stderr) = run.kill();
        // A fast machine may finish the whole scenario before the kill lands: that run is simply one
        // that acknowledged everything it printed, and the checks below hold for it just the same.
        assert!(
            status.signal() == Some(9) || status.code() == Some(0),
            "{ctx}: the run failed ({status}); stderr:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{ctx}: {stderr}");
        // The run continues the log: its first printed record is the one after the recovered prefix
        // (after the genesis record on a new database).
        let first = before.map_or(1, |b| b.last + 1);
        let acked = printed_lines(&lines, first, &ctx);
        // With --sync a line is printed only after its record is flushed, and the next action starts
        // only after that line: so at most one record past the last printed one can exist.
        let last_acked = acked.last().map_or(first - 1, |p| p.seq);
        let at_most = last_acked + 1;
        if !acked.is_empty() {
            killed_mid_run += 1;
        }
        before = check_clean_prefix(&db, &ctx, before, &acked, Some(at_most));
        eprintln!(
            "{ctx}: {} printed, log ends at {:?}",
            acked.len(),
            before.map(|b| b.last)
        );
    }
    let end = before.expect("the runs made a log");
    assert!(
        killed_mid_run >= KILLS / 3,
        "only {killed_mid_run} of {KILLS} kills came after the run printed something: the kills prove little"
    );
    // A last, uninterrupted run on the recovered database completes and verifies.
    let small = work.write(
        "short.jsonl",
        &std::fs::read_to_string(&work.scenario)
            .expect("read scenario")
            .lines()
            .take(21)
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );
    let out = slrsim(&db, &["run", small.to_str().expect("utf-8"), "--sync"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let printed = printed_lines(
        &out.stdout.lines().map(str::to_string).collect::<Vec<_>>(),
        end.last + 1,
        "final run",
    );
    assert_eq!(printed.len(), 20);
    check_clean_prefix(
        &db,
        "after the final run",
        Some(end),
        &printed,
        Some(end.last + 20),
    );
}

/// `run` with its default durability (flush every 1000 actions, and sled's own background flush),
/// killed repeatedly on one database: the log is always a clean prefix that verifies and keeps what an
/// earlier reopening found. Without --sync only a finished run acknowledges its records.
#[test]
fn sigkilled_default_runs_leave_a_verifiable_prefix() {
    const KILLS: u64 = 8;
    let base = base_seed(0xD1E5_0000);
    let work = Workdir::new(3000);
    let db = work.db();
    let mut before: Option<Prefix> = None;
    for i in 0..KILLS {
        let seed = base.wrapping_add(i);
        let mut rng = Rng(seed);
        let at = match rng.range(0, 3) {
            0 => KillAt::Early(Duration::from_millis(rng.range(0, 80))),
            1 => KillAt::AfterFirstLine(Duration::from_millis(rng.range(0, 400))),
            // Around the 1000th action, whose flush is under way.
            _ => KillAt::Lines(rng.range(1000, 1100) as usize),
        };
        let ctx = format!(
            "default-durability iteration {i} (SLRSIM_CRASH_SEED={base}, iteration seed {seed}, kill {at:?})"
        );
        let mut run = Running::spawn(command(
            &db,
            &[
                "--snapshot-every",
                SNAPSHOT_EVERY_DEFAULT,
                "run",
                work.scenario_arg(),
            ],
        ));
        at.wait(&mut run);
        let (status, lines, stderr) = run.kill();
        assert!(!stderr.contains("panicked"), "{ctx}: {stderr}");
        // The number the run started at: the recovered prefix's next (0 on a new database, whose genesis
        // record is the first action the 1000-action count includes).
        let start_next = before.map_or(0, |b| b.last + 1);
        let first = start_next.max(1);
        let printed = printed_lines(&lines, first, &ctx);
        let acked: Vec<Printed> = match status.code() {
            // It finished before the kill: the final flush covers everything it printed.
            Some(0) => printed,
            Some(c) => panic!("{ctx}: the run failed with exit {c}: {stderr}"),
            None => {
                assert_eq!(status.signal(), Some(9), "{ctx}");
                // Without --sync a printed line acknowledges nothing: `run` decides and prints ahead
                // of the thread that stores (Simulator::batch), and flushes every 1000 records and at
                // its end. Only a finished run (exit 0) promises its records.
                Vec::new()
            }
        };
        let n_acked = acked.len();
        before = check_clean_prefix(&db, &ctx, before, &acked, None);
        eprintln!(
            "{ctx}: exit {status}, {n_acked} acknowledged, log ends at {:?}",
            before.map(|b| b.last)
        );
    }
    assert!(before.is_some(), "the runs made a log");
}

// ---------------------------------------------------------------------------------------------------
// Concurrency: one process holds the database
// ---------------------------------------------------------------------------------------------------

/// While a server holds the database, `run` from other processes fails promptly with exit 3 and "in use
/// by another process", and appends nothing; `state` and `verify` ask the holder instead; the holder
/// keeps serving.
///
/// The holder is `slrsim serve`, which holds the database until it is told to stop: a holder that could
/// finish by itself (a long `run`) would, on a fast enough machine, let an intruder in and make the test's
/// verdict depend on the machine's speed.
#[test]
fn a_second_process_is_refused_promptly_while_a_server_holds_the_database() {
    let work = Workdir::new(20);
    let db = work.db();
    let mut holder = Running::spawn(command(&db, &["serve", "--addr", "127.0.0.1:0"]));
    // `serve` prints its `export` lines only once the database is open and the socket listens.
    let endpoint = loop {
        let seen = holder.got.len();
        holder.wait_for_lines(seen + 1, HANG_LIMIT);
        assert!(
            holder.got.len() > seen,
            "the server printed its exports (it has the database open)"
        );
        if let Some(url) = holder
            .got
            .iter()
            .find_map(|l| l.strip_prefix("export AWS_ENDPOINT_URL=http://"))
        {
            break url.to_string();
        }
    };
    let intruder = work.write(
        "other.jsonl",
        &format!(
            "{{\"seed\":{SCENARIO_SEED},\"start\":\"2026-01-01T00:00:00Z\"}}\n{}\n",
            r#"{"op":"CreateUser","params":{"UserName":"crash-test-intruder"}}"#
        ),
    );
    let intruder = intruder.to_str().expect("utf-8");
    for args in [&["state"][..], &["verify"]] {
        let out = exec(command(&db, args), None);
        assert_eq!(out.code, Some(0), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains("is held by the server at"),
            "{args:?} asked the holder: {}",
            out.stderr
        );
    }
    for args in [&["run", intruder][..], &["run", intruder, "--sync"]] {
        let started = Instant::now();
        let out = exec(command(&db, args), None);
        let took = started.elapsed();
        // Generous: the refusal waits out `Store::open`'s one-second grace; only a hang fails here.
        assert!(
            took < Duration::from_secs(30),
            "{args:?} on a database in use took {took:?}"
        );
        assert_eq!(
            out.code,
            Some(3),
            "{args:?} on a database in use\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stderr.contains("is in use by another process"),
            "{args:?}: a clear message: {}",
            out.stderr
        );
        assert!(
            out.stderr.contains(db.to_str().expect("utf-8")),
            "{args:?}: names the database: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "{args:?}: printed nothing: {}",
            out.stdout
        );
        assert!(
            holder.child.try_wait().expect("try_wait").is_none(),
            "the holder still runs (so the refusal was really against a held database)"
        );
    }
    // The holder was not disturbed: it still answers, and records what it answers (an unsigned request
    // is a recorded refusal).
    let answer = raw_http(
        &endpoint,
        "GET /?Action=GetRole&RoleName=x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(
        answer.starts_with("HTTP/1.1 403"),
        "the holder answered an unsigned request: {answer}"
    );
    assert!(
        answer.to_ascii_lowercase().contains("x-amzn-requestid"),
        "the answer is a record: {answer}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &holder.child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(status.success());
    let status =
        wait_or_kill(&mut holder.child, HANG_LIMIT).expect("the holder stopped on SIGTERM");
    assert_eq!(status.code(), Some(0), "a clean stop");
    let (_, _, stderr) = holder.kill();
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The log holds the genesis record and the refusal, and nothing of the refused processes.
    let store = open_store(&db);
    let mut records = 0;
    replay::for_each_record(&store, None, |rec| {
        records += 1;
        let line = serde_json::to_string(&rec.action).expect("action as JSON");
        assert!(
            !line.contains("crash-test-intruder"),
            "record {} came from a refused process: {line}",
            rec.seq
        );
        Ok(())
    })
    .expect("read log");
    assert_eq!(records, 2, "the genesis record and the one refusal");
}

/// Sends `request` to `addr` over a fresh TCP connection and returns everything the server answered.
fn raw_http(addr: &str, request: &str) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the holder");
    stream
        .set_read_timeout(Some(HANG_LIMIT))
        .expect("read timeout");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

// ---------------------------------------------------------------------------------------------------
// Appends use the next sequence number
// ---------------------------------------------------------------------------------------------------

const PUT_LIVE: &str = r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live"}}"#;
const LOGS_10: &str = r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":10}}"#;
const GET_SLR: &str = r#"{"op":"GetRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#;

/// An append at any number but `next_seq()` is `OutOfOrder` and changes nothing; so is a second append
/// of a number already written. The simulator then carries on as if nothing happened.
#[test]
fn an_append_must_use_the_next_sequence_number_and_a_refused_one_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db");
    let mut sim = Simulator::open(&path, Some(Genesis::default())).expect("open");
    for l in [PUT_LIVE, LOGS_10, GET_SLR] {
        sim.execute(action(l)).expect("execute");
    }
    let next = sim.next_seq();
    assert_eq!(next, 4);
    let store = sim.store();
    assert_eq!(store.next_seq().expect("next_seq"), next);
    let stored: Vec<Vec<u8>> = (0..next)
        .map(|s| store.get(s).expect("get").expect("present").to_vec())
        .collect();
    for bad in [next + 1, next + 2, next + 1000, u64::MAX, 0, 1, next - 1] {
        match store.append(bad, b"not a record") {
            Err(StoreError::OutOfOrder { expected, got }) => {
                assert_eq!((expected, got), (next, bad), "append at {bad}");
            }
            other => panic!("append at {bad} (next is {next}): {other:?}"),
        }
        assert_eq!(store.next_seq().expect("next_seq"), next, "after {bad}");
        assert_eq!(store.last().expect("last").map(|(s, _)| s), Some(next - 1));
    }
    for (s, before) in stored.iter().enumerate() {
        let now = store.get(s as u64).expect("get").expect("present");
        assert_eq!(&now[..], &before[..], "record {s} was overwritten");
    }
    for absent in [next, next + 1, next + 1000] {
        assert!(
            store.get(absent).expect("get").is_none(),
            "{absent} written"
        );
    }
    // The same number twice: the second append is refused and the first value stays.
    let rec = sim.execute(action(GET_SLR)).expect("execute");
    assert_eq!(rec.seq, next);
    let first = sim
        .store()
        .get(next)
        .expect("get")
        .expect("present")
        .to_vec();
    match sim.store().append(next, b"again") {
        Err(StoreError::OutOfOrder { expected, got }) => {
            assert_eq!((expected, got), (next + 1, next));
        }
        other => panic!("second append of {next}: {other:?}"),
    }
    assert_eq!(
        &sim.store().get(next).expect("get").expect("present")[..],
        &first[..]
    );
    // Nothing was disturbed: the simulator goes on, and the log verifies.
    assert_eq!(sim.execute(action(GET_SLR)).expect("execute").seq, next + 1);
    sim.flush().expect("flush");
    let v = replay::verify(sim.store()).expect("verify");
    assert_eq!(v.problem, None);
    assert_eq!(v.records, next + 2);
}

/// Many threads appending to one store race for each number: every number is written exactly once,
/// by the one append that was told it succeeded; the losers get `OutOfOrder`; there is no gap.
#[test]
fn racing_appenders_never_share_or_skip_a_number() {
    const THREADS: usize = 8;
    const RECORDS: u64 = 400;
    let store = Arc::new(Store::temporary().expect("temporary store"));
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = Arc::clone(&store);
            let start = Arc::clone(&start);
            thread::spawn(move || {
                start.wait();
                let mut won = Vec::new();
                let mut lost = 0u64;
                loop {
                    let seq = store.next_seq().expect("next_seq");
                    if seq >= RECORDS {
                        return (won, lost);
                    }
                    let value = format!("thread {t} seq {seq}");
                    match store.append(seq, value.as_bytes()) {
                        Ok(()) => won.push(seq),
                        Err(StoreError::OutOfOrder { got, .. }) => {
                            assert_eq!(got, seq);
                            lost += 1;
                        }
                        Err(e) => panic!("thread {t}: {e}"),
                    }
                }
            })
        })
        .collect();
    let mut winner: BTreeMap<u64, usize> = BTreeMap::new();
    for (t, h) in handles.into_iter().enumerate() {
        let (won, _lost) = h.join().expect("appender thread");
        for seq in won {
            assert!(
                winner.insert(seq, t).is_none(),
                "two appends of {seq} were both told they succeeded"
            );
        }
    }
    assert_eq!(winner.len() as u64, RECORDS, "every number written once");
    assert_eq!(store.next_seq().expect("next_seq"), RECORDS);
    let stored: Vec<(u64, Vec<u8>)> = store
        .iter_from(0)
        .map(|r| r.map(|(s, v)| (s, v.to_vec())).expect("read"))
        .collect();
    assert_eq!(stored.len() as u64, RECORDS, "no extra or missing record");
    for ((seq, value), expected) in stored.iter().zip(0u64..) {
        assert_eq!(*seq, expected, "no gap");
        let t = winner[seq];
        assert_eq!(
            String::from_utf8_lossy(value),
            format!("thread {t} seq {seq}"),
            "record {seq} holds the value of the append that succeeded"
        );
    }
}

/// A second simulator (or store) on a path this process already has open is refused with the clear
/// `Locked` error after the short grace, and writes nothing; the first keeps working.
#[test]
fn a_second_simulator_on_the_same_path_in_one_process_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db");
    let mut first = Simulator::open(&path, Some(Genesis::default())).expect("open");
    first.execute(action(PUT_LIVE)).expect("execute");
    first.flush().expect("flush");
    let started = Instant::now();
    match Simulator::open(&path, None) {
        Err(e @ StoreError::Locked { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("is in use by another process"), "{msg}");
            assert!(msg.contains(path.to_str().expect("utf-8")), "{msg}");
        }
        Err(e) => panic!("a second simulator on an open path: not `Locked` but {e:?}"),
        Ok(_) => panic!("two simulators were opened on one path in one process"),
    }
    match Store::open(&path) {
        Err(StoreError::Locked { .. }) => {}
        other => panic!("a second store on an open path: {other:?}"),
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "refusals took {took:?}");
    // The first is unharmed and still appends at the next number.
    assert_eq!(first.execute(action(GET_SLR)).expect("execute").seq, 2);
    first.flush().expect("flush");
    drop(first);
    let store = open_store(&path);
    assert_eq!(store.next_seq().expect("next_seq"), 3);
    let v = replay::verify(&store).expect("verify");
    assert_eq!(v.problem, None);
}

/// A folder as `run` leaves it when killed between sled's two files (the creation marker and `db`,
/// no `conf`): a reader names it as an interrupted creation and writes nothing; the next `run` makes
/// the database again, warns, and its log verifies. A whole database whose `conf` is lost, without
/// the marker, is still damage.
#[test]
fn a_database_killed_while_it_was_being_made_is_made_again_by_the_next_writer() {
    let work = Workdir::new(5);
    let db = work.db();
    std::fs::create_dir_all(&db).expect("mkdir");
    std::fs::write(db.join("slrsim-creating"), b"").expect("marker");
    std::fs::write(db.join("db"), b"").expect("db");
    let log = slrsim(&db, &["log"]);
    assert_ne!(log.code, Some(0), "{}", log.stderr);
    assert!(
        log.stderr
            .contains("interrupted before anything was stored"),
        "{}",
        log.stderr
    );
    assert!(!db.join("conf").exists(), "a reader wrote nothing");
    let run = slrsim(&db, &["run", work.scenario_arg()]);
    run.code(0, "the next run makes the database again");
    assert!(run.stderr.contains("made again"), "{}", run.stderr);
    assert!(!db.join("slrsim-creating").exists());
    slrsim(&db, &["verify"]).code(0, "the remade log verifies");
    std::fs::remove_file(db.join("conf")).expect("remove conf");
    let damaged = slrsim(&db, &["log"]);
    assert_ne!(damaged.code, Some(0));
    assert!(damaged.stderr.contains("conf"), "{}", damaged.stderr);
}
