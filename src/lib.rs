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
//!
//! # Embedding the simulator
//!
//! A test of your own code can drive the simulator directly: every action is stored in a real sled
//! log, and the log can be read back at any point.
//!
//! ```
//! use slrsim::core::state::TaskStatus;
//! use slrsim::simulator::scenario::parse_line;
//! use slrsim::{Genesis, Simulator, timetravel};
//!
//! // A log in a temporary folder: seed 0, the simulated clock at 2026-01-01T00:00:00Z.
//! let mut sim = Simulator::temporary(Genesis::default())?;
//! for line in [
//!     r#"{"op":"PutPlaybackConfiguration","params":{"Name":"live","VideoContentSourceUrl":"https://origin.example.com","AdDecisionServerUrl":"https://ads.example.com/vast"}}"#,
//!     // Enabling session logging makes MediaTailor create its service-linked role.
//!     r#"{"op":"ConfigureLogsForPlaybackConfiguration","params":{"PlaybackConfigurationName":"live","PercentEnabled":100}}"#,
//!     // Deleting the role while logging is on starts a task that fails.
//!     r#"{"op":"DeleteServiceLinkedRole","params":{"RoleName":"AWSServiceRoleForMediaTailor"}}"#,
//!     r#"{"op":"AdvanceClock","params":{"Seconds":60}}"#,
//! ] {
//!     let record = sim.execute(parse_line(line)?)?;
//!     assert!(record.outcome.is_ok(), "{:?}", record.outcome);
//! }
//!
//! let account = sim.state().account("111122223333");
//! let task = account.latest_deletion_task().expect("the deletion task");
//! assert_eq!(task.status, TaskStatus::Failed);
//!
//! // Time travel: after record 1 (the configuration) there was no role yet.
//! let then = timetravel::state_at(sim.store(), 1)?;
//! assert!(then.account("111122223333").service_linked_role().is_none());
//! // And the log tells why the deletion failed.
//! let why = timetravel::explain(sim.store(), &task.deletion_task_id)?;
//! assert!(why.summary.contains("us-east-1"), "{}", why.summary);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With `default-features = false` the crate is the core, the log, the simulator and time travel;
//! the `server` feature adds [`aws`] (the wire protocols and the HTTP server), `testing` adds
//! [`testing`], and `cli` (the default) builds the `slrsim` program.

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
