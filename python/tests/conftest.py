"""The package's own tests run against the installed wheel (``tests/python/run.sh``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict

import pytest

pytest_plugins = ["pytester"]

#: The repository's root (the example clients live in examples/clients).
ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "examples" / "clients"


@pytest.fixture
def python_env() -> Dict[str, str]:
    """The environment for a Python client run as a program: this interpreter's, polls at once."""
    env = dict(os.environ)
    env["TEARDOWN_POLL_SECONDS"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def python() -> str:
    """This interpreter (the test environment's, which has boto3)."""
    return sys.executable
