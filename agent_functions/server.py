"""`slotline serve`: one process, or a supervisor with N worker processes on one listening socket.

Python runs one request at a time per process, so on a machine with several cores one process leaves
the others idle. With `--workers N` the supervisor forks N workers, each listening on the same port
with SO_REUSEPORT, so the kernel spreads connections evenly over them. (With one shared listening
socket, whichever worker woke first took nearly every connection: 85 of 88 requests in a test.)
Workers share nothing but the database (no in-process lock guards correctness, see `storage/db.py`),
so a worker that dies loses only its in-flight requests; the supervisor starts a replacement.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Callable
from datetime import datetime
from multiprocessing.process import BaseProcess
from zoneinfo import ZoneInfo

import structlog
from aiohttp import web

from agent_functions.app import create_app
from agent_functions.bootstrap import build_services
from agent_functions.gc_tuning import attach_gc_tuning
from agent_functions.settings import Settings
from booking_core.clock import FrozenClock, SystemClock

log = structlog.get_logger("slotline.serve")
# A worker that dies this soon after starting is failing to start, not crashing under load: restarting
# it in a loop would hide the reason, so the supervisor stops instead.
FAILED_START_S = 2.0


def build_app(settings: Settings, with_worker: bool) -> web.Application:
    """The app with this process's own services (engines and pools are never shared across a fork)."""
    clock = FrozenClock(datetime.now(ZoneInfo("UTC"))) if settings.test_clock else SystemClock()
    app = create_app(build_services(settings, clock))
    if settings.gc_freeze:
        attach_gc_tuning(app)
    if with_worker:
        from agent_functions.worker_task import attach_worker

        attach_worker(app)
    return app


def bound_socket(host: str, port: int, *, listen: bool = True, reuse_port: bool = False) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if listen:
        sock.listen(1024)
    return sock


def serve(settings: Settings, host: str, port: int, *, workers: int = 1, with_worker: bool = False) -> int:
    """Serve until SIGINT/SIGTERM. The outbox worker (`with_worker`) runs in the first process only."""
    if workers <= 1:
        sock = bound_socket(host, port)
        log.info(
            "serving", host=host, port=sock.getsockname()[1], workers=1, database=settings.database_url.split("@")[-1]
        )
        web.run_app(build_app(settings, with_worker), sock=sock, print=None, access_log=None)
        return 0
    # Bound but not listening: holds the port (and learns it when 0 was asked for); receives nothing.
    reservation = bound_socket(host, port, listen=False, reuse_port=True)
    port = reservation.getsockname()[1]
    log.info("serving", host=host, port=port, workers=workers, database=settings.database_url.split("@")[-1])
    return Supervisor(lambda index: _worker_main(settings, host, port, with_worker and index == 0), workers).run()


def _worker_main(settings: Settings, host: str, port: int, with_worker: bool) -> None:
    _die_with_parent()
    for signum in (signal.SIGTERM, signal.SIGINT):  # the supervisor's handlers were inherited by the fork
        signal.signal(signum, signal.SIG_DFL)
    sock = bound_socket(host, port, reuse_port=True)
    web.run_app(build_app(settings, with_worker), sock=sock, print=None, access_log=None)


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this worker if the supervisor dies (even by SIGKILL): no orphan servers."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Supervisor:
    """Starts `count` worker processes, replaces any that dies, and stops them all on SIGINT/SIGTERM."""

    def __init__(self, target: Callable[[int], None], count: int) -> None:
        self.target = target
        self.count = count
        self.context = multiprocessing.get_context("fork")
        self.workers: dict[int, tuple[BaseProcess, float]] = {}
        self.stopping = False

    def _start(self, index: int) -> None:
        process = self.context.Process(target=self.target, args=(index,), name=f"slotline-worker-{index}", daemon=False)
        process.start()
        self.workers[index] = (process, time.monotonic())
        log.info("worker started", index=index, pid=process.pid)

    def _stop(self, signum: int, _frame: object) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for index in range(self.count):
            self._start(index)
        status = 0
        while not self.stopping:
            time.sleep(0.2)
            for index, (process, started) in list(self.workers.items()):
                if process.is_alive() or self.stopping:
                    continue
                log.warning("worker exited", index=index, pid=process.pid, exitcode=process.exitcode)
                if time.monotonic() - started < FAILED_START_S:
                    log.error("worker failed to start; stopping", index=index)
                    self.stopping, status = True, 1
                    break
                self._start(index)
        self._terminate()
        return status

    def _terminate(self) -> None:
        for process, _ in self.workers.values():
            if process.is_alive() and process.pid:
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process, _ in self.workers.values():
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
