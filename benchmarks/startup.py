"""CLI start-up: `stancewire analyze` on the built-in engine, from process start to exit.

hyperfine (Debian's package) times the whole command over repeated runs, without a shell
in between; where it is missing the runs are timed here, one after another. `make bench`
runs it with the rest; alone: `.venv/bin/python -m benchmarks.startup --runs 10`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.articles import ROOT
from benchmarks.servers import bench_env

SEED = ROOT / "api" / "static" / "examples" / "seed_article.txt"


def cli_command() -> list[str]:
    return [str(Path(sys.executable).with_name("stancewire")), "analyze", str(SEED)]


def _stats(times: list[float], tool: str) -> dict[str, Any]:
    return {
        "tool": tool,
        "command": "stancewire analyze api/static/examples/seed_article.txt",
        "runs": len(times),
        "mean_s": statistics.fmean(times),
        "median_s": statistics.median(times),
        "stdev_s": statistics.stdev(times) if len(times) > 1 else 0.0,
        "min_s": min(times),
        "max_s": max(times),
    }


def _with_hyperfine(hyperfine: str, runs: int, workdir: Path) -> list[float]:
    export = workdir / "hyperfine.json"
    command = " ".join(cli_command())
    subprocess.run(
        [hyperfine, "--warmup", "1", "--runs", str(runs), "-N", "--style", "none",
         "--export-json", str(export), command],
        cwd=workdir, env=bench_env({}), check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    times: list[float] = json.loads(export.read_text())["results"][0]["times"]
    return times


def _by_hand(runs: int, workdir: Path) -> list[float]:
    times = []
    for _ in range(runs + 1):  # the first run only warms the file cache
        started = time.perf_counter()
        subprocess.run(
            cli_command(), cwd=workdir, env=bench_env({}), check=True,
            stdout=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    return times[1:]


def measure_cli(runs: int) -> dict[str, Any]:
    """Run in an empty directory (no .env) with no STANCEWIRE_ settings: the built-in engine."""
    with tempfile.TemporaryDirectory(prefix="stancewire-cli-") as tmp:
        hyperfine = shutil.which("hyperfine")
        if hyperfine:
            return _stats(_with_hyperfine(hyperfine, runs, Path(tmp)), "hyperfine")
        return _stats(_by_hand(runs, Path(tmp)), "subprocess timing")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time `stancewire analyze` alone (CLI start-up).")
    parser.add_argument("--runs", type=int, default=10, help="Timed runs (after one warm-up).")
    print(json.dumps(measure_cli(parser.parse_args().runs), indent=2))


if __name__ == "__main__":
    main()
