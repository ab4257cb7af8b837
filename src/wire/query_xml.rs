//! IAM's query protocol responses: XML in IAM's namespace, `<OpResponse><OpResult>…</OpResult>
//! <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`, list members as
//! `<member>`, policy documents URL-encoded as IAM returns them, and errors as
//! `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.

use serde_json::Value;

use crate::error::ApiError;

/// IAM's XML namespace.
pub const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// The XML body of a successful IAM call `op` whose JSON response is `body`.
pub fn response(op: &str, body: &Value, request_id: &str) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(&format!("<{op}Response xmlns=\"{IAM_NAMESPACE}\">"));
    // Calls without output (DeleteRole, PutRolePolicy, ...) have no Result element.
    if let Value::Object(m) = body {
        if !m.is_empty() {
            out.push_str(&format!("<{op}Result>"));
            for (k, v) in m {
                element(&mut out, k, v);
            }
            out.push_str(&format!("</{op}Result>"));
        }
    }
    out.push_str("<ResponseMetadata><RequestId>");
    escape_into(&mut out, request_id);
    out.push_str(&format!("</RequestId></ResponseMetadata></{op}Response>"));
    out
}

/// The XML body of a refused IAM call.
pub fn error(err: &ApiError, request_id: &str) -> String {
    let kind = if err.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    let mut out = format!(
        "<ErrorResponse xmlns=\"{IAM_NAMESPACE}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>",
        err.code
    );
    escape_into(&mut out, &err.message);
    out.push_str("</Message></Error><RequestId>");
    escape_into(&mut out, request_id);
    out.push_str("</RequestId></ErrorResponse>");
    out
}

/// One member: objects nest, lists become `<member>`s, documents are URL-encoded JSON text.
fn element(out: &mut String, name: &str, v: &Value) {
    if v.is_null() {
        return;
    }
    out.push('<');
    out.push_str(name);
    out.push('>');
    match v {
        Value::Object(m) if !is_document(name) => {
            for (k, child) in m {
                element(out, k, child);
            }
        }
        Value::Array(items) => {
            for item in items {
                element(out, "member", item);
            }
        }
        Value::String(s) if is_document(name) => escape_into(out, &url_encode(s)),
        Value::String(s) => escape_into(out, s),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        // A parsed policy document: IAM returns the document's text, URL-encoded.
        other => escape_into(out, &url_encode(&other.to_string())),
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// IAM returns these members as URL-encoded JSON text.
fn is_document(name: &str) -> bool {
    matches!(
        name,
        "AssumeRolePolicyDocument" | "PolicyDocument" | "Document"
    )
}

fn url_encode(s: &str) -> String {
    // RFC 3986 unreserved characters stay; everything else is percent-encoded, as IAM does.
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn a_get_role_response_is_iam_s_xml() {
        let body = json!({"Role": {
            "RoleName": "AWSServiceRoleForMediaTailor",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]},
            "Tags": [{"Key": "a", "Value": "x<y"}],
            "MaxSessionDuration": 3600,
            "RoleLastUsed": {},
        }});
        let xml = response("GetRole", &body, "req-1");
        assert_eq!(
            xml,
            "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role>\
             <AssumeRolePolicyDocument>%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%7D%5D%2C%22Version%22%3A%222012-10-17%22%7D</AssumeRolePolicyDocument>\
             <MaxSessionDuration>3600</MaxSessionDuration><RoleLastUsed></RoleLastUsed>\
             <RoleName>AWSServiceRoleForMediaTailor</RoleName>\
             <Tags><member><Key>a</Key><Value>x&lt;y</Value></member></Tags>\
             </Role></GetRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetRoleResponse>"
        );
    }

    /// The shape botocore's query parser reads as `RoleUsageList: [{Region, Resources: [arn]}]`
    /// (checked by hand with botocore 1.x against a failed deletion from the simulator).
    #[test]
    fn a_failed_deletion_lists_regions_and_resources_as_members() {
        let body = json!({"Status": "FAILED", "Reason": {"Reason": "in use", "RoleUsageList": [
            {"Region": "us-east-1", "Resources": ["arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live"]}
        ]}});
        let xml = response("GetServiceLinkedRoleDeletionStatus", &body, "r");
        assert!(xml.contains(
            "<Reason><Reason>in use</Reason><RoleUsageList><member><Region>us-east-1</Region>\
             <Resources><member>arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live</member></Resources>\
             </member></RoleUsageList></Reason><Status>FAILED</Status>"
        ), "{xml}");
    }

    #[test]
    fn a_call_without_output_has_no_result_element() {
        assert_eq!(
            response("DeleteRole", &json!({}), "r"),
            "<DeleteRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>"
        );
    }

    #[test]
    fn errors_are_error_responses_with_type_code_and_message() {
        let e = ApiError::new(
            ErrorCode::UnmodifiableEntity,
            "Cannot perform the operation on the protected role 'AWSServiceRoleForMediaTailor' - this role is only modifiable by AWS",
        );
        assert_eq!(
            error(&e, "r-2"),
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
             <Code>UnmodifiableEntity</Code><Message>Cannot perform the operation on the protected role &apos;AWSServiceRoleForMediaTailor&apos; - this role is only modifiable by AWS</Message>\
             </Error><RequestId>r-2</RequestId></ErrorResponse>"
        );
    }
}
