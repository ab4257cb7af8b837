"""Finding the ``slrsim`` program."""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
from pathlib import Path

from ._errors import SlrsimError

_NAME = "slrsim.exe" if sys.platform == "win32" else "slrsim"


def find_binary() -> str:
    """The path of the ``slrsim`` program this package runs.

    In order: the ``SLRSIM_BIN`` environment variable; the program the wheel installed into this
    Python environment's scripts folder (``sysconfig``'s ``scripts`` path, also when the environment
    is not activated); the folder beside the running interpreter; then ``slrsim`` on ``PATH``.
    Raises :class:`SlrsimError` when none is found.
    """
    given = os.environ.get("SLRSIM_BIN")
    if given:
        if not os.access(given, os.X_OK):
            raise SlrsimError(f"SLRSIM_BIN={given} is not an executable file")
        return given
    places = [sysconfig.get_path("scripts"), str(Path(sys.executable).parent)]
    user = sysconfig.get_path("scripts", f"{os.name}_user")
    if user:
        places.append(user)
    for place in places:
        if place:
            candidate = Path(place) / _NAME
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    found = shutil.which(_NAME)
    if found:
        return found
    raise SlrsimError(
        "the slrsim program was not found: install the slrsim wheel into this environment, "
        "put slrsim on PATH, or set SLRSIM_BIN to its path"
    )
