//! Identifiers derived from the log's seed and the record's sequence number, so that the same scenario
//! and seed give byte-identical logs. A keyed BLAKE3 hash of (seed, seq, purpose) feeds each id.
//! The seed is in every log, so nothing derived from it alone is secret: the secrets keys really sign
//! with are [`working_secret`]s, keyed by a database's own key secret, which no log holds.

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

const HEX: &[u8; 16] = b"0123456789abcdef";

/// An access key id: `AKIA` and 16 upper-case alphanumerics, 20 characters as AWS shows them.
pub fn access_key_id(seed: u64, seq: u64, purpose: &str) -> String {
    let mut id = iam_unique_id("AKIA", seed, seq, purpose);
    id.truncate(20);
    id
}

/// The root user's access key id for `account`, and the log's placeholder secret for it. Both are
/// derived from the seed alone, so the id is the same on every start of a server over the same log.
/// The seed is not secret (every log's genesis record holds it), so the placeholder signs nothing
/// for `slrsim serve`: the server signs with [`working_secret`] of the id instead.
pub fn root_access_key(seed: u64, account: &str) -> (String, String) {
    #[cfg(test)]
    tests::ROOT_DERIVATIONS.with(|n| n.set(n.get() + 1));
    let purpose = format!("root-access-key/{account}");
    (
        access_key_id(seed, 0, &purpose),
        secret_access_key(seed, 0, &purpose),
    )
}

/// The secret a key really signs with at a server: keyed BLAKE3 of the key id under the database's
/// key secret (kept beside the log, never in it). The log's records keep the seed-derived placeholder
/// (so the same actions give the same log bytes and a log handed to someone else carries no working
/// credential); only someone who holds the key secret, or was handed the answer to CreateAccessKey,
/// can sign. 40 characters of AWS's alphabet, as [`secret_access_key`].
pub fn working_secret(key_secret: &[u8; 32], access_key_id: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut h = blake3::Hasher::new_keyed(key_secret);
    h.update(b"slrsim-working-secret-v1\0");
    h.update(access_key_id.as_bytes());
    let mut out = [0u8; 40];
    h.finalize_xof().fill(&mut out);
    out.iter()
        .map(|x| char::from(ALPHABET[usize::from(x & 63)]))
        .collect()
}

/// A secret access key: 40 characters of AWS's alphabet (letters, digits, `+` and `/`).
pub fn secret_access_key(seed: u64, seq: u64, purpose: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let a = bytes(seed, seq, purpose);
    let b = bytes(seed, seq, &format!("{purpose}/2"));
    a.iter()
        .chain(b.iter())
        .take(40)
        .map(|x| char::from(ALPHABET[usize::from(x & 63)]))
        .collect()
}

/// A version-4-shaped UUID.
pub fn uuid(seed: u64, seq: u64, purpose: &str) -> String {
    let mut b = bytes(seed, seq, purpose);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    // Written by hand: one id per record, and `format!` per byte showed up in profiles.
    let mut s = String::with_capacity(36);
    for (i, x) in b.iter().take(16).enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(x >> 4)]));
        s.push(char::from(HEX[usize::from(x & 15)]));
    }
    s
}

/// A short lower-case hex token (endpoint prefixes and the like).
pub fn hex_token(seed: u64, seq: u64, purpose: &str, len: usize) -> String {
    let b = bytes(seed, seq, purpose);
    b.iter()
        .flat_map(|x| [HEX[usize::from(x >> 4)], HEX[usize::from(x & 15)]])
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    thread_local! {
        /// How many root keys this thread derived: lets tests show a lookup does not derive one per
        /// account.
        pub(crate) static ROOT_DERIVATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    #[test]
    fn working_secrets_depend_on_the_key_secret_and_the_id() {
        let a = working_secret(&[1; 32], "AKIAEXAMPLE");
        assert_eq!(a, working_secret(&[1; 32], "AKIAEXAMPLE"));
        assert_ne!(a, working_secret(&[2; 32], "AKIAEXAMPLE"));
        assert_ne!(a, working_secret(&[1; 32], "AKIAEXAMPLF"));
        assert_eq!(a.len(), 40);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/')
        );
        // Not the placeholder the log holds for the same key.
        let (id, placeholder) = root_access_key(0, "111122223333");
        assert_ne!(working_secret(&[0; 32], &id), placeholder);
    }

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
        assert_eq!(u.get(14..15), Some("4"));
    }
}
