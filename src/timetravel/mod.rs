//! Time-travel debugging over a log: the state at any record or time, one thing at a point, the
//! difference between two points, the first record that broke a rule, why a deletion ended as it did,
//! and a branch of history. Everything here reads the log (and its snapshots) and is pure otherwise.
//!
//! ```no_run
//! use slrsim::log::store::Store;
//! use slrsim::timetravel;
//!
//! let store = Store::open(std::path::Path::new("slrsim.db"))?;
//! let before = timetravel::state_at(&store, 10)?;
//! let after = timetravel::state_at(&store, 20)?;
//! for change in timetravel::diff(&before, &after) {
//!     println!("{change}");
//! }
//! if let Some(found) = timetravel::bisect(&store, None)? {
//!     println!("record {} broke {}: {}", found.seq, found.invariant, found.detail);
//! }
//! # Ok::<(), slrsim::StoreError>(())
//! ```

mod bisect;
mod diff;
mod explain;
mod fork;
mod log_filter;
mod replay_verify;
mod state_at;
pub mod timeline;

pub use bisect::{Broken, bisect};
pub use diff::{Change, ChangeKind, diff};
pub use explain::{Explanation, explain};
pub use fork::fork;
pub use log_filter::LogFilter;
pub use replay_verify::replay_verify;
pub use state_at::{Query, get, record_at, seq_at_time, state_at};
