"""Dates as people type them: ISO ``2022-03-15`` and US ``3/15/2022`` (month first), one parser for the
profile, the transcript, the CLI and the app."""

from __future__ import annotations

import re
from datetime import date, datetime

from catalog.records import FIRST_DAY, LAST_DAY

DATE_FORMS = "YYYY-MM-DD or M/D/YYYY"

_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: object) -> date:
    """A calendar date from ISO ``YYYY-MM-DD`` or US ``M/D/YYYY`` text (a ``date`` passes through).

    Raises ValueError with words fit for a one-line error ("must be a date as …, got '13/01/2022'")."""
    if isinstance(value, datetime):
        return _bounded(value.date(), value)
    if isinstance(value, date):
        return _bounded(value, value)
    text = str(value).strip()
    us = _US.fullmatch(text)
    try:
        if us is not None:
            month, day, year = (int(part) for part in us.groups())
            return _bounded(date(year, month, day), text)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return _bounded(date.fromisoformat(text), text)
    except ValueError as exc:
        if "from" in str(exc):
            raise
    raise ValueError(f"must be a date as {DATE_FORMS}, got {text[:60]!r}")


def _bounded(day: date, given: object) -> date:
    """``day`` when it lies from catalog.records.FIRST_DAY to LAST_DAY: date arithmetic on 9999-12-31
    (a cycle end five years on) or 0001-01-01 fails."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be a date from {FIRST_DAY} to {LAST_DAY}, got {str(given)[:60]!r}")
    return day
