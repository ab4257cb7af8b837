"""slrsim.Server: its lifecycle, the control and time-travel calls, the adversity settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import slrsim

ROLE = "AWSServiceRoleForMediaTailor"


def test_a_server_starts_in_a_fresh_database_and_stops_cleanly() -> None:
    server = slrsim.Server()
    server.start()
    try:
        assert server.running
        assert server.endpoint_url.startswith("http://127.0.0.1:")
        assert not server.endpoint_url.endswith(":0")
        assert server.access_key_id.startswith("AKIA")
        assert server.secret_access_key and server.token
        assert server.region == "us-east-1"
        status = server.status()
        assert status["Clock"] == "manual"
        db = server.db_path
        assert db.is_dir()
    finally:
        server.stop()
    assert not server.running
    assert server.returncode == 0, server.stderr()
    # The temporary database is gone with the server.
    assert not db.exists()
    server.stop()  # a second stop does nothing


def test_a_given_database_is_kept_and_read_by_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "mine.db"
    with slrsim.Server(db) as server:
        server.advance(60)
    assert db.is_dir()
    log = subprocess.run(
        [slrsim.find_binary(), "--db", str(db), "log"], capture_output=True, text=True, check=True
    ).stdout
    assert "AdvanceClock" in log
    # A second server on the same database continues its history.
    with slrsim.Server(db) as again:
        assert again.status()["NextSeq"] >= 2


def test_keep_db_keeps_a_temporary_database() -> None:
    with slrsim.Server() as server:
        server.keep_db = True
        db = server.db_path
    try:
        assert db.is_dir()
    finally:
        import shutil

        shutil.rmtree(db.parent)


def test_two_servers_are_independent() -> None:
    with slrsim.Server() as a, slrsim.Server() as b:
        assert a.endpoint_url != b.endpoint_url
        assert a.token != b.token
        a.advance(30)
        assert a.status()["NextSeq"] == b.status()["NextSeq"] + 1


def test_a_server_that_cannot_start_raises_with_its_standard_error() -> None:
    with pytest.raises(slrsim.SlrsimError) as raised:
        slrsim.Server(consistency=100000).start()
    assert raised.value.stderr is not None
    assert "--consistency" in raised.value.stderr
    assert "--consistency" in str(raised.value)


def test_the_wheel_put_the_program_beside_the_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLRSIM_BIN", raising=False)
    found = Path(slrsim.find_binary())
    assert found.parent == Path(sysconfig.get_path("scripts"))
    version = subprocess.run([str(found), "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == f"slrsim {slrsim.__version__}"


def test_the_package_imports_only_the_standard_library() -> None:
    program = (
        "import sys, slrsim, slrsim.pytest_plugin\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 was imported'\n"
    )
    subprocess.run([sys.executable, "-c", program], check=True)


def test_slrsim_bin_names_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    found = slrsim.find_binary()
    assert os.access(found, os.X_OK)
    monkeypatch.setenv("SLRSIM_BIN", "/nonexistent/slrsim")
    with pytest.raises(slrsim.SlrsimError, match="SLRSIM_BIN"):
        slrsim.find_binary()
    monkeypatch.setenv("SLRSIM_BIN", found)
    assert slrsim.find_binary() == found


def test_serve_flags_reach_the_server() -> None:
    with slrsim.Server(clock="requests:10", seed=7, no_sync=True) as server:
        status = server.status()
        assert status["Clock"] == "requests"
        assert status["SecondsPerRequest"] == 10
    with slrsim.Server(consistency=5, throttle=(0.5, 2), viewers=6) as server:
        ops = [r["action"]["op"] for r in server.log()["Records"]]
        assert ops[1:] == ["SetConsistency", "SetThrottling", "SetViewers"]


def test_time_travel_calls() -> None:
    with slrsim.Server() as server:
        iam = server.client("iam")
        mediatailor = server.client("mediatailor")
        mediatailor.put_playback_configuration(
            Name="live", VideoContentSourceUrl="https://origin.example.com/live"
        )
        mediatailor.configure_logs_for_playback_configuration(
            PlaybackConfigurationName="live", PercentEnabled=100
        )
        sessions = server.serve_sessions("live", 5, log_mode="DEBUG")
        assert sessions["Response"]
        task = iam.delete_service_linked_role(RoleName=ROLE)["DeletionTaskId"]
        before = server.status()["Seq"]
        advanced = server.advance(60)
        assert advanced["Time"] and advanced["Seq"] == before + 1
        status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
        assert status["Status"] == "FAILED"
        why = server.explain(task[-8:])
        assert "live" in json.dumps(why)
        # The state now has the role; the state after record 1 (the configuration) has none.
        assert ROLE in server.state()["accounts"]["111122223333"]["roles"]
        assert ROLE not in server.state(at=1)["accounts"]["111122223333"].get("roles", {})
        log = server.log(from_=1, to=2)
        assert [r["seq"] for r in log["Records"]] == [1, 2]
        assert "ConfigureLogsForPlaybackConfiguration" in server.timeline()
        with pytest.raises(slrsim.SlrsimError) as raised:
            server.state(at=10_000)
        assert raised.value.status == 404


def test_the_other_time_travel_calls_while_serving(tmp_path: Path) -> None:
    with slrsim.Server() as server:
        mediatailor = server.client("mediatailor")
        mediatailor.put_playback_configuration(
            Name="live", VideoContentSourceUrl="https://origin.example.com/live"
        )
        mediatailor.configure_logs_for_playback_configuration(
            PlaybackConfigurationName="live", PercentEnabled=100
        )
        last = server.status()["Seq"]
        role = server.get("role")
        assert role["role_name"] == ROLE, role
        config = server.get("config", region="us-east-1", name="live")
        assert config["log_configuration"]["percent_enabled"] == 100, config
        with pytest.raises(slrsim.SlrsimError) as missing:
            server.get("role", at=1)
        assert missing.value.status == 404
        changes = server.diff(1, last)
        assert any(ROLE in c["path"] for c in changes), changes
        assert server.bisect()["Broken"] is None
        assert server.verify()
        only = server.log(op="ConfigureLogsForPlaybackConfiguration")["Records"]
        assert [r["action"]["op"] for r in only] == ["ConfigureLogsForPlaybackConfiguration"]
        assert server.state(time="2026-01-01T00:00:00Z")["accounts"]
        fork = server.fork(1, str(tmp_path / "what-if.db"))
        assert fork["At"] == 1, fork
        assert server.diff(1, 1, other_db=str(tmp_path / "what-if.db")) == []


def test_control_errors_carry_slrsims_message_and_status() -> None:
    with slrsim.Server() as server:
        with pytest.raises(slrsim.SlrsimError) as raised:
            server.explain("nosuchtask")
        assert raised.value.status == 404
        assert raised.value.message
        with pytest.raises(slrsim.SlrsimError) as raised:
            server.set_viewers(-1)
        assert raised.value.status == 400
        assert raised.value.message in str(raised.value)


def test_adversity_settings(tmp_path: Path) -> None:
    with slrsim.Server() as server:
        consistency = server.set_consistency(5)
        throttling = server.set_throttling(True, rate_per_second=0.5, burst=2)
        viewers = server.set_viewers(60)
        history = server.set_account_history(True)
        for answer in (consistency, throttling, viewers, history):
            assert "Seq" in answer and "Response" in answer
        ops = [r["action"]["op"] for r in server.log(from_=1)["Records"]]
        assert ops == ["SetConsistency", "SetThrottling", "SetViewers", "SetAccountHistory"]
        # Throttled: a burst of 2 then the third ListRoles is refused; boto3 would retry, so no
        # retries here.
        from botocore.config import Config

        iam = server.boto3_session().client(
            "iam",
            endpoint_url=server.endpoint_url,
            config=Config(retries={"total_max_attempts": 1}),
        )
        iam.list_roles()
        iam.list_roles()
        with pytest.raises(iam.exceptions.ClientError) as raised:
            iam.list_roles()
        assert raised.value.response["Error"]["Code"] == "Throttling"
        assert server.set_throttling(False)["Response"] is not None


def test_faults_are_a_control_call_and_a_flag() -> None:
    with slrsim.Server() as server:
        answer = server.set_faults(InternalErrors=[{"Operation": "GetRole", "Count": 1}])
        assert "Seq" in answer
        assert server.log()["Records"][-1]["action"]["op"] == "SetFaults"
        iam = server.client("iam")
        # The fault strikes the next GetRole: botocore retries the 500, and the retry answers.
        with pytest.raises(iam.exceptions.NoSuchEntityException):
            iam.get_role(RoleName="AWSServiceRoleForMediaTailor")
        ops = [r["action"]["op"] for r in server.log()["Records"]]
        assert ops.count("GetRole") == 2, ops
        assert "Seq" in server.set_faults()  # {} turns them off
        with pytest.raises(slrsim.SlrsimError) as refused:
            server.set_faults(PageSize=0)
        assert "PageSize" in refused.value.message
    with slrsim.Server(faults={"InternalErrors": [{"Operation": "GetRole", "Count": 1}]}) as server:
        assert [r["action"]["op"] for r in server.log()["Records"]][-1] == "SetFaults"
