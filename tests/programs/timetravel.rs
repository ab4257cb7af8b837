//! Time travel over a log, through the library (`slrsim::timetravel`, `replay`, `snapshot`) and through
//! the binary: snapshots and the state at any record or time, `get`, `diff`, `fork`, `bisect`,
//! `explain`, `replay --verify` and the filters of `log`. Each test has its own sled database in a
//! temporary folder; the library reaches under the binary only to read raw bytes, damage snapshots and
//! plant hand-made records.
// Test code: a failed unwrap or expect is a failed test, which is what a test should do.

use crate::support;
use support::run::*;
use support::*;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};
use slrsim::core::event::{Event, LogConfiguration};
use slrsim::core::outcome::Outcome;
use slrsim::log::record::{self, HASH_LEN, Record, SCHEMA_VERSION};
use slrsim::log::replay;
use slrsim::log::snapshot;
use slrsim::log::store::Store;
use slrsim::timetravel::{self, ChangeKind, Query};
use slrsim::{Genesis, Simulator, State, StoreError};

// ---------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------

/// The demo scenario file.
const DEMO_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo.jsonl");

const ACCT: &str = "111122223333";
const ACCT_B: &str = "444455556666";
/// An account that never logs through the API, so never has the role.
const ACCT_C: &str = "777788889999";
/// 2026-01-01T00:00:00Z, the default start.
const T0: i64 = 1_767_225_600;

fn open_sim(db: &Path, genesis: Option<Genesis>, every: Option<u64>) -> Simulator {
    open_when_free(|| Simulator::with_options(Store::open(db)?, genesis, every))
        .expect("open simulator")
}

/// `slrsim --db DB [--snapshot-every K] run -` with `lines` on standard input; must succeed.
fn run_lines(db: &Path, every: Option<u64>, lines: &[String]) -> Out {
    let mut text = lines.join("\n");
    text.push('\n');
    let k = every.map(|k| k.to_string());
    let mut args: Vec<&str> = Vec::new();
    if let Some(k) = &k {
        args.extend(["--snapshot-every", k.as_str()]);
    }
    args.extend(["run", "-"]);
    let out = exec_when_free(db, &args, Some(text.as_bytes()));
    out.code(0, "run");
    out
}

/// The stored records, as `log --json` shows them.
fn log_records(db: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["log", "--json"];
    args.extend_from_slice(extra);
    slrsim(db, &args)
        .code(0, "log --json")
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("log --json line is JSON"))
        .collect()
}

/// Every stored snapshot, oldest first.
fn snapshots(store: &Store) -> Vec<(u64, Vec<u8>)> {
    let mut v: Vec<(u64, Vec<u8>)> = store
        .snapshots_before(u64::MAX)
        .map(|r| r.map(|(s, v)| (s, v.to_vec())).expect("read snapshot"))
        .collect();
    v.reverse();
    v
}

fn snapshot_seqs(store: &Store) -> Vec<u64> {
    snapshots(store).into_iter().map(|(s, _)| s).collect()
}

/// A state as the binary prints it with `--json`.
fn state_json(s: &State) -> Value {
    serde_json::to_value(s).expect("state to JSON")
}

/// The state after record `n`, by a full replay from record 0 (no snapshots).
fn full_replay(store: &Store, n: u64) -> State {
    replay::replay(store, Some(n)).expect("replay").state
}

fn line(account: &str, region: &str, op: &str, params: Value) -> String {
    json!({"op": op, "account": account, "region": region, "params": params}).to_string()
}

fn put(account: &str, region: &str, name: &str) -> String {
    line(
        account,
        region,
        "PutPlaybackConfiguration",
        json!({"Name": name, "VideoContentSourceUrl": "https://origin.example.com/x"}),
    )
}

fn logs(account: &str, region: &str, name: &str, percent: i64) -> String {
    line(
        account,
        region,
        "ConfigureLogsForPlaybackConfiguration",
        json!({"PlaybackConfigurationName": name, "PercentEnabled": percent}),
    )
}

fn advance(seconds: i64) -> String {
    json!({"op": "AdvanceClock", "params": {"Seconds": seconds}}).to_string()
}

fn get_role(name: &str) -> String {
    json!({"op": "GetRole", "params": {"RoleName": name}}).to_string()
}

fn header(seed: u64) -> String {
    json!({"seed": seed, "start": "2026-01-01T00:00:00Z"}).to_string()
}

/// A varied, deterministic history of `n` scenario lines: two accounts and regions, logging on and
/// off (so the role comes and goes), traffic, tags, deletions, clock moves and refusals.
fn mixed_lines(n: usize) -> Vec<String> {
    let cycle = [
        put(ACCT, "us-east-1", "live"),
        put(ACCT_B, "eu-west-1", "live-eu"),
        logs(ACCT, "us-east-1", "live", 30),
        line(
            ACCT,
            "us-east-1",
            "ServeSessions",
            json!({"PlaybackConfigurationName": "live", "Sessions": 77}),
        ),
        advance(45),
        logs(ACCT_B, "eu-west-1", "live-eu", 100),
        line(
            ACCT,
            "us-east-1",
            "TagRole",
            json!({"RoleName": SLR, "Tags": [{"Key": "team/video", "Value": "on-call"}]}),
        ),
        get_role(SLR),
        logs(ACCT, "us-east-1", "live", 0),
        line(
            ACCT,
            "us-east-1",
            "DeleteServiceLinkedRole",
            json!({"RoleName": SLR}),
        ),
        advance(400),
        line(
            ACCT,
            "us-east-1",
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": "$last"}),
        ),
        logs(ACCT, "us-east-1", "live", 101),
    ];
    (0..n).map(|i| cycle[i % cycle.len()].clone()).collect()
}

/// A database made by the binary with `--snapshot-every 5`: genesis plus 39 actions (records 0..=39).
fn snapshotted_db(seed: u64) -> Db {
    let db = fresh_db();
    let mut ls = vec![header(seed)];
    ls.extend(mixed_lines(39));
    run_lines(&db.path, Some(5), &ls);
    db
}

/// The demo made by `slrsim demo`.
fn demo_db() -> Db {
    let db = fresh_db();
    slrsim(&db.path, &["demo"]).code(0, "demo");
    db
}

/// The demo scenario run by `slrsim [--snapshot-every K] run examples/demo.jsonl`.
fn demo_run_db(every: Option<u64>) -> Db {
    let db = fresh_db();
    let k = every.map(|k| k.to_string());
    let mut args: Vec<&str> = Vec::new();
    if let Some(k) = &k {
        args.extend(["--snapshot-every", k.as_str()]);
    }
    args.extend(["run", DEMO_FILE]);
    slrsim(&db.path, &args).code(0, "run demo");
    db
}

/// The DeletionTaskId returned by record `seq` (a DeleteServiceLinkedRole).
fn task_id_of(db: &Path, seq: u64) -> String {
    let recs = log_records(db, &[]);
    recs[usize::try_from(seq).unwrap()]["outcome"]["ok"]["response"]["DeletionTaskId"]
        .as_str()
        .unwrap_or_else(|| panic!("record {seq} started a deletion task"))
        .to_string()
}

/// The chain hash at the end of the log (the first 32 bytes of the last stored value).
fn last_hash(store: &Store) -> (u64, [u8; HASH_LEN]) {
    let (seq, value) = store.last().expect("last").expect("a log");
    (seq, value[..HASH_LEN].try_into().expect("32 bytes"))
}

/// Appends a hand-made record after the end of the log, chained properly: the action `action_line`
/// with the given outcome, at the simulated clock of the end of the log. Returns its number.
fn plant(store: &Store, action_line: &str, outcome: Outcome) -> u64 {
    let (last, prev) = last_hash(store);
    let state = replay::replay(store, None).expect("replay").state;
    let seq = last + 1;
    let rec = Record {
        v: SCHEMA_VERSION,
        seq,
        time: state.now,
        request_id: slrsim::core::ids::uuid(state.seed, seq, "request"),
        action: action(action_line),
        outcome,
    };
    let (value, _) = record::encode(&rec, &prev).expect("encode");
    store.append(seq, &value).expect("append");
    seq
}

/// Appends a hand-made, normal-looking AdvanceClock record.
fn plant_advance(store: &Store, seconds: i64) -> u64 {
    let now = replay::replay(store, None).expect("replay").state.now;
    plant(
        store,
        &advance(seconds),
        Outcome::Ok {
            events: vec![Event::ClockAdvanced { to: now + seconds }],
            response: json!({"Now": slrsim::core::clock::format(now + seconds), "FinishedDeletionTasks": []}),
        },
    )
}

/// Plants logging at 50% on `live` in us-east-1 of account C, which has no service-linked role.
fn plant_logging_without_role(store: &Store) -> u64 {
    assert!(
        replay::replay(store, None)
            .unwrap()
            .state
            .account(ACCT_C)
            .service_linked_role()
            .is_none()
    );
    plant(
        store,
        &logs(ACCT_C, "us-east-1", "live", 50),
        Outcome::Ok {
            events: vec![Event::LogConfigurationSet {
                account: ACCT_C.to_string(),
                region: "us-east-1".to_string(),
                name: "live".to_string(),
                log: LogConfiguration {
                    percent_enabled: 50,
                    enabled_logging_strategies: vec!["LEGACY_CLOUDWATCH".to_string()],
                    ..LogConfiguration::default()
                },
            }],
            response: json!({"PlaybackConfigurationName": "live", "PercentEnabled": 50,
                             "EnabledLoggingStrategies": ["LEGACY_CLOUDWATCH"]}),
        },
    )
}

/// Rewrites record `seq` with `change` applied and re-chains every record after it, so that the hash
/// chain is intact but the record says something else.
fn forge(store: &Store, seq: u64, change: impl FnOnce(&mut Record)) {
    let mut prev = record::genesis_hash();
    let mut recs: Vec<Record> = Vec::new();
    for item in store.iter_from(0) {
        let (s, value) = item.expect("read");
        let (rec, hash) = record::decode(s, &value, &prev).expect("decode");
        recs.push(rec);
        prev = hash;
    }
    change(&mut recs[usize::try_from(seq).unwrap()]);
    let mut prev = record::genesis_hash();
    for rec in &recs {
        let (value, hash) = record::encode(rec, &prev).expect("encode");
        store.raw_put(rec.seq, &value).expect("raw_put");
        prev = hash;
    }
    store.flush().expect("flush");
    assert!(
        replay::replay(store, None).is_ok(),
        "the forged chain is intact"
    );
}

// ---------------------------------------------------------------------------------------------------
// Snapshots and the state at any record
// ---------------------------------------------------------------------------------------------------

#[test]
fn snapshots_every_5_records_and_state_at_equals_a_full_replay_library() {
    let db = fresh_db();
    {
        let mut sim = open_sim(&db.path, Some(Genesis { seed: 3, start: T0 }), Some(5));
        for l in mixed_lines(39) {
            sim.execute(action(&l)).expect("execute");
        }
        assert_eq!(sim.next_seq(), 40);
    }
    let store = open_store(&db.path);
    assert_eq!(snapshot_seqs(&store), vec![5, 10, 15, 20, 25, 30, 35]);
    for (seq, value) in snapshots(&store) {
        let snap = snapshot::decode(seq, &value).expect("a snapshot decodes");
        assert_eq!(snap.seq, seq);
        let stored = store.get(seq).expect("get").expect("its record");
        assert_eq!(snap.chain_hash, snapshot::hex(&stored[..HASH_LEN]));
        assert_eq!(snap.state, full_replay(&store, seq), "snapshot {seq}");
    }
    for n in 0..40 {
        assert_eq!(
            timetravel::state_at(&store, n).expect("state_at"),
            full_replay(&store, n),
            "state_at({n})"
        );
    }
    assert!(matches!(
        timetravel::state_at(&store, 40),
        Err(StoreError::NoSuchRecord {
            seq: 40,
            last: Some(39)
        })
    ));
    // The history is not trivial: the role came and went, and the clock moved.
    let states: BTreeSet<String> = (0..40).map(|n| full_replay(&store, n).hash()).collect();
    assert!(states.len() > 20, "{} distinct states", states.len());
}

#[test]
fn state_at_n_through_the_binary_equals_a_full_replay_for_every_n() {
    let db = snapshotted_db(3);
    let expected: Vec<Value> = {
        let store = open_store(&db.path);
        assert_eq!(store.next_seq().unwrap(), 40);
        assert_eq!(snapshot_seqs(&store), vec![5, 10, 15, 20, 25, 30, 35]);
        assert_eq!(
            store.meta(slrsim::log::meta::META_SNAPSHOT_EVERY).unwrap(),
            Some(b"5".to_vec())
        );
        (0..40)
            .map(|n| state_json(&full_replay(&store, n)))
            .collect()
    };
    for (n, want) in expected.iter().enumerate() {
        let out = slrsim(&db.path, &["state", "--at", &n.to_string(), "--json"]);
        out.code(0, "state --at N --json");
        assert_eq!(&out.json(), want, "state --at {n}");
    }
    let now = slrsim(&db.path, &["state", "--json"]);
    now.code(0, "state --json");
    assert_eq!(&now.json(), &expected[39]);
    let past = slrsim(&db.path, &["state", "--at", "40"]);
    past.code(2, "state --at past the end");
    assert!(
        past.stderr.contains("record 40 does not exist"),
        "{}",
        past.stderr
    );
}

#[test]
fn snapshot_every_applies_only_when_the_database_is_created() {
    let db = snapshotted_db(3);
    // More records with another interval: the log keeps the one it was made with.
    run_lines(&db.path, Some(3), &mixed_lines(11));
    let store = open_store(&db.path);
    assert_eq!(store.next_seq().unwrap(), 51);
    assert_eq!(
        snapshot_seqs(&store),
        vec![5, 10, 15, 20, 25, 30, 35, 40, 45, 50]
    );
}

/// Replaces the snapshot after `seq` by one whose body says seed `to` instead of the log's `from`: a
/// body that decodes, its checksum left as it was.
fn damage_seed(store: &Store, seq: u64, from: u64, to: u64) {
    let (at, value) = store
        .snapshots_before(seq)
        .next()
        .expect("a snapshot")
        .expect("read");
    assert_eq!(at, seq);
    let mut snap = snapshot::decode(seq, &value).expect("the stored snapshot decodes");
    assert_eq!(snap.state.seed, from);
    snap.state.seed = to;
    let chain = snapshot::unhex(&snap.chain_hash).expect("a chain hash");
    let other = snapshot::encode(seq, &chain, &snap.state).expect("encode");
    let mut damaged = value[..HASH_LEN].to_vec();
    damaged.extend_from_slice(&other[HASH_LEN..]);
    assert_ne!(damaged, value.to_vec());
    store.put_snapshot(seq, &damaged).expect("put_snapshot");
    let err = snapshot::decode(seq, &damaged).expect_err("the checksum no longer matches");
    assert!(err.contains("checksum"), "{err}");
}

/// Asserts that `state --at N --json` equals a full replay for each N in `range`.
fn assert_binary_states(db: &Path, range: std::ops::RangeInclusive<u64>) {
    let expected: Vec<(u64, Value)> = {
        let store = open_store(db);
        range
            .clone()
            .map(|n| (n, state_json(&full_replay(&store, n))))
            .collect()
    };
    for (n, want) in expected {
        let out = slrsim(db, &["state", "--at", &n.to_string(), "--json"]);
        out.code(0, "state --at N");
        assert_eq!(out.json(), want, "state --at {n}");
    }
}

/// Runs `verify`; asserts it passes and rebuilt exactly `rebuilt` (none: it says nothing of rebuilding).
fn assert_verify_rebuilds(db: &Path, rebuilt: &[u64]) {
    let out = slrsim(db, &["verify"]);
    out.code(0, "verify");
    if rebuilt.is_empty() {
        assert!(!out.stdout.contains("rebuilt"), "{}", out.stdout);
    } else {
        let want = format!(
            "rebuilt {} missing or damaged snapshot(s) from the log: after records {rebuilt:?}",
            rebuilt.len()
        );
        assert!(out.stdout.contains(&want), "{want}\n{}", out.stdout);
    }
}

/// Asserts that every snapshot of the log is there, decodes, and holds the replayed state.
fn assert_snapshots_sound(db: &Path, expected: &[u64]) {
    let store = open_store(db);
    assert_eq!(snapshot_seqs(&store), expected);
    for (seq, value) in snapshots(&store) {
        let snap = snapshot::decode(seq, &value).expect("decodes");
        assert_eq!(snap.state, full_replay(&store, seq), "snapshot {seq}");
        let stored = store.get(seq).unwrap().unwrap();
        assert_eq!(snap.chain_hash, snapshot::hex(&stored[..HASH_LEN]));
    }
}

const ALL_SNAPS: [u64; 7] = [5, 10, 15, 20, 25, 30, 35];

#[test]
fn a_damaged_snapshot_is_skipped_and_verify_rebuilds_it() {
    let db = snapshotted_db(3);
    {
        let store = open_store(&db.path);
        damage_seed(&store, 10, 3, 4);
        // Another, damaged in its checksum bytes only.
        let (_, v) = store.snapshots_before(20).next().unwrap().unwrap();
        let mut v = v.to_vec();
        v[0] ^= 0x01;
        store.put_snapshot(20, &v).unwrap();
        // A torn one, shorter than its checksum.
        let (_, v) = store.snapshots_before(30).next().unwrap().unwrap();
        store.put_snapshot(30, &v[..5]).unwrap();
        assert!(
            snapshot::decode(30, &v[..5])
                .unwrap_err()
                .contains("shorter than its checksum")
        );
        store.flush().unwrap();
        // Were the damaged snapshot trusted, the seed would read 4.
        let st = timetravel::state_at(&store, 12).unwrap();
        assert_eq!(st.seed, 3);
        let (trusted, skipped) = replay::trusted_snapshot(&store, 14).unwrap();
        assert_eq!(trusted.map(|s| s.seq), Some(5));
        assert_eq!(skipped, vec![10]);
        let (trusted, skipped) = replay::trusted_snapshot(&store, 24).unwrap();
        assert_eq!(trusted.map(|s| s.seq), Some(15));
        assert_eq!(skipped, vec![20]);
        let (trusted, skipped) = replay::trusted_snapshot(&store, 33).unwrap();
        assert_eq!(trusted.map(|s| s.seq), Some(25));
        assert_eq!(skipped, vec![30]);
    }
    assert_binary_states(&db.path, 9..=24);
    assert_binary_states(&db.path, 29..=33);
    assert_verify_rebuilds(&db.path, &[10, 20, 30]);
    assert_snapshots_sound(&db.path, &ALL_SNAPS);
    // Once rebuilt, nothing more to rebuild.
    assert_verify_rebuilds(&db.path, &[]);
    assert_binary_states(&db.path, 10..=12);
}

#[test]
fn a_missing_snapshot_is_skipped_and_verify_rebuilds_it() {
    let db = snapshotted_db(3);
    {
        let store = open_store(&db.path);
        store.remove_snapshot(15).unwrap();
        store.remove_snapshot(35).unwrap();
        store.flush().unwrap();
        assert_eq!(snapshot_seqs(&store), vec![5, 10, 20, 25, 30]);
        let (trusted, skipped) = replay::trusted_snapshot(&store, 17).unwrap();
        assert_eq!(trusted.map(|s| s.seq), Some(10));
        assert!(skipped.is_empty());
    }
    assert_binary_states(&db.path, 14..=19);
    assert_binary_states(&db.path, 34..=39);
    assert_verify_rebuilds(&db.path, &[15, 35]);
    assert_snapshots_sound(&db.path, &ALL_SNAPS);
    assert_verify_rebuilds(&db.path, &[]);
}

#[test]
fn a_snapshot_of_another_log_is_not_trusted() {
    let a = snapshotted_db(3);
    let b = snapshotted_db(9);
    let foreign = {
        let store = open_store(&b.path);
        let (_, v) = store.snapshots_before(10).next().unwrap().unwrap();
        let snap = snapshot::decode(10, &v).expect("B's snapshot is sound in B");
        assert_eq!(snap.state.seed, 9);
        v.to_vec()
    };
    {
        let store = open_store(&a.path);
        // The foreign snapshot is well formed (checksum, number): only its chain hash gives it away.
        let snap = snapshot::decode(10, &foreign).expect("well formed");
        assert_ne!(snap.state, full_replay(&store, 10), "B's state differs");
        store.put_snapshot(10, &foreign).unwrap();
        // A's own snapshot of record 5, stored as record 10's: sound bytes, the wrong place.
        let (_, own5) = store.snapshots_before(5).next().unwrap().unwrap();
        store.put_snapshot(25, &own5).unwrap();
        store.flush().unwrap();
        let (trusted, skipped) = replay::trusted_snapshot(&store, 12).unwrap();
        assert_eq!(trusted.map(|s| s.seq), Some(5));
        assert_eq!(skipped, vec![10]);
        let (trusted, skipped) = replay::trusted_snapshot(&store, 27).unwrap();
        assert_eq!(trusted.map(|s| s.seq), Some(20));
        assert_eq!(skipped, vec![25]);
        assert_eq!(timetravel::state_at(&store, 12).unwrap().seed, 3);
    }
    assert_binary_states(&a.path, 10..=14);
    assert_binary_states(&a.path, 25..=29);
    assert_verify_rebuilds(&a.path, &[10, 25]);
    assert_snapshots_sound(&a.path, &ALL_SNAPS);
}

#[test]
fn state_at_starts_from_the_newest_trusted_snapshot() {
    // A snapshot is a cache: one that verifies (checksum and chain hash) is believed. Forged ones with
    // a marker (a different seed) show which snapshot a reconstruction started from.
    let db = snapshotted_db(3);
    let store = open_store(&db.path);
    for (seq, marker) in [(5u64, 105u64), (10, 110)] {
        let (_, v) = store.snapshots_before(seq).next().unwrap().unwrap();
        let mut snap = snapshot::decode(seq, &v).unwrap();
        snap.state.seed = marker;
        let hash = snapshot::unhex(&snap.chain_hash).unwrap();
        store
            .put_snapshot(seq, &snapshot::encode(seq, &hash, &snap.state).unwrap())
            .unwrap();
    }
    assert_eq!(timetravel::state_at(&store, 4).unwrap().seed, 3);
    assert_eq!(timetravel::state_at(&store, 5).unwrap().seed, 105);
    assert_eq!(timetravel::state_at(&store, 9).unwrap().seed, 105);
    assert_eq!(timetravel::state_at(&store, 10).unwrap().seed, 110);
    assert_eq!(timetravel::state_at(&store, 14).unwrap().seed, 110);
    // Snapshot 15 is sound: from there on the state is right again.
    assert_eq!(timetravel::state_at(&store, 15).unwrap().seed, 3);
    // Damage 10: the reconstruction falls back to the next older trusted one, 5.
    damage_seed(&store, 10, 110, 111);
    assert_eq!(timetravel::state_at(&store, 12).unwrap().seed, 105);
    // The full replay never looks at snapshots.
    assert_eq!(full_replay(&store, 12).seed, 3);
    // verify compares every snapshot with the replayed state and rebuilds the wrong ones.
    let v = replay::verify(&store).unwrap();
    assert_eq!(v.problem, None);
    assert_eq!(v.snapshots_rebuilt, vec![5, 10]);
    for n in 0..40 {
        assert_eq!(
            timetravel::state_at(&store, n).unwrap(),
            full_replay(&store, n)
        );
    }
}

#[test]

fn demo_honours_snapshot_every() {
    let db = fresh_db();
    slrsim(&db.path, &["--snapshot-every", "5", "demo"]).code(0, "demo");
    let store = open_store(&db.path);
    assert_eq!(
        store.meta(slrsim::log::meta::META_SNAPSHOT_EVERY).unwrap(),
        Some(b"5".to_vec())
    );
    assert_eq!(snapshot_seqs(&store), vec![5, 10, 15, 20, 25]);
}

// ---------------------------------------------------------------------------------------------------
// The state at a simulated time
// ---------------------------------------------------------------------------------------------------

/// A log whose records are spread over time: the times of records 0..=16 are
/// T0, T0, T0, T0+100, T0+100, T0+100, T0+350, T0+350, T0+350, T0+351, T0+351, T0+351, T0+351,
/// T0+3951, T0+3951, T0+3951, T0+3951.
fn timed_lines() -> Vec<String> {
    let mut ls = vec![header(1)];
    ls.extend([
        put(ACCT, "us-east-1", "live"),      // 1 @ T0
        advance(100),                        // 2 @ T0
        logs(ACCT, "us-east-1", "live", 10), // 3 @ T0+100
        get_role(SLR),                       // 4 @ T0+100
        advance(250),                        // 5 @ T0+100
        put(ACCT, "eu-west-1", "eu"),        // 6 @ T0+350
        get_role("nobody"),                  // 7 @ T0+350
        advance(1),                          // 8 @ T0+350
        logs(ACCT, "eu-west-1", "eu", 20),   // 9 @ T0+351
        advance(0),                          // 10 @ T0+351
        get_role(SLR),                       // 11 @ T0+351
        advance(3600),                       // 12 @ T0+351
        get_role(SLR),                       // 13 @ T0+3951
        logs(ACCT, "us-east-1", "live", 0),  // 14 @ T0+3951
        get_role(SLR),                       // 15 @ T0+3951
        get_role(SLR),                       // 16 @ T0+3951
    ]);
    ls
}

#[test]
fn seq_at_time_is_the_last_record_at_or_before_the_time() {
    let db = fresh_db();
    run_lines(&db.path, None, &timed_lines());
    let store = open_store(&db.path);
    let times: Vec<i64> = (0..17)
        .map(|n| timetravel::record_at(&store, n).unwrap().time)
        .collect();
    assert_eq!(
        times,
        vec![
            T0,
            T0,
            T0,
            T0 + 100,
            T0 + 100,
            T0 + 100,
            T0 + 350,
            T0 + 350,
            T0 + 350,
            T0 + 351,
            T0 + 351,
            T0 + 351,
            T0 + 351,
            T0 + 3951,
            T0 + 3951,
            T0 + 3951,
            T0 + 3951
        ]
    );
    // Against a linear scan, at every record time and either side of it.
    let mut probes: BTreeSet<i64> = BTreeSet::new();
    for t in &times {
        probes.extend([t - 1, *t, t + 1]);
    }
    probes.extend([T0 + 50, T0 + 2000, T0 + 1_000_000]);
    for t in probes {
        let linear = times.iter().rposition(|x| *x <= t).map(|i| i as u64);
        assert_eq!(
            timetravel::seq_at_time(&store, t).unwrap(),
            linear,
            "time {t}"
        );
    }
    assert_eq!(timetravel::seq_at_time(&store, T0 - 1).unwrap(), None);
    assert_eq!(timetravel::seq_at_time(&store, T0 + 99).unwrap(), Some(2));
    assert_eq!(timetravel::seq_at_time(&store, T0 + 100).unwrap(), Some(5));
    assert_eq!(timetravel::seq_at_time(&store, T0 + 351).unwrap(), Some(12));
    assert_eq!(
        timetravel::seq_at_time(&store, T0 + 3950).unwrap(),
        Some(12)
    );
    assert_eq!(
        timetravel::seq_at_time(&store, T0 + 3951).unwrap(),
        Some(16)
    );
}

#[test]
fn seq_at_time_of_an_empty_log_is_none() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("empty")).unwrap();
    assert_eq!(timetravel::seq_at_time(&store, T0).unwrap(), None);
}

#[test]
fn state_at_time_through_the_binary_picks_the_last_record_at_or_before() {
    let db = fresh_db();
    run_lines(&db.path, Some(4), &timed_lines());
    let fmt = |t: i64| slrsim::core::clock::format(t);
    for (t, seq) in [
        (T0, 2u64),
        (T0 + 99, 2),
        (T0 + 100, 5),
        (T0 + 349, 5),
        (T0 + 350, 8),
        (T0 + 351, 12),
        (T0 + 3950, 12),
        (T0 + 3951, 16),
        (T0 + 86_400 * 365, 16),
    ] {
        let by_time = slrsim(&db.path, &["state", "--at-time", &fmt(t), "--json"]);
        by_time.code(0, "state --at-time");
        let by_seq = slrsim(&db.path, &["state", "--at", &seq.to_string(), "--json"]);
        by_seq.code(0, "state --at");
        assert_eq!(
            by_time.json(),
            by_seq.json(),
            "--at-time {} = --at {seq}",
            fmt(t)
        );
    }
    // The two points differ where it matters: logging in eu-west-1 is on at T0+351, not at T0+350.
    let at_350 = slrsim(&db.path, &["state", "--at-time", &fmt(T0 + 350), "--json"]).json();
    let at_351 = slrsim(&db.path, &["state", "--at-time", &fmt(T0 + 351), "--json"]).json();
    let eu = "/accounts/111122223333/regions/eu-west-1/playback_configurations/eu/log_configuration/percent_enabled";
    assert_eq!(at_350.pointer(eu), Some(&json!(0)));
    assert_eq!(at_351.pointer(eu), Some(&json!(20)));
    // get takes --at-time too.
    let g = slrsim(
        &db.path,
        &[
            "get",
            "--at-time",
            &fmt(T0 + 99),
            "config",
            "us-east-1",
            "live",
        ],
    );
    g.code(0, "get --at-time");
    assert_eq!(g.json()["log_configuration"]["percent_enabled"], 0);
    let g = slrsim(
        &db.path,
        &[
            "get",
            "--at-time",
            &fmt(T0 + 100),
            "config",
            "us-east-1",
            "live",
        ],
    );
    g.code(0, "get --at-time");
    assert_eq!(g.json()["log_configuration"]["percent_enabled"], 10);
}

#[test]
fn state_at_time_before_the_log_or_not_a_time_is_a_usage_error() {
    let db = fresh_db();
    run_lines(&db.path, None, &timed_lines());
    let before = slrsim(&db.path, &["state", "--at-time", "2025-12-31T23:59:59Z"]);
    before.code(2, "a time before the log");
    assert!(
        before
            .stderr
            .contains("the log starts after 2025-12-31T23:59:59Z"),
        "{}",
        before.stderr
    );
    assert!(before.stdout.is_empty());
    let g = slrsim(
        &db.path,
        &["get", "--at-time", "2020-01-01T00:00:00Z", "account"],
    );
    g.code(2, "get at a time before the log");
    let bad = slrsim(&db.path, &["state", "--at-time", "yesterday"]);
    bad.code(2, "not a time");
    assert!(bad.stderr.contains("RFC 3339"), "{}", bad.stderr);
    let both = slrsim(
        &db.path,
        &["state", "--at", "3", "--at-time", "2026-01-01T00:00:00Z"],
    );
    both.code(2, "--at with --at-time");
}

// ---------------------------------------------------------------------------------------------------
// get
// ---------------------------------------------------------------------------------------------------

#[test]
fn get_role_config_task_and_account_where_they_exist_and_where_they_do_not() {
    let db = demo_db();
    let first_task = task_id_of(&db.path, 10);
    let last_task = task_id_of(&db.path, 19);
    let missing = |args: &[&str], what: &str| {
        let out = slrsim(&db.path, args);
        out.code(1, what);
        assert!(
            out.stderr.contains("does not exist"),
            "{what}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{what}: {}", out.stdout);
    };
    let found = |args: &[&str], what: &str| -> Value {
        let out = slrsim(&db.path, args);
        out.code(0, what);
        out.json()
    };

    // The role: not before record 3, created by it, gone after 20, back (with a new RoleId) at 24.
    missing(&["get", "--at", "2", "role"], "role before logging");
    let r3 = found(&["get", "--at", "3", "role"], "role after record 3");
    assert_eq!(r3["role_name"], SLR);
    assert_eq!(r3["arn"], SLR_ARN);
    assert_eq!(r3["description"], Value::Null);
    let r7 = found(&["get", "--at", "7", "role", SLR], "role after record 7");
    assert_eq!(r7["description"], "Session logging for live channels");
    assert_eq!(r7["role_id"], r3["role_id"]);
    let r19 = found(&["get", "--at", "19", "role"], "role before deletion");
    assert_eq!(r19["role_id"], r3["role_id"]);
    missing(&["get", "--at", "20", "role"], "role after deletion");
    missing(&["get", "--at", "23", "role"], "role still gone");
    let now = found(&["get", "role"], "role now");
    assert!(now["role_id"].as_str().unwrap().starts_with("AROA"));
    assert_ne!(now["role_id"], r3["role_id"], "a new lifetime");
    missing(&["get", "role", "NoSuchRole"], "an unknown role");
    missing(
        &["get", "--account", ACCT_B, "role"],
        "the role of an account without one",
    );
    let missing_now = slrsim(&db.path, &["get", "role", "NoSuchRole"]);
    assert!(missing_now.stderr.contains("now"), "{}", missing_now.stderr);
    let missing_at = slrsim(&db.path, &["get", "--at", "2", "role"]);
    assert!(
        missing_at.stderr.contains("after record 2"),
        "{}",
        missing_at.stderr
    );

    // A playback configuration: from record 1 in us-east-1, from 2 in eu-west-1.
    missing(
        &["get", "--at", "0", "config", "us-east-1", "live-us"],
        "config before put",
    );
    let c1 = found(
        &["get", "--at", "1", "config", "us-east-1", "live-us"],
        "config",
    );
    assert_eq!(c1["name"], "live-us");
    assert_eq!(
        c1["video_content_source_url"],
        "https://origin.example.com/us"
    );
    assert_eq!(c1["log_configuration"]["percent_enabled"], 0);
    missing(
        &["get", "--at", "1", "config", "eu-west-1", "live-eu"],
        "eu config before put",
    );
    missing(
        &["get", "config", "eu-west-1", "live-us"],
        "live-us is not in eu-west-1",
    );
    let c3 = found(
        &["get", "--at", "3", "config", "us-east-1", "live-us"],
        "config",
    );
    assert_eq!(c3["log_configuration"]["percent_enabled"], 50);
    let c8 = found(
        &["get", "--at", "8", "config", "us-east-1", "live-us"],
        "config",
    );
    assert_eq!(c8["sessions"]["served"], 1000);
    assert_eq!(c8["sessions"]["logged"], 500);

    // A deletion task: from record 10 (NOT_STARTED), FAILED after 11.
    missing(
        &["get", "--at", "9", "task", &first_task],
        "task before it starts",
    );
    let t10 = found(&["get", "--at", "10", "task", &first_task], "task");
    assert_eq!(t10["status"], "NOT_STARTED");
    assert_eq!(t10["deletion_task_id"], first_task.as_str());
    let t11 = found(&["get", "--at", "11", "task", &first_task], "task");
    assert_eq!(t11["status"], "FAILED");
    assert_eq!(
        t11["reason"]["RoleUsageList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["Region"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["eu-west-1", "us-east-1"]
    );
    missing(
        &["get", "--at", "18", "task", &last_task],
        "the last task before it",
    );
    let t21 = found(&["get", "--at", "21", "task", &last_task], "task");
    assert_eq!(t21["status"], "SUCCEEDED");
    missing(&["get", "task", "task/nope"], "an unknown task");

    // An account: nothing before its first change (record 0 is the genesis only).
    missing(
        &["get", "--at", "0", "account"],
        "account before its first change",
    );
    let a1 = found(&["get", "--at", "1", "account"], "account");
    assert!(a1["roles"].as_object().unwrap().is_empty());
    assert!(a1["regions"]["us-east-1"].is_object());
    let a_now = found(&["get", "account"], "account now");
    assert_eq!(a_now["deletion_tasks"].as_object().unwrap().len(), 3);
    missing(&["get", "--account", ACCT_B, "account"], "another account");

    // What to get must be one of the four shapes; a point past the end is a usage error.
    slrsim(&db.path, &["get", "policy"]).code(2, "unknown thing");
    slrsim(&db.path, &["get", "config", "us-east-1"]).code(2, "config needs a name");
    slrsim(&db.path, &["get", "--at", "99", "role"]).code(2, "past the end");
}

#[test]
fn get_in_the_library_matches_the_state() {
    let db = demo_db();
    let store = open_store(&db.path);
    let s3 = timetravel::state_at(&store, 3).unwrap();
    let role = timetravel::get(
        &s3,
        &Query::Role {
            account: ACCT.to_string(),
            name: SLR.to_string(),
        },
    )
    .expect("the role exists after record 3");
    assert_eq!(
        role,
        serde_json::to_value(&s3.accounts[ACCT].roles[SLR]).unwrap()
    );
    let s2 = timetravel::state_at(&store, 2).unwrap();
    assert_eq!(
        timetravel::get(
            &s2,
            &Query::Role {
                account: ACCT.to_string(),
                name: SLR.to_string()
            }
        ),
        None
    );
    let cfg = Query::Config {
        account: ACCT.to_string(),
        region: "eu-west-1".to_string(),
        name: "live-eu".to_string(),
    };
    assert_eq!(
        timetravel::get(&s3, &cfg).unwrap()["log_configuration"]["percent_enabled"],
        0
    );
    let s4 = timetravel::state_at(&store, 4).unwrap();
    assert_eq!(
        timetravel::get(&s4, &cfg).unwrap()["log_configuration"]["percent_enabled"],
        100
    );
    let acct = Query::Account {
        account: ACCT.to_string(),
    };
    assert_eq!(
        timetravel::get(&s4, &acct).unwrap(),
        serde_json::to_value(&s4.accounts[ACCT]).unwrap()
    );
    assert_eq!(
        timetravel::get(
            &s4,
            &Query::Account {
                account: ACCT_B.to_string()
            }
        ),
        None
    );
    let s11 = timetravel::state_at(&store, 11).unwrap();
    let id = s11.accounts[ACCT]
        .deletion_tasks
        .keys()
        .next()
        .unwrap()
        .clone();
    assert_eq!(
        timetravel::get(&s11, &Query::Task { id: id.clone() }).unwrap()["status"],
        "FAILED"
    );
    assert_eq!(timetravel::get(&s4, &Query::Task { id }), None);
}

#[test]
fn get_task_finds_it_in_whichever_account_holds_it() {
    let db = fresh_db();
    run_lines(
        &db.path,
        None,
        &[
            put(ACCT_B, "us-east-1", "live"),
            logs(ACCT_B, "us-east-1", "live", 10),
            logs(ACCT_B, "us-east-1", "live", 0),
            line(
                ACCT_B,
                "us-east-1",
                "DeleteServiceLinkedRole",
                json!({"RoleName": SLR}),
            ),
        ],
    );
    let id = task_id_of(&db.path, 4);
    // --account does not matter for a task.
    let out = slrsim(&db.path, &["get", "task", &id]);
    out.code(0, "get task of account B");
    assert_eq!(out.json()["status"], "NOT_STARTED");
    let role = slrsim(&db.path, &["get", "--account", ACCT_B, "role"]);
    role.code(0, "get role of account B");
    assert_eq!(
        role.json()["arn"],
        "arn:aws:iam::444455556666:role/aws-service-role/mediatailor.amazonaws.com/AWSServiceRoleForMediaTailor"
    );
    slrsim(&db.path, &["get", "role"]).code(1, "no role in the default account");
}

// ---------------------------------------------------------------------------------------------------
// diff
// ---------------------------------------------------------------------------------------------------

const ROLE_PATH: &str = "/accounts/111122223333/roles/AWSServiceRoleForMediaTailor";
const US_LOG: &str =
    "/accounts/111122223333/regions/us-east-1/playback_configurations/live-us/log_configuration";
const EU_LOG: &str =
    "/accounts/111122223333/regions/eu-west-1/playback_configurations/live-eu/log_configuration";

/// `diff N M --json` as a list of changes.
fn diff_json(db: &Path, n: u64, m: u64, extra: &[&str]) -> Vec<Value> {
    let (n, m) = (n.to_string(), m.to_string());
    let mut args = vec!["diff", n.as_str(), m.as_str(), "--json"];
    args.extend_from_slice(extra);
    let out = slrsim(db, &args);
    out.code(0, "diff --json");
    out.json().as_array().expect("a list").clone()
}

/// `diff N M` as text lines.
fn diff_text(db: &Path, n: u64, m: u64, extra: &[&str]) -> Vec<String> {
    let (n, m) = (n.to_string(), m.to_string());
    let mut args = vec!["diff", n.as_str(), m.as_str()];
    args.extend_from_slice(extra);
    let out = slrsim(db, &args);
    out.code(0, "diff");
    out.stdout.lines().map(str::to_string).collect()
}

fn find<'a>(changes: &'a [Value], path: &str) -> &'a Value {
    changes
        .iter()
        .find(|c| c["path"] == path)
        .unwrap_or_else(|| panic!("no change at {path}: {changes:#?}"))
}

#[test]
fn diff_lists_added_removed_and_changed_with_json_pointer_paths() {
    let db = demo_db();
    // The role appears with ConfigureLogs (record 3), and PercentEnabled changes 0 -> 50.
    let text = diff_text(&db.path, 2, 3, &[]);
    assert_eq!(text[0], "3 change(s) from record 2 to record 3");
    assert_eq!(text.len(), 4, "{text:#?}");
    assert!(
        text.contains(&format!("~ {US_LOG}/percent_enabled: 0 -> 50")),
        "{text:#?}"
    );
    assert!(
        text.contains(&format!(
            "~ {US_LOG}/enabled_logging_strategies: [] -> [\"LEGACY_CLOUDWATCH\"]"
        )),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|l| l.starts_with(&format!("+ {ROLE_PATH} = {{"))),
        "{text:#?}"
    );
    // The clock moves with AdvanceClock (record 11).
    let text = diff_text(&db.path, 10, 11, &[]);
    assert!(
        text.contains(&format!("~ /now: {} -> {}", T0, T0 + 60)),
        "{text:#?}"
    );
    // The role is removed when the deletion succeeds (record 20).
    let text = diff_text(&db.path, 19, 20, &[]);
    assert!(
        text.iter()
            .any(|l| l.starts_with(&format!("- {ROLE_PATH} (was {{"))),
        "{text:#?}"
    );
    // A description set where there was none is a change from null.
    let text = diff_text(&db.path, 6, 7, &[]);
    assert_eq!(
        text,
        vec![
            "1 change(s) from record 6 to record 7".to_string(),
            format!("+ {ROLE_PATH}/description = \"Session logging for live channels\""),
        ]
    );
    // Backwards, the description set becomes one removed (null is absent, not a value).
    let text = diff_text(&db.path, 7, 6, &[]);
    assert_eq!(
        text,
        vec![
            "1 change(s) from record 7 to record 6".to_string(),
            format!("- {ROLE_PATH}/description (was \"Session logging for live channels\")"),
        ]
    );
    assert_eq!(
        diff_json(&db.path, 7, 6, &[]),
        vec![
            json!({"path": format!("{ROLE_PATH}/description"), "kind": "removed",
                    "before": "Session logging for live channels"})
        ]
    );
    // Nothing changes across a read, and a point against itself is empty.
    assert_eq!(
        diff_text(&db.path, 4, 5, &[]),
        vec!["0 change(s) from record 4 to record 5".to_string()]
    );
    assert_eq!(diff_json(&db.path, 12, 12, &[]), Vec::<Value>::new());
    // A point past the end is a usage error.
    slrsim(&db.path, &["diff", "3", "99"]).code(2, "diff past the end");
}

#[test]
fn diff_json_gives_the_same_changes_as_a_list() {
    let db = demo_db();
    let states: Vec<Value> = {
        let store = open_store(&db.path);
        (0..26)
            .map(|n| state_json(&timetravel::state_at(&store, n).unwrap()))
            .collect()
    };
    let keys = |c: &Value| -> BTreeSet<String> { c.as_object().unwrap().keys().cloned().collect() };
    let set = |ks: &[&str]| -> BTreeSet<String> { ks.iter().map(|s| s.to_string()).collect() };
    let mut kinds = BTreeSet::new();
    for (n, m) in [
        (2u64, 3u64),
        (3, 4),
        (10, 11),
        (19, 20),
        (6, 7),
        (0, 25),
        (25, 0),
        (12, 16),
    ] {
        let changes = diff_json(&db.path, n, m, &[]);
        let text = diff_text(&db.path, n, m, &[]);
        assert_eq!(
            text[0],
            format!("{} change(s) from record {n} to record {m}", changes.len())
        );
        assert_eq!(text.len(), changes.len() + 1);
        let (before, after) = (&states[n as usize], &states[m as usize]);
        for (c, t) in changes.iter().zip(&text[1..]) {
            let path = c["path"].as_str().unwrap();
            let kind = c["kind"].as_str().unwrap();
            kinds.insert(kind.to_string());
            match kind {
                "added" => {
                    assert_eq!(keys(c), set(&["path", "kind", "after"]), "{c}");
                    assert!(t.starts_with(&format!("+ {path} = ")), "{t}");
                    assert!(before.pointer(path).is_none_or(Value::is_null), "{path}");
                    assert_eq!(after.pointer(path), Some(&c["after"]), "{path}");
                }
                "removed" => {
                    assert_eq!(keys(c), set(&["path", "kind", "before"]), "{c}");
                    assert!(t.starts_with(&format!("- {path} (was ")), "{t}");
                    assert_eq!(before.pointer(path), Some(&c["before"]), "{path}");
                    assert!(after.pointer(path).is_none_or(Value::is_null), "{path}");
                }
                "changed" => {
                    assert_eq!(keys(c), set(&["path", "kind", "before", "after"]), "{c}");
                    assert!(t.starts_with(&format!("~ {path}: ")), "{t}");
                    assert_eq!(before.pointer(path), Some(&c["before"]), "{path}");
                    assert_eq!(after.pointer(path), Some(&c["after"]), "{path}");
                    assert_ne!(c["before"], c["after"]);
                }
                other => panic!("unknown kind {other}"),
            }
        }
        // Applying the changes to the earlier state gives the later one.
        let mut rebuilt = before.clone();
        for c in &changes {
            let path = c["path"].as_str().unwrap();
            let (parent, key) = path.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            let target = if parent.is_empty() {
                &mut rebuilt
            } else {
                rebuilt.pointer_mut(parent).unwrap()
            };
            let obj = target.as_object_mut().unwrap();
            match c.get("after") {
                Some(v) => obj.insert(key, v.clone()),
                None => obj.remove(&key),
            };
        }
        assert_eq!(
            strip_nulls(rebuilt),
            strip_nulls(after.clone()),
            "diff {n} {m}"
        );
    }
    assert_eq!(kinds, set(&["added", "removed", "changed"]));
    // The documented examples.
    let c = diff_json(&db.path, 2, 3, &[]);
    assert_eq!(find(&c, ROLE_PATH)["kind"], "added");
    assert_eq!(find(&c, ROLE_PATH)["after"]["role_name"], SLR);
    assert_eq!(
        find(&c, &format!("{US_LOG}/percent_enabled")),
        &json!({"path": format!("{US_LOG}/percent_enabled"), "kind": "changed", "before": 0, "after": 50})
    );
    let c = diff_json(&db.path, 10, 11, &[]);
    assert_eq!(
        find(&c, "/now"),
        &json!({"path": "/now", "kind": "changed", "before": T0, "after": T0 + 60})
    );
    let c = diff_json(&db.path, 19, 20, &[]);
    assert_eq!(find(&c, ROLE_PATH)["kind"], "removed");
    assert!(find(&c, ROLE_PATH).get("after").is_none());
}

/// A JSON value with every null-valued object member removed (the diff treats null as absent).
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

#[test]
fn diff_escapes_slashes_in_keys_as_json_pointer_does() {
    let db = demo_db();
    let id = task_id_of(&db.path, 10);
    let escaped = id.replace('/', "~1");
    let c = diff_json(&db.path, 10, 11, &[]);
    let status = format!("/accounts/111122223333/deletion_tasks/{escaped}/status");
    assert_eq!(
        find(&c, &status),
        &json!({"path": status, "kind": "changed", "before": "NOT_STARTED", "after": "FAILED"})
    );
    let c = diff_json(&db.path, 9, 10, &[]);
    let added = format!("/accounts/111122223333/deletion_tasks/{escaped}");
    assert_eq!(find(&c, &added)["kind"], "added");
    assert_eq!(find(&c, &added)["after"]["deletion_task_id"], id.as_str());
    // A tag key with a slash.
    let db = fresh_db();
    run_lines(
        &db.path,
        None,
        &[
            put(ACCT, "us-east-1", "live"),
            logs(ACCT, "us-east-1", "live", 10),
            line(
                ACCT,
                "us-east-1",
                "TagRole",
                json!({"RoleName": SLR, "Tags": [{"Key": "team/video", "Value": "a"}]}),
            ),
            line(
                ACCT,
                "us-east-1",
                "TagRole",
                json!({"RoleName": SLR, "Tags": [{"Key": "team/video", "Value": "b"}]}),
            ),
        ],
    );
    let c = diff_json(&db.path, 2, 4, &[]);
    assert_eq!(
        c,
        vec![
            json!({"path": format!("{ROLE_PATH}/tags/team~1video"), "kind": "added", "after": "b"})
        ]
    );
    let c = diff_json(&db.path, 3, 4, &[]);
    assert_eq!(
        c,
        vec![
            json!({"path": format!("{ROLE_PATH}/tags/team~1video"), "kind": "changed", "before": "a", "after": "b"})
        ]
    );
}

#[test]
fn a_change_shows_values_of_at_most_160_characters() {
    let change = |v: Value| timetravel::Change {
        path: "/x".to_string(),
        kind: ChangeKind::Added,
        before: None,
        after: Some(v),
    };
    // 158 characters and two quotes: shown whole.
    let exact = json!("a".repeat(158));
    assert_eq!(change(exact.clone()).to_string(), format!("+ /x = {exact}"));
    // One more: cut at 160 characters, marked with "...".
    let long = json!("a".repeat(159));
    let shown = change(long).to_string();
    assert_eq!(shown, format!("+ /x = \"{}...", "a".repeat(159)));
    let removed = timetravel::Change {
        path: "/y".to_string(),
        kind: ChangeKind::Removed,
        before: Some(json!("é".repeat(300))),
        after: None,
    };
    assert_eq!(
        removed.to_string(),
        format!("- /y (was \"{}...)", "é".repeat(159))
    );
    let changed = timetravel::Change {
        path: "/z".to_string(),
        kind: ChangeKind::Changed,
        before: Some(json!(1)),
        after: Some(json!([2])),
    };
    assert_eq!(changed.to_string(), "~ /z: 1 -> [2]");
    // The binary shows the new role the same way: a long object, cut.
    let db = demo_db();
    let text = diff_text(&db.path, 2, 3, &[]);
    let role = text
        .iter()
        .find(|l| l.starts_with(&format!("+ {ROLE_PATH} = ")))
        .unwrap();
    let value = role
        .get(format!("+ {ROLE_PATH} = ").len()..)
        .expect("an ASCII diff line");
    assert!(value.ends_with("..."), "{value}");
    assert_eq!(value.chars().count(), 163, "{value}");
}

#[test]
fn diff_in_the_library_is_symmetric() {
    let db = demo_db();
    let store = open_store(&db.path);
    let a = timetravel::state_at(&store, 2).unwrap();
    let b = timetravel::state_at(&store, 12).unwrap();
    let forward = timetravel::diff(&a, &b);
    let backward = timetravel::diff(&b, &a);
    assert_eq!(forward.len(), backward.len());
    assert!(!forward.is_empty());
    for f in &forward {
        let r = backward
            .iter()
            .find(|r| r.path == f.path)
            .unwrap_or_else(|| panic!("{} in both directions", f.path));
        let flipped = match f.kind {
            ChangeKind::Added => ChangeKind::Removed,
            ChangeKind::Removed => ChangeKind::Added,
            ChangeKind::Changed => ChangeKind::Changed,
        };
        assert_eq!(r.kind, flipped, "{}", f.path);
        assert_eq!(r.before, f.after);
        assert_eq!(r.after, f.before);
    }
    assert!(timetravel::diff(&a, &a).is_empty());
}

// ---------------------------------------------------------------------------------------------------
// fork
// ---------------------------------------------------------------------------------------------------

#[test]
fn a_fork_at_14_shares_the_prefix_byte_for_byte_and_diverges_after() {
    let db = demo_run_db(Some(5));
    let fork = db.sibling("fork.db");
    let original_before = stored_values(&db.path);
    assert_eq!(original_before.len(), 26);
    let out = slrsim(
        &db.path,
        &["fork", "--at", "14", "--to", fork.to_str().unwrap()],
    );
    out.code(0, "fork");
    assert!(
        out.stdout.contains("forked records 0..=14 (15 records)"),
        "{}",
        out.stdout
    );
    // The prefix is byte-identical (values, hence chain hashes), and nothing after it was copied.
    let forked = stored_values(&fork);
    assert_eq!(forked, original_before[..15].to_vec());
    assert_eq!(
        stored_values(&db.path),
        original_before,
        "the original is untouched"
    );
    {
        let (o, f) = (open_store(&db.path), open_store(&fork));
        assert_eq!(snapshot_seqs(&o), vec![5, 10, 15, 20, 25]);
        assert_eq!(
            snapshots(&f),
            snapshots(&o)[..2].to_vec(),
            "snapshots 5 and 10 copied"
        );
        assert_eq!(
            f.meta(slrsim::log::meta::META_SNAPSHOT_EVERY).unwrap(),
            Some(b"5".to_vec())
        );
    }
    assert_verify_rebuilds(&fork, &[]);
    slrsim(&fork, &["replay", "--verify"]).code(0, "replay --verify on the fork");

    // Another timeline: deactivate eu-west-1 first, then let the task run.
    run_lines(
        &fork,
        Some(1000),
        &[
            logs(ACCT, "eu-west-1", "live-eu", 0), // 15
            advance(60),                           // 16
            json!({"op":"GetServiceLinkedRoleDeletionStatus","params":{"DeletionTaskId":"$last"}})
                .to_string(), // 17
        ],
    );
    assert_verify_rebuilds(&fork, &[]);
    {
        let f = open_store(&fork);
        assert_eq!(f.next_seq().unwrap(), 18);
        // The fork kept its interval of 5: it took its own snapshot 15.
        assert_eq!(snapshot_seqs(&f), vec![5, 10, 15]);
        let o = open_store(&db.path);
        let (_, ours) = f.snapshots_before(15).next().unwrap().unwrap();
        let (_, theirs) = o.snapshots_before(15).next().unwrap().unwrap();
        assert_ne!(ours.to_vec(), theirs.to_vec(), "different histories");
    }
    let fork_s = fork.to_str().unwrap();
    // Record 14 of the original against record 15 of the fork: exactly the diverging change.
    let c = diff_json(&db.path, 14, 15, &["--other-db", fork_s]);
    assert_eq!(
        c,
        vec![
            json!({"path": format!("{EU_LOG}/percent_enabled"), "kind": "changed", "before": 100, "after": 0})
        ]
    );
    let text = diff_text(&db.path, 14, 15, &["--other-db", fork_s]);
    assert_eq!(
        text,
        vec![
            format!("1 change(s) from record 14 to record 15 of {fork_s}"),
            format!("~ {EU_LOG}/percent_enabled: 100 -> 0"),
        ]
    );
    // Record 14 is the same state in both timelines.
    assert!(diff_json(&db.path, 14, 14, &["--other-db", fork_s]).is_empty());
    // After the task ran in both: the original still lists eu-west-1; the fork lists nothing.
    let id = task_id_of(&db.path, 14);
    let reason = format!(
        "/accounts/111122223333/deletion_tasks/{}/reason/RoleUsageList",
        id.replace('/', "~1")
    );
    let c = diff_json(&db.path, 15, 16, &["--other-db", fork_s]);
    let usage = find(&c, &reason);
    assert_eq!(usage["kind"], "changed");
    assert_eq!(usage["before"][0]["Region"], "eu-west-1");
    assert_eq!(usage["after"], json!([]));
    assert!(
        c.iter()
            .any(|x| x["path"] == format!("{EU_LOG}/percent_enabled"))
    );
    // Both timelines end FAILED here (the role was used at record 8, less than 5 minutes before),
    // for different reasons.
    let g = slrsim(&fork, &["get", "task", &id]);
    g.code(0, "get task in the fork");
    assert_eq!(g.json()["status"], "FAILED");
    assert!(
        g.json()["reason"]["Reason"]
            .as_str()
            .unwrap()
            .starts_with("MediaTailor used the role")
    );
    // The same task id means the same task: forks share the seed and the prefix.
    assert_eq!(task_id_of(&fork, 14), id);
}

#[test]
fn fork_refuses_an_existing_log_and_a_record_past_the_end() {
    let db = demo_db();
    let fork = db.sibling("fork.db");
    let fork_s = fork.to_str().unwrap().to_string();
    slrsim(&db.path, &["fork", "--at", "5", "--to", &fork_s]).code(0, "fork");
    let before = stored_values(&fork);
    assert_eq!(before.len(), 6);
    // Forking again into it, at any point, is refused and changes nothing.
    for at in ["5", "14"] {
        let out = slrsim(&db.path, &["fork", "--at", at, "--to", &fork_s]);
        out.code(2, "fork into a non-empty database");
        assert!(out.stderr.contains("already holds a log"), "{}", out.stderr);
        assert_eq!(stored_values(&fork), before);
    }
    // Nor into a database with some other log.
    let other = db.sibling("other.db");
    run_lines(&other, None, &[get_role(SLR)]);
    let other_before = stored_values(&other);
    let out = slrsim(
        &db.path,
        &["fork", "--at", "3", "--to", other.to_str().unwrap()],
    );
    out.code(2, "fork into another log");
    assert_eq!(stored_values(&other), other_before);
    // A record past the end: refused before anything is created.
    let nowhere = db.sibling("nowhere.db");
    let out = slrsim(
        &db.path,
        &["fork", "--at", "26", "--to", nowhere.to_str().unwrap()],
    );
    out.code(2, "fork past the end");
    assert!(
        out.stderr.contains("record 26 does not exist"),
        "{}",
        out.stderr
    );
    assert!(!nowhere.exists());
    // The last record itself is fine: the whole log.
    let whole = db.sibling("whole.db");
    slrsim(
        &db.path,
        &["fork", "--at", "25", "--to", whole.to_str().unwrap()],
    )
    .code(0, "fork at the last record");
    assert_eq!(stored_values(&whole), stored_values(&db.path));
}

#[test]
fn fork_of_a_damaged_prefix_is_refused() {
    let db = demo_db();
    {
        let store = open_store(&db.path);
        let mut v = store.get(4).unwrap().unwrap().to_vec();
        let last = v.len() - 2;
        v[last] ^= 0x01;
        store.raw_put(4, &v).unwrap();
        store.flush().unwrap();
    }
    let fork = db.sibling("fork.db");
    let out = slrsim(
        &db.path,
        &["fork", "--at", "10", "--to", fork.to_str().unwrap()],
    );
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("record 4"), "{}", out.stderr);
    assert!(!fork.exists(), "nothing forked");
    // A prefix before the damage still forks.
    slrsim(
        &db.path,
        &["fork", "--at", "3", "--to", fork.to_str().unwrap()],
    )
    .code(0, "fork at 3");
    assert_eq!(stored_values(&fork).len(), 4);
}

// ---------------------------------------------------------------------------------------------------
// bisect
// ---------------------------------------------------------------------------------------------------

const STATE_INVARIANTS: [&str; 4] = [
    "role-exists-while-logging",
    "role-identity-fixed",
    "policy-only-on-slr",
    "task-status-forward",
];

#[test]
fn the_cli_knows_every_state_invariant() {
    let names: Vec<&str> = slrsim::core::invariants::STATE_INVARIANTS
        .iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(names, STATE_INVARIANTS);
}

#[test]
fn bisect_on_a_clean_log_exits_0() {
    let db = demo_db();
    let out = slrsim(&db.path, &["bisect"]);
    out.code(0, "bisect of the demo");
    assert!(out.stdout.starts_with("clean"), "{}", out.stdout);
    assert!(
        out.stdout.contains("every state invariant"),
        "{}",
        out.stdout
    );
    for name in STATE_INVARIANTS {
        let out = slrsim(&db.path, &["bisect", "--invariant", name]);
        out.code(0, name);
        assert!(out.stdout.starts_with("clean"), "{}", out.stdout);
        assert!(out.stdout.contains(name), "{}", out.stdout);
    }
    let store = open_store(&db.path);
    assert_eq!(timetravel::bisect(&store, None).unwrap(), None);
}

#[test]
fn bisect_of_an_empty_log_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("empty")).unwrap();
    assert_eq!(timetravel::bisect(&store, None).unwrap(), None);
}

#[test]
fn bisect_with_an_unknown_invariant_is_a_clear_error() {
    let db = demo_db();
    let out = slrsim(&db.path, &["bisect", "--invariant", "unknown"]);
    out.code(2, "unknown invariant");
    assert!(
        out.stderr.contains("unknown invariant `unknown`"),
        "{}",
        out.stderr
    );
    for name in STATE_INVARIANTS {
        assert!(out.stderr.contains(name), "{}", out.stderr);
    }
    // A step invariant is not a state invariant.
    slrsim(&db.path, &["bisect", "--invariant", "clock-monotonic"]).code(2, "a step invariant");
    let store = open_store(&db.path);
    assert!(matches!(
        timetravel::bisect(&store, Some("unknown")),
        Err(StoreError::UnknownInvariant { .. })
    ));
}

/// A log made by the binary: account B has a playback configuration and no role; the default account
/// logs (so it has the role). Then `planted` hand-made records, then some normal-looking ones.
fn db_with_planted(planted: impl FnOnce(&Store) -> u64) -> (Db, u64, u64) {
    let db = fresh_db();
    let mut ls = vec![header(11), put(ACCT_C, "us-east-1", "live")];
    ls.extend(mixed_lines(20));
    ls.push(logs(ACCT, "us-east-1", "live", 30));
    run_lines(&db.path, Some(4), &ls);
    let (seq, last) = {
        let store = open_store(&db.path);
        assert!(
            timetravel::bisect(&store, None).unwrap().is_none(),
            "clean before"
        );
        let seq = planted(&store);
        for s in [10, 20, 30, 40, 50] {
            plant_advance(&store, s);
        }
        store.flush().unwrap();
        (seq, store.next_seq().unwrap() - 1)
    };
    (db, seq, last)
}

#[test]
fn bisect_names_a_planted_record_that_enables_logging_without_the_role() {
    let (db, planted, last) = db_with_planted(plant_logging_without_role);
    assert_eq!(planted, 23);
    assert_eq!(last, 28);
    for args in [
        &["bisect"][..],
        &["bisect", "--invariant", "role-exists-while-logging"],
    ] {
        let out = slrsim(&db.path, args);
        out.code(1, "bisect of a broken log");
        let first = out.stdout.lines().next().unwrap();
        assert!(
            first.starts_with(&format!(
                "role-exists-while-logging first broken after record {planted} ("
            )),
            "{}",
            out.stdout
        );
        assert!(first.contains("account 777788889999"), "{first}");
        assert!(first.contains("us-east-1"), "{first}");
        assert!(
            out.stdout.contains("ConfigureLogsForPlaybackConfiguration"),
            "{}",
            out.stdout
        );
    }
    // The other rules hold all along.
    for name in &STATE_INVARIANTS[1..] {
        let out = slrsim(&db.path, &["bisect", "--invariant", name]);
        out.code(0, name);
        assert!(out.stdout.starts_with("clean"), "{}", out.stdout);
    }
    let store = open_store(&db.path);
    let found = timetravel::bisect(&store, None).unwrap().expect("broken");
    assert_eq!(found.seq, planted);
    assert_eq!(found.invariant, "role-exists-while-logging");
    assert!(found.detail.contains("777788889999"), "{}", found.detail);
    // Before the planted record the rule held; after it (and to the end) it is broken.
    let check = slrsim::core::invariants::state_invariant("role-exists-while-logging").unwrap();
    assert!((check.check)(&timetravel::state_at(&store, planted - 1).unwrap()).is_ok());
    for n in planted..=last {
        assert!((check.check)(&timetravel::state_at(&store, n).unwrap()).is_err());
    }
}

#[test]
fn bisect_names_a_planted_deletion_of_the_role_while_logging_is_on() {
    let (db, planted, _) = db_with_planted(|store| {
        let s = replay::replay(store, None).unwrap().state;
        assert!(s.account(ACCT).service_linked_role().is_some());
        assert!(!s.account(ACCT).enabled_log_configurations().is_empty());
        plant(
            store,
            &json!({"op": "DeleteRole", "params": {"RoleName": SLR}}).to_string(),
            Outcome::Ok {
                events: vec![Event::RoleDeleted {
                    account: ACCT.to_string(),
                    role_name: SLR.to_string(),
                }],
                response: json!({}),
            },
        )
    });
    let out = slrsim(
        &db.path,
        &["bisect", "--invariant", "role-exists-while-logging"],
    );
    out.code(1, "bisect");
    assert!(
        out.stdout.starts_with(&format!(
            "role-exists-while-logging first broken after record {planted} ("
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("account 111122223333"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("DeleteRole"), "{}", out.stdout);
    // The role is gone, so its shape cannot be wrong.
    slrsim(&db.path, &["bisect", "--invariant", "role-identity-fixed"]).code(0, "role shape");
    // A planted record does not re-decide: replay --verify names it too.
    let out = slrsim(&db.path, &["replay", "--verify"]);
    out.code(1, "replay --verify");
    assert!(
        out.stdout
            .starts_with(&format!("record {planted} re-decides differently")),
        "{}",
        out.stdout
    );
}

#[test]
fn bisect_finds_the_planted_record_wherever_it_is() {
    // Every position in a short log, so that every branch of the search is taken.
    for at in 2u64..=14 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        {
            let mut sim = open_sim(&path, Some(Genesis::default()), Some(3));
            sim.execute(action(&put(ACCT_C, "us-east-1", "live")))
                .unwrap();
            while sim.next_seq() < at {
                sim.execute(action(&advance(7))).unwrap();
            }
        }
        let store = open_store(&path);
        assert_eq!(plant_logging_without_role(&store), at);
        while store.next_seq().unwrap() < 15 {
            plant_advance(&store, 3);
        }
        let found = timetravel::bisect(&store, None)
            .unwrap()
            .unwrap_or_else(|| panic!("planted at {at}"));
        assert_eq!(found.seq, at, "planted at {at}");
        assert_eq!(found.invariant, "role-exists-while-logging");
        let found = timetravel::bisect(&store, Some("role-exists-while-logging"))
            .unwrap()
            .unwrap();
        assert_eq!(found.seq, at);
        assert_eq!(
            timetravel::bisect(&store, Some("task-status-forward")).unwrap(),
            None
        );
    }
}

#[test]
fn bisect_reconstructs_o_log_n_states_on_a_2000_record_log() {
    let db = fresh_db();
    let planted_at = 1234u64;
    {
        let mut sim = open_sim(&db.path, Some(Genesis::default()), Some(100));
        sim.execute(action(&put(ACCT_C, "us-east-1", "live")))
            .unwrap();
        sim.execute(action(&put(ACCT, "us-east-1", "live")))
            .unwrap();
        sim.execute(action(&logs(ACCT, "us-east-1", "live", 20)))
            .unwrap();
        let mut i = 0;
        while sim.next_seq() < planted_at {
            let l = if i % 2 == 0 {
                advance(1)
            } else {
                get_role(SLR)
            };
            sim.execute(action(&l)).unwrap();
            i += 1;
        }
    }
    {
        let store = open_store(&db.path);
        assert_eq!(plant_logging_without_role(&store), planted_at);
        store.flush().unwrap();
    }
    {
        // The simulator carries on after the planted record as if nothing happened.
        let mut sim = open_sim(&db.path, None, None);
        let mut i = 0;
        while sim.next_seq() < 2000 {
            let l = if i % 3 == 0 {
                advance(2)
            } else {
                get_role(SLR)
            };
            sim.execute(action(&l)).unwrap();
            i += 1;
        }
    }
    let n = 2000f64;
    let bound = 2.0 * n.log2() + 3.0;
    {
        let store = open_store(&db.path);
        assert_eq!(store.next_seq().unwrap(), 2000);
        let found = timetravel::bisect(&store, None).unwrap().expect("broken");
        assert_eq!(found.seq, planted_at);
        assert_eq!(found.invariant, "role-exists-while-logging");
        assert!(
            f64::from(found.reconstructions) <= bound,
            "{} reconstructions for 2000 records",
            found.reconstructions
        );
        // The last state, then at least floor(log2 n) probes: a search cannot do with fewer.
        assert!(
            f64::from(found.reconstructions) > n.log2().floor(),
            "{} reconstructions for 2000 records",
            found.reconstructions
        );
    }
    let out = slrsim(&db.path, &["bisect"]);
    out.code(1, "bisect of 2000 records");
    let first = out.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("role-exists-while-logging first broken after record 1234 ("),
        "{first}"
    );
    let count: f64 = first
        .split(" (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a reconstruction count in {first}"));
    assert!(count <= bound, "{first}");
}

// ---------------------------------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------------------------------

fn explain_json(db: &Path, id: &str) -> Value {
    let out = slrsim(db, &["explain", id, "--json"]);
    out.code(0, "explain --json");
    out.json()
}

#[test]
fn explain_the_demo_s_deletion_tasks() {
    let db = demo_db();
    let (first, second, last) = (
        task_id_of(&db.path, 10),
        task_id_of(&db.path, 14),
        task_id_of(&db.path, 19),
    );
    let us = "arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live-us";
    let eu = "arn:aws:mediatailor:eu-west-1:111122223333:playbackConfiguration/live-eu";

    let e = explain_json(&db.path, &first);
    let fields: BTreeSet<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "deletion_task_id",
            "account",
            "started_by",
            "finished_by",
            "status",
            "enabled",
            "recent_use",
            "summary"
        ]
        .into_iter()
        .collect()
    );
    assert_eq!(e["deletion_task_id"], first.as_str());
    assert_eq!(e["account"], ACCT);
    assert_eq!(e["started_by"], 10);
    assert_eq!(e["finished_by"], 11);
    assert_eq!(e["status"], "FAILED");
    assert_eq!(
        e["enabled"],
        json!([["eu-west-1", eu, 100, 4], ["us-east-1", us, 50, 3]])
    );
    assert_eq!(
        e["recent_use"],
        json!(["2026-01-01T00:00:00Z", "us-east-1", 8])
    );
    let text = slrsim(&db.path, &["explain", &first]);
    text.code(0, "explain");
    assert_eq!(text.stdout.trim_end(), e["summary"].as_str().unwrap());
    for needle in [
        "was started by record 10 and ended FAILED during record 11",
        &format!("eu-west-1: {eu} had PercentEnabled 100, set by record 4."),
        &format!("us-east-1: {us} had PercentEnabled 50, set by record 3."),
        "MediaTailor used the role in us-east-1 at 2026-01-01T00:00:00Z (record 8)",
        "Set PercentEnabled to 0",
    ] {
        assert!(text.stdout.contains(needle), "{needle}\n{}", text.stdout);
    }

    let e = explain_json(&db.path, &second);
    assert_eq!(e["started_by"], 14);
    assert_eq!(e["finished_by"], 15);
    assert_eq!(e["status"], "FAILED");
    assert_eq!(e["enabled"], json!([["eu-west-1", eu, 100, 4]]));
    assert_eq!(
        e["recent_use"],
        json!(["2026-01-01T00:00:00Z", "us-east-1", 8])
    );

    let e = explain_json(&db.path, &last);
    assert_eq!(e["started_by"], 19);
    assert_eq!(e["finished_by"], 20);
    assert_eq!(e["status"], "SUCCEEDED");
    assert_eq!(e["enabled"], json!([]));
    assert_eq!(e["recent_use"], Value::Null);
    let summary = e["summary"].as_str().unwrap();
    assert!(
        summary.contains("ended SUCCEEDED during record 20"),
        "{summary}"
    );
    assert!(summary.contains("the role was deleted"), "{summary}");
    assert!(!summary.contains("Set PercentEnabled to 0"), "{summary}");
}

#[test]
fn explain_of_an_unknown_task_is_an_error() {
    let db = demo_db();
    let out = slrsim(&db.path, &["explain", "task/no-such-task"]);
    out.code(2, "explain of an unknown task");
    assert!(
        out.stderr.contains("no deletion task `task/no-such-task`"),
        "{}",
        out.stderr
    );
    slrsim(&db.path, &["explain", "task/no-such-task", "--json"]).code(2, "--json too");
    let store = open_store(&db.path);
    assert!(matches!(
        timetravel::explain(&store, "nope"),
        Err(StoreError::NoSuchTask { .. })
    ));
}

#[test]
fn explain_of_an_unfinished_task_says_so() {
    let db = fresh_db();
    run_lines(
        &db.path,
        None,
        &[
            put(ACCT, "us-east-1", "live"),
            logs(ACCT, "us-east-1", "live", 10),
            line(
                ACCT,
                "us-east-1",
                "DeleteServiceLinkedRole",
                json!({"RoleName": SLR}),
            ),
        ],
    );
    let id = task_id_of(&db.path, 3);
    let e = explain_json(&db.path, &id);
    assert_eq!(e["status"], "NOT_STARTED");
    assert_eq!(e["started_by"], 3);
    assert_eq!(e["finished_by"], Value::Null);
    assert!(
        e["summary"]
            .as_str()
            .unwrap()
            .contains("has not finished yet: it is NOT_STARTED"),
        "{}",
        e["summary"]
    );
    run_lines(&db.path, None, &[advance(10)]);
    let e = explain_json(&db.path, &id);
    assert_eq!(e["status"], "IN_PROGRESS");
    assert_eq!(e["finished_by"], Value::Null);
    run_lines(&db.path, None, &[advance(20)]);
    let e = explain_json(&db.path, &id);
    assert_eq!(e["status"], "FAILED");
    assert_eq!(e["finished_by"], 5);
    assert_eq!(
        e["enabled"],
        json!([[
            "us-east-1",
            "arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live",
            10,
            2
        ]])
    );
}

#[test]
fn explain_looks_only_at_the_task_s_account_and_the_in_use_window() {
    // Account A used the role at T0; its task finishes exactly 300 s later (not "recent": the window
    // is less than 300 s) while account B logs. A second task, finishing at 299 s after a use, fails.
    let db = fresh_db();
    run_lines(
        &db.path,
        None,
        &[
            put(ACCT, "us-east-1", "live"),       // 1
            logs(ACCT, "us-east-1", "live", 100), // 2
            line(
                ACCT,
                "us-east-1",
                "ServeSessions",
                json!({"PlaybackConfigurationName": "live", "Sessions": 10}),
            ), // 3: used at T0
            logs(ACCT, "us-east-1", "live", 0),   // 4
            put(ACCT_B, "eu-west-1", "b"),        // 5
            logs(ACCT_B, "eu-west-1", "b", 50),   // 6
            line(
                ACCT_B,
                "eu-west-1",
                "ServeSessions",
                json!({"PlaybackConfigurationName": "b", "Sessions": 10}),
            ), // 7: B used its role at T0
            advance(270),                         // 8
            line(
                ACCT,
                "us-east-1",
                "DeleteServiceLinkedRole",
                json!({"RoleName": SLR}),
            ), // 9 @ T0+270
            advance(60),                          // 10: finishes at T0+300
            logs(ACCT, "us-east-1", "live", 100), // 11: the role again
            line(
                ACCT,
                "us-east-1",
                "ServeSessions",
                json!({"PlaybackConfigurationName": "live", "Sessions": 10}),
            ), // 12: used at T0+330
            logs(ACCT, "us-east-1", "live", 0),   // 13
            advance(269),                         // 14
            line(
                ACCT,
                "us-east-1",
                "DeleteServiceLinkedRole",
                json!({"RoleName": SLR}),
            ), // 15 @ T0+599
            advance(60),                          // 16: finishes at T0+629, 299 s after use
        ],
    );
    let ok = explain_json(&db.path, &task_id_of(&db.path, 9));
    assert_eq!(ok["status"], "SUCCEEDED");
    assert_eq!(ok["finished_by"], 10);
    assert_eq!(ok["enabled"], json!([]), "account B's logging is not A's");
    assert_eq!(ok["recent_use"], Value::Null, "300 s is not recent");
    let failed = explain_json(&db.path, &task_id_of(&db.path, 15));
    assert_eq!(failed["status"], "FAILED");
    assert_eq!(failed["finished_by"], 16);
    assert_eq!(failed["enabled"], json!([]));
    assert_eq!(
        failed["recent_use"],
        json!([slrsim::core::clock::format(T0 + 330), "us-east-1", 12])
    );
    let summary = failed["summary"].as_str().unwrap();
    assert!(summary.contains("(record 12)"), "{summary}");
    assert!(!summary.contains("Set PercentEnabled to 0"), "{summary}");
}

#[test]
fn explain_takes_a_unique_ending_of_a_task_id() {
    let db = demo_db();
    let ids = [
        task_id_of(&db.path, 10),
        task_id_of(&db.path, 14),
        task_id_of(&db.path, 19),
    ];
    // The timeline shows the last 8 characters of an id: they are enough.
    for id in &ids {
        let tail = id.get(id.len() - 8..).expect("an ASCII task id");
        assert_eq!(
            explain_json(&db.path, tail),
            explain_json(&db.path, id),
            "{tail}"
        );
    }
    let store = open_store(&db.path);
    let e = timetravel::explain(
        &store,
        ids[1].get(ids[1].len() - 12..).expect("an ASCII task id"),
    )
    .unwrap();
    assert_eq!(e.deletion_task_id, ids[1]);
    assert_eq!(e.started_by, 14);
    drop(store);
    // An ending several ids share is refused, naming how many; so is one no id has, or nothing.
    // The demo's seed is fixed: its second and third task ids both end with "f".
    assert!(ids[1].ends_with('f') && ids[2].ends_with('f') && !ids[0].ends_with('f'));
    let out = slrsim(&db.path, &["explain", "f"]);
    out.code(2, "an ambiguous ending");
    assert!(
        out.stderr
            .contains("`f` ends 2 deletion task ids; give more of the id"),
        "{}",
        out.stderr
    );
    let out = slrsim(&db.path, &["explain", "zzzzzzzz"]);
    out.code(2, "an ending no id has");
    assert!(
        out.stderr.contains("no deletion task `zzzzzzzz`"),
        "{}",
        out.stderr
    );
    let out = slrsim(&db.path, &["explain", ""]);
    out.code(2, "an empty id");
    assert!(out.stderr.contains("no deletion task ``"), "{}", out.stderr);
}

#[test]
fn explain_forgets_logging_of_a_deleted_configuration() {
    // Logging was on for `live`, but the configuration was deleted before the task ran: it no longer
    // uses the role.
    let db = fresh_db();
    run_lines(
        &db.path,
        None,
        &[
            put(ACCT, "us-east-1", "live"),      // 1
            logs(ACCT, "us-east-1", "live", 50), // 2
            put(ACCT, "eu-west-1", "kept"),      // 3
            logs(ACCT, "eu-west-1", "kept", 20), // 4
            line(
                ACCT,
                "us-east-1",
                "DeletePlaybackConfiguration",
                json!({"Name": "live"}),
            ), // 5
            put(ACCT, "us-east-1", "live"), // 6: a new configuration of the same name, logging off
            line(
                ACCT,
                "us-east-1",
                "DeleteServiceLinkedRole",
                json!({"RoleName": SLR}),
            ), // 7
            advance(60),                    // 8
        ],
    );
    let e = explain_json(&db.path, &task_id_of(&db.path, 7));
    assert_eq!(e["status"], "FAILED");
    assert_eq!(
        e["enabled"],
        json!([[
            "eu-west-1",
            "arn:aws:mediatailor:eu-west-1:111122223333:playbackConfiguration/kept",
            20,
            4
        ]])
    );
    run_lines(
        &db.path,
        None,
        &[
            logs(ACCT, "eu-west-1", "kept", 0), // 9
            line(
                ACCT,
                "eu-west-1",
                "DeletePlaybackConfiguration",
                json!({"Name": "kept"}),
            ), // 10
            line(
                ACCT,
                "us-east-1",
                "DeleteServiceLinkedRole",
                json!({"RoleName": SLR}),
            ), // 11
            advance(60),                        // 12
        ],
    );
    let e = explain_json(&db.path, &task_id_of(&db.path, 11));
    assert_eq!(e["status"], "SUCCEEDED");
    assert_eq!(e["enabled"], json!([]));
}

#[test]

fn explain_keeps_the_recent_use_when_an_unrelated_role_is_deleted() {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let db = fresh_db();
    run_lines(
        &db.path,
        None,
        &[
            put(ACCT, "us-east-1", "live"),       // 1
            logs(ACCT, "us-east-1", "live", 100), // 2
            line(
                ACCT,
                "us-east-1",
                "CreateRole",
                json!({"RoleName": "other", "AssumeRolePolicyDocument": trust}),
            ), // 3
            line(
                ACCT,
                "us-east-1",
                "ServeSessions",
                json!({"PlaybackConfigurationName": "live", "Sessions": 10}),
            ), // 4
            logs(ACCT, "us-east-1", "live", 0),   // 5
            line(
                ACCT,
                "us-east-1",
                "DeleteServiceLinkedRole",
                json!({"RoleName": SLR}),
            ), // 6
            line(
                ACCT,
                "us-east-1",
                "DeleteRole",
                json!({"RoleName": "other"}),
            ), // 7
            advance(60),                          // 8
        ],
    );
    let id = task_id_of(&db.path, 6);
    let g = slrsim(&db.path, &["get", "task", &id]);
    g.code(0, "get task");
    assert_eq!(
        g.json()["status"],
        "FAILED",
        "the task failed: the role was used at record 4"
    );
    let e = explain_json(&db.path, &id);
    assert_eq!(e["status"], "FAILED");
    assert_eq!(
        e["recent_use"],
        json!(["2026-01-01T00:00:00Z", "us-east-1", 4]),
        "{}",
        e["summary"]
    );
}

// ---------------------------------------------------------------------------------------------------
// replay --verify
// ---------------------------------------------------------------------------------------------------

#[test]
fn replay_verify_passes_on_a_normal_log() {
    let db = demo_db();
    let out = slrsim(&db.path, &["replay", "--verify"]);
    out.code(0, "replay --verify");
    assert!(
        out.stdout.contains("every logged action re-decides"),
        "{}",
        out.stdout
    );
    slrsim(&db.path, &["replay"]).code(2, "replay without --verify");
    let store = open_store(&db.path);
    assert_eq!(timetravel::replay_verify(&store).unwrap(), None);
}

#[test]
fn replay_verify_names_the_first_record_whose_logged_outcome_differs() {
    let db = demo_db();
    {
        let store = open_store(&db.path);
        // Record 5 (GetRole) and record 12 (GetServiceLinkedRoleDeletionStatus) now claim other
        // responses; the chain is re-hashed, so only re-deciding can tell.
        forge(&store, 12, |rec| match &mut rec.outcome {
            Outcome::Ok { response, .. } => response["Status"] = json!("SUCCEEDED"),
            Outcome::Error { .. } => panic!("record 12 succeeded"),
        });
        forge(&store, 5, |rec| match &mut rec.outcome {
            Outcome::Ok { response, .. } => {
                response["Role"]["RoleId"] = json!("AROAFORGEDFORGEDFORGE")
            }
            Outcome::Error { .. } => panic!("record 5 succeeded"),
        });
        let (seq, logged, now) = timetravel::replay_verify(&store).unwrap().expect("differs");
        assert_eq!(seq, 5);
        assert_ne!(logged, now);
        let Outcome::Ok { response, .. } = &logged else {
            panic!("logged ok")
        };
        assert_eq!(response["Role"]["RoleId"], "AROAFORGEDFORGEDFORGE");
        let Outcome::Ok { response, .. } = &now else {
            panic!("now ok")
        };
        assert!(
            response["Role"]["RoleId"]
                .as_str()
                .unwrap()
                .starts_with("AROA")
        );
        assert_ne!(response["Role"]["RoleId"], "AROAFORGEDFORGEDFORGE");
    }
    let out = slrsim(&db.path, &["replay", "--verify"]);
    out.code(1, "replay --verify of a forged log");
    let ls: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(ls[0], "record 5 re-decides differently", "{}", out.stdout);
    assert!(
        ls[1].starts_with("logged: ") && ls[1].contains("AROAFORGEDFORGEDFORGE"),
        "{}",
        ls[1]
    );
    assert!(
        ls[2].starts_with("now: ") && !ls[2].contains("AROAFORGEDFORGEDFORGE"),
        "{}",
        ls[2]
    );
    assert!(!out.stdout.contains("record 12"), "only the first is named");
}

#[test]
fn replay_verify_names_a_changed_refusal() {
    // A refused call logged as a different refusal (another message) differs too.
    let db = demo_db();
    {
        let store = open_store(&db.path);
        forge(&store, 22, |rec| match &mut rec.outcome {
            Outcome::Error { error, .. } => error.message = "something else".to_string(),
            Outcome::Ok { .. } => panic!("record 22 is a refused GetRole"),
        });
    }
    let out = slrsim(&db.path, &["replay", "--verify"]);
    out.code(1, "replay --verify");
    assert!(
        out.stdout.starts_with("record 22 re-decides differently"),
        "{}",
        out.stdout
    );
}

// ---------------------------------------------------------------------------------------------------
// log filters
// ---------------------------------------------------------------------------------------------------

#[test]
fn log_filters_keep_exactly_the_matching_records() {
    let db = fresh_db();
    run_lines(
        &db.path,
        None,
        &[
            header(5),
            put(ACCT, "us-east-1", "live"),                // 1
            put(ACCT, "eu-west-1", "live-eu"),             // 2
            put(ACCT_B, "ap-northeast-1", "live-ap"),      // 3
            logs(ACCT, "us-east-1", "live", 10),           // 4
            logs(ACCT, "eu-west-1", "live-eu", 101),       // 5 refused
            logs(ACCT_B, "ap-northeast-1", "live-ap", 20), // 6
            get_role(SLR),                                 // 7
            line(
                ACCT_B,
                "us-east-1",
                "GetRole",
                json!({"RoleName": "missing"}),
            ), // 8 refused
            line(
                ACCT,
                "eu-west-1",
                "ServeSessions",
                json!({"PlaybackConfigurationName": "live-eu", "Sessions": 10}),
            ), // 9
            advance(30),                                   // 10
            line(ACCT_B, "eu-west-1", "DescribeLogGroups", json!({})), // 11
            line(
                ACCT,
                "eu-west-1",
                "GetPlaybackConfiguration",
                json!({"Name": "nope"}),
            ), // 12 refused
            logs(ACCT_B, "eu-west-1", "nope", 5),          // 13 refused
        ],
    );
    let all = log_records(&db.path, &[]);
    assert_eq!(all.len(), 14);
    let seqs =
        |recs: &[Value]| -> Vec<u64> { recs.iter().map(|r| r["seq"].as_u64().unwrap()).collect() };
    let expect = |pred: &dyn Fn(&Value) -> bool| -> Vec<u64> {
        all.iter()
            .filter(|r| pred(r))
            .map(|r| r["seq"].as_u64().unwrap())
            .collect()
    };
    let account = |r: &Value| r["action"]["account"].as_str().unwrap().to_string();
    let region = |r: &Value| r["action"]["region"].as_str().unwrap().to_string();
    let op = |r: &Value| r["action"]["op"].as_str().unwrap().to_string();
    let refused = |r: &Value| r["outcome"].get("error").is_some();

    let cases: Vec<(Vec<&str>, Vec<u64>, Vec<u64>)> = vec![
        (
            vec!["--account", ACCT_B],
            expect(&|r| account(r) == ACCT_B),
            vec![3, 6, 8, 11, 13],
        ),
        (
            vec!["--region", "eu-west-1"],
            expect(&|r| region(r) == "eu-west-1"),
            vec![2, 5, 9, 11, 12, 13],
        ),
        (
            vec!["--op", "ConfigureLogsForPlaybackConfiguration"],
            expect(&|r| op(r) == "ConfigureLogsForPlaybackConfiguration"),
            vec![4, 5, 6, 13],
        ),
        (vec!["--errors"], expect(&refused), vec![5, 8, 12, 13]),
        (
            vec!["--account", ACCT_B, "--errors"],
            expect(&|r| account(r) == ACCT_B && refused(r)),
            vec![8, 13],
        ),
        (
            vec![
                "--region",
                "eu-west-1",
                "--op",
                "ConfigureLogsForPlaybackConfiguration",
                "--account",
                ACCT,
            ],
            expect(&|r| {
                region(r) == "eu-west-1"
                    && op(r) == "ConfigureLogsForPlaybackConfiguration"
                    && account(r) == ACCT
            }),
            vec![5],
        ),
        (vec!["--op", "NoSuchOperation"], vec![], vec![]),
        (vec!["--account", "999999999999"], vec![], vec![]),
    ];
    for (args, computed, literal) in cases {
        assert_eq!(computed, literal, "{args:?}: the scenario is as intended");
        let got = log_records(&db.path, &args);
        assert_eq!(seqs(&got), literal, "log --json {args:?}");
        // The kept records are the stored ones, unchanged.
        for r in &got {
            assert_eq!(r, &all[r["seq"].as_u64().unwrap() as usize]);
        }
        // The text view keeps the same records.
        let mut text_args = vec!["log"];
        text_args.extend_from_slice(&args);
        let text = slrsim(&db.path, &text_args);
        text.code(0, "log");
        let text_seqs: Vec<u64> = text
            .stdout
            .lines()
            .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(text_seqs, literal, "log {args:?}");
    }
    // Filters combine with --from/--to, and the timeline's role column still follows the whole log.
    let got = log_records(
        &db.path,
        &["--account", ACCT_B, "--from", "4", "--to", "11"],
    );
    assert_eq!(seqs(&got), vec![6, 8, 11]);
    let text = slrsim(
        &db.path,
        &["log", "--account", ACCT, "--from", "7", "--to", "7"],
    );
    text.code(0, "log");
    assert_eq!(text.stdout.lines().count(), 1);
    assert!(text.stdout.contains("[role: AROA"), "{}", text.stdout);
}
