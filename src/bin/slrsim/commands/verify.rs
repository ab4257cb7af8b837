//! `verify`: the hash chain, the re-decided outcomes and the replayed state, checked against the log.

use std::io::Write;
use std::path::Path;

use slrsim::log::error::StoreError;
use slrsim::log::replay;
use slrsim::log::store::Store;

use super::open_read;
use crate::exit::Failure;

/// Verifies the log; keeps the snapshots it rebuilt when the log is intact.
pub(crate) fn verify(db: &Path) -> Result<(), Failure> {
    let store = open_read(db)?;
    match store.check_head() {
        // A log shorter than its head is named by `replay::verify` as its first missing record.
        Ok(()) | Err(StoreError::RolledBack { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    let v = replay::verify(&store)?;
    match v.problem {
        None => {
            if !v.snapshots_rebuilt.is_empty() {
                // The rebuilt snapshots are in the private copy verify read. The log verified intact,
                // so the folder is opened for writing to keep them: the one write `verify` makes.
                let target = Store::open(db)?;
                for &seq in &v.snapshots_rebuilt {
                    if let Some((at, value)) = store.snapshots_before(seq).next().transpose()? {
                        if at == seq {
                            target.put_snapshot(seq, &value)?;
                        }
                    }
                }
                target.flush()?;
            }
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "verified {} records: hash chain intact, every action re-decides to its logged outcome, replay equals the live state (state hash {})",
                v.records, v.state_hash
            )?;
            if !v.snapshots_rebuilt.is_empty() {
                writeln!(
                    out,
                    "rebuilt {} missing or damaged snapshot(s) from the log: after records {:?}",
                    v.snapshots_rebuilt.len(),
                    v.snapshots_rebuilt
                )?;
            }
            Ok(())
        }
        Some((seq, detail)) => Err(Failure::BadLog(format!(
            "record {seq} fails verification: {detail}"
        ))),
    }
}
