"""The HTTP benchmark, start to end: servers, load phases, checks, tokens, CLI, results.

Round 1 first sends every article once through a separate stancewire process while the
stub records the requests (token count; every answer must be a 200 with no re-ask). Each
round then starts fresh processes (caches cold), warms each endpoint on articles kept aside,
and measures every endpoint at 16 connections (requests/s, p50, p99) and at 1 connection
(the per-request overhead), each phase on articles no earlier phase of the process sent.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks import load, machine, servers, summary, tokens
from benchmarks.apps import (
    ANALYZE_PATH,
    FORWARD_PATH,
    MODEL,
    as_environment,
    stancewire_settings,
)
from benchmarks.articles import data_dir, load_articles, write_bodies
from benchmarks.startup import measure_cli

log = logging.getLogger("benchmarks")
STUB = "benchmarks.stub:app_from_env"
STANCEWIRE = "benchmarks.apps:stancewire"
CROSS_CHECK_SETTING = "cross_check"  # the Settings field that switches it (api/config.py)


@dataclass
class Config:
    out_dir: Path
    data: Path | None = None
    rounds: int = 2
    connections: int = 16
    duration_s: float = 10.0
    max_requests: int = 5000
    c1_duration_s: float = 6.0
    c1_max_requests: int = 300
    warmup: int = 20
    cli_runs: int = 5
    max_articles: int | None = None
    cross_check_setting: str = CROSS_CHECK_SETTING
    # "serve": `stancewire serve`, as shipped; "uvicorn": its app under the forwarders' uvicorn
    stancewire_server: str = "serve"
    smoke: bool = False  # the golden cases' articles, no CLI timing: a CI check, not numbers
    label: str = ""  # what this run is, e.g. "before: the baseline for issue 18"
    keep_logs: bool = False  # server logs and recorded requests (kept anyway when a run fails)
    log_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="bench-http-")))


def smoke_config(out_dir: Path) -> Config:
    """A few seconds of load: 50 requests per endpoint, 10 at one connection, one round."""
    return Config(
        out_dir=out_dir, smoke=True, rounds=1, connections=4, duration_s=20.0,
        max_requests=50, c1_duration_s=10.0, c1_max_requests=10, warmup=2, cli_runs=0,
    )  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    factory: str
    path: str
    settings: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # for a forwarder's process

    @property
    def is_stancewire(self) -> bool:
        return self.path == ANALYZE_PATH


def check_settings(names: list[str]) -> None:
    """Every setting the benchmark configures must be a Settings field: pydantic-settings
    ignores unknown STANCEWIRE_ variables, so a misspelt one would silently measure the
    default (a "cross-check off" phase once ran with the cross-check on)."""
    from api.config import Settings

    unknown = sorted(set(names) - set(Settings.model_fields))
    if unknown:
        raise ValueError(f"not stancewire Settings fields: {', '.join(unknown)}")


def endpoints(cfg: Config) -> tuple[list[Endpoint], Endpoint]:
    """The apps to compare (stancewire with the cross-check off, and on) and the stancewire
    for the pass over every article."""
    name = cfg.cross_check_setting
    server = servers.SERVE if cfg.stancewire_server == "serve" else STANCEWIRE
    off, on = {name: False}, {name: True}
    chosen = [
        Endpoint("httpx", "plain httpx forwarder", "benchmarks.apps:httpx_forwarder", FORWARD_PATH),
        Endpoint(
            "litellm", "bare litellm forwarder", "benchmarks.apps:litellm_forwarder", FORWARD_PATH
        ),
        Endpoint(
            "litellm_httpx",
            "bare litellm forwarder, httpx transport",
            "benchmarks.apps:litellm_forwarder",
            FORWARD_PATH,
            env={"BENCH_LITELLM_HTTPX": "1"},
        ),
        Endpoint("stancewire", "stancewire, cross-check off", server, ANALYZE_PATH, off),
        Endpoint("stancewire_xc", "stancewire, cross-check on", server, ANALYZE_PATH, on),
    ]
    capture = Endpoint("capture", "stancewire (every article once)", server, ANALYZE_PATH, off)
    for endpoint in [*chosen, capture]:
        if endpoint.is_stancewire:
            check_settings(list(stancewire_settings("http://stub", endpoint.settings)))
    return chosen, capture


def _stub_stats(stub: servers.Server) -> dict[str, int]:
    stats: dict[str, int] = httpx.get(f"{stub.url}/_bench/stats", timeout=10).json()
    return stats


def _per_request(start: float | None, end: float | None, requests: int) -> float | None:
    if start is None or end is None or not requests:
        return None
    return (end - start) * 1000 / requests


def measured(
    stub: servers.Server, app: servers.Server, phase: load.Phase, bodies: Path
) -> dict[str, Any]:
    """One wrk phase, with what the stub saw meanwhile (its requests and re-asks) and the CPU
    time the app and the stub spent per answer."""
    before, cpu_before = _stub_stats(stub), (app.cpu_seconds(), stub.cpu_seconds())
    result = load.run_phase(phase, bodies)
    after, cpu_after = _stub_stats(stub), (app.cpu_seconds(), stub.cpu_seconds())
    result["upstream_requests"] = after["requests"] - before["requests"]
    result["upstream_repairs"] = after["repairs"] - before["repairs"]
    for key, start, end in zip(("app", "stub"), cpu_before, cpu_after, strict=True):
        result[f"{key}_cpu_ms_per_request"] = _per_request(start, end, result["requests"])
    return result


def warm_up(server: servers.Server, endpoint: Endpoint, articles: list[str]) -> None:
    """Imports, pools, lazy set-up (stancewire imports litellm on its first model call)."""
    with httpx.Client(base_url=server.url, timeout=180) as client:
        for text in articles:
            response = client.post(endpoint.path, json={"text": text})
            if response.status_code != 200:
                raise RuntimeError(
                    f"{endpoint.label}: warm-up got {response.status_code}: {response.text[:500]}"
                )


def warm_all(apps: dict[str, servers.Server], chosen: list[Endpoint], articles: list[str]) -> None:
    """All at once: each process is busy importing on its own, nobody needs to wait in line."""
    with ThreadPoolExecutor(max_workers=len(chosen)) as pool:
        for done in [pool.submit(warm_up, apps[e.key], e, articles) for e in chosen]:
            done.result()


def launches(stub: servers.Server, chosen: list[Endpoint]) -> dict[str, servers.Launch]:
    upstream = f"{stub.url}/v1"
    started = {}
    for e in chosen:
        if e.factory == servers.SERVE:
            env = as_environment(stancewire_settings(upstream, e.settings))
        else:
            env = {"BENCH_UPSTREAM": upstream, "BENCH_SETTINGS": json.dumps(e.settings), **e.env}
        started[e.key] = servers.Launch(e.factory, env | {"BENCH_MODEL": MODEL})
    return started


@dataclass
class Workload:
    cfg: Config
    articles: list[str]
    bodies: Path

    @property
    def capture_file(self) -> Path:
        """Where the stub records the requests of the pass over every article."""
        return self.cfg.log_dir / "requests.jsonl"

    @property
    def warmup_articles(self) -> list[str]:
        """The last few articles, kept out of the measured phases."""
        return self.articles[-min(self.cfg.warmup, max(1, len(self.articles) // 4)) :]

    @property
    def measured_count(self) -> int:
        return len(self.articles) - len(self.warmup_articles)


def capture_requests(
    work: Workload, stub: servers.Server, server: servers.Server, capture: Path
) -> dict[str, Any]:
    """Every article once through `server` while the stub records the requests."""
    httpx.post(f"{stub.url}/_bench/capture", json={"path": str(capture)}, timeout=10)
    bound_s = 60 + len(work.articles) / 4  # bounded even if the service crawls at 4/s
    url = f"{server.url}{ANALYZE_PATH}"
    phase = load.Phase(url, 4, bound_s, len(work.articles), 0, True, threads=1)
    result = measured(stub, server, phase, work.bodies)
    httpx.post(f"{stub.url}/_bench/capture", json={"path": None}, timeout=10)
    log.info(
        "every article once: %d answers, %d of them 200", result["received"], result["answered_200"]
    )
    return result


def _many(work: Workload, endpoint: Endpoint, url: str) -> load.Phase:
    """16 connections; stancewire gets no more requests than distinct articles can feed
    (keeping some for the single-connection phase), except in the smoke run."""
    cfg, limit = work.cfg, work.cfg.max_requests
    budget = work.measured_count - cfg.c1_max_requests - 2 * cfg.connections
    if endpoint.is_stancewire and not cfg.smoke:
        limit = max(min(limit, budget), 2)
    return load.Phase(url, cfg.connections, cfg.duration_s, limit, 0, endpoint.is_stancewire)


def _single(work: Workload, endpoint: Endpoint, url: str, after: int) -> load.Phase:
    """One connection, on the articles after those the 16-connection phase sent."""
    cfg = work.cfg
    offset = after + 2 * cfg.connections
    return load.Phase(
        url, 1, cfg.c1_duration_s, cfg.c1_max_requests, offset, endpoint.is_stancewire
    )


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value:.1f}"


def measure_endpoint(
    work: Workload, stub: servers.Server, endpoint: Endpoint, server: servers.Server
) -> dict[str, Any]:
    url = f"{server.url}{endpoint.path}"
    many = measured(stub, server, _many(work, endpoint, url), work.bodies)
    single_phase = _single(work, endpoint, url, many["requests"])
    single = measured(stub, server, single_phase, work.bodies)
    log.info(
        "%s: %.0f requests/s at %d connections (%s CPU ms each), p50 %.1f ms at 1",
        endpoint.label, many["requests_per_s"], many["connections"],
        _ms(many["app_cpu_ms_per_request"]), single["latency_ms"]["p50"],
    )  # fmt: skip
    for result, offset in ((many, 0), (single, single_phase.offset)):
        result["articles_repeat"] = offset + result["requests"] > work.measured_count
    return {"concurrency": many, "single": single}


def run_round(
    work: Workload, chosen: list[Endpoint], capture: Endpoint | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Fresh processes; with `capture`, first the pass over every article. That pass has a
    stancewire process of its own (started with the others: one wait for litellm's import),
    so the measured one stays cold — except in the smoke run, where one process does both."""
    log_dir, own = work.cfg.log_dir, capture is not None and not work.cfg.smoke
    captured = None
    with servers.running({"stub": servers.Launch(STUB)}, log_dir) as stub_only:
        stub = stub_only["stub"]
        warmed = [*chosen, capture] if own and capture else chosen
        with servers.running(launches(stub, warmed), log_dir) as apps:
            log.info("servers up: %s", ", ".join(apps))
            warm_all(apps, warmed, work.warmup_articles)
            if capture is not None:
                server = apps[capture.key if own else "stancewire"]
                captured = capture_requests(work, stub, server, work.capture_file)
                if own:
                    servers.stop(server)  # its memory and CPU go back to the measured apps
            results = {e.key: measure_endpoint(work, stub, e, apps[e.key]) for e in chosen}
    return results, captured


def cli_timing(cfg: Config) -> dict[str, Any] | None:
    """CLI start-up, unless the run skips it (smoke, `--cli-runs 0`: hyperfine would take
    `--runs 0` as no bound and never stop)."""
    if cfg.smoke or cfg.cli_runs < 1:
        return None
    return measure_cli(cfg.cli_runs)


def _config_record(cfg: Config) -> dict[str, Any]:
    """The run's settings as JSON, without its temporary folder."""
    record = {k: v for k, v in asdict(cfg).items() if k != "log_dir"}
    return {k: str(v) if isinstance(v, Path) else v for k, v in record.items()}


def run(cfg: Config) -> dict[str, Any]:
    """Everything; returns the results (also written as JSON and Markdown to cfg.out_dir)."""
    from benchmarks.report import write_results

    info = machine.describe()
    # litellm's import (seconds) for the token count overlaps with the servers' start-up.
    threading.Thread(target=tokens.preload, daemon=True).start()
    articles, source = load_articles(None if cfg.smoke else data_dir(cfg.data))
    articles = articles[: cfg.max_articles] if cfg.max_articles else articles
    work = Workload(cfg, articles, write_bodies(articles, cfg.log_dir / "bodies.jsonl"))
    chosen, capture_endpoint = endpoints(cfg)
    log.info("%s; round 1 of %d", source, cfg.rounds)
    first, capture = run_round(work, chosen, capture_endpoint)
    rounds = [first]
    for number in range(2, cfg.rounds + 1):
        log.info("round %d of %d", number, cfg.rounds)
        rounds.append(run_round(work, chosen)[0])
    log.info("counting tokens")
    captured = tokens.read_capture(work.capture_file, len(articles))
    token_counts = tokens.token_report(captured, articles)
    results = {
        "machine": info | {"load_average_end": machine.load_average()},
        "config": _config_record(cfg),
        "articles": {"count": len(articles), "source": source},
        "model": MODEL,
        "stancewire_server": capture_endpoint.factory,
        "endpoints": [{"key": e.key, "label": e.label} for e in chosen],
        "cross_check": {"setting": cfg.cross_check_setting},
        "capture": capture,
        "rounds": rounds,
        "tokens": token_counts,
        "cost": tokens.cost_report(token_counts),
        "cli": cli_timing(cfg),
    }
    log.info("done")
    results["summary"] = summary.summarise(results)
    write_results(results, cfg.out_dir)
    if not cfg.keep_logs and summary.passed(results):
        shutil.rmtree(cfg.log_dir, ignore_errors=True)
    return results
