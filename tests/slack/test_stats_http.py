"""`/foi stats` over HTTP: the table in the case thread, CSV and chart through Slack's upload flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.analytics.demo import load_demo
from storage.analytics.store import open_store

SEED_Q = "stats outcome-by-offence outcome=21 from=2016-01-01 to=2018-01-31 group=indecent-images"


@pytest.fixture
def slack_env(slack_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Here the team is the team channel's members (no FOI_TEAM_USERS), as a force without a list has it."""
    monkeypatch.delenv("FOI_TEAM_USERS")
    return slack_env


def test_only_members_of_the_team_channel_may_run_statistics(bot) -> None:
    bot.standin.channel_members["C_TEAM"] = ["U_ALICE"]
    bot.sender.command(SEED_Q, user="U_OUTSIDER")
    [refusal] = bot.standin.wait_for("response_url")
    assert refusal.args["response_type"] == "ephemeral"
    assert "Only the information-rights team can" in refusal.args["text"]
    assert bot.standin.calls_to("conversations.members")[0].args["channel"] == "C_TEAM"


def test_stats_over_http_upload_csv_and_chart_into_the_case_thread(bot) -> None:
    bot.standin.channel_members["C_TEAM"] = ["U_ALICE"]
    engine = open_store(bot.ctx.settings.data_url, readonly=False)
    load_demo(engine, progress=False)
    engine.dispose()
    bot.sender.command("new Outcome 21 please received:2018-02-09")
    bot.standin.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "C_TEAM")
    bot.idle()
    bot.sender.command(SEED_Q + " chart for FOI2018/00001")
    [posted] = bot.standin.wait_for("chat.postMessage", where=lambda c: "Outcome 21" in json.dumps(c.args.get("blocks")) and c.args.get("thread_ts"))
    assert posted.args["channel"] == "C_TEAM"
    completes = bot.standin.wait_for("files.completeUploadExternal", count=2)
    uploads = bot.standin.calls_to("upload")
    assert len(bot.standin.calls_to("files.getUploadURLExternal")) == 2 and len(uploads) == 2
    names = sorted(json.loads(c.args["files"])[0]["title"] for c in completes)
    assert any("(CSV)" in n for n in names)
    assert all(c.args.get("thread_ts") == posted.args["thread_ts"] for c in completes)
    assert any(b"Child-Distribute Indecent Photo,139" in u.raw for u in uploads)
    chart_url = [c for c in bot.standin.calls_to("files.getUploadURLExternal") if c.args.get("filename", "").endswith(".png")]
    assert chart_url and chart_url[0].args.get("alt_txt", "").startswith("Horizontal bar chart")  # alt text travels
