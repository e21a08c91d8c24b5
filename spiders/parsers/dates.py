"""Dates as sites print them: "2026-03-01", "March 1, 2026", "Sept. 5, 2026", "03/01/2026" (US order),
"Expires: 12/31/2027", "2026-03-01T10:00:00Z". ISO forms are read by isodate."""

from __future__ import annotations

import re
from datetime import date, datetime

import isodate

from spiders.parsers import Unparseable, clean_text

_MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = r"(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec)[a-z]*\.?"
_ISO_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
_MONTH_DAY_YEAR_RE = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.I
)
_DAY_MONTH_YEAR_RE = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})", re.I
)
_MONTH_YEAR_RE = re.compile(rf"\b{_MONTH}\s+(?P<year>\d{{4}})\b", re.I)
_US_RE = re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}|\d{2})\b")


def parse_date(text: str | None) -> date:
    """The first date in ``text``. Numeric dates are read month/day/year (US sites). A month and year
    alone ("March 2026") are not a date: Unparseable, like every other string without a full date."""
    raw = clean_text(text)
    if not raw:
        raise Unparseable("no date given")
    iso = _ISO_RE.search(raw)
    if iso:
        return _iso(iso.group(0))
    for pattern in (_MONTH_DAY_YEAR_RE, _DAY_MONTH_YEAR_RE, _US_RE):
        match = pattern.search(raw)
        if match:
            return _build(raw, match)
    if _MONTH_YEAR_RE.search(raw):
        raise Unparseable(f"{raw!r} gives a month, not a day")
    raise Unparseable(f"no date in {raw!r}")


def _iso(text: str) -> date:
    try:
        if len(text) > 10:
            stamp = isodate.parse_datetime(text.replace(" ", "T"))
            return stamp.date() if isinstance(stamp, datetime) else stamp
        return isodate.parse_date(text)
    except (isodate.ISO8601Error, ValueError):
        raise Unparseable(f"{text!r} is not a valid date") from None


def _build(raw: str, match: re.Match[str]) -> date:
    month = match["month"]
    month_number = int(month) if month.isdigit() else _MONTHS[month.lower()[:3]]
    year = int(match["year"])
    if year < 100:
        year += 2000
    try:
        return date(year, month_number, int(match["day"]))
    except ValueError:
        raise Unparseable(f"{raw!r} is not a valid date") from None
