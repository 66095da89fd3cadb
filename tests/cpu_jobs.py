"""Jobs for the process-pool tests: importable by a worker process (module level)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def pid() -> int:
    return os.getpid()


def sleep_and_note(seconds: float, note: str) -> int:
    Path(note).write_text(str(os.getpid()))
    time.sleep(seconds)
    return os.getpid()
