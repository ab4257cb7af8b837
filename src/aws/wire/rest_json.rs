//! MediaTailor's rest-json protocol: the operation is the HTTP method and path; parameters come from
//! the path, the query string and a JSON body; errors are the `x-amzn-errortype` header with a JSON
//! body `{"Message": ...}`.

use serde_json::{Map, Value};

use crate::core::action::Operation;
use crate::core::error::{ApiError, ErrorCode};
use crate::core::operation::{OperationKind, RestInput, Route};

/// Longest request body accepted (bytes).
pub const MAX_BODY: usize = 1 << 20;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::BadRequestException, message)
}

/// Decodes a MediaTailor request. `path` is percent-encoded as sent; `query` is the part after `?`.
pub fn decode_request(
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
) -> Result<(&'static str, Operation), ApiError> {
    if body.len() > MAX_BODY {
        return Err(bad(format!(
            "The request body is larger than {MAX_BODY} bytes."
        )));
    }
    let segments: Vec<String> = path
        .trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let Some((name, input, mut params)) = route(method, &segs) else {
        return Err(ApiError::new(
            ErrorCode::NotFoundException,
            format!(
                "No MediaTailor operation at {} {}.",
                crate::core::validate::shown(method),
                crate::core::validate::shown(path)
            ),
        ));
    };
    match input {
        RestInput::Path => {}
        RestInput::Query => params.extend(query_params(name, query)?),
        RestInput::Body => params.extend(from_wire(json_body(body)?)?),
    }
    let op = Operation::from_parts(name, params).map_err(|(field, msg)| match field {
        Some(field) => bad(format!("{field}: {msg}")),
        None => bad(msg),
    })?;
    Ok((name, op))
}

/// The registry's rest-json route of `method` and the (decoded) path segments: the operation's name,
/// where its other parameters come from, and the values of the route's `{Param}` segments.
fn route(method: &str, segments: &[&str]) -> Option<(&'static str, RestInput, Map<String, Value>)> {
    OperationKind::ALL.iter().find_map(|k| {
        let spec = k.spec();
        let Route::RestJson {
            method: m,
            path,
            input,
            ..
        } = spec.route
        else {
            return None;
        };
        let pattern: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // An ARN holds a `/`: SDKs percent-encode it, but a `{ResourceArn}` ending the path also
        // takes the rest of the path when a client sends its slashes as they are.
        let tail;
        let mut segments: Vec<&str> = segments.to_vec();
        if pattern.last() == Some(&"{ResourceArn}") && segments.len() > pattern.len() {
            tail = segments[pattern.len() - 1..].join("/");
            segments.truncate(pattern.len() - 1);
            segments.push(&tail);
        }
        if m != method || pattern.len() != segments.len() {
            return None;
        }
        let mut params = Map::new();
        for (p, seg) in pattern.iter().zip(&segments) {
            match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(param) => {
                    params.insert(param.to_string(), Value::String((*seg).to_string()));
                }
                None if *p == *seg => {}
                None => return None,
            }
        }
        Some((spec.name, input, params))
    })
}

/// Whether `path` is under one of MediaTailor's routes (its first segment begins one), which is how a
/// request without a signature or `X-Amz-Target` is known to address MediaTailor.
pub fn addresses(path: &str) -> bool {
    let Some(path) = path.strip_prefix('/') else {
        return false;
    };
    OperationKind::ALL.iter().any(|k| match k.spec().route {
        Route::RestJson { path: pattern, .. } => pattern
            .trim_start_matches('/')
            .split('/')
            .next()
            .is_some_and(|first| path.starts_with(first)),
        _ => false,
    })
}

/// Members whose name on the wire differs from the member's name in AWS's model (`locationName`):
/// (wire name, member name). MediaTailor's model has one, in every playback configuration shape.
const WIRE_NAMES: &[(&str, &str)] = &[("tags", "Tags")];

/// A request body with its wire names turned into member names (as the parameters are named). A
/// member name where the wire name belongs is refused: AWS's SDKs never send it, so a tool that does
/// has a bug worth naming.
fn from_wire(mut body: Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    for (wire, member) in WIRE_NAMES {
        if body.contains_key(*member) {
            return Err(bad(format!(
                "Unknown member `{member}`: its name on the wire is `{wire}`."
            )));
        }
        if let Some(v) = body.remove(*wire) {
            body.insert((*member).to_string(), v);
        }
    }
    Ok(body)
}

/// A response body with its member names turned into wire names, at the top level and in each of
/// `Items` (ListPlaybackConfigurations).
pub fn to_wire(response: &Value) -> Value {
    fn rename(v: &mut Value) {
        if let Value::Object(m) = v {
            for (wire, member) in WIRE_NAMES {
                if let Some(x) = m.remove(*member) {
                    m.insert((*wire).to_string(), x);
                }
            }
        }
    }
    let mut out = response.clone();
    rename(&mut out);
    if let Some(Value::Array(items)) = out.get_mut("Items") {
        items.iter_mut().for_each(rename);
    }
    out
}

fn json_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(bad("The request body must be a JSON object.")),
        Err(e) => Err(bad(format!("The request body is not valid JSON: {e}"))),
    }
}

/// The parameters of a call whose input is the query string: `MaxResults` and `NextToken` for
/// ListPlaybackConfigurations, the repeated `tagKeys` (member `TagKeys`) for UntagResource.
fn query_params(op: &str, query: &str) -> Result<Map<String, Value>, ApiError> {
    let mut m = Map::new();
    let mut keys = Vec::new();
    let untag = op == "UntagResource";
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "tagKeys" if untag => keys.push(Value::String(v.into_owned())),
            "MaxResults" if !untag => {
                let n: i64 = v
                    .parse()
                    .map_err(|_| bad("MaxResults must be an integer."))?;
                m.insert("MaxResults".to_string(), Value::from(n));
            }
            "NextToken" if !untag => {
                m.insert("NextToken".to_string(), Value::String(v.into_owned()));
            }
            other => {
                return Err(bad(format!(
                    "Unknown query parameter {}.",
                    crate::core::validate::shown(other)
                )));
            }
        }
    }
    if untag && !keys.is_empty() {
        m.insert("TagKeys".to_string(), Value::Array(keys));
    }
    Ok(m)
}

/// The HTTP status of a successful call, as the registry gives it (DeletePlaybackConfiguration answers
/// 204 No Content).
pub fn success_status(op: &str) -> u16 {
    match OperationKind::from_name(op).map(|k| k.spec().route) {
        Some(Route::RestJson { status, .. }) => status,
        _ => 200,
    }
}

/// An error as rest-json sends it: the status, the `x-amzn-errortype` header's value and the body.
pub fn error(err: &ApiError) -> (u16, &'static str, String) {
    let body = serde_json::json!({"Message": err.message}).to_string();
    (err.status, err.code.as_str(), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decoded(method: &str, path: &str, query: &str, body: &str) -> Value {
        let (_, op) = decode_request(method, path, query, body.as_bytes()).expect("decodes");
        serde_json::to_value(op).expect("json")
    }

    #[test]
    fn tags_travel_under_their_wire_name() {
        let put = decoded(
            "PUT",
            "/playbackConfiguration",
            "",
            r#"{"Name":"live","tags":{"team":"video"}}"#,
        );
        assert_eq!(put["params"]["Tags"], json!({"team": "video"}));
        // The member's own name is not what an SDK sends: refused, naming the wire name.
        let err = decode_request(
            "PUT",
            "/playbackConfiguration",
            "",
            br#"{"Name":"live","Tags":{"team":"video"}}"#,
        )
        .expect_err("the member name is not the wire name");
        assert_eq!(err.code, ErrorCode::BadRequestException);
        assert!(err.message.contains("`tags`"), "{}", err.message);
        let answer = to_wire(&json!({"Name": "live", "Tags": {"team": "video"}}));
        assert_eq!(answer, json!({"Name": "live", "tags": {"team": "video"}}));
        let list = to_wire(&json!({"Items": [{"Name": "a", "Tags": {}}]}));
        assert_eq!(list, json!({"Items": [{"Name": "a", "tags": {}}]}));
    }

    /// The tagging calls as SDKs send them: the ARN percent-encoded in the path (or not), the keys
    /// to remove repeated in the query string, the tags under their wire name.
    #[test]
    fn tagging_calls_take_the_arn_from_the_path_and_the_keys_from_the_query() {
        let arn = "arn:aws:mediatailor:us-east-1:111122223333:playbackConfiguration/live";
        let encoded = "/tags/arn%3Aaws%3Amediatailor%3Aus-east-1%3A111122223333%3AplaybackConfiguration%2Flive";
        assert_eq!(
            decoded("POST", encoded, "", r#"{"tags":{"team":"video"}}"#),
            json!({"op": "TagResource", "params": {"ResourceArn": arn, "Tags": {"team": "video"}}})
        );
        assert_eq!(
            decoded("DELETE", encoded, "tagKeys=team&tagKeys=cost%20centre", ""),
            json!({"op": "UntagResource", "params": {"ResourceArn": arn, "TagKeys": ["team", "cost centre"]}})
        );
        assert_eq!(
            decoded("GET", &format!("/tags/{arn}"), "", ""),
            json!({"op": "ListTagsForResource", "params": {"ResourceArn": arn}})
        );
        assert_eq!(success_status("TagResource"), 204);
        assert_eq!(success_status("UntagResource"), 204);
        assert_eq!(success_status("ListTagsForResource"), 200);
        assert_eq!(
            to_wire(&json!({"Tags": {"team": "video"}})),
            json!({"tags": {"team": "video"}})
        );
        // Without keys the required member is missing; another query parameter is not the call's.
        let refused = |q: &str| {
            decode_request("DELETE", encoded, q, b"")
                .expect_err("refused")
                .code
        };
        assert_eq!(refused(""), ErrorCode::BadRequestException);
        assert_eq!(
            refused("MaxResults=1&tagKeys=a"),
            ErrorCode::BadRequestException
        );
        let list = decode_request("GET", "/playbackConfigurations", "tagKeys=a", b"");
        assert!(list.is_err(), "ListPlaybackConfigurations takes no tagKeys");
    }

    #[test]
    fn every_route_decodes_to_its_operation() {
        assert_eq!(
            decoded(
                "PUT",
                "/playbackConfiguration",
                "",
                r#"{"Name":"live","VideoContentSourceUrl":"https://o.example.com/a"}"#
            ),
            json!({"op": "PutPlaybackConfiguration", "params": {"Name": "live", "VideoContentSourceUrl": "https://o.example.com/a"}})
        );
        assert_eq!(
            decoded("GET", "/playbackConfiguration/live%2Dus", "", ""),
            json!({"op": "GetPlaybackConfiguration", "params": {"Name": "live-us"}})
        );
        assert_eq!(
            decoded("DELETE", "/playbackConfiguration/live", "", ""),
            json!({"op": "DeletePlaybackConfiguration", "params": {"Name": "live"}})
        );
        assert_eq!(
            decoded(
                "GET",
                "/playbackConfigurations",
                "MaxResults=10&NextToken=b",
                ""
            ),
            json!({"op": "ListPlaybackConfigurations", "params": {"MaxResults": 10, "NextToken": "b"}})
        );
        assert_eq!(
            decoded(
                "PUT",
                "/configureLogs/playbackConfiguration",
                "",
                r#"{"PercentEnabled": 50, "PlaybackConfigurationName": "live"}"#
            )["params"]["PercentEnabled"],
            50
        );
        assert_eq!(success_status("DeletePlaybackConfiguration"), 204);
        assert_eq!(success_status("GetPlaybackConfiguration"), 200);
    }

    /// Each registry route, filled in from its example, decodes to its operation with the example's
    /// parameters, and the server knows the path as MediaTailor's.
    #[test]
    fn every_registry_route_decodes_to_its_operation() {
        let mut routes = 0;
        for k in OperationKind::ALL {
            let spec = k.spec();
            let Route::RestJson {
                method,
                path,
                input,
                ..
            } = spec.route
            else {
                continue;
            };
            let example: Map<String, Value> = serde_json::from_str(spec.example).expect("json");
            let mut concrete = path.to_string();
            for (k, v) in &example {
                concrete = concrete.replace(&format!("{{{k}}}"), v.as_str().unwrap_or_default());
            }
            // The members not in the path, under their wire names: the body, or the query string.
            let mut rest = example.clone();
            rest.retain(|k, _| !path.contains(&format!("{{{k}}}")));
            let body = match input {
                RestInput::Body => to_wire(&Value::Object(rest.clone())).to_string(),
                _ => String::new(),
            };
            let query = match (input, rest.get("TagKeys")) {
                (RestInput::Query, Some(Value::Array(keys))) => keys
                    .iter()
                    .map(|k| format!("tagKeys={}", k.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("&"),
                _ => String::new(),
            };
            let (name, op) =
                decode_request(method, &concrete, &query, body.as_bytes()).expect("decodes");
            assert_eq!((name, op.kind()), (spec.name, *k));
            assert_eq!(
                serde_json::to_value(&op).expect("json")["params"],
                Value::Object(example)
            );
            assert!(addresses(&concrete), "{concrete}");
            routes += 1;
        }
        assert!(routes >= 8);
        assert!(!addresses("/") && !addresses("/elsewhere") && !addresses("playbackConfiguration"));
    }

    #[test]
    fn bad_requests_get_rest_json_errors() {
        let code = |m: &str, p: &str, q: &str, b: &str| {
            decode_request(m, p, q, b.as_bytes())
                .expect_err("refused")
                .code
        };
        assert_eq!(
            code("POST", "/playbackConfiguration", "", ""),
            ErrorCode::NotFoundException
        );
        assert_eq!(
            code("GET", "/nowhere", "", ""),
            ErrorCode::NotFoundException
        );
        assert_eq!(
            code("PUT", "/playbackConfiguration", "", "{not json"),
            ErrorCode::BadRequestException
        );
        assert_eq!(
            code("PUT", "/playbackConfiguration", "", "[]"),
            ErrorCode::BadRequestException
        );
        assert_eq!(
            code("GET", "/playbackConfigurations", "MaxResults=x", ""),
            ErrorCode::BadRequestException
        );
        let e = decode_request(
            "PUT",
            "/configureLogs/playbackConfiguration",
            "",
            br#"{"PercentEnabled": "50", "PlaybackConfigurationName": "live"}"#,
        )
        .expect_err("wrong type");
        assert!(e.message.contains("PercentEnabled"), "{}", e.message);
        let big = vec![b' '; MAX_BODY + 1];
        assert!(decode_request("PUT", "/playbackConfiguration", "", &big).is_err());
        let (status, kind, body) = error(&ApiError::new(ErrorCode::NotFoundException, "gone"));
        assert_eq!(
            (status, kind, body.as_str()),
            (404, "NotFoundException", r#"{"Message":"gone"}"#)
        );
    }
}
