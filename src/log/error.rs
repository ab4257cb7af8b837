//! Storage failures: the database could not be opened, read or written, or what it holds is damaged.
//! They stay apart from the domain's AWS-shaped rejections (`core::error::ApiError`), which are results.

/// A storage failure: the database could not be opened, read or written, or what it holds is damaged.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled reported an I/O or internal error.
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    /// Another process holds the database.
    #[error(
        "the database at `{path}` is in use by another process (sled holds an exclusive lock on it)"
    )]
    Locked {
        /// The database folder.
        path: String,
    },
    /// A stored record does not verify.
    #[error("record {seq} is damaged: {detail}")]
    Corrupt {
        /// The first bad sequence number.
        seq: u64,
        /// What is wrong with it.
        detail: String,
    },
    /// An append was made at a sequence number other than the next one.
    #[error("append out of order: expected sequence number {expected}, got {got}")]
    OutOfOrder {
        /// The next free sequence number.
        expected: u64,
        /// The one given.
        got: u64,
    },
    /// sled's files in the folder are damaged: sled reported corruption, or stopped (panicked) on
    /// them. Nothing was written to the folder by a command that only reads.
    #[error("the database at `{path}` is damaged: {detail}")]
    Damaged {
        /// The database folder.
        path: String,
        /// What sled found or where it stopped.
        detail: String,
    },
    /// A file every sled database has is missing from the folder.
    #[error("the database at `{path}` is damaged: its file `{file}` is missing")]
    MissingFile {
        /// The database folder.
        path: String,
        /// The missing file's name.
        file: String,
    },
    /// The folder exists but is not a slrsim database (no sled files in it, or not a folder).
    #[error("`{path}` is not a slrsim database: {detail}")]
    NotADatabase {
        /// The path given.
        path: String,
        /// What is there instead.
        detail: String,
    },
    /// The log holds fewer records than were acknowledged (its head file, written at each flush,
    /// counts more): records were lost after they were made durable.
    #[error(
        "the log at `{path}` has lost acknowledged records: it ends at {}, but record {acknowledged} was acknowledged (record {} onwards is missing)",
        ends.map_or("nothing (it is empty)".to_string(), |e| format!("record {e}")),
        ends.map_or(0, |e| e + 1)
    )]
    RolledBack {
        /// The database folder.
        path: String,
        /// The last record the log holds (`None`: it holds none).
        ends: Option<u64>,
        /// The last record the head file says was durable.
        acknowledged: u64,
    },
    /// The head file in the folder (the log's length and last hash at the last flush) is damaged.
    #[error("the database at `{path}` is damaged: its head file `{file}` is damaged ({detail})")]
    HeadDamaged {
        /// The database folder.
        path: String,
        /// The head file's name.
        file: String,
        /// What is wrong with it.
        detail: String,
    },
    /// The database holds no log.
    #[error("the database at `{path}` holds no slrsim log")]
    Empty {
        /// The database folder.
        path: String,
    },
    /// A record asked for is past the log's end (a usage error: exit 2).
    #[error("record {seq} does not exist: {}", match .last { Some(l) => format!("the log ends at {l}"), None => "the log is empty".to_string() })]
    NoSuchRecord {
        /// The record asked for.
        seq: u64,
        /// The log's last record (`None`: the log holds none).
        last: Option<u64>,
    },
    /// No deletion task has this id, or ends with it (exit 2).
    #[error("no deletion task `{task}` in this log")]
    NoSuchTask {
        /// The id, or ending, asked for.
        task: String,
    },
    /// More than one deletion task id ends with what was given (exit 2).
    #[error("`{task}` ends {matches} deletion task ids; give more of the id")]
    AmbiguousTask {
        /// The ending given.
        task: String,
        /// How many ids end with it.
        matches: usize,
    },
    /// `bisect` was asked for an invariant that does not exist (exit 2).
    #[error("unknown invariant `{name}`; state invariants are: {known}")]
    UnknownInvariant {
        /// The name given.
        name: String,
        /// The names there are, comma-separated.
        known: String,
    },
    /// A fork's target already holds a log (exit 2).
    #[error("`{path}` already holds a log; fork into a new path")]
    TargetHoldsLog {
        /// The target folder.
        path: String,
    },
    /// The database's log was started with another seed or start than asked for (exit 2).
    #[error(
        "the database at `{path}` was started with seed {seed} at {start}; the scenario asks for seed {asked_seed} at {asked_start}. Use another --db, or drop the scenario's first line."
    )]
    OtherGenesis {
        /// The database folder.
        path: String,
        /// The log's seed.
        seed: u64,
        /// The log's start, as RFC 3339.
        start: String,
        /// The seed asked for.
        asked_seed: u64,
        /// The start asked for, as RFC 3339.
        asked_start: String,
    },
    /// A new log's genesis was refused (a start outside the simulated clock's range; exit 2).
    #[error("cannot start a log: {0}")]
    CannotStart(String),
    /// The thread that appends a batch's records stopped early; its own error is what the batch
    /// returns.
    #[error("the log writer stopped")]
    WriterStopped,
    /// A thread that writes the log panicked. Records may have been appended before it did, so this is
    /// a storage failure (exit 3), never "nothing appended".
    #[error(
        "the {thread} thread stopped unexpectedly ({detail}); records may have been appended before it did: run `slrsim verify`"
    )]
    Panicked {
        /// Which thread: "log writer", "simulator" or "flusher".
        thread: &'static str,
        /// The panic's message, clipped.
        detail: String,
    },
    /// JSON encoding failed (it cannot for slrsim's own types; kept for completeness).
    #[error("encoding error: {0}")]
    Encode(#[from] serde_json::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_writer_panic_says_records_may_have_been_appended() {
        let e = StoreError::Panicked {
            thread: "log writer",
            detail: "boom".into(),
        };
        assert!(e.to_string().contains("records may have been appended"));
    }
}
