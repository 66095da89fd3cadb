"""Each app under uvicorn in its own process, on a free loopback port; always stopped.

The forwarders get the same uvicorn command (one process, uvicorn's default loop and HTTP
parser — uvloop and httptools when installed —, no access log); stancewire runs as shipped,
`stancewire serve` (or, for comparison, its app under that same plain uvicorn). Output goes
to a log file per server, never to a pipe nobody reads.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.articles import ROOT

HOST = "127.0.0.1"  # loopback only


SERVE = "stancewire serve"  # the service's documented production command


@dataclass(frozen=True)
class Launch:
    """How one server starts: `target` is an app factory ("module:function") served by plain
    uvicorn, or SERVE — the stancewire CLI, configured only through STANCEWIRE_ variables."""

    target: str
    env: dict[str, str] = field(default_factory=dict)

    def command(self, port: int) -> list[str]:
        if self.target == SERVE:
            stancewire = Path(sys.executable).with_name("stancewire")
            return [str(stancewire), "serve", "--host", HOST, "--port", str(port)]
        return uvicorn_command(self.target, port)


@dataclass
class Server:
    name: str
    launch: Launch
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server process has used: unlike wall-clock time, it
        barely moves when other work competes for the cores. None where /proc is absent."""
        stat = Path(f"/proc/{self.process.pid}/stat")
        if not stat.is_file():
            return None
        # Fields after the ")" that closes the command name: utime and stime are 12 and 13.
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def uvicorn_command(factory: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "--factory", factory,
        "--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def bench_env(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without STANCEWIRE_ settings (a developer's .env must not
    change what is measured), offline litellm, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWIRE_")}
    env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # no network: litellm's bundled price map
    return env | extra


def start(name: str, launch: Launch, log_dir: Path) -> Server:
    port = free_port()
    log = log_dir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            launch.command(port),
            # The CLI reads a .env from its working directory: the log folder has none.
            cwd=log_dir if launch.target == SERVE else ROOT,
            env=bench_env(launch.env),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return Server(name, launch, port, process, log)


def wait_ready(server: Server, timeout_s: float = 120.0) -> None:
    """Until the server answers HTTP at all (uvicorn listens once the app's start-up ran)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{server.name} exited at start-up:\n{tail}")
        try:
            httpx.get(f"{server.url}/_bench/ping", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.25)
    raise TimeoutError(f"{server.name} did not start within {timeout_s:.0f} s (see {server.log})")


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=15)


@contextmanager
def running(launches: dict[str, Launch], log_dir: Path) -> Iterator[dict[str, Server]]:
    """Start every server at once, wait until all answer, stop them all at the end."""
    with ExitStack() as stack:
        servers = {}
        for name, launch in launches.items():
            servers[name] = start(name, launch, log_dir)
            stack.callback(stop, servers[name])
        for server in servers.values():
            wait_ready(server)
        yield servers
