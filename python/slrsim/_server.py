"""``slrsim.Server``: a ``slrsim serve`` process for one test, and its control API."""

from __future__ import annotations

import datetime
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Dict, List, Mapping, Optional, Tuple, Type, Union

from ._binary import find_binary
from ._errors import SlrsimError

JSON = Dict[str, Any]
PathLike = Union[str, "os.PathLike[str]"]

#: The ``export`` lines ``slrsim serve`` prints on standard output once it listens.
_EXPORTS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "SLRSIM_TOKEN",
)

# The control API is on the loopback address: never through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Server:
    """A ``slrsim serve`` process on a free loopback port, in a fresh database or a given one.

    Use it as a context manager (``with slrsim.Server() as server: ...``), or call :meth:`start`
    and :meth:`stop`. Once started it exposes the credentials and endpoint the AWS SDKs need
    (:attr:`endpoint_url`, :attr:`access_key_id`, :attr:`secret_access_key`, :attr:`region`), the
    control API's :attr:`token`, and the control and time-travel calls of ``/_slrsim/``.

    The options are ``slrsim serve``'s flags:

    - ``db``: the database folder; by default a new one in a temporary folder, removed by
      :meth:`stop` unless :attr:`keep_db` is true (a given ``db`` is never removed).
    - ``clock``: ``"manual"`` (the default: time moves only with :meth:`advance`), ``"wall"``,
      ``"requests"`` or ``"requests:SECONDS"`` (each AWS request takes SECONDS of simulated time,
      so the same requests get the same answers on any machine); ``speed`` for ``"wall"``.
    - ``consistency``: IAM reads lag this many seconds behind writes.
    - ``throttle``: ``True`` (10 calls a second per operation), a rate, ``(rate, burst)`` or the
      flag's text ``"RATE:BURST"``.
    - ``viewers``: ``True`` (60 sessions a minute on every configuration) or a number a minute.
    - ``seed``, ``start``: the seed and clock start of a new database.
    - ``no_sync``: answer calls before their records are on disk (faster; a crash loses them).
    - ``faults``: ``serve --faults JSON``, the faults of ``SetFaults`` as a dict (a slrsim that has
      them).
    - ``binary``: the ``slrsim`` program (default: :func:`slrsim.find_binary`).
    - ``startup_timeout``: seconds to wait for the server to be ready.
    - ``extra_args``: more arguments for ``serve``.
    """

    def __init__(
        self,
        db: Optional[PathLike] = None,
        *,
        clock: Optional[str] = None,
        speed: Optional[float] = None,
        consistency: Optional[int] = None,
        throttle: Union[None, bool, float, str, Tuple[float, int]] = None,
        viewers: Union[None, bool, int] = None,
        seed: Optional[int] = None,
        start: Optional[str] = None,
        no_sync: bool = False,
        faults: Optional[Mapping[str, Any]] = None,
        binary: Optional[PathLike] = None,
        startup_timeout: float = 30.0,
        extra_args: Tuple[str, ...] = (),
    ) -> None:
        self._given_db = db is not None
        self._db: Optional[Path] = Path(db) if db is not None else None
        self._temp: Optional[Path] = None
        self.keep_db: bool = False
        """Whether :meth:`stop` leaves a temporary database in place (the pytest plugin sets it for
        a failed test)."""
        self.binary: str = os.fspath(binary) if binary is not None else find_binary()
        """The ``slrsim`` program."""
        self.startup_timeout = startup_timeout
        self._flags = _serve_flags(
            clock=clock,
            speed=speed,
            consistency=consistency,
            throttle=throttle,
            viewers=viewers,
            seed=seed,
            start=start,
            no_sync=no_sync,
        ) + list(extra_args)
        if faults is not None:
            self._flags.append("--faults=" + json.dumps(dict(faults)))
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._stderr: Optional[IO[bytes]] = None
        self._stderr_text = ""
        self._exports: Dict[str, str] = {}
        self.returncode: Optional[int] = None
        """The server's exit code once it has stopped (0 after a clean stop)."""

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> "Server":
        """Starts the server and waits until it answers ``GET /_slrsim/status``.

        Raises :class:`SlrsimError`, with the server's standard error, if it exits or does not
        become ready within ``startup_timeout`` seconds.
        """
        if self._process is not None:
            raise SlrsimError("this server is already started")
        if self._db is None:
            self._temp = Path(tempfile.mkdtemp(prefix="slrsim-"))
            self._db = self._temp / "slrsim.db"
        args = [self.binary, "--db", str(self._db), "serve", "--addr", "127.0.0.1:0", *self._flags]
        self._stderr = tempfile.TemporaryFile()
        try:
            self._process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                # A pipe: the export lines arrive as soon as they are written. `serve` writes
                # nothing else to standard output.
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError as e:
            self._close_files()
            self._remove_temp()
            raise SlrsimError(f"cannot run {self.binary}: {e}") from e
        try:
            self._wait_ready(time.monotonic() + self.startup_timeout)
        except BaseException:
            self._kill()
            self._close_files()
            self._remove_temp()
            raise
        return self

    def _wait_ready(self, deadline: float) -> None:
        assert self._process is not None and self._process.stdout is not None
        out = self._process.stdout
        text = b""
        with selectors.DefaultSelector() as selector:
            selector.register(out, selectors.EVENT_READ)
            while True:
                exports = _parse_exports(text.decode("utf-8", "replace"))
                if all(k in exports for k in _EXPORTS) and text.endswith(b"\n"):
                    self._exports = exports
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SlrsimError(
                        f"slrsim serve printed no credentials within {self.startup_timeout} s",
                        stderr=self.stderr(),
                    )
                chunk = os.read(out.fileno(), 65536) if selector.select(left) else None
                if chunk:
                    text += chunk
                elif chunk == b"":
                    code = self._process.wait()
                    raise SlrsimError(
                        f"slrsim serve exited with code {code} before it was ready",
                        stderr=self.stderr(),
                    )
        while True:
            try:
                self.status()
                return
            except SlrsimError as e:
                if e.status is not None:
                    raise
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise SlrsimError(
                        f"slrsim serve did not answer GET /_slrsim/status: {e.message}",
                        stderr=self.stderr(),
                    ) from e
                time.sleep(0.005)

    def stop(self, timeout: float = 10.0) -> None:
        """Stops the server: SIGTERM (it flushes its log and exits 0), then SIGKILL after
        ``timeout`` seconds. Removes a temporary database unless :attr:`keep_db` is true. Calling it
        again does nothing."""
        process = self._process
        if process is not None and self.returncode is None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self.returncode = process.returncode
            self._close_files()
        if not self.keep_db:
            self._remove_temp()

    def _kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        if self._process is not None:
            self.returncode = self._process.returncode

    def _close_files(self) -> None:
        # What the server wrote to standard error stays readable through stderr().
        self._stderr_text = self.stderr()
        if self._stderr is not None:
            self._stderr.close()
        self._stderr = None
        if self._process is not None and self._process.stdout is not None:
            self._process.stdout.close()

    def _remove_temp(self) -> None:
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server process is running."""
        return self._process is not None and self._process.poll() is None

    def stderr(self) -> str:
        """What the server has written to its standard error so far."""
        if self._stderr is None:
            return self._stderr_text
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    # --- what a client needs --------------------------------------------------------------------

    def _export(self, name: str) -> str:
        try:
            return self._exports[name]
        except KeyError:
            raise SlrsimError("the server is not started: call start() or use `with`") from None

    @property
    def endpoint_url(self) -> str:
        """The endpoint for every service: ``http://127.0.0.1:PORT`` (``AWS_ENDPOINT_URL``)."""
        return self._export("AWS_ENDPOINT_URL")

    @property
    def access_key_id(self) -> str:
        """The default account's root access key id."""
        return self._export("AWS_ACCESS_KEY_ID")

    @property
    def secret_access_key(self) -> str:
        """Its secret access key (this database's own)."""
        return self._export("AWS_SECRET_ACCESS_KEY")

    @property
    def region(self) -> str:
        """The default Region (``us-east-1``)."""
        return self._export("AWS_DEFAULT_REGION")

    @property
    def token(self) -> str:
        """The control API's bearer token (``SLRSIM_TOKEN``)."""
        return self._export("SLRSIM_TOKEN")

    @property
    def db_path(self) -> Path:
        """The database folder: ``slrsim --db DB log`` (and ``state``, ``explain``, ...) read it
        once the server has stopped."""
        if self._db is None:
            raise SlrsimError("the server is not started: call start() or use `with`")
        return self._db

    def environ(self) -> Dict[str, str]:
        """The environment an AWS SDK or the AWS CLI needs to call this server: the endpoint,
        the root key, ``AWS_DEFAULT_REGION`` and ``AWS_REGION``, and ``SLRSIM_TOKEN``."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "SLRSIM_TOKEN": self.token,
        }

    def boto3_session(self, region: Optional[str] = None) -> Any:
        """A ``boto3.session.Session`` with this server's root key (boto3 must be installed: it
        is imported here, not by the package)."""
        import boto3  # type: ignore[import-untyped, import-not-found, unused-ignore]

        return boto3.session.Session(
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name=region or self.region,
        )

    def client(self, name: str, region: Optional[str] = None) -> Any:
        """A boto3 client of service ``name`` (``"iam"``, ``"mediatailor"``, ``"logs"``,
        ``"sts"``) pointed at this server."""
        return self.boto3_session(region).client(name, endpoint_url=self.endpoint_url)

    # --- the control API ------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> JSON:
        value = self._call_any(method, path, query, body)
        if not isinstance(value, dict):
            raise SlrsimError(f"{method} {path}: slrsim answered {value!r}, not a JSON object")
        return value

    def _call_any(
        self,
        method: str,
        path: str,
        query: Optional[Mapping[str, Any]] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        url = self.endpoint_url + "/_slrsim/" + path
        if query:
            given = {k: str(v) for k, v in query.items() if v is not None}
            if given:
                url += "?" + urllib.parse.urlencode(given)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with _OPENER.open(request, timeout=60) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                decoded: Any = json.loads(raw)
            except ValueError:
                decoded = raw.decode("utf-8", "replace")
            message = decoded.get("Message") if isinstance(decoded, dict) else None
            code = decoded.get("Code") if isinstance(decoded, dict) else None
            raise SlrsimError(
                str(message or decoded or e.reason),
                status=e.code,
                code=str(code) if code else None,
                body=decoded,
            ) from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise SlrsimError(f"cannot reach {url}: {reason}") from None
        return json.loads(raw) if raw else {}

    def status(self) -> JSON:
        """``GET /_slrsim/status``: the clock, the simulated time, the next record's number."""
        return self._call("GET", "status")

    def advance(self, seconds: int) -> JSON:
        """``POST /_slrsim/advance``: simulated time moves ``seconds`` (deletion tasks run,
        viewers watch). Returns ``{"Seq", "Time", "Response"}``."""
        return self._call("POST", "advance", query={"seconds": int(seconds)})

    def serve_sessions(
        self,
        config_name: str,
        sessions: int,
        region: Optional[str] = None,
        log_mode: Optional[str] = None,
        account: Optional[str] = None,
    ) -> JSON:
        """``POST /_slrsim/sessions``: viewers play ``sessions`` sessions on playback
        configuration ``config_name``; MediaTailor delivers the logged ones through the role
        (``log_mode="DEBUG"``: all of them are logged)."""
        body: JSON = {"PlaybackConfigurationName": config_name, "Sessions": sessions}
        _put(body, "Region", region)
        _put(body, "LogMode", log_mode)
        _put(body, "Account", account)
        return self._call("POST", "sessions", body=body)

    def log(
        self,
        from_: Optional[int] = None,
        to: Optional[int] = None,
        *,
        account: Optional[str] = None,
        region: Optional[str] = None,
        op: Optional[str] = None,
        errors: bool = False,
    ) -> JSON:
        """``GET /_slrsim/log``: the stored records ``from_`` to ``to`` (as ``slrsim log --json``),
        at most 1000; by default the newest 1000, kept to those of ``account``, ``region``,
        operation ``op``, or only refusals (``errors``), as ``slrsim log`` filters them. Returns
        ``{"From", "To", "Last", "Records"}``."""
        query: Dict[str, Any] = {
            "from": from_, "to": to, "account": account, "region": region, "op": op,
        }
        if errors:
            query["errors"] = "true"
        return self._call("GET", "log", query=query)

    def records(self, from_: int = 0) -> List[JSON]:
        """Every stored record from ``from_`` on, page by page."""
        out: List[JSON] = []
        start = from_
        while True:
            page = self.log(from_=start)
            records = page.get("Records") or []
            out.extend(records)
            last = page.get("Last")
            to = page.get("To")
            if not records or last is None or to is None or to >= last:
                return out
            start = int(to) + 1

    def timeline(self, from_: int = 0) -> str:
        """The records from ``from_`` on as a short text timeline, one line per record: its number,
        simulated time, caller, Region, operation and outcome."""
        return "\n".join(format_record(r) for r in self.records(from_))

    def state(self, at: Optional[int] = None, *, time: Optional[str] = None) -> JSON:
        """``GET /_slrsim/state``: the whole state now, after record ``at``, or at simulated
        ``time`` (RFC 3339; the last record at or before it): time travel while serving, as
        ``slrsim state --at N --json``."""
        return self._call("GET", "state", query={"at": at, "time": time})

    def get(
        self,
        what: str,
        *,
        name: Optional[str] = None,
        region: Optional[str] = None,
        task_id: Optional[str] = None,
        account: Optional[str] = None,
        at: Optional[int] = None,
        time: Optional[str] = None,
    ) -> JSON:
        """``GET /_slrsim/get``: one thing at a point, as ``slrsim get --json``: ``what`` is
        ``"role"`` (``name``, default the service-linked role), ``"config"`` (``region`` and
        ``name``), ``"task"`` (``task_id``) or ``"account"``; now, after record ``at``, or at ``time``.
        Something that does not exist there raises ``SlrsimError`` with status 404."""
        return self._call(
            "GET",
            "get",
            query={
                "what": what, "name": name, "region": region, "id": task_id,
                "account": account, "at": at, "time": time,
            },
        )

    def diff(self, from_: int, to: int, *, other_db: Optional[str] = None) -> List[JSON]:
        """``GET /_slrsim/diff``: what changed between the states after records ``from_`` and
        ``to`` (``to`` in the database at ``other_db``, a fork for instance, when given), as
        ``slrsim diff --json``: a list of ``{"path", "kind", "before", "after"}``."""
        value = self._call_any(
            "GET", "diff", query={"from": from_, "to": to, "other_db": other_db}
        )
        if not isinstance(value, list):
            raise SlrsimError(f"GET diff: slrsim answered {value!r}, not a list of changes")
        return value

    def bisect(self, invariant: Optional[str] = None) -> JSON:
        """``GET /_slrsim/bisect``: the first record after which an invariant (``invariant``, or
        any) is broken: ``{"Invariant", "Broken", "Record"}``, ``Broken`` null on a clean log."""
        return self._call("GET", "bisect", query={"invariant": invariant})

    def verify(self) -> JSON:
        """``GET /_slrsim/verify``: the hash chain, the re-decided outcomes and the replayed state
        of the log so far, as ``slrsim verify`` checks them."""
        return self._call("GET", "verify")

    def fork(self, at: int, to: str) -> JSON:
        """``POST /_slrsim/fork``: a new database at ``to`` (a folder that does not exist) holding
        records 0 to ``at`` of this log, for a what-if; this log is not changed."""
        return self._call("POST", "fork", body={"At": at, "To": str(Path(to).resolve())})

    def explain(self, task_id: str) -> JSON:
        """``GET /_slrsim/explain``: why a deletion task failed or succeeded (``task_id`` is the
        ``DeletionTaskId`` or a unique ending of it)."""
        return self._call("GET", "explain", query={"task": task_id})

    def set_consistency(
        self, delay_seconds: int, updates: bool = True, account: Optional[str] = None
    ) -> JSON:
        """``POST /_slrsim/consistency``: IAM reads lag ``delay_seconds`` behind writes (0 turns it
        off); with ``updates`` changes to a role lag too, not only its creation and deletion."""
        body: JSON = {"DelaySeconds": delay_seconds}
        if updates:
            body["Updates"] = True
        _put(body, "Account", account)
        return self._call("POST", "consistency", body=body)

    def set_throttling(
        self,
        enabled: bool,
        rate_per_second: Optional[float] = None,
        burst: Optional[int] = None,
    ) -> JSON:
        """``POST /_slrsim/throttling``: AWS calls are throttled per operation,
        ``rate_per_second`` calls a second of simulated time, bursts of ``burst``."""
        body: JSON = {"Enabled": enabled}
        _put(body, "RatePerSecond", rate_per_second)
        _put(body, "Burst", burst)
        return self._call("POST", "throttling", body=body)

    def set_viewers(self, sessions_per_minute: int, account: Optional[str] = None) -> JSON:
        """``POST /_slrsim/viewers``: viewers start ``sessions_per_minute`` sessions a minute on
        every playback configuration as simulated time passes (0: none)."""
        body: JSON = {"SessionsPerMinute": sessions_per_minute}
        _put(body, "Account", account)
        return self._call("POST", "viewers", body=body)

    def set_account_history(
        self, used_mediatailor_before_slr_support: bool = True, account: Optional[str] = None
    ) -> JSON:
        """``POST /_slrsim/account-history``: the account used MediaTailor before service-linked
        roles, so it has the role MediaTailor made then."""
        body: JSON = {"UsedMediaTailorBeforeSlrSupport": used_mediatailor_before_slr_support}
        _put(body, "Account", account)
        return self._call("POST", "account-history", body=body)

    def set_faults(self, **params: Any) -> JSON:
        """``POST /_slrsim/faults`` with ``params`` as its JSON body (the parameters of the
        scenario action, with AWS-style names, e.g. ``set_faults(Rate=0.1)``): calls that fail
        inside AWS. Raises :class:`SlrsimError` (status 400 or 404) on a server without it."""
        return self._call("POST", "faults", body=params)

    def control(self, method: str, path: str, body: Optional[Mapping[str, Any]] = None) -> JSON:
        """Any control call: ``control("POST", "viewers", {"SessionsPerMinute": 6})``."""
        return self._call(method, path.lstrip("/"), body=body)


def _put(body: JSON, key: str, value: Any) -> None:
    if value is not None:
        body[key] = value


def _parse_exports(text: str) -> Dict[str, str]:
    out: Dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            name, _, value = line[len("export ") :].partition("=")
            out[name.strip()] = value.strip()
    return out


def _serve_flags(
    *,
    clock: Optional[str],
    speed: Optional[float],
    consistency: Optional[int],
    throttle: Union[None, bool, float, str, Tuple[float, int]],
    viewers: Union[None, bool, int],
    seed: Optional[int],
    start: Optional[str],
    no_sync: bool,
) -> List[str]:
    flags: List[str] = []
    if clock is not None:
        flags.append(f"--clock={clock}")
    if speed is not None:
        flags.append(f"--speed={speed}")
    if consistency is not None:
        flags.append(f"--consistency={int(consistency)}")
    if throttle is True:
        flags.append("--throttle")
    elif isinstance(throttle, tuple):
        flags.append(f"--throttle={throttle[0]}:{throttle[1]}")
    elif throttle is not None and throttle is not False:
        flags.append(f"--throttle={throttle}")
    if viewers is True:
        flags.append("--viewers")
    elif viewers is not None and viewers is not False:
        flags.append(f"--viewers={int(viewers)}")
    if seed is not None:
        flags.append(f"--seed={int(seed)}")
    if start is not None:
        flags.append(f"--start={start}")
    if no_sync:
        flags.append("--no-sync")
    return flags


def format_record(record: Mapping[str, Any]) -> str:
    """One stored record (as ``GET /_slrsim/log`` returns it) as one line of text: its number,
    simulated time, account and caller, Region, operation, and outcome (the events it recorded, or
    AWS's error)."""
    seq = record.get("seq", "?")
    when = record.get("time")
    shown_time = (
        datetime.datetime.fromtimestamp(when, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(when, int)
        else str(when or "")
    )
    action = record.get("action")
    action = action if isinstance(action, dict) else {}
    op = action.get("op", "?")
    who = f"{action.get('account', '')} {action.get('caller', '')}".strip()
    region = action.get("region") or "-"
    outcome = record.get("outcome")
    outcome = outcome if isinstance(outcome, dict) else {}
    if isinstance(outcome.get("error"), dict):
        error = outcome["error"]
        result = (
            f"ERROR {error.get('code', '?')} ({error.get('status', '?')}): "
            f"{error.get('message', '')}"
        )
    else:
        ok = outcome.get("ok")
        ok = ok if isinstance(ok, dict) else {}
        kinds: List[str] = []
        for event in ok.get("events") or []:
            kind = str(event.get("type", "?")) if isinstance(event, dict) else "?"
            if kind not in kinds:
                kinds.append(kind)
        result = "ok" + (": " + ", ".join(kinds) if kinds else "")
        result += _response_note(ok.get("response"))
    return f"{seq:>6}  {shown_time}  {who}  {region}  {op}  {result}"


def _task_ending(task: Any) -> str:
    return "…" + str(task)[-8:]


def _response_note(response: Any) -> str:
    """What a record's answer says about deletion tasks: the task a deletion started, a status
    read, the tasks a clock advance finished."""
    if not isinstance(response, dict):
        return ""
    notes: List[str] = []
    if "DeletionTaskId" in response:
        notes.append(f"task {_task_ending(response['DeletionTaskId'])}")
    if isinstance(response.get("Status"), str):
        notes.append(f"status {response['Status']}")
    for task in response.get("FinishedDeletionTasks") or []:
        if isinstance(task, dict):
            notes.append(f"deletion {task.get('Status')} (task {_task_ending(task.get('DeletionTaskId'))})")
    return f" [{'; '.join(notes)}]" if notes else ""
