//! slrsim: an event-sourced simulator of the IAM service-linked role `AWSServiceRoleForMediaTailor`,
//! the MediaTailor playback configurations and session-logging settings that depend on it.
//!
//! The functional core ([`decide()`], [`apply()`]) is pure; the shell ([`Simulator`], [`store`], the CLI)
//! does the I/O. See ARCHITECTURE.md for the map.

// unwrap/expect/panic only where an invariant makes failure impossible (with a comment saying why);
// tests are free to use them.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod action;
pub mod authz;
pub mod catalog;
pub mod clock;
pub mod decide;
pub mod error;
pub mod event;
pub mod ids;
pub mod limits;
pub mod reducer;
pub mod state;
pub mod validate;

pub use action::{Action, Operation};
pub use decide::{Decided, decide};
pub use error::{ApiError, ErrorCode, ScenarioError, StoreError};
pub use event::Event;
pub use reducer::apply;
pub use state::State;
pub mod check;
pub mod head;
pub mod invariants;
pub mod record;
pub mod reference;
pub mod replay;
pub mod simulator;
pub mod snapshot;
pub mod store;
pub mod timetravel;

pub use simulator::{Genesis, Simulator};
pub mod render;
pub mod scenario;
pub mod server;
pub mod sigv4;
pub mod wire;
