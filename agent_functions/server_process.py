"""A real `slotline serve` in its own process, for the benchmark and the reliability suite.

Measuring or breaking the server from inside its own process would hide what matters (event-loop
contention with the load generator, memory, crashes), so both drive it from outside, as a voice
platform does: start it on a free port, wait for /healthz, read its memory, kill a worker, stop it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

import psutil


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`slotline serve` on 127.0.0.1, signed with `key`; a context manager that always stops it."""

    def __init__(
        self,
        database_url: str,
        *,
        key: str,
        workers: int = 1,
        log_path: Path | None = None,
        log_level: str = "INFO",
        env: dict[str, str] | None = None,
        ready_timeout_s: float = 30,
    ) -> None:
        """`ready_timeout_s`: how long `start` (and `with`) wait for /healthz; a server parses its
        tenants before it answers, so hundreds of them take longer."""
        self.database_url = database_url
        self.ready_timeout_s = ready_timeout_s
        self.key = key
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.env = {
            **os.environ,
            "SLOTLINE_RETELL_API_KEYS": key,
            "SLOTLINE_LOG_FORMAT": "json",
            "SLOTLINE_LOG_LEVEL": log_level,
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float | None = None) -> ServerProcess:
        command = [
            sys.executable,
            "-m",
            "agent_functions.cli",
            "serve",
            "--port",
            str(self.port),
            "--database-url",
            self.database_url,
            "--workers",
            str(self.workers),
        ]
        self._log = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115 - closed in stop()
        output = self._log or subprocess.DEVNULL
        self.process = subprocess.Popen(command, env=self.env, stdout=output, stderr=output, start_new_session=True)
        try:
            self.wait_ready(self.ready_timeout_s if timeout_s is None else timeout_s)
        except BaseException:  # `with` never reaches __exit__ when __enter__ fails: stop it here
            self.stop()
            raise
        return self

    def wait_ready(self, timeout_s: float = 30) -> None:
        """Until /healthz answers and every worker process is up."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode} (log: {self.log_path})")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    if self.workers <= 1 or len(self.worker_pids()) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not ready after {timeout_s} s (log: {self.log_path})")

    def worker_pids(self) -> list[int]:
        """The processes that answer requests: the workers, or the single server process."""
        if self.process is None:
            return []
        try:
            children = psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []
        return [child.pid for child in children] if self.workers > 1 else [self.process.pid]

    def rss_mb(self) -> float:
        """Resident memory of the whole server (supervisor and workers), in MiB: the sum of each
        process's RSS, so pages the workers share with the supervisor count once per process."""
        return self._memory_mb(lambda proc: proc.memory_info().rss)

    def pss_mb(self) -> float:
        """Proportional set size of the whole server, in MiB: shared pages split among the processes
        that share them, so the sum is the memory the server really occupies (Linux only)."""
        return self._memory_mb(lambda proc: proc.memory_full_info().pss)

    def _memory_mb(self, measure: Callable[[psutil.Process], int]) -> float:
        if self.process is None:
            return 0.0
        total = 0
        try:
            root = psutil.Process(self.process.pid)
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
                    total += measure(proc)
        except psutil.NoSuchProcess:
            return 0.0
        return total / (1024 * 1024)

    def kill_worker(self, index: int = 0, signum: int = signal.SIGKILL) -> int:
        """Send `signum` to one worker process; returns its pid."""
        pid = self.worker_pids()[index]
        os.kill(pid, signum)
        return pid

    def stop(self, timeout_s: float = 20) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log:
            self._log.close()
        return self.process.returncode

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
