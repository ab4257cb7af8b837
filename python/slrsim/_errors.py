"""The exceptions the package raises."""

from __future__ import annotations

from typing import Any, Optional


class SlrsimError(Exception):
    """slrsim refused a call, or a server could not be started or reached.

    ``message`` is slrsim's own message; ``status`` the HTTP status of the control API's answer
    (``None`` when the error did not come from an answer, for example a server that did not start);
    ``code`` the error code slrsim gave, when it gave one; ``body`` the decoded answer, when there
    was one; ``stderr`` the server's standard error, for a server that failed to start.
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        code: Optional[str] = None,
        body: Any = None,
        stderr: Optional[str] = None,
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.body = body
        self.stderr = stderr
        text = message
        if status is not None:
            text = f"{message} (HTTP {status}{', ' + code if code else ''})"
        if stderr:
            text = f"{text}\nslrsim's standard error:\n{stderr.rstrip()}"
        super().__init__(text)
