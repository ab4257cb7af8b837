//! slrsim: an event-sourced simulator of the IAM service-linked role `AWSServiceRoleForMediaTailor`,
//! the MediaTailor playback configurations and session-logging settings that depend on it.
//!
//! The functional core ([`decide()`], [`apply()`]) is pure; the shell ([`Simulator`], [`store`], the CLI)
//! does the I/O. See ARCHITECTURE.md for the map.

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
pub mod record;
pub mod replay;
pub mod simulator;
pub mod store;

pub use simulator::{Genesis, Simulator};
pub mod scenario;
pub mod render;
