#!/usr/bin/env python3
"""A recording reverse proxy for the end-to-end test: clients talk to it, it forwards every request
byte for byte (method, path, headers including Host, body) to `slrsim serve`, sends the answer back,
and appends the exchange to a JSON Lines file that check.py judges against AWS's models.

    proxy.py UPSTREAM_URL RECORD_JSONL PORT_FILE

It listens on 127.0.0.1 on a free port, writes `http://127.0.0.1:PORT` to PORT_FILE once it accepts
connections, and runs until it is sent SIGTERM. Since the Host header and the body reach the server
unchanged, SigV4 signatures made for the proxy's address still verify there. Only the standard
library is used.
"""

import base64
import http.client
import http.server
import json
import os
import signal
import sys
import threading
import urllib.parse

# Hop-by-hop headers are the proxy's own business, not the exchange's.
HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def main(upstream, record_path, port_file):
    up = urllib.parse.urlsplit(upstream)
    lock = threading.Lock()
    out = open(record_path, "a", encoding="utf-8")
    local = threading.local()
    counter = [0]

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
            local.conn = conn
        return conn

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: the record file is the log
            pass

        def relay(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP]
            for attempt in (0, 1):
                conn = connection()
                try:
                    conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                    for k, v in headers:
                        conn.putheader(k, v)
                    if "content-length" not in {k.lower() for k, _ in headers} and body:
                        conn.putheader("Content-Length", str(len(body)))
                    conn.endheaders(body or None)
                    resp = conn.getresponse()
                    data = resp.read()
                    break
                except (http.client.HTTPException, OSError):
                    # A kept-alive upstream connection that was closed: one fresh try.
                    conn.close()
                    local.conn = None
                    if attempt:
                        self.send_error(502, "upstream failed")
                        return
            resp_headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP]
            self.send_response_only(resp.status, resp.reason)
            for k, v in resp_headers:
                if k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            if self.path.startswith("/_slrsim/"):
                return  # the control API is slrsim's own, not AWS's
            with lock:
                counter[0] += 1
                out.write(
                    json.dumps(
                        {
                            "n": counter[0],
                            "request": {
                                "method": self.command,
                                "target": self.path,
                                "headers": headers,
                                "body": base64.b64encode(body).decode(),
                            },
                            "response": {
                                "status": resp.status,
                                "headers": resp_headers,
                                "body": base64.b64encode(data).decode(),
                            },
                        }
                    )
                    + "\n"
                )
                out.flush()

        do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = relay

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    with open(port_file + ".tmp", "w") as f:
        f.write(f"http://127.0.0.1:{server.server_address[1]}")
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()
    out.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: proxy.py UPSTREAM_URL RECORD_JSONL PORT_FILE")
    main(*sys.argv[1:])
