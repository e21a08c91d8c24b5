"""Credits and their units: "1.5 Contact Hours", "2 AAMA CEUs (Clinical)", "0.1 CEU", "90 minutes",
"1 credit (2 hours)", "CE Credits: 1.0", "up to 32 hours".

Units stay explicit because the same word means different things: an AAMA CEU is one contact hour (one
recertification point), an IACET CEU is ten contact hours, an NHA CE credit is two hours of CE. A bare
"CEU" is read as the caller says (``ceu=``; IACET, the standard meaning, by default). Units whose length
is not stated by the string or by the caller (a bare "credit", AMT CCP points) get ``hours=None``: the
spider must declare them (``unit_hours=``) rather than have the parser guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import isodate

from catalog.registry import BODY_UNITS
from catalog.registry import UNIT_HOURS as BODY_UNIT_HOURS
from spiders.parsers import NUMBER_WORDS, Unparseable, clean_text, to_number
from spiders.parsers.areas import area_of

#: Contact hours per unit, where the unit itself says so.
UNIT_HOURS: dict[str, Decimal] = {
    "contact_hour": Decimal(1),
    "minute": Decimal(1) / Decimal(60),
    **BODY_UNIT_HOURS,  # aama_ceu, nha_credit, iacet_ceu
}
HOUR_PRECISION = Decimal("0.0001")


@dataclass(frozen=True)
class Credits:
    """``amount`` in ``unit``; ``hours`` = contact hours when the unit's length is known (else None);
    ``body`` / ``area`` when the string names them ("2 AAMA CEUs (Clinical)"); ``up_to`` for maxima."""

    amount: Decimal
    unit: str
    hours: Decimal | None
    body: str | None = None
    area: str | None = None
    up_to: bool = False
    raw: str = ""


_NUM = r"(?P<num>\d+(?:[.,]\d+)?|\.\d+|" + "|".join(NUMBER_WORDS) + ")"
_BODY = r"(?:(?P<body>AAMA|IACET|NHA|AMT|ANCC|AMCA|NCCT)\s*[-®]?\s*)?"
_UNITS: tuple[tuple[str, str], ...] = (
    ("minute", r"min(?:ute)?s?\.?"),
    ("ceu", r"(?:CE\s*)?CEUs?|continuing education units?"),
    ("contact_hour", r"(?:contact|clock|CE|CME|credit|education)?\s*(?:hours?|hrs?\.?|h)\b"),
    ("nha_credit", r"NHA\s+(?:CE\s+)?credits?"),
    ("ccp_point", r"(?:CCP|AMT)\s+points?"),
    ("point", r"(?:recertification\s+)?points?"),
    ("credit", r"(?:CE|CME)?\s*credits?(?:\s+hours?)?"),
)
_UNIT_ALT = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _UNITS)
_AMOUNT_FIRST_RE = re.compile(rf"{_NUM}\s*-?\s*{_BODY}(?:{_UNIT_ALT})(?![a-z])", re.IGNORECASE)
_LABEL_FIRST_RE = re.compile(
    rf"{_BODY}(?:{_UNIT_ALT})\s*(?:awarded|earned|available)?\s*[:=]\s*{_NUM}(?![\d.])", re.IGNORECASE
)
_HOURS_MINUTES_RE = re.compile(
    r"(?P<h>\d+)\s*(?:hours?|hrs?\.?|h)\s*(?:and\s*)?(?P<m>\d+)\s*(?:minutes?|mins?\.?|m)\b", re.I
)
_PAREN_HOURS_RE = re.compile(
    r"\(\s*(?P<num>\d+(?:\.\d+)?)\s*(?:contact\s+|clock\s+)?(?:hours?|hrs?)\s*\)", re.I
)
_UP_TO_RE = re.compile(r"\b(?:up to|maximum of|max\.?|as many as)\s*$", re.I)
_ISO_RE = re.compile(r"^P(?:\d+[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?$", re.I)


def parse_credits(
    text: str | None,
    *,
    ceu: str = "iacet_ceu",
    unit_hours: Mapping[str, Decimal] | None = None,
) -> Credits:
    """Read the first "amount unit" (or "unit: amount") in ``text``.

    ``ceu`` is what a bare "CEU" means on this site ("iacet_ceu" or "aama_ceu"); ``unit_hours`` adds
    hours per unit for open units ("credit", "ccp_point", "point"). Raises Unparseable when no amount
    with a unit is found or the amount is not positive.
    """
    raw = clean_text(text)
    if not raw:
        raise Unparseable("no credits given")
    known = {**UNIT_HOURS, **(unit_hours or {})}
    if _ISO_RE.match(raw):
        return _credits(duration_hours(raw), "contact_hour", known, raw=raw)
    combo = _HOURS_MINUTES_RE.search(raw)
    if combo:
        minutes = Decimal(combo["h"]) * 60 + Decimal(combo["m"])
        return _credits(minutes, "minute", known, raw=raw, up_to=_up_to(raw, combo.start()))
    match = _AMOUNT_FIRST_RE.search(raw) or _LABEL_FIRST_RE.search(raw)
    if match is None:
        raise Unparseable(f"no amount with a unit in {raw!r}")
    amount = to_number(match["num"])
    body = match["body"].upper() if match["body"] else None
    unit = _unit(match, body, ceu)
    explicit = _PAREN_HOURS_RE.search(raw, match.end())
    hours = Decimal(explicit["num"]) if explicit and unit != "contact_hour" else None
    return _credits(
        amount, unit, known, raw=raw, body=body, up_to=_up_to(raw, match.start()), hours=hours,
        area=_area_after(raw, match.end()),
    )  # fmt: skip


def _unit(match: re.Match[str], body: str | None, ceu: str) -> str:
    name = next(name for name, _ in _UNITS if match[name])
    if name == "ceu":
        return BODY_UNITS.get(body or "", ceu)
    if name == "credit" and body == "NHA":
        return "nha_credit"
    if name == "point" and body == "AMT":
        return "ccp_point"
    return name


def _up_to(raw: str, start: int) -> bool:
    return bool(_UP_TO_RE.search(raw[:start]))


def _area_after(raw: str, end: int) -> str | None:
    paren = re.match(r"\s*[(\[-]\s*(?P<word>[A-Za-z]+)", raw[end:])
    return area_of(paren["word"]) if paren else None


def _credits(
    amount: Decimal,
    unit: str,
    known: Mapping[str, Decimal],
    *,
    raw: str,
    body: str | None = None,
    area: str | None = None,
    up_to: bool = False,
    hours: Decimal | None = None,
) -> Credits:
    if amount <= 0:
        raise Unparseable(f"credits must be more than 0 in {raw!r}")
    if hours is None and unit == "minute":
        hours = amount / Decimal(60)
    elif hours is None and unit in known:
        hours = amount * known[unit]
    if hours is not None and hours != hours.quantize(HOUR_PRECISION):
        hours = hours.quantize(HOUR_PRECISION)
    if unit == "minute":
        # Minutes are a length, not a credit: report them as contact hours.
        return Credits(hours or amount, "contact_hour", hours, body, area, up_to, raw)
    return Credits(amount, unit, hours, body, area, up_to, raw)


def duration_hours(text: str) -> Decimal:
    """Study time from an ISO 8601 duration in hours, minutes and seconds ("PT1H30M" = 1.5 h), via isodate.

    Raises Unparseable for anything else, and for a calendar span ("P2D", "P10W", "P3M", "P1DT2H"): days,
    weeks, months and years say how long a course runs, not how many hours it takes."""
    raw = text.strip().upper()
    try:
        duration = isodate.parse_duration(raw)
    except (isodate.ISO8601Error, ValueError):
        raise Unparseable(f"{text!r} is not an ISO 8601 duration") from None
    date_part = raw.split("T", 1)[0]
    if not isinstance(duration, timedelta) or re.search(r"[1-9]", date_part):
        raise Unparseable(f"{text!r} is a calendar span, not study time in hours")
    seconds = Decimal(duration.days * 86400 + duration.seconds) + Decimal(duration.microseconds) / 10**6
    if seconds <= 0:
        raise Unparseable(f"{text!r} is not a positive duration")
    hours = seconds / Decimal(3600)
    return hours if hours == hours.quantize(HOUR_PRECISION) else hours.quantize(HOUR_PRECISION)
