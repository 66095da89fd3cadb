"""A/B over real HTTP: several servers at once against one stub, wrk phases alternating.

The HTTP benchmark (scripts/bench_http.py) measures each app in its own phase, minutes
apart; on a shared machine whose speed drifts that much, a 5 % change does not show. Here
every app runs at once (idle but for its own phase) and the phases alternate round after
round, so each round compares the apps within seconds; the order of the phases turns by
one every round, so no app always goes first. Per phase: requests/s and the CPU time the
app's process spent per answer (/proc). Each app is then compared with the bare forwarder
(or, without one, the first app) round by round: the geometric mean of the per-round
ratios, with a 95 % bootstrap interval over the rounds, and how many rounds it won.
Loopback only; every phase is bounded in time and requests.

An app is NAME=WHAT[:VAR=VALUE,...], WHAT being:
- a `stancewire` executable (`stancewire serve`, the benchmark's settings, cross-check off
  unless a STANCEWIRE_ variable says otherwise); PYTHONPATH=/other/checkout runs another
  commit's code with the same environment (the checkout first on the path);
- `litellm`: the bare litellm forwarder of the HTTP benchmark.

    .venv/bin/python scripts/bench_ab.py head=.venv/bin/stancewire \\
        no_gc=.venv/bin/stancewire:STANCEWIRE_GC_THRESHOLD=0 litellm=litellm --rounds 6

Needs wrk (Debian: `apt-get install -y wrk`) and the shared data (--data or
STANCEWIRE_BENCH_DATA).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import load, servers  # noqa: E402
from benchmarks.apps import (  # noqa: E402
    ANALYZE_PATH,
    FORWARD_PATH,
    MODEL,
    as_environment,
    stancewire_settings,
)
from benchmarks.articles import data_dir, load_articles, write_bodies  # noqa: E402

FORWARDER = "litellm"
PHASE_REQUESTS = 1500  # per phase, besides its time bound
WARM_REQUESTS = 60
RESAMPLES = 10_000  # of the rounds, for the interval of a ratio


@dataclass
class App:
    server: servers.Server
    path: str
    phases: list[tuple[float, float]] = field(default_factory=list)  # (req/s, CPU ms)

    @property
    def name(self) -> str:
        return self.server.name


def _command(what: str, port: int) -> tuple[list[str], str]:
    if what == FORWARDER:
        return servers.uvicorn_command("benchmarks.apps:litellm_forwarder", port), FORWARD_PATH
    executable = str(Path(what).resolve())  # it starts in the log folder (no .env there)
    return [executable, "serve", "--host", servers.HOST, "--port", str(port)], ANALYZE_PATH


def start(spec: str, upstream: str, log_dir: Path) -> App:
    name, rest = spec.split("=", 1)
    what, _, extra = rest.partition(":")
    settings = as_environment(stancewire_settings(upstream, {"cross_check": False}))
    env = servers.bench_env(settings | {"BENCH_MODEL": MODEL, "BENCH_UPSTREAM": upstream})
    env |= dict(pair.split("=", 1) for pair in extra.split(",") if pair)
    port = servers.free_port()
    command, path = _command(what, port)
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT if what == FORWARDER else log_dir, env=env,
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    return App(servers.Server(name, servers.Launch(what, env), port, process, log), path)


def phase(app: App, bodies: Path, connections: int, seconds: float, offset: int) -> None:
    before = app.server.cpu_seconds()
    result = load.run_phase(
        load.Phase(app.server.url + app.path, connections, seconds, PHASE_REQUESTS, offset), bodies
    )
    if result["non200"]:
        raise RuntimeError(f"{app.name}: {result['non200']} answers were not 200")
    cpu_ms = ((app.server.cpu_seconds() or 0.0) - (before or 0.0)) * 1000 / result["requests"]
    app.phases.append((result["requests_per_s"], cpu_ms))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apps", nargs="+", help="NAME=WHAT[:VAR=VALUE,...]")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=8.0, help="per phase")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    articles, source = load_articles(data_dir(args.data))
    bodies = write_bodies(articles, log_dir / "bodies.jsonl")
    print(source, flush=True)
    with servers.running({"stub": servers.Launch("benchmarks.stub:app_from_env")}, log_dir) as s:
        upstream = f"{s['stub'].url}/v1"
        apps = [start(spec, upstream, log_dir) for spec in args.apps]
        try:
            for app in apps:
                servers.wait_ready(app.server)
                warm = load.Phase(
                    app.server.url + app.path, 4, 30, WARM_REQUESTS, len(articles) - 100
                )
                load.run_phase(warm, bodies)
            for number in range(args.rounds):
                offset = (number * PHASE_REQUESTS) % len(articles)
                turn = number % len(apps)
                for app in apps[turn:] + apps[:turn]:
                    phase(app, bodies, args.connections, args.seconds, offset)
                line = ", ".join(
                    f"{a.name} {a.phases[-1][0]:.0f} req/s {a.phases[-1][1]:.2f} ms" for a in apps
                )
                print(f"round {number + 1}: {line}", flush=True)
        finally:
            for app in apps:
                servers.stop(app.server)
    for app in apps:
        rates, cpu = zip(*app.phases, strict=True)
        print(
            f"{app.name}: median {statistics.median(rates):.0f} req/s, "
            f"{statistics.median(cpu):.2f} CPU ms per answer"
        )
    base = next((a for a in apps if a.server.launch.target == FORWARDER), apps[0])
    for app in apps:
        if app is not base:
            print(paired(app, base))


def paired(app: App, base: App) -> str:
    """`app` against `base`, round by round: requests/s ratio and CPU ratio (base / app,
    so above 1 is better for `app` in both)."""
    rounds = list(zip(app.phases, base.phases, strict=True))
    rate = [mine[0] / theirs[0] for mine, theirs in rounds]
    cpu = [theirs[1] / mine[1] for mine, theirs in rounds]
    return f"{app.name} / {base.name}: requests/s {_ratio(rate)}; CPU per answer {_ratio(cpu)}"


def _ratio(ratios: list[float]) -> str:
    low, high = _interval(ratios)
    won = sum(r >= 1.0 for r in ratios)
    mean = statistics.geometric_mean(ratios)
    return f"{mean:.3f}x (95 % {low:.3f}-{high:.3f}), at least 1.0 in {won} of {len(ratios)}"


def _interval(ratios: list[float]) -> tuple[float, float]:
    """The percentile bootstrap of the geometric mean: the rounds resampled with a fixed
    seed, so the same phases give the same interval."""
    draw = random.Random(0)
    means = sorted(
        statistics.geometric_mean(draw.choices(ratios, k=len(ratios))) for _ in range(RESAMPLES)
    )
    return means[int(0.025 * RESAMPLES)], means[int(0.975 * RESAMPLES) - 1]


if __name__ == "__main__":
    main()
