"""One elected process runs the scheduled work (reminder sweeps, the digest, pruning), whatever the replicas.

PostgreSQL: the leader holds a session advisory lock on a connection it keeps open. If the leader dies,
its connection closes and the lock is released with it; the others try for it every few seconds, so one
of them takes over within that interval. A leader whose connection breaks (the database restarted) stops
leading until it wins the lock again.

SQLite: the processes share one machine (the file), so an exclusive `flock` on a lock file beside the
database elects the leader the same way (the kernel releases it when the holder exits).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine, make_url

log = logging.getLogger(__name__)

#: pg_advisory_lock key for "the scheduler" ("FOIR" in ASCII).
ADVISORY_LOCK_KEY = 0x464F4952


class Leadership:
    def __init__(self, engine: Engine, *, interval: float = 5.0) -> None:
        self.engine = engine
        self.interval = interval
        self._leader = threading.Event()
        self._stop = threading.Event()
        self._connection: Connection | None = None
        self._file = None
        self._thread: threading.Thread | None = None

    def is_leader(self) -> bool:
        return self._leader.is_set()

    def start(self) -> Leadership:
        self._try()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="leadership")
        self._thread.start()
        return self

    def wait(self, timeout: float) -> bool:
        return self._leader.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.interval + 1)
        self._release()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._try()

    def _try(self) -> None:
        try:
            if self.engine.dialect.name == "postgresql":
                self._try_postgres()
            else:
                self._try_file()
        except Exception as exc:  # noqa: BLE001 - lost the database: not the leader until it answers again
            if self._leader.is_set():
                log.warning("scheduler leadership lost (%s)", type(exc).__name__)
            self._release()

    def _try_postgres(self) -> None:
        if self._connection is not None:
            self._connection.execute(text("SELECT 1"))  # still holding the lock while the connection lives
            self._connection.commit()
            return
        connection = self.engine.connect()
        got = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar())
        connection.commit()
        if not got:
            connection.close()
            return
        self._connection = connection
        self._leader.set()
        log.info("this process now runs the scheduled work (advisory lock held)")

    def _try_file(self) -> None:
        if self._file is not None:
            return
        database = make_url(str(self.engine.url)).database
        path = Path(f"{database}.scheduler.lock") if database and database != ":memory:" else None
        if path is None:
            self._leader.set()
            return
        handle = open(path, "a+")  # noqa: SIM115 - held open for as long as this process leads
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        self._leader.set()
        log.info("this process now runs the scheduled work (lock file held)")

    def _release(self) -> None:
        self._leader.clear()
        if self._connection is not None:
            try:
                # Drop the database connection itself (not back into the pool): the session lock goes with it.
                self._connection.invalidate()
                self._connection.close()
            except Exception:  # noqa: BLE001 - a broken connection releases the lock anyway
                pass
            self._connection = None
        if self._file is not None:
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
                self._file.close()
            except OSError:
                pass
            self._file = None
