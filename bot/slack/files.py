"""Files shared with a message: downloaded from Slack with the bot token, size-limited, read as text.

Slack gives a file's ``url_private``; fetching it needs the bot token (scope ``files:read``) in an
``Authorization`` header. The token is only ever sent to Slack's own file host or the configured Web API
host (a local stand-in in tests), never to another address a message might carry. What the bytes say is
read by :func:`commands.attachment_text.extract_text`, which knows nothing of Slack.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from commands.attachment_text import MAX_FILE_BYTES, ExtractedText, extract_text

log = logging.getLogger(__name__)

SLACK_FILE_HOSTS = frozenset({"files.slack.com", "slack-files.com"})
DOWNLOAD_TIMEOUT_SECONDS = 20
#: Kinds Slack itself renders as text (``plain_text``/``preview``): the event carries their text already.
_TEXT_IN_EVENT = ("plain_text", "preview_plain_text", "preview")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Slack answers a download without a valid token with a redirect to a login page: that is a failure,
    and following it would send nothing useful (and the header must not follow the redirect elsewhere)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(frozen=True)
class SharedFile:
    name: str
    extracted: ExtractedText


def download(url: str, token: str, *, allowed_hosts: frozenset[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; raises ValueError for a host that may not see the token or a file over ``limit``."""
    host = urlparse(url).hostname or ""
    if host not in allowed_hosts:
        raise ValueError(f"not a Slack file address ({host or 'no host'})")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise ValueError(f"Slack refused the download (HTTP {exc.code}); is the files:read scope granted?") from None
    if len(data) > limit:
        raise ValueError(f"the file is larger than {limit // (1024 * 1024)} MB")
    return data


def shared_files(event: dict[str, Any], token: str | None, *, api_url: str) -> list[SharedFile]:
    """The text of every file in a message event that Slack did not already give as text."""
    allowed = SLACK_FILE_HOSTS | {urlparse(api_url).hostname or ""}
    found: list[SharedFile] = []
    for file in event.get("files") or []:
        if any(file.get(key) for key in _TEXT_IN_EVENT) or file.get("mode") == "email":
            continue  # message_text() already reads these
        name = str(file.get("name") or file.get("title") or "attachment")
        url = file.get("url_private_download") or file.get("url_private")
        if not url or not token:
            found.append(SharedFile(name, ExtractedText("", "unknown", "the file could not be fetched from Slack")))
            continue
        size = file.get("size")
        if isinstance(size, int) and size > MAX_FILE_BYTES:
            found.append(SharedFile(name, ExtractedText("", "too-large", "the file is too large to read here")))
            continue
        try:
            data = download(url, token, allowed_hosts=frozenset(allowed))
        except (OSError, ValueError) as exc:
            log.warning("shared file not downloaded: %s", exc)
            found.append(SharedFile(name, ExtractedText("", "unknown", f"the file could not be fetched ({exc})")))
            continue
        found.append(SharedFile(name, extract_text(data, name)))
    return found
