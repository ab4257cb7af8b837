//! AWS-shaped errors. [`ApiError`] is a domain rejection shaped as AWS shapes it (code, message, HTTP
//! status): it is a result the simulator records, not a failure.
//! Storage failures (`log::error::StoreError`) and malformed input (`simulator::scenario::ScenarioError`) are kept apart.

use serde::{Deserialize, Serialize};

/// The AWS error codes slrsim answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    /// IAM: bad input, such as a taken service role name or a custom suffix MediaTailor does not take.
    InvalidInput,
    /// IAM: the protected service-linked role cannot be changed this way.
    UnmodifiableEntity,
    /// IAM: the caller's policies do not allow the call.
    AccessDenied,
    /// IAM: the named entity does not exist.
    NoSuchEntity,
    /// IAM: a service role policy attached to another entity.
    PolicyNotAttachable,
    /// IAM: an entity with that name exists.
    EntityAlreadyExists,
    /// IAM: a quota is reached.
    LimitExceeded,
    /// IAM: the entity still has attached things.
    DeleteConflict,
    /// IAM: a policy document does not parse.
    MalformedPolicyDocument,
    /// IAM (and the simulation actions): a parameter breaks a documented constraint.
    ValidationError,
    /// The caller is not a principal of the account.
    InvalidClientTokenId,
    /// MediaTailor and CloudWatch Logs: the caller's policies do not allow the call.
    AccessDeniedException,
    /// MediaTailor: bad input.
    BadRequestException,
    /// MediaTailor: the named resource does not exist.
    NotFoundException,
    /// CloudWatch Logs: the named resource does not exist.
    ResourceNotFoundException,
    /// CloudWatch Logs: bad input.
    InvalidParameterException,
    /// A request's SigV4 signature is not the one its key's secret gives.
    SignatureDoesNotMatch,
    /// A request's `Authorization` header is malformed or incomplete.
    IncompleteSignature,
    /// A request carries no signature at all.
    MissingAuthenticationToken,
    /// A query-protocol request names no `Action`.
    MissingAction,
    /// A query-protocol request names an action the service does not have.
    InvalidAction,
    /// CloudWatch Logs (JSON protocol): the request's access key is unknown.
    UnrecognizedClientException,
    /// CloudWatch Logs (JSON protocol): the request's signature is not the one its key gives.
    InvalidSignatureException,
    /// IAM and STS: the call was throttled (AWS's common error `Throttling`).
    Throttling,
    /// CloudWatch Logs: the call was throttled.
    ThrottlingException,
    /// MediaTailor: the call was throttled.
    TooManyRequestsException,
    /// IAM: an internal error (the model's `ServiceFailureException`, 500).
    ServiceFailure,
    /// STS and MediaTailor: an internal error (AWS's common `InternalFailure`, 500).
    InternalFailure,
    /// CloudWatch Logs: an internal error (the model's server fault `ServiceUnavailableException`,
    /// which the JSON protocol answers with 500).
    ServiceUnavailableException,
}

impl ErrorCode {
    /// Whether this is a service's throttling error (the call's token bucket was empty).
    pub fn is_throttling(self) -> bool {
        matches!(
            self,
            ErrorCode::Throttling
                | ErrorCode::ThrottlingException
                | ErrorCode::TooManyRequestsException
        )
    }

    /// Whether this is a service's internal error (an injected fault, `SetFaults`).
    pub fn is_internal_error(self) -> bool {
        matches!(
            self,
            ErrorCode::ServiceFailure
                | ErrorCode::InternalFailure
                | ErrorCode::ServiceUnavailableException
        )
    }

    /// The HTTP status AWS returns with this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::AccessDenied
            | ErrorCode::AccessDeniedException
            | ErrorCode::InvalidClientTokenId
            | ErrorCode::SignatureDoesNotMatch
            | ErrorCode::MissingAuthenticationToken => 403,
            ErrorCode::NoSuchEntity | ErrorCode::NotFoundException => 404,
            ErrorCode::EntityAlreadyExists
            | ErrorCode::LimitExceeded
            | ErrorCode::DeleteConflict => 409,
            ErrorCode::InvalidInput
            | ErrorCode::UnmodifiableEntity
            | ErrorCode::PolicyNotAttachable
            | ErrorCode::MalformedPolicyDocument
            | ErrorCode::ValidationError
            | ErrorCode::BadRequestException
            | ErrorCode::ResourceNotFoundException
            | ErrorCode::InvalidParameterException
            | ErrorCode::IncompleteSignature
            | ErrorCode::MissingAction
            | ErrorCode::InvalidAction
            | ErrorCode::UnrecognizedClientException
            | ErrorCode::InvalidSignatureException
            | ErrorCode::Throttling
            | ErrorCode::ThrottlingException => 400,
            ErrorCode::TooManyRequestsException => 429,
            ErrorCode::ServiceFailure
            | ErrorCode::InternalFailure
            | ErrorCode::ServiceUnavailableException => 500,
        }
    }

    /// The code as AWS spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "InvalidInput",
            ErrorCode::UnmodifiableEntity => "UnmodifiableEntity",
            ErrorCode::AccessDenied => "AccessDenied",
            ErrorCode::NoSuchEntity => "NoSuchEntity",
            ErrorCode::PolicyNotAttachable => "PolicyNotAttachable",
            ErrorCode::EntityAlreadyExists => "EntityAlreadyExists",
            ErrorCode::LimitExceeded => "LimitExceeded",
            ErrorCode::DeleteConflict => "DeleteConflict",
            ErrorCode::MalformedPolicyDocument => "MalformedPolicyDocument",
            ErrorCode::ValidationError => "ValidationError",
            ErrorCode::InvalidClientTokenId => "InvalidClientTokenId",
            ErrorCode::AccessDeniedException => "AccessDeniedException",
            ErrorCode::BadRequestException => "BadRequestException",
            ErrorCode::NotFoundException => "NotFoundException",
            ErrorCode::ResourceNotFoundException => "ResourceNotFoundException",
            ErrorCode::InvalidParameterException => "InvalidParameterException",
            ErrorCode::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            ErrorCode::IncompleteSignature => "IncompleteSignature",
            ErrorCode::MissingAuthenticationToken => "MissingAuthenticationToken",
            ErrorCode::MissingAction => "MissingAction",
            ErrorCode::InvalidAction => "InvalidAction",
            ErrorCode::UnrecognizedClientException => "UnrecognizedClientException",
            ErrorCode::InvalidSignatureException => "InvalidSignatureException",
            ErrorCode::Throttling => "Throttling",
            ErrorCode::ThrottlingException => "ThrottlingException",
            ErrorCode::TooManyRequestsException => "TooManyRequestsException",
            ErrorCode::ServiceFailure => "ServiceFailure",
            ErrorCode::InternalFailure => "InternalFailure",
            ErrorCode::ServiceUnavailableException => "ServiceUnavailableException",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A call AWS would refuse: its code, message and HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// The AWS error code.
    pub code: ErrorCode,
    /// The message AWS would send.
    pub message: String,
    /// The HTTP status AWS would send.
    pub status: u16,
}

impl ApiError {
    /// An error with the status that belongs to `code`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            status: code.status(),
        }
    }
}

/// The message of a caught panic, clipped to one short line (a panic payload is a `&str` or a
/// `String`; anything else is named as such).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    let line = text.lines().next().unwrap_or_default();
    crate::core::validate::shown(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_is_named_in_one_short_line() {
        let caught = std::panic::catch_unwind(|| panic!("tried to serialize {}\nsecond line", 7));
        let payload = caught.expect_err("it panicked");
        assert_eq!(panic_message(payload.as_ref()), "tried to serialize 7");
        let caught = std::panic::catch_unwind(|| std::panic::panic_any(42u8));
        assert_eq!(
            panic_message(caught.expect_err("it panicked").as_ref()),
            "a panic without a message"
        );
        let long = "x".repeat(10_000);
        let caught = std::panic::catch_unwind(move || panic!("{long}"));
        assert!(
            panic_message(caught.expect_err("it panicked").as_ref())
                .chars()
                .count()
                <= 131
        );
    }
}
