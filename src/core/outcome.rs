//! What an action did, as the log stores it: its events and AWS's response, or AWS's error.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::error::ApiError;
use crate::core::event::Event;

/// What an action did: its events and response, or AWS's error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Accepted.
    Ok {
        /// The facts it produced.
        events: Vec<Event>,
        /// AWS's response body.
        response: Value,
    },
    /// Refused: recorded, and nothing changed but what the refusal itself did (an injected fault's
    /// count, `SetFaults`).
    Error {
        /// AWS's error.
        error: ApiError,
        /// What the refusal changed: only the `FaultInjected` of an injected internal error; left
        /// out when empty, as in every other refusal.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        events: Vec<Event>,
    },
}

impl Outcome {
    /// A refusal that changed nothing.
    pub fn refused(error: ApiError) -> Self {
        Outcome::Error {
            error,
            events: Vec::new(),
        }
    }

    /// The events (for a refusal, only an injected fault's).
    pub fn events(&self) -> &[Event] {
        match self {
            Outcome::Ok { events, .. } | Outcome::Error { events, .. } => events,
        }
    }

    /// The error, for a refusal.
    pub fn error(&self) -> Option<&ApiError> {
        match self {
            Outcome::Ok { .. } => None,
            Outcome::Error { error, .. } => Some(error),
        }
    }

    /// Whether the action was accepted.
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok { .. })
    }
}

impl From<Result<crate::core::decide::Decided, ApiError>> for Outcome {
    fn from(r: Result<crate::core::decide::Decided, ApiError>) -> Self {
        match r {
            Ok(d) => Outcome::Ok {
                events: d.events,
                response: d.response,
            },
            Err(error) => Outcome::refused(error),
        }
    }
}

impl From<Result<crate::core::decide::Decided, crate::core::decide::Refusal>> for Outcome {
    fn from(r: Result<crate::core::decide::Decided, crate::core::decide::Refusal>) -> Self {
        match r {
            Ok(d) => Outcome::Ok {
                events: d.events,
                response: d.response,
            },
            Err(r) => Outcome::Error {
                error: r.error,
                events: r.events,
            },
        }
    }
}
