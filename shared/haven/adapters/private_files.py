"""Files that hold people's data on the local machine (outbox, event log, snapshots): 0600.

They are created readable by their owner only, and an existing one that is not is narrowed on
open, whatever the process's umask.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Literal

PRIVATE = 0o600


def open_private(path: Path, mode: Literal["a", "w"]) -> IO[str]:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    descriptor = os.open(path, flags, PRIVATE)
    os.fchmod(descriptor, PRIVATE)
    return os.fdopen(descriptor, mode, encoding="utf-8")
