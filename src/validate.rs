//! Parameter checks with AWS's validation messages. Each returns the error AWS would send, naming the
//! parameter and the constraint.

use crate::error::{ApiError, ErrorCode};

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
        crate::limits::MAX_PATH,
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
        crate::limits::MAX_DESCRIPTION,
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
        crate::limits::MAX_POLICY_DOCUMENT,
    )
}

/// A policy document that parses as an IAM policy.
pub fn policy_document(field: &str, value: &str) -> Result<(), ApiError> {
    policy_document_length(field, value)?;
    if iam_rs::IAMPolicy::from_json(value).is_err() {
        return Err(ApiError::new(
            ErrorCode::MalformedPolicyDocument,
            "Syntax errors in policy.",
        ));
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
    if n == 0 || n > crate::limits::MAX_PLAYBACK_NAME {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "{field} must be between 1 and {} characters long.",
                crate::limits::MAX_PLAYBACK_NAME
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
    if value.chars().count() > crate::limits::MAX_URL
        || !(value.starts_with("http://") || value.starts_with("https://"))
        || value.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ApiError::new(
            ErrorCode::BadRequestException,
            format!(
                "{field} '{}' must be an http:// or https:// URL of at most {} characters.",
                shown(value),
                crate::limits::MAX_URL
            ),
        ));
    }
    Ok(())
}
