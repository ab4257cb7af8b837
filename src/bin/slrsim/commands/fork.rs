//! `fork`: a new timeline from the first records of this one.

use std::path::Path;

use slrsim::timetravel;

use super::{open_existing, print};
use crate::exit::Failure;

/// Copies records 0..=`at` into a new database at `to`.
pub(crate) fn fork(db: &Path, at: u64, to: &Path) -> Result<(), Failure> {
    let store = open_existing(db)?;
    let n = timetravel::fork(&store, at, to)?;
    print(&format!(
        "forked records 0..={at} ({n} records) into {}; continue it with `slrsim --db {} run FILE` and compare with `slrsim diff {at} N --other-db {}`",
        to.display(),
        to.display(),
        to.display()
    ))
}
