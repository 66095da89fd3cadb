"""stancewire's overhead over real HTTP, side by side with a plain httpx forwarder and a bare
litellm forwarder, plus input tokens and cost per article and CLI start-up (DESIGN §8).

    python scripts/bench_http.py                 # full run (~5 min): benchmarks/RESULTS.md
    python scripts/bench_http.py --smoke --out /tmp/bench   # a few seconds of load, CI check

Needs wrk (Debian: `apt-get install -y wrk`; `make bench` installs it as root) and, for the
CLI timing, hyperfine (else the runs are timed here). Loopback only; every phase is bounded
in requests and time. Exits 1 when any answer was not a 200 or any repair happened.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import CROSS_CHECK_SETTING, Config, run, smoke_config  # noqa: E402
from benchmarks.summary import passed  # noqa: E402


def parse(argv: list[str] | None = None) -> Config:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--out", type=Path, help="where RESULTS.md goes (default: benchmarks/; smoke: a temp dir)"
    )
    p.add_argument("--data", type=Path, help="shared data folder (default: next to the checkout)")
    p.add_argument("--smoke", action="store_true", help="CI check: 50 requests per endpoint")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per 16-connection phase")
    p.add_argument("--requests", type=int, default=5000, help="cap per 16-connection phase")
    p.add_argument("--single-duration", type=float, default=6.0, help="seconds, 1 connection")
    p.add_argument("--single-requests", type=int, default=300, help="cap, 1 connection")
    p.add_argument("--cli-runs", type=int, default=5)
    p.add_argument("--max-articles", type=int, help="use only the first N articles")
    p.add_argument("--cross-check-setting", default=CROSS_CHECK_SETTING)
    p.add_argument("--keep-logs", action="store_true", help="keep server logs and requests")
    p.add_argument(
        "--stancewire-server",
        choices=["serve", "uvicorn"],
        default="serve",
        help="serve: `stancewire serve`, as shipped (default); uvicorn: the app under the\n"
        "forwarders' plain uvicorn command (isolates the server stack's share)",
    )
    p.add_argument("--label", default="", help='what this run is, e.g. "after: lean litellm"')
    a = p.parse_args(argv)
    if a.smoke:
        return smoke_config(a.out or Path(tempfile.mkdtemp(prefix="bench-smoke-")))
    return Config(
        out_dir=a.out or ROOT / "benchmarks", data=a.data, rounds=a.rounds,
        connections=a.connections,
        duration_s=a.duration, max_requests=a.requests, c1_duration_s=a.single_duration,
        c1_max_requests=a.single_requests, cli_runs=a.cli_runs, max_articles=a.max_articles,
        cross_check_setting=a.cross_check_setting, keep_logs=a.keep_logs, label=a.label,
        stancewire_server=a.stancewire_server,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    # A SIGTERM (a time-out, CI) unwinds like Ctrl+C, so every server started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    cfg = parse(argv)
    results = run(cfg)
    print((cfg.out_dir / "RESULTS.md").read_text())
    print(f"results: {cfg.out_dir / 'RESULTS.md'} and results.json beside it", file=sys.stderr)
    ok = passed(results)
    if not ok:
        print("FAILED: some answers were not 200, or stancewire repaired answers.", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
