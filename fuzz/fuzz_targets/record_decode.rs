//! Bytes → `record::decode`: a stored value that is damaged, truncated or made up must be an error
//! (`StoreError::Corrupt` naming the record), never a panic.
//!
//! The bytes are tried twice: as they come (almost always a hash mismatch), and re-chained (a correct
//! hash put in front of them as the body), so that the JSON decoder and the schema upcast are reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slrsim::StoreError;
use slrsim::log::record::{self, HASH_LEN};

fuzz_target!(|data: &[u8]| {
    let genesis = record::genesis_hash();
    // The first byte is the sequence number the value is read under.
    let (seq, body) = match data.split_first() {
        Some((&b, rest)) => (u64::from(b), rest),
        None => (0, data),
    };
    check(seq, data, &genesis);
    let mut value = Vec::with_capacity(HASH_LEN + body.len());
    value.extend_from_slice(&record::chain_hash(&genesis, body));
    value.extend_from_slice(body);
    check(seq, &value, &genesis);
});

fn check(seq: u64, value: &[u8], prev: &[u8; HASH_LEN]) {
    match record::decode(seq, value, prev) {
        Ok((rec, hash)) => {
            assert_eq!(rec.seq, seq);
            assert_eq!(hash, record::chain_hash(prev, &value[HASH_LEN..]));
        }
        Err(StoreError::Corrupt { seq: s, detail }) => {
            assert_eq!(s, seq);
            assert!(!detail.is_empty());
        }
        Err(other) => panic!("decode failed with something other than Corrupt: {other}"),
    }
}
