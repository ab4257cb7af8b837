//! IAM's query protocol responses: XML in IAM's namespace, `<OpResponse><OpResult>…</OpResult>
//! <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></OpResponse>`, list members as
//! `<member>`, policy documents URL-encoded as IAM returns them, and errors as
//! `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.

use serde_json::{Map, Value};

use crate::core::action::Operation;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::operation::{OperationKind, Service};

/// The IAM API version the query protocol must name.
pub const IAM_VERSION: &str = "2010-05-08";

/// Most form fields in one request.
pub const MAX_FORM_FIELDS: usize = 512;

/// Query parameters IAM types as lists of strings, sent as `Name.member.N`.
const STRING_LIST_FIELDS: &[&str] = &["TagKeys"];

/// Query parameters IAM types as integers.
const INTEGER_FIELDS: &[&str] = &["MaxItems", "MaxSessionDuration", "MaxSigninSessionDuration"];

/// Query parameters IAM types as booleans, sent as `true` or `false`.
const BOOLEAN_FIELDS: &[&str] = &["ResetMaxSigninSessionDuration"];

fn validation(message: String) -> ApiError {
    ApiError::new(ErrorCode::ValidationError, message)
}

/// Decodes an IAM query-protocol request body (`Action=GetRole&Version=2010-05-08&RoleName=...`) into
/// the action's name and operation. `Tags.member.N.Key`/`.Value` become the `Tags` list; integers and
/// booleans are read as such; every other value is a string.
pub fn decode_request(body: &[u8]) -> Result<(String, Operation), ApiError> {
    decode_request_for(body, IAM_VERSION, Service::Iam)
}

/// STS's query-protocol version.
pub const STS_VERSION: &str = "2011-06-15";

/// STS's XML namespace.
pub const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Decodes an STS query-protocol request body (`Action=GetCallerIdentity&Version=2011-06-15`).
pub fn decode_sts_request(body: &[u8]) -> Result<(String, Operation), ApiError> {
    decode_request_for(body, STS_VERSION, Service::Sts)
}

/// Decodes a query-protocol request body for `service`, whose calls must name `api_version`, into
/// the action's name and operation.
fn decode_request_for(
    body: &[u8],
    api_version: &str,
    service: Service,
) -> Result<(String, Operation), ApiError> {
    let Form {
        action,
        version,
        mut params,
        tags,
        lists,
    } = parse_form(body)?;
    let action = action.ok_or_else(|| ApiError::new(ErrorCode::MissingAction, "Missing Action"))?;
    check_action(service, &action, version.as_deref(), api_version)?;
    if !tags.is_empty() {
        params.insert(
            "Tags".to_string(),
            Value::Array(tags.into_values().map(Value::Object).collect()),
        );
    }
    for (name, members) in lists {
        params.insert(
            name,
            Value::Array(members.into_values().map(Value::String).collect()),
        );
    }
    let op = Operation::from_parts(&action, params).map_err(|(field, msg)| match field {
        Some(field) => validation(format!("{action}: parameter {field}: {msg}")),
        None => validation(format!("{action}: {msg}")),
    })?;
    Ok((action, op))
}

/// A query-protocol form, its fields sorted out but not yet checked against the action.
struct Form {
    /// The `Action` field, if given.
    action: Option<String>,
    /// The `Version` field, if given.
    version: Option<String>,
    /// Every other field but the tags, integers already typed.
    params: Map<String, Value>,
    /// The `Tags.member.N` fields, by `N`, each a `Key`/`Value` object.
    tags: std::collections::BTreeMap<usize, Map<String, Value>>,
    /// The lists of strings ([`STRING_LIST_FIELDS`], `TagKeys.member.N`), by name, then by `N`.
    lists: std::collections::BTreeMap<String, std::collections::BTreeMap<usize, String>>,
}

/// Sorts a form-encoded body's fields into a [`Form`], refusing more than [`MAX_FORM_FIELDS`] fields,
/// a malformed tag field, or an integer field that is not one; errors come in the fields' order.
fn parse_form(body: &[u8]) -> Result<Form, ApiError> {
    let mut form = Form {
        action: None,
        version: None,
        params: Map::new(),
        tags: std::collections::BTreeMap::new(),
        lists: std::collections::BTreeMap::new(),
    };
    for (n, (key, value)) in form_urlencoded::parse(body).enumerate() {
        if n >= MAX_FORM_FIELDS {
            return Err(validation(format!(
                "A request may carry at most {MAX_FORM_FIELDS} parameters."
            )));
        }
        match key.as_ref() {
            "Action" => form.action = Some(value.into_owned()),
            "Version" => form.version = Some(value.into_owned()),
            k if k.starts_with("Tags.member.") => {
                let (index, field) = tag_field(k)?;
                form.tags
                    .entry(index)
                    .or_default()
                    .insert(field.to_string(), Value::String(value.into_owned()));
            }
            k if k.contains(".member.") => {
                let (name, index) = list_field(k)?;
                form.lists
                    .entry(name.to_string())
                    .or_default()
                    .insert(index, value.into_owned());
            }
            k if INTEGER_FIELDS.contains(&k) => {
                let n: i64 = value.parse().map_err(|_| {
                    validation(format!(
                        "1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: Member must be an integer",
                        crate::core::validate::shown(&value),
                        lower_first(k)
                    ))
                })?;
                form.params.insert(k.to_string(), Value::from(n));
            }
            k if BOOLEAN_FIELDS.contains(&k) => {
                let b = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(validation(format!(
                            "1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: Member must be a boolean",
                            crate::core::validate::shown(&value),
                            lower_first(k)
                        )));
                    }
                };
                form.params.insert(k.to_string(), Value::Bool(b));
            }
            k => {
                form.params
                    .insert(k.to_string(), Value::String(value.into_owned()));
            }
        }
    }
    Ok(form)
}

/// The index and field (`Key` or `Value`) a `Tags.member.N.Field` key names. `N` may be one past the
/// tag quota, so that too many tags are refused by the quota's own message rather than as unknown.
fn tag_field(key: &str) -> Result<(usize, &str), ApiError> {
    let rest = key.get("Tags.member.".len()..).unwrap_or_default();
    rest.split_once('.')
        .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f)))
        .filter(|(i, f)| {
            (1..=crate::core::limits::MAX_TAGS + 1).contains(i) && matches!(*f, "Key" | "Value")
        })
        .ok_or_else(|| {
            validation(format!(
                "Unknown parameter {}.",
                crate::core::validate::shown(key)
            ))
        })
}

/// The list and index a `Name.member.N` key names, for the lists of [`STRING_LIST_FIELDS`]. `N` may
/// be one past the tag quota, so that too many keys are refused by the quota's own message.
fn list_field(key: &str) -> Result<(&str, usize), ApiError> {
    key.split_once(".member.")
        .and_then(|(name, i)| Some((name, i.parse::<usize>().ok()?)))
        .filter(|(name, i)| {
            STRING_LIST_FIELDS.contains(name) && (1..=crate::core::limits::MAX_TAGS + 1).contains(i)
        })
        .ok_or_else(|| {
            validation(format!(
                "Unknown parameter {}.",
                crate::core::validate::shown(key)
            ))
        })
}

/// Checks that `action` is one of `service`'s query-protocol calls and that the request names
/// `api_version`; either failing is `InvalidAction`, as IAM answers.
fn check_action(
    service: Service,
    action: &str,
    version: Option<&str>,
    api_version: &str,
) -> Result<(), ApiError> {
    // The registry's query-protocol calls of this service; simulation actions and other services'
    // calls are not among them, so naming one is `InvalidAction`.
    if OperationKind::by_query_action(service, action).is_none() {
        return Err(ApiError::new(
            ErrorCode::InvalidAction,
            format!(
                "Could not find operation {} for version {api_version}",
                crate::core::validate::shown(action)
            ),
        ));
    }
    if version != Some(api_version) {
        return Err(ApiError::new(
            ErrorCode::InvalidAction,
            format!(
                "Could not find operation {} for version {}",
                crate::core::validate::shown(action),
                crate::core::validate::shown(version.unwrap_or("NO_VERSION_SPECIFIED"))
            ),
        ));
    }
    Ok(())
}

/// `MaxItems` → `maxItems`, as IAM names fields in its validation messages.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The calls whose output in AWS's model is a structure without members, under a result wrapper: they
/// answer an empty `<OpResult/>` (IAM's model, `UpdateRoleResponse`; botocore fails without it).
const EMPTY_RESULTS: &[&str] = &["UpdateRole"];

/// IAM's XML namespace.
pub const IAM_NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";

/// The XML body of a successful IAM call `op` whose JSON response is `body`.
pub fn response(op: &str, body: &Value, request_id: &str) -> String {
    response_in(IAM_NAMESPACE, op, body, request_id)
}

/// The XML body of a successful query-protocol call in the namespace `ns` (IAM's or STS's).
pub fn response_in(ns: &str, op: &str, body: &Value, request_id: &str) -> String {
    let mut out = String::with_capacity(512);
    out.push_str(&format!("<{op}Response xmlns=\"{ns}\">"));
    // Calls without output (DeleteRole, PutRolePolicy, ...) have no Result element; a call whose
    // output is an empty structure still has its (empty) Result element, which botocore requires.
    if let Value::Object(m) = body {
        if m.is_empty() && EMPTY_RESULTS.contains(&op) {
            out.push_str(&format!("<{op}Result/>"));
        } else if !m.is_empty() {
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
    error_in(IAM_NAMESPACE, err, request_id)
}

/// The XML body of a refused query-protocol call in the namespace `ns`.
pub fn error_in(ns: &str, err: &ApiError, request_id: &str) -> String {
    let kind = if err.status >= 500 {
        "Receiver"
    } else {
        "Sender"
    };
    let mut out = format!(
        "<ErrorResponse xmlns=\"{ns}\"><Error><Type>{kind}</Type><Code>{}</Code><Message>",
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
    // Element names come from the response's shape, never from a request; should one not be an XML
    // name, it is written as a plain member rather than as an ill-formed tag.
    let name = if is_xml_name(name) { name } else { "member" };
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

fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
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

/// Escapes text for XML 1.0. A character XML 1.0 cannot carry at all, not even as a character
/// reference (`&#1;` is as ill-formed as a raw U+0001) — the C0 controls but tab, line feed and
/// carriage return, and U+FFFE and U+FFFF — becomes U+FFFD, so an error message that echoes a
/// hostile input is still a document every XML parser (the AWS CLI's, boto3's) reads. A carriage
/// return is written as `&#xD;`, which parsers keep, where a raw one is read as a line feed.
fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            '\t' | '\n' => out.push(c),
            c if c < '\u{20}' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::operation::Route;
    use serde_json::json;

    /// The example of an operation as a query-protocol form body.
    fn form(action: &str, version: &str, example: &str) -> String {
        let params: Map<String, Value> = serde_json::from_str(example).expect("json");
        let mut f = form_urlencoded::Serializer::new(String::new());
        f.append_pair("Action", action)
            .append_pair("Version", version);
        for (k, v) in &params {
            match v {
                Value::Array(items) if items.iter().all(Value::is_string) => {
                    for (i, item) in items.iter().enumerate() {
                        let key = format!("{k}.member.{}", i + 1);
                        f.append_pair(&key, item.as_str().expect("a string"));
                    }
                }
                Value::Array(tags) => {
                    for (i, t) in tags.iter().enumerate() {
                        for field in ["Key", "Value"] {
                            let key = format!("{k}.member.{}.{field}", i + 1);
                            // (A list of strings is another protocol's example: sent empty.)
                            f.append_pair(&key, t[field].as_str().unwrap_or_default());
                        }
                    }
                }
                Value::String(s) => {
                    f.append_pair(k, s);
                }
                other => {
                    f.append_pair(k, &other.to_string());
                }
            }
        }
        f.finish()
    }

    /// Every query-protocol call of the registry is served by its own service's decoder, with the
    /// example's parameters, and by no other; every other operation is `InvalidAction` to both.
    #[test]
    fn the_query_decoders_serve_exactly_the_registry_s_query_calls() {
        for k in OperationKind::ALL {
            let spec = k.spec();
            for (service, version) in [(Service::Iam, IAM_VERSION), (Service::Sts, STS_VERSION)] {
                let body = form(spec.name, version, spec.example);
                let decoded = match service {
                    Service::Sts => decode_sts_request(body.as_bytes()),
                    _ => decode_request(body.as_bytes()),
                };
                if spec.route == Route::Query && spec.service == service {
                    let (name, op) = decoded.unwrap_or_else(|e| panic!("{}: {e:?}", spec.name));
                    assert_eq!((name.as_str(), op.kind()), (spec.name, *k));
                    let example: Value = serde_json::from_str(spec.example).expect("json");
                    assert_eq!(serde_json::to_value(&op).expect("json")["params"], example);
                } else {
                    let err = decoded.expect_err(spec.name);
                    assert_eq!(err.code, ErrorCode::InvalidAction, "{}", spec.name);
                }
            }
        }
    }

    #[test]
    fn characters_xml_cannot_carry_are_replaced_and_the_answer_parses() {
        let hostile = "a\u{0}b\u{1}c\u{1f}d\u{FFFE}e\u{FFFF}f\r\n\tg<&>\u{10FFFF}";
        let err = ApiError::new(ErrorCode::ValidationError, hostile);
        let xml = error(&err, hostile);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let message = doc
            .descendants()
            .find(|n| n.has_tag_name("Message"))
            .and_then(|n| n.text())
            .expect("a message");
        assert_eq!(
            message,
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\r\n\tg<&>\u{10FFFF}"
        );
        let body =
            json!({"Role": {"RoleName": hostile, "Tags": [{"Key": hostile, "Value": hostile}]}});
        let xml = response("GetRole", &body, "rid");
        roxmltree::Document::parse(&xml).expect("well-formed XML");
        let odd = json!({"Odd": {"a b<\u{1}": "x"}});
        let xml = response("GetRole", &odd, "rid");
        roxmltree::Document::parse(&xml).expect("well-formed XML");
    }

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
    fn query_requests_decode_to_operations() {
        let (name, op) = decode_request(
            b"Action=GetRole&Version=2010-05-08&RoleName=AWSServiceRoleForMediaTailor",
        )
        .expect("GetRole");
        assert_eq!(name, "GetRole");
        assert_eq!(
            serde_json::to_value(&op).expect("json"),
            json!({"op": "GetRole", "params": {"RoleName": "AWSServiceRoleForMediaTailor"}})
        );
        let (_, op) = decode_request(
            b"Action=CreateRole&Version=2010-05-08&RoleName=app&AssumeRolePolicyDocument=%7B%22Version%22%3A%222012-10-17%22%7D\
              &MaxSessionDuration=7200&Tags.member.2.Key=b&Tags.member.2.Value=y&Tags.member.1.Key=a&Tags.member.1.Value=x+y",
        )
        .expect("CreateRole");
        let v = serde_json::to_value(&op).expect("json");
        assert_eq!(
            v["params"]["AssumeRolePolicyDocument"],
            "{\"Version\":\"2012-10-17\"}"
        );
        assert_eq!(v["params"]["MaxSessionDuration"], 7200);
        assert_eq!(
            v["params"]["Tags"],
            json!([{"Key": "a", "Value": "x y"}, {"Key": "b", "Value": "y"}])
        );
    }

    #[test]
    fn the_newer_model_s_integers_and_booleans_decode_typed() {
        let (_, op) = decode_request(
            b"Action=UpdateRole&Version=2010-05-08&RoleName=app&MaxSigninSessionDuration=86400&ResetMaxSigninSessionDuration=false",
        )
        .expect("UpdateRole");
        let v = serde_json::to_value(&op).expect("json");
        assert_eq!(v["params"]["MaxSigninSessionDuration"], 86400);
        assert_eq!(v["params"]["ResetMaxSigninSessionDuration"], false);
        let (_, op) = decode_request(
            b"Action=UpdateRole&Version=2010-05-08&RoleName=app&ResetMaxSigninSessionDuration=true",
        )
        .expect("UpdateRole");
        let v = serde_json::to_value(&op).expect("json");
        assert_eq!(v["params"]["ResetMaxSigninSessionDuration"], true);
        let (_, op) = decode_request(
            b"Action=CreateUser&Version=2010-05-08&UserName=dev&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FIAMReadOnlyAccess&Tags.member.1.Key=team&Tags.member.1.Value=video",
        )
        .expect("CreateUser");
        let v = serde_json::to_value(&op).expect("json");
        assert_eq!(
            v["params"]["Tags"],
            json!([{"Key": "team", "Value": "video"}])
        );
        let (_, op) = decode_request(
            b"Action=ListAttachedRolePolicies&Version=2010-05-08&RoleName=app&PathPrefix=%2F&Marker=m&MaxItems=5",
        )
        .expect("ListAttachedRolePolicies");
        let v = serde_json::to_value(&op).expect("json");
        assert_eq!(v["params"]["MaxItems"], 5);
        let e = decode_request(
            b"Action=UpdateRole&Version=2010-05-08&RoleName=app&ResetMaxSigninSessionDuration=yes",
        )
        .expect_err("not a boolean");
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert_eq!(
            e.message,
            "1 validation error detected: Value 'yes' at 'resetMaxSigninSessionDuration' failed to satisfy constraint: Member must be a boolean"
        );
    }

    #[test]
    fn bad_query_requests_get_aws_s_errors() {
        let code = |body: &[u8]| decode_request(body).expect_err("refused").code;
        assert_eq!(
            code(b"Version=2010-05-08&RoleName=x"),
            ErrorCode::MissingAction
        );
        assert_eq!(
            code(b"Action=Nope&Version=2010-05-08"),
            ErrorCode::InvalidAction
        );
        // Simulation actions and other services' calls are not IAM actions.
        assert_eq!(
            code(b"Action=AdvanceClock&Version=2010-05-08&Seconds=60"),
            ErrorCode::InvalidAction
        );
        assert_eq!(
            code(b"Action=PutPlaybackConfiguration&Version=2010-05-08&Name=x"),
            ErrorCode::InvalidAction
        );
        assert_eq!(code(b"Action=GetRole&RoleName=x"), ErrorCode::InvalidAction);
        assert_eq!(
            code(b"Action=ListRoles&Version=2010-05-08&MaxItems=ten"),
            ErrorCode::ValidationError
        );
        let e =
            decode_request(b"Action=GetRole&Version=2010-05-08&RoleNam=x").expect_err("unknown");
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("RoleNam"), "{}", e.message);
        assert_eq!(
            code(b"Action=TagRole&Version=2010-05-08&Tags.member.x.Key=a"),
            ErrorCode::ValidationError
        );
        let many: String = (0..=MAX_FORM_FIELDS).map(|i| format!("F{i}=1&")).collect();
        assert_eq!(code(many.as_bytes()), ErrorCode::ValidationError);
    }

    #[test]
    fn a_call_without_output_has_no_result_element() {
        assert_eq!(
            response("DeleteRole", &json!({}), "r"),
            "<DeleteRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>"
        );
    }

    #[test]
    fn a_call_whose_output_is_an_empty_structure_has_an_empty_result_element() {
        // botocore reads `UpdateRoleResult` and fails when it is missing (a KeyError in boto3).
        assert_eq!(
            response("UpdateRole", &json!({}), "r"),
            "<UpdateRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><UpdateRoleResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></UpdateRoleResponse>"
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
