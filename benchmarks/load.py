"""Load from a second process: wrk (Debian's package), driven by benchmarks/wrk_rotate.lua.

Each phase is bounded twice — by time (wrk -d) and by a number of answers (the script stops
each thread after its share) — and rotates request bodies so no article repeats in a phase.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LUA = Path(__file__).with_name("wrk_rotate.lua")


@dataclass(frozen=True)
class Phase:
    """One wrk run against one endpoint."""

    url: str
    connections: int
    duration_s: float
    max_requests: int
    offset: int = 0
    check_attempts: bool = False
    # wrk threads; one when every body must be sent (a thread that reaches its share ends the
    # run, and the others may stop a few short of theirs)
    threads: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "threads", max(1, min(self.threads, self.connections)))


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise FileNotFoundError(
            "wrk is not installed: `apt-get install -y wrk` (Debian), or `make bench` as root"
        )
    return path


def command(phase: Phase, bodies: Path) -> list[str]:
    seconds = max(1, round(phase.duration_s))
    return [
        wrk_binary(), "-t", str(phase.threads), "-c", str(phase.connections),
        "-d", f"{seconds}s", "--timeout", "30s", "-s", str(LUA), phase.url,
        "--", str(bodies), str(phase.offset), str(phase.max_requests), str(phase.threads),
        "1" if phase.check_attempts else "0",
    ]  # fmt: skip


def run_phase(phase: Phase, bodies: Path) -> dict[str, Any]:
    """Run wrk once; its counts and latency percentiles, with requests/s and ms added."""
    done = subprocess.run(
        command(phase, bodies),
        capture_output=True,
        text=True,
        timeout=phase.duration_s + 60,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    result: dict[str, Any] = json.loads(line.removeprefix("WRK_JSON "))
    seconds = result["duration_us"] / 1e6
    result["requests_per_s"] = result["requests"] / seconds if seconds else 0.0
    result["latency_ms"] = {k: v / 1000 for k, v in result.pop("latency_us").items()}
    result["connections"] = phase.connections
    result["answered_200"] = result["received"] - result["non200"]
    return result
