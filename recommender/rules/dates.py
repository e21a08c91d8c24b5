"""Dates as people type them: ISO ``2022-03-15`` and US ``3/15/2022`` (month first), one parser for the
profile, the transcript, the CLI and the app."""

from __future__ import annotations

import re
from datetime import date, datetime

DATE_FORMS = "YYYY-MM-DD or M/D/YYYY"

_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: object) -> date:
    """A calendar date from ISO ``YYYY-MM-DD`` or US ``M/D/YYYY`` text (a ``date`` passes through).

    Raises ValueError with words fit for a one-line error ("must be a date as …, got '13/01/2022'")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    us = _US.fullmatch(text)
    try:
        if us is not None:
            month, day, year = (int(part) for part in us.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"must be a date as {DATE_FORMS}, got {text!r}")
