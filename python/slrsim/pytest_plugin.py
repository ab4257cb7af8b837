"""The pytest plugin: a fresh ``slrsim serve`` for each test, and its history when a test fails.

Installing the package registers it (entry point ``pytest11``, name ``slrsim``). It gives:

- ``slrsim_server``: a started :class:`slrsim.Server` in a new database, with the AWS environment
  of the test pointed at it (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, ``AWS_REGION``, ``SLRSIM_TOKEN``;
  ``AWS_PROFILE``, ``AWS_DEFAULT_PROFILE`` and ``AWS_SESSION_TOKEN`` removed), so boto3 and the
  AWS CLI call it unchanged. One per test by default; ``--slrsim-scope=module`` (or the ini
  option ``slrsim_scope``) shares one per module, package or session. The marker
  ``@pytest.mark.slrsim(clock="requests:10", viewers=60, ...)`` passes :class:`slrsim.Server`'s
  options; the ini option ``slrsim_args`` adds ``serve`` flags for every server.
- ``slrsim_server_factory``: a function that starts more servers for one test
  (``slrsim_server_factory(clock="requests:10")``), each stopped when the test ends.

When a test that used a server fails, its report gets two sections: ``slrsim timeline`` (every
record the test made, one line each, from ``GET /_slrsim/log``) and ``slrsim database`` (the
folder, kept, for ``slrsim --db PATH log``, ``state --at N``, ``explain TASK``, ``fork``). A
passing test's database is removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import weakref
from pathlib import Path
from typing import Any, Dict, Generator, Iterator, List, Literal, Tuple

import pytest

from ._errors import SlrsimError
from ._server import Server

_Scope = Literal["function", "class", "module", "package", "session"]
_SCOPES: Tuple[_Scope, ...] = ("function", "class", "module", "package", "session")
_FROM = pytest.StashKey[Dict[int, int]]()
_KEEP_NOTE = (
    "the test failed: the database is kept in {db}\n"
    "(once the server stops, `slrsim --db DB log` is written beside it, in timeline.txt)\n"
    "  DB={db}\n"
    '  slrsim --db "$DB" log            # the timeline, with the role\'s state after each record\n'
    '  slrsim --db "$DB" state --at N   # the whole state after record N\n'
    '  slrsim --db "$DB" explain TASK   # why a deletion task failed or succeeded\n'
    '  slrsim --db "$DB" fork --at N --to what-if.db   # a new timeline from record N'
)
# How many tests have used each server so far: a server's first test sees its whole history, a
# later one (a wider scope) only its own records.
_USES: "weakref.WeakKeyDictionary[Server, int]" = weakref.WeakKeyDictionary()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The options ``--slrsim-scope`` and ``--slrsim-keep``, the ini options ``slrsim_scope`` and
    ``slrsim_args``."""
    group = parser.getgroup("slrsim", "slrsim: the simulated AWS MediaTailor service-linked role")
    group.addoption(
        "--slrsim-scope",
        choices=_SCOPES,
        default=None,
        help="the scope of the slrsim_server fixture (default: function, a server per test)",
    )
    group.addoption(
        "--slrsim-keep",
        action="store_true",
        default=False,
        help="keep every slrsim_server database, not only those of failed tests",
    )
    parser.addini(
        "slrsim_scope",
        "the scope of the slrsim_server fixture (function, class, module, package, session)",
        default="function",
    )
    parser.addini(
        "slrsim_args",
        "more `slrsim serve` flags for every server the plugin starts (e.g. --clock requests:10)",
        type="args",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declares the ``slrsim`` marker."""
    config.addinivalue_line(
        "markers",
        "slrsim(**options): slrsim.Server options for the slrsim_server fixture "
        "(clock, consistency, throttle, viewers, seed, no_sync, ...)",
    )


def _scope(fixture_name: str, config: pytest.Config) -> _Scope:
    given = config.getoption("--slrsim-scope") or config.getini("slrsim_scope") or "function"
    for scope in _SCOPES:
        if scope == given:
            return scope
    raise pytest.UsageError(f"slrsim_scope = {given}: give one of {', '.join(_SCOPES)}")


def _options(request: pytest.FixtureRequest) -> Dict[str, Any]:
    options: Dict[str, Any] = {}
    marker = request.node.get_closest_marker("slrsim")
    if marker is not None:
        options.update(marker.kwargs)
    extra = list(request.config.getini("slrsim_args"))
    if extra:
        options["extra_args"] = tuple(extra) + tuple(options.get("extra_args", ()))
    return options


def _started(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, options: Dict[str, Any]
) -> Server:
    folder = tmp_path_factory.mktemp("slrsim")
    server = Server(folder / "slrsim.db", **options)
    server.start()
    return server


def _finish(server: Server, config: pytest.Config) -> None:
    server.stop()
    folder = server.db_path.parent
    if server.keep_db:
        # The command line's own timeline (the role's state after each record), beside the database.
        _write_timeline(server, folder / "timeline.txt")
    elif not config.getoption("--slrsim-keep"):
        shutil.rmtree(folder, ignore_errors=True)


def _write_timeline(server: Server, path: Path) -> None:
    try:
        done = subprocess.run(
            [server.binary, "--db", str(server.db_path), "log"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=False,
        )
        path.write_bytes(done.stdout + done.stderr)
    except (OSError, subprocess.SubprocessError):
        pass


def aws_environment(server: Server, mp: pytest.MonkeyPatch) -> None:
    """Points the AWS SDKs and CLI of this process (and of the programs it starts) at ``server``,
    through ``mp``: the endpoint, the root key, the Region, ``SLRSIM_TOKEN``; no profile, no
    session token, no instance metadata."""
    for name, value in server.environ().items():
        mp.setenv(name, value)
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
    mp.setenv("AWS_PAGER", "")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        mp.delenv(name, raising=False)


@pytest.fixture(scope=_scope)
def slrsim_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A started :class:`slrsim.Server` in a new database, with the AWS environment pointed at it.

    Stopped (and its database removed, unless a test using it failed) at the end of its scope:
    the test by default, or ``--slrsim-scope`` / ini ``slrsim_scope``."""
    server = _started(request, tmp_path_factory, _options(request))
    try:
        with pytest.MonkeyPatch.context() as mp:
            aws_environment(server, mp)
            yield server
    finally:
        _finish(server, request.config)


class ServerFactory:
    """What the ``slrsim_server_factory`` fixture gives: call it with :class:`slrsim.Server`'s
    options to start a server, stopped when the test ends."""

    def __init__(self, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
        self._request = request
        self._tmp_path_factory = tmp_path_factory
        self.servers: List[Server] = []
        """The servers started so far."""

    def __call__(self, **options: Any) -> Server:
        """Starts a server with ``options`` (over the marker's and ``slrsim_args``)."""
        merged = _options(self._request)
        merged.update(options)
        server = _started(self._request, self._tmp_path_factory, merged)
        self.servers.append(server)
        return server


@pytest.fixture
def slrsim_server_factory(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerFactory]:
    """A function that starts a :class:`slrsim.Server` with the options given
    (``slrsim_server_factory(clock="requests:10", viewers=60)``), stopped when the test ends. It
    does not change the environment: use ``server.client(...)`` or ``server.environ()``."""
    factory = ServerFactory(request, tmp_path_factory)
    try:
        yield factory
    finally:
        for server in factory.servers:
            _finish(server, request.config)


def _servers(item: pytest.Item) -> List[Server]:
    funcargs: Dict[str, Any] = getattr(item, "funcargs", {}) or {}
    found: List[Server] = []
    for value in funcargs.values():
        if isinstance(value, Server) and value not in found:
            found.append(value)
        elif isinstance(value, ServerFactory):
            found.extend(s for s in value.servers if s not in found)
    return found


def _timeline(server: Server, start: int) -> str:
    if not server.running:
        return f"(the server is not running: read the history with `slrsim --db {server.db_path} log`)"
    try:
        text = server.timeline(start)
    except SlrsimError as e:
        return f"(the history could not be read: {e})"
    return text or "(no records)"


# An old-style wrapper, so that the plugin loads in every pytest from 7.0 on.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """Adds the timeline and the kept database to the report of a failed test that used a
    server, and keeps its database."""
    outcome = yield
    report = outcome.get_result()
    if isinstance(report, pytest.TestReport):
        _annotate(item, report)


def _annotate(item: pytest.Item, report: pytest.TestReport) -> None:
    servers = _servers(item)
    if not servers:
        return
    starts = item.stash.setdefault(_FROM, {})
    if report.when == "setup" and report.passed:
        # A server shared with earlier tests: this test's records start at its next one.
        for server in servers:
            uses = _USES.get(server, 0)
            _USES[server] = uses + 1
            if uses == 0:
                starts[id(server)] = 0
                continue
            try:
                starts[id(server)] = int(server.status().get("NextSeq", 0))
            except (SlrsimError, ValueError, TypeError):
                starts[id(server)] = 0
    if report.when == "call" and report.failed:
        for n, server in enumerate(servers):
            suffix = f" ({n + 1})" if len(servers) > 1 else ""
            start = starts.get(id(server), 0)
            server.keep_db = True
            report.sections.append(
                (
                    f"slrsim timeline{suffix} (records {start} on: number, simulated time, account and caller, Region, operation, outcome)",
                    _timeline(server, start),
                )
            )
            db = os.fspath(server.db_path)
            report.sections.append((f"slrsim database{suffix}", _KEEP_NOTE.format(db=db)))
            item.user_properties.append(("slrsim_db", db))


def kept_databases(item: pytest.Item) -> List[Path]:
    """The databases kept for ``item``, a failed test (from its ``user_properties``)."""
    return [Path(v) for k, v in item.user_properties if k == "slrsim_db" and isinstance(v, str)]


__all__ = [
    "ServerFactory",
    "aws_environment",
    "kept_databases",
    "pytest_addoption",
    "pytest_configure",
    "pytest_runtest_makereport",
    "slrsim_server",
    "slrsim_server_factory",
]
