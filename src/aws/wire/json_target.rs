//! CloudWatch Logs' JSON protocol (awsJson1.1): `POST /` with `X-Amz-Target: Logs_20140328.<Op>` and a
//! JSON body; errors are a JSON body `{"__type": code, "message": ...}`.

use serde_json::{Map, Value};

use crate::core::action::Operation;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::operation::OperationKind;

/// The target prefix of CloudWatch Logs' API version: how a request without a signature is known to
/// address CloudWatch Logs. Every target in the operation registry starts with it (a test checks).
pub const LOGS_TARGET_PREFIX: &str = "Logs_20140328.";

/// Longest request body accepted (bytes).
pub const MAX_BODY: usize = 1 << 20;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameterException, message)
}

/// Decodes a CloudWatch Logs request from its `X-Amz-Target` header and body.
pub fn decode_request(target: &str, body: &[u8]) -> Result<(&'static str, Operation), ApiError> {
    // The registry's targets are the calls served; anything else (another API version, a simulation
    // action) is `InvalidAction`.
    let name = OperationKind::by_target(target)
        .map(|k| k.spec().name)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidAction,
                format!(
                    "Operation {} is not supported.",
                    crate::core::validate::shown(target)
                ),
            )
        })?;
    if body.len() > MAX_BODY {
        return Err(invalid(format!(
            "The request body is larger than {MAX_BODY} bytes."
        )));
    }
    let params = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice(body) {
            Ok(Value::Object(m)) => m,
            _ => return Err(invalid("The request body must be a JSON object.")),
        }
    };
    let op = Operation::from_parts(name, params).map_err(|(field, msg)| {
        invalid(match field {
            Some(field) => format!("{field}: {msg}"),
            None => msg,
        })
    })?;
    Ok((name, op))
}

/// An error as awsJson1.1 sends it: the status and the body.
pub fn error(err: &ApiError) -> (u16, String) {
    (
        err.status,
        serde_json::json!({"__type": err.code.as_str(), "message": err.message}).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::operation::Route;
    use serde_json::json;

    #[test]
    fn every_target_of_the_registry_is_in_logs_api_version() {
        let mut targets = 0;
        for k in OperationKind::ALL {
            if let Route::JsonTarget { target } = k.spec().route {
                assert_eq!(target.strip_prefix(LOGS_TARGET_PREFIX), Some(k.spec().name));
                let (name, op) =
                    decode_request(target, k.spec().example.as_bytes()).expect("served");
                assert_eq!((name, op.kind()), (k.spec().name, *k));
                targets += 1;
            }
        }
        assert!(targets >= 2);
    }

    #[test]
    fn targets_decode_to_operations_and_anything_else_is_refused() {
        let (name, op) = decode_request(
            "Logs_20140328.DescribeLogStreams",
            br#"{"logGroupName":"MediaTailor/AdDecisionServerInteractions","limit":5}"#,
        )
        .expect("decodes");
        assert_eq!(name, "DescribeLogStreams");
        assert_eq!(
            serde_json::to_value(op).expect("json")["params"],
            json!({"logGroupName": "MediaTailor/AdDecisionServerInteractions", "limit": 5})
        );
        let (name, _) = decode_request("Logs_20140328.DescribeLogGroups", b"").expect("empty body");
        assert_eq!(name, "DescribeLogGroups");
        let code = |t: &str, b: &[u8]| decode_request(t, b).expect_err("refused").code;
        assert_eq!(
            code("Logs_20140328.PutLogEvents", b"{}"),
            ErrorCode::InvalidAction
        );
        assert_eq!(
            code("Logs_20140328.AdvanceClock", b"{}"),
            ErrorCode::InvalidAction
        );
        assert_eq!(code("DescribeLogGroups", b"{}"), ErrorCode::InvalidAction);
        assert_eq!(
            code("Logs_20140328.DescribeLogGroups", b"[1]"),
            ErrorCode::InvalidParameterException
        );
        assert_eq!(
            code("Logs_20140328.DescribeLogGroups", br#"{"limit":"5"}"#),
            ErrorCode::InvalidParameterException
        );
        let (status, body) = error(&ApiError::new(ErrorCode::ResourceNotFoundException, "no"));
        assert_eq!(
            (status, body.as_str()),
            (
                400,
                r#"{"__type":"ResourceNotFoundException","message":"no"}"#
            )
        );
    }
}
