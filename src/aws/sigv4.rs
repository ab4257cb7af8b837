//! Verifying AWS Signature Version 4 on incoming HTTP requests: the server's edge, never the
//! core. The request is signed again, with AWS's own `aws-sigv4` crate, using the secret of the access
//! key it names, over exactly the headers it says it signed and at the time it says it was signed; the
//! two signatures are then compared in constant time. A request that names an unknown key is
//! `InvalidClientTokenId`; one whose signature differs is `SignatureDoesNotMatch` (both 403, as AWS).

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use crate::core::error::{ApiError, ErrorCode};

/// Longest `Authorization` header accepted (bytes).
pub const MAX_AUTHORIZATION: usize = 4096;

/// An HTTP request as the server received it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The path and query, as sent (already percent-encoded).
    pub uri: &'a str,
    /// Every header, names in any case.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body.
    pub body: &'a [u8],
}

impl Request<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id.
    pub access_key: String,
    /// The credential scope's date (`YYYYMMDD`).
    pub date: String,
    /// The credential scope's region.
    pub region: String,
    /// The credential scope's service name (`iam`, `mediatailor`, `logs`): how AWS clients address a
    /// service, and how the server routes a request.
    pub service: String,
    /// The signed header names, lower case, in the order given.
    pub signed_headers: Vec<String>,
    /// The signature, lower-case hex.
    pub signature: String,
}

/// Whom a verified request comes from, and what it addressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key that signed it.
    pub access_key: String,
    /// The region it was signed for.
    pub region: String,
    /// The service it was signed for.
    pub service: String,
}

fn incomplete(why: &str) -> ApiError {
    ApiError::new(
        ErrorCode::IncompleteSignature,
        format!("Authorization header requires {why}."),
    )
}

/// Parses an `Authorization` header.
pub fn parse_authorization(header: &str) -> Result<Authorization, ApiError> {
    if header.len() > MAX_AUTHORIZATION {
        return Err(incomplete("at most 4096 bytes"));
    }
    let rest = header
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or_else(|| incomplete("the AWS4-HMAC-SHA256 algorithm"))?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(v) = part.strip_prefix("Credential=") {
            credential = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        } else if let Some(v) = part.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let credential = credential.ok_or_else(|| incomplete("'Credential' parameter"))?;
    let signed = signed.ok_or_else(|| incomplete("'SignedHeaders' parameter"))?;
    let signature = signature.ok_or_else(|| incomplete("'Signature' parameter"))?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, "aws4_request"] = scope.as_slice() else {
        return Err(incomplete(
            "a Credential of the form AKID/YYYYMMDD/region/service/aws4_request",
        ));
    };
    if access_key.is_empty()
        || date.len() != 8
        || !date.bytes().all(|b| b.is_ascii_digit())
        || region.is_empty()
        || service.is_empty()
    {
        return Err(incomplete(
            "a Credential of the form AKID/YYYYMMDD/region/service/aws4_request",
        ));
    }
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(incomplete("a 64-character hexadecimal 'Signature'"));
    }
    let signed_headers: Vec<String> = signed.split(';').map(str::to_ascii_lowercase).collect();
    if signed_headers.iter().any(String::is_empty) || !signed_headers.iter().any(|h| h == "host") {
        return Err(incomplete("'SignedHeaders' that include host"));
    }
    Ok(Authorization {
        access_key: (*access_key).to_string(),
        date: (*date).to_string(),
        region: (*region).to_string(),
        service: (*service).to_string(),
        signed_headers,
        signature: signature.to_ascii_lowercase(),
    })
}

/// Parses `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`).
fn parse_amz_date(value: &str) -> Option<SystemTime> {
    let t = chrono::NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%SZ").ok()?;
    let secs = u64::try_from(t.and_utc().timestamp()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// The error for a request that carries no `Authorization` header.
pub fn missing_token() -> ApiError {
    ApiError::new(
        ErrorCode::MissingAuthenticationToken,
        "Request is missing Authentication Token",
    )
}

/// The error for a request signed with a key the simulator does not know.
pub fn invalid_token() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidClientTokenId,
        "The security token included in the request is invalid.",
    )
}

/// Verifies a request's signature. `secret_for` gives the secret access key of an access key id, or
/// `None` for a key the simulator does not know.
pub fn verify(
    req: &Request<'_>,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<Verified, ApiError> {
    let header = req.header("authorization").ok_or_else(missing_token)?;
    verify_parsed(req, &parse_authorization(header)?, secret_for)
}

/// [`verify`], for a request whose `Authorization` header the caller has already parsed.
pub fn verify_parsed(
    req: &Request<'_>,
    auth: &Authorization,
    secret_for: impl FnOnce(&str) -> Option<String>,
) -> Result<Verified, ApiError> {
    let secret = secret_for(&auth.access_key).ok_or_else(invalid_token)?;
    let amz_date = req
        .header("x-amz-date")
        .ok_or_else(|| incomplete("an 'X-Amz-Date' header"))?;
    if !amz_date.starts_with(&auth.date) {
        return Err(ApiError::new(
            ErrorCode::SignatureDoesNotMatch,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.",
        ));
    }
    let time = parse_amz_date(amz_date)
        .ok_or_else(|| incomplete("an 'X-Amz-Date' of the form YYYYMMDDTHHMMSSZ"))?;
    // Exactly the headers the client says it signed, in its order; a signed header that is missing
    // makes the signatures differ, as it would at AWS.
    let headers = req
        .headers
        .iter()
        .filter(|(n, _)| {
            auth.signed_headers
                .iter()
                .any(|s| n.eq_ignore_ascii_case(s))
        })
        .map(|(n, v)| (*n, *v));
    let identity =
        aws_credential_types::Credentials::new(&auth.access_key, secret, None, None, "slrsim")
            .into();
    let mut settings = SigningSettings::default();
    // Only the Authorization header itself is left out: whatever else the client signed is signed.
    settings.excluded_headers = Some(vec![std::borrow::Cow::Borrowed("authorization")]);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| incomplete(&format!("complete signing parameters ({e})")))?;
    let signable =
        SignableRequest::new(req.method, req.uri, headers, SignableBody::Bytes(req.body))
            .map_err(|e| incomplete(&format!("a request that can be signed ({e})")))?;
    let output = sign(signable, &params.into())
        .map_err(|e| incomplete(&format!("a request that can be signed ({e})")))?;
    if !constant_time_eq(output.signature().as_bytes(), auth.signature.as_bytes()) {
        return Err(ApiError::new(
            ErrorCode::SignatureDoesNotMatch,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    Ok(Verified {
        access_key: auth.access_key.clone(),
        region: auth.region.clone(),
        service: auth.service.clone(),
    })
}

/// Compares two byte strings without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    // AWS's published example (the SigV4 documentation's IAM ListUsers request).
    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    const URI: &str = "/?Action=ListUsers&Version=2010-05-08";

    fn headers(auth: &'static str) -> Vec<(&'static str, &'static str)> {
        vec![
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("Host", "iam.amazonaws.com"),
            ("X-Amz-Date", "20150830T123600Z"),
            ("User-Agent", "anything: it is not signed"),
            ("Authorization", auth),
        ]
    }

    fn check(
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        secret: Option<&str>,
    ) -> Result<Verified, ApiError> {
        let req = Request {
            method,
            uri,
            headers,
            body: b"",
        };
        verify(&req, |k| {
            assert_eq!(k, AKID);
            secret.map(String::from)
        })
    }

    #[test]
    fn aws_s_own_example_verifies() {
        let v = check("GET", URI, &headers(AUTH), Some(SECRET)).expect("AWS's example verifies");
        assert_eq!(v.access_key, AKID);
        assert_eq!(v.service, "iam");
        assert_eq!(v.region, "us-east-1");
    }

    #[test]
    fn a_wrong_secret_an_altered_request_or_an_unknown_key_is_refused() {
        let code = |r: Result<Verified, ApiError>| r.expect_err("refused").code;
        assert_eq!(
            code(check("GET", URI, &headers(AUTH), Some("not-the-secret"))),
            ErrorCode::SignatureDoesNotMatch
        );
        assert_eq!(
            code(check(
                "GET",
                "/?Action=ListRoles&Version=2010-05-08",
                &headers(AUTH),
                Some(SECRET)
            )),
            ErrorCode::SignatureDoesNotMatch
        );
        assert_eq!(
            code(check("POST", URI, &headers(AUTH), Some(SECRET))),
            ErrorCode::SignatureDoesNotMatch
        );
        let mut h = headers(AUTH);
        h[1] = ("Host", "iam.example.com");
        assert_eq!(
            code(check("GET", URI, &h, Some(SECRET))),
            ErrorCode::SignatureDoesNotMatch
        );
        let mut h = headers(AUTH);
        h.remove(0);
        assert_eq!(
            code(check("GET", URI, &h, Some(SECRET))),
            ErrorCode::SignatureDoesNotMatch
        );
        let e = check("GET", URI, &headers(AUTH), None).expect_err("unknown key");
        assert_eq!((e.code, e.status), (ErrorCode::InvalidClientTokenId, 403));
        let mut h = headers(AUTH);
        h.pop();
        assert_eq!(
            code(check("GET", URI, &h, Some(SECRET))),
            ErrorCode::MissingAuthenticationToken
        );
    }

    /// Requests signed by botocore (the AWS CLI's and boto3's signer), as they reach `slrsim serve`:
    /// IAM's query protocol and MediaTailor's rest-json, with and without a body.
    #[test]
    fn requests_signed_by_botocore_verify() {
        let secret = "slrsim/secret/EXAMPLEKEY+abc";
        let cases: [(&str, &str, &str, &str, &str); 3] = [
            (
                "POST",
                "/",
                "application/x-www-form-urlencoded; charset=utf-8",
                "Action=GetRole&RoleName=AWSServiceRoleForMediaTailor&Version=2010-05-08",
                "AWS4-HMAC-SHA256 Credential=AKIASLRSIMEXAMPLE123/20261128/us-west-2/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0b9b056a5c6fd40a5e3391b3838a9c68b816650a0363f2088cffd417fdfc9b17",
            ),
            (
                "PUT",
                "/configureLogs/playbackConfiguration",
                "application/json",
                r#"{"PercentEnabled": 50, "PlaybackConfigurationName": "live"}"#,
                "AWS4-HMAC-SHA256 Credential=AKIASLRSIMEXAMPLE123/20261128/us-west-2/mediatailor/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=b83cf3790e2177805797d1b8adc9e08af9fdde7d3c555f03344c63fa427c8446",
            ),
            (
                "GET",
                "/playbackConfigurations?MaxResults=10",
                "",
                "",
                "AWS4-HMAC-SHA256 Credential=AKIASLRSIMEXAMPLE123/20261128/us-west-2/mediatailor/aws4_request, SignedHeaders=host;x-amz-date, Signature=eecd9176fc29ae73986a816d959a8a47b52ed9e1116971fa3df015aaef7d55b7",
            ),
        ];
        for (method, uri, content_type, body, auth) in cases {
            let mut headers = vec![
                ("Host", "127.0.0.1:4566"),
                ("X-Amz-Date", "20261128T012116Z"),
                ("Authorization", auth),
            ];
            if !content_type.is_empty() {
                headers.push(("Content-Type", content_type));
            }
            let req = Request {
                method,
                uri,
                headers: &headers,
                body: body.as_bytes(),
            };
            let v = verify(&req, |k| {
                (k == "AKIASLRSIMEXAMPLE123").then(|| secret.to_string())
            })
            .unwrap_or_else(|e| panic!("{method} {uri}: {e}"));
            assert_eq!(v.region, "us-west-2");
            // One byte of the body changed: refused.
            let mut tampered = body.as_bytes().to_vec();
            tampered.push(b' ');
            let req = Request {
                body: &tampered,
                ..req
            };
            let e = verify(&req, |_| Some(secret.to_string())).expect_err("tampered body");
            assert_eq!(e.code, ErrorCode::SignatureDoesNotMatch, "{method} {uri}");
        }
    }

    #[test]
    fn malformed_authorization_headers_are_incomplete_signatures() {
        for bad in [
            "AWS4-HMAC-SHA1 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=zz",
            "",
        ] {
            let e = parse_authorization(bad).expect_err(bad);
            assert_eq!(
                (e.code, e.status),
                (ErrorCode::IncompleteSignature, 400),
                "{bad}"
            );
        }
        let long = "A".repeat(MAX_AUTHORIZATION + 1);
        assert!(parse_authorization(&long).is_err());
    }
}
