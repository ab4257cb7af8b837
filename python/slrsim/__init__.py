"""slrsim for Python: the simulator of AWS's MediaTailor service-linked role, where tests are.

- :class:`Server` starts ``slrsim serve`` on a free loopback port in a fresh database, exposes the
  credentials boto3 and the AWS CLI need, and makes the control and time-travel calls
  (``advance``, ``serve_sessions``, ``log``, ``state``, ``explain``, the adversity settings).
- :func:`fuzz` runs ``slrsim fuzz`` on your automation and raises :class:`FuzzFailure` with the
  smallest world that breaks it.
- The pytest plugin (``slrsim.pytest_plugin``, registered by installing the package) gives the
  ``slrsim_server`` fixture.

The ``slrsim`` program itself is installed by the wheel; :func:`find_binary` finds it.
"""

from __future__ import annotations

from ._binary import find_binary
from ._errors import SlrsimError
from ._fuzz import FuzzFailure, FuzzReport, fuzz, parse_report
from ._server import Server, format_record

__all__ = [
    "FuzzFailure",
    "FuzzReport",
    "Server",
    "SlrsimError",
    "__version__",
    "find_binary",
    "format_record",
    "fuzz",
    "parse_report",
]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("slrsim")
    except Exception:  # not installed (run from a checkout)
        return "0+unknown"


__version__: str = _version()
"""The installed package's version (the crate's)."""
