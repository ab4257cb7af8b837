//! The stored shape of the log: one [`Record`] per action, chained by BLAKE3 hashes.
//!
//! A stored value is the record's 32-byte chain hash followed by its JSON body. The chain hash of record
//! `n` is `BLAKE3(chain hash of n-1 ‖ body n)`; before record 0 stands [`genesis_hash`]. A flipped byte
//! anywhere in a record, or a missing or reordered record, breaks the chain at that sequence number.
//!
//! Every body carries its schema version `v`. Readers upcast older versions to the current one
//! ([`decode`]); a body from a newer slrsim is refused rather than misread.
//!
//! # Changing the schema
//!
//! The schema is [`Record`], [`Action`], [`Outcome`] and [`Event`] with its payload types
//! ([`crate::core::event::payload`]), which own their serde shape: changing a state or an action type
//! changes nothing here, because `decide` converts into payloads and `apply` out of them. A change to
//! what a record says (a field renamed, added without a default, or removed; an event split or
//! re-spelt) goes like this:
//!
//! 1. Raise [`SCHEMA_VERSION`] and `CURRENT_PREFIX` to the new version, and change the types to the new
//!    shape. From then on every writer writes only the new version.
//! 2. In `upcast`, give the old version an arm that rewrites the old body's JSON into the new shape
//!    (rename the fields, fill in what the old version did not say, set `v`) and hands it on to the
//!    next version's arm, so that each step is written once and a v1 body climbs v1 → v2 → v3.
//! 3. Stored bytes are never rewritten: the chain hash covers them, so the upcast runs on every read.
//!    Only current-version bodies take the fast paths (`decode` straight into a [`Record`],
//!    `decode_events`); the rest go through `upcast`.
//! 4. The golden logs under `tests/golden/` stay as they are and must still decode, replay, verify and
//!    re-decide; their byte-for-byte re-encoding check then holds for current-version records only.
//!    Add a golden log of the new version beside them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::action::Action;
use crate::core::event::Event;
use crate::core::outcome::Outcome;
use crate::log::error::StoreError;

/// The schema version this slrsim writes.
pub const SCHEMA_VERSION: u32 = 1;

/// How a body of the current schema starts (`v` is the first field of [`Record`]).
const CURRENT_PREFIX: &[u8] = b"{\"v\":1,";

/// Length of the chain hash that prefixes every stored value.
pub const HASH_LEN: usize = 32;

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Schema version of this body.
    pub v: u32,
    /// Sequence number: contiguous from 0 (the genesis record).
    pub seq: u64,
    /// Simulated time when the action was made (seconds since the epoch).
    pub time: i64,
    /// The request id AWS would return, derived from the seed and `seq`.
    pub request_id: String,
    /// The action as given.
    pub action: Action,
    /// What it did.
    pub outcome: Outcome,
}

/// The hash that stands before record 0.
pub fn genesis_hash() -> [u8; HASH_LEN] {
    *blake3::hash(b"slrsim log v1").as_bytes()
}

/// The chain hash of a body that follows `prev`.
pub fn chain_hash(prev: &[u8; HASH_LEN], body: &[u8]) -> [u8; HASH_LEN] {
    let mut h = blake3::Hasher::new();
    h.update(prev);
    h.update(body);
    *h.finalize().as_bytes()
}

/// Encodes a record after `prev`: the stored bytes and the record's chain hash.
pub fn encode(
    record: &Record,
    prev: &[u8; HASH_LEN],
) -> Result<(Vec<u8>, [u8; HASH_LEN]), StoreError> {
    // The body is written straight after room for its hash: one buffer, no copy.
    let mut value = Vec::with_capacity(1024);
    value.extend_from_slice(&[0; HASH_LEN]);
    serde_json::to_writer(&mut value, record)?;
    let hash = chain_hash(prev, &value[HASH_LEN..]);
    value[..HASH_LEN].copy_from_slice(&hash);
    Ok((value, hash))
}

/// The chain hash stored at the front of a value, if it is long enough to have one.
pub fn stored_hash(value: &[u8]) -> Option<[u8; HASH_LEN]> {
    value.get(..HASH_LEN).and_then(|h| h.try_into().ok())
}

/// Checks a stored value against the previous chain hash and decodes it (upcasting older schemas).
pub fn decode(
    seq: u64,
    value: &[u8],
    prev: &[u8; HASH_LEN],
) -> Result<(Record, [u8; HASH_LEN]), StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt { seq, detail };
    if value.len() < HASH_LEN {
        return Err(corrupt(format!(
            "the stored value is {} bytes, shorter than its {HASH_LEN}-byte hash",
            value.len()
        )));
    }
    let (stored, body) = value.split_at(HASH_LEN);
    let hash = chain_hash(prev, body);
    if stored != hash {
        return Err(corrupt(
            "its hash does not match its bytes and the previous record's hash (the record or one before it was altered)".to_string(),
        ));
    }
    // The current schema decodes straight into a Record; only older (or unknown) versions go through
    // a generic JSON value to be upcast. Serde writes `v` first, so the prefix tells.
    let record: Record = if body.starts_with(CURRENT_PREFIX) {
        serde_json::from_slice(body).map_err(|e| {
            corrupt(format!(
                "it does not decode as a v{SCHEMA_VERSION} record: {e}"
            ))
        })?
    } else {
        let raw: Value = serde_json::from_slice(body)
            .map_err(|e| corrupt(format!("its body is not JSON: {e}")))?;
        upcast(raw).map_err(corrupt)?
    };
    if record.seq != seq {
        return Err(corrupt(format!(
            "it is stored under {seq} but says it is {}",
            record.seq
        )));
    }
    Ok((record, hash))
}

/// A record read for its events only: the action and the response are skipped without being built,
/// which is what makes replay and time travel cheap.
#[derive(Deserialize)]
struct EventsOnly {
    seq: u64,
    outcome: OutcomeEvents,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum OutcomeEvents {
    Ok {
        events: Vec<Event>,
    },
    Error {
        #[serde(default)]
        events: Vec<Event>,
    },
}

/// Checks a stored value against the previous chain hash, like [`decode`], and reads only its events.
pub fn decode_events(
    seq: u64,
    value: &[u8],
    prev: &[u8; HASH_LEN],
) -> Result<(Vec<Event>, [u8; HASH_LEN]), StoreError> {
    let Some(body) = value
        .get(HASH_LEN..)
        .filter(|b| b.starts_with(CURRENT_PREFIX))
    else {
        // Short, damaged or of another schema version: the full path says what is wrong or upcasts.
        let (rec, hash) = decode(seq, value, prev)?;
        return Ok((rec.outcome.events().to_vec(), hash));
    };
    let hash = chain_hash(prev, body);
    if value[..HASH_LEN] != hash {
        // Let the full decode word the error exactly as every other reader does.
        return decode(seq, value, prev).map(|(rec, h)| (rec.outcome.events().to_vec(), h));
    }
    let light: EventsOnly = serde_json::from_slice(body).map_err(|e| StoreError::Corrupt {
        seq,
        detail: format!("it does not decode as a v{SCHEMA_VERSION} record: {e}"),
    })?;
    if light.seq != seq {
        return Err(StoreError::Corrupt {
            seq,
            detail: format!("it is stored under {seq} but says it is {}", light.seq),
        });
    }
    let events = match light.outcome {
        OutcomeEvents::Ok { events } | OutcomeEvents::Error { events } => events,
    };
    Ok((events, hash))
}

/// Brings a body of any known schema version to the current one.
fn upcast(raw: Value) -> Result<Record, String> {
    let v = raw
        .get("v")
        .and_then(Value::as_u64)
        .ok_or("it has no schema version `v`")?;
    match v {
        // Version 1 is current; a v1 body reaches here only when it does not start with the current
        // prefix (written by another JSON writer, or by hand). When version 2 comes, this arm rewrites
        // the v1 JSON into the v2 shape and hands it on (see "Changing the schema" above).
        1 => serde_json::from_value(raw)
            .map_err(|e| format!("it does not decode as a v1 record: {e}")),
        other => Err(format!(
            "it has schema version {other}, newer than this slrsim's {SCHEMA_VERSION}; upgrade slrsim to read it"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored value for `body` after the genesis hash.
    fn stored(body: &str) -> Vec<u8> {
        let mut value = chain_hash(&genesis_hash(), body.as_bytes()).to_vec();
        value.extend_from_slice(body.as_bytes());
        value
    }

    /// A v1 body as another writer would lay it out: `v` not first, spaces, an event holding payloads
    /// (a role, tags). It cannot take the fast path, so it is read through `upcast`.
    const HAND_WRITTEN_V1: &str = r#"{ "seq": 5, "v": 1, "time": 1767225600,
        "request_id": "00000000-0000-0000-0000-000000000005",
        "action": {"account": "111122223333", "caller": "root", "region": "us-east-1",
                   "op": "TagRole", "params": {"RoleName": "r", "Tags": [{"Key": "k", "Value": "v"}]}},
        "outcome": {"ok": {"events": [
            {"type": "RoleCreated", "account": "111122223333", "role": {"role_name": "r", "path": "/",
             "role_id": "AROA1", "arn": "arn:aws:iam::111122223333:role/r", "create_date": 1767225600,
             "assume_role_policy_document": "{}", "description": null, "max_session_duration": 3600,
             "tags": {}, "attached_policies": [], "inline_policies": {}, "permissions_boundary": null,
             "service_linked": null, "role_last_used": null}},
            {"type": "RoleTagged", "account": "111122223333", "role_name": "r",
             "tags": [{"Key": "k", "Value": "v"}]}],
          "response": {}}}}"#;

    #[test]
    fn a_body_off_the_fast_path_is_upcast_to_the_record_it_says() {
        let value = stored(HAND_WRITTEN_V1);
        assert!(!value[HASH_LEN..].starts_with(CURRENT_PREFIX));
        let (rec, hash) = decode(5, &value, &genesis_hash()).expect("an upcast v1 body");
        assert_eq!((rec.v, rec.seq, rec.time), (1, 5, 1_767_225_600));
        let role = crate::core::event::Role {
            role_name: "r".into(),
            path: "/".into(),
            role_id: "AROA1".into(),
            arn: "arn:aws:iam::111122223333:role/r".into(),
            create_date: 1_767_225_600,
            assume_role_policy_document: "{}".into(),
            description: None,
            max_session_duration: 3600,
            max_signin_session_duration: None,
            tags: Default::default(),
            attached_policies: Default::default(),
            inline_policies: Default::default(),
            permissions_boundary: None,
            service_linked: None,
            role_last_used: None,
        };
        let events = vec![
            Event::RoleCreated {
                account: "111122223333".into(),
                role,
            },
            Event::RoleTagged {
                account: "111122223333".into(),
                role_name: "r".into(),
                tags: vec![crate::core::event::Tag {
                    key: "k".into(),
                    value: "v".into(),
                }],
            },
        ];
        assert_eq!(rec.outcome.events(), events.as_slice());
        // Reading only the events falls back to the same upcast.
        let (light, light_hash) = decode_events(5, &value, &genesis_hash()).expect("events");
        assert_eq!((light, light_hash), (events, hash));
        // Written again, the record takes today's layout, and reads back the same.
        let (again, _) = encode(&rec, &genesis_hash()).expect("encode");
        assert!(again[HASH_LEN..].starts_with(CURRENT_PREFIX));
        assert_eq!(decode(5, &again, &genesis_hash()).expect("decode").0, rec);
    }

    #[test]
    fn a_body_of_a_newer_or_no_version_is_refused_not_misread() {
        let newer = HAND_WRITTEN_V1.replacen(r#""v": 1"#, r#""v": 2"#, 1);
        match decode(5, &stored(&newer), &genesis_hash()) {
            Err(StoreError::Corrupt { seq: 5, detail }) => {
                assert!(detail.contains("schema version 2, newer"), "{detail}")
            }
            other => panic!("a v2 body read as {other:?}"),
        }
        let none = HAND_WRITTEN_V1.replacen(r#""v": 1,"#, "", 1);
        match decode(5, &stored(&none), &genesis_hash()) {
            Err(StoreError::Corrupt { seq: 5, detail }) => {
                assert!(detail.contains("no schema version"), "{detail}")
            }
            other => panic!("a body without `v` read as {other:?}"),
        }
    }

    #[test]
    fn reading_only_the_events_gives_the_events_and_the_hash_of_a_full_decode() {
        let mut sim = crate::simulator::Simulator::temporary(crate::simulator::Genesis::default())
            .expect("temporary sled");
        for a in crate::testing::reference::generate(4).take(400) {
            sim.execute(a).expect("execute");
        }
        let mut prev = genesis_hash();
        for item in sim.store().iter_from(0) {
            let (seq, value) = item.expect("read");
            let (rec, hash) = decode(seq, &value, &prev).expect("decode");
            let (events, light_hash) = decode_events(seq, &value, &prev).expect("decode events");
            assert_eq!(events, rec.outcome.events(), "record {seq}");
            assert_eq!(light_hash, hash);
            // A flipped byte is refused by both, naming the record.
            let mut bad = value.to_vec();
            let at = HASH_LEN + (seq as usize * 7) % (bad.len() - HASH_LEN);
            bad[at] ^= 0x20;
            match decode_events(seq, &bad, &prev) {
                Err(StoreError::Corrupt { seq: s, .. }) => assert_eq!(s, seq),
                other => panic!("record {seq} with a flipped byte read as {other:?}"),
            }
            prev = hash;
        }
    }
}
