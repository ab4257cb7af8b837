//! Re-deciding a whole log with this version of slrsim (`replay --verify`).

use crate::core::outcome::Outcome;
use crate::core::state::State;
use crate::log::error::StoreError;
use crate::log::replay;
use crate::log::store::Store;

/// The first record whose outcome the current code decides differently (what changed when the
/// simulator was upgraded), with both outcomes; `None` when every record re-decides the same.
pub fn replay_verify(store: &Store) -> Result<Option<(u64, Outcome, Outcome)>, StoreError> {
    let mut state = State::default();
    let mut first = None;
    replay::for_each_record(store, None, |rec| {
        if first.is_none() {
            let again = replay::redecide(&state, rec);
            if again != rec.outcome {
                first = Some((rec.seq, rec.outcome.clone(), again));
            }
        }
        for e in rec.outcome.events() {
            crate::core::apply::apply_mut(&mut state, e);
        }
        Ok(())
    })?;
    Ok(first)
}
