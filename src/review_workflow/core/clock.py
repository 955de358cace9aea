"""The one clock: the service, the sweep and the documents all read time from here.

`REVIEW_WORKFLOW_NOW` pins it (naive values are read in the agency time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Clock:
    pinned: datetime | None = None
    timezone: str = "Asia/Shanghai"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> datetime:
        """Timezone-aware current time in UTC."""
        if self.pinned is None:
            return datetime.now(UTC)
        pinned = self.pinned if self.pinned.tzinfo else self.pinned.replace(tzinfo=self.tz)
        return pinned.astimezone(UTC)

    def today(self) -> date:
        """The local (agency) calendar date: what deadlines and certificates are judged on."""
        return self.now().astimezone(self.tz).date()

    def local(self, moment: datetime) -> datetime:
        return as_utc(moment).astimezone(self.tz)


def as_utc(moment: datetime) -> datetime:
    """Datetimes read back from SQLite come naive; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
