//! slrsim: an event-sourced simulator of the IAM service-linked role `AWSServiceRoleForMediaTailor`,
//! the MediaTailor playback configurations and session-logging settings that depend on it.
//!
//! The crate is layered; each folder is one layer and uses only the layers before it:
//!
//! - [`core`]: pure. Operations, events, state, [`decide()`] and [`apply()`], and their rules.
//! - [`log`]: the sled database: the hash-chained log, snapshots, replay, verification.
//! - [`simulator`]: the shell that runs actions through the core into the log; the scenario format.
//! - [`timetravel`]: state at any record or time, diff, bisect, explain, fork, the timeline.
//! - [`aws`]: SigV4, the AWS wire protocols and the HTTP server.
//! - [`testing`]: the reference model, the generator, the step invariants and the soak harness.
//!
//! See ARCHITECTURE.md for the map and the rules a test keeps.

#[cfg(feature = "server")]
pub mod aws;
pub mod core;
pub mod log;
pub mod simulator;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timetravel;

pub use crate::core::action::{Action, Operation};
pub use crate::core::apply::apply;
pub use crate::core::decide::{Decided, decide};
pub use crate::core::error::{ApiError, ErrorCode};
pub use crate::core::event::Event;
pub use crate::core::operation::OperationKind;
pub use crate::core::state::State;
pub use crate::log::error::StoreError;
pub use crate::simulator::scenario::ScenarioError;
pub use crate::simulator::{Genesis, Simulator};
