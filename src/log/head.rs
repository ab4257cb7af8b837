//! The log's head, kept outside sled: how many records the log held, and the chain hash of the last
//! one, at the last flush that returned. sled can lose the end of its log to damage and still open as
//! if nothing happened (it recovers to the last intact point); the head is what names such a loss.
//!
//! The file is a few lines of text, so that a person can read it:
//!
//! ```text
//! slrsim head v1
//! records 3304
//! hash 9f…(64 hex digits: the chain hash of record 3303; zeros when there is no record)
//! check 1a…(64 hex digits: BLAKE3 of the lines above, newline included)
//! ```
//!
//! It is written atomically: a temporary file beside it, fsync, rename over the old one, fsync of the
//! folder. A reader therefore sees either the old head or the new one, never half of one; a file that
//! does not read as a head was damaged after it was written.

use std::io::Write;
use std::path::Path;

use crate::log::record::HASH_LEN;

/// The head file's name inside the database folder.
pub(crate) const FILE: &str = "head";
/// The temporary file a new head is written to before it is renamed over [`FILE`].
const TEMP: &str = "head.tmp";
const MAGIC: &str = "slrsim head v1";

/// What the head says: the log held `records` records when it was last flushed, and the last of them
/// (number `records - 1`) had chain hash `hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head {
    /// How many records the log held (its next sequence number).
    pub records: u64,
    /// The chain hash of record `records - 1` (zeros when `records` is 0).
    pub hash: [u8; HASH_LEN],
}

impl Head {
    /// The head of an empty log.
    pub(crate) const EMPTY: Head = Head {
        records: 0,
        hash: [0; HASH_LEN],
    };

    /// The file's bytes.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let body = format!(
            "{MAGIC}\nrecords {}\nhash {}\n",
            self.records,
            hex(&self.hash)
        );
        let check = hex(blake3::hash(body.as_bytes()).as_bytes());
        format!("{body}check {check}\n").into_bytes()
    }

    /// Reads the file's bytes; `Err` says what is wrong with them.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Head, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
        let at = text
            .find("check ")
            .ok_or_else(|| "it has no check line".to_string())?;
        let (body, check_line) = text.split_at(at);
        let check = check_line
            .strip_prefix("check ")
            .and_then(|c| c.strip_suffix('\n'))
            .ok_or_else(|| "its check line is cut short".to_string())?;
        if check != hex(blake3::hash(body.as_bytes()).as_bytes()) {
            return Err("its checksum does not match its contents".to_string());
        }
        let mut lines = body.lines();
        if lines.next() != Some(MAGIC) {
            return Err(format!("it does not start with `{MAGIC}`"));
        }
        let records = lines
            .next()
            .and_then(|l| l.strip_prefix("records "))
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or_else(|| "it has no record count".to_string())?;
        let hash = lines
            .next()
            .and_then(|l| l.strip_prefix("hash "))
            .and_then(unhex)
            .ok_or_else(|| "it has no chain hash".to_string())?;
        if lines.next().is_some() {
            return Err("it has more lines than a head".to_string());
        }
        Ok(Head { records, hash })
    }
}

/// Reads the head file of the folder `dir`: `Ok(None)` when there is none, `Err` (what is wrong) when
/// it exists but does not read as a head.
pub(crate) fn read(dir: &Path) -> Result<Option<Head>, String> {
    match std::fs::read(dir.join(FILE)) {
        Ok(bytes) => Head::decode(&bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("it cannot be read: {e}")),
    }
}

/// Writes `head` as the head file of `dir`, atomically and durably: temporary file, fsync, rename,
/// fsync of the folder (without the last, the rename itself may not survive a power loss).
pub(crate) fn write(dir: &Path, head: &Head) -> std::io::Result<()> {
    let temp = dir.join(TEMP);
    {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(&head.encode())?;
        f.sync_all()?;
    }
    std::fs::rename(&temp, dir.join(FILE))?;
    std::fs::File::open(dir)?.sync_all()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex(text: &str) -> Option<[u8; HASH_LEN]> {
    if text.len() != HASH_LEN * 2 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; HASH_LEN];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_reads_back_and_any_damage_to_it_is_named() {
        let head = Head {
            records: 3304,
            hash: *blake3::hash(b"x").as_bytes(),
        };
        let bytes = head.encode();
        assert_eq!(Head::decode(&bytes), Ok(head));
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(read(dir.path()), Ok(None));
        write(dir.path(), &head).expect("write");
        assert_eq!(read(dir.path()), Ok(Some(head)));
        assert!(!dir.path().join(TEMP).exists());
        // Every single-bit flip and every truncation is refused.
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut bad = bytes.clone();
                bad[i] ^= 1 << bit;
                assert!(Head::decode(&bad).is_err(), "bit {bit} of byte {i}");
            }
            assert!(Head::decode(&bytes[..i]).is_err(), "cut to {i} bytes");
        }
    }
}
