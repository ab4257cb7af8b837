//! `slrsim serve`: one HTTP endpoint speaking IAM's query protocol, MediaTailor's rest-json and
//! CloudWatch Logs' JSON protocol, so the AWS CLI and SDKs drive the simulator through
//! `--endpoint-url`. The imperative shell around [`protocol`] and [`Simulator`].
//!
//! Connections are served by a tokio runtime (hyper, HTTP/1.1 with keep-alive). Each connection task
//! reads the request, checks its signature against a cache of known keys and decodes it; the action
//! then goes to **one simulator thread**, which owns the [`Simulator`] and executes actions one at a
//! time in the order they arrive, so the log has one order whatever the number of clients. The
//! answer is encoded back on the connection task. A key the cache does not know is resolved (and its
//! request verified) on the simulator thread, against the state in log order.

pub(crate) mod failure;
pub mod history;
pub mod operator;
pub mod page;
pub mod protocol;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::mpsc;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;
use tracing::info_span;

use crate::core::action::{Action, AdvanceClockParams, Operation};
use crate::core::error::ApiError;
use crate::log::error::StoreError;
use crate::log::record::Record;
use crate::log::store::Durability;
use crate::simulator::{LiveMark, LogFlusher, Simulator};
use protocol::{Control, HttpRequest, HttpResponse, Prepared, Principal, Service};

/// How simulated time moves while serving.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum ClockMode {
    /// Only `POST /_slrsim/advance?seconds=N` moves it.
    #[default]
    Manual,
    /// It follows real time from the start of `serve`, `speed` times as fast: before each request the
    /// simulator thread records an `AdvanceClock` for the whole seconds that have passed.
    Wall {
        /// Simulated seconds per real second (> 0).
        speed: f64,
    },
    /// It moves by `seconds` before each AWS request (an `AdvanceClock` record of its own), however
    /// fast or slow the client is: the same requests in the same order get the same answers, which
    /// neither the manual clock (time stands still unless told) nor the wall clock (time depends on
    /// the machine's speed) gives a client that polls.
    Requests {
        /// Simulated seconds per request (> 0).
        seconds: i64,
    },
}

/// When `serve` answers a call whose action appended records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Acknowledge {
    /// Once its records are durable: a flusher thread flushes the log while the simulator thread
    /// goes on deciding, and one flush covers every call decided while the previous one ran (group
    /// commit). An answered call survives a crash, so nothing it was given (its request id, a key,
    /// a task id) is ever given again.
    #[default]
    Durable,
    /// As soon as its records are appended; the log is flushed every 1000 records, within 200 ms of
    /// going idle and at shutdown. A crash can lose answered calls, and their numbers, request ids
    /// and keys are then given again to other calls.
    NoSync,
}

/// How `serve` runs.
#[derive(Debug)]
pub struct ServeOptions {
    /// The socket to serve on, already bound (so a taken port is found before the database is
    /// touched).
    pub listener: std::net::TcpListener,
    /// How time moves.
    pub clock: ClockMode,
    /// When a call is answered.
    pub acknowledge: Acknowledge,
    /// The database's operator secrets: the control API's token and the key secret working secrets
    /// derive from ([`operator::Operator::load_or_create`]).
    pub operator: operator::Operator,
    /// Only the page and the reads of the history are answered (`slrsim ui` on a database no server
    /// holds): every AWS call and every control call that would record something is refused.
    pub read_only: bool,
}

impl ServeOptions {
    /// Options with `slrsim serve`'s defaults: the manual clock, and answers once durable.
    pub fn new(listener: std::net::TcpListener, operator: operator::Operator) -> Self {
        ServeOptions {
            listener,
            clock: ClockMode::default(),
            acknowledge: Acknowledge::default(),
            operator,
            read_only: false,
        }
    }
}

/// What `serve` tells its caller once it listens.
#[derive(Debug, Clone)]
pub struct Ready {
    /// The address bound.
    pub addr: SocketAddr,
    /// The default account's root access key id.
    pub access_key_id: String,
    /// Its working secret (derived from the database's key secret, not from the seed).
    pub secret_access_key: String,
    /// The control API's token.
    pub token: String,
}

impl Ready {
    /// What `slrsim env` and `serve` print for a database whose log has `seed` and whose operator
    /// secrets are `operator`: the default account's root key (id from the seed, working secret
    /// from the key secret) and the control API's token.
    pub fn for_database(addr: SocketAddr, seed: u64, operator: &operator::Operator) -> Self {
        let (access_key_id, secret_access_key) =
            operator.root_key(seed, crate::core::action::DEFAULT_ACCOUNT);
        Ready {
            addr,
            access_key_id,
            secret_access_key,
            token: operator.token().to_string(),
        }
    }

    /// `export` lines a shell can eval. The four AWS lines come first (scripts read them in this
    /// order), the control API's token last.
    pub fn exports(&self) -> String {
        format!(
            "export AWS_ACCESS_KEY_ID={}\nexport AWS_SECRET_ACCESS_KEY={}\nexport AWS_ENDPOINT_URL=http://{}\nexport AWS_DEFAULT_REGION={}\nexport SLRSIM_TOKEN={}\n",
            self.access_key_id,
            self.secret_access_key,
            self.addr,
            crate::core::action::DEFAULT_REGION,
            self.token
        )
    }
}

/// A failure that ends `serve`.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The log could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The address could not be bound, or the runtime not started.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Owner and secret of a key, as cached by connection tasks.
#[derive(Debug, Clone)]
struct KeyOwner {
    principal: Principal,
    secret: String,
}

/// Keys the simulator thread has resolved, beside the operator secrets their working secrets derive
/// from. Keys are never deleted (slrsim has no DeleteAccessKey), so an entry stays true; a key not
/// here is resolved on the simulator thread.
struct Keys {
    operator: operator::Operator,
    known: RwLock<HashMap<String, KeyOwner>>,
    /// [`ServeOptions::read_only`].
    read_only: bool,
}

impl Keys {
    fn remember(&self, id: String, owner: KeyOwner) {
        // A poisoned lock only means another task panicked while holding it; the map is still whole.
        let mut keys = self.known.write().unwrap_or_else(|p| p.into_inner());
        keys.insert(id, owner);
    }
}

type KeyCache = Arc<Keys>;

enum Work {
    /// Verified (or refused) and decoded on the connection task.
    Execute(Box<Prepared>),
    /// Signed with a key the cache does not know: resolve, verify and decode on the simulator thread.
    Resolve(Box<HttpRequest>, Option<Service>),
    /// An action of the control API.
    Control(Box<Action>),
    /// `GET /_slrsim/status`.
    Status,
    /// A read of the history (not recorded).
    Inspect(protocol::Inspect),
}

enum Done {
    Record(Box<Prepared>, Box<Record>),
    Control(Box<Record>),
    /// A read's answer: status and body.
    Json(u16, serde_json::Value),
    /// The call could not be made durable, or was refused because the log can no longer be written:
    /// AWS's internal-error shape of its protocol ([`failure`]).
    Failed(Box<HttpResponse>),
}

struct Job {
    work: Work,
    reply: oneshot::Sender<Done>,
}

/// Serves until SIGINT/SIGTERM. `ready` is called once the socket listens.
///
/// A storage failure (the disk is full, a write fails) does not end the server at once: every call
/// waiting for a flush, and every call after, is answered with its protocol's internal error
/// ([`failure`]) and nothing more is appended, so no client is left without an answer it can parse
/// and nothing answered as a success is missing from the log. The failure is printed on standard
/// error when it happens, and `serve` returns it when stopped.
pub fn serve(
    sim: Simulator,
    opts: ServeOptions,
    ready: impl FnOnce(&Ready),
) -> Result<(), ServeError> {
    run(sim, opts, None, ready)
}

/// Stops a server started by [`serve_until`] from another thread: the server stops accepting,
/// finishes the calls in flight, flushes the log and returns.
#[derive(Debug, Clone)]
pub struct Stop {
    sender: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for Stop {
    fn default() -> Self {
        Stop {
            sender: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }
}

impl Stop {
    /// A handle that has not been used.
    pub fn new() -> Self {
        Stop::default()
    }

    /// Asks the server to stop (again: nothing more happens).
    pub fn stop(&self) {
        self.sender.send_replace(true);
    }
}

/// [`serve`] until `stop` is used, for a program that runs servers of its own (`slrsim fuzz`
/// starts one per case). Unlike `serve` it installs no signal handlers, so Ctrl-C still ends the
/// whole program as usual.
pub fn serve_until(
    sim: Simulator,
    opts: ServeOptions,
    stop: &Stop,
    ready: impl FnOnce(&Ready),
) -> Result<(), ServeError> {
    run(sim, opts, Some(stop.sender.subscribe()), ready)
}

fn run(
    mut sim: Simulator,
    opts: ServeOptions,
    stop: Option<tokio::sync::watch::Receiver<bool>>,
    ready: impl FnOnce(&Ready),
) -> Result<(), ServeError> {
    // One core is the simulator thread's; the HTTP workers get the others (more workers than cores
    // spend the difference switching between one another: ARCHITECTURE.md, "The server").
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .saturating_sub(1)
        .max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .thread_name("slrsim-http")
        .build()?;
    opts.listener.set_nonblocking(true)?;
    let listener = {
        // from_std must run inside the runtime.
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(opts.listener)?
    };
    let addr = listener.local_addr()?;
    let ready_info = Ready::for_database(addr, sim.state().seed, &opts.operator);
    let failed: Failed = Arc::default();
    let flusher = match opts.acknowledge {
        Acknowledge::Durable => {
            // What the log holds before the first call (a new log's genesis) is durable before anyone
            // is answered, so the flusher starts from a durable point.
            sim.flush()?;
            // The flusher thread flushes; the simulator thread only appends.
            sim.set_durability(Durability {
                flush_every: usize::MAX,
            });
            let (tx, rx) = mpsc::channel::<ToFlusher>();
            let log = sim.log_flusher();
            let durable = sim.next_seq();
            let failed = failed.clone();
            let thread = std::thread::Builder::new()
                .name("slrsim-flusher".into())
                .spawn(move || flusher_loop(&log, &rx, durable, &failed))?;
            Some(Flusher { tx, thread })
        }
        Acknowledge::NoSync => None,
    };
    let cache: KeyCache = Arc::new(Keys {
        operator: opts.operator,
        known: RwLock::default(),
        read_only: opts.read_only,
    });
    let (tx, rx) = mpsc::channel::<Job>();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let sim_cache = cache.clone();
    let clock = opts.clock;
    let simulator = std::thread::Builder::new()
        .name("slrsim-simulator".into())
        .spawn(move || {
            let result = simulator_loop(sim, &rx, &sim_cache, clock, flusher, &failed);
            // The simulator thread ends only when every sender is gone; stop accepting in any case.
            let _ = stop_tx.send(true);
            result
        })?;
    // Signal handlers are in place before anyone is told the address, so a client that stops the
    // server at once still gets a clean shutdown.
    let shutdown = shutdown_when(&runtime, stop);
    ready(&ready_info);
    runtime.block_on(accept_loop(listener, tx, cache, stop_rx, shutdown));
    // The accept loop dropped its sender; connection tasks drop theirs as the runtime shuts down.
    runtime.shutdown_timeout(Duration::from_secs(5));
    match simulator.join() {
        Ok(r) => r.map_err(ServeError::Store),
        Err(payload) => Err(ServeError::Store(StoreError::Panicked {
            thread: "simulator",
            detail: crate::core::error::panic_message(payload.as_ref()),
        })),
    }
}

/// What ends the accept loop: SIGINT or SIGTERM for `serve`, the [`Stop`] handle for `serve_until`.
type Shutdown = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

fn shutdown_when(
    runtime: &tokio::runtime::Runtime,
    stop: Option<tokio::sync::watch::Receiver<bool>>,
) -> Shutdown {
    match stop {
        None => {
            let signals = runtime.block_on(async { Signals::install() });
            Box::pin(signals.recv())
        }
        Some(mut stop) => Box::pin(async move {
            // Stopped, or every handle dropped: either way the server ends.
            let _ = stop.wait_for(|stopped| *stopped).await;
        }),
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    tx: mpsc::Sender<Job>,
    cache: KeyCache,
    mut stop: tokio::sync::watch::Receiver<bool>,
    mut shutdown: Shutdown,
) {
    let connections = Arc::new(tokio::sync::Semaphore::new(protocol::MAX_CONNECTIONS));
    let timeout = request_timeout();
    loop {
        // At most MAX_CONNECTIONS at once: past that, accepting waits until one closes.
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            _ = stop.changed() => break,
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        tokio::select! {
            _ = &mut shutdown => break,
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let tx = tx.clone();
                let cache = cache.clone();
                tokio::spawn(async move {
                    let _permit = permit;
                    let service = service_fn(move |req| {
                        let tx = tx.clone();
                        let cache = cache.clone();
                        async move {
                            Ok::<_, std::convert::Infallible>(handle(req, tx, cache, timeout).await)
                        }
                    });
                    // A client that sends no complete request head within the timeout (or stays
                    // idle that long between requests) is disconnected, and one whose body does
                    // not arrive within the timeout after its head is answered 408 and
                    // disconnected (`read_request`): no connection is held forever by a slow or
                    // silent peer.
                    let _ = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(timeout)
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// SIGINT and SIGTERM, registered when installed (a signal sent after that is never lost).
struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Must run inside the runtime.
    fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = match (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) {
                (Ok(i), Ok(t)) => Some((i, t)),
                _ => None,
            };
            Signals { streams }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    async fn recv(self) {
        #[cfg(unix)]
        match self.streams {
            Some((mut i, mut t)) => {
                tokio::select! {
                    _ = i.recv() => {},
                    _ = t.recv() => {},
                }
            }
            None => std::future::pending::<()>().await,
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

fn to_hyper(r: HttpResponse) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(r.status);
    for (name, value) in r.headers {
        builder = builder.header(name, value);
    }
    builder
        .body(Full::new(Bytes::from(r.body)))
        .unwrap_or_else(|_| {
            // Every header name above is a constant and every value a request id, a content type or
            // an error code: all valid. Should one not be, answer bare rather than panic.
            let mut r = hyper::Response::new(Full::new(Bytes::new()));
            *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
}

fn json_answer(status: u16, body: &serde_json::Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("Content-Type", "application/json".to_string())],
        body: body.to_string().into_bytes(),
    }
}

/// Answers a read of the history from the live store (on the simulator thread, between actions).
fn inspect(sim: &Simulator, what: &protocol::Inspect) -> Done {
    let (status, v) = history::answer(sim, what);
    Done::Json(status, v)
}

fn internal(message: &str) -> HttpResponse {
    HttpResponse {
        status: 500,
        headers: vec![("Content-Type", "application/json".to_string())],
        body: serde_json::json!({"__type": "InternalFailure", "message": message})
            .to_string()
            .into_bytes(),
    }
}

/// How long a request may take to arrive: its head, then its body after the head.
/// `SLRSIM_REQUEST_TIMEOUT_MS` shortens it (tests use it so that they need not wait 30 s).
fn request_timeout() -> Duration {
    std::env::var("SLRSIM_REQUEST_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(protocol::REQUEST_TIMEOUT, Duration::from_millis)
}

/// An answer sent before the request's body was read whole: the connection closes after it, so an
/// unread body cannot be taken for the next request, and the peer cannot keep the connection.
fn closing(status: u16, message: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![
            ("Content-Type", "application/json".to_string()),
            ("Connection", "close".to_string()),
        ],
        body: serde_json::json!({ "message": message })
            .to_string()
            .into_bytes(),
    }
}

/// The request's method, path and headers; its body is read by [`read_request`].
fn read_head(parts: &http::request::Parts) -> Result<HttpRequest, HttpResponse> {
    if parts.headers.len() > protocol::MAX_HEADERS {
        return Err(HttpResponse {
            status: 431,
            headers: vec![("Connection", "close".to_string())],
            body: Vec::new(),
        });
    }
    let headers = parts
        .headers
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    Ok(HttpRequest {
        method: parts.method.as_str().to_string(),
        uri: parts
            .uri
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_string(),
        headers,
        body: Vec::new(),
    })
}

/// Reads the body of `head`: at most `limit` bytes, all within `timeout` of its head, and never
/// falling behind [`protocol::MIN_BODY_RATE`] once the first sixth of the timeout has passed. A body
/// declared longer than the limit is refused before a byte of it is read; one that does not arrive
/// in time (a `Content-Length` never met, or one byte every few seconds) is answered 408 and its
/// connection closed.
async fn read_request(
    mut head: HttpRequest,
    mut body: Incoming,
    limit: usize,
    timeout: Duration,
) -> Result<HttpRequest, HttpResponse> {
    let too_large = || {
        closing(
            413,
            &format!("the request body is larger than {limit} bytes"),
        )
    };
    let declared = head
        .header("content-length")
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let start = tokio::time::Instant::now();
    let deadline = start + timeout;
    let grace = timeout / 6;
    // Not sized from the declared length: a thousand connections each declaring a megabyte and
    // sending nothing would otherwise hold a gigabyte.
    let mut bytes = Vec::new();
    loop {
        // With n bytes in, the body is behind the minimum rate from grace + n / rate on: it must
        // send more (or end) by then.
        let behind = start
            + grace
            + Duration::from_secs_f64(bytes.len() as f64 / protocol::MIN_BODY_RATE as f64);
        let wake = deadline.min(behind);
        match tokio::time::timeout_at(wake, body.frame()).await {
            Ok(None) => break,
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if bytes.len() + data.len() > limit {
                        return Err(too_large());
                    }
                    bytes.extend_from_slice(&data);
                }
            }
            Ok(Some(Err(_))) => return Err(closing(400, "the request body could not be read")),
            Err(_) => {
                return Err(closing(
                    408,
                    &format!(
                        "the request body did not arrive in time: all of it within {} ms of the head, at {} bytes/s or more",
                        timeout.as_millis(),
                        protocol::MIN_BODY_RATE
                    ),
                ));
            }
        }
    }
    head.body = bytes;
    Ok(head)
}

fn unauthorized() -> HttpResponse {
    let mut r = closing(
        401,
        "the control API needs the operator's token: `Authorization: Bearer $SLRSIM_TOKEN` (`serve` and `slrsim env` print it)",
    );
    r.headers
        .push(("WWW-Authenticate", "Bearer realm=\"slrsim\"".to_string()));
    r
}

async fn handle(
    req: hyper::Request<Incoming>,
    tx: mpsc::Sender<Job>,
    cache: KeyCache,
    timeout: Duration,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let head = match read_head(&parts) {
        Ok(h) => h,
        Err(resp) => return to_hyper(resp),
    };
    let control = head.path().starts_with(protocol::CONTROL_PREFIX);
    // The token is checked before the body is read: without it a control call costs nothing but its
    // head, and nothing is recorded.
    let grant = if control {
        cache.operator.grant(&head)
    } else {
        operator::Grant::Yes
    };
    if grant == operator::Grant::No {
        return to_hyper(unauthorized());
    }
    if cache.read_only && !(control && head.method == "GET") {
        return to_hyper(json_answer(
            405,
            &serde_json::json!({"Message": "this server only shows the history of a database (slrsim ui): it answers the page and the reads of /_slrsim/, no AWS call and nothing that would be recorded"}),
        ));
    }
    let limit = if control {
        protocol::MAX_CONTROL_BODY
    } else {
        protocol::MAX_REQUEST_BODY
    };
    let req = match read_request(head, body, limit, timeout).await {
        Ok(r) => r,
        Err(resp) => return to_hyper(resp),
    };
    let with_cookie = |mut response: HttpResponse| {
        if grant == operator::Grant::SetCookie {
            response
                .headers
                .push(("Set-Cookie", cache.operator.set_cookie()));
        }
        to_hyper(response)
    };
    let work = if control {
        match protocol::control(&req) {
            Control::Execute(a) | Control::Refused(a) => Work::Control(Box::new(a)),
            Control::Status => Work::Status,
            Control::Inspect(i) => Work::Inspect(i),
            Control::Page(asset) => return with_cookie(asset.answer()),
            Control::BadRead(m) => {
                return to_hyper(json_answer(400, &serde_json::json!({"Message": m})));
            }
        }
    } else {
        // The Authorization header is parsed once, for routing, verifying and naming a refusal's key.
        let auth = req.authorization();
        let parsed = auth.as_ref().and_then(|a| a.as_ref().ok());
        let service = protocol::route(&req, parsed);
        match verify_cached(&req, auth.as_ref(), &cache) {
            Some(identity) => {
                Work::Execute(Box::new(protocol::prepare(&req, service, parsed, identity)))
            }
            None => Work::Resolve(Box::new(req), service),
        }
    };
    let (reply, answer) = oneshot::channel();
    if tx.send(Job { work, reply }).is_err() {
        return to_hyper(internal("the simulator has stopped"));
    }
    let response = match answer.await {
        Ok(Done::Record(prepared, record)) => protocol::answer(&prepared, &record),
        Ok(Done::Control(record)) => protocol::control_answer(&record),
        Ok(Done::Json(status, v)) => json_answer(status, &v),
        Ok(Done::Failed(r)) => *r,
        Err(_) => internal("the simulator has stopped"),
    };
    with_cookie(response)
}

/// Checks the signature with a cached key. `None`: the request names a key the cache does not know
/// (the simulator thread resolves it).
fn verify_cached(
    req: &HttpRequest,
    auth: Option<&Result<crate::aws::sigv4::Authorization, ApiError>>,
    cache: &KeyCache,
) -> Option<protocol::Identity> {
    let mut owner = None;
    let mut unknown = false;
    let verified = req.verify(auth, |key| {
        // A poisoned lock only means another task panicked while holding it; the map is still whole.
        let keys = cache.known.read().unwrap_or_else(|p| p.into_inner());
        match keys.get(key) {
            Some(o) => {
                owner = Some(o.principal.clone());
                Some(o.secret.clone())
            }
            None => {
                unknown = true;
                None
            }
        }
    });
    if unknown {
        return None;
    }
    Some(verified.and_then(|v| {
        owner
            .map(|p| (p, v))
            .ok_or_else(crate::aws::sigv4::invalid_token)
    }))
}

/// Set once the log cannot be written: what went wrong. From then on every call is refused.
type Failed = Arc<OnceLock<String>>;

/// Records the first storage failure and says so on standard error (once).
fn fail(failed: &Failed, e: &StoreError) {
    if failed.set(e.to_string()).is_ok() {
        eprintln!(
            "slrsim: the log could not be written ({e}); every call is refused from now on. Calls answered as successes are in the log: free space (or fix the disk) and restart slrsim serve."
        );
    }
}

/// How long the simulator thread waits for a job before it counts the server as idle.
const IDLE: Duration = Duration::from_millis(200);

/// At most this many times the flusher yields to gather more answers before a flush.
const GATHER_ROUNDS: usize = 8;

/// The flusher thread of [`Acknowledge::Durable`] and the channel to it.
struct Flusher {
    tx: mpsc::Sender<ToFlusher>,
    thread: std::thread::JoinHandle<Result<(), StoreError>>,
}

enum ToFlusher {
    /// An answer to release once every record below `upto` is durable.
    Hold(Held),
    /// The live state's hash, for META_LIVE at the next flush (sent when idle).
    Mark(LiveMark),
}

struct Held {
    /// The simulator's next sequence number after the job: its records and all before are below.
    upto: u64,
    done: Done,
    reply: oneshot::Sender<Done>,
    /// The answer's shape if the records cannot be made durable.
    answering: failure::Answering,
}

impl Held {
    fn fail(self, detail: &str) {
        let _ = self.reply.send(Done::Failed(Box::new(failure::answer(
            self.answering,
            &failure::not_durable(detail),
        ))));
    }
}

/// The flusher thread: takes every answer held so far, flushes once for all of them (the records
/// they wait for were appended before they were sent, so before the flush begins), then releases
/// them. Answers held while a flush runs wait for the next one, which covers them all: group
/// commit. Answers whose records are already durable (reads) are released without a flush. After a
/// failed flush no answer is ever released as given: a later flush that succeeds does not prove
/// that what the failed one was writing reached the disk.
fn flusher_loop(
    log: &LogFlusher,
    rx: &mpsc::Receiver<ToFlusher>,
    mut durable: u64,
    failed: &Failed,
) -> Result<(), StoreError> {
    let mut error: Option<StoreError> = None;
    let mut held: Vec<Held> = Vec::new();
    // How well commits group: answers released, and the flushes that released them.
    let (mut flushes, mut released) = (0u64, 0u64);
    while let Ok(first) = rx.recv() {
        let (upto, mark) = gather(rx, first, durable, &mut held);
        if let Some(e) = &error {
            let detail = e.to_string();
            held.drain(..).for_each(|h| h.fail(&detail));
            continue;
        }
        if upto > durable || mark.is_some() {
            // The newest word on how far the log reached: the hash mark if nothing came after it.
            let mark = match mark {
                Some(m) if m.next_seq() >= upto => m,
                _ => LiveMark::reached(upto),
            };
            let span = info_span!("flush", upto, answers = held.len());
            let _guard = span.enter();
            match log.flush(&mark) {
                Ok(()) => {
                    durable = upto;
                    flushes += 1;
                }
                Err(e) => {
                    fail(failed, &e);
                    let detail = e.to_string();
                    held.drain(..).for_each(|h| h.fail(&detail));
                    error = Some(e);
                    continue;
                }
            }
        }
        for h in held.drain(..) {
            released += 1;
            let _ = h.reply.send(h.done);
        }
    }
    tracing::info!(
        flushes,
        released,
        "group commit: {released} answers released by {flushes} flushes"
    );
    error.map_or(Ok(()), Err)
}

/// Takes `first` and every message already waiting into `held`, with a few rounds of waiting for more;
/// returns how far the log must be durable for them (at least `durable`), and the newest live mark.
fn gather(
    rx: &mpsc::Receiver<ToFlusher>,
    first: ToFlusher,
    durable: u64,
    held: &mut Vec<Held>,
) -> (u64, Option<LiveMark>) {
    let mut upto = durable;
    let mut mark: Option<LiveMark> = None;
    let mut gather = |m: ToFlusher| match m {
        ToFlusher::Hold(h) => {
            upto = upto.max(h.upto);
            held.push(h);
        }
        ToFlusher::Mark(m) => {
            upto = upto.max(m.next_seq());
            mark = Some(m);
        }
    };
    gather(first);
    rx.try_iter().for_each(&mut gather);
    // Before flushing, let the threads that decode and decide run (when the cores are busy), so
    // the flush also covers the calls they are about to hand over: fewer flushes for as many
    // calls. With nothing else ready to run, the yield returns at once and nothing arrives, so an
    // idle server flushes at once. Bounded, so a steady stream of calls cannot put it off. (What it
    // gains: ARCHITECTURE.md, "Durable answers".)
    for _ in 0..GATHER_ROUNDS {
        std::thread::yield_now();
        let mut more = false;
        for m in rx.try_iter() {
            more = true;
            gather(m);
        }
        if !more {
            break;
        }
    }
    (upto, mark)
}

/// The shape of a failed answer to `work`.
fn answering(work: &Work) -> failure::Answering {
    match work {
        Work::Execute(p) => failure::Answering::Aws(p.service),
        Work::Resolve(_, service) => failure::Answering::Aws(*service),
        Work::Control(_) | Work::Status | Work::Inspect(_) => failure::Answering::Control,
    }
}

/// The simulator thread: executes jobs in arrival order. With a flusher, each answer goes to it to
/// wait for its records to be durable; without one (`--no-sync`) it is sent at once and the log is
/// flushed when idle. Once the log cannot be written, nothing more is executed: every job is
/// answered with its protocol's internal error until the server stops, and the first storage
/// error is returned.
fn simulator_loop(
    mut sim: Simulator,
    rx: &mpsc::Receiver<Job>,
    cache: &KeyCache,
    clock: ClockMode,
    flusher: Option<Flusher>,
    failed: &Failed,
) -> Result<(), StoreError> {
    let started = Instant::now();
    let sim_start = sim.state().now;
    let mut dirty = false;
    let mut error: Option<StoreError> = None;
    loop {
        let job = match rx.recv_timeout(IDLE) {
            Ok(job) => job,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if failed.get().is_none() {
                    on_idle(&mut sim, flusher.as_ref(), failed, &mut dirty, &mut error);
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let answering = answering(&job.work);
        if let Some(detail) = failed.get() {
            let _ = job.reply.send(Done::Failed(Box::new(failure::answer(
                answering,
                &failure::refused(detail),
            ))));
            continue;
        }
        let before = sim.next_seq();
        match run_job(&mut sim, job.work, cache, clock, started, sim_start) {
            Ok(done) => match &flusher {
                Some(f) => hold(
                    f,
                    Held {
                        upto: sim.next_seq(),
                        done,
                        reply: job.reply,
                        answering,
                    },
                    failed,
                ),
                None => {
                    // Reads (status, state, log, explain) append nothing and need no flush.
                    dirty |= sim.next_seq() != before;
                    let _ = job.reply.send(done);
                }
            },
            Err(e) => {
                // Neither the log nor the live state holds the failed action; records appended
                // before it (a wall-clock advance) may or may not be durable.
                fail(failed, &e);
                let _ = job.reply.send(Done::Failed(Box::new(failure::answer(
                    answering,
                    &failure::refused(&e.to_string()),
                ))));
                error.get_or_insert(e);
            }
        }
    }
    let flushed = flusher.map_or(Ok(()), stop_flusher);
    if let Some(e) = error {
        return Err(e);
    }
    flushed?;
    sim.flush()
}

/// What the simulator thread does when no job came for a while: with a flusher, has it record the
/// live state's hash with its next flush; without one, makes what was answered durable (with the
/// live state's hash). A failed flush is the server's failure, kept in `error`.
fn on_idle(
    sim: &mut Simulator,
    flusher: Option<&Flusher>,
    failed: &Failed,
    dirty: &mut bool,
    error: &mut Option<StoreError>,
) {
    match flusher {
        Some(f) => {
            if let Some(mark) = sim.take_live_mark() {
                let _ = f.tx.send(ToFlusher::Mark(mark));
            }
        }
        None if *dirty => {
            *dirty = false;
            if let Err(e) = sim.flush() {
                fail(failed, &e);
                error.get_or_insert(e);
            }
        }
        None => {}
    }
}

/// Hands an answer to the flusher to release once its records are durable.
fn hold(flusher: &Flusher, held: Held, failed: &Failed) {
    if let Err(mpsc::SendError(ToFlusher::Hold(h))) = flusher.tx.send(ToFlusher::Hold(held)) {
        // The flusher thread is gone (it panicked): nothing more can be made durable.
        let e = StoreError::Panicked {
            thread: "flusher",
            detail: "it stopped while the server ran".to_string(),
        };
        fail(failed, &e);
        h.fail(&e.to_string());
    }
}

/// Closes the flusher's channel and waits for it: it ends after releasing every answer it holds.
fn stop_flusher(flusher: Flusher) -> Result<(), StoreError> {
    let Flusher { tx, thread } = flusher;
    drop(tx);
    thread.join().unwrap_or_else(|payload| {
        Err(StoreError::Panicked {
            thread: "flusher",
            detail: crate::core::error::panic_message(payload.as_ref()),
        })
    })
}

fn execute(sim: &mut Simulator, action: Action) -> Result<Record, StoreError> {
    let span = info_span!("serve", seq = sim.next_seq(), op = action.op.name());
    let _guard = span.enter();
    sim.execute(action)
}

/// Runs one job on the simulator thread. With a wall clock, the simulated clock is first brought up
/// to the time the job arrives (except for reads of the server's status and the state).
fn run_job(
    sim: &mut Simulator,
    work: Work,
    cache: &KeyCache,
    clock: ClockMode,
    started: Instant,
    sim_start: i64,
) -> Result<Done, StoreError> {
    match clock {
        ClockMode::Wall { speed } if !matches!(work, Work::Status | Work::Inspect(_)) => {
            follow_wall_clock(sim, speed, started, sim_start)?;
        }
        // Only AWS requests take time: the operator's calls and reads do not.
        ClockMode::Requests { seconds } if matches!(work, Work::Execute(_) | Work::Resolve(..)) => {
            execute(
                sim,
                Action::root(Operation::AdvanceClock(AdvanceClockParams { seconds })),
            )?;
        }
        _ => {}
    }
    Ok(match work {
        Work::Execute(prepared) => execute_prepared(sim, prepared, cache)?,
        Work::Resolve(req, service) => resolve_and_execute(sim, &req, service, cache)?,
        Work::Control(action) => Done::Control(Box::new(execute(sim, *action)?)),
        Work::Inspect(i) => match inspect(sim, &i) {
            // Secrets never leave over HTTP: the log's are placeholders, but no reader needs them.
            Done::Json(status, mut v) => {
                protocol::redact_secrets(&mut v);
                Done::Json(status, v)
            }
            other => other,
        },
        Work::Status => status(sim, clock),
    })
}

/// Advances the simulated clock to whole simulated seconds since the start at `speed`; the clock
/// only ever moves forward.
fn follow_wall_clock(
    sim: &mut Simulator,
    speed: f64,
    started: Instant,
    sim_start: i64,
) -> Result<(), StoreError> {
    let target = sim_start.saturating_add((started.elapsed().as_secs_f64() * speed) as i64);
    let now = sim.state().now;
    if target > now {
        execute(
            sim,
            Action::root(Operation::AdvanceClock(AdvanceClockParams {
                seconds: target - now,
            })),
        )?;
    }
    Ok(())
}

/// Verifies a request signed with a key not yet cached against the state's keys, then executes it.
/// The rare path: the header is parsed again here.
fn resolve_and_execute(
    sim: &mut Simulator,
    req: &HttpRequest,
    service: Option<Service>,
    cache: &KeyCache,
) -> Result<Done, StoreError> {
    let auth = req.authorization();
    let mut owner = None;
    let verified = req.verify(auth.as_ref(), |key| {
        // The owner from the state's index; the secret is the working one, from the key
        // secret (the state only knows the log's placeholder).
        let (account, caller) = sim.state().access_key_owner(key)?;
        let secret = cache.operator.working_secret(key);
        let o = KeyOwner {
            principal: Principal { account, caller },
            secret: secret.clone(),
        };
        owner = Some((key.to_string(), o));
        Some(secret)
    });
    let identity = match (&owner, verified) {
        (Some((key, o)), Ok(v)) => {
            cache.remember(key.clone(), o.clone());
            Ok((o.principal.clone(), v))
        }
        (_, Err(e)) => Err(e),
        (None, Ok(_)) => Err(crate::aws::sigv4::invalid_token()),
    };
    let parsed = auth.as_ref().and_then(|a| a.as_ref().ok());
    let prepared = protocol::prepare(req, service, parsed, identity);
    execute_prepared(sim, Box::new(prepared), cache)
}

/// The server's status: its clock, the log's end and the database.
fn status(sim: &Simulator, clock: ClockMode) -> Done {
    Done::Json(
        200,
        serde_json::json!({
        "Clock": match clock {
            ClockMode::Manual => "manual",
            ClockMode::Wall { .. } => "wall",
            ClockMode::Requests { .. } => "requests",
        },
        "Speed": match clock {
            ClockMode::Manual | ClockMode::Requests { .. } => 0.0,
            ClockMode::Wall { speed } => speed,
        },
        "SecondsPerRequest": match clock {
            ClockMode::Requests { seconds } => seconds,
            ClockMode::Manual | ClockMode::Wall { .. } => 0,
        },
        "Time": crate::core::clock::format(sim.state().now),
        "Epoch": sim.state().now,
        "Seq": sim.next_seq().saturating_sub(1),
        "NextSeq": sim.next_seq(),
        "Db": sim.store().path().display().to_string(),
        }),
    )
}

/// Executes a prepared request; keeps a new key for the connection tasks; answers with the record.
fn execute_prepared(
    sim: &mut Simulator,
    prepared: Box<Prepared>,
    cache: &KeyCache,
) -> Result<Done, StoreError> {
    let mut record = execute(sim, prepared.action.clone())?;
    remember_new_key(sim, &mut record, cache);
    submitted_documents(sim, &mut record);
    Ok(Done::Record(prepared, Box::new(record)))
}

/// IAM returns a role's trust policy as the text it was given (URL-encoded), while the record's
/// response holds it parsed (keys in sorted order). For the answer only, each role in the response
/// gets its document back as the state holds it: the text the role was created or last updated with,
/// or AWS's own for the service-linked role. The stored record is not changed.
fn submitted_documents(sim: &Simulator, record: &mut Record) {
    if !record.action.op.is_global() {
        return;
    }
    let crate::core::outcome::Outcome::Ok { response, .. } = &mut record.outcome else {
        return;
    };
    let roles = &sim.state().account(&record.action.account).roles;
    let restore = |role: &mut serde_json::Value| {
        let text = role["RoleName"]
            .as_str()
            .and_then(|name| roles.get(name))
            .map(|r| r.assume_role_policy_document.clone());
        if let (Some(text), Some(doc)) = (text, role.get_mut("AssumeRolePolicyDocument")) {
            *doc = serde_json::Value::String(text);
        }
    };
    if let Some(role) = response.get_mut("Role") {
        restore(role);
    }
    if let Some(serde_json::Value::Array(list)) = response.get_mut("Roles") {
        list.iter_mut().for_each(restore);
    }
}

/// After a successful CreateAccessKey, the answer gets the key's working secret in place of the
/// record's placeholder (the stored record is not changed: the log stays byte-deterministic and
/// hands out no working credential), and the key goes into the cache so the client's next request,
/// which may come at once, is verified on its connection task.
fn remember_new_key(sim: &Simulator, record: &mut Record, cache: &KeyCache) {
    if !matches!(record.action.op, Operation::CreateAccessKey(_)) {
        return;
    }
    let crate::core::outcome::Outcome::Ok { response, .. } = &mut record.outcome else {
        return;
    };
    let key = &mut response["AccessKey"];
    let Some(id) = key["AccessKeyId"].as_str().map(str::to_string) else {
        return;
    };
    let secret = cache.operator.working_secret(&id);
    if let Some(s) = key.get_mut("SecretAccessKey") {
        *s = serde_json::Value::String(secret.clone());
    }
    if let Some((account, caller)) = sim.state().access_key_owner(&id) {
        cache.remember(
            id,
            KeyOwner {
                principal: Principal { account, caller },
                secret,
            },
        );
    }
}
