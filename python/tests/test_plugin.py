"""The pytest plugin: the slrsim_server fixture's lifecycle, its environment, parallel tests, the
report of a failed test."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import slrsim
from slrsim.pytest_plugin import ServerFactory

ROLE = "AWSServiceRoleForMediaTailor"


def test_the_fixture_is_a_started_server_with_the_aws_environment(
    slrsim_server: slrsim.Server,
) -> None:
    assert slrsim_server.running
    assert os.environ["AWS_ENDPOINT_URL"] == slrsim_server.endpoint_url
    assert os.environ["AWS_ACCESS_KEY_ID"] == slrsim_server.access_key_id
    assert os.environ["AWS_SECRET_ACCESS_KEY"] == slrsim_server.secret_access_key
    assert os.environ["AWS_DEFAULT_REGION"] == os.environ["AWS_REGION"] == "us-east-1"
    assert os.environ["SLRSIM_TOKEN"] == slrsim_server.token
    assert "AWS_PROFILE" not in os.environ and "AWS_SESSION_TOKEN" not in os.environ
    # A plain boto3 client finds it through the environment.
    import boto3

    me = boto3.client("sts").get_caller_identity()
    assert me["Account"] == "111122223333"
    with pytest.raises(boto3.client("iam").exceptions.NoSuchEntityException):
        boto3.client("iam").get_role(RoleName=ROLE)


@pytest.mark.slrsim(clock="requests:10")
def test_the_marker_passes_server_options(slrsim_server: slrsim.Server) -> None:
    assert slrsim_server.status()["SecondsPerRequest"] == 10


def test_the_factory_starts_more_servers(slrsim_server_factory: ServerFactory) -> None:
    a = slrsim_server_factory(viewers=6)
    b = slrsim_server_factory()
    assert a.endpoint_url != b.endpoint_url
    assert [r["action"]["op"] for r in a.log()["Records"]][-1] == "SetViewers"


LIFECYCLE = """
import json, os
from pathlib import Path

seen = Path(os.environ["SEEN"])

def test_first(slrsim_server):
    seen.joinpath("first").write_text(json.dumps([str(slrsim_server.db_path), slrsim_server.endpoint_url]))
    slrsim_server.advance(10)

def test_second(slrsim_server):
    seen.joinpath("second").write_text(json.dumps([str(slrsim_server.db_path), slrsim_server.endpoint_url]))
    # A fresh server: the first test's advance is not in its history.
    assert slrsim_server.status()["NextSeq"] == 1

def test_third():
    # The environment the fixture set is undone after each test.
    assert "AWS_ENDPOINT_URL" not in os.environ
    assert os.environ["AWS_PROFILE"] == "outer"
"""


def test_each_test_gets_a_fresh_server_removed_after_it_passes(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEN", str(tmp_path))
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_PROFILE", "outer")
    pytester.makepyfile(test_lifecycle=LIFECYCLE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=3)
    import json

    first = json.loads((tmp_path / "first").read_text())
    second = json.loads((tmp_path / "second").read_text())
    assert first[0] != second[0]
    assert first[1] != second[1]
    assert not Path(first[0]).exists() and not Path(second[0]).exists()
    # Each database folder (pytest's temporary folder for it) is gone with its server.
    assert not Path(first[0]).parent.exists()


def test_a_wider_scope_shares_one_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_shared="""
def test_one(slrsim_server):
    slrsim_server.advance(10)

def test_two(slrsim_server):
    assert slrsim_server.status()["NextSeq"] == 2
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--slrsim-scope=module")
    result.assert_outcomes(passed=2)
    pytester.makeini("[pytest]\nslrsim_scope = session\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


PARALLEL = """
import os, time

def check(slrsim_server, n):
    # Each test, in whichever worker, has its own server and database.
    assert slrsim_server.status()["NextSeq"] == 1
    for _ in range(n):
        slrsim_server.advance(1)
    assert slrsim_server.status()["NextSeq"] == 1 + n
    assert os.environ["AWS_ENDPOINT_URL"] == slrsim_server.endpoint_url
    print("WORKER", os.environ.get("PYTEST_XDIST_WORKER"), slrsim_server.endpoint_url)

def test_a(slrsim_server): check(slrsim_server, 3)
def test_b(slrsim_server): check(slrsim_server, 5)
def test_c(slrsim_server): check(slrsim_server, 2)
def test_d(slrsim_server): check(slrsim_server, 4)
"""


def test_parallel_tests_each_have_their_own_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_parallel=PARALLEL)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", "-rP")
    result.assert_outcomes(passed=4)
    text = result.stdout.str()
    workers = set(re.findall(r"WORKER (gw\d+)", text))
    endpoints = re.findall(r"WORKER gw\d+ (http://\S+)", text)
    assert workers == {"gw0", "gw1"}
    assert len(set(endpoints)) == 4


FAILING = """
import boto3

def test_teardown_leaves_the_role(slrsim_server):
    mediatailor = boto3.client("mediatailor")
    mediatailor.put_playback_configuration(Name="live", VideoContentSourceUrl="https://origin.example.com/")
    mediatailor.configure_logs_for_playback_configuration(PlaybackConfigurationName="live", PercentEnabled=100)
    boto3.client("iam").delete_service_linked_role(RoleName="AWSServiceRoleForMediaTailor")
    slrsim_server.advance(60)
    boto3.client("iam").get_role(RoleName="AWSServiceRoleForMediaTailor")
    assert False, "the role is still there"
"""


def test_a_failed_test_reports_its_timeline_and_keeps_its_database(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_failing=FAILING)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "slrsim timeline" in text
    # Each record of the test, in order, with its outcome.
    ops = [
        "Genesis",
        "PutPlaybackConfiguration",
        "ConfigureLogsForPlaybackConfiguration",
        "DeleteServiceLinkedRole",
        "AdvanceClock",
        "GetRole",
    ]
    positions = [text.find(f"  {op}  ") for op in ops]
    assert all(p >= 0 for p in positions), text
    assert positions == sorted(positions)
    assert "RoleCreated" in text
    kept = re.search(r"the database is kept in (\S+)", text)
    assert kept, text
    db = Path(kept.group(1))
    assert db.is_dir()
    # It can be time-travelled: the command line reads it, deletion FAILED included.
    binary = slrsim.find_binary()
    log = subprocess.run([binary, "--db", str(db), "log"], capture_output=True, text=True, check=True)
    assert "deletion FAILED" in log.stdout
    assert "DeleteServiceLinkedRole" in log.stdout
    # The timeline in the report names the task and how it ended.
    assert re.search(r"DeleteServiceLinkedRole  ok: DeletionTaskCreated \[task …[0-9a-f]{8}\]", text)
    assert "deletion FAILED (task …" in text
    # The command line's timeline was written beside it when the server stopped.
    assert (db.parent / "timeline.txt").read_text() == log.stdout


def test_a_failed_test_in_a_worker_reports_its_timeline_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_failing=FAILING)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "slrsim timeline" in text and "the database is kept in" in text
