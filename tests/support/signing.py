"""Requests to the bot signed exactly as Slack signs them (v0 HMAC-SHA256 of `v0:{ts}:{body}`)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body.decode())
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class SlackSender:
    """Sends slash commands, interactions and events to the bot at `url`, signed with `secret`."""

    def __init__(self, url: str, secret: str, standin: Any) -> None:
        self.url = url
        self.secret = secret
        self.standin = standin

    def command(self, text: str, *, user: str = "U_ALICE", channel: str = "C_WORK", trigger_id: str = "T1.trigger",
                timestamp: int | None = None, secret: str | None = None,
                extra_headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        body = urlencode({
            "token": "legacy", "team_id": "T0001", "channel_id": channel, "user_id": user, "user_name": user.lower(),
            "command": "/foi", "text": text, "response_url": self.standin.response_url(f"cmd-{user}"),
            "trigger_id": trigger_id, "api_app_id": "A0001",
        }).encode()
        headers = signed_headers(secret or self.secret, body, timestamp=timestamp,
                                 content_type="application/x-www-form-urlencoded")
        headers.update(extra_headers or {})
        return post(self.url, body, headers)

    def interaction(self, payload: dict[str, Any]) -> tuple[int, bytes]:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return post(self.url, body, signed_headers(self.secret, body, content_type="application/x-www-form-urlencoded"))

    def event(self, event: dict[str, Any], *, event_id: str = "Ev0001", retry_num: int | None = None) -> tuple[int, bytes]:
        envelope = {"token": "legacy", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
                    "event_id": event_id, "event_time": int(time.time()), "event": event,
                    "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}]}
        body = json.dumps(envelope).encode()
        headers = signed_headers(self.secret, body, content_type="application/json")
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return post(self.url, body, headers)
