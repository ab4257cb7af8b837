"""slrsim.fuzz and the example teardowns, from pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

import slrsim
from conftest import CLIENTS

# Real seconds a command may take in one world: generous, so a slow machine does not fail a case.
TIMEOUT = 300


def test_the_robust_teardown_passes_every_world(python_env: Dict[str, str]) -> None:
    progress = slrsim.fuzz(
        [sys.executable, str(CLIENTS / "teardown_robust.py")],
        cases=6,
        timeout=TIMEOUT,
        env=python_env,
    )
    assert "all 6 cases passed" in progress


def test_the_naive_teardown_fails_with_the_smallest_world(
    python_env: Dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(slrsim.FuzzFailure) as raised:
        slrsim.fuzz(
            [sys.executable, str(CLIENTS / "teardown_naive.py")],
            cases=6,
            timeout=TIMEOUT,
            env=python_env,
            keep=tmp_path,
        )
    report = raised.value.report
    assert report.seed == 0 and report.case is not None
    assert report.world and report.smallest_world
    assert "role-absent" in report.failed_goals
    assert report.db_path is not None and report.db_path.is_dir()
    assert report.db_path.parent == tmp_path
    # The failure's text is the whole report, as pytest shows it.
    assert "The smallest world that still fails" in str(raised.value)
    log = subprocess.run(
        [slrsim.find_binary(), "--db", str(report.db_path), "log"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "DeleteServiceLinkedRole" in log.stdout


def test_a_usage_error_is_an_slrsim_error() -> None:
    with pytest.raises(slrsim.SlrsimError, match="goal"):
        slrsim.fuzz(["true"], cases=1, goals=["no-such-goal"])


def passes_when_nothing_is_asked() -> bool:
    """A function run as the command: it only checks that it can reach the server."""
    import boto3

    return bool(boto3.client("sts").get_caller_identity()["Account"])


def test_a_function_can_be_the_command() -> None:
    # Goal role-present: with the function doing nothing, worlds without the role fail it.
    with pytest.raises(slrsim.FuzzFailure) as raised:
        slrsim.fuzz(passes_when_nothing_is_asked, cases=20, goals=["role-present"], timeout=TIMEOUT)
    assert raised.value.report.smallest_world is not None
    assert "role-present" in raised.value.report.failed_goals


NAIVE_IN_PYTEST = """
import sys
import slrsim

def test_naive_teardown():
    slrsim.fuzz([sys.executable, {naive!r}], cases=4, timeout=300, env={{"TEARDOWN_POLL_SECONDS": "0"}})
"""


def test_a_fuzz_failure_shows_the_report_in_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_naive=NAIVE_IN_PYTEST.format(naive=str(CLIENTS / "teardown_naive.py"))
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "FuzzFailure" in text
    assert "The smallest world that still fails" in text
    assert "Goal `role-absent` does not hold" in text
    assert "Its database is kept in" in text


def test_the_robust_teardown_through_the_fixture(
    slrsim_server_factory: "slrsim.pytest_plugin.ServerFactory", python_env: Dict[str, str]
) -> None:
    # Each request takes 10 simulated seconds, so the teardown's polls see time pass.
    server = slrsim_server_factory(clock="requests:10", viewers=60)
    env = dict(python_env, **server.environ())
    setup = subprocess.run(
        [sys.executable, str(CLIENTS / "setup.py"), "live", "100"], env=env, capture_output=True, text=True
    )
    assert setup.returncode == 0, setup.stderr
    teardown = subprocess.run(
        [sys.executable, str(CLIENTS / "teardown_robust.py")],
        env=dict(env, TEARDOWN_REGIONS="us-east-1 eu-west-1"),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert teardown.returncode == 0, teardown.stdout + teardown.stderr
    iam = server.client("iam")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="AWSServiceRoleForMediaTailor")
