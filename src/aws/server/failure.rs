//! Answers for calls the server could not make durable (the disk is full, or the log failed to be
//! written): AWS's internal-error shape of each protocol, so an SDK parses the answer as a service
//! failure (and retries it, as it does any 500) instead of failing on a body it cannot read.
//!
//! Codes, from AWS's own models (botocore's `service-2.json`) where they have one:
//! - IAM (query XML): `ServiceFailure`, 500 — the model's `ServiceFailureException`.
//! - STS (query XML): `InternalFailure`, 500 — AWS's common error; STS models none of its own.
//! - MediaTailor (rest-json): `InternalFailure`, 500 — its model has no server fault (only
//!   `BadRequestException`), so AWS's common error, in the `x-amzn-ErrorType` header.
//! - CloudWatch Logs (JSON 1.1): `ServiceUnavailableException`, 500 — the model's fault for
//!   `DescribeLogGroups` and `DescribeLogStreams`.
//! - The control API and reads of the history: slrsim's own JSON, `{"Code", "Message"}`, 500.
//!
//! Every answer carries a request id, in its header and where the protocol puts it in the body. That
//! id is random (it is not in the log, whose ids derive from the seed and a record's number): the
//! call may have no record that survives, and a number whose record is lost is given again after a
//! restart, so reusing its id would give two calls one request id.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::protocol::{HttpResponse, Service};
use crate::aws::wire::query_xml;

/// Who the failed answer goes to: it decides the answer's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answering {
    /// An AWS call in its service's protocol (`None`: the request named no service we know; a plain
    /// JSON error, as its refusal would be).
    Aws(Option<Service>),
    /// A call of the control API, or a read of the history.
    Control,
}

/// The answer to a call that could not be made durable, in the protocol of `to`. `message` says what
/// happened; it is sent escaped as each protocol needs.
pub(crate) fn answer(to: Answering, message: &str) -> HttpResponse {
    let rid = request_id();
    let header = ("x-amzn-RequestId", rid.clone());
    match to {
        Answering::Aws(Some(s @ (Service::Iam | Service::Sts))) => {
            let (ns, code) = if s == Service::Sts {
                (query_xml::STS_NAMESPACE, "InternalFailure")
            } else {
                (query_xml::IAM_NAMESPACE, "ServiceFailure")
            };
            let body = format!(
                "<ErrorResponse xmlns=\"{ns}\"><Error><Type>Receiver</Type><Code>{code}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
                xml_escape(message),
                xml_escape(&rid)
            );
            HttpResponse {
                status: 500,
                headers: vec![header, ("Content-Type", "text/xml".to_string())],
                body: body.into_bytes(),
            }
        }
        Answering::Aws(Some(Service::MediaTailor)) => HttpResponse {
            status: 500,
            headers: vec![
                header,
                ("x-amzn-ErrorType", "InternalFailure".to_string()),
                ("Content-Type", "application/json".to_string()),
            ],
            body: serde_json::json!({"Message": message})
                .to_string()
                .into_bytes(),
        },
        Answering::Aws(kind @ (Some(Service::Logs) | None)) => {
            let code = if kind.is_some() {
                "ServiceUnavailableException"
            } else {
                "InternalFailure"
            };
            HttpResponse {
                status: 500,
                headers: vec![
                    header,
                    ("Content-Type", "application/x-amz-json-1.1".to_string()),
                ],
                body: serde_json::json!({"__type": code, "message": message})
                    .to_string()
                    .into_bytes(),
            }
        }
        Answering::Control => HttpResponse {
            status: 500,
            headers: vec![header, ("Content-Type", "application/json".to_string())],
            body: serde_json::json!({"Code": "InternalFailure", "Message": message})
                .to_string()
                .into_bytes(),
        },
    }
}

/// The message for a call whose record was appended but could not be flushed: it may be in the log
/// after a restart, or not.
pub(crate) fn not_durable(detail: &str) -> String {
    format!(
        "slrsim could not make this call durable ({detail}); it may or may not have taken effect. slrsim refuses every call until it is restarted."
    )
}

/// The message for a call refused because the log can no longer be written: it did not take effect.
pub(crate) fn refused(detail: &str) -> String {
    format!(
        "slrsim cannot write its log ({detail}) and refuses every call until it is restarted; this call did not take effect."
    )
}

/// A fresh request id, shaped as AWS's (a version-4 UUID): a per-process random key and a counter,
/// through the same keyed hash as the log's ids but for another purpose, so it is none of them.
pub(crate) fn request_id() -> String {
    static KEY: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let key = *KEY.get_or_init(|| {
        // RandomState's keys come from the operating system's randomness; the time and pid only add to
        // it. Random ids stay outside the log, so the log's bytes do not depend on them.
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        h.write_u128(nanos);
        h.write_u32(std::process::id());
        h.finish()
    });
    crate::core::ids::uuid(key, NEXT.fetch_add(1, Ordering::Relaxed), "failure-request")
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(r: &'a HttpResponse, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn body(r: &HttpResponse) -> String {
        String::from_utf8(r.body.clone()).expect("utf-8")
    }

    #[test]
    fn iam_gets_service_failure_in_an_error_response_with_its_request_id() {
        let r = answer(Answering::Aws(Some(Service::Iam)), "disk <full> & more");
        assert_eq!(r.status, 500);
        let rid = header(&r, "x-amzn-RequestId").expect("a request id");
        let b = body(&r);
        assert!(b.starts_with(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Receiver</Type><Code>ServiceFailure</Code>"
        ), "{b}");
        assert!(
            b.contains("<Message>disk &lt;full&gt; &amp; more</Message>"),
            "{b}"
        );
        assert!(b.ends_with(&format!("<RequestId>{rid}</RequestId></ErrorResponse>")));
        assert_eq!(header(&r, "Content-Type"), Some("text/xml"));
        let sts = body(&answer(Answering::Aws(Some(Service::Sts)), "x"));
        assert!(
            sts.contains("https://sts.amazonaws.com/doc/2011-06-15/"),
            "{sts}"
        );
        assert!(sts.contains("<Code>InternalFailure</Code>"), "{sts}");
    }

    #[test]
    fn json_protocols_get_their_own_error_shapes() {
        let r = answer(Answering::Aws(Some(Service::MediaTailor)), "m");
        assert_eq!(r.status, 500);
        assert_eq!(header(&r, "x-amzn-ErrorType"), Some("InternalFailure"));
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(v, serde_json::json!({"Message": "m"}));
        let r = answer(Answering::Aws(Some(Service::Logs)), "m");
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(
            v,
            serde_json::json!({"__type": "ServiceUnavailableException", "message": "m"})
        );
        assert_eq!(
            header(&r, "Content-Type"),
            Some("application/x-amz-json-1.1")
        );
        let v: serde_json::Value =
            serde_json::from_slice(&answer(Answering::Aws(None), "m").body).expect("json");
        assert_eq!(v["__type"], "InternalFailure");
        let r = answer(Answering::Control, "m");
        let v: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(v["Code"], "InternalFailure");
        for to in [
            Answering::Aws(Some(Service::MediaTailor)),
            Answering::Aws(Some(Service::Logs)),
            Answering::Aws(None),
            Answering::Control,
        ] {
            assert!(header(&answer(to, "m"), "x-amzn-RequestId").is_some());
        }
    }

    #[test]
    fn failure_request_ids_are_fresh_and_not_the_log_s() {
        let ids: std::collections::BTreeSet<String> = (0..1000).map(|_| request_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            assert_eq!(id.len(), 36);
            assert_eq!(id.get(14..15), Some("4"), "{id}: a version-4 UUID");
        }
        // None is a request id a log of seed 0 gives its first records.
        for seq in 0..1000 {
            assert!(!ids.contains(&crate::core::ids::uuid(0, seq, "request")));
        }
    }
}
