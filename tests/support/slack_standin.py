"""A local stand-in for Slack's Web API: records every call and answers the way Slack does.

Serves `/api/<method>` (JSON, form or query-string arguments), the `upload_url` that
`files.getUploadURLExternal` hands out, and `response_url`s. It keeps the messages it was sent, with their
metadata, so `conversations.history` and `conversations.replies` answer as Slack would (reconciliation
reads them).

Faults, each for the next call to a method or at random for a share of calls:
- an HTTP status (429 with Retry-After, 500) or a Slack error (`channel_not_found`), with nothing stored;
- ``slow``: the message is stored (Slack accepted it) but the answer comes after a delay, so a client with
  a shorter timeout never hears that it landed;
- ``reset``: the message is stored, then the connection is dropped without an answer.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    raw: bytes = b""
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    slow: float = 0.0  # accepted, answered after this many seconds
    reset: bool = False  # accepted, connection dropped without an answer


@dataclass
class SlackStandIn:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_members: dict[str, list[str]] = field(default_factory=dict)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    #: method -> (share of calls, [Failure, ...]) for faults injected at random (a seeded generator).
    random_faults: dict[str, tuple[float, list[Failure]]] = field(default_factory=dict)
    #: Seconds every response_url post takes to answer.
    response_delay: float = 0.0
    #: Files a test shares in a message, served at ``/files/<key>`` to a request carrying a bot token.
    files: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import random

        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._random = random.Random(1234)
        self._ts_lock = threading.Lock()
        self._last_ts = 0.0

    # -- control -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def file_url(self, key: str) -> str:
        """A ``url_private`` for a file the test put in ``files``."""
        return f"{self.url}/files/{key}"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.url}/response/{key}"

    def fail_next(self, method: str, *, status: int = 200, error: str | None = None, retry_after: int | None = None,
                  slow: float = 0.0, reset: bool = False, times: int = 1) -> None:
        with self._lock:
            self.failures.setdefault(method, []).extend(
                Failure(status=status, error=error, retry_after=retry_after, slow=slow, reset=reset) for _ in range(times))

    def fail_randomly(self, method: str, share: float, failures: list[Failure]) -> None:
        """Make ``share`` of the calls to ``method`` fail, each with one of ``failures`` (seeded, repeatable)."""
        with self._lock:
            self.random_faults[method] = (share, failures)

    def stop_failing(self) -> None:
        with self._lock:
            self.failures.clear()
            self.random_faults.clear()

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Every message that landed in a channel (top level and threads), oldest first."""
        with self._lock:
            top = list(self.history.get(channel, []))
            replies = [m for (c, _ts), thread in self.threads.items() if c == channel for m in thread]
        return sorted(top + replies, key=lambda m: float(m["ts"]))

    def start(self) -> SlackStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                standin._handle(self, b"")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                standin._handle(self, self.rfile.read(length))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- reading what happened -----------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 60.0, where: Any = None) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [c for c in self.calls_to(method) if where is None or where(c)]
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} call(s) to {method}, saw {len(self.calls_to(method))}: "
                             f"{[c.method for c in self.calls]}")

    # -- serving -------------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        parsed = urlparse(request.path)
        headers = {k.lower(): v for k, v in request.headers.items()}
        path = parsed.path
        if path.startswith("/upload/"):
            key = path.rsplit("/", 1)[-1]
            with self._lock:
                self.uploads[key] = body
                self.calls.append(Call("upload", {"file_id": key, "size": len(body)}, headers, body))
            self._send(request, 200, b"OK - " + str(len(body)).encode(), "text/plain")
            return
        if path.startswith("/files/"):
            file_id = path.split("/")[2]  # /files/<id> or /files/<id>/<name>
            with self._lock:
                self.calls.append(Call("file_download", {"key": file_id, "file_id": file_id}, headers, body))
                data = self.files.get(file_id)
            if not headers.get("authorization", "").startswith("Bearer xoxb-"):
                self._send(request, 302, b"", "text/html")  # Slack redirects to a login page without a token
                return
            self._send(request, 200 if data is not None else 404, data or b"not found", "application/octet-stream")
            return
        if path.startswith("/response/"):
            args = json.loads(body or b"{}")
            with self._lock:
                self.calls.append(Call("response_url", args, headers, body))
            if self.response_delay:
                time.sleep(self.response_delay)  # a slow response_url: Slack's side of the command is slow
            try:
                self._send(request, 200, b"ok", "text/plain")
            except OSError:
                pass
            return
        if not path.startswith("/api/"):
            self._send(request, 404, b"not found", "text/plain")
            return
        method = path[len("/api/"):]
        args = self._arguments(parsed.query, body, headers.get("content-type", ""))
        with self._lock:
            self.calls.append(Call(method, args, headers, body))
            queue = self.failures.get(method) or []
            failure = queue.pop(0) if queue else None
            if failure is None and method in self.random_faults:
                share, kinds = self.random_faults[method]
                if self._random.random() < share:
                    failure = self._random.choice(kinds)
        if failure is not None and (failure.slow or failure.reset):
            answer = self._answer(method, args)  # Slack accepted it...
            if failure.reset:
                request.close_connection = True
                try:
                    request.connection.shutdown(2)
                except OSError:
                    pass
                return
            time.sleep(failure.slow)  # ...but the answer comes too late for the client
            try:
                self._send(request, 200, json.dumps(answer).encode(), "application/json")
            except OSError:
                pass
            return
        if failure is not None and failure.status != 200:
            extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            payload = json.dumps({"ok": False, "error": "ratelimited" if failure.status == 429 else "internal_error"})
            self._send(request, failure.status, payload.encode(), "application/json", extra)
            return
        if failure is not None and failure.error:
            self._send(request, 200, json.dumps({"ok": False, "error": failure.error}).encode(), "application/json")
            return
        if not headers.get("authorization", "").startswith("Bearer ") and method != "api.test":
            self._send(request, 200, json.dumps({"ok": False, "error": "not_authed"}).encode(), "application/json")
            return
        answer = self._answer(method, args)
        self._send(request, 200, json.dumps(answer).encode(), "application/json")

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
              extra: dict[str, str] | None = None) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(body)

    @staticmethod
    def _arguments(query: str, body: bytes, content_type: str) -> dict[str, Any]:
        args: dict[str, Any] = {k: v[0] for k, v in parse_qs(query).items()}
        if body:
            if "application/json" in content_type:
                args.update(json.loads(body))
            else:
                args.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
        return args

    def _next_ts(self) -> str:
        """Message timestamps as Slack makes them: the time it was posted, unique (µs apart at least)."""
        with self._ts_lock:
            self._last_ts = max(time.time(), self._last_ts + 1e-6)
            return f"{self._last_ts:.6f}"

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "foi-bot",
                    "team_id": "T0001", "user_id": "UBOT", "bot_id": "BBOT"}
        if method in ("chat.postMessage", "chat.update"):
            channel = args.get("channel", "")
            if channel.startswith("C_GONE"):
                return {"ok": False, "error": "channel_not_found"}
            ts = args.get("ts") if method == "chat.update" else self._next_ts()
            message = {"ts": ts, "text": args.get("text", ""), "blocks": args.get("blocks"), "user": "UBOT"}
            if args.get("metadata"):
                meta = args["metadata"]
                message["metadata"] = json.loads(meta) if isinstance(meta, str) else meta
            # A DM to a user id opens an IM channel, as Slack does.
            answered_channel = "D" + channel[1:] if channel.startswith(("U", "W")) else channel
            if method == "chat.update":
                with self._lock:  # Slack edits the message in place
                    for stored in [*self.history.get(answered_channel, []),
                                   *(m for (c, _t), thread in self.threads.items() if c == answered_channel
                                     for m in thread)]:
                        if stored["ts"] == ts:
                            stored["text"], stored["blocks"] = message["text"], message["blocks"]
            if method == "chat.postMessage":
                with self._lock:
                    if args.get("thread_ts"):
                        message["thread_ts"] = args["thread_ts"]
                        self.threads.setdefault((answered_channel, args["thread_ts"]), []).append(message)
                    else:
                        self.history.setdefault(answered_channel, []).append(message)
            return {"ok": True, "channel": answered_channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.replies":
            key = (args.get("channel", ""), args.get("ts", ""))
            oldest = float(args.get("oldest") or 0)
            with self._lock:
                replies = [m for m in self.threads.get(key, []) if float(m["ts"]) >= oldest]
            return {"ok": True, "messages": [{"ts": key[1]}] + replies, "has_more": False}
        if method == "conversations.history":
            oldest = float(args.get("oldest") or 0)
            with self._lock:
                found = [m for m in self.history.get(args.get("channel", ""), []) if float(m["ts"]) >= oldest]
            return {"ok": True, "messages": list(reversed(found)), "has_more": False}
        if method == "conversations.members":
            return {"ok": True, "members": self.channel_members.get(args.get("channel", ""), []),
                    "response_metadata": {"next_cursor": ""}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "U0"))[1:]}}
        if method == "users.info":
            user = self.users.get(args.get("user", ""))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user}
        if method in ("views.open", "views.update", "views.publish", "views.push"):
            return {"ok": True, "view": {"id": "V" + str(next(self._ts)), **(args.get("view") or {})}}
        if method == "files.getUploadURLExternal":
            file_id = "F" + str(next(self._ts))
            return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(args.get("files", "[]"))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        return {"ok": True}
