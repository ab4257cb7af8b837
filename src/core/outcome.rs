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
    /// Refused: recorded, and nothing changed.
    Error {
        /// AWS's error.
        error: ApiError,
    },
}

impl Outcome {
    /// The events (none for a refusal).
    pub fn events(&self) -> &[Event] {
        match self {
            Outcome::Ok { events, .. } => events,
            Outcome::Error { .. } => &[],
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
            Err(error) => Outcome::Error { error },
        }
    }
}
