"""AAMA content areas as sites print them: "Clinical", "Admin", "Clinical: 1.0 / General: 0.5",
"1 Administrative + 0.5 General", "Category: General (1.5 CEUs)".

Areas are the record's three: administrative, clinical, general. Amounts are returned in the unit the
page prints them in (usually the course's credits); the spider converts them to contact hours.
"""

from __future__ import annotations

import re
from decimal import Decimal

from spiders.parsers import Unparseable, clean_text, to_number

_SYNONYMS: dict[str, str] = {
    "administrative": "administrative", "admin": "administrative", "adm": "administrative",
    "administration": "administrative", "clerical": "administrative", "business": "administrative",
    "clinical": "clinical", "clin": "clinical", "clinic": "clinical",
    "general": "general", "gen": "general",
}  # fmt: skip
_AREA = r"(?P<area>" + "|".join(sorted(_SYNONYMS, key=len, reverse=True)) + r")\.?"
_AMOUNT = r"(?P<num>\d+(?:\.\d+)?|\.\d+)"
_UNIT = r"(?:\s*(?:AAMA\s*)?(?:CEUs?|credits?|hours?|hrs?|points?|contact hours?))?"
_AREA_WORD_RE = re.compile(rf"\b{_AREA}(?![a-z])", re.I)
_AREA_THEN_AMOUNT_RE = re.compile(rf"\b{_AREA}(?:\s*(?:CEUs?|credits?))?\s*[:=(\-–]?\s*{_AMOUNT}", re.I)
_AMOUNT_THEN_AREA_RE = re.compile(rf"{_AMOUNT}{_UNIT}\s*(?:in\s+|of\s+)?[(\-–:]?\s*\b{_AREA}(?![a-z])", re.I)
TOLERANCE = Decimal("0.01")


def area_of(word: str | None) -> str | None:
    """The content area one word names ("Clinical", "admin.", "General Education"), else None."""
    match = _AREA_WORD_RE.search(clean_text(word))
    return _SYNONYMS[match["area"].lower()] if match else None


def parse_areas(text: str | None, *, total: Decimal | None = None) -> dict[str, Decimal]:
    """Area → amount from a content-area string.

    With amounts ("Clinical: 1.0, General: 0.5") they are returned as printed and, when ``total`` is
    given, must add up to it. With a single area and no amount, the whole ``total`` goes to it. Raises
    Unparseable when no area is named, several are named without amounts, or the amounts disagree.
    """
    raw = clean_text(text)
    if not raw:
        raise Unparseable("no content area given")
    split = _split(raw)
    if split:
        if total is not None and abs(sum(split.values()) - total) > TOLERANCE:
            raise Unparseable(f"areas in {raw!r} add up to {sum(split.values())}, not {total}")
        return split
    named = list(dict.fromkeys(_SYNONYMS[m["area"].lower()] for m in _AREA_WORD_RE.finditer(raw)))
    if not named:
        raise Unparseable(f"no content area in {raw!r}")
    if len(named) > 1:
        raise Unparseable(f"{raw!r} names {', '.join(named)} without saying how much of each")
    if total is None:
        raise Unparseable(f"{raw!r} names an area but no amount")
    return {named[0]: total}


def _split(raw: str) -> dict[str, Decimal]:
    pairs: dict[str, Decimal] = {}
    for pattern in (_AREA_THEN_AMOUNT_RE, _AMOUNT_THEN_AREA_RE):
        found = [(_SYNONYMS[m["area"].lower()], to_number(m["num"])) for m in pattern.finditer(raw)]
        if found:
            for area, amount in found:
                if area in pairs:
                    raise Unparseable(f"{raw!r} gives {area} twice")
                if amount > 0:
                    pairs[area] = amount
            return pairs
    return pairs
