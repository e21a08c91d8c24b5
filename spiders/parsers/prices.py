"""Prices as sites print them: "$29.95", "29.95 USD", "Free", "Included with membership",
"Member: $10.00 / Non-member: $20.00", "$895 for AMT members and $1,095 for non-members".

Amounts are read by price-parser (thousands and decimal separators); this module finds the amounts in a
string, labels each (member, non-member, sale, was) from the words around it and decides which one is the
price. Money stays Decimal in the currency printed (the caller's default when only "$" or none is shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from price_parser import Price as _ParsedPrice

from spiders.parsers import Unparseable, clean_text


@dataclass(frozen=True)
class Price:
    """A parsed price. ``amount`` is what a non-member pays (0 = free); ``member_amount`` what a member
    pays when the page shows both; ``included`` means the course comes with a membership or
    subscription instead of a price of its own (``amount`` is then None unless also printed)."""

    amount: Decimal | None
    currency: str
    member_amount: Decimal | None = None
    included: bool = False
    raw: str = ""


_SYMBOLS = {"$": None, "US$": "USD", "CA$": "CAD", "C$": "CAD", "€": "EUR", "£": "GBP"}
_CODES = ("USD", "CAD", "EUR", "GBP", "AUD")
_CUR = r"US\$|CA\$|C\$|[$€£]|USD|CAD|EUR|GBP|AUD"
_TOKEN_RE = re.compile(
    rf"(?P<pre>{_CUR})?\s?(?P<num>\d[\d.,]*\d|\d)(?!\s?%)\s?(?P<post>USD|CAD|EUR|GBP|AUD|€|dollars)?"
    r"|(?P<free>\bfree\b|\bno charge\b|\bno cost\b|\bcomplimentary\b)",
    re.IGNORECASE,
)
_INCLUDED_RE = re.compile(
    r"\bincluded\b|\bfree (?:for|to|with) (?:\w+ )?(?:members|membership|subscribers|certification)"
    r"|without additional fees?|with (?:your |an? )?(?:\w+ )?(?:membership|subscription)\b"
    r"|members? only|\bsubscribers? only",
    re.IGNORECASE,
)
_NON_MEMBER_RE = re.compile(r"non[-\s]?members?|general public|\bpublic\b", re.I)
_MEMBER_RE = re.compile(r"\bmembers?\b|member price", re.I)
_NOW_RE = re.compile(r"\b(?:now|sale|special|today|current|your price|discounted)\b", re.I)
_WAS_RE = re.compile(r"\b(?:was|reg\.?|regular|originally|list|retail|compare at)\b", re.I)
_RANGE_RE = re.compile(r"^\s*(?:-|–|—|to)\s*$", re.I)
_NOT_PRICE_RE = re.compile(
    r"^\s*(?:call|contact|tbd|tba|n/?a|coming soon|price varies|varies|see (?:below|details))", re.I
)


@dataclass(frozen=True)
class _Amount:
    value: Decimal
    currency: str | None
    marked: bool  # printed with a currency sign or code ("$" alone names no particular currency)
    before: str
    after: str
    free: bool


def parse_price(text: str | None, *, default_currency: str = "USD") -> Price:
    """Read one price string. Raises Unparseable for empty text, "Call for pricing", ranges, mixed
    currencies, or labels that do not say which amount applies."""
    raw = clean_text(text)
    if not raw:
        raise Unparseable("no price given")
    if _NOT_PRICE_RE.match(raw):
        raise Unparseable(f"{raw!r} is not a price")
    amounts = _amounts(raw)
    included = bool(_INCLUDED_RE.search(raw))
    if not amounts:
        if included:
            return Price(None, default_currency, included=True, raw=raw)
        raise Unparseable(f"no amount in {raw!r}")
    currencies = {a.currency for a in amounts if a.currency}
    if len(currencies) > 1:
        raise Unparseable(f"several currencies in {raw!r}")
    currency = currencies.pop() if currencies else default_currency
    amount, member = _choose(amounts, raw)
    return Price(amount, currency, member_amount=member, included=included and amount is None, raw=raw)


def _amounts(raw: str) -> list[_Amount]:
    matches = list(_TOKEN_RE.finditer(raw))
    found: list[_Amount] = []
    for index, match in enumerate(matches):
        start = matches[index - 1].end() if index else 0
        end = matches[index + 1].start() if index + 1 < len(matches) else len(raw)
        before, after = raw[start : match.start()], raw[match.end() : end]
        if match.group("free"):
            found.append(_Amount(Decimal(0), None, False, before, after, True))
            continue
        pre, post = match.group("pre"), match.group("post")
        mark = pre or post
        found.append(_Amount(_value(match.group("num")), _currency(mark), bool(mark), before, after, False))
    if any(a.marked or a.free for a in found):
        # Bare numbers next to priced ones are years, counts or hours ("2026", "26 courses"), not money.
        found = [a for a in found if a.marked or a.free]
    return found


def _value(number: str) -> Decimal:
    parsed = _ParsedPrice.fromstring(number)
    if parsed.amount is None:
        raise Unparseable(f"{number!r} is not an amount")
    return parsed.amount


def _currency(mark: str | None) -> str | None:
    if mark is None:
        return None
    upper = mark.upper()
    if upper in _CODES:
        return upper
    if upper == "DOLLARS":
        return None
    return _SYMBOLS.get(mark, _SYMBOLS.get(upper))


_AFTER_LABEL_RE = re.compile(
    r"^\s*(?:(?:for|to|per)\s+(?:[A-Z]{2,5}\s+)?(?:non[-\s]?)?members?\b"  # "$895 for AMT members"
    r"|\(\s*(?:for\s+)?(?:non[-\s]?)?members?\s*(?:only)?\s*\)"  # "$10 (members)"
    r"|(?:non[-\s]?)?members?\b(?!\s*:))",  # "$15 non-members", not "$15 / Members: $10"
    re.I,
)


def _label(amount: _Amount) -> str | None:
    # "… $895 for AMT members" is labelled by what follows; "Member: $10" by what precedes.
    context = amount.after if _AFTER_LABEL_RE.match(amount.after) else amount.before
    if _NON_MEMBER_RE.search(context):
        return "non_member"
    if _MEMBER_RE.search(context):
        return "member"
    if _NOW_RE.search(amount.before):
        return "now"
    if _WAS_RE.search(amount.before):
        return "was"
    return None


def _choose(amounts: list[_Amount], raw: str) -> tuple[Decimal | None, Decimal | None]:
    if len(amounts) == 1:
        only = amounts[0]
        if _label(only) == "member":
            return None, only.value
        return only.value, None
    labels = [_label(a) for a in amounts]
    by_label: dict[str | None, list[Decimal]] = {}
    for label, amount in zip(labels, amounts, strict=True):
        by_label.setdefault(label, []).append(amount.value)
    if any(len(values) > 1 for values in by_label.values()):
        if len(amounts) == 2 and _RANGE_RE.match(amounts[1].before):
            raise Unparseable(f"{raw!r} is a price range, not one price")
        raise Unparseable(f"several amounts in {raw!r} and no label says which applies")
    if "member" in by_label or "non_member" in by_label:
        member = by_label.get("member", [None])[0]
        regular = by_label.get("non_member", by_label.get("now", by_label.get(None, [None])))[0]
        return regular, member
    if "now" in by_label:
        return by_label["now"][0], None
    if "was" in by_label and None in by_label:
        return by_label[None][0], None
    raise Unparseable(f"several amounts in {raw!r} and no label says which applies")
