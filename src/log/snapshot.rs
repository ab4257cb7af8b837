//! Snapshots: the state after every K-th record, stored beside the log so that the state at any record is
//! one snapshot plus at most K applies. A snapshot is a cache, never a source of truth: it carries a
//! BLAKE3 checksum of its body and the chain hash of its record, and one that does not verify is skipped
//! and rebuilt from the log. Its JSON is stored as an LZ4 block (ARCHITECTURE.md, "Snapshots are LZ4
//! blocks").

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

/// The byte that starts a compressed body; an older body is the JSON itself, which starts with `{`.
const COMPRESSED: u8 = 1;

/// The largest state a stored snapshot may expand to (bytes of JSON): a damaged or forged length is
/// refused before anything is allocated for it.
pub const MAX_STATE_BYTES: usize = 1 << 30;

/// Encodes a snapshot: a 32-byte BLAKE3 hash of the body, then the body: [`COMPRESSED`], the JSON's
/// length (4 bytes, little-endian) and the JSON compressed as an LZ4 block. A busy state is mostly
/// repeated keys and ARNs, which LZ4 shrinks several times over at a cost far below the JSON's own
/// encoding, and snapshots were most of a long log's folder (which every reading command copies).
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
    let json = serde_json::to_vec(&snap)?;
    let len = u32::try_from(json.len())
        .ok()
        .filter(|n| *n as usize <= MAX_STATE_BYTES)
        .ok_or_else(|| {
            <serde_json::Error as serde::ser::Error>::custom(format!(
                "a state of {} bytes is past the {MAX_STATE_BYTES} bytes a snapshot may hold",
                json.len()
            ))
        })?;
    let mut body = Vec::with_capacity(5 + json.len() / 4);
    body.push(COMPRESSED);
    body.extend_from_slice(&len.to_le_bytes());
    body.extend_from_slice(&lz4_flex::block::compress(&json));
    let mut v = Vec::with_capacity(HASH_LEN + body.len());
    v.extend_from_slice(blake3::hash(&body).as_bytes());
    v.extend_from_slice(&body);
    Ok(v)
}

/// The JSON of a checked body: expanded when compressed, as stored when it is an older one.
fn json_of(body: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    let Some((&COMPRESSED, rest)) = body.split_first() else {
        return Ok(std::borrow::Cow::Borrowed(body));
    };
    let (len, block) = rest
        .split_first_chunk::<4>()
        .ok_or("it ends before the length of its state")?;
    let len = u32::from_le_bytes(*len) as usize;
    if len > MAX_STATE_BYTES {
        return Err(format!(
            "it says its state has {len} bytes, past the {MAX_STATE_BYTES} a snapshot may hold"
        ));
    }
    let json = lz4_flex::block::decompress(block, len)
        .map_err(|e| format!("its state does not expand: {e}"))?;
    if json.len() != len {
        return Err(format!(
            "its state expands to {} bytes, not the {len} it says",
            json.len()
        ));
    }
    Ok(std::borrow::Cow::Owned(json))
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
    let json = json_of(body)?;
    let snap: Snapshot =
        serde_json::from_slice(&json).map_err(|e| format!("it does not decode: {e}"))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored value with `body` under its own checksum, as `encode` writes one.
    fn stored(body: &[u8]) -> Vec<u8> {
        let mut v = blake3::hash(body).as_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }

    fn state() -> State {
        // The programs' time-travel tests check snapshots of real histories at length.
        let mut s = State::default();
        s.seed = 7;
        s
    }

    #[test]
    fn a_snapshot_is_compressed_and_decodes_to_the_same_state() {
        let s = state();
        let v = encode(12, &[3; HASH_LEN], &s).expect("encode");
        assert_eq!(v[HASH_LEN], COMPRESSED);
        let snap = decode(12, &v).expect("decode");
        assert_eq!((snap.seq, snap.state), (12, s));
        assert_eq!(snap.chain_hash, hex(&[3; HASH_LEN]));
        assert!(decode(13, &v).unwrap_err().contains("stored under 13"));
    }

    #[test]
    fn a_snapshot_written_before_compression_still_decodes() {
        let s = state();
        let json = serde_json::to_vec(&SnapshotRef {
            seq: 5,
            chain_hash: hex(&[9; HASH_LEN]),
            state: &s,
        })
        .expect("json");
        assert_eq!(decode(5, &stored(&json)).expect("decode").state, s);
    }

    #[test]
    fn a_damaged_body_under_a_matching_checksum_is_named_not_expanded() {
        // Past the limit: refused before anything is allocated for it.
        let mut body = vec![COMPRESSED];
        body.extend_from_slice(&u32::MAX.to_le_bytes());
        body.extend_from_slice(b"whatever");
        assert!(
            decode(1, &stored(&body))
                .unwrap_err()
                .contains("a snapshot may hold")
        );
        // No room for the length.
        let err = decode(1, &stored(&[COMPRESSED, 0])).unwrap_err();
        assert!(err.contains("before the length"), "{err}");
        // A block cut short, and one that expands to less than it says.
        let good = encode(1, &[0; HASH_LEN], &state()).expect("encode");
        let body = &good[HASH_LEN..];
        let err = decode(1, &stored(&body[..body.len() - 3])).unwrap_err();
        assert!(
            err.contains("does not expand") || err.contains("not the"),
            "{err}"
        );
        let mut longer = body.to_vec();
        longer[1..5].copy_from_slice(
            &(u32::from_le_bytes(body[1..5].try_into().unwrap()) + 9).to_le_bytes(),
        );
        let err = decode(1, &stored(&longer)).unwrap_err();
        assert!(
            err.contains("not the") || err.contains("does not expand"),
            "{err}"
        );
    }
}
