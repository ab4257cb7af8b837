"""``slrsim.fuzz``: ``slrsim fuzz`` from Python, a failure as an exception pytest shows."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Union

from ._binary import find_binary
from ._errors import SlrsimError

Command = Union[str, Sequence[str], Callable[[], object]]


@dataclass
class FuzzReport:
    """What ``slrsim fuzz`` said about a run that failed a goal."""

    report: str
    """The whole report ``slrsim fuzz`` printed."""
    seed: Optional[int] = None
    """The seed of the worlds."""
    case: Optional[int] = None
    """The first case that failed."""
    world: Optional[str] = None
    """The world it failed in, in words."""
    smallest_world: Optional[str] = None
    """The smallest world that still fails, in words."""
    failed_goals: Dict[str, str] = field(default_factory=dict)
    """Each goal that does not hold, with why."""
    db_path: Optional[Path] = None
    """The kept database of the smallest failing world (``slrsim --db PATH log`` reads it)."""
    progress: str = ""
    """The progress lines (one per case) ``slrsim fuzz`` wrote to standard error."""


class FuzzFailure(AssertionError):
    """The command failed a goal in some world: ``report`` (a :class:`FuzzReport`) holds the
    smallest such world, the goals that failed and the kept database. An ``AssertionError``, so
    pytest reports it as a test failure with the whole report."""

    def __init__(self, report: FuzzReport) -> None:
        self.report = report
        super().__init__(report.report.rstrip())


_FIRST = re.compile(r"failed a goal \(seed (\d+), case (\d+)\)")
_WORLD = re.compile(r"^The world it failed in: (.*)$", re.M)
_SMALLEST = re.compile(r"^The smallest world that still fails \([^)]*\): (.*)$", re.M)
_GOAL = re.compile(r"^Goal `([^`]+)` does not hold: (.*)$", re.M)
_DB = re.compile(r"^Its database is kept in (.+?): `slrsim", re.M)


def parse_report(stdout: str, stderr: str = "") -> FuzzReport:
    """Reads the report ``slrsim fuzz`` prints on a failure."""
    report = FuzzReport(report=stdout, progress=stderr)
    first = _FIRST.search(stdout)
    if first:
        report.seed, report.case = int(first.group(1)), int(first.group(2))
    world = _WORLD.search(stdout)
    if world:
        report.world = world.group(1)
    smallest = _SMALLEST.search(stdout)
    if smallest:
        report.smallest_world = smallest.group(1)
    for goal in _GOAL.finditer(stdout):
        report.failed_goals[goal.group(1)] = goal.group(2)
    db = _DB.search(stdout)
    if db:
        report.db_path = Path(db.group(1))
    return report


def _command_line(command: Command) -> List[str]:
    if callable(command):
        return _callable_command(command)
    if isinstance(command, str):
        import shlex

        return shlex.split(command)
    return [os.fspath(c) for c in command]


def _callable_command(function: Callable[[], object]) -> List[str]:
    """A command that runs ``function`` (defined at the top level of a module file) in a new
    Python process, with the server's AWS environment."""
    source = inspect.getsourcefile(function)
    name = getattr(function, "__qualname__", "")
    if source is None or not name or "<" in name:
        raise SlrsimError(
            "slrsim.fuzz runs a function in a new Python process: give one defined at the top "
            "level of a module file"
        )
    program = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('_slrsim_fuzzed', sys.argv[1])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.path.insert(0, __import__('os').path.dirname(sys.argv[1]))\n"
        "spec.loader.exec_module(module)\n"
        "target = module\n"
        "for part in sys.argv[2].split('.'):\n"
        "    target = getattr(target, part)\n"
        "result = target()\n"
        "sys.exit(0 if result is None or result is True else 1)\n"
    )
    return [sys.executable, "-c", program, source, name]


def fuzz(
    command: Command,
    *,
    cases: int = 20,
    seed: int = 0,
    goals: Sequence[str] = (),
    timeout: int = 60,
    seconds_per_request: Optional[int] = None,
    keep: Optional[Union[str, "os.PathLike[str]"]] = None,
    env: Optional[Mapping[str, str]] = None,
    cwd: Optional[Union[str, "os.PathLike[str]"]] = None,
    binary: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> str:
    """Runs ``slrsim fuzz`` on ``command`` and raises :class:`FuzzFailure` if it fails a goal.

    ``command`` is a list of arguments, a shell-like string (split with ``shlex``), or a function
    defined at the top level of a module file (it runs in a new Python process; returning ``None``
    or ``True`` is exit 0, ``False`` or an exception exit 1). Each of ``cases`` worlds of ``seed``
    runs on a fresh server whose credentials the command finds in its environment
    (``AWS_ENDPOINT_URL``, the keys, ``AWS_REGION``, ``SLRSIM_TOKEN``); ``goals`` are ``slrsim
    fuzz``'s ``--goal`` values (default ``role-absent`` and ``honest-exit``); ``timeout`` the real
    seconds the command may run in one world. The failing world's database is kept under
    ``keep`` (default: a new temporary folder, removed when every case passes). ``env`` adds to
    the command's environment. Returns the progress ``slrsim fuzz`` wrote when every case passes;
    raises :class:`SlrsimError` on a usage error (exit 2).
    """
    argv = [
        os.fspath(binary) if binary is not None else find_binary(),
        "fuzz",
        f"--cases={int(cases)}",
        f"--seed={int(seed)}",
        f"--timeout={int(timeout)}",
    ]
    for goal in goals:
        argv.append(f"--goal={goal}")
    if seconds_per_request is not None:
        argv.append(f"--seconds-per-request={int(seconds_per_request)}")
    made_keep = keep is None
    keep_dir = Path(tempfile.mkdtemp(prefix="slrsim-fuzz-")) if keep is None else Path(keep)
    argv += [f"--keep={keep_dir}", "--", *_command_line(command)]
    environment = dict(os.environ)
    if env:
        environment.update(env)
    done = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environment,
        cwd=cwd,
        check=False,
    )
    stdout = done.stdout.decode("utf-8", "replace")
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode == 0:
        if made_keep:
            shutil.rmtree(keep_dir, ignore_errors=True)
        return stderr
    if done.returncode == 1 and "failed a goal" in stdout:
        report = parse_report(stdout, stderr)
        if made_keep and report.db_path is not None:
            # Only the failing world's database is worth keeping: drop every case's copy.
            for case in keep_dir.glob("case-*"):
                shutil.rmtree(case, ignore_errors=True)
        raise FuzzFailure(report)
    raise SlrsimError(
        f"slrsim fuzz exited with code {done.returncode}: {(stderr or stdout).strip()}",
        stderr=stderr,
    )
