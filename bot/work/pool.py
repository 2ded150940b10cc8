"""Worker threads: a bounded number, each claiming one job at a time, with leases kept alive.

In-process by default (`foi-bot run` starts a pool beside the HTTP server), or as separate processes
(`foi-bot worker`), which keeps the work's CPU away from the acknowledgements' process entirely. Idle
workers sleep on an event that an in-process enqueue sets, and poll for jobs enqueued by other processes.

Draining (SIGTERM): `stop` stops claiming, lets running jobs finish within a bound, then hands back what
is left so another process takes it at once instead of after its lease.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from bot.work.runner import JobRunner
from storage.db import is_unavailable
from storage.jobs import JobQueue

log = logging.getLogger(__name__)


class WorkerPool:
    def __init__(self, queue: JobQueue, runner: JobRunner, *, threads: int = 4, lease: float = 30.0,
                 name: str | None = None, poll: float = 0.5) -> None:
        self.queue = queue
        self.runner = runner
        self.threads = max(1, threads)
        self.lease = lease
        self.poll = poll
        self.name = (name or f"{socket.gethostname()}:{os.getpid()}:work")[:70]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[int, str] = {}
        self._lock = threading.Lock()
        self._heartbeat: threading.Thread | None = None

    def start(self) -> WorkerPool:
        for index in range(self.threads):
            thread = threading.Thread(target=self._loop, args=(f"{self.name}:{index}",), daemon=True,
                                      name=f"worker-{index}")
            thread.start()
            self._threads.append(thread)
        self._heartbeat = threading.Thread(target=self._renew_leases, daemon=True, name="worker-leases")
        self._heartbeat.start()
        return self

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._running)

    def stop(self, timeout: float = 25.0) -> int:
        """Stop claiming, wait up to ``timeout`` seconds for running jobs; returns how many were handed back."""
        self._stop.set()
        self.queue.wakeup.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        handed_back = 0
        for index in range(self.threads):
            try:
                handed_back += self.queue.release(f"{self.name}:{index}")
            except Exception as exc:  # noqa: BLE001 - the lease runs out anyway
                log.warning("jobs not handed back on stop (%s)", type(exc).__name__)
        if handed_back:
            log.warning("%d job(s) still running at shutdown were handed back to the queue", handed_back)
        return handed_back

    def _loop(self, worker: str) -> None:
        while not self._stop.is_set():
            try:
                jobs = self.queue.claim(worker, limit=1, lease=self.lease)
            except Exception as exc:  # noqa: BLE001 - the queue's database went away: wait, then look again
                level = logging.WARNING if is_unavailable(exc) else logging.ERROR
                log.log(level, "job queue unavailable (%s)", type(exc).__name__)
                self._stop.wait(1.0)
                continue
            if not jobs:
                self.queue.wakeup.wait(self.poll)
                self.queue.wakeup.clear()
                continue
            job = jobs[0]
            with self._lock:
                self._running[job.id] = worker
            try:
                self.runner.run(job)
            except Exception as exc:  # noqa: BLE001 - a worker thread never dies
                log.error("worker could not record the end of job %s (%s)", job.id, type(exc).__name__)
            finally:
                with self._lock:
                    self._running.pop(job.id, None)

    def _renew_leases(self) -> None:
        while not self._stop.wait(self.lease / 3):
            with self._lock:
                by_worker: dict[str, list[int]] = {}
                for job_id, worker in self._running.items():
                    by_worker.setdefault(worker, []).append(job_id)
            for worker, ids in by_worker.items():
                try:
                    self.queue.renew(ids, worker, lease=self.lease)
                except Exception as exc:  # noqa: BLE001 - try again next beat
                    log.warning("could not renew job leases (%s)", type(exc).__name__)
