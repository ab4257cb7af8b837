//! The first record after which a rule of one state is broken, by binary search over the log.

use serde::Serialize;

use crate::core::state::State;
use crate::log::error::StoreError;
use crate::log::store::Store;

use super::state_at::state_at;

/// What bisect found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Broken {
    /// The first record after which the rule is broken.
    pub seq: u64,
    /// The rule.
    pub invariant: &'static str,
    /// What is wrong after that record.
    pub detail: String,
    /// How many states were reconstructed to find it.
    pub reconstructions: u32,
}

/// Finds the first record after which a state invariant (`invariant`, or any when `None`) is broken, by
/// binary search over the log: O(log n) state reconstructions, each one snapshot plus at most K applies.
/// A rule broken and later repaired may hide from the search, as with `git bisect`; the record found is
/// always one after which the rule is broken and before which it held.
pub fn bisect(store: &Store, invariant: Option<&str>) -> Result<Option<Broken>, StoreError> {
    let checks: Vec<&crate::core::invariants::StateInvariant> = match invariant {
        Some(name) => vec![
            crate::core::invariants::state_invariant(name).ok_or_else(|| {
                StoreError::UnknownInvariant {
                    name: name.to_string(),
                    known: crate::core::invariants::STATE_INVARIANTS
                        .iter()
                        .map(|i| i.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?,
        ],
        None => crate::core::invariants::STATE_INVARIANTS.iter().collect(),
    };
    let broken = |s: &State| -> Option<(&'static str, String)> {
        checks
            .iter()
            .find_map(|c| (c.check)(s).err().map(|d| (c.name, d)))
    };
    let Some((last, _)) = store.last()? else {
        return Ok(None);
    };
    let mut reconstructions = 1u32;
    if broken(&state_at(store, last)?).is_none() {
        return Ok(None);
    }
    // INVARIANT: the rule holds after lo (or lo is "before record 0") and is broken after hi.
    let (mut lo, mut hi): (Option<u64>, u64) = (None, last);
    loop {
        let start = lo.map_or(0, |l| l + 1);
        if start >= hi {
            break;
        }
        let mid = start + (hi - start) / 2;
        reconstructions += 1;
        if broken(&state_at(store, mid)?).is_some() {
            hi = mid;
        } else {
            lo = Some(mid);
        }
    }
    reconstructions += 1;
    let (name, detail) = broken(&state_at(store, hi)?).unwrap_or(("?", String::new()));
    Ok(Some(Broken {
        seq: hi,
        invariant: name,
        detail,
        reconstructions,
    }))
}
