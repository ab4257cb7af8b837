//! The server's throughput goal: `slrsim serve`, driven with keep-alive from a load generator on
//! loopback, answers a mix of GetRole and ConfigureLogsForPlaybackConfiguration at least 100 times as
//! fast as moto's server mode answers GetRole, both measured in the same run by the same generator.
//!
//! `cargo bench --bench serve` starts the release `slrsim` binary twice, each on its own log:
//! `slrsim --db DIR serve --addr 127.0.0.1:0` (the default: a call is answered once its record is
//! durable) and the same with `--no-sync` (answered once appended). On each it creates a playback
//! configuration and configures its logs (so the service-linked role exists), then loads it from N
//! keep-alive connections for a while, alternating GetRole (IAM query protocol) and
//! ConfigureLogsForPlaybackConfiguration (MediaTailor rest-json, PercentEnabled 100 and 50 in turn);
//! the two servers' loads alternate per connection count. The table gives both, and the durable
//! rate as a share of the no-sync one. moto's server (`python -m moto.server`) gets the same generator and connection
//! counts, with GetRole alone (moto has no MediaTailor; its server answers every request with
//! `Connection: close`, so for moto the generator connects again per call, as any client of it must).
//! Then each slrsim is stopped with SIGTERM and `slrsim verify` checks the log it wrote. Every answer must
//! be 200: any other fails the bench.
//!
//! The generator is hand-written: one std thread per connection, each writing a request, reading the
//! response's head and then its body (Content-Length or chunked), no pipelining. Requests are signed
//! once, before the load, with `aws-sigv4`: slrsim checks the signature against the time the request
//! says it was signed and does not compare that time with its own clock (see `src/sigv4.rs`), so the
//! same signed bytes can be sent again and the generator spends its time on I/O, not on HMACs.
//!
//! Environment:
//! - `SLRSIM_BENCH_CONNECTIONS`: connection counts, comma-separated (default `8`); one slrsim run and
//!   one moto run per count, e.g. `1,4,8,16`.
//! - `SLRSIM_BENCH_SECONDS`: measured seconds per run (default 10), after one second of warm-up.
//! - `SLRSIM_BENCH_PYTHON`: a Python that can `import moto.server` (default `python3`; `pip install
//!   'moto[server]'`). Without one, moto's figure is the 240 calls/s reference rate, and the table says so.
//! - `SLRSIM_BIN`: the slrsim binary. By default the one cargo builds for this bench
//!   (`CARGO_BIN_EXE_slrsim`: cargo builds a package's binaries before its benches, in the bench
//!   profile, which inherits `release`, so this is `target/release/slrsim`).
//!
//! The load generator and the server share the machine's cores; the table gives the core count, and
//! for each run the CPU the server spent (`/proc/PID/stat`) and how its threads shared it (simulator
//! thread, HTTP workers, sled: `/proc/PID/task/*/schedstat`), the generator's own, and whatever else
//! kept the machine busy (`/proc/stat`): a run with much of the last shared its cores with other work
//! and is not a clean figure. The server's pid is printed on standard error so a profiler can attach
//! during the load: `perf record -g --call-graph dwarf -p PID -- sleep 5`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark that cannot set up or measure stops loudly"
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

// The tests of `slrsim serve` sign with the same helper.
#[path = "../tests/support/sign.rs"]
mod sign;

/// The reference rate of moto's server mode the goal was set against, used when moto is not installed.
const REFERENCE_MOTO_RATE: f64 = 240.0;
/// The goal: this many times moto's rate.
const GOAL_FACTOR: f64 = 100.0;
const WARM_UP: Duration = Duration::from_secs(1);
const REGION: &str = "us-east-1";

const GET_ROLE: &str = "Action=GetRole&RoleName=AWSServiceRoleForMediaTailor&Version=2010-05-08";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const JSON: &str = "application/json";

/// Set to `hyper` in a child process: serve the raw HTTP baseline (see [`baseline_server`]).
const CHILD_ENV: &str = "SLRSIM_BENCH_CHILD";

fn main() {
    if std::env::var(CHILD_ENV).as_deref() == Ok("hyper") {
        baseline_server();
        return;
    }
    let connections: Vec<usize> =
        std::env::var("SLRSIM_BENCH_CONNECTIONS")
            .unwrap_or_else(|_| "8".to_string())
            .split(',')
            .map(|s| {
                s.trim().parse().ok().filter(|&n| n > 0).unwrap_or_else(|| {
                    panic!("SLRSIM_BENCH_CONNECTIONS: `{s}` is not a count above 0")
                })
            })
            .collect();
    let seconds: f64 = std::env::var("SLRSIM_BENCH_SECONDS")
        .ok()
        .map(|s| {
            s.parse()
                .ok()
                .filter(|&n: &f64| n > 0.0)
                .unwrap_or_else(|| panic!("SLRSIM_BENCH_SECONDS: `{s}` is not a number above 0"))
        })
        .unwrap_or(10.0);
    let measure = Duration::from_secs_f64(seconds);
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serve");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("make the bench's work folder");
    let bin = std::env::var_os("SLRSIM_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_slrsim")),
        PathBuf::from,
    );

    // slrsim in both acknowledgement modes, each on its own log: the default (an answer waits for
    // its record to be durable, group commit) and --no-sync (answered once appended). Both servers
    // run at once and the loads alternate between them per connection count, so drift of the
    // machine's load falls on both alike; the idle one spends next to nothing.
    let modes: [(&str, &[&str]); 2] = [("durable", &[]), ("no-sync", &["--no-sync"])];
    let mut servers: Vec<(Slrsim, PathBuf, Vec<Vec<u8>>)> = modes
        .iter()
        .map(|(name, flags)| {
            let db = work.join(format!("{name}.db"));
            let server = Slrsim::start(&bin, &db, flags);
            eprintln!(
                "serve bench: slrsim ({name}) pid {} on {}",
                server.child.id(),
                server.addr
            );
            let host = server.addr.to_string();
            let mediatailor = Signer::new(&server.key, &server.secret, "mediatailor");
            let iam = Signer::new(&server.key, &server.secret, "iam");
            setup_slrsim(server.addr, &host, &iam, &mediatailor);
            let mix = vec![
                iam.request("POST", "/", &host, FORM, GET_ROLE),
                configure_logs(&mediatailor, &host, 50),
                iam.request("POST", "/", &host, FORM, GET_ROLE),
                configure_logs(&mediatailor, &host, 100),
            ];
            (server, db, mix)
        })
        .collect();
    let mut runs: [Vec<LoadRun>; 2] = [Vec::new(), Vec::new()];
    for &c in &connections {
        for (m, (server, _, mix)) in servers.iter().enumerate() {
            eprintln!(
                "serve bench: slrsim ({}), {c} connection(s), {seconds} s",
                modes[m].0
            );
            let run = load(server.addr, mix, c, measure, server.child.id());
            run.fail_on_errors(&format!("slrsim ({})", modes[m].0));
            runs[m].push(run);
        }
    }
    let [slrsim_runs, no_sync_runs] = runs;
    let mut stopped = Vec::new();
    for (m, (server, db, _)) in servers.iter_mut().enumerate() {
        let sent: u64 = [&slrsim_runs, &no_sync_runs][m]
            .iter()
            .map(|r| r.sent)
            .sum::<u64>()
            + 3;
        stopped.push((modes[m].0, server.stop_and_verify(&bin, db), sent));
    }
    let iam = Signer::new(&servers[0].0.key, &servers[0].0.secret, "iam");
    drop(servers);

    // moto: the same generator and connection counts, GetRole alone.
    let moto = Moto::start();
    let moto_runs: Option<Vec<LoadRun>> = moto.as_ref().map(|m| {
        let host = m.addr.to_string();
        let iam = Signer::new("testing", "testing", "iam");
        setup_moto(m.addr, &host, &iam);
        let get = [iam.request("POST", "/", &host, FORM, GET_ROLE)];
        connections
            .iter()
            .map(|&c| {
                eprintln!("serve bench: moto, {c} connection(s), {seconds} s");
                let run = load(m.addr, &get, c, measure, m.child.id());
                run.fail_on_errors("moto");
                run
            })
            .collect()
    });
    drop(moto);

    // The ceiling of the machine the benchmark runs on, for this generator: a hyper server that answers at once.
    let baseline = Baseline::start();
    let baseline_runs: Vec<LoadRun> = connections
        .iter()
        .map(|&c| {
            eprintln!("serve bench: raw hyper baseline, {c} connection(s), {seconds} s");
            let host = baseline.addr.to_string();
            let req = iam.request("POST", "/", &host, FORM, GET_ROLE);
            let run = load(baseline.addr, &[req], c, measure, baseline.child.id());
            run.fail_on_errors("the hyper baseline");
            run
        })
        .collect();
    drop(baseline);

    print_table(
        &connections,
        seconds,
        &slrsim_runs,
        &no_sync_runs,
        moto_runs.as_deref(),
        &stopped,
    );
    println!();
    println!(
        "Raw HTTP ceiling of the machine: the same generator against a bare hyper server (tokio, HTTP/1.1 keep-alive, no delay) that reads each request and answers a fixed 1 kB body at once: no signature, no decoding, no log:"
    );
    println!();
    println!(
        "| connections | raw hyper | slrsim mix (durable) | share of the ceiling | slrsim mix (--no-sync) | share of the ceiling |"
    );
    println!("|---|---|---|---|---|---|");
    for ((b, s), n) in baseline_runs.iter().zip(&slrsim_runs).zip(&no_sync_runs) {
        println!(
            "| {} | {:.0} calls/s | {:.0} calls/s | {:.0}% | {:.0} calls/s | {:.0}% |",
            b.connections,
            b.rate(),
            s.rate(),
            100.0 * s.rate() / b.rate(),
            n.rate(),
            100.0 * n.rate() / b.rate()
        );
    }
    println!();
    for b in &baseline_runs {
        println!(
            "- raw hyper, {} connection(s): {}",
            b.connections,
            b.cpu_line()
        );
    }
}

/// The raw HTTP baseline, run in a child process so its CPU is counted apart from the generator's:
/// hyper on a multi-threaded tokio runtime, as `slrsim serve` runs, reading each request whole and
/// answering 200 with a fixed 1 kB XML body. Prints its address on standard output, then serves until
/// killed.
fn baseline_server() {
    use http_body_util::{BodyExt, Full};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        println!("{}", listener.local_addr().expect("address"));
        let body = bytes::Bytes::from(format!(
            "<GetRoleResponse>{}</GetRoleResponse>",
            "x".repeat(1000)
        ));
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |req: hyper::Request<hyper::body::Incoming>| {
                        let body = body.clone();
                        async move {
                            let _ = req.into_body().collect().await;
                            let mut resp = hyper::Response::new(Full::new(body));
                            resp.headers_mut().insert(
                                "content-type",
                                hyper::header::HeaderValue::from_static("text/xml"),
                            );
                            Ok::<_, std::convert::Infallible>(resp)
                        }
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// The baseline server's child process; killed on drop.
struct Baseline {
    child: Child,
    addr: SocketAddr,
}

impl Baseline {
    fn start() -> Self {
        let exe = std::env::current_exe().expect("the bench's own path");
        let mut child = Command::new(exe)
            .env(CHILD_ENV, "hyper")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the hyper baseline");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the baseline's address");
        let addr = line.trim().parse().expect("a socket address");
        Baseline { child, addr }
    }
}

impl Drop for Baseline {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Creates the playback configuration and configures its logs, which creates the role; checks that
/// GetRole then finds it.
fn setup_slrsim(addr: SocketAddr, host: &str, iam: &Signer, mediatailor: &Signer) {
    let mut conn = Conn::connect(addr).expect("connect to slrsim");
    let steps = [
        (
            "PutPlaybackConfiguration",
            mediatailor.request(
                "PUT",
                "/playbackConfiguration",
                host,
                JSON,
                r#"{"Name":"bench","AdDecisionServerUrl":"https://ads.example.com/ads","VideoContentSourceUrl":"https://videos.example.com/"}"#,
            ),
        ),
        (
            "ConfigureLogsForPlaybackConfiguration",
            configure_logs(mediatailor, host, 100),
        ),
        ("GetRole", iam.request("POST", "/", host, FORM, GET_ROLE)),
    ];
    for (what, req) in steps {
        let status = conn
            .call(&req)
            .unwrap_or_else(|e| panic!("{what} on slrsim: {e}"));
        assert_eq!(
            status,
            200,
            "{what} on slrsim: {}",
            String::from_utf8_lossy(&conn.body)
        );
    }
}

fn configure_logs(mediatailor: &Signer, host: &str, percent: u32) -> Vec<u8> {
    mediatailor.request(
        "PUT",
        "/configureLogs/playbackConfiguration",
        host,
        JSON,
        &format!(r#"{{"PlaybackConfigurationName":"bench","PercentEnabled":{percent}}}"#),
    )
}

/// Creates a role of the service-linked role's name and path in moto, so GetRole finds it.
fn setup_moto(addr: SocketAddr, host: &str, iam: &Signer) {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"mediatailor.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("Action", "CreateRole")
        .append_pair("RoleName", "AWSServiceRoleForMediaTailor")
        .append_pair("Path", "/aws-service-role/mediatailor.amazonaws.com/")
        .append_pair("AssumeRolePolicyDocument", trust)
        .append_pair("Version", "2010-05-08")
        .finish();
    let mut conn = Conn::connect(addr).expect("connect to moto");
    for (what, req) in [
        ("CreateRole", iam.request("POST", "/", host, FORM, &body)),
        ("GetRole", iam.request("POST", "/", host, FORM, GET_ROLE)),
    ] {
        let status = conn
            .call(&req)
            .unwrap_or_else(|e| panic!("{what} on moto: {e}"));
        assert_eq!(
            status,
            200,
            "{what} on moto: {}",
            String::from_utf8_lossy(&conn.body)
        );
        if conn.close {
            conn = Conn::connect(addr).expect("connect to moto");
        }
    }
}
/// Signs requests for one service with one key.
struct Signer {
    key: String,
    secret: String,
    service: &'static str,
}

impl Signer {
    fn new(key: &str, secret: &str, service: &'static str) -> Self {
        Signer {
            key: key.to_string(),
            secret: secret.to_string(),
            service,
        }
    }

    /// The request's bytes, signed now: Host and Content-Type signed, Content-Length not (as the AWS
    /// SDKs do).
    fn request(
        &self,
        method: &str,
        path: &str,
        host: &str,
        content_type: &str,
        body: &str,
    ) -> Vec<u8> {
        let signer = sign::Signer {
            key: &self.key,
            secret: &self.secret,
            region: REGION,
            service: self.service,
        };
        let signature = signer.signature(
            SystemTime::now(),
            method,
            path,
            [("host", host), ("content-type", content_type)].into_iter(),
            body.as_bytes(),
        );
        let mut out = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in &signature {
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value);
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out.push_str(body);
        out.into_bytes()
    }
}

/// One keep-alive HTTP/1.1 connection: a request written, its response read, then the next.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// The last response's body.
    body: Vec<u8>,
    /// The last response ended the connection (`Connection: close`, HTTP/1.0, or no length).
    close: bool,
}

fn bad(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

impl Conn {
    fn connect(addr: SocketAddr) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            body: Vec::new(),
            close: false,
        })
    }

    /// Sends `request` and reads its response; returns the status.
    fn call(&mut self, request: &[u8]) -> std::io::Result<u16> {
        self.stream.write_all(request)?;
        self.read_response()
    }

    /// Reads more bytes into the buffer.
    fn fill(&mut self) -> std::io::Result<()> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else {
                self.buf.resize(self.buf.len() * 2, 0);
            }
        }
        let n = self.stream.read(&mut self.buf[self.end..])?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        self.end += n;
        Ok(())
    }

    /// The next CRLF-terminated line, without its CRLF.
    fn line(&mut self) -> std::io::Result<String> {
        loop {
            if let Some(i) = find(&self.buf[self.start..self.end], b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[self.start..self.start + i]).into();
                self.start += i + 2;
                return Ok(line);
            }
            self.fill()?;
        }
    }

    /// Moves the next `n` bytes into the body.
    fn take(&mut self, n: usize) -> std::io::Result<()> {
        while self.end - self.start < n {
            self.fill()?;
        }
        self.body
            .extend_from_slice(&self.buf[self.start..self.start + n]);
        self.start += n;
        Ok(())
    }

    fn read_response(&mut self) -> std::io::Result<u16> {
        let head_len = loop {
            if let Some(i) = find(&self.buf[self.start..self.end], b"\r\n\r\n") {
                break i + 4;
            }
            self.fill()?;
        };
        let head = std::str::from_utf8(&self.buf[self.start..self.start + head_len])
            .map_err(|_| bad("a response head that is not UTF-8"))?;
        let mut lines = head.split("\r\n");
        let mut status_line = lines.next().unwrap_or("").splitn(3, ' ');
        let version = status_line.next().unwrap_or("");
        let status: u16 = status_line
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("a response without a status"))?;
        let (mut length, mut chunked, mut close) = (None, false, version == "HTTP/1.0");
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .parse::<usize>()
                        .map_err(|_| bad("a Content-Length that is not a number"))?,
                );
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        self.start += head_len;
        self.body.clear();
        if status < 200 || status == 204 || status == 304 {
            // No body.
        } else if chunked {
            loop {
                let size = self.line()?;
                let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
                    .map_err(|_| bad("a chunk size that is not hexadecimal"))?;
                if size == 0 {
                    // Trailers, up to the empty line.
                    while !self.line()?.is_empty() {}
                    break;
                }
                self.take(size)?;
                self.line()?;
            }
        } else if let Some(n) = length {
            self.take(n)?;
        } else {
            // The body runs to the end of the connection.
            loop {
                self.body.extend_from_slice(&self.buf[self.start..self.end]);
                self.start = self.end;
                match self.fill() {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                    Err(e) => return Err(e),
                }
            }
            close = true;
        }
        self.close = close;
        Ok(status)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// What one run of the load generator measured.
struct LoadRun {
    connections: usize,
    /// Calls started after the warm-up and answered within the measured window.
    calls: u64,
    secs: f64,
    /// Every request sent, warm-up included (each one is a record in slrsim's log).
    sent: u64,
    errors: u64,
    first_error: Option<String>,
    reconnects: u64,
    /// Latencies of the counted calls, in microseconds, sorted.
    latencies: Vec<u32>,
    /// CPU seconds the server process spent in the measured window (exited threads included).
    server_total: f64,
    /// CPU seconds the server's threads alive at both ends of the window spent in it, by name.
    server_cpu: BTreeMap<String, f64>,
    /// CPU seconds the load generator spent in the window.
    client_cpu: f64,
    /// CPU seconds the whole machine spent in the window (every process, the kernel's own work
    /// included): what is left after the server and the generator is other work sharing the cores.
    machine_cpu: f64,
}

impl LoadRun {
    fn rate(&self) -> f64 {
        self.calls as f64 / self.secs
    }

    /// The latency at quantile `q`, in milliseconds.
    fn latency_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() - 1) as f64 * q).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }

    fn fail_on_errors(&self, server: &str) {
        assert!(
            self.errors == 0,
            "{server}, {} connection(s): {} of {} calls failed; the first: {}",
            self.connections,
            self.errors,
            self.sent,
            self.first_error.as_deref().unwrap_or("?")
        );
        assert!(
            self.calls > 0,
            "{server}: no call was answered in the measured window"
        );
    }

    fn cpu_line(&self) -> String {
        let per_sec = |s: f64| s / self.secs;
        let server: Vec<String> = self
            .server_cpu
            .iter()
            .filter(|(_, s)| per_sec(**s) >= 0.005)
            .map(|(name, s)| format!("{name} {:.2}", per_sec(*s)))
            .collect();
        format!(
            "server {:.2} (threads: {}); load generator {:.2}; anything else on the machine {:.2}",
            per_sec(self.server_total),
            server.join(", "),
            per_sec(self.client_cpu),
            per_sec((self.machine_cpu - self.server_total - self.client_cpu).max(0.0))
        )
    }
}

#[derive(Default)]
struct Worker {
    calls: u64,
    sent: u64,
    errors: u64,
    first_error: Option<String>,
    reconnects: u64,
    latencies: Vec<u32>,
}

impl Worker {
    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }
}

/// Loads `addr` from `connections` keep-alive connections, each sending `requests` in turn (starting
/// at its own offset), for a warm-up and then `measure`.
fn load(
    addr: SocketAddr,
    requests: &[Vec<u8>],
    connections: usize,
    measure: Duration,
    server_pid: u32,
) -> LoadRun {
    let from = Instant::now() + WARM_UP;
    let until = from + measure;
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..connections)
            .map(|i| s.spawn(move || worker(addr, requests, i, from, until)))
            .collect();
        std::thread::sleep(from.saturating_duration_since(Instant::now()));
        let sample = || {
            (
                process_cpu(server_pid),
                task_cpu(server_pid),
                process_cpu(std::process::id()),
                machine_cpu(),
            )
        };
        let (total0, server0, client0, machine0) = sample();
        std::thread::sleep(until.saturating_duration_since(Instant::now()));
        let (total1, server1, client1, machine1) = sample();
        let mut run = LoadRun {
            connections,
            calls: 0,
            secs: measure.as_secs_f64(),
            sent: 0,
            errors: 0,
            first_error: None,
            reconnects: 0,
            latencies: Vec::new(),
            server_total: total1 - total0,
            server_cpu: cpu_delta(&server0, &server1),
            client_cpu: client1 - client0,
            machine_cpu: machine1 - machine0,
        };
        for w in workers {
            let w = w.join().expect("a load thread panicked");
            run.calls += w.calls;
            run.sent += w.sent;
            run.errors += w.errors;
            run.reconnects += w.reconnects;
            if run.first_error.is_none() {
                run.first_error = w.first_error;
            }
            run.latencies.extend(w.latencies);
        }
        run.latencies.sort_unstable();
        run
    })
}

fn worker(
    addr: SocketAddr,
    requests: &[Vec<u8>],
    offset: usize,
    from: Instant,
    until: Instant,
) -> Worker {
    let mut w = Worker {
        latencies: Vec::with_capacity(1 << 20),
        ..Worker::default()
    };
    let mut conn = match Conn::connect(addr) {
        Ok(c) => c,
        Err(e) => {
            w.error(format!("connect: {e}"));
            return w;
        }
    };
    let mut next = offset % requests.len();
    loop {
        let started = Instant::now();
        if started >= until {
            return w;
        }
        let request = &requests[next];
        next = (next + 1) % requests.len();
        w.sent += 1;
        let reconnect = match conn.call(request) {
            Ok(200) => {
                let done = Instant::now();
                if started >= from && done <= until {
                    w.calls += 1;
                    let us = done.duration_since(started).as_micros();
                    w.latencies.push(u32::try_from(us).unwrap_or(u32::MAX));
                }
                conn.close
            }
            Ok(status) => {
                w.error(format!(
                    "status {status}: {}",
                    String::from_utf8_lossy(&conn.body)
                ));
                conn.close
            }
            Err(e) => {
                w.error(format!("{e}"));
                true
            }
        };
        if reconnect {
            w.reconnects += 1;
            conn = match Conn::connect(addr) {
                Ok(c) => c,
                Err(e) => {
                    w.error(format!("reconnect: {e}"));
                    return w;
                }
            };
        }
    }
}

/// CPU seconds (user and system) a process has spent, its exited threads included, from
/// `/proc/PID/stat` (in clock ticks, 100 a second on Linux).
fn process_cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces) in parentheses: utime and stime are
    // the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|n| n.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// CPU seconds the machine has spent busy since boot (every state of the first line of `/proc/stat`
/// but idle and iowait; clock ticks, 100 a second).
fn machine_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or("")
        .split_whitespace()
        .skip(1)
        .filter_map(|n| n.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let busy: u64 = ticks
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, t)| t)
        .sum();
    busy as f64 / 100.0
}

/// Nanoseconds on CPU of each of a process's threads, summed by thread name (trailing digits and
/// separators dropped, so a pool's threads add up), from `/proc/PID/task/*/schedstat`.
fn task_cpu(pid: u32) -> BTreeMap<String, u64> {
    let mut by_name = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return by_name;
    };
    for task in tasks.flatten() {
        let dir = task.path();
        let (Ok(comm), Ok(stat)) = (
            std::fs::read_to_string(dir.join("comm")),
            std::fs::read_to_string(dir.join("schedstat")),
        ) else {
            continue;
        };
        let name = comm
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_' || c == '.')
            .to_string();
        let ns: u64 = stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        *by_name.entry(name).or_insert(0) += ns;
    }
    by_name
}

/// CPU seconds by thread name between two samples (threads gone by the second are left out).
fn cpu_delta(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
) -> BTreeMap<String, f64> {
    after
        .iter()
        .map(|(name, &ns)| {
            let was = before.get(name).copied().unwrap_or(0);
            (name.clone(), ns.saturating_sub(was) as f64 / 1e9)
        })
        .collect()
}

/// `slrsim serve` as a child process; killed if the bench fails before stopping it.
struct Slrsim {
    child: Child,
    addr: SocketAddr,
    key: String,
    secret: String,
}

/// How the server stopped and what `slrsim verify` said of its log.
struct Stopped {
    shutdown_secs: f64,
    records: u64,
    verify_secs: f64,
    verify_line: String,
}

impl Slrsim {
    fn start(bin: &Path, db: &Path, flags: &[&str]) -> Self {
        let mut child = Command::new(bin)
            .arg("--db")
            .arg(db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        let mut out = BufReader::new(child.stdout.take().expect("slrsim's piped stdout"));
        let mut vars = BTreeMap::new();
        for _ in 0..4 {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap_or(0) == 0 {
                let _ = child.kill();
                panic!(
                    "slrsim serve ended before printing its four export lines ({:?})",
                    child.wait()
                );
            }
            let Some((name, value)) = line
                .trim()
                .strip_prefix("export ")
                .and_then(|l| l.split_once('='))
            else {
                let _ = child.kill();
                panic!("slrsim serve printed `{}`, not an export line", line.trim());
            };
            vars.insert(name.to_string(), value.to_string());
        }
        let mut server = Slrsim {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            key: String::new(),
            secret: String::new(),
        };
        let var = |name: &str| {
            vars.get(name)
                .cloned()
                .unwrap_or_else(|| panic!("slrsim serve printed no {name}"))
        };
        let endpoint = var("AWS_ENDPOINT_URL");
        server.addr = endpoint
            .strip_prefix("http://")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("AWS_ENDPOINT_URL={endpoint}: not http://ADDRESS:PORT"));
        server.key = var("AWS_ACCESS_KEY_ID");
        server.secret = var("AWS_SECRET_ACCESS_KEY");
        assert_eq!(
            var("AWS_DEFAULT_REGION"),
            REGION,
            "the bench signs for {REGION}"
        );
        server
    }

    /// SIGTERM, wait for the exit, then `slrsim verify` on the log.
    fn stop_and_verify(&mut self, bin: &Path, db: &Path) -> Stopped {
        let t = Instant::now();
        let kill = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(kill.success(), "kill -TERM {} failed", self.child.id());
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for slrsim") {
                break status;
            }
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "slrsim serve still runs 30 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        let shutdown_secs = t.elapsed().as_secs_f64();
        assert!(
            status.success(),
            "slrsim serve exited with {status} after SIGTERM"
        );
        eprintln!("serve bench: slrsim verify");
        let t = Instant::now();
        let out = Command::new(bin)
            .arg("--db")
            .arg(db)
            .arg("verify")
            .output()
            .expect("run slrsim verify");
        let verify_secs = t.elapsed().as_secs_f64();
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(
            out.status.success(),
            "slrsim verify failed: {text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let records = text
            .strip_prefix("verified ")
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("slrsim verify printed `{text}`"));
        Stopped {
            shutdown_secs,
            records,
            verify_secs,
            verify_line: text,
        }
    }
}

impl Drop for Slrsim {
    fn drop(&mut self) {
        // Only when the bench failed before stopping it (a waited-for child is not signalled again).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// moto's server mode (`python -m moto.server`) as a child process. Its server answers every request
/// with `Connection: close`, so the generator connects again for each call, as any client must.
struct Moto {
    child: Child,
    addr: SocketAddr,
}

impl Moto {
    /// Starts moto when `SLRSIM_BENCH_PYTHON` (or `python3`) can import it; `None` otherwise.
    fn start() -> Option<Self> {
        let python = std::env::var("SLRSIM_BENCH_PYTHON").unwrap_or_else(|_| "python3".to_string());
        let importable = Command::new(&python)
            .args(["-c", "import moto.server"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !importable {
            eprintln!(
                "serve bench: `{python}` cannot import moto.server: using the reference rate of {REFERENCE_MOTO_RATE} calls/s"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto's server");
        let moto = Moto {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let t = Instant::now();
        while TcpStream::connect(moto.addr).is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "moto's server did not listen on {} within 60 s",
                moto.addr
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("serve bench: moto pid {} on {}", moto.child.id(), moto.addr);
        Some(moto)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn print_table(
    connections: &[usize],
    seconds: f64,
    slrsim: &[LoadRun],
    no_sync: &[LoadRun],
    moto: Option<&[LoadRun]>,
    stopped: &[(&str, Stopped, u64)],
) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!();
    println!(
        "slrsim serve against moto's server mode: keep-alive HTTP/1.1 on loopback, {seconds} s per run after {} s of warm-up",
        WARM_UP.as_secs()
    );
    println!(
        "{cores} cores, shared by the load generator ({} threads at most) and the server under test",
        connections.iter().max().copied().unwrap_or(0)
    );
    println!(
        "slrsim: GetRole and ConfigureLogsForPlaybackConfiguration in turn (PercentEnabled 50, 100); moto: GetRole alone (it has no MediaTailor){}",
        if moto.is_some() {
            ", measured in this run"
        } else {
            "; moto not installed: the 240 calls/s reference rate"
        }
    );
    println!(
        "slrsim durable (the default): a call is answered once its record is flushed (group commit); --no-sync: once appended (a crash may lose answered calls). Every call appends a record."
    );
    println!();
    println!(
        "| connections | slrsim durable | latency p50 / p99 | slrsim --no-sync | latency p50 / p99 | durable / no-sync | moto GetRole | latency p50 / p99 | ratio (durable) | ≥ {GOAL_FACTOR:.0} × moto | ratio to the reference {REFERENCE_MOTO_RATE:.0}/s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for (i, (s, n)) in slrsim.iter().zip(no_sync).enumerate() {
        let m = moto.and_then(|m| m.get(i));
        let moto_rate = m.map_or(REFERENCE_MOTO_RATE, LoadRun::rate);
        let (moto_figure, moto_latency) = match m {
            Some(m) => (
                format!("{:.0} calls/s", m.rate()),
                format!("{:.2} / {:.2} ms", m.latency_ms(0.5), m.latency_ms(0.99)),
            ),
            None => (
                format!("{REFERENCE_MOTO_RATE:.0} calls/s (reference)"),
                "-".into(),
            ),
        };
        let ratio = s.rate() / moto_rate;
        println!(
            "| {} | {:.0} calls/s | {:.2} / {:.2} ms | {:.0} calls/s | {:.2} / {:.2} ms | {:.0}% | {} | {} | {:.0}× | {} | {:.0}× |",
            s.connections,
            s.rate(),
            s.latency_ms(0.5),
            s.latency_ms(0.99),
            n.rate(),
            n.latency_ms(0.5),
            n.latency_ms(0.99),
            100.0 * s.rate() / n.rate(),
            moto_figure,
            moto_latency,
            ratio,
            if ratio >= GOAL_FACTOR {
                "yes"
            } else {
                "**no**"
            },
            s.rate() / REFERENCE_MOTO_RATE
        );
    }
    println!();
    println!("CPU seconds per second of the measured window (by thread name):");
    for (mode, runs) in [("durable", slrsim), ("--no-sync", no_sync)] {
        for s in runs {
            println!(
                "- slrsim {mode}, {} connection(s): {}",
                s.connections,
                s.cpu_line()
            );
        }
    }
    for m in moto.unwrap_or_default() {
        println!(
            "- moto, {} connection(s): {}{}",
            m.connections,
            m.cpu_line(),
            if m.reconnects > 0 {
                format!("; {} reconnections", m.reconnects)
            } else {
                String::new()
            }
        );
    }
    println!();
    for (mode, stopped, sent) in stopped {
        println!(
            "slrsim {mode} stopped {:.2} s after SIGTERM; `slrsim verify` ({:.1} s): {}",
            stopped.shutdown_secs, stopped.verify_secs, stopped.verify_line
        );
        println!(
            "{sent} requests sent to slrsim {mode} (setup and warm-up included), {} records in its log",
            stopped.records
        );
        assert!(
            stopped.records >= *sent,
            "slrsim {mode}: the log holds fewer records than requests answered"
        );
    }
}
