//! Snapshots: the state after every K-th record, stored beside the log so that the state at any record is
//! one snapshot plus at most K applies. A snapshot is a cache, never a source of truth: it carries a
//! BLAKE3 checksum of its body and the chain hash of its record, and one that does not verify is skipped
//! and rebuilt from the log.

use serde::{Deserialize, Serialize};

use crate::core::state::State;
use crate::log::record::HASH_LEN;

/// How often a snapshot is taken when the log does not say (records).
pub const DEFAULT_EVERY: u64 = 1000;

/// States of at least this many objects ([`State::weight`]) are snapshotted less often.
pub const LARGE_STATE: u64 = 1000;

/// Whether a snapshot is due after record `seq`, the last one having been taken after `last`.
///
/// Every `every`-th record. A snapshot costs about one record's work per object in the state, so a
/// large state (thousands of retained deletion tasks) waits until at least as many records have
/// passed since the last snapshot as it has objects: the cost per record stays bounded. The rule
/// depends only on the state and the numbers, so the simulator and `verify` agree on it.
pub fn due(seq: u64, every: u64, last: u64, state: &State) -> bool {
    if seq == 0 || seq % every != 0 {
        return false;
    }
    let weight = state.weight();
    weight < LARGE_STATE || seq.saturating_sub(last) >= weight
}

/// A stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The record after which this is the state.
    pub seq: u64,
    /// That record's chain hash (hex): the snapshot belongs to this log, at this point.
    pub chain_hash: String,
    /// The state.
    pub state: State,
}

/// Encodes a snapshot: a 32-byte BLAKE3 hash of the body, then the JSON body.
pub fn encode(
    seq: u64,
    chain_hash: &[u8; HASH_LEN],
    state: &State,
) -> Result<Vec<u8>, serde_json::Error> {
    let snap = SnapshotRef {
        seq,
        chain_hash: hex(chain_hash),
        state,
    };
    let body = serde_json::to_vec(&snap)?;
    let mut v = Vec::with_capacity(HASH_LEN + body.len());
    v.extend_from_slice(blake3::hash(&body).as_bytes());
    v.extend_from_slice(&body);
    Ok(v)
}

#[derive(Serialize)]
struct SnapshotRef<'a> {
    seq: u64,
    chain_hash: String,
    state: &'a State,
}

/// Decodes and checks a stored snapshot; `Err` says why it cannot be trusted.
pub fn decode(seq: u64, value: &[u8]) -> Result<Snapshot, String> {
    if value.len() < HASH_LEN {
        return Err("it is shorter than its checksum".to_string());
    }
    let (sum, body) = value.split_at(HASH_LEN);
    if sum != blake3::hash(body).as_bytes() {
        return Err("its checksum does not match its bytes".to_string());
    }
    let snap: Snapshot =
        serde_json::from_slice(body).map_err(|e| format!("it does not decode: {e}"))?;
    if snap.seq != seq {
        return Err(format!(
            "it is stored under {seq} but says it is {}",
            snap.seq
        ));
    }
    Ok(snap)
}

/// Hex-encodes a hash.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes a hex hash.
pub fn unhex(s: &str) -> Option<[u8; HASH_LEN]> {
    if s.len() != HASH_LEN * 2 {
        return None;
    }
    let mut out = [0u8; HASH_LEN];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}
