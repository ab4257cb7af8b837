//! Parameter checks with AWS's validation messages. Each returns the error AWS would send, naming the
//! parameter and the constraint.

use crate::core::error::{ApiError, ErrorCode};

/// Characters of IAM names: `[\w+=,.@-]`.
pub fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// A value for a message: long values are cut so that messages stay bounded.
pub fn shown(value: &str) -> String {
    const MAX: usize = 128;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("{head}...")
    }
}

fn validation(code: ErrorCode, value: &str, field: &str, constraint: &str) -> ApiError {
    ApiError::new(
        code,
        format!(
            "1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: {}",
            shown(value),
            field,
            constraint
        ),
    )
}

/// Length in `min..=max` characters.
pub fn length(
    code: ErrorCode,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n < min {
        return Err(validation(
            code,
            value,
            field,
            &format!("Member must have length greater than or equal to {min}"),
        ));
    }
    if n > max {
        return Err(validation(
            code,
            value,
            field,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// A list of at most `max` items, worded as AWS's validation errors word it (the list's value is not
/// echoed: it may be long).
pub fn list_length(code: ErrorCode, field: &str, len: usize, max: usize) -> Result<(), ApiError> {
    if len > max {
        return Err(ApiError::new(
            code,
            format!(
                "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length less than or equal to {max}"
            ),
        ));
    }
    Ok(())
}

/// An IAM name (`[\w+=,.@-]+`) of at most `max` characters.
pub fn iam_name(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    length(ErrorCode::ValidationError, field, value, 1, max)?;
    if !value.chars().all(is_iam_name_char) {
        return Err(validation(
            ErrorCode::ValidationError,
            value,
            field,
            r"Member must satisfy regular expression pattern: [\w+=,.@-]+",
        ));
    }
    Ok(())
}

/// An IAM path: `/` or `/seg/.../` with IAM name characters.
pub fn iam_path(field: &str, value: &str) -> Result<(), ApiError> {
    length(
        ErrorCode::ValidationError,
        field,
        value,
        1,
        crate::core::limits::MAX_PATH,
    )?;
    let ok = value.starts_with('/')
        && value.ends_with('/')
        && value.chars().all(|c| c == '/' || is_iam_name_char(c))
        && !value.contains("//");
    if !ok {
        return Err(validation(
            ErrorCode::ValidationError,
            value,
            field,
            r"Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
        ));
    }
    Ok(())
}

/// An IAM description: at most 1000 characters of `[\t\n\r\u0020-\u007E\u00A1-\u00FF]`.
pub fn description(field: &str, value: &str) -> Result<(), ApiError> {
    length(
        ErrorCode::ValidationError,
        field,
        value,
        0,
        crate::core::limits::MAX_DESCRIPTION,
    )?;
    let ok = value.chars().all(|c| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{7e}').contains(&c)
            || ('\u{a1}'..='\u{ff}').contains(&c)
    });
    if !ok {
        return Err(validation(
            ErrorCode::ValidationError,
            value,
            field,
            r"Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*",
        ));
    }
    Ok(())
}

/// An integer in `min..=max`.
pub fn range(code: ErrorCode, field: &str, value: i64, min: i64, max: i64) -> Result<(), ApiError> {
    if value < min {
        return Err(validation(
            code,
            &value.to_string(),
            field,
            &format!("Member must have value greater than or equal to {min}"),
        ));
    }
    if value > max {
        return Err(validation(
            code,
            &value.to_string(),
            field,
            &format!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// A policy document: 1..=131072 characters.
pub fn policy_document_length(field: &str, value: &str) -> Result<(), ApiError> {
    length(
        ErrorCode::ValidationError,
        field,
        value,
        1,
        crate::core::limits::MAX_POLICY_DOCUMENT,
    )
}

fn malformed(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::MalformedPolicyDocument, message)
}

/// The statements of a policy document, after checking its top-level shape.
fn statements(value: &str) -> Result<Vec<serde_json::Map<String, serde_json::Value>>, ApiError> {
    use serde_json::Value;
    let doc: Value =
        serde_json::from_str(value).map_err(|_| malformed("Syntax errors in policy."))?;
    let Value::Object(top) = doc else {
        return Err(malformed("Syntax errors in policy."));
    };
    if let Some(k) = top
        .keys()
        .find(|k| !matches!(k.as_str(), "Version" | "Id" | "Statement"))
    {
        return Err(malformed(format!(
            "Syntax errors in policy: unknown field {}.",
            shown(k)
        )));
    }
    let list = match top.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => return Err(malformed("Syntax errors in policy: it has no Statement.")),
    };
    if list.is_empty() {
        return Err(malformed("Syntax errors in policy: it has no Statement."));
    }
    list.into_iter()
        .map(|st| match st {
            Value::Object(m) => Ok(m),
            _ => Err(malformed(
                "Syntax errors in policy: a Statement is not an object.",
            )),
        })
        .collect()
}

fn statement_keys(
    st: &serde_json::Map<String, serde_json::Value>,
    allowed: &[&str],
) -> Result<(), ApiError> {
    if let Some(k) = st.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(malformed(format!(
            "Syntax errors in policy: unknown or prohibited field {}.",
            shown(k)
        )));
    }
    if !st.contains_key("Action") && !st.contains_key("NotAction") {
        return Err(malformed("Policy statement must contain actions."));
    }
    Ok(())
}

/// An identity (permissions) policy document: parses, has AWS's shape (no Principal, every statement
/// with actions and resources, actions with a service prefix, resources that are ARNs or `*`).
pub fn policy_document(field: &str, value: &str) -> Result<(), ApiError> {
    use iam_rs::Validate;
    policy_document_length(field, value)?;
    for st in statements(value)? {
        statement_keys(
            &st,
            &[
                "Sid",
                "Effect",
                "Action",
                "NotAction",
                "Resource",
                "NotResource",
                "Condition",
            ],
        )?;
        if !st.contains_key("Resource") && !st.contains_key("NotResource") {
            return Err(malformed("Policy statement must contain resources."));
        }
    }
    let policy =
        iam_rs::IAMPolicy::from_json(value).map_err(|_| malformed("Syntax errors in policy."))?;
    policy
        .validate_result()
        .map_err(|e| malformed(format!("Syntax errors in policy: {e}")))?;
    Ok(())
}

/// A trust (assume-role) policy document: statements with Effect, actions and a Principal, and no
/// Resource.
pub fn trust_policy_document(field: &str, value: &str) -> Result<(), ApiError> {
    policy_document_length(field, value)?;
    for st in statements(value)? {
        statement_keys(
            &st,
            &[
                "Sid",
                "Effect",
                "Action",
                "NotAction",
                "Principal",
                "NotPrincipal",
                "Condition",
            ],
        )?;
        if !st.contains_key("Principal") && !st.contains_key("NotPrincipal") {
            return Err(malformed(
                "Syntax errors in policy: a trust policy statement needs a Principal.",
            ));
        }
        match st.get("Effect").and_then(serde_json::Value::as_str) {
            Some("Allow" | "Deny") => {}
            _ => {
                return Err(malformed(
                    "Syntax errors in policy: Effect must be Allow or Deny.",
                ));
            }
        }
    }
    Ok(())
}

/// A policy's size as IAM counts it for quotas: characters other than white space.
pub fn policy_size(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

/// A MediaTailor resource name: 1..=512 of `[A-Za-z0-9_.-]` (slrsim's restriction, see README).
pub fn mediatailor_name(field: &str, value: &str) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n == 0 || n > crate::core::limits::MAX_PLAYBACK_NAME {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "{field} must be between 1 and {} characters long.",
                crate::core::limits::MAX_PLAYBACK_NAME
            ),
        ));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "{field} '{}' may contain only letters, digits, '_', '.' and '-'.",
                shown(value)
            ),
        ));
    }
    Ok(())
}

/// A URL MediaTailor takes: http(s), at most 2048 characters.
pub fn url(field: &str, value: &str) -> Result<(), ApiError> {
    if value.chars().count() > crate::core::limits::MAX_URL
        || !(value.starts_with("http://") || value.starts_with("https://"))
        || value.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "{field} requires a valid URL: '{}' is not an http:// or https:// URL of at most {} characters.",
                shown(value),
                crate::core::limits::MAX_URL
            ),
        ));
    }
    Ok(())
}
