//! `slrsim serve` as a child process and plain HTTP/1.1 to it: where it listens (the export lines it
//! prints), a SIGTERM stop, requests signed as an SDK signs them, and responses read whole.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::SystemTime;

use super::run::HANG_LIMIT;
use super::sign::Signer;

/// A running `slrsim serve`: where to call it and with which key, as it printed them; killed (SIGKILL)
/// if a test fails before it is stopped.
pub(crate) struct Server {
    pub child: Child,
    /// `127.0.0.1:PORT`, a port the system chose.
    pub addr: String,
    pub key: String,
    pub secret: String,
    /// The control API's token (`SLRSIM_TOKEN`).
    pub token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        // A child already waited for (`stop`) is not signalled again.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `cmd`, a command line of `slrsim ... serve --addr 127.0.0.1:0`, with its standard output
    /// piped, and reads the `export NAME=VALUE` lines it prints once it listens (the rest of its
    /// standard output is left unread).
    pub(crate) fn start(mut cmd: Command) -> Server {
        let mut child = cmd
            .stdout(Stdio::piped())
            .spawn()
            .expect("start slrsim serve");
        let out = child.stdout.take().expect("serve's stdout is piped");
        let mut lines = BufReader::new(out).lines();
        let mut env = BTreeMap::new();
        for _ in 0..5 {
            let line = lines.next().expect("an export line").expect("utf-8");
            let (k, v) = line
                .strip_prefix("export ")
                .and_then(|l| l.split_once('='))
                .unwrap_or_else(|| panic!("not an export line: {line}"));
            env.insert(k.to_string(), v.to_string());
        }
        let var = |name: &str| {
            env.get(name)
                .cloned()
                .unwrap_or_else(|| panic!("serve printed no {name}: {env:?}"))
        };
        Server {
            addr: var("AWS_ENDPOINT_URL")
                .strip_prefix("http://")
                .expect("http endpoint")
                .to_string(),
            key: var("AWS_ACCESS_KEY_ID"),
            secret: var("AWS_SECRET_ACCESS_KEY"),
            token: var("SLRSIM_TOKEN"),
            child,
        }
    }

    /// The orderly stop: SIGTERM, then wait for the exit; gives its status and its standard error
    /// (empty unless the command piped it).
    pub(crate) fn stop(mut self) -> (ExitStatus, String) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -TERM {}", self.child.id());
        let exit = self.child.wait().expect("wait");
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        (exit, err)
    }
}

/// A response: status, headers (names lower case), body.
#[derive(Debug, Clone)]
pub(crate) struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Bodies larger than this are sent only after the server asks for them (`Expect: 100-continue`).
pub(crate) const EXPECT_CONTINUE_ABOVE: usize = 64 << 10;

/// Sends one request on a new connection and reads the response whole. An `Err` is a connection that
/// failed or closed before a response's head came.
///
/// A large body is sent with `Expect: 100-continue`, as HTTP/1.1 clients do: a server that refuses the
/// request from its head alone (no token, a declared length over the limit) answers at once and never
/// reads the body. Writing a large body regardless would race that answer against the connection's
/// close, and the test's verdict would depend on which won.
pub(crate) fn send(
    addr: &str,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(addr)?;
    // Only turns a server that never answers into a failure.
    s.set_read_timeout(Some(HANG_LIMIT))?;
    let mut req = format!("{method} {uri} HTTP/1.1\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    let expect_continue = body.len() > EXPECT_CONTINUE_ABOVE;
    if expect_continue {
        req.push_str("Expect: 100-continue\r\n");
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    if expect_continue {
        // Read the first answer's head: `100 Continue` asks for the body; anything else is final.
        let mut byte = [0u8; 1];
        while !raw.ends_with(b"\r\n\r\n") {
            match s.read(&mut byte)? {
                0 => break,
                _ => raw.push(byte[0]),
            }
        }
        if raw.starts_with(b"HTTP/1.1 100") {
            raw.clear();
            s.write_all(body)?;
        }
    } else {
        s.write_all(body)?;
    }
    s.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| std::io::Error::other("no whole response head"))
}

/// A response's status line, headers and body; `None` without a whole head.
pub(crate) fn parse_response(raw: &[u8]) -> Option<Resp> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Resp {
        status,
        headers,
        body: body.to_string(),
    })
}

/// The text of the first `<name>` element of an XML answer.
pub(crate) fn tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml.get(start..)?.find(&close)? + start;
    xml.get(start..end)
}

/// The content type of an IAM query call, as the SDKs send it.
pub(crate) const FORM: (&str, &str) = (
    "Content-Type",
    "application/x-www-form-urlencoded; charset=utf-8",
);

/// An IAM query call's body: `params` and the API version, form-encoded.
pub(crate) fn iam_form(params: &[(&str, &str)]) -> Vec<u8> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        form.append_pair(k, v);
    }
    form.append_pair("Version", "2010-05-08");
    form.finish().into_bytes()
}

/// The headers of a request to `srv` signed with `key`/`secret` as an SDK signs it (host, x-amz-date,
/// the `extra` headers such as content-type and the target, then the signature).
pub(crate) fn signed_headers(
    srv: &Server,
    (key, secret): (&str, &str),
    service: &str,
    method: &str,
    uri: &str,
    extra: &[(&str, &str)],
    body: &[u8],
) -> Vec<(String, String)> {
    let now = SystemTime::now();
    let date = chrono::DateTime::<chrono::Utc>::from(now)
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), srv.addr.clone()),
        ("X-Amz-Date".into(), date),
    ];
    headers.extend(extra.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    let signer = Signer {
        key,
        secret,
        region: "us-east-1",
        service,
    };
    let signature = signer.signature(
        now,
        method,
        uri,
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        body,
    );
    headers.extend(signature);
    headers
}
