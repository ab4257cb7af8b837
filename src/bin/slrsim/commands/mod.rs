//! One module per command (or close family of commands), and the helpers they share: opening a
//! database to read, resolving a point in history, printing.

pub(crate) mod bisect;
pub(crate) mod check;
pub(crate) mod demo;
pub(crate) mod env;
pub(crate) mod explain;
pub(crate) mod fork;
pub(crate) mod fuzz;
pub(crate) mod generate;
pub(crate) mod log;
pub(crate) mod operations;
pub(crate) mod remote;
pub(crate) mod replay;
pub(crate) mod run;
pub(crate) mod serve;
pub(crate) mod state;
pub(crate) mod ui;
pub(crate) mod verify;

use std::io::Write;
use std::path::Path;

use slrsim::log::error::StoreError;
use slrsim::log::store::Store;
use slrsim::timetravel;

use crate::cli::Point;
use crate::exit::Failure;

/// Opens an existing database for reading; never creates one, and never writes to it (sled reads a
/// private copy: see `Store::open_read_only`). A log that lost acknowledged records, or whose head file
/// is damaged, is refused.
pub(crate) fn open_existing(db: &Path) -> Result<Store, Failure> {
    let store = open_read(db)?;
    store.check_head()?;
    Ok(store)
}

/// Opens an existing database for reading without judging its head (`verify` reports a rolled-back
/// log as a finding of its own).
pub(crate) fn open_read(db: &Path) -> Result<Store, Failure> {
    if !db.exists() {
        return Err(Failure::Input(format!(
            "no database at `{}`: run `slrsim demo` or `slrsim run FILE` first, or give --db",
            db.display()
        )));
    }
    Ok(Store::open_read_only(db)?)
}

/// Resolves a point to a record number (`None`: the end of the log).
pub(crate) fn resolve(store: &Store, point: &Point) -> Result<Option<u64>, Failure> {
    if let Some(t) = &point.at_time {
        let secs = slrsim::core::clock::parse(t)
            .ok_or_else(|| Failure::Input(format!("--at-time `{t}` is not an RFC 3339 time")))?;
        return match timetravel::seq_at_time(store, secs)? {
            Some(n) => Ok(Some(n)),
            None => Err(Failure::Input(format!("the log starts after {t}"))),
        };
    }
    Ok(point.at)
}

/// Prints text on standard output, its trailing white space trimmed, as one line.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    Ok(())
}

/// A value as pretty-printed JSON.
pub(crate) fn pretty<T: serde::Serialize>(v: &T) -> Result<String, Failure> {
    Ok(serde_json::to_string_pretty(v).map_err(StoreError::from)?)
}
