//! Corruption: flipping or truncating the bytes of a stored record or snapshot never panics
//! and never gives a silently wrong state; damage to sled's own files never panics and gives an error or
//! a true prefix of the log (sled 0.34 may recover a damaged `db` file as a shorter log, without an
//! error of its own; the head file then names the records lost: see the last test, run with
//! `--nocapture`, and `tests/programs/damage.rs` for random damage to every file of the folder).
//!
//! `slrsim verify` exits 1 naming exactly the damaged sequence number; every other command that needs
//! the damaged record fails naming it, and one that does not need it (the state before it, or after it
//! from a trusted snapshot) gives exactly what the undamaged log gives. A damaged snapshot is skipped
//! with a warning and rebuilt by `verify`.
//!
//! Each test builds its logs with the binary, copies the database folder (after the writer exited) for
//! every kind of damage, damages the copy with the library (`Store::raw_put` / `raw_remove` /
//! `put_snapshot`), and then drives the binary against it. What a command must do is predicted from the
//! raw bytes alone: a command fails when the newest snapshot it may trust (one whose record's stored hash
//! is still the undamaged one) lies before a damaged record it must read.
// Test code: a failed unwrap or expect is a failed test, which is what a test should do.

use crate::support;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread;
use support::run::{Out, copy_dir, open_store};

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use slrsim::log::record::{self, HASH_LEN};
use slrsim::log::store::Store;
use slrsim::log::{replay, snapshot};
use slrsim::{State, StoreError, timetravel};
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------------
// Helpers: running the binary
// ---------------------------------------------------------------------------------------------------

/// The demo scenario (records 0..=25).
const DEMO_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo.jsonl");

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `slrsim --db DB ARGS...` (again while it reports a lock this test process has just let go of),
/// with ANSI colour codes removed from standard error (tracing colours its warnings).
fn slrsim(db: &Path, args: &[&str]) -> Out {
    let mut out = support::run::slrsim(db, args);
    out.stderr = strip_ansi(&out.stderr);
    out
}

/// A database built by the binary, kept pristine: nothing ever opens it; work is done on copies.
struct Base {
    dir: TempDir,
    template: PathBuf,
}

impl Base {
    /// `slrsim --snapshot-every K run FILE`.
    fn run(file: &Path, every: u64) -> Base {
        let dir = tempfile::tempdir().expect("temp dir");
        let template = dir.path().join("template.db");
        let out = slrsim(
            &template,
            &[
                "--snapshot-every",
                &every.to_string(),
                "run",
                file.to_str().expect("utf-8 path"),
            ],
        );
        assert_eq!(out.code, Some(0), "building the base log: {}", out.show());
        Base { dir, template }
    }

    /// The demo scenario with a snapshot every 5 records: records 0..=25, snapshots 5, 10, 15, 20, 25.
    fn demo() -> Base {
        Base::run(Path::new(DEMO_FILE), 5)
    }

    /// `slrsim generate --actions N --seed S`, run with a snapshot every K records.
    fn generated(actions: u64, seed: u64, every: u64) -> Base {
        let dir = tempfile::tempdir().expect("temp dir");
        let scenario = dir.path().join("generated.jsonl");
        let out = slrsim(
            &dir.path().join("unused.db"),
            &[
                "generate",
                "--actions",
                &actions.to_string(),
                "--seed",
                &seed.to_string(),
            ],
        );
        assert_eq!(out.code, Some(0), "generate: {}", out.show());
        std::fs::write(&scenario, &out.stdout).expect("write scenario");
        Base::run(&scenario, every)
    }

    /// A fresh copy of the database, in a new folder of this base.
    fn copy(&self, name: &str) -> PathBuf {
        let to = self.dir.path().join(name);
        assert!(!to.exists(), "copy {name} made twice");
        copy_dir(&self.template, &to);
        to
    }

    /// A path in this base's folder where nothing exists yet.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Everything about the undamaged log, read once with the library from a copy.
struct Truth {
    /// Every stored value, by sequence number (0..=last, contiguous).
    values: Vec<Vec<u8>>,
    /// Stored snapshots, by the record they follow.
    snapshots: BTreeMap<u64, Vec<u8>>,
    /// The state after every record, by a full replay (no snapshot involved).
    states: Vec<State>,
}

impl Truth {
    fn read(base: &Base, name: &str) -> Truth {
        let path = base.copy(name);
        let store = open_store(&path);
        let values: Vec<Vec<u8>> = store
            .iter_from(0)
            .enumerate()
            .map(|(i, item)| {
                let (seq, v) = item.expect("read record");
                assert_eq!(seq, i as u64, "the base log is contiguous");
                v.to_vec()
            })
            .collect();
        let snapshots = store
            .snapshots_before(u64::MAX)
            .map(|item| item.map(|(s, v)| (s, v.to_vec())).expect("read snapshot"))
            .collect();
        let mut states = Vec::with_capacity(values.len());
        let mut state = State::default();
        replay::for_each_events_from(&store, 0, record::genesis_hash(), None, |_, events| {
            for e in events {
                slrsim::core::apply::apply_mut(&mut state, e);
            }
            states.push(state.clone());
            Ok(())
        })
        .expect("the base log replays");
        assert_eq!(states.len(), values.len());
        let v = replay::verify(&store).expect("verify the base");
        assert_eq!(v.problem, None, "the base log verifies");
        assert!(v.snapshots_rebuilt.is_empty());
        Truth {
            values,
            snapshots,
            states,
        }
    }

    fn last(&self) -> u64 {
        self.values.len() as u64 - 1
    }

    fn value(&self, seq: u64) -> &[u8] {
        &self.values[usize::try_from(seq).unwrap()]
    }

    fn state(&self, seq: u64) -> &State {
        &self.states[usize::try_from(seq).unwrap()]
    }

    /// The chain hash that record `seq` stores (before record 0: the genesis hash).
    fn hash_before(&self, seq: u64) -> [u8; HASH_LEN] {
        match seq.checked_sub(1) {
            None => record::genesis_hash(),
            Some(p) => record::stored_hash(self.value(p)).expect("a stored hash"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Kinds of damage to stored records
// ---------------------------------------------------------------------------------------------------

/// A deterministic pseudo-random generator (xorshift), so that "a random position" is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
}

/// One kind of damage to the records of a log.
#[derive(Debug, Clone)]
enum Damage {
    /// XOR a byte of the 32-byte hash prefix of `seq` (position chosen by `pick`).
    FlipHash { seq: u64, pick: u64 },
    /// Change the case of a letter inside the request id string (the body stays valid JSON).
    FlipString { seq: u64 },
    /// Change a digit of the `time` number (the body stays valid JSON).
    FlipNumber { seq: u64 },
    /// Flip the body's opening brace (the body is no longer JSON).
    FlipStructure { seq: u64 },
    /// XOR a random byte of the body with a random mask.
    FlipAnywhere { seq: u64, pick: u64 },
    /// Truncate the stored value to `len` bytes (`usize::MAX`: to the middle of the body).
    Truncate { seq: u64, len: usize },
    /// Append bytes after the body.
    AppendGarbage { seq: u64 },
    /// Store record `from`'s value under `seq`.
    ReplaceWith { seq: u64, from: u64 },
    /// Swap the values of two records.
    Swap { a: u64, b: u64 },
    /// Remove the record: a gap.
    Remove { seq: u64 },
    /// A body that says another seq, with a correct hash for its place (the next record's chain breaks).
    WrongSeqRehashed { seq: u64 },
    /// A body that says another seq, and every record after it re-chained: the chain is whole again.
    WrongSeqRechained { seq: u64 },
    /// A body of schema version 2, and every record after it re-chained.
    SchemaV2Rechained { seq: u64 },
    /// A body that is not JSON, with a correct hash for its place.
    NotJsonRehashed { seq: u64 },
}

impl Damage {
    /// The damaged records: the first is the one `verify` names. A reader that starts after a trusted
    /// snapshot names the first damaged record after that snapshot.
    fn damaged(&self) -> BTreeSet<u64> {
        match *self {
            Damage::Swap { a, b } => [a, b].into_iter().collect(),
            Damage::FlipHash { seq, .. }
            | Damage::FlipString { seq }
            | Damage::FlipNumber { seq }
            | Damage::FlipStructure { seq }
            | Damage::FlipAnywhere { seq, .. }
            | Damage::Truncate { seq, .. }
            | Damage::AppendGarbage { seq }
            | Damage::ReplaceWith { seq, .. }
            | Damage::Remove { seq }
            | Damage::WrongSeqRehashed { seq }
            | Damage::WrongSeqRechained { seq }
            | Damage::SchemaV2Rechained { seq }
            | Damage::NotJsonRehashed { seq } => [seq].into_iter().collect(),
        }
    }

    fn first(&self) -> u64 {
        *self.damaged().first().expect("some damage")
    }

    /// Damages the log in `store`; `truth` holds the undamaged values.
    fn apply(&self, store: &Store, truth: &Truth) {
        let value = |seq: u64| truth.value(seq).to_vec();
        let body_at = |seq: u64, needle: &[u8]| -> usize {
            let v = truth.value(seq);
            HASH_LEN
                + v[HASH_LEN..]
                    .windows(needle.len())
                    .position(|w| w == needle)
                    .unwrap_or_else(|| panic!("{needle:?} in record {seq}"))
                + needle.len()
        };
        match *self {
            Damage::FlipHash { seq, pick } => {
                let mut v = value(seq);
                let mut rng = Rng(pick | 1);
                let at = rng.below(HASH_LEN);
                v[at] ^= u8::try_from(rng.below(255) + 1).unwrap();
                store.raw_put(seq, &v).unwrap();
            }
            Damage::FlipString { seq } => {
                let mut v = value(seq);
                let start = body_at(seq, b"\"request_id\":\"");
                let at = (start..v.len())
                    .find(|&i| v[i].is_ascii_alphabetic())
                    .expect("a letter in the request id");
                v[at] ^= 0x20;
                store.raw_put(seq, &v).unwrap();
            }
            Damage::FlipNumber { seq } => {
                let mut v = value(seq);
                let at = body_at(seq, b"\"time\":");
                assert!(v[at].is_ascii_digit());
                v[at] = if v[at] == b'9' { b'8' } else { v[at] + 1 };
                store.raw_put(seq, &v).unwrap();
            }
            Damage::FlipStructure { seq } => {
                let mut v = value(seq);
                assert_eq!(v[HASH_LEN], b'{');
                v[HASH_LEN] ^= 0x01;
                store.raw_put(seq, &v).unwrap();
            }
            Damage::FlipAnywhere { seq, pick } => {
                let mut v = value(seq);
                let mut rng = Rng(pick | 1);
                let at = HASH_LEN + rng.below(v.len() - HASH_LEN);
                v[at] ^= u8::try_from(rng.below(255) + 1).unwrap();
                store.raw_put(seq, &v).unwrap();
            }
            Damage::Truncate { seq, len } => {
                let v = value(seq);
                let len = if len == usize::MAX {
                    HASH_LEN + (v.len() - HASH_LEN) / 2
                } else {
                    len
                };
                assert!(len < v.len());
                store.raw_put(seq, &v[..len]).unwrap();
            }
            Damage::AppendGarbage { seq } => {
                let mut v = value(seq);
                v.extend_from_slice(b"\n{\"garbage\":true}\x00\xff");
                store.raw_put(seq, &v).unwrap();
            }
            Damage::ReplaceWith { seq, from } => {
                store.raw_put(seq, &value(from)).unwrap();
            }
            Damage::Swap { a, b } => {
                store.raw_put(a, &value(b)).unwrap();
                store.raw_put(b, &value(a)).unwrap();
            }
            Damage::Remove { seq } => {
                store.raw_remove(seq).unwrap();
                assert!(store.get(seq).unwrap().is_none());
            }
            Damage::WrongSeqRehashed { seq } => {
                let body = with_seq(truth.value(seq), seq, seq + 7);
                let (v, _) = rehash(&truth.hash_before(seq), &body);
                store.raw_put(seq, &v).unwrap();
            }
            Damage::WrongSeqRechained { seq } => {
                rechain_from(store, truth, seq, with_seq(truth.value(seq), seq, seq + 7));
            }
            Damage::SchemaV2Rechained { seq } => {
                let body = truth.value(seq)[HASH_LEN..].to_vec();
                let current = b"{\"v\":1,";
                assert!(body.starts_with(current));
                let mut v2 = b"{\"v\":2,".to_vec();
                v2.extend_from_slice(&body[current.len()..]);
                rechain_from(store, truth, seq, v2);
            }
            Damage::NotJsonRehashed { seq } => {
                let (v, _) = rehash(&truth.hash_before(seq), b"this is not a record");
                store.raw_put(seq, &v).unwrap();
            }
        }
    }
}

/// The body of `value` with its `"seq":from` replaced by `"seq":to` (still valid JSON).
fn with_seq(value: &[u8], from: u64, to: u64) -> Vec<u8> {
    let text = std::str::from_utf8(&value[HASH_LEN..]).expect("utf-8 body");
    let needle = format!(",\"seq\":{from},");
    assert_eq!(text.matches(&needle).count(), 1, "{needle} in the body");
    text.replacen(&needle, &format!(",\"seq\":{to},"), 1)
        .into_bytes()
}

/// A stored value for `body` after `prev`, and its chain hash.
fn rehash(prev: &[u8; HASH_LEN], body: &[u8]) -> (Vec<u8>, [u8; HASH_LEN]) {
    let hash = record::chain_hash(prev, body);
    let mut v = hash.to_vec();
    v.extend_from_slice(body);
    (v, hash)
}

/// Stores `body` as record `seq` and re-chains every record after it (their bodies unchanged).
fn rechain_from(store: &Store, truth: &Truth, seq: u64, body: Vec<u8>) {
    let (v, mut prev) = rehash(&truth.hash_before(seq), &body);
    store.raw_put(seq, &v).unwrap();
    for later in seq + 1..=truth.last() {
        let (v, hash) = rehash(&prev, &truth.value(later)[HASH_LEN..]);
        store.raw_put(later, &v).unwrap();
        prev = hash;
    }
}

/// Damages a fresh copy of the base; returns its path.
fn damaged_copy(base: &Base, truth: &Truth, name: &str, damage: &Damage) -> PathBuf {
    let path = base.copy(name);
    let store = open_store(&path);
    damage.apply(&store, truth);
    store.flush().expect("flush");
    path
}

// ---------------------------------------------------------------------------------------------------
// What each command must do on a damaged log
// ---------------------------------------------------------------------------------------------------

/// The prediction for one command.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Exactly what the undamaged log gives (exit code and standard output).
    Same,
    /// A non-zero exit (not a panic) whose error names this record.
    Fails(u64),
}

/// Predicts, from the raw bytes, what reading the damaged log does.
struct Oracle<'a> {
    truth: &'a Truth,
    damaged: BTreeSet<u64>,
    /// Snapshots a reader may trust: their record's stored hash is still the undamaged one.
    trusted: BTreeSet<u64>,
}

impl<'a> Oracle<'a> {
    fn new(truth: &'a Truth, damaged: BTreeSet<u64>, store: &Store) -> Self {
        let trusted = truth
            .snapshots
            .keys()
            .copied()
            .filter(|&s| {
                store
                    .get(s)
                    .unwrap()
                    .and_then(|v| record::stored_hash(&v))
                    .is_some_and(|h| Some(h) == record::stored_hash(truth.value(s)))
            })
            .collect();
        Oracle {
            truth,
            damaged,
            trusted,
        }
    }

    /// The first damaged record in `from..=to`.
    fn first_in(&self, from: u64, to: u64) -> Option<u64> {
        if from > to {
            return None;
        }
        self.damaged.range(from..=to).next().copied()
    }

    /// The state after `t`: the newest trusted snapshot at or before it, then the records after it.
    fn state_at(&self, t: u64) -> Option<u64> {
        let from = self.trusted.range(..=t).next_back().map_or(0, |s| s + 1);
        self.first_in(from, t)
    }

    /// A walk of the whole log from record 0 (verify, log --json, explain, replay --verify).
    fn walk(&self) -> Option<u64> {
        self.first_in(0, self.truth.last())
    }

    fn expect(&self, failing: Option<u64>) -> Expect {
        failing.map_or(Expect::Same, Expect::Fails)
    }

    /// `log --from a [--to b]`: the state after `a - 1`, then the records `a..=b`.
    fn log(&self, a: u64, b: Option<u64>) -> Expect {
        let before = a.checked_sub(1).and_then(|p| self.state_at(p));
        self.expect(before.or_else(|| self.first_in(a, b.unwrap_or(self.truth.last()))))
    }

    fn state(&self, t: u64) -> Expect {
        self.expect(self.state_at(t))
    }

    fn diff(&self, n: u64, m: u64) -> Expect {
        self.expect(self.state_at(n).or_else(|| self.state_at(m)))
    }

    fn walk_all(&self) -> Expect {
        self.expect(self.walk())
    }

    /// `bisect` on a log clean at its end reconstructs only the last state.
    fn bisect_clean(&self) -> Expect {
        self.state(self.truth.last())
    }

    /// `fork --at t` checks records 0..=t.
    fn fork(&self, t: u64) -> Expect {
        self.expect(self.first_in(0, t))
    }
}

/// Undamaged outputs, computed on first use from a copy of the base that only they read.
struct Baseline {
    path: PathBuf,
    cache: Mutex<BTreeMap<Vec<String>, Out>>,
}

impl Baseline {
    fn new(base: &Base) -> Self {
        Baseline {
            path: base.copy("baseline.db"),
            cache: Mutex::new(BTreeMap::new()),
        }
    }

    fn get(&self, args: &[String]) -> Out {
        let mut cache = self.cache.lock().unwrap();
        cache
            .entry(args.to_vec())
            .or_insert_with(|| {
                let a: Vec<&str> = args.iter().map(String::as_str).collect();
                slrsim(&self.path, &a)
            })
            .clone()
    }
}

/// Checks one command on a damaged log against its prediction; returns what went wrong.
fn check_command(
    db: &Path,
    args: &[String],
    expect: &Expect,
    truth: &Truth,
    baseline: &Baseline,
) -> Option<String> {
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = slrsim(db, &a);
    if out.panicked() {
        return Some(format!("{args:?} panicked: {}", out.show()));
    }
    match expect {
        Expect::Same => {
            // `state --at N --json` is compared with the undamaged state itself; the rest with what the
            // binary prints for the undamaged log.
            if let ["state", "--at", n, "--json"] = a.as_slice() {
                let want = truth.state(n.parse().unwrap());
                let got = serde_json::from_str::<State>(&out.stdout).ok();
                return (out.code != Some(0) || got.as_ref() != Some(want)).then(|| {
                    format!(
                        "{args:?} does not need the damaged record and must give the undamaged state: {}",
                        out.show()
                    )
                });
            }
            let want = baseline.get(args);
            (out.code != want.code || out.stdout != want.stdout).then(|| {
                format!(
                    "{args:?} does not need the damaged record and must answer as the undamaged log does\n  damaged: {}\n  undamaged: {}",
                    out.show(),
                    want.show()
                )
            })
        }
        Expect::Fails(seq) => {
            let (code, needle) = if args[0] == "verify" {
                (Some(1), format!("record {seq} fails verification"))
            } else {
                (Some(3), format!("record {seq} is damaged"))
            };
            // Only the damaged record may be named: no other "record N is damaged".
            let wrong = named_records(&out.stderr).iter().any(|n| n != seq);
            (out.code != code || !out.stderr.contains(&needle) || wrong).then(|| {
                format!(
                    "{args:?} needs damaged record {seq}: expected exit {code:?} and `{needle}` (and no other record named)\n  got: {}",
                    out.show()
                )
            })
        }
    }
}

/// Every N of "record N is damaged" and "record N fails verification" in `text`.
fn named_records(text: &str) -> Vec<u64> {
    text.match_indices("record ")
        .filter_map(|(i, m)| {
            let rest = text.get(i + m.len()..)?;
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let after = rest.get(digits..)?;
            (digits > 0
                && (after.starts_with(" is damaged") || after.starts_with(" fails verification")))
            .then(|| rest.get(..digits)?.parse().ok())
            .flatten()
        })
        .collect()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_string()).collect()
}

/// The DeletionTaskId ending of the demo's first deletion (record 10).
const DEMO_TASK: &str = "0def4674";

/// The commands run against every damage (a core set), and for some the whole set of readers.
fn commands(
    oracle: &Oracle,
    damage: &Damage,
    full: bool,
    fork_to: &Path,
) -> Vec<(Vec<String>, Expect)> {
    let k = damage.first();
    let last = oracle.truth.last();
    let ks = k.to_string();
    // The next snapshot point after the damage (every 5): it may serve the state from there on.
    let next_snap = ((k / 5 + 1) * 5).min(last);
    let mut out = vec![
        (strings(&["verify"]), Expect::Fails(k)),
        (
            strings(&["state", "--at", &next_snap.to_string(), "--json"]),
            oracle.state(next_snap),
        ),
        (
            strings(&["log", "--from", &ks, "--to", &ks]),
            oracle.log(k, Some(k)),
        ),
    ];
    if !full {
        return out;
    }
    let before = k.saturating_sub(1).to_string();
    let after = (k + 1).min(last).to_string();
    out.extend([
        (strings(&["state", "--at", &ks, "--json"]), oracle.state(k)),
        (strings(&["log", "--json"]), oracle.walk_all()),
        (strings(&["log"]), oracle.walk_all()),
        (strings(&["state", "--json"]), oracle.state(last)),
        (
            strings(&["state", "--at", &after, "--json"]),
            oracle.state(k + 1),
        ),
        (strings(&["get", "--at", &ks, "role"]), oracle.state(k)),
        (
            strings(&[
                "get",
                "--at",
                &next_snap.to_string(),
                "config",
                "us-east-1",
                "live-us",
            ]),
            oracle.state(next_snap),
        ),
        (
            strings(&["diff", &before, &after]),
            oracle.diff(k.saturating_sub(1), (k + 1).min(last)),
        ),
        (
            strings(&["diff", "0", &last.to_string(), "--json"]),
            oracle.diff(0, last),
        ),
        (strings(&["explain", DEMO_TASK]), oracle.walk_all()),
        (strings(&["replay", "--verify"]), oracle.walk_all()),
        (strings(&["bisect"]), oracle.bisect_clean()),
        (
            strings(&["fork", "--at", &ks, "--to", fork_to.to_str().unwrap()]),
            oracle.fork(k),
        ),
    ]);
    if k > 0 {
        out.extend([
            (
                strings(&["log", "--from", "0", "--to", &before]),
                oracle.log(0, Some(k - 1)),
            ),
            (
                strings(&["state", "--at", &before, "--json"]),
                oracle.state(k - 1),
            ),
        ]);
    }
    if k < last {
        out.push((strings(&["log", "--from", &after]), oracle.log(k + 1, None)));
    }
    out
}

/// Library-level checks of every reader at every record (cheap, in process): `verify`, `replay`,
/// `state_at` for every target, and `record_at` of the damaged record.
fn check_library(store: &Store, truth: &Truth, damage: &Damage, oracle: &Oracle) -> Vec<String> {
    let mut problems = Vec::new();
    let k = damage.first();
    let v = replay::verify(store).expect("verify runs");
    if v.problem.as_ref().map(|p| p.0) != Some(k) {
        problems.push(format!(
            "verify: expected a problem at {k}, got {:?}",
            v.problem
        ));
    }
    if !v.snapshots_rebuilt.is_empty() {
        problems.push(format!(
            "verify of a damaged log rebuilt snapshots {:?}",
            v.snapshots_rebuilt
        ));
    }
    match replay::replay(store, None) {
        Err(StoreError::Corrupt { seq, .. }) if seq == k => {}
        other => problems.push(format!(
            "replay: expected Corrupt {{ seq: {k} }}, got {:?}",
            other.map(|r| r.next_seq)
        )),
    }
    for t in 0..=truth.last() {
        let got = replay::state_at(store, Some(t));
        match (oracle.state_at(t), got) {
            (None, Ok(r)) if r.state == *truth.state(t) => {}
            (Some(want), Err(StoreError::Corrupt { seq, .. })) if seq == want => {}
            (want, got) => problems.push(format!(
                "state_at({t}): expected {}, got {}",
                want.map_or("the undamaged state".to_string(), |s| format!(
                    "Corrupt {{ seq: {s} }}"
                )),
                match got {
                    Ok(r) if r.state == *truth.state(t) => "the undamaged state".to_string(),
                    Ok(_) => "A WRONG STATE".to_string(),
                    Err(e) => format!("Err({e})"),
                }
            )),
        }
    }
    for seq in damage.damaged() {
        match timetravel::record_at(store, seq) {
            Err(StoreError::Corrupt { seq: s, .. }) if s == seq => {}
            // A missing record is named as missing.
            Err(StoreError::NoSuchRecord { seq: s, .. }) if s == seq => {}
            other => problems.push(format!(
                "record_at({seq}): expected an error naming {seq}, got {:?}",
                other.map(|r| r.seq)
            )),
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------------
// Damaged records: the matrix
// ---------------------------------------------------------------------------------------------------

/// Every kind of damage, at records chosen to fall before, on and after snapshot points (5, 10, ...,
/// 25) of the demo log (records 0..=25). `true`: run the whole set of readers through the binary.
fn matrix() -> Vec<(Damage, bool)> {
    vec![
        (Damage::FlipHash { seq: 7, pick: 11 }, true),
        (Damage::FlipHash { seq: 10, pick: 3 }, false),
        (Damage::FlipHash { seq: 0, pick: 5 }, false),
        (Damage::FlipString { seq: 12 }, false),
        (Damage::FlipNumber { seq: 3 }, false),
        (Damage::FlipStructure { seq: 21 }, false),
        (Damage::FlipAnywhere { seq: 15, pick: 99 }, false),
        (Damage::Truncate { seq: 4, len: 0 }, false),
        (Damage::Truncate { seq: 20, len: 31 }, false),
        (
            Damage::Truncate {
                seq: 9,
                len: HASH_LEN,
            },
            false,
        ),
        (
            Damage::Truncate {
                seq: 25,
                len: usize::MAX,
            },
            false,
        ),
        (Damage::AppendGarbage { seq: 16 }, false),
        (Damage::ReplaceWith { seq: 8, from: 18 }, false),
        (Damage::Swap { a: 6, b: 19 }, true),
        (Damage::WrongSeqRehashed { seq: 11 }, false),
        (Damage::WrongSeqRechained { seq: 2 }, false),
        (Damage::SchemaV2Rechained { seq: 14 }, false),
        (Damage::NotJsonRehashed { seq: 22 }, false),
    ]
}

/// Runs every case of `cases` on its own damaged copy of the demo log (three at a time), checking the
/// library readers at every record and the binary's readers; fails listing every problem found.
fn run_matrix(cases: &[(Damage, bool)]) {
    let base = Base::demo();
    let truth = Truth::read(&base, "truth.db");
    assert_eq!(truth.last(), 25);
    assert_eq!(
        truth.snapshots.keys().copied().collect::<Vec<_>>(),
        vec![5, 10, 15, 20, 25]
    );
    let baseline = Baseline::new(&base);
    let failures = Mutex::new(Vec::<String>::new());
    let next = Mutex::new(0usize);
    thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some((damage, full)) = cases.get(i) else {
                        break;
                    };
                    let problems = run_case(&base, &truth, &baseline, i, damage, *full);
                    if !problems.is_empty() {
                        failures.lock().unwrap().push(format!(
                            "== {damage:?} (damaged records {:?})\n{}",
                            damage.damaged(),
                            problems.join("\n")
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn run_case(
    base: &Base,
    truth: &Truth,
    baseline: &Baseline,
    i: usize,
    damage: &Damage,
    full: bool,
) -> Vec<String> {
    let path = damaged_copy(base, truth, &format!("damaged-{i}.db"), damage);
    let mut problems = Vec::new();
    let list = {
        let store = open_store(&path);
        let oracle = Oracle::new(truth, damage.damaged(), &store);
        problems.extend(check_library(&store, truth, damage, &oracle));
        commands(&oracle, damage, full, &base.path(&format!("fork-{i}.db")))
    };
    for (args, expect) in &list {
        if let Some(p) = check_command(&path, args, expect, truth, baseline) {
            problems.push(p);
        }
        if args[0] == "fork" && *expect != Expect::Same && PathBuf::from(&args[4]).exists() {
            problems.push(format!("{args:?} must fail, and it created {}", args[4]));
        }
    }
    // A log cut just before the damage is whole: it forks, and the fork verifies.
    if full && damage.first() > 0 {
        let fork = base.path(&format!("fork-before-{i}.db"));
        let at = (damage.first() - 1).to_string();
        let out = slrsim(
            &path,
            &["fork", "--at", &at, "--to", fork.to_str().unwrap()],
        );
        if out.code != Some(0) || out.panicked() {
            problems.push(format!(
                "fork --at {at} (before the damage): {}",
                out.show()
            ));
        } else {
            problems.extend(check_fork(&fork, truth, damage.first()));
            let v = slrsim(&fork, &["verify"]);
            if v.code != Some(0) {
                problems.push(format!("the fork before the damage verifies: {}", v.show()));
            }
        }
    }
    problems
}

#[test]
fn every_damaged_record_is_named_by_every_reader_that_needs_it() {
    run_matrix(&matrix());
}

/// A record removed from the middle (or the start) of the log: every reader that needs it must say it
/// is missing, naming it.
///
/// Known failure (found by this test): `replay::for_each_record_from` and `for_each_events_from` test
/// `seq > upto` (and break) before they test `seq != expected`, so a walk that stops at the missing
/// number ends without noticing the gap: `state --at 13` / `get --at 13` of a log without record 13
/// silently give the state after record 12, `log --from 13 --to 13` prints nothing and exits 0,
/// `fork --at 13` copies records 0..=12 and says it forked 14, and `log --from 14` then blames record
/// 14. Without record 0, `state --at 0` says "record 0 does not exist: the log ends at 0" (exit 2).
#[test]
fn a_missing_record_is_named_by_every_reader_that_needs_it() {
    run_matrix(&[
        (Damage::Remove { seq: 13 }, true),
        (Damage::Remove { seq: 10 }, false),
        (Damage::Remove { seq: 0 }, false),
    ]);
}

/// A fork of records `0..n` (n records) holds exactly the undamaged bytes of those records.
fn check_fork(fork: &Path, truth: &Truth, n: u64) -> Vec<String> {
    let store = open_store(fork);
    let values: Vec<(u64, Vec<u8>)> = store
        .iter_from(0)
        .map(|r| r.map(|(s, v)| (s, v.to_vec())).unwrap())
        .collect();
    let want: Vec<(u64, Vec<u8>)> = (0..n).map(|s| (s, truth.value(s).to_vec())).collect();
    if values == want {
        Vec::new()
    } else {
        vec![format!(
            "the fork at {} holds {} records, not the undamaged {n}",
            fork.display(),
            values.len()
        )]
    }
}

// ---------------------------------------------------------------------------------------------------
// Damaged hashes and the readers that look one record back; a lost tail
// ---------------------------------------------------------------------------------------------------

/// `record_at(n)` checks record n against the stored hash of record n - 1. When that stored hash is the
/// damaged part, record n is intact: the error must name n - 1 (or record n must be read), never n.
/// `state --at-time` reads records that way in its binary search over times.
///
/// Known failure (found by this test): `timetravel::record_at` names n ("record 13 is damaged") when
/// only record 12's hash prefix was flipped.
#[test]
fn a_damaged_hash_is_blamed_on_its_own_record_not_on_the_next() {
    let base = Base::demo();
    let truth = Truth::read(&base, "truth.db");
    let baseline = Baseline::new(&base);
    // Records 12..=15 are at 00:01:00; `--at-time 00:01:00` probes records 0, 13, 19, 16, 14 and 15.
    let damage = Damage::FlipHash { seq: 12, pick: 7 };
    let path = damaged_copy(&base, &truth, "damaged.db", &damage);
    let mut problems = Vec::new();
    {
        let store = open_store(&path);
        match timetravel::record_at(&store, 13) {
            Ok(rec) if rec.seq == 13 => {}
            Err(StoreError::Corrupt { seq: 12, .. }) => {}
            other => problems.push(format!(
                "record_at(13) with record 12's hash damaged: expected record 13 or an error naming 12, got {}",
                match other {
                    Ok(r) => format!("record {}", r.seq),
                    Err(e) => format!("Err({e})"),
                }
            )),
        }
    }
    for args in [
        &["state", "--at-time", "2026-01-01T00:01:00Z", "--json"][..],
        &["get", "--at-time", "2026-01-01T00:01:30Z", "role"],
    ] {
        let args = strings(args);
        let out = slrsim(&path, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let want = baseline.get(&args);
        let same = out.code == want.code && out.stdout == want.stdout;
        let names_12 = out.code == Some(3) && out.stderr.contains("record 12 is damaged");
        if out.panicked() || !(same || names_12) {
            problems.push(format!(
                "{args:?}: expected the undamaged answer or an error naming record 12, got {}",
                out.show()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The last records removed: `verify` names the first missing one (the live state recorded at the last
/// flush reached it). `state` cannot see that anything is missing; what it shows must then be the state
/// of the log that is there, a state that really existed, or an error naming the missing record.
#[test]
fn a_lost_tail_is_named_by_verify_and_never_gives_a_state_that_did_not_exist() {
    let base = Base::demo();
    let truth = Truth::read(&base, "truth.db");
    let last = truth.last();
    for lost in [1u64, 2] {
        let path = base.copy(&format!("tail-{lost}.db"));
        {
            let store = open_store(&path);
            for seq in last + 1 - lost..=last {
                store.raw_remove(seq).unwrap();
            }
            store.flush().unwrap();
        }
        let first = last + 1 - lost;
        let v = slrsim(&path, &["verify"]);
        assert!(
            v.code == Some(1)
                && v.stderr
                    .contains(&format!("record {first} fails verification")),
            "verify of a log missing records {first}..={last}: {}",
            v.show()
        );
        let out = slrsim(&path, &["state", "--json"]);
        assert!(!out.panicked(), "{}", out.show());
        if out.code == Some(0) {
            let state: State = serde_json::from_str(&out.stdout).expect("state --json is a state");
            assert_eq!(
                &state,
                truth.state(first - 1),
                "state of a log missing {first}..={last} is the state after {}",
                first - 1
            );
        } else {
            assert!(
                out.code == Some(3) && out.stderr.contains(&format!("record {first}")),
                "{}",
                out.show()
            );
        }
        let out = slrsim(&path, &["state", "--at", &last.to_string()]);
        assert!(
            !out.panicked()
                && out.code != Some(0)
                && out.stderr.contains(&format!("record {last}")),
            "state --at {last} of a log missing it: {}",
            out.show()
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Property: any single-byte flip or truncation of any record
// ---------------------------------------------------------------------------------------------------

/// One random hit on one stored value.
#[derive(Debug, Clone)]
enum Hit {
    /// XOR the byte at this position with a non-zero mask.
    Flip(prop::sample::Index, u8),
    /// Keep only this many bytes (fewer than there are).
    Truncate(prop::sample::Index),
}

impl Hit {
    fn apply(&self, value: &[u8]) -> Vec<u8> {
        match self {
            Hit::Flip(at, mask) => {
                let mut v = value.to_vec();
                let i = at.index(v.len());
                v[i] ^= mask;
                v
            }
            Hit::Truncate(len) => value[..len.index(value.len())].to_vec(),
        }
    }
}

fn hit() -> impl Strategy<Value = Hit> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1..=255u8).prop_map(|(at, mask)| Hit::Flip(at, mask)),
        any::<prop::sample::Index>().prop_map(Hit::Truncate),
    ]
}

/// Puts the undamaged value back when a case ends, even when it fails.
struct Restore<'a> {
    store: &'a Store,
    seq: u64,
    value: &'a [u8],
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        self.store.raw_put(self.seq, self.value).expect("restore");
    }
}

#[test]
fn any_flipped_or_truncated_record_is_named_by_verify_replay_and_state_at() {
    // 161 records, a snapshot every 20: damage often lies before a trusted snapshot.
    let base = Base::generated(160, 21, 20);
    let truth = Truth::read(&base, "truth.db");
    let last = truth.last();
    let path = base.copy("work.db");
    let store = open_store(&path);
    let config = support::proptest_config(48, "proptest-regressions/corruption.txt");
    let mut runner = TestRunner::new(config);
    let result = runner.run(
        &(
            // Any record, or one a snapshot follows (the snapshot is trusted when the hash survives).
            prop_oneof![0..=last, (1..=last / 20).prop_map(|i| i * 20)],
            hit(),
            any::<prop::sample::Index>(),
        ),
        |(seq, hit, target)| {
            let original = truth.value(seq);
            let damaged = hit.apply(original);
            prop_assume!(damaged != original);
            store.raw_put(seq, &damaged).unwrap();
            let _restore = Restore {
                store: &store,
                seq,
                value: original,
            };
            // Whatever the byte (hash prefix or body) or the cut, the record named is the one hit.
            let oracle = Oracle::new(&truth, [seq].into_iter().collect(), &store);
            let v = replay::verify(&store).unwrap();
            prop_assert_eq!(v.problem.map(|p| p.0), Some(seq), "verify names the record hit");
            prop_assert_eq!(v.records, seq, "verify read every record before it");
            match replay::replay(&store, None) {
                Err(StoreError::Corrupt { seq: s, .. }) => prop_assert_eq!(s, seq),
                other => {
                    return Err(TestCaseError::fail(format!(
                        "replay: expected Corrupt {{ seq: {seq} }}, got {:?}",
                        other.map(|r| r.next_seq)
                    )));
                }
            }
            match timetravel::record_at(&store, seq) {
                Err(StoreError::Corrupt { seq: s, .. }) => prop_assert_eq!(s, seq),
                other => {
                    return Err(TestCaseError::fail(format!(
                        "record_at: expected Corrupt {{ seq: {seq} }}, got {:?}",
                        other.map(|r| r.seq)
                    )));
                }
            }
            // The state at the hit record, at a random later one, at the end, and just before it.
            let t = seq + u64::try_from(target.index(usize::try_from(last - seq + 1).unwrap())).unwrap();
            for t in [seq, t, last] {
                let got = replay::state_at(&store, Some(t));
                match (oracle.state_at(t), got) {
                    (None, Ok(r)) => prop_assert!(
                        r.state == *truth.state(t),
                        "state_at({}) served past the damage must be the undamaged state",
                        t
                    ),
                    (Some(want), Err(StoreError::Corrupt { seq: s, .. })) => {
                        prop_assert_eq!(s, want, "state_at({}) names the damaged record", t);
                    }
                    (want, got) => {
                        return Err(TestCaseError::fail(format!(
                            "state_at({t}): expected {want:?} (None: the undamaged state), got {:?}",
                            got.map(|r| r.state == *truth.state(t))
                        )));
                    }
                }
            }
            if seq > 0 {
                let r = replay::state_at(&store, Some(seq - 1));
                prop_assert!(
                    r.is_ok_and(|r| r.state == *truth.state(seq - 1)),
                    "the state before the damage is untouched"
                );
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    // Every case put its record back: the log is whole again.
    let v = replay::verify(&store).unwrap();
    assert_eq!(v.problem, None);
}

// ---------------------------------------------------------------------------------------------------
// Damaged snapshots
// ---------------------------------------------------------------------------------------------------

/// One kind of damage to a stored snapshot.
#[derive(Debug, Clone, Copy)]
enum SnapDamage {
    /// XOR a byte of the 32-byte checksum.
    FlipChecksum(u64),
    /// Change one hex digit of the `chain_hash` field (the body stays valid JSON).
    FlipChainHashField,
    /// Change a digit of the `seq` field (the body stays valid JSON).
    FlipSeqField,
    /// XOR a random byte of the body.
    FlipBody(u64),
    /// Truncate to 0 bytes, to 31, or to the middle of the body (`usize::MAX`).
    Truncate(usize),
    /// Append bytes after the body.
    AppendGarbage,
    /// The stored bytes of the snapshot of another point (it says another seq).
    BytesOfAnotherPoint(u64),
    /// A well-formed snapshot of another point, labelled with this seq and checksummed anew.
    RelabelledFromAnotherPoint(u64),
    /// A well-formed snapshot of another log at this seq (its chain hash is that log's).
    FromAnotherLog,
}

impl SnapDamage {
    fn apply(self, seq: u64, truth: &Truth, other: &Truth) -> Vec<u8> {
        let value = truth.snapshots[&seq].clone();
        let field = |name: &[u8]| -> usize {
            HASH_LEN
                + value[HASH_LEN..]
                    .windows(name.len())
                    .position(|w| w == name)
                    .unwrap_or_else(|| panic!("{name:?} in snapshot {seq}"))
                + name.len()
        };
        let mut v = value.clone();
        match self {
            SnapDamage::FlipChecksum(pick) => {
                let mut rng = Rng(pick | 1);
                let at = rng.below(HASH_LEN);
                v[at] ^= u8::try_from(rng.below(255) + 1).unwrap();
            }
            SnapDamage::FlipChainHashField => {
                let at = field(b"\"chain_hash\":\"") + 9;
                v[at] = if v[at] == b'a' { b'b' } else { b'a' };
            }
            SnapDamage::FlipSeqField => {
                let at = field(b"\"seq\":");
                assert!(v[at].is_ascii_digit());
                v[at] = if v[at] == b'9' { b'8' } else { v[at] + 1 };
            }
            SnapDamage::FlipBody(pick) => {
                let mut rng = Rng(pick | 1);
                let at = HASH_LEN + rng.below(v.len() - HASH_LEN);
                v[at] ^= u8::try_from(rng.below(255) + 1).unwrap();
            }
            SnapDamage::Truncate(len) => {
                let len = if len == usize::MAX {
                    HASH_LEN + (v.len() - HASH_LEN) / 2
                } else {
                    len
                };
                v.truncate(len);
            }
            SnapDamage::AppendGarbage => v.extend_from_slice(b" {}\x00"),
            SnapDamage::BytesOfAnotherPoint(at) => v = truth.snapshots[&at].clone(),
            SnapDamage::RelabelledFromAnotherPoint(at) => {
                let snap = snapshot::decode(at, &truth.snapshots[&at]).unwrap();
                let hash = snapshot::unhex(&snap.chain_hash).unwrap();
                v = snapshot::encode(seq, &hash, &snap.state).unwrap();
                let relabelled = snapshot::decode(seq, &v).expect("well formed");
                assert_ne!(relabelled.state, *truth.state(seq));
            }
            SnapDamage::FromAnotherLog => {
                let (&at, bytes) = other.snapshots.iter().next_back().unwrap();
                let snap = snapshot::decode(at, bytes).unwrap();
                let hash = snapshot::unhex(&snap.chain_hash).unwrap();
                v = snapshot::encode(seq, &hash, &snap.state).unwrap();
            }
        }
        assert_ne!(v, value, "{self:?} changes snapshot {seq}");
        v
    }
}

#[test]
fn a_damaged_snapshot_is_skipped_with_a_warning_and_rebuilt_by_verify() {
    // 181 records, a snapshot every 20 (20, 40, ..., 180); the demo is the "other log".
    let base = Base::generated(180, 31, 20);
    let truth = Truth::read(&base, "truth.db");
    let other = Truth::read(&Base::demo(), "other.db");
    let snaps: Vec<u64> = truth.snapshots.keys().copied().collect();
    assert_eq!(snaps, (1..=9).map(|i| i * 20).collect::<Vec<_>>());
    let kinds = [
        (20, SnapDamage::FlipChecksum(5)),
        (40, SnapDamage::FlipChainHashField),
        (60, SnapDamage::FlipSeqField),
        (80, SnapDamage::FlipBody(17)),
        (100, SnapDamage::Truncate(0)),
        (120, SnapDamage::Truncate(31)),
        (140, SnapDamage::Truncate(usize::MAX)),
        (160, SnapDamage::AppendGarbage),
        (180, SnapDamage::RelabelledFromAnotherPoint(20)),
    ];
    // A second round on a fresh copy: what the first round could not hold at once.
    let more = [
        (20, SnapDamage::FromAnotherLog),
        (60, SnapDamage::BytesOfAnotherPoint(40)),
        (100, SnapDamage::FlipBody(23)),
        (140, SnapDamage::FlipChecksum(41)),
    ];
    for (round, kinds) in [&kinds[..], &more[..]].into_iter().enumerate() {
        let path = base.copy(&format!("round-{round}.db"));
        {
            let store = open_store(&path);
            for &(seq, kind) in kinds {
                let damaged = kind.apply(seq, &truth, &other);
                store.put_snapshot(seq, &damaged).unwrap();
                assert!(
                    replay::trusted_snapshot(&store, seq)
                        .unwrap()
                        .0
                        .is_none_or(|s| s.seq < seq),
                    "{kind:?} at {seq} is not trusted"
                );
            }
            store.flush().unwrap();
        }
        let damaged: Vec<u64> = kinds.iter().map(|&(s, _)| s).collect();
        // The state at and just after each damaged snapshot is the undamaged one, with a warning.
        for (i, &(seq, kind)) in kinds.iter().enumerate() {
            // At the damaged snapshot, or a few records after it.
            let t = if i % 2 == 0 {
                seq
            } else {
                (seq + 3).min(truth.last())
            };
            {
                let out = slrsim(&path, &["state", "--at", &t.to_string(), "--json"]);
                assert!(
                    out.code == Some(0) && !out.panicked(),
                    "state --at {t} with {kind:?}: {}",
                    out.show()
                );
                let state: State = serde_json::from_str(&out.stdout).expect("a state");
                assert_eq!(
                    &state,
                    truth.state(t),
                    "state --at {t} with {kind:?} at {seq}"
                );
                assert!(
                    out.stderr.contains("snapshot skipped")
                        && out.stderr.contains(&format!("snapshot={seq}")),
                    "state --at {t} warns that snapshot {seq} ({kind:?}) was skipped: {}",
                    out.show()
                );
            }
        }
        // verify rebuilds exactly the damaged ones and says so.
        let out = slrsim(&path, &["verify"]);
        let want = format!(
            "rebuilt {} missing or damaged snapshot(s) from the log: after records {damaged:?}",
            damaged.len()
        );
        assert!(
            out.code == Some(0) && out.stdout.contains(&want),
            "verify: expected `{want}`: {}",
            out.show()
        );
        // Now every snapshot is the undamaged one, byte for byte, and nothing warns any more.
        {
            let store = open_store(&path);
            for (&seq, bytes) in &truth.snapshots {
                let (at, stored) = store.snapshots_before(seq).next().unwrap().unwrap();
                assert_eq!(at, seq);
                let snap = snapshot::decode(seq, &stored).expect("a rebuilt snapshot decodes");
                assert_eq!(&snap.state, truth.state(seq), "snapshot {seq}");
                assert_eq!(
                    stored.to_vec(),
                    *bytes,
                    "snapshot {seq} is rebuilt byte for byte"
                );
            }
        }
        let t = damaged[0] + 1;
        let out = slrsim(&path, &["state", "--at", &t.to_string(), "--json"]);
        assert!(
            out.code == Some(0) && !out.stderr.contains("snapshot skipped"),
            "{}",
            out.show()
        );
        let out = slrsim(&path, &["verify"]);
        assert!(
            out.code == Some(0) && !out.stdout.contains("rebuilt"),
            "a second verify has nothing to rebuild: {}",
            out.show()
        );
    }
}

// ---------------------------------------------------------------------------------------------------
// Damage below sled: its own files
// ---------------------------------------------------------------------------------------------------

/// One damage to sled's files in a database folder.
#[derive(Debug, Clone, Copy)]
enum FileDamage {
    /// XOR a byte of `db` (the log-structured segments) at a position from the seed, in the newest
    /// `tail_percent` of the file (100: anywhere).
    FlipDb { pick: u64, tail_percent: u64 },
    /// XOR a byte of the page-table snapshot file `snap.*`, if there is one.
    FlipSnap(u64),
    /// XOR a byte of a file under `blobs/` (large values), if there is one.
    FlipBlob(u64),
    /// XOR a byte of `conf`.
    FlipConf(u64),
    /// Cut `db` to this percentage of its length.
    TruncateDb(u64),
    /// Delete the page-table snapshot file.
    RemoveSnap,
}

fn flip_file(path: &Path, pick: u64, tail_percent: u64) -> String {
    let mut bytes = std::fs::read(path).unwrap();
    let len = bytes.len();
    let start = len - len * usize::try_from(tail_percent).unwrap() / 100;
    let mut rng = Rng(pick | 1);
    let at = start + rng.below(len - start);
    bytes[at] ^= u8::try_from(rng.below(255) + 1).unwrap();
    std::fs::write(path, &bytes).unwrap();
    format!(
        "{} byte {at} of {len}",
        path.file_name().unwrap().to_string_lossy()
    )
}

/// The files of a sled folder whose name starts with `prefix` (under `sub`).
fn sled_files(db: &Path, sub: &str, prefix: &str) -> Vec<PathBuf> {
    let dir = db.join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| {
                    p.is_file() && p.file_name().unwrap().to_string_lossy().starts_with(prefix)
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

impl FileDamage {
    /// Damages the folder; describes what it did (`None`: nothing to damage there).
    fn apply(self, db: &Path) -> Option<String> {
        match self {
            FileDamage::FlipDb { pick, tail_percent } => {
                Some(flip_file(&db.join("db"), pick, tail_percent))
            }
            FileDamage::FlipSnap(pick) => sled_files(db, ".", "snap.")
                .first()
                .map(|f| flip_file(f, pick, 100)),
            FileDamage::FlipBlob(pick) => sled_files(db, "blobs", "")
                .last()
                .map(|f| flip_file(f, pick, 100)),
            FileDamage::FlipConf(pick) => Some(flip_file(&db.join("conf"), pick, 100)),
            FileDamage::TruncateDb(percent) => {
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(db.join("db"))
                    .unwrap();
                let len = f.metadata().unwrap().len();
                f.set_len(len * percent / 100).unwrap();
                Some(format!(
                    "db cut from {len} to {} bytes",
                    len * percent / 100
                ))
            }
            FileDamage::RemoveSnap => sled_files(db, ".", "snap.").first().map(|f| {
                std::fs::remove_file(f).unwrap();
                "snap file removed".to_string()
            }),
        }
    }
}

/// The hash of the state after every record of the log at `db`, by a full replay.
fn prefix_hashes(db: &Path) -> Vec<String> {
    let store = open_store(db);
    let mut state = State::default();
    let mut hashes = Vec::new();
    replay::for_each_events_from(&store, 0, record::genesis_hash(), None, |_, events| {
        for e in events {
            slrsim::core::apply::apply_mut(&mut state, e);
        }
        hashes.push(state.hash());
        Ok(())
    })
    .expect("the base log replays");
    hashes
}

/// Damages copies of `base` with each of `damages` (when `reopen`, copies of it after a reader opened
/// it once, which makes sled write its page-table snapshot file `snap.*`; otherwise the folder exactly
/// as `run` left it, which sled recovers by scanning its whole `db` file); runs `verify` and
/// `state --json` on each. Returns a line per damage saying what happened, and the problems found.
fn file_damage_trials(
    base: &Base,
    name: &str,
    reopen: bool,
    damages: &[FileDamage],
) -> (Vec<String>, Vec<String>) {
    let mut hashes = prefix_hashes(&base.copy(&format!("{name}-truth.db")));
    // The state before record 0 (a database that holds no record yet).
    hashes.insert(0, State::default().hash());
    let source = base.copy(&format!("{name}-source.db"));
    if reopen {
        let out = slrsim(&source, &["state", "--at", "0"]);
        assert_eq!(out.code, Some(0), "{}", out.show());
    }
    let mut report = Vec::new();
    let mut problems = Vec::new();
    for (i, &damage) in damages.iter().enumerate() {
        let path = base.path(&format!("{name}-files-{i}.db"));
        copy_dir(&source, &path);
        let Some(what) = damage.apply(&path) else {
            report.push(format!("{name} {damage:?}: nothing to damage"));
            continue;
        };
        let v = slrsim(&path, &["verify"]);
        let s = slrsim(&path, &["state", "--json"]);
        let last_line = |o: &Out| {
            o.stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .chars()
                .take(160)
                .collect::<String>()
        };
        report.push(format!(
            "{name} {damage:?} ({what}): verify exit {:?} {}{} | state exit {:?} {}",
            v.code,
            v.stdout
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect::<String>(),
            last_line(&v),
            s.code,
            last_line(&s)
        ));
        for (name, out) in [("verify", &v), ("state", &s)] {
            if out.panicked() {
                problems.push(format!(
                    "{damage:?} ({what}): {name} panicked: {}",
                    out.show()
                ));
            }
        }
        match v.code {
            Some(0) => {
                // "verified N records: ... (state hash H)": the first N records of the undamaged log,
                // and H its state after them (`hashes[N]`, `hashes[0]` being the empty state).
                let n: Option<usize> = v
                    .stdout
                    .strip_prefix("verified ")
                    .and_then(|r| r.split_whitespace().next())
                    .and_then(|n| n.parse().ok());
                let hash = v
                    .stdout
                    .split("state hash ")
                    .nth(1)
                    .map(|h| h.trim_end_matches(|c: char| !c.is_ascii_hexdigit()))
                    .and_then(|h| h.split(')').next())
                    .unwrap_or("");
                if n.is_none_or(|n| hashes.get(n).map(String::as_str) != Some(hash)) {
                    problems.push(format!(
                        "{damage:?} ({what}): verify reports a log that the undamaged one never was: {}",
                        v.show()
                    ));
                }
            }
            Some(1) => {
                if !v.stderr.contains("fails verification") {
                    problems.push(format!(
                        "{damage:?}: verify exit 1 names no record: {}",
                        v.show()
                    ));
                }
            }
            Some(3) => {}
            _ => problems.push(format!("{damage:?} ({what}): verify: {}", v.show())),
        }
        match s.code {
            Some(0) => match serde_json::from_str::<State>(&s.stdout) {
                Ok(state) if hashes.contains(&state.hash()) => {}
                _ => problems.push(format!(
                    "{damage:?} ({what}): state reports a state the undamaged log never had: {}",
                    s.show()
                )),
            },
            Some(3) => {}
            _ => problems.push(format!("{damage:?} ({what}): state: {}", s.show())),
        }
    }
    (report, problems)
}

/// `verify` and `state` on a database whose sled files are damaged must not panic, and must report an
/// error or a log that verifies; what they report as a success must be a state the undamaged log
/// really had (a prefix of its history), never one that never existed. Prints what happened to each
/// damage (run with `--nocapture` to see what sled does).
#[test]
fn damaged_sled_files_give_an_error_or_a_true_prefix_never_a_panic() {
    let flip = |pick, tail_percent| FileDamage::FlipDb { pick, tail_percent };
    // A short log (121 records): one segment of sled's `db` file.
    let small = Base::generated(120, 41, 20);
    let (mut report, mut problems) = file_damage_trials(
        &small,
        "small",
        false,
        &[
            flip(1, 100),
            flip(2, 100),
            flip(3, 20),
            flip(4, 2),
            FileDamage::TruncateDb(60),
        ],
    );
    // A longer one (601 records, a snapshot every 50): its snapshots are large enough for sled to keep
    // some in `blobs/`.
    let large = Base::generated(600, 41, 50);
    let (r, p) = file_damage_trials(
        &large,
        "large",
        true,
        &[
            flip(5, 100),
            FileDamage::FlipSnap(7),
            FileDamage::FlipBlob(8),
            FileDamage::FlipConf(9),
            FileDamage::RemoveSnap,
        ],
    );
    report.extend(r);
    problems.extend(p);
    println!(
        "what sled 0.34 does with damaged files:\n{}",
        report.join("\n")
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
