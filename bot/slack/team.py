"""Who counts as the team: the configured user list, else the members of the team channel.

Membership is read from Slack (`conversations.members`) and cached for a few minutes, so a permission
check costs no Slack call on most commands; if Slack cannot be asked, the last known list is used and,
with none, the answer is no (statistics are not disclosed on a guess).
"""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class TeamDirectory:
    def __init__(self, client: WebClient, channel: str, *, ttl_seconds: float = 300.0) -> None:
        self.client = client
        self.channel = channel
        self.ttl = ttl_seconds
        self._members: set[str] | None = None
        self._fetched = 0.0
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        members: set[str] = set()
        cursor = None
        while True:
            response = self.client.conversations_members(channel=self.channel, cursor=cursor, limit=500)
            members.update(response.get("members") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        self._members, self._fetched = members, time.monotonic()

    def __call__(self, user: str) -> bool:
        with self._lock:
            if self._members is None or time.monotonic() - self._fetched > self.ttl:
                try:
                    self._refresh()
                except SlackApiError as exc:
                    log.warning("team channel membership unavailable: %s", exc.response.get("error"))
            return bool(self._members) and user in self._members
