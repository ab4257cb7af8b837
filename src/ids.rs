//! Identifiers derived from the log's seed and the record's sequence number, so that the same scenario
//! and seed give byte-identical logs. A keyed BLAKE3 hash of (seed, seq, purpose) feeds each id.

/// Deterministic bytes for one purpose of one record.
pub fn bytes(seed: u64, seq: u64, purpose: &str) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(b"slrsim-id-v1");
    h.update(&seed.to_be_bytes());
    h.update(&seq.to_be_bytes());
    h.update(purpose.as_bytes());
    *h.finalize().as_bytes()
}

const UPPER_ALNUM: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// An IAM unique id: a four-letter prefix (`AROA` for roles, `AIDA` for users) and 17 upper-case
/// alphanumerics, 21 characters in all as AWS shows them.
pub fn iam_unique_id(prefix: &str, seed: u64, seq: u64, purpose: &str) -> String {
    let b = bytes(seed, seq, purpose);
    let mut s = String::with_capacity(21);
    s.push_str(prefix);
    for byte in b.iter().take(17) {
        s.push(char::from(UPPER_ALNUM[usize::from(byte & 31)]));
    }
    s
}

/// A version-4-shaped UUID.
pub fn uuid(seed: u64, seq: u64, purpose: &str) -> String {
    let mut b = bytes(seed, seq, purpose);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().take(16).map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A short lower-case hex token (endpoint prefixes and the like).
pub fn hex_token(seed: u64, seq: u64, purpose: &str, len: usize) -> String {
    let b = bytes(seed, seq, purpose);
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<String>()
        .chars()
        .take(len)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_shaped() {
        let a = iam_unique_id("AROA", 7, 3, "role");
        assert_eq!(a, iam_unique_id("AROA", 7, 3, "role"));
        assert_ne!(a, iam_unique_id("AROA", 8, 3, "role"));
        assert_eq!(a.len(), 21);
        assert!(a.starts_with("AROA"));
        assert!(
            a.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        let u = uuid(1, 2, "task");
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
