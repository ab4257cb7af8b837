//! `env`: the `export` lines `serve` prints, without serving.

use std::io::Write;
use std::path::Path;

use slrsim::log::store::Store;
use slrsim::timetravel;

use super::{open_existing, serve::operator};
use crate::exit::Failure;

/// Prints the `export` lines for the database's seed (or `seed`, for a database without a log).
pub(crate) fn env(db: &Path, addr: std::net::SocketAddr, seed: u64) -> Result<(), Failure> {
    let logged = if Store::holds_log(db)? {
        // The seed is the genesis record's: no need to replay the log.
        match timetravel::record_at(&open_existing(db)?, 0)?.action.op {
            slrsim::Operation::Genesis(g) => Some(g.seed),
            _ => {
                return Err(Failure::BadLog(
                    "record 0 is not a genesis record".to_string(),
                ));
            }
        }
    } else {
        None
    };
    // Made now if the database has none, so `eval "$(slrsim env)"` before `serve` gives the token and
    // root key that `serve` will use.
    let operator = operator(db)?;
    let ready = slrsim::aws::server::Ready::for_database(addr, logged.unwrap_or(seed), &operator);
    std::io::stdout().write_all(ready.exports().as_bytes())?;
    Ok(())
}
