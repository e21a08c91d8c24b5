"""Pure parsers for the strings CE sites print: prices, credits, content areas, approving bodies, dates.

Each parser is a small pure function that returns a value object or raises :class:`Unparseable` with a
reason. It never guesses: a string it cannot read becomes a recorded problem (``ProviderSpider.parse_field``
stores it on the item), not a number. Parsers wrap the field's own libraries: price-parser (money), isodate
(ISO 8601 durations and dates), w3lib (URLs, HTML entities), extruct (JSON-LD and microdata).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from w3lib.html import remove_tags, replace_entities


class Unparseable(ValueError):
    """A string could not be read; ``str(exc)`` says why (used as the problem reason)."""


_SPACE_RE = re.compile(r"\s+")

NUMBER_WORDS: dict[str, Decimal] = {
    "half": Decimal("0.5"), "one": Decimal(1), "two": Decimal(2), "three": Decimal(3), "four": Decimal(4),
    "five": Decimal(5), "six": Decimal(6), "seven": Decimal(7), "eight": Decimal(8), "nine": Decimal(9),
    "ten": Decimal(10), "twelve": Decimal(12), "fifteen": Decimal(15), "twenty": Decimal(20),
}  # fmt: skip


def clean_text(text: str | None) -> str:
    """Visible text: tags removed, HTML entities decoded, whitespace (incl. non-breaking) collapsed."""
    if not text:
        return ""
    return _SPACE_RE.sub(" ", replace_entities(remove_tags(text)).replace("\xa0", " ")).strip()


def to_number(token: str) -> Decimal:
    """``"1.5"``, ``".5"``, ``"one"`` → Decimal; raises Unparseable otherwise."""
    word = token.strip().lower()
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    try:
        number = Decimal(word.replace(",", "."))
    except InvalidOperation:
        raise Unparseable(f"{token!r} is not a number") from None
    if not number.is_finite():
        raise Unparseable(f"{token!r} is not a number")
    return number
