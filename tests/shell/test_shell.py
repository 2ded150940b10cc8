"""The local shell driven through stdin, as a newcomer would script it: every sub-command and bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def shell(lines: list[str], env_dir: Path, *, user: str = "U_ALICE", extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FOI_", "DATABASE_URL", "DATA_URL"))}
    env.update({"DATABASE_URL": f"sqlite:///{env_dir / 'foi.sqlite3'}", "DATA_URL": f"sqlite:///{env_dir / 'a.sqlite3'}",
                "XDG_DATA_HOME": str(env_dir / "xdg")})
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "bot", "shell", "--as", user], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=env, cwd=env_dir, timeout=120)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


def test_register_and_list_the_seed_request(workdir: Path) -> None:
    result = shell(["/foi new Please tell me how many times you used Outcome 21 received:2018-02-09", "/foi list all"], workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Registered FOI2018/00001: received 2018-02-09, due Fri 9 Mar 2018" in result.stdout
    assert "FOI2018/00001  open" in result.stdout
    assert "Received: 2018-02-09 (as given)" in result.stdout and "no received date found" not in result.stdout
    assert "Please tell me how many times you used Outcome 21" in result.stdout


def test_every_subcommand_in_one_session(workdir: Path) -> None:
    result = shell([
        "/foi help",
        "/foi help assign",
        "/foi new First request about stop and search received:2026-03-02",
        "/foi new Second request about drones received:2026-03-03",
        "/foi show FOI2026/1",
        "/foi assign FOI2026/00001 me",
        "/foi assign FOI2026/00002 <@U_BOB|bob>",
        "/foi list mine",
        "/foi note FOI2026/00001 Asked the stop and search team",
        "/foi show FOI2026/00001",
        "/foi withdraw FOI2026/00002",
        "/foi close FOI2026/00001 answered by phone",
        "/foi list open",
        "/foi list all",
    ], workdir)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "/foi withdraw REF — Record that the requester withdrew the request" in out
    assert "Usage" in out and "/foi assign REF @user" in out
    assert "due Tue 31 Mar 2026" in out  # 2 March 2026 + 20 working days
    assert "FOI2026/00001 is now assigned to @U_ALICE." in out
    assert "FOI2026/00002 is now assigned to @U_BOB." in out
    mine = out.split("open case")[0] if "open case" in out else out
    assert "1 case assigned to you:" in out and "FOI2026/00001" in mine
    assert "note: Asked the stop and search team" in out
    assert "FOI2026/00002 withdrawn." in out
    assert "FOI2026/00001 closed: answered by phone." in out
    assert "No open cases." in out
    assert "2 cases:" in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/foi frobnicate", "`frobnicate` is not a /foi command."),
        ("/foi shwo FOI2026/00001", "Did you mean `show`?"),
        ("/foi show", "Give the case reference, e.g. FOI2026/00042."),
        ("/foi show FOI2026/00099", "There is no case FOI2026/00099."),
        ("/foi show 42", "`42` is not a case reference."),
        ("/foi new", "Give the request text after `/foi new` (in Slack, `/foi new` alone opens the form)."),
        ("/foi new Outcome 21 figures received:2018-02-30", "`2018-02-30` is not a valid received date"),
        ("/foi new Outcome 21 figures received:2999-01-01", "is in the future"),
        ("/foi new received:2018-02-09", "Give the request text as well"),
        ("/foi list sideways", "`sideways` is not a list filter"),
        ("/foi assign FOI2026/00001", "Say who"),
        ("/foi assign FOI2026/00001 bob", "`bob` is not a Slack user"),
        ("/foi note FOI2026/00001", "Write the note after the reference."),
        ("/foi close FOI2026/00042", "There is no case FOI2026/00042."),
        ("/foi withdraw", "Give the case reference"),
        ("/foi help nonsense", "There is no `nonsense` command."),
    ],
)
def test_bad_input_says_what_was_wrong_and_writes_nothing(workdir: Path, line: str, message: str) -> None:
    result = shell(["/foi new Existing request received:2026-03-02", line, "/foi list all"], workdir)
    assert result.returncode == 1  # a scripted session with a failed command exits non-zero
    error = [chunk for chunk in result.stdout.split("\n") if chunk.startswith("error:")]
    assert error, result.stdout
    assert message in result.stdout
    assert "Usage:" in result.stdout
    assert "1 case:" in result.stdout  # nothing else was registered


def test_closing_twice_is_refused(workdir: Path) -> None:
    result = shell(["/foi new A request received:2026-03-02", "/foi close FOI2026/00001", "/foi close FOI2026/00001"], workdir)
    assert "FOI2026/00001 is already closed; nothing was changed." in result.stdout


def test_bad_setting_fails_with_one_line(workdir: Path) -> None:
    result = shell(["/foi help"], workdir, extra_env={"FOI_TIMEZONE": "Mars/Olympus"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "foi-bot: setting FOI_TIMEZONE: Value error, unknown time zone 'Mars/Olympus' (use an IANA name like Europe/London)"
    ]


def test_bad_profile_names_the_field(workdir: Path) -> None:
    profile = workdir / "org.toml"
    profile.write_text('name = "X"\n')
    result = shell(["/foi help"], workdir, extra_env={"FOI_ORG_PROFILE": str(profile)})
    assert result.returncode == 2
    assert "setting FOI_ORG_PROFILE" in result.stderr and "short_name" in result.stderr
    assert "Traceback" not in result.stderr


def test_database_that_cannot_be_opened(workdir: Path) -> None:
    result = shell(["/foi help"], workdir, extra_env={"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert result.returncode == 2
    assert result.stderr.startswith("foi-bot: setting DATABASE_URL: cannot open the database")


def test_interactive_session_shows_a_prompt_and_quits(ctx) -> None:
    import io

    from bot.shell import BANNER, PROMPT, run_shell

    out = io.StringIO()
    code = run_shell(ctx, user="U_ALICE", stdin=io.StringIO("/foi list\nquit\n/foi list\n"), stdout=out, interactive=True)
    text = out.getvalue()
    assert code == 0
    assert text.startswith(BANNER) and text.count(PROMPT) == 2  # one prompt per line read, none after quit
    assert "No open cases." in text
