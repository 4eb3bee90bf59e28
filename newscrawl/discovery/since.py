"""`-a since=2d` or an ISO date: the cut-off before which articles are skipped."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from newscrawl.extract.dates import parse_iso

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def duration_seconds(value: str) -> float | None:
    """"2d", "12h", "30m", "1w", "90s" as seconds; None for anything else."""
    match = _DURATION.match(value)
    if match is None:
        return None
    return float(match.group(1)) * _SECONDS[match.group(2).lower()]


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """"2d", "12h", "30m", "1w", "90s" (ago) or an ISO 8601 date/time; naive times are UTC."""
    now = now or datetime.now(UTC)
    seconds = duration_seconds(value)
    if seconds == 0:  # a cut-off of now: every article would be older, as with a future date
        raise ValueError(f"since={value!r} is no time ago, so every article would be skipped: give a "
                         "duration such as 2d, or leave since out to keep every article")
    if seconds is not None:
        try:
            return now - timedelta(seconds=seconds)
        except (OverflowError, ValueError):  # before year 1: no date holds it
            raise ValueError(f"since={value!r} reaches back before any date: give a duration such as "
                             "2d or 1w, or an ISO date such as 2024-05-01") from None
    try:
        when = as_utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(f"since={value!r}: give a duration such as 2d, 12h, 30m, 1w "
                         "or an ISO date such as 2024-05-01 or 2024-05-01T06:00:00+02:00") from None
    if when > now:  # every article would be older: a mistyped year, not a cut-off
        raise ValueError(f"since={value!r} is in the future, so every article would be skipped: give a "
                         "past date, or a duration such as 2d")
    return when


def as_utc(when: datetime) -> datetime:
    """An aware datetime; naive values are taken as UTC."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def before_since(published: datetime, since: datetime) -> str:
    """Why a page is not written: `published DAY, before since= (DAY HH:MM UTC)`, both moments in
    UTC (since=...T09:00:00+02:00 is 07:00 UTC: printed as 09:00 UTC, it read as a cut-off two
    hours later); the publication's time too when both fall on one day, else the line says no
    more than that day."""
    published, since = published.astimezone(UTC), since.astimezone(UTC)
    day = f"{published:%Y-%m-%d %H:%M} UTC" if published.date() == since.date() else f"{published:%Y-%m-%d}"
    return f"published {day}, before since= ({since:%Y-%m-%d %H:%M} UTC)"


def parse_when(value: str | None) -> datetime | None:
    """A date from a feed, sitemap or item (ISO 8601 or RFC 822), aware; None if unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return as_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        pass
    when = parse_iso(value)
    return as_utc(when) if when else None


def is_older(when: datetime | None, cutoff: datetime | None) -> bool:
    """Whether a known date lies before the cut-off (unknown dates are never older)."""
    return when is not None and cutoff is not None and as_utc(when) < cutoff
