"""The seed case end to end, as the team would script it: register FOI2018/00739's request (received 9 February
2018) in the shell, answer it, draft, approve as someone else, mark it sent on 8 March 2018, then read the
letter back with `foi-bot draft` -- in the seed letter's order, with the review deadline of 8 May 2018."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from docx import Document

from tests.drafts.conftest import APPROVER, DRAFTER, Q2_COST, Q3_COST, TEST_PROFILE

ROOT = Path(__file__).resolve().parents[2]
REF = "FOI2018/00001"

#: The seed request on one line (the shell reads one command per line), questions numbered inline.
SEED_NEW = (
    "/foi new I am doing a story looking into the issue of youth produced sexual imagery (sexting by under 18s). "
    "All questions relate to period covering January 2016 - December 2017: "
    "1. How many times in total has your force used Outcome 21? "
    "2. How many of those Outcome 21s relate to Youth Produced Sexual Imagery (sexting by under 18s)? "
    "3. How many overall reports of crimes relating to Youth Produced Sexual Imagery (sexting by under 18s) have "
    "been made to your force? "
    "4. Of those overall reports how many were by pupils aged 11-17? "
    "received:2018-02-09"
)
REASONS = ("Due to the way the crime details are recorded on our Crime Information System it is not possible to "
           "identify which of these crimes relate to images of the young people themselves; identification would "
           "involve reading the details of every report.")


def environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FOI_", "DATABASE_URL", "DATA_URL"))}
    env.update({"DATABASE_URL": f"sqlite:///{workdir / 'foi.sqlite3'}", "DATA_URL": f"sqlite:///{workdir / 'a.sqlite3'}",
                "XDG_DATA_HOME": str(workdir / "xdg"), "FOI_APPROVERS": APPROVER, "FOI_ORG_PROFILE": str(TEST_PROFILE)})
    return env


def shell(lines: list[str], workdir: Path, *, user: str, files: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = ["--files", str(files)] if files else []
    return subprocess.run([sys.executable, "-m", "bot", "shell", "--as", user, *extra], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, env=environment(workdir), cwd=workdir, timeout=120)


def cli(args: list[str], workdir: Path, *, text: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "draft", *args], capture_output=True, text=text,
                          env=environment(workdir), cwd=workdir, timeout=120)


def test_the_seed_case_end_to_end(tmp_path: Path) -> None:
    drafted = shell([
        SEED_NEW,
        f"/foi answer {REF} 1 88",
        f"/foi answer {REF} 2 {Q2_COST}",
        f"/foi answer {REF} 3 {Q3_COST}",
        f"/foi exempt {REF} s12 Q2 Q3 Q4",
        f"/foi answer {REF} hours 1,144 crime reports to read at 3 minutes each = 57 hours",
        f"/foi answer {REF} advice If you ask only for the number of Outcome 21s, we can answer within the limit.",
        f"/foi answer {REF} reasons {REASONS}",
        f"/foi draft {REF} response date:2018-03-08",
        f"/foi approve {REF}",  # the drafter is not an approver
    ], tmp_path, user=DRAFTER, files=tmp_path / "files")
    out = drafted.stdout
    assert f"Registered {REF}: received 2018-02-09" in out, out + drafted.stderr
    assert f"Draft v1 of {REF} (Response) is in the case thread." in out
    assert "Still needed" not in out
    assert "error: Only approvers can approve letters: @U_BOB." in out
    assert drafted.returncode == 1  # the refused approval
    saved = tmp_path / "files" / "FOI2018-00001-response-v1.docx"
    assert saved.exists() and (tmp_path / "files" / "FOI2018-00001-response-v1.md").exists()

    approved = shell([f"/foi approve {REF}", f"/foi sent {REF}", f"/foi show {REF}"], tmp_path, user=APPROVER)
    out = approved.stdout
    assert approved.returncode == 0, out + approved.stderr
    assert f"Approved v1 of {REF}." in out
    assert f"Response v1 of {REF} marked as sent on Thu 8 Mar 2018" in out
    assert "The requester may ask for an internal review until Tue 8 May 2018." in out
    assert "status:   responded" in out
    assert "Internal review may be requested until Tuesday 8 May 2018" in out

    letter = cli([REF, "--format", "txt"], tmp_path)
    assert letter.returncode == 0, letter.stderr
    text = letter.stdout
    in_order = [
        "Our Ref: FOI2018/00001",
        "REQUEST UNDER THE FREEDOM OF INFORMATION ACT 2000 Ref No: FOI2018/00001",
        "received on 9th February 2018",
        "How many times in total has your force used Outcome 21?",  # the request, quoted
        "Of those overall reports how many were by pupils aged 11-17?",
        "Crime Information System",  # the case's own explanation
        "would exceed the cost limit of 18 hours",
        "Response",
        "Q1 – 88",
        "Q2 – As detailed above, we cannot provide this figure within cost.",
        "Q3 – As detailed above, we cannot provide this figure within cost. The total number",
        "Q4 – As detailed above",
        "un-audited snapshot",
        "Yours sincerely",
        "should reach us by 8th May 2018",
        "Information Commissioner",
        "0303 123 1113",
    ]
    positions = [text.index(piece) for piece in in_order]
    assert positions == sorted(positions), [p for p, i in zip(in_order, positions, strict=True)]
    assert "**" not in text and "8th March 2018" in text

    markdown = cli([REF], tmp_path).stdout
    assert "**Q1** – 88" in markdown and "## Response" in markdown

    out_file = tmp_path / "letter.docx"
    written = cli([REF, "--format", "docx", "--out", str(out_file)], tmp_path)
    assert written.returncode == 0 and f"wrote {out_file}" in written.stdout
    document = Document(io.BytesIO(out_file.read_bytes()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Our Ref: FOI2018/00001" in body and "Q1 – 88" in body and "8th May 2018" in body

    fresh = cli([REF, "--template", "acknowledgement", "--format", "txt"], tmp_path)
    assert "We will therefore respond by 9th March 2018." in fresh.stdout
    assert "8th March 2018" in fresh.stdout  # a fresh letter is dated the response date
    dated = cli([REF, "--template", "acknowledgement", "--date", "2018-02-12", "--format", "txt"], tmp_path)
    assert dated.returncode == 0 and dated.stdout.split("Our Ref")[0].rstrip().endswith("12th February 2018")
    assert cli([REF, "--date", "2018-13-01"], tmp_path).returncode == 2

    published = cli([REF, "--disclosure-log", "--format", "html"], tmp_path)
    assert published.returncode == 0, published.stderr
    page = published.stdout
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "<h1>REQUEST UNDER THE FREEDOM OF INFORMATION ACT 2000 Ref No: FOI2018/00001</h1>" in page
    assert '<a href="https://ico.org.uk/concerns/">https://ico.org.uk/concerns/</a>' in page
    log_docx = tmp_path / "log.docx"
    assert cli([REF, "--disclosure-log", "--format", "docx", "--out", str(log_docx)], tmp_path).returncode == 0
    assert Document(io.BytesIO(log_docx.read_bytes())).core_properties.subject == "Response (disclosure log)"


def test_the_cli_says_what_is_wrong(tmp_path: Path) -> None:
    missing = cli(["FOI2018/00099"], tmp_path)
    assert missing.returncode == 2 and missing.stderr.strip() == (
        "foi-bot draft: There is no case FOI2018/00099. Check the reference with `/foi list all`.")
    assert cli(["nonsense"], tmp_path).stderr.startswith("foi-bot draft: `nonsense` is not a case reference.")
    shell(["/foi new A request about drones received:2018-02-09"], tmp_path, user=DRAFTER)
    bad = cli(["FOI2018/00001", "--template", "sonnet"], tmp_path)
    assert bad.returncode == 2 and "`sonnet` is not a letter template" in bad.stderr
    unanswered = cli(["FOI2018/00001", "--format", "txt"], tmp_path)
    assert unanswered.returncode == 0 and "[ANSWER NEEDED: Q1]" in unanswered.stdout
    not_approved = cli(["FOI2018/00001", "--disclosure-log"], tmp_path)
    assert not_approved.returncode == 2 and "has no approved letter yet" in not_approved.stderr


def test_profile_check_says_what_is_missing(tmp_path: Path) -> None:
    env = {**environment(tmp_path)}
    env.pop("FOI_ORG_PROFILE")
    example = subprocess.run([sys.executable, "-m", "bot", "profile", "check"], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=120)
    assert example.returncode == 1 and "drafts are marked EXAMPLE PROFILE" in example.stdout
    assert "  - name: still the example's ('Example Constabulary')" in example.stdout
    ready = subprocess.run([sys.executable, "-m", "bot", "profile", "check"], capture_output=True, text=True,
                           env=environment(tmp_path), cwd=tmp_path, timeout=120)
    assert ready.returncode == 0 and "is ready: Hertfordshire Constabulary" in ready.stdout
