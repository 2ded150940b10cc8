"""HTTP serving: Bolt behind a threaded WSGI server (waitress), plus a database health check.

Bolt's built-in server is single-threaded and resets connections under load; waitress runs requests on a
thread pool, so slow Slack retries or a burst of commands never block the acknowledgement of others.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def make_wsgi_app(app: App, engine: Engine) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def healthz(start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            status, body = "200 OK", {"status": "ok", "database": "ok"}
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
            log.error("health check: database unavailable (%s)", type(exc).__name__)
            status, body = "503 Service Unavailable", {"status": "error", "database": "unavailable"}
        payload = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return healthz(start_response)
        return slack(environ, start_response)

    return application


def serve(wsgi_app: Callable[..., Iterable[bytes]], *, host: str, port: int, threads: int = 16) -> None:
    from waitress import serve as waitress_serve

    waitress_serve(wsgi_app, host=host, port=port, threads=threads, ident="foi-bot")


def make_server(wsgi_app: Callable[..., Iterable[bytes]], *, host: str, port: int, threads: int = 16):  # type: ignore[no-untyped-def]
    """A waitress server object, for tests that need to start and stop it in-process."""
    from waitress.server import create_server

    return create_server(wsgi_app, host=host, port=port, threads=threads, ident="foi-bot")
