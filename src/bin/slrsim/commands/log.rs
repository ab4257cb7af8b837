//! `log`: the history, one line (or one JSON record) per record, optionally filtered.

use std::io::Write;
use std::path::Path;

use slrsim::State;
use slrsim::log::replay;
use slrsim::timetravel::timeline as render;

use super::open_existing;
use crate::exit::Failure;

pub(crate) use slrsim::timetravel::LogFilter;

/// Prints records `from..=to` that `filter` keeps, as timeline lines or as JSON.
pub(crate) fn log(
    db: &Path,
    from: Option<u64>,
    to: Option<u64>,
    json: bool,
    filter: &LogFilter,
) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let from = from.unwrap_or(0);
    if store.last()?.is_none_or(|(last, _)| from > last) {
        return Ok(());
    }
    // Start from the state before `from` (a snapshot plus a few applies), not from the genesis.
    let (mut state, prev) = match from.checked_sub(1) {
        Some(before) => {
            let r = replay::state_at(&store, Some(before))?;
            (r.state, r.last_hash)
        }
        None => (State::default(), slrsim::log::record::genesis_hash()),
    };
    let mut pipe = None;
    replay::for_each_record_from(&store, from, prev, to, |rec| {
        for e in rec.outcome.events() {
            slrsim::core::apply::apply_mut(&mut state, e);
        }
        if pipe.is_some() || !filter.keeps(rec) {
            return Ok(());
        }
        let line = if json {
            serde_json::to_string(rec)?
        } else {
            render::timeline_line(rec, &state)
        };
        if let Err(e) = writeln!(out, "{line}") {
            pipe = Some(e);
        }
        Ok(())
    })?;
    if let Some(e) = pipe {
        return Err(e.into());
    }
    out.flush()?;
    Ok(())
}
