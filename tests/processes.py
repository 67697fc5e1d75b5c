"""Real strikelog processes for the concurrency tests and scripts/startup_race.py: commands started at
the same wall-clock moment (strikelog imported first, so that start-up times do not spread them), and
`strikelog serve` on a port the system chooses, its address read from what it prints."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

GO_DELAY = 1.5  # seconds given to every process to import strikelog before the common start

AT_ONCE = """
import sys, time
from strikelog.cli import cli
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
cli.main(sys.argv[2:], prog_name="strikelog")
"""

OPEN_LEDGER_AT_ONCE = """
import sys, time
from strikelog.ledger import open_ledger
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
open_ledger(sys.argv[2]).close()
"""


def at_once(commands: list[list[str]], env: Optional[dict] = None, script: str = AT_ONCE) -> list[subprocess.Popen]:
    """Start `strikelog ARGS...` for each ARGS in `commands`, all running it from the same moment."""
    go = f"{time.time() + GO_DELAY:.3f}"
    return [subprocess.Popen([sys.executable, "-c", script, go, *args], env=env or os.environ.copy(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in commands]


def results(procs: list[subprocess.Popen], timeout: float = 600) -> list[tuple[int, str, str]]:
    """(returncode, stdout, stderr) of each process, once all have ended."""
    outputs = [p.communicate(timeout=timeout) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs)]


def first_failure(done: list[tuple[int, str, str]]) -> Optional[str]:
    """'exit N: <last line on stderr>' of the first process that failed, or None."""
    for code, _, err in done:
        if code != 0:
            lines = err.strip().splitlines()
            return f"exit {code}: {lines[-1] if lines else '(nothing on stderr)'}"
    return None


class Server:
    """`strikelog serve --port 0 ARGS` on 127.0.0.1: the system picks a free port (no race for one),
    and `base` is the address uvicorn prints once it listens. A server that exits or says nothing
    within `timeout` seconds fails at once with what it printed."""

    def __init__(self, db: Path, *args: str, env: Optional[dict] = None, timeout: float = 120):
        self.proc = subprocess.Popen([sys.executable, "-m", "strikelog", "serve", "--db", str(db), "--port", "0", *args],
                                     env=env or os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)
        self.printed: list[str] = []
        self._listening = threading.Event()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        if not self._listening.wait(timeout) or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError(f"strikelog serve did not start within {timeout:g} s: {''.join(self.printed)[-2000:]}")
        line = next(line for line in self.printed if "running on http://" in line)
        self.base = line.split("running on ", 1)[1].split()[0]
        self.port = int(self.base.rsplit(":", 1)[1])

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.printed.append(line)
            if "running on http://" in line:
                self._listening.set()
        self._listening.set()  # it exited: stop waiting

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
