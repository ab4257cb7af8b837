//! `replay --verify`: every logged action re-decided with this version of slrsim.

use std::path::Path;

use slrsim::log::error::StoreError;
use slrsim::timetravel;

use super::{open_existing, print};
use crate::exit::{Exit, Failure};

/// Re-decides every logged action; names the first whose outcome differs, and exits 1.
pub(crate) fn replay_verify(db: &Path, verify: bool) -> Result<(), Failure> {
    if !verify {
        return Err(Failure::Input("replay needs --verify".to_string()));
    }
    let store = open_existing(db)?;
    match timetravel::replay_verify(&store)? {
        None => print(
            "every logged action re-decides to its logged outcome with this version of slrsim",
        ),
        Some((seq, logged, now)) => {
            print(&format!(
                "record {seq} re-decides differently\nlogged: {}\nnow:    {}",
                serde_json::to_string(&logged).map_err(StoreError::from)?,
                serde_json::to_string(&now).map_err(StoreError::from)?
            ))?;
            Err(Failure::Quiet(Exit::BadLog))
        }
    }
}
