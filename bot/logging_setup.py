"""Logging that never carries secrets or requesters' personal data, in linear time.

Commands log case references and event kinds, never request text or requester fields, and SQL parameters
never reach a log (the engines hide them). The filter below is the second line of defence: every record
is cut to ``MAX_MESSAGE`` characters and then scrubbed of Slack tokens, email addresses (URL-encoded too),
UK phone numbers and postcodes, and the name after a letter's sign-off.

Every pattern is anchored so that a scan is linear in the message's length: a repeated run is entered only
at its start (a lookbehind rejects every other position at once) and consumed possessively, so no
input — an attacker's unsigned multi-megabyte POST included — can make a pattern backtrack. The property
tests feed megabytes of adversarial text under a time bound.

``FOI_LOG_FORMAT=json`` writes one JSON object per line, with the request or job id that produced it.
"""

from __future__ import annotations

import json
import logging
import os
from contextvars import ContextVar
from datetime import datetime, timezone

from commands.rules.personal_data import mask_contacts

#: The id of the HTTP request or job being handled (set by the server and the workers).
request_id: ContextVar[str | None] = ContextVar("foi_bot_request_id", default=None)

#: Longest message kept (characters); anything longer is cut before it is scrubbed.
MAX_MESSAGE = 4000
REDACTED = "[redacted]"

def redact(text: str) -> str:
    """The text without tokens, addresses, phone numbers, postcodes and signed-off names (linear time)."""
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + f"… [{len(text) - MAX_MESSAGE} characters cut]"
    return mask_contacts(text, REDACTED)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks carry exception messages (a database error can quote a value): keep the type and
            # where it happened, scrubbed of anything the message held.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid:
            entry["request_id"] = rid
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = request_id.get()
        return f"{text} [{rid}]" if rid else text


def configure_logging(level: str | None = None, *, fmt: str | None = None) -> None:
    level = level or os.environ.get("FOI_LOG_LEVEL", "WARNING")
    fmt = fmt or os.environ.get("FOI_LOG_FORMAT", "text")
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Bolt logs the whole body of a request it rejects; the front door (bot.slack.server) has already
    # refused those, and nothing Bolt says below WARNING is worth a requester's details in a log.
    logging.getLogger("slack_bolt").setLevel(max(logging.WARNING, root.level))
