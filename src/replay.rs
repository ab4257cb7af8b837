//! Reading the log back: rebuilding the state from events, and verifying that the log is intact and
//! that the current code re-decides every logged action to the logged outcome.

use crate::decide::decide;
use crate::error::StoreError;
use crate::record::{self, HASH_LEN, Outcome, Record};
use crate::reducer::apply_mut;
use crate::state::State;
use crate::store::Store;

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
    mut f: impl FnMut(&Record) -> Result<(), StoreError>,
) -> Result<[u8; HASH_LEN], StoreError> {
    let mut prev = record::genesis_hash();
    for (expected, item) in (0u64..).zip(store.iter_from(0)) {
        let (seq, value) = item?;
        if let Some(u) = upto {
            if seq > u {
                break;
            }
        }
        if seq != expected {
            return Err(StoreError::Corrupt {
                seq: expected,
                detail: format!("the record is missing (the next stored record is {seq})"),
            });
        }
        let (rec, hash) = record::decode(seq, &value, &prev)?;
        f(&rec)?;
        prev = hash;
    }
    Ok(prev)
}

/// Rebuilds the state after record `upto` (or after the last record) by applying logged events.
pub fn replay(store: &Store, upto: Option<u64>) -> Result<Replayed, StoreError> {
    let mut state = State::default();
    let mut next_seq = 0;
    let last_hash = for_each_record(store, upto, |rec| {
        for e in rec.outcome.events() {
            apply_mut(&mut state, e);
        }
        next_seq = rec.seq + 1;
        Ok(())
    })?;
    if let Some(u) = upto {
        if next_seq <= u {
            return Err(StoreError::Mismatch(format!(
                "record {u} does not exist: the log ends at {}",
                next_seq.saturating_sub(1)
            )));
        }
    }
    Ok(Replayed {
        state,
        next_seq,
        last_hash,
    })
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
}

/// Checks the chain, re-decides every logged action with the current code and compares outcomes and
/// times, and compares the replayed state with the live state's hash stored at the last flush.
pub fn verify(store: &Store) -> Result<Verification, StoreError> {
    let mut state = State::default();
    let mut records = 0u64;
    let mut problem: Option<(u64, String)> = None;
    let walk = for_each_record(store, None, |rec| {
        records += 1;
        if problem.is_none() {
            let expected = crate::decide::action_time(&state, &rec.action);
            if rec.time != expected {
                problem = Some((
                    rec.seq,
                    format!(
                        "its time {} is not the simulated clock {} at that point",
                        crate::clock::format(rec.time),
                        crate::clock::format(expected)
                    ),
                ));
            } else {
                let again = match decide(&state, rec.seq, &rec.action) {
                    Ok(d) => Outcome::Ok {
                        events: d.events,
                        response: d.response,
                    },
                    Err(error) => Outcome::Error { error },
                };
                if again != rec.outcome {
                    problem = Some((
                        rec.seq,
                        format!(
                            "{} re-decides to a different outcome than the logged one (logged: {}; now: {})",
                            rec.action.op.name(),
                            short(&rec.outcome),
                            short(&again)
                        ),
                    ));
                }
            }
        }
        for e in rec.outcome.events() {
            apply_mut(&mut state, e);
        }
        Ok(())
    });
    if let Err(StoreError::Corrupt { seq, detail }) = walk {
        return Ok(Verification {
            records,
            problem: Some((seq, detail)),
            state_hash: state.hash(),
        });
    }
    walk?;
    let state_hash = state.hash();
    if problem.is_none() {
        if let Some(bytes) = store.meta(crate::simulator::META_LIVE)? {
            let live: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let seq = live.get("seq").and_then(serde_json::Value::as_u64);
            let hash = live.get("state_hash").and_then(serde_json::Value::as_str);
            let last = records.saturating_sub(1);
            match seq {
                Some(s) if s > last => {
                    problem = Some((
                        last + 1,
                        format!(
                            "the record is missing: the log ends at {last}, but it reached {s} when it was last flushed"
                        ),
                    ));
                }
                Some(s) if s == last && hash != Some(state_hash.as_str()) => {
                    problem = Some((
                        last,
                        "the state replayed from the log differs from the live state recorded at the last flush".to_string(),
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(Verification {
        records,
        problem,
        state_hash,
    })
}

fn short(o: &Outcome) -> String {
    match o {
        Outcome::Ok { events, .. } => format!("ok with {} events", events.len()),
        Outcome::Error { error } => format!("{}", error.code),
    }
}
