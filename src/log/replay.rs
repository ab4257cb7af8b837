//! Reading the log back: rebuilding the state from events, and verifying that the log is intact and
//! that the current code re-decides every logged action to the logged outcome.

use crate::core::apply::apply_mut;

use crate::core::outcome::Outcome;
use crate::core::state::State;
use crate::log::error::StoreError;
use crate::log::record::{self, HASH_LEN, Record};
use crate::log::snapshot::{self, Snapshot};
use crate::log::store::Store;

/// A state rebuilt from the log.
#[derive(Debug, Clone)]
pub struct Replayed {
    /// The state after the last record read.
    pub state: State,
    /// The number after the last record read.
    pub next_seq: u64,
    /// The chain hash of the last record read.
    pub last_hash: [u8; HASH_LEN],
}

/// Visits every record up to and including `upto` (all when `None`), checking the chain and that
/// numbers are contiguous from 0.
pub fn for_each_record(
    store: &Store,
    upto: Option<u64>,
    f: impl FnMut(&Record) -> Result<(), StoreError>,
) -> Result<[u8; HASH_LEN], StoreError> {
    for_each_record_from(store, 0, record::genesis_hash(), upto, f)
}

/// Visits the records from `from` up to and including `upto`, checking the chain from `prev` (the
/// chain hash of record `from - 1`, or the genesis hash) and that numbers are contiguous.
pub fn for_each_record_from(
    store: &Store,
    from: u64,
    prev: [u8; HASH_LEN],
    upto: Option<u64>,
    mut f: impl FnMut(&Record) -> Result<(), StoreError>,
) -> Result<[u8; HASH_LEN], StoreError> {
    walk(store, from, prev, upto, record::decode, |_, rec| f(&rec))
}

/// Like [`for_each_record_from`], but reads only each record's events (the action and the response are
/// skipped): the walk behind replay and time travel.
pub fn for_each_events_from(
    store: &Store,
    from: u64,
    prev: [u8; HASH_LEN],
    upto: Option<u64>,
    mut f: impl FnMut(u64, &[crate::core::event::Event]) -> Result<(), StoreError>,
) -> Result<[u8; HASH_LEN], StoreError> {
    walk(
        store,
        from,
        prev,
        upto,
        record::decode_events,
        |seq, events| f(seq, &events),
    )
}

/// The one walk over stored records: contiguous numbers from `from`, each checked against the chain
/// and decoded by `decode`, until `upto`.
fn walk<T>(
    store: &Store,
    from: u64,
    mut prev: [u8; HASH_LEN],
    upto: Option<u64>,
    decode: impl Fn(u64, &[u8], &[u8; HASH_LEN]) -> Result<(T, [u8; HASH_LEN]), StoreError>,
    mut f: impl FnMut(u64, T) -> Result<(), StoreError>,
) -> Result<[u8; HASH_LEN], StoreError> {
    for (expected, item) in (from..).zip(store.iter_from(from)) {
        let (seq, value) = item?;
        // A gap is checked before the end of the range: a missing record inside the range must be
        // named, never skipped.
        if seq != expected && upto.is_none_or(|u| expected <= u) {
            return Err(StoreError::Corrupt {
                seq: expected,
                detail: format!("the record is missing (the next stored record is {seq})"),
            });
        }
        if upto.is_some_and(|u| seq > u) {
            break;
        }
        let (decoded, hash) = decode(seq, &value, &prev)?;
        f(seq, decoded)?;
        prev = hash;
    }
    Ok(prev)
}

/// The newest snapshot at or before `seq` that can be trusted: its checksum verifies and its chain hash
/// is the stored hash of its record. Returns it and the sequence numbers of damaged ones skipped.
pub fn trusted_snapshot(
    store: &Store,
    seq: u64,
) -> Result<(Option<Snapshot>, Vec<u64>), StoreError> {
    let mut skipped = Vec::new();
    for item in store.snapshots_before(seq) {
        let (at, value) = item?;
        let checked = snapshot::decode(at, &value).and_then(|snap| {
            let stored = store
                .get(at)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| "its record is missing".to_string())?;
            let hash = record::stored_hash(&stored).map(|h| snapshot::hex(&h));
            if hash.as_deref() == Some(snap.chain_hash.as_str()) {
                Ok(snap)
            } else {
                Err("its chain hash is not its record's".to_string())
            }
        });
        match checked {
            Ok(snap) => return Ok((Some(snap), skipped)),
            Err(why) => {
                tracing::warn!(snapshot = at, %why, "snapshot skipped; the state is rebuilt from the log");
                skipped.push(at);
            }
        }
    }
    Ok((None, skipped))
}

/// The state after record `upto` (or the last record): the newest trustworthy snapshot at or before it,
/// plus the records after it. Damaged snapshots are skipped, never trusted.
pub fn state_at(store: &Store, upto: Option<u64>) -> Result<Replayed, StoreError> {
    let last = match store.last()? {
        Some((s, _)) => s,
        None => {
            return Ok(Replayed {
                state: State::default(),
                next_seq: 0,
                last_hash: record::genesis_hash(),
            });
        }
    };
    let target = upto.unwrap_or(last);
    if target > last {
        return Err(StoreError::NoSuchRecord {
            seq: target,
            last: Some(last),
        });
    }
    let (snap, _) = trusted_snapshot(store, target)?;
    let Some(snap) = snap else {
        return replay(store, Some(target));
    };
    let Some(prev) = snapshot::unhex(&snap.chain_hash) else {
        return replay(store, Some(target));
    };
    let mut state = snap.state;
    let last_hash = for_each_events_from(store, snap.seq + 1, prev, Some(target), |_, events| {
        for e in events {
            apply_mut(&mut state, e);
        }
        Ok(())
    })?;
    Ok(Replayed {
        state,
        next_seq: target + 1,
        last_hash,
    })
}

/// Rebuilds the state after record `upto` (or after the last record) by applying logged events.
pub fn replay(store: &Store, upto: Option<u64>) -> Result<Replayed, StoreError> {
    let mut state = State::default();
    let mut next_seq = 0;
    let last_hash = for_each_events_from(store, 0, record::genesis_hash(), upto, |seq, events| {
        for e in events {
            apply_mut(&mut state, e);
        }
        next_seq = seq + 1;
        Ok(())
    })?;
    if let Some(u) = upto {
        if next_seq <= u {
            return Err(StoreError::NoSuchRecord {
                seq: u,
                last: next_seq.checked_sub(1),
            });
        }
    }
    Ok(Replayed {
        state,
        next_seq,
        last_hash,
    })
}

/// What the current code decides for a logged record's action, in the state before it.
pub fn redecide(state: &State, rec: &Record) -> Outcome {
    crate::core::decide::outcome(state, rec.seq, &rec.action)
}

/// The version of the rules a log was decided by, from its genesis record (1 for a log written
/// before rules had versions).
pub fn rules_of(genesis: &Record) -> u32 {
    match &genesis.action.op {
        crate::core::action::Operation::Genesis(p) => p.rules.unwrap_or(1),
        _ => 1,
    }
}

/// Re-decides a record of a log decided by `rules` and compares it with the logged outcome, upgraded
/// to the current rules (`core::rules::upgrade`): `Err` of (the logged outcome upgraded, the outcome
/// now) when they differ. A record these rules decide differently by design is not compared.
pub fn check_redecided(
    state: &State,
    rec: &Record,
    rules: u32,
) -> Result<(), Box<(Outcome, Outcome)>> {
    let Some(logged) = crate::core::rules::upgrade(rules, &rec.action, &rec.outcome) else {
        return Ok(());
    };
    let now = redecide(state, rec);
    if now == logged {
        Ok(())
    } else {
        Err(Box::new((logged, now)))
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Records read.
    pub records: u64,
    /// The first problem: its sequence number and what is wrong. `None` when the log is sound.
    pub problem: Option<(u64, String)>,
    /// Hash of the state replayed from the log.
    pub state_hash: String,
    /// Snapshots that were missing or damaged and were rebuilt from the log.
    pub snapshots_rebuilt: Vec<u64>,
}

/// Checks the chain, re-decides every logged action with the current code and compares outcomes and
/// times, and compares the replayed state with the live state's hash stored at the last flush.
pub fn verify(store: &Store) -> Result<Verification, StoreError> {
    let mut state = State::default();
    let mut records = 0u64;
    let mut problem: Option<(u64, String)> = None;
    let every = crate::log::meta::snapshot_every_or_default(store)?;
    let mut snapshots_rebuilt = Vec::new();
    let mut last_snapshot = 0u64;
    let mut rules = 1;
    let walk = for_each_record(store, None, |rec| {
        records += 1;
        if rec.seq == 0 {
            rules = rules_of(rec);
        }
        if problem.is_none() {
            problem = record_problem(&state, rec, rules);
        }
        for e in rec.outcome.events() {
            apply_mut(&mut state, e);
        }
        if problem.is_none() && snapshot::due(rec.seq, every, last_snapshot, &state) {
            last_snapshot = rec.seq;
            if rebuild_snapshot(store, rec.seq, &state)? {
                snapshots_rebuilt.push(rec.seq);
            }
        }
        Ok(())
    });
    if let Err(StoreError::Corrupt { seq, detail }) = walk {
        return Ok(Verification {
            records,
            problem: Some((seq, detail)),
            state_hash: state.hash(),
            snapshots_rebuilt,
        });
    }
    walk?;
    let state_hash = state.hash();
    if problem.is_none() {
        problem = head_problem(store);
    }
    if problem.is_none() {
        problem = live_problem(store, records, &state_hash)?;
    }
    Ok(Verification {
        records,
        problem,
        state_hash,
        snapshots_rebuilt,
    })
}

/// What is wrong with a record read in `state`, the state before it: a time that is not the simulated
/// clock, or an outcome the current code does not decide again.
fn record_problem(state: &State, rec: &Record, rules: u32) -> Option<(u64, String)> {
    let expected = crate::core::decide::action_time(state, &rec.action);
    if rec.time != expected {
        return Some((
            rec.seq,
            format!(
                "its time {} is not the simulated clock {} at that point",
                crate::core::clock::format(rec.time),
                crate::core::clock::format(expected)
            ),
        ));
    }
    if let Err(differ) = check_redecided(state, rec, rules) {
        let (logged, again) = *differ;
        return Some((
            rec.seq,
            format!(
                "{} re-decides to a different outcome than the logged one (logged: {}; now: {})",
                rec.action.op.name(),
                short(&logged),
                short(&again)
            ),
        ));
    }
    None
}

/// Checks the snapshot due after record `seq` against `state`, the state after it; writes it again if
/// it is missing, damaged or wrong (a snapshot is a cache, rebuilt from the log). Says whether it did.
fn rebuild_snapshot(store: &Store, seq: u64, state: &State) -> Result<bool, StoreError> {
    let stored = store.get(seq)?.unwrap_or_default();
    let hash = record::stored_hash(&stored).unwrap_or([0; HASH_LEN]);
    let good = store
        .snapshots_before(seq)
        .next()
        .transpose()?
        .filter(|(at, _)| *at == seq)
        .and_then(|(at, v)| snapshot::decode(at, &v).ok())
        .is_some_and(|snap| snap.state == *state && snap.chain_hash == snapshot::hex(&hash));
    if !good {
        store.put_snapshot(seq, &snapshot::encode(seq, &hash, state)?)?;
    }
    Ok(!good)
}

/// What the head file, written outside sled at each flush, says is wrong: a log that lost its end, or
/// one altered since.
fn head_problem(store: &Store) -> Option<(u64, String)> {
    match store.head_check() {
        crate::log::store::HeadCheck::RolledBack { ends, acknowledged } => Some((
            ends.map_or(0, |e| e + 1),
            format!(
                "the record is missing: the log ends at {}, but record {acknowledged} was acknowledged (the head file says so)",
                ends.map_or("nothing".to_string(), |e| e.to_string())
            ),
        )),
        crate::log::store::HeadCheck::Differs { seq } => Some((
            *seq,
            "its chain hash is not the one acknowledged at the last flush (the head file's): the log was altered or replaced since".to_string(),
        )),
        _ => None,
    }
}

/// What the live state recorded at the last flush says is wrong with a log of `records` records whose
/// replayed state hashes to `state_hash`: records missing from its end, or a different state.
fn live_problem(
    store: &Store,
    records: u64,
    state_hash: &str,
) -> Result<Option<(u64, String)>, StoreError> {
    let Some(bytes) = store.meta(crate::log::meta::META_LIVE)? else {
        return Ok(None);
    };
    let live: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let seq = live.get("seq").and_then(serde_json::Value::as_u64);
    let hash = live.get("state_hash").and_then(serde_json::Value::as_str);
    let last = records.saturating_sub(1);
    Ok(match seq {
        Some(s) if s > last => Some((
            last + 1,
            format!(
                "the record is missing: the log ends at {last}, but it reached {s} when it was last flushed"
            ),
        )),
        Some(s) if s == last && hash.is_some_and(|h| h != state_hash) => Some((
            last,
            "the state replayed from the log differs from the live state recorded at the last flush".to_string(),
        )),
        _ => None,
    })
}

/// An outcome in a few words, for `verify`'s message.
fn short(o: &Outcome) -> String {
    match o {
        Outcome::Ok { events, .. } => format!("ok with {} events", events.len()),
        Outcome::Error { error, .. } => format!("{}", error.code),
    }
}
