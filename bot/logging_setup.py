"""Logging that never carries secrets or requesters' personal data.

Commands log case references and event kinds, never request text or requester fields; the filter below is
a second line of defence that masks anything shaped like a Slack token or an email address.
"""

from __future__ import annotations

import logging
import os
import re

_SECRETS = re.compile(r"xox[abposer]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|[\w.+-]+@[\w-]+\.[\w.-]+")


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRETS.sub("[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure_logging(level: str | None = None) -> None:
    level = level or os.environ.get("FOI_LOG_LEVEL", "WARNING")
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
