//! The pure core: operations and their parameters, events, the state, `decide` and `apply`, and the
//! rules they keep (authorization, validation, the catalog of AWS's fixed facts, limits, ids, the clock,
//! AWS-shaped errors). Nothing here does I/O, reads a clock or draws a random number; nothing here uses
//! another layer of the crate.

pub mod action;
pub mod apply;
pub(crate) mod authz;
pub mod catalog;
pub mod clock;
pub mod decide;
pub mod error;
pub mod event;
pub mod ids;
pub mod invariants;
pub mod limits;
pub mod mediatailor_logs;
pub mod operation;
pub mod outcome;
pub mod rules;
pub mod service_roles;
pub mod state;
pub mod validate;
