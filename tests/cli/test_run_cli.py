"""`foi-bot run` as an operator starts it: settings checked at start, signed /foi help answered over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from tests.support.signing import post, signed_headers
from tests.support.slack_standin import SlackStandIn

SECRET = "run-cli-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FOI_", "DATABASE_URL", "DATA_URL"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'foi.sqlite3'}", "DATA_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
                "XDG_DATA_HOME": str(tmp_path / "xdg")})
    env.update(extra)
    return env


def test_run_without_a_token_fails_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=bot_env(tmp_path), capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "foi-bot: setting SLACK_BOT_TOKEN: required to serve Slack (use `foi-bot shell` without Slack)"]


def test_run_without_a_signing_secret_fails_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "run"], env=bot_env(tmp_path, SLACK_BOT_TOKEN="xoxb-1"),
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "setting SLACK_SIGNING_SECRET" in result.stderr and "Traceback" not in result.stderr


def test_run_serves_signed_help_over_http(tmp_path: Path, standin: SlackStandIn) -> None:
    port = free_port()
    env = bot_env(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=standin.api_url)
    process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--port", str(port), "--host", "127.0.0.1"],
                               env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError as exc:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("foi-bot run did not come up: " + (process.stdout.read() if process.poll() is not None else "")) from exc
                time.sleep(0.2)
        body = urlencode({"command": "/foi", "text": "help", "user_id": "U1", "channel_id": "C1", "team_id": "T1",
                          "response_url": standin.response_url("run"), "trigger_id": "t"}).encode()
        status, _ = post(base + "/slack/events", body,
                         signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded"))
        assert status == 200
        [reply] = standin.wait_for("response_url")
        assert "/foi new REQUEST TEXT" in reply.args["text"]
        status, _ = post(base + "/slack/events", body,
                         signed_headers("wrong", body, content_type="application/x-www-form-urlencoded"))
        assert status == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
