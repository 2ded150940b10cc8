"""HTTP serving: a guarded front door for Bolt, a health check that answers within two seconds, metrics.

Before Bolt sees a request, this layer:

1. refuses bodies over ``FOI_MAX_BODY_BYTES`` (413) — waitress stops reading at the same limit;
2. checks Slack's signature on the raw bytes (401 otherwise) and logs only the size, never the body: an
   unauthenticated stranger's bytes are never parsed, logged or handed to the log redaction filter;
3. checks the signed body parses (400 otherwise, instead of a traceback and a 500).

Bolt then verifies again and runs the route's acknowledgement on this request thread (`bot.slack.routes`).

`/healthz` probes the case register and the job queue in a separate thread and answers 503 if they do not
answer within two seconds (a partitioned PostgreSQL or a SQLite file locked by another writer included),
so a load balancer hears about it instead of hanging. `/metrics` is Prometheus's text format.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.engine import Engine

from bot import metrics
from bot.logging_setup import request_id
from storage.db import make_engine, probe

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
#: /healthz answers within this many seconds, whatever the database is doing.
HEALTH_DEADLINE = 2.0

StartResponse = Callable[..., Any]


def _answer(start_response: StartResponse, status: str, body: bytes = b"", content_type: str = "text/plain",
            ) -> Iterable[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


class Health:
    """One probe at a time in the background; every caller waits at most HEALTH_DEADLINE for its result."""

    def __init__(self, engines: dict[str, Engine]) -> None:
        self.engines = engines
        self._lock = threading.Lock()
        self._running: threading.Thread | None = None
        self._result: dict[str, str] = {}
        self._done = threading.Event()

    def check(self) -> tuple[bool, dict[str, str]]:
        with self._lock:
            if self._running is None or not self._running.is_alive():
                self._done = threading.Event()
                self._running = threading.Thread(target=self._probe, args=(self._done,), daemon=True,
                                                 name="health-probe")
                self._running.start()
            done = self._done
        if not done.wait(HEALTH_DEADLINE):
            return False, {name: "not answering" for name in self.engines}
        result = dict(self._result)
        return all(v == "ok" for v in result.values()), result

    def _probe(self, done: threading.Event) -> None:
        result: dict[str, str] = {}
        for name, engine in self.engines.items():
            try:
                probe(engine)
                result[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
                result[name] = "unavailable"
                log.warning("health check: %s unavailable (%s)", name, type(exc).__name__)
        self._result = result
        done.set()


def _probe_engine(engine: Engine) -> Engine:
    """A separate small engine with short timeouts, so the probe neither waits 10 s nor queues for the pool."""
    return make_engine(engine.url.render_as_string(hide_password=False), statement_timeout=1.5, connect_timeout=1.5,
                       pool_size=1, max_overflow=1) if engine.dialect.name != "sqlite" else \
        make_engine(engine.url.render_as_string(hide_password=False), statement_timeout=1.0)


def make_wsgi_app(app: App, engine: Engine, *, signing_secret: str | None, queue_engine: Engine | None = None,
                  max_body: int = 1_000_000) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    engines = {"database": _probe_engine(engine)}
    if queue_engine is not None and str(queue_engine.url) != str(engine.url):
        engines["queue"] = _probe_engine(queue_engine)
    health = Health(engines)

    def healthz(start_response: StartResponse) -> Iterable[bytes]:
        ok, parts = health.check()
        body = json.dumps({"status": "ok" if ok else "error", **parts}).encode()
        return _answer(start_response, "200 OK" if ok else "503 Service Unavailable", body, "application/json")

    def events(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _answer(start_response, "400 Bad Request", b"bad content length")
        if length > max_body:
            log.info("refused a %d-byte request to %s (limit %d)", length, EVENTS_PATH, max_body)
            return _answer(start_response, "413 Payload Too Large", b"too large")
        body = environ["wsgi.input"].read(length) if length else environ["wsgi.input"].read(max_body + 1)
        if len(body) > max_body:
            return _answer(start_response, "413 Payload Too Large", b"too large")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not signing_secret or not _signed(signing_secret, body, timestamp, signature):
            log.info("refused a request with a missing or invalid Slack signature (%d bytes)", len(body))
            return _answer(start_response, "401 Unauthorized", b'{"error":"invalid request"}', "application/json")
        if not _parses(body, environ.get("CONTENT_TYPE", "")):
            log.info("refused a signed request whose body does not parse (%d bytes)", len(body))
            return _answer(start_response, "400 Bad Request", b"malformed body")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        try:
            return slack(environ, start_response)
        except Exception as exc:  # noqa: BLE001 - a signed request Bolt cannot read is still the sender's fault
            log.warning("a signed request could not be handled (%s)", type(exc).__name__)
            return _answer(start_response, "400 Bad Request", b"could not handle the request")
        finally:
            log.debug("request handled in %.1f ms", (time.perf_counter() - started) * 1000)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        token = request_id.set(uuid.uuid4().hex[:12])
        try:
            path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
            if path == "/healthz" and method in ("GET", "HEAD"):
                return healthz(start_response)
            if path == "/metrics" and method == "GET":
                body, content_type = metrics.exposition()
                return _answer(start_response, "200 OK", body, content_type)
            if path == EVENTS_PATH and method == "POST":
                return events(environ, start_response)
            return _answer(start_response, "404 Not Found", b"not found")
        finally:
            request_id.reset(token)

    return application


def _signed(secret: str, body: bytes, timestamp: str, signature: str) -> bool:
    """Slack's v0 signature over the raw bytes (valid or not as UTF-8), within five minutes of now.

    Computed here rather than by slack-sdk's verifier, which decodes the body first and so cannot say
    whether undecodable bytes were signed."""
    try:
        if abs(time.time() - int(timestamp)) > 60 * 5:
            return False
    except (TypeError, ValueError):
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature or "")


def _parses(body: bytes, content_type: str) -> bool:
    """Whether a signed body is what Slack sends: JSON (events) or a form (commands; `payload` JSON)."""
    try:
        text = body.decode("utf-8")
        if "application/json" in content_type:
            return isinstance(json.loads(text), dict)
        form = parse_qs(text, strict_parsing=bool(text), keep_blank_values=True)
        if "payload" in form:
            return isinstance(json.loads(form["payload"][0]), dict)
        return bool(form) or not text
    except (UnicodeDecodeError, ValueError):
        return False


def serve(wsgi_app: Callable[..., Iterable[bytes]], *, host: str, port: int, threads: int = 16,
          max_body: int = 1_000_000) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(wsgi_app, host=host, port=port, threads=threads, ident="foi-bot", max_request_body_size=max_body)


def run_until_closed(server: Any) -> None:
    """Run a waitress server in a thread until another thread calls ``server.close()`` (tests, embedding):
    closing races with the select loop, which then sees its socket gone; that is the end, not an error."""
    try:
        server.run()
    except (OSError, ValueError):
        pass


def make_server(wsgi_app: Callable[..., Iterable[bytes]], *, host: str, port: int, threads: int = 16,
                max_body: int = 1_000_000):  # type: ignore[no-untyped-def]
    """A waitress server object (start with ``run()``, stop with ``close()``): `foi-bot run` and tests."""
    from waitress.server import create_server

    return create_server(wsgi_app, host=host, port=port, threads=threads, ident="foi-bot",
                         max_request_body_size=max_body)
