"""The server's memory during `slotline bench`: peaks of the summed RSS and PSS of supervisor and workers.

Split out of http_bench.py (the 300-line rule); the numbers it gives are `peak_rss_mb` and `peak_pss_mb`
in the bench's JSON (benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import psutil

from agent_functions.server_process import ServerProcess

__all__ = ["MemoryWatch"]


class MemoryWatch:
    """Samples the server's memory (supervisor plus workers) in a thread; keeps the peaks of the summed
    RSS (what the target names; counts shared pages once per process) and of the summed PSS.

    The watch runs on the cores it measures, so it is kept cheap: the process list is looked up once a
    second (psutil's `children()` reads every process's /proc/PID/stat), RSS is read every `every_s`
    (/proc/PID/statm, a few microseconds), and PSS (/proc/PID/smaps_rollup, which walks the page tables:
    ~6 ms per worker) every `pss_every_s` and whenever the RSS sum passes its peak so far by 1 MiB, when the PSS
    peak can move. Before (every 0.1 s, both, list looked up each time) it took ~0.6 ms of CPU per function call at
    `--think-ms 0`, more than the client's own requests (benchmarks/README.md, "Capacity").
    """

    def __init__(self, server: ServerProcess, every_s: float = 0.1, pss_every_s: float = 5.0) -> None:
        self.server = server
        self.every_s = every_s
        self.pss_every_s = pss_every_s
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        if self.server.process is None:
            return []
        try:
            root = psutil.Process(self.server.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def _run(self) -> None:
        processes: list[psutil.Process] = []
        listed_at = pss_at = float("-inf")
        rss_at_pss = 0.0  # the highest RSS sum at which PSS was read
        while not self._stop.is_set():
            now = time.monotonic()
            if now - listed_at >= 1.0:
                processes, listed_at = self._processes(), now
            rss = _summed_mb(processes, lambda proc: proc.memory_info().rss)
            if rss > rss_at_pss + 1.0 or now - pss_at >= self.pss_every_s:
                self.peak_pss_mb = max(
                    self.peak_pss_mb, _summed_mb(processes, lambda proc: proc.memory_full_info().pss)
                )
                pss_at, rss_at_pss = now, max(rss_at_pss, rss)
            self.peak_mb = max(self.peak_mb, rss)
            self._stop.wait(self.every_s)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _summed_mb(processes: list[psutil.Process], measure: Callable[[psutil.Process], int]) -> float:
    """The sum of `measure` over the processes still alive, in MiB."""
    total = 0
    for proc in processes:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            total += measure(proc)
    return total / (1024 * 1024)
