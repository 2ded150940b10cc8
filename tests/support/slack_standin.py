"""A local stand-in for Slack's Web API: records every call and answers the way Slack does.

Serves `/api/<method>` (JSON, form or query-string arguments), the `upload_url` that
`files.getUploadURLExternal` hands out, and `response_url`s. Tests can make the next call to a method
fail with an HTTP status (429 with Retry-After, 500) or a Slack error (`channel_not_found`).
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


@dataclass
class Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None


@dataclass
class SlackStandIn:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channel_members: dict[str, list[str]] = field(default_factory=dict)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # served at /files/<id>/<name> to a Bearer token

    def __post_init__(self) -> None:
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- control -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def response_url(self, key: str = "r1") -> str:
        return f"{self.url}/response/{key}"

    def fail_next(self, method: str, *, status: int = 200, error: str | None = None, retry_after: int | None = None) -> None:
        self.failures.setdefault(method, []).append(Failure(status=status, error=error, retry_after=retry_after))

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

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0, where: Any = None) -> list[Call]:
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
            file_id = path.split("/")[2]
            with self._lock:
                self.calls.append(Call("file_download", {"file_id": file_id}, headers, body))
                content = self.files.get(file_id)
            if content is None or not headers.get("authorization", "").startswith("Bearer "):
                self._send(request, 404 if content is None else 403, b"no", "text/plain")
            else:
                self._send(request, 200, content, "application/octet-stream")
            return
        if path.startswith("/response/"):
            args = json.loads(body or b"{}")
            with self._lock:
                self.calls.append(Call("response_url", args, headers, body))
            self._send(request, 200, b"ok", "text/plain")
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
        return f"{1_700_000_000 + next(self._ts)}.{next(self._ts):06d}"

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
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
                with self._lock:
                    self.threads.setdefault((channel, args["thread_ts"]), []).append(message)
            # A DM to a user id opens an IM channel, as Slack does.
            answered_channel = "D" + channel[1:] if channel.startswith(("U", "W")) else channel
            return {"ok": True, "channel": answered_channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.replies":
            key = (args.get("channel", ""), args.get("ts", ""))
            return {"ok": True, "messages": [{"ts": key[1]}] + self.threads.get(key, []), "has_more": False}
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
