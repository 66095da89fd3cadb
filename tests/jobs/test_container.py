"""Dockerfile and compose.yaml: no image can be built here (no registry for the base
image), so the files are checked for what would break them, and the commands they run
are run outside a container against the test Redis."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml
from typer.testing import CliRunner

from api.cli import app
from api.config import Settings
from tests.jobs.conftest import short_articles
from tests.live_server import free_port

ROOT = Path(__file__).resolve().parents[2]
STANCEWIRE = Path(sys.executable).with_name("stancewire")
runner = CliRunner()


def _compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return document


def _dockerfile() -> dict[str, list[str]]:
    """Instruction -> its arguments (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            found.setdefault(word.upper(), []).append(rest.strip())
    return found


def _assert_real_command(command: list[str]) -> None:
    """`stancewire <command> [--option value]…`: the command and each option exist."""
    assert command[0] == "stancewire", command
    help_text = runner.invoke(app, [command[1], "--help"], terminal_width=200)
    assert help_text.exit_code == 0, (command, help_text.output)
    for word in command[2:]:
        if word.startswith("--"):
            assert word in help_text.output, (command, word)


def test_compose_runs_two_apis_two_workers_and_redis() -> None:
    services = _compose()["services"]
    assert set(services) == {"api", "worker", "redis"}
    assert services["api"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["redis"]["command"][0] == "redis-server"
    settings = set(Settings.model_fields)
    for name in ("api", "worker"):
        _assert_real_command(services[name]["command"])
        environment = services[name]["environment"]
        assert environment["STANCEWIRE_REDIS_URL"] == "redis://redis:6379/0"
        for key in environment:
            assert key.removeprefix("STANCEWIRE_").lower() in settings, key
    compose = _compose_command()
    if compose:  # where Docker's compose is installed, it must accept the file too
        subprocess.run([*compose, "config", "--quiet"], cwd=ROOT, check=True, timeout=60)


def _compose_command() -> list[str] | None:
    """`docker compose` (the plugin) or Debian's `docker-compose`; None when neither."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def test_dockerfile_runs_as_non_root_with_a_real_command_and_healthcheck() -> None:
    found = _dockerfile()
    assert found["FROM"][0].startswith("python:3.11-slim")
    assert found["USER"] == ["stancewire"]
    _assert_real_command(json.loads(found["CMD"][0]))
    health = found["HEALTHCHECK"][0]
    assert "/healthz" in health and "CMD" in health
    for copy in found["COPY"]:
        for source in copy.split()[:-1]:
            assert (ROOT / source).exists(), source
    env = " ".join(found["ENV"])
    for key in re.findall(r"STANCEWIRE_([A-Z_]+)=", env):
        assert key.lower() in Settings.model_fields, key


def test_compose_entry_points_run_a_job_outside_a_container(redis_url: str) -> None:
    """`stancewire serve` and `stancewire worker --engine builtin`, as compose starts them,
    sharing one Redis: a job posted to the API is run by the worker."""
    port = free_port()
    env = os.environ | {
        "STANCEWIRE_REDIS_URL": redis_url,
        "STANCEWIRE_PORT": str(port),
        "STANCEWIRE_ENGINE_PROCESSES": "0",
    }
    serve = subprocess.Popen([str(STANCEWIRE), "serve"], env=env, stderr=subprocess.DEVNULL)
    worker_command = [str(STANCEWIRE), "worker", "--engine", "builtin", "--burst"]
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, serve)
        items = [{"text": text} for text in short_articles(3)]
        created = httpx.post(f"{base}/v1/jobs", json={"items": items}, timeout=30)
        assert created.status_code == 202, created.text
        subprocess.run(worker_command, env=env, check=True, timeout=300, capture_output=True)
        status = httpx.get(base + created.json()["status_url"], timeout=10).json()
        assert (status["state"], status["done"]) == ("completed", 3)
    finally:
        serve.terminate()
        serve.wait(timeout=30)


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, "stancewire serve exited"
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("stancewire serve did not become healthy")
