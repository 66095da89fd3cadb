"""`make mutate`: apply each named mutation (scripts/mutations.py) to a temporary copy of the
repository and run its tests there; every mutation must make them fail ("caught").

    .venv/bin/python scripts/mutate.py [--only SUBSTRING]

First every test selection must pass on the unmutated copy (else "caught" would mean
nothing). Prints one line per mutation and caught/total; exits 1 when the baseline fails,
or any mutation survives or no longer applies (its snippet is gone: update the list). Not
run in CI: it runs the selected tests once per mutation.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutations import MUTATIONS, Mutation

ROOT = Path(__file__).resolve().parents[1]


def _copy_repo(target: Path) -> None:
    """The tracked and new files of the working tree (not .venv, caches or ignored files)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def _apply(copy: Path, mutation: Mutation) -> bool:
    path = copy / mutation.file
    text = path.read_text(encoding="utf-8")
    parts = text.split(mutation.old)
    if len(parts) <= mutation.occurrence:
        return False
    n = mutation.occurrence
    mutated = mutation.old.join(parts[:n]) + mutation.new + mutation.old.join(parts[n:])
    path.write_text(mutated, encoding="utf-8")
    return True


# A mutant may make the tests loop or read without bound ("Content-Length 413 off" let one
# test process grow to 16 GB): its run is cut off at these bounds, which counts as caught.
MEMORY_LIMIT = 8 * 2**30  # bytes of address space per test process (a normal run: ~3 GB)
MIN_TIMEOUT_S = 120.0
TIMEOUT_FACTOR = 5.0  # times the unmutated run of the same test selection


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _passes(copy: Path, tests: tuple[str, ...], timeout: float | None = None) -> bool:
    """Whether the tests pass; False when they fail, crash on the memory bound or time out."""
    env = os.environ | {"PYTHONDONTWRITEBYTECODE": "1", "CI": ""}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    try:
        done = subprocess.run(
            [*command, *tests],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def _as_checkout(copy: Path) -> None:
    """A git repository of its own: some tests record the commit a run was made on."""
    git = ["git", "-c", "user.name=mutate", "-c", "user.email=mutate@localhost"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "pristine"]):
        subprocess.run([*git, *args], cwd=copy, check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="Run the mutations whose name contains this.")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if not args.only or args.only in m.name]
    started, caught, problems = time.perf_counter(), 0, []
    with tempfile.TemporaryDirectory(prefix="stancewire-mutate-") as tmp:
        pristine = Path(tmp) / "pristine"
        _copy_repo(pristine)
        _as_checkout(pristine)
        timeouts: dict[tuple[str, ...], float] = {}
        for tests in dict.fromkeys(m.tests for m in chosen):
            began = time.perf_counter()
            if not _passes(pristine, tests):
                print(f"baseline fails without a mutation: {' '.join(tests)}")
                return 1
            timeouts[tests] = max(MIN_TIMEOUT_S, TIMEOUT_FACTOR * (time.perf_counter() - began))
        print(f"baseline: {len({m.tests for m in chosen})} test selections pass", flush=True)
        for mutation in chosen:
            copy = Path(tmp) / "mutant"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(pristine, copy)
            if not _apply(copy, mutation):
                problems.append(f"{mutation.name}: snippet not found in {mutation.file}")
                print(f"  MISSING  {mutation.name}", flush=True)
                continue
            ok = not _passes(copy, mutation.tests, timeouts[mutation.tests])
            caught += ok
            print(f"  {'caught ' if ok else 'SURVIVED'} {mutation.name}", flush=True)
            if not ok:
                problems.append(f"{mutation.name}: survived {' '.join(mutation.tests)}")
    elapsed = time.perf_counter() - started
    print(f"{caught}/{len(chosen)} mutations caught in {elapsed:.0f} s")
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
