//! From HTTP to an [`Action`] and from a [`Record`] back to HTTP: which service a request addresses,
//! whose key signed it, what it asks, and what each service's clients expect to read back. Pure
//! functions of their inputs (the key's owner is looked up by the caller); the server calls them from
//! its connection tasks and its simulator thread.

use serde_json::{Map, Value};

use crate::aws::sigv4;
use crate::aws::wire::{json_target, query_xml, rest_json};
use crate::core::action::{
    Action, AdvanceClockParams, DEFAULT_ACCOUNT, DEFAULT_REGION, Operation, RefusedRequestParams,
    ServeSessionsParams,
};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::limits::{MAX_REFUSAL_EXCERPT, MAX_REFUSAL_FIELD, MAX_REFUSAL_MESSAGE};
use crate::core::outcome::Outcome;
use crate::log::record::Record;

/// Longest request body the server reads (bytes); every protocol's own limit is at most this.
pub const MAX_REQUEST_BODY: usize = 1 << 20;
/// Most connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long a connection may take to send a request's head (or stay idle between requests), and
/// then its body: a request arrives whole within twice this, or is answered 408 and disconnected.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Slowest a request body may arrive, in bytes per second, once the first sixth of
/// [`REQUEST_TIMEOUT`] has passed: a drip of a byte every few seconds is cut long before the
/// timeout. (A body of the largest size must arrive faster still: it has [`REQUEST_TIMEOUT`] in all.)
pub const MIN_BODY_RATE: u64 = 16 * 1024;
/// Longest body a control call may have: `sessions` takes a few short fields, and every byte of an
/// executed control call's action is recorded.
pub const MAX_CONTROL_BODY: usize = 4096;
/// Most headers a request may carry.
pub const MAX_HEADERS: usize = 100;
/// The reserved path prefix of the control API.
pub const CONTROL_PREFIX: &str = "/_slrsim/";
/// The caller recorded for a request that proved no identity (no key, an unknown key, or a signature
/// that does not match): not a valid IAM user name, so it can never be mistaken for one.
pub const ANONYMOUS: &str = "(anonymous)";

/// An HTTP request as the server read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query, as sent.
    pub uri: String,
    /// Headers, in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first header of this name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path (before `?`).
    pub fn path(&self) -> &str {
        self.uri.split_once('?').map_or(&self.uri, |(p, _)| p)
    }

    /// The query (after `?`), or "".
    pub fn query(&self) -> &str {
        self.uri.split_once('?').map_or("", |(_, q)| q)
    }

    /// The parsed `Authorization` header: `None` when there is none.
    pub fn authorization(&self) -> Option<Result<sigv4::Authorization, ApiError>> {
        self.header("authorization").map(sigv4::parse_authorization)
    }

    /// Verifies the request's SigV4 signature against `secret_for`, given its parsed
    /// `Authorization` header (from [`HttpRequest::authorization`]).
    pub fn verify(
        &self,
        auth: Option<&Result<sigv4::Authorization, ApiError>>,
        secret_for: impl FnOnce(&str) -> Option<String>,
    ) -> Result<sigv4::Verified, ApiError> {
        let auth = match auth {
            None => return Err(sigv4::missing_token()),
            Some(Err(e)) => return Err(e.clone()),
            Some(Ok(a)) => a,
        };
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        sigv4::verify_parsed(
            &sigv4::Request {
                method: &self.method,
                uri: &self.uri,
                headers: &headers,
                body: &self.body,
            },
            auth,
            secret_for,
        )
    }
}

/// The services one endpoint serves, each with its own protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// IAM: query protocol, XML responses.
    Iam,
    /// MediaTailor: rest-json.
    MediaTailor,
    /// CloudWatch Logs: awsJson1.1 with `X-Amz-Target`.
    Logs,
    /// STS (GetCallerIdentity only): query protocol, XML responses.
    Sts,
}

impl Service {
    /// The SigV4 signing name, which is also how a refused request's record names the service.
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::MediaTailor => "mediatailor",
            Service::Logs => "logs",
            Service::Sts => "sts",
        }
    }

    /// The service of a SigV4 signing name (AWS CLI and SDKs sign MediaTailor as `mediatailor`,
    /// CloudWatch Logs as `logs`).
    pub fn from_signing_name(name: &str) -> Option<Self> {
        match name {
            "iam" => Some(Service::Iam),
            "mediatailor" => Some(Service::MediaTailor),
            "logs" => Some(Service::Logs),
            "sts" => Some(Service::Sts),
            _ => None,
        }
    }
}

/// Which service a request addresses, the way AWS clients address one: the credential scope of its
/// signature (`auth`, its well-formed `Authorization` header) first, then `X-Amz-Target`, then the
/// path. `None`: no service slrsim serves.
pub fn route(req: &HttpRequest, auth: Option<&sigv4::Authorization>) -> Option<Service> {
    if let Some(a) = auth {
        return Service::from_signing_name(&a.service);
    }
    if let Some(target) = req.header("x-amz-target") {
        return target
            .starts_with(json_target::LOGS_TARGET_PREFIX)
            .then_some(Service::Logs);
    }
    let path = req.path();
    if path == "/" {
        Some(Service::Iam)
    } else if rest_json::addresses(path) {
        Some(Service::MediaTailor)
    } else {
        None
    }
}

/// Who a verified key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The account.
    pub account: String,
    /// `root` or a user's name.
    pub caller: String,
}

/// What the server knows of the request's identity once its signature was checked.
pub type Identity = Result<(Principal, sigv4::Verified), ApiError>;

/// A request turned into the action to execute, and how to answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The action (a [`Operation::RefusedRequest`] when the request was refused at the door).
    pub action: Action,
    /// The protocol of the answer (`None`: no service; a plain JSON error).
    pub service: Option<Service>,
    /// The operation's name, for the answer's shape.
    pub op_name: String,
}

fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    // Cut at a character boundary at or below `max` (0 is always one).
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_string()
}

/// What a refused request's record keeps of it: `METHOD uri`, a newline and the start of the body
/// (invalid UTF-8 shown as U+FFFD), clipped to [`MAX_REFUSAL_EXCERPT`] bytes.
fn excerpt(req: &HttpRequest) -> String {
    let head = format!("{} {}\n", req.method, req.uri);
    let room = MAX_REFUSAL_EXCERPT.saturating_sub(head.len());
    let body = req.body.get(..room.min(req.body.len())).unwrap_or_default();
    clip(
        &(head + &String::from_utf8_lossy(body)),
        MAX_REFUSAL_EXCERPT,
    )
}

/// The action recording a refusal.
fn refused(
    service: Option<Service>,
    op_name: Option<&str>,
    access_key: Option<&str>,
    principal: Option<&Principal>,
    region: &str,
    err: &ApiError,
    request: Option<String>,
) -> Prepared {
    let (account, caller) = match principal {
        Some(p) => (p.account.clone(), p.caller.clone()),
        None => (DEFAULT_ACCOUNT.to_string(), ANONYMOUS.to_string()),
    };
    let region = if crate::core::catalog::is_aws_region(region) {
        region.to_string()
    } else {
        DEFAULT_REGION.to_string()
    };
    Prepared {
        action: Action {
            account,
            caller,
            region,
            op: Operation::RefusedRequest(RefusedRequestParams {
                service: clip(
                    service.map_or("unknown", Service::signing_name),
                    MAX_REFUSAL_FIELD,
                ),
                operation: op_name.map(|o| clip(o, MAX_REFUSAL_FIELD)),
                access_key_id: access_key.map(|k| clip(k, MAX_REFUSAL_FIELD)),
                code: err.code,
                message: clip(&err.message, MAX_REFUSAL_MESSAGE),
                request,
            }),
        },
        service,
        op_name: op_name.unwrap_or("RefusedRequest").to_string(),
    }
}

/// Turns a request whose identity was checked into the action to execute.
/// `auth` is the request's well-formed `Authorization` header, if it has one: a refusal names its key.
pub fn prepare(
    req: &HttpRequest,
    service: Option<Service>,
    auth: Option<&sigv4::Authorization>,
    identity: Identity,
) -> Prepared {
    let claimed_key = auth.map(|a| a.access_key.as_str());
    let Some(service) = service else {
        let err = ApiError::new(
            ErrorCode::InvalidAction,
            format!(
                "slrsim serves IAM, STS (GetCallerIdentity), MediaTailor and CloudWatch Logs; nothing at {} {}",
                crate::core::validate::shown(&req.method),
                crate::core::validate::shown(req.path())
            ),
        );
        let principal = identity.as_ref().ok().map(|(p, _)| p);
        return refused(
            None,
            None,
            claimed_key,
            principal,
            DEFAULT_REGION,
            &err,
            None,
        );
    };
    let decoded = decode(req, service);
    let op_name = match &decoded {
        Ok((name, _)) => Some(name.clone()),
        Err((name, _)) => name.clone(),
    };
    let (principal, verified) = match identity {
        Ok(id) => id,
        Err(err) => {
            let err = in_service_terms(service, err);
            return refused(
                Some(service),
                op_name.as_deref(),
                claimed_key,
                None,
                DEFAULT_REGION,
                &err,
                None,
            );
        }
    };
    match decoded {
        Ok((name, op)) => Prepared {
            action: Action {
                account: principal.account,
                caller: principal.caller,
                region: verified.region,
                op,
            },
            service: Some(service),
            op_name: name,
        },
        Err((name, err)) => refused(
            Some(service),
            name.as_deref(),
            Some(&verified.access_key),
            Some(&principal),
            &verified.region,
            &err,
            // Only a signed request's: what an anonymous sender sends must not grow the log.
            Some(excerpt(req)),
        ),
    }
}

/// An authentication error as the service names it: CloudWatch Logs, a JSON-protocol service, says
/// `UnrecognizedClientException` for an unknown key and `InvalidSignatureException` for a wrong
/// signature (both 400), where IAM and STS say `InvalidClientTokenId` and `SignatureDoesNotMatch` (403).
fn in_service_terms(service: Service, err: ApiError) -> ApiError {
    let code = match (service, err.code) {
        (Service::Logs, ErrorCode::InvalidClientTokenId) => ErrorCode::UnrecognizedClientException,
        (Service::Logs, ErrorCode::SignatureDoesNotMatch) => ErrorCode::InvalidSignatureException,
        _ => return err,
    };
    ApiError::new(code, err.message)
}

/// Decodes the operation: its name and parameters, or the error (with the name when known).
fn decode(
    req: &HttpRequest,
    service: Service,
) -> Result<(String, Operation), (Option<String>, ApiError)> {
    if req.body.len() > MAX_REQUEST_BODY {
        let err = ApiError::new(
            match service {
                Service::Iam | Service::Sts => ErrorCode::ValidationError,
                Service::MediaTailor => ErrorCode::BadRequestException,
                Service::Logs => ErrorCode::InvalidParameterException,
            },
            format!("The request body is larger than {MAX_REQUEST_BODY} bytes."),
        );
        return Err((None, err));
    }
    match service {
        Service::Iam | Service::Sts => {
            if req.method != "POST" || req.path() != "/" {
                return Err((
                    None,
                    ApiError::new(
                        ErrorCode::InvalidAction,
                        "The query protocol is POST / with a form-encoded body.",
                    ),
                ));
            }
            let named = form_action(&req.body);
            if service == Service::Sts {
                query_xml::decode_sts_request(&req.body).map_err(|e| (named, e))
            } else {
                query_xml::decode_request(&req.body).map_err(|e| (named, e))
            }
        }
        Service::MediaTailor => {
            rest_json::decode_request(&req.method, req.path(), req.query(), &req.body)
                .map(|(n, op)| (n.to_string(), op))
                .map_err(|e| (None, e))
        }
        Service::Logs => {
            let target = req.header("x-amz-target").unwrap_or("");
            let named = target
                .strip_prefix(json_target::LOGS_TARGET_PREFIX)
                .map(String::from);
            json_target::decode_request(target, &req.body)
                .map(|(n, op)| (n.to_string(), op))
                .map_err(|e| (named, e))
        }
    }
}

/// The `Action` field of a form body, for naming a refused query call.
fn form_action(body: &[u8]) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.into_owned())
}

/// An HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status.
    pub status: u16,
    /// Headers besides Content-Length.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// The answer to a prepared request, from its record, in its service's protocol.
pub fn answer(prepared: &Prepared, record: &Record) -> HttpResponse {
    let rid = record.request_id.clone();
    let mut headers = vec![("x-amzn-RequestId", rid.clone())];
    let (status, body) = match (&record.outcome, prepared.service) {
        (Outcome::Ok { response, .. }, Some(s @ (Service::Iam | Service::Sts))) => {
            headers.push(("Content-Type", "text/xml".to_string()));
            (
                200,
                query_xml::response_in(namespace(s), &prepared.op_name, response, &rid)
                    .into_bytes(),
            )
        }
        (Outcome::Error { error, .. }, Some(s @ (Service::Iam | Service::Sts))) => {
            headers.push(("Content-Type", "text/xml".to_string()));
            (
                error.status,
                query_xml::error_in(namespace(s), error, &rid).into_bytes(),
            )
        }
        (Outcome::Ok { response, .. }, Some(Service::MediaTailor)) => {
            let status = rest_json::success_status(&prepared.op_name);
            if status == 204 {
                (status, Vec::new())
            } else {
                headers.push(("Content-Type", "application/json".to_string()));
                (
                    status,
                    rest_json::to_wire(response).to_string().into_bytes(),
                )
            }
        }
        (Outcome::Error { error, .. }, Some(Service::MediaTailor)) => {
            let (status, kind, body) = rest_json::error(error);
            headers.push(("x-amzn-ErrorType", kind.to_string()));
            headers.push(("Content-Type", "application/json".to_string()));
            (status, body.into_bytes())
        }
        (Outcome::Ok { response, .. }, Some(Service::Logs) | None) => {
            headers.push(("Content-Type", "application/x-amz-json-1.1".to_string()));
            (200, response.to_string().into_bytes())
        }
        (Outcome::Error { error, .. }, Some(Service::Logs) | None) => {
            let (status, body) = json_target::error(error);
            headers.push(("Content-Type", "application/x-amz-json-1.1".to_string()));
            (status, body.into_bytes())
        }
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn namespace(s: Service) -> &'static str {
    if s == Service::Sts {
        query_xml::STS_NAMESPACE
    } else {
        query_xml::IAM_NAMESPACE
    }
}

/// A call of the control API under [`CONTROL_PREFIX`].
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    /// An action to execute: `advance` or `sessions`.
    Execute(Action),
    /// `GET /_slrsim/status`.
    Status,
    /// A read of the log while serving (never recorded).
    Inspect(Inspect),
    /// A malformed read: answered 400, not recorded (reads are not account actions).
    BadRead(String),
    /// A file of the page (`GET /_slrsim/`), answered at once, not recorded.
    Page(super::page::Asset),
    /// A malformed control call: recorded as a refusal.
    Refused(Action),
}

/// Reads of the server's own history, so time travel needs no stop (sled locks the database while
/// the server runs), and a fork of it: decoded and answered by [`super::history`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inspect {
    /// `GET /_slrsim/state[?at=N|?time=T]`: the state now, after record N, or at a simulated time.
    State {
        /// Where in the history.
        at: super::history::Point,
    },
    /// `GET /_slrsim/get?what=...`: one thing (a role, a configuration, a task, an account) at a point.
    Get {
        /// Where in the history.
        at: super::history::Point,
        /// What to pick out.
        query: crate::timetravel::Query,
    },
    /// `GET /_slrsim/diff?from=N&to=M[&other_db=PATH]`: what changed from record N to record M (of
    /// another database, read-only, if given).
    Diff {
        /// The earlier record.
        from: u64,
        /// The later record.
        to: u64,
        /// Read `to` from this database folder instead.
        other_db: Option<std::path::PathBuf>,
    },
    /// `GET /_slrsim/bisect[?invariant=NAME]`: the first record after which a rule is broken.
    Bisect {
        /// One state invariant (default: all).
        invariant: Option<String>,
    },
    /// `GET /_slrsim/log[?from=N][&to=M][&account=A][&region=R][&op=O][&errors=true]`: the stored
    /// records that the filter keeps, of at most [`MAX_LOG_PAGE`] read at a time.
    Log {
        /// First record (default: the last [`MAX_LOG_PAGE`]).
        from: Option<u64>,
        /// Last record (default: the newest, or `from` + MAX_LOG_PAGE - 1).
        to: Option<u64>,
        /// Which records are shown.
        filter: crate::timetravel::LogFilter,
    },
    /// `GET /_slrsim/explain?task=ID`: why a deletion task ended as it did.
    Explain {
        /// The task id, or a unique ending of it.
        task: String,
    },
    /// `GET /_slrsim/verify`: the hash chain, the re-decided outcomes and the replayed state.
    Verify,
    /// `POST /_slrsim/fork` `{"At": N, "To": "PATH"}`: records 0..=N into a new database folder.
    Fork {
        /// The last record to keep.
        at: u64,
        /// The new database folder (it must not exist).
        to: std::path::PathBuf,
    },
}

pub use super::history::MAX_LOG_PAGE;

fn inspect(req: &HttpRequest, what: &str) -> Control {
    match super::history::decode(req, what) {
        Ok(i) => Control::Inspect(i),
        Err(m) => Control::BadRead(m),
    }
}

fn control_refusal(op_name: &str, message: String) -> Control {
    let err = ApiError::new(ErrorCode::ValidationError, message);
    Control::Refused(refused(None, Some(op_name), None, None, DEFAULT_REGION, &err, None).action)
}

/// Decodes a control-API call: `POST /_slrsim/advance?seconds=N`, `POST /_slrsim/sessions` with a
/// JSON body `{"PlaybackConfigurationName", "Sessions", "Region"?, "Account"?}`, `GET /_slrsim/status`.
pub fn control(req: &HttpRequest) -> Control {
    let what = req.path().strip_prefix(CONTROL_PREFIX).unwrap_or("");
    match (req.method.as_str(), what) {
        ("GET", "status") => Control::Status,
        ("GET", "" | "page/" | "page/index.html" | "page/app.js" | "page/style.css") => {
            match super::page::Asset::at(what) {
                Some(asset) => Control::Page(asset),
                None => unknown_control(req),
            }
        }
        ("GET", w @ ("state" | "get" | "diff" | "bisect" | "log" | "explain" | "verify"))
        | ("POST", w @ "fork") => inspect(req, w),
        ("POST", "advance") => {
            let seconds = form_urlencoded::parse(req.query().as_bytes())
                .find(|(k, _)| k == "seconds")
                .map(|(_, v)| v.into_owned());
            match seconds.as_deref().map(str::parse::<i64>) {
                Some(Ok(seconds)) => Control::Execute(Action::root(Operation::AdvanceClock(
                    AdvanceClockParams { seconds },
                ))),
                _ => control_refusal(
                    "AdvanceClock",
                    "POST /_slrsim/advance needs ?seconds=N, N a whole number of seconds".into(),
                ),
            }
        }
        ("POST", "sessions") if req.body.len() > MAX_CONTROL_BODY => control_refusal(
            "ServeSessions",
            format!("POST /_slrsim/sessions: the body is larger than {MAX_CONTROL_BODY} bytes"),
        ),
        ("POST", "sessions") => match serde_json::from_slice::<Value>(&req.body) {
            Ok(Value::Object(mut m)) => {
                let account = take_string(&mut m, "Account");
                let region = take_string(&mut m, "Region");
                match serde_json::from_value::<ServeSessionsParams>(Value::Object(m)) {
                    Ok(p) => {
                        let mut action = Action::root(Operation::ServeSessions(p));
                        if let Some(a) = account {
                            action.account = a;
                        }
                        if let Some(r) = region {
                            action.region = r;
                        }
                        Control::Execute(action)
                    }
                    Err(e) => control_refusal(
                        "ServeSessions",
                        format!("POST /_slrsim/sessions: {e}"),
                    ),
                }
            }
            _ => control_refusal(
                "ServeSessions",
                "POST /_slrsim/sessions needs a JSON object {\"PlaybackConfigurationName\", \"Sessions\", \"Region\"?, \"Account\"?}".into(),
            ),
        },
        ("POST", w) => match control_kind(w) {
            Some(kind) => json_control(req, kind),
            None => unknown_control(req),
        },
        _ => unknown_control(req),
    }
}

/// The operation whose control route is `POST /_slrsim/<what>`, from the registry.
fn control_kind(what: &str) -> Option<crate::core::operation::OperationKind> {
    use crate::core::operation::{OperationKind, Route};
    OperationKind::ALL.iter().copied().find(|k| {
        matches!(k.spec().route, Route::Control { method: "POST", path }
            if path.strip_prefix(CONTROL_PREFIX) == Some(what))
    })
}

/// A control call whose parameters are the JSON body, as a scenario's `params` are, with the
/// optional `"Account"` and `"Region"` it applies to.
fn json_control(req: &HttpRequest, kind: crate::core::operation::OperationKind) -> Control {
    let name = kind.spec().name;
    let path = req.path();
    if req.body.len() > MAX_CONTROL_BODY {
        return control_refusal(
            name,
            format!("POST {path}: the body is larger than {MAX_CONTROL_BODY} bytes"),
        );
    }
    let mut params = match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => m,
        _ => {
            return control_refusal(
                name,
                format!(
                    "POST {path} needs a JSON object of {name}'s parameters (for example {}), with \"Account\" and \"Region\" if not the default ones",
                    kind.spec().example
                ),
            );
        }
    };
    let mut action = Map::new();
    action.insert("op".into(), Value::String(name.into()));
    for (from, to) in [("Account", "account"), ("Region", "region")] {
        if let Some(v) = params.remove(from) {
            action.insert(to.into(), v);
        }
    }
    action.insert("params".into(), Value::Object(params));
    match crate::simulator::scenario::parse_action(action) {
        Ok(a) => Control::Execute(a),
        Err(e) => control_refusal(name, format!("POST {path}: {e}")),
    }
}

fn unknown_control(req: &HttpRequest) -> Control {
    use crate::core::operation::{OperationKind, Route};
    let posts: Vec<String> = OperationKind::ALL
        .iter()
        .filter_map(|k| match k.spec().route {
            Route::Control { method, path } if *k == OperationKind::AdvanceClock => {
                Some(format!("{method} {path}?seconds=N"))
            }
            Route::Control { method, path } => Some(format!("{method} {path}")),
            _ => None,
        })
        .collect();
    control_refusal(
        "Control",
        format!(
            "no control call {} {}: there are {}, POST /_slrsim/fork, GET /_slrsim/status, GET /_slrsim/state[?at=N|time=T], GET /_slrsim/get?what=..., GET /_slrsim/diff?from=N&to=M, GET /_slrsim/bisect, GET /_slrsim/verify, GET /_slrsim/log[?from=N&to=M] and GET /_slrsim/explain?task=ID",
            crate::core::validate::shown(&req.method),
            crate::core::validate::shown(req.path()),
            posts.join(", ")
        ),
    )
}

/// Replaces every `SecretAccessKey` in `v` (at any depth) with `"(redacted)"`: what the control API's
/// reads return carries no secret, not even the log's placeholders.
pub fn redact_secrets(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "SecretAccessKey" {
                    *x = Value::String("(redacted)".into());
                } else {
                    redact_secrets(x);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

fn take_string(m: &mut Map<String, Value>, key: &str) -> Option<String> {
    match m.remove(key) {
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
        None => None,
    }
}

/// The answer to a control call that was executed: JSON, with the record's number and time.
pub fn control_answer(record: &Record) -> HttpResponse {
    let (status, body) = match &record.outcome {
        Outcome::Ok { response, .. } => (
            200,
            serde_json::json!({
                "Seq": record.seq,
                "Time": crate::core::clock::format(record.time),
                "Response": response,
            }),
        ),
        Outcome::Error { error, .. } => (
            error.status,
            serde_json::json!({
                "Seq": record.seq,
                "Code": error.code,
                "Message": error.message,
            }),
        ),
    };
    HttpResponse {
        status,
        headers: vec![
            ("x-amzn-RequestId", record.request_id.clone()),
            ("Content-Type", "application/json".to_string()),
        ],
        body: body.to_string().into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        HttpRequest {
            method: method.into(),
            uri: uri.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261128/us-east-1/mediatailor/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000";

    fn route(r: &HttpRequest) -> Option<Service> {
        let auth = r.authorization().and_then(Result::ok);
        super::route(r, auth.as_ref())
    }

    #[test]
    fn the_credential_scope_chooses_the_service_before_the_path() {
        assert_eq!(
            route(&req("POST", "/", &[("Authorization", AUTH)], "")),
            Some(Service::MediaTailor)
        );
        assert_eq!(
            route(&req("POST", "/", &[], "Action=GetRole")),
            Some(Service::Iam)
        );
        assert_eq!(
            route(&req(
                "POST",
                "/",
                &[("X-Amz-Target", "Logs_20140328.DescribeLogGroups")],
                "{}"
            )),
            Some(Service::Logs)
        );
        assert_eq!(
            route(&req("GET", "/playbackConfigurations", &[], "")),
            Some(Service::MediaTailor)
        );
        assert_eq!(route(&req("GET", "/elsewhere", &[], "")), None);
    }

    #[test]
    fn a_refusal_names_the_key_and_operation_but_no_principal() {
        let r = req("POST", "/", &[("Authorization", AUTH)], "Action=GetRole");
        let err = ApiError::new(ErrorCode::InvalidClientTokenId, "bad key");
        let auth = r.authorization().and_then(Result::ok);
        let p = prepare(&r, Some(Service::Iam), auth.as_ref(), Err(err));
        assert_eq!(p.action.caller, ANONYMOUS);
        assert_eq!(p.op_name, "GetRole");
        match p.action.op {
            Operation::RefusedRequest(r) => {
                assert_eq!(r.access_key_id.as_deref(), Some("AKIAEXAMPLE"));
                assert_eq!(r.code, ErrorCode::InvalidClientTokenId);
                assert_eq!(r.service, "iam");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_signed_malformed_request_keeps_an_excerpt_of_what_was_sent() {
        let body = format!(
            "Action=GetRole&Version=2010-05-08&Bogus={}",
            "x".repeat(5000)
        );
        let r = req("POST", "/", &[("Authorization", AUTH)], &body);
        let auth = r.authorization().and_then(Result::ok);
        let identity = Ok((
            Principal {
                account: DEFAULT_ACCOUNT.to_string(),
                caller: "root".to_string(),
            },
            sigv4::Verified {
                access_key: "AKIAEXAMPLE".to_string(),
                region: "us-east-1".to_string(),
                service: "iam".to_string(),
            },
        ));
        let p = prepare(&r, Some(Service::Iam), auth.as_ref(), identity);
        let Operation::RefusedRequest(refusal) = p.action.op else {
            panic!("a malformed request is refused");
        };
        let sent = refusal.request.expect("the excerpt");
        assert!(
            sent.starts_with("POST /\nAction=GetRole&Version=2010-05-08&Bogus=xxx"),
            "{sent}"
        );
        assert_eq!(sent.len(), MAX_REFUSAL_EXCERPT, "clipped to the limit");
        // An unsigned refusal keeps none: anonymous senders must not grow the log.
        let unsigned = prepare(
            &r,
            Some(Service::Iam),
            auth.as_ref(),
            Err(ApiError::new(ErrorCode::InvalidClientTokenId, "no")),
        );
        let Operation::RefusedRequest(refusal) = unsigned.action.op else {
            panic!("refused");
        };
        assert_eq!(refusal.request, None);
    }

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let mut v = serde_json::json!({"Records": [{"outcome": {"response": {"AccessKey": {
            "AccessKeyId": "AKIAX", "SecretAccessKey": "s3cr3t"}}}}], "SecretAccessKey": 1});
        redact_secrets(&mut v);
        let text = v.to_string();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert_eq!(
            v["Records"][0]["outcome"]["response"]["AccessKey"]["AccessKeyId"],
            "AKIAX"
        );
        assert_eq!(v["SecretAccessKey"], "(redacted)");
    }

    #[test]
    fn a_large_sessions_body_is_refused_and_not_recorded_whole() {
        let name = "a".repeat(MAX_CONTROL_BODY);
        let body = format!(r#"{{"PlaybackConfigurationName":"{name}","Sessions":1}}"#);
        match control(&req("POST", "/_slrsim/sessions", &[], &body)) {
            Control::Refused(a) => {
                let bytes = serde_json::to_vec(&a).expect("json");
                assert!(bytes.len() < 2048, "{} bytes recorded", bytes.len());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn clipping_keeps_whole_characters() {
        assert_eq!(clip("ééé", 3), "é");
        assert_eq!(clip("abc", 3), "abc");
    }

    /// Each control route of the operation registry reaches its operation: with the example (and a
    /// `seconds`) it is executed, without parameters it is refused under the operation's name.
    #[test]
    fn every_control_route_of_the_registry_reaches_its_operation() {
        use crate::core::operation::{OperationKind, Route};
        let mut routes = 0;
        for k in OperationKind::ALL {
            let Route::Control { method, path } = k.spec().route else {
                continue;
            };
            let uri = format!("{path}?seconds=60");
            match control(&req(method, &uri, &[], k.spec().example)) {
                Control::Execute(a) => assert_eq!(a.op.kind(), *k),
                other => panic!("{method} {path}: {other:?}"),
            }
            match control(&req(method, path, &[], "")) {
                Control::Refused(Action {
                    op: Operation::RefusedRequest(r),
                    ..
                }) => assert_eq!(r.operation.as_deref(), Some(k.spec().name)),
                other => panic!("{method} {path}: {other:?}"),
            }
            routes += 1;
        }
        assert!(routes >= 5, "{routes}");
    }

    #[test]
    fn control_calls_decode_and_bad_ones_are_refusals() {
        assert_eq!(
            control(&req("POST", "/_slrsim/advance?seconds=90", &[], "")),
            Control::Execute(Action::root(Operation::AdvanceClock(AdvanceClockParams {
                seconds: 90
            })))
        );
        assert!(matches!(
            control(&req("POST", "/_slrsim/advance?seconds=soon", &[], "")),
            Control::Refused(_)
        ));
        match control(&req(
            "POST",
            "/_slrsim/sessions",
            &[],
            r#"{"PlaybackConfigurationName":"p","Sessions":3,"Region":"eu-west-1"}"#,
        )) {
            Control::Execute(a) => {
                assert_eq!(a.region, "eu-west-1");
                assert!(matches!(a.op, Operation::ServeSessions(_)));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            control(&req("GET", "/_slrsim/status", &[], "")),
            Control::Status
        );
        assert!(matches!(
            control(&req("DELETE", "/_slrsim/everything", &[], "")),
            Control::Refused(_)
        ));
    }
}
