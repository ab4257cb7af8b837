"""What a fresh server costs a test: the ``slrsim_server`` fixture's setup and teardown, beside
moto's ``ThreadedMotoServer`` started and stopped by a fixture, measured in the same pytest run.

    python python/bench/startup.py [--rounds N]

Needs the slrsim wheel, pytest and moto[server] installed (tests/python/run.sh makes such an
environment). Runs one pytest session whose tests alternate: a test with ``slrsim_server``, a test
with a moto fixture, a test with no fixture (pytest's own cost of a setup and a teardown). Each
test's setup and teardown durations come from pytest's reports. The first test of each kind warms
up (imports, caches) and is left out.

The slrsim fixture's setup starts ``slrsim serve`` in a new database on a free port, reads its
credentials and waits until ``GET /_slrsim/status`` answers; its teardown stops it (SIGTERM, the
log flushed) and removes the database. The moto fixture's setup starts ``ThreadedMotoServer`` on a
free port (its thread listening; moto's start does not wait for an answer) and its teardown stops it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

TESTS = """
import pytest
from moto.server import ThreadedMotoServer

@pytest.fixture
def moto_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield server
    server.stop()

def _slrsim(slrsim_server):
    assert slrsim_server.endpoint_url

def _moto(moto_server):
    assert moto_server.get_host_and_port()[1]

def _nothing():
    pass

for i in range({rounds}):
    globals()[f"test_{{i:04}}_slrsim"] = _slrsim
    globals()[f"test_{{i:04}}_moto"] = _moto
    globals()[f"test_{{i:04}}_none"] = _nothing
"""


class Durations:
    """Collects each test's setup plus teardown time, by the kind its name ends with."""

    def __init__(self) -> None:
        # kind -> phase ("setup", "teardown") -> test -> seconds
        self.by_kind: Dict[str, Dict[str, Dict[str, float]]] = {}
        self.failed: List[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        kind = report.nodeid.rsplit("_", 1)[-1]
        if report.when in ("setup", "teardown"):
            phases = self.by_kind.setdefault(kind, {})
            phases.setdefault(report.when, {})[report.nodeid] = report.duration
        if report.failed:
            self.failed.append(report.nodeid)

    def milliseconds(self, kind: str, phase: str) -> List[float]:
        """Each test's time in ``phase`` (or both, ``"both"``), the first test left out."""
        phases = self.by_kind.get(kind, {})
        tests = list(phases.get("setup", {}))[1:]
        wanted = ("setup", "teardown") if phase == "both" else (phase,)
        return sorted(
            1000 * sum(phases.get(p, {}).get(t, 0.0) for p in wanted) for t in tests
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30, help="tests of each kind (default 30)")
    parser.add_argument("--basetemp", type=Path, default=None, help="pytest's temporary folder")
    args = parser.parse_args()
    rounds = max(args.rounds, 2)
    with tempfile.TemporaryDirectory(prefix="slrsim-bench-") as folder:
        test_file = Path(folder) / "test_startup.py"
        test_file.write_text(textwrap.dedent(TESTS.format(rounds=rounds)))
        durations = Durations()
        argv = [str(test_file), "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
        if args.basetemp is not None:
            argv.append(f"--basetemp={args.basetemp}")
        code = pytest.main(argv, plugins=[durations])
    if code != 0 or durations.failed:
        print(f"startup: the measuring tests failed: {durations.failed}", file=sys.stderr)
        return 1
    print(f"\nfixture setup + teardown per test, {rounds - 1} tests of each kind (the first left out):")
    for kind, label in (
        ("slrsim", "slrsim_server (slrsim serve)"),
        ("moto", "ThreadedMotoServer fixture"),
        ("none", "no fixture (pytest itself)"),
    ):
        ms = durations.milliseconds(kind, "both")
        setup = statistics.median(durations.milliseconds(kind, "setup"))
        teardown = statistics.median(durations.milliseconds(kind, "teardown"))
        print(
            f"  {label:30} median {statistics.median(ms):6.1f} ms (setup {setup:6.1f}, "
            f"teardown {teardown:6.1f})   min {ms[0]:6.1f}   max {ms[-1]:6.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
