//! `bisect`: the first record after which a state invariant is broken.

use std::path::Path;

use slrsim::timetravel::{self, timeline as render};

use super::{open_existing, print};
use crate::exit::{Exit, Failure};

/// Prints the first record after which `invariant` (default: every state invariant) is broken, and
/// exits 1; or says the log is clean.
pub(crate) fn bisect(db: &Path, invariant: Option<&str>) -> Result<(), Failure> {
    let store = open_existing(db)?;
    match timetravel::bisect(&store, invariant)? {
        None => print(&format!(
            "clean: {} holds after every record",
            invariant.unwrap_or("every state invariant")
        )),
        Some(b) => {
            let rec = timetravel::record_at(&store, b.seq)?;
            let state = timetravel::state_at(&store, b.seq)?;
            print(&format!(
                "{} first broken after record {} ({} states reconstructed): {}\n{}\naction: {}",
                b.invariant,
                b.seq,
                b.reconstructions,
                b.detail,
                render::timeline_line(&rec, &state),
                slrsim::simulator::scenario::to_line(&rec.action)
            ))?;
            Err(Failure::Quiet(Exit::BadLog))
        }
    }
}
