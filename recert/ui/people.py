"""Numbers and text for people: $12.50, 1.5 h, "3 days left"; markdown escaping; http(s)-only links.

Pure functions (no Streamlit). Money is USD (``Decimal`` in, a display string out); hours are contact hours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

import pandas as pd

from catalog.registry import KNOWN_BODIES
from catalog.text import plural
from recert.safe_text import visible, visible_line

Number = Decimal | int | float

CENT = Decimal("0.01")

TITLE_MARK = "#recert-title="

# LinkColumn shows the first group of this pattern (URL-decoded) instead of the URL itself.
LINK_TITLE_PATTERN = "#recert-title=(.*)$"

# What a markdown link's address keeps as is: a URL's own delimiters (spaces, brackets and parentheses,
# which would end the link, are percent-encoded; "%" stays so an encoded URL is not encoded twice).
URL_SAFE = ":/?#@!$&'*+,;=%~"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def _decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(amount: Number | None, *, free_word: bool = False) -> str:
    """USD for people: ``$12.50``, ``$1,234.00``; "—" when unknown; "Free" for 0 if ``free_word``."""
    if amount is None:
        return "—"
    value = _decimal(amount)
    if not value.is_finite():
        return "—"
    if free_word and value == 0:
        return "Free"
    cents = value.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents):,.2f}"


def money_in(amount: Number | None, currency: str) -> str:
    """Money in its own currency: ``$12.50`` for USD, ``1,000.00 EUR`` otherwise; "—" when unknown."""
    if currency == "USD" or amount is None:
        return money(amount)
    return f"{_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP):,.2f} {currency}"


def amount(value: Number | None) -> str:
    """A credit or hour amount without trailing zeros: 2 → "2", 1.50 → "1.5", 0.25 → "0.25"."""
    if value is None:
        return "—"
    number = _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    text = f"{number:f}"
    return "0" if text in ("-0", "0") else text


def hours(value: Number | None) -> str:
    """Contact hours for people: ``1.5 h``, ``1 h``."""
    return "—" if value is None else f"{amount(value)} h"


def per_credit(value: Number | None, unit: str = "credit") -> str:
    """Cost per credit: ``$6.25 per credit``; "—" when unknown (e.g. a course without credit)."""
    return "—" if value is None else f"{money(value)} per {unit}"


def days_left(deadline: date, today: date) -> str:
    """``123 days left``, ``due today``, ``1 day overdue``."""
    days = (deadline - today).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"{plural(days, 'day')} left"
    return f"{plural(-days, 'day')} overdue"


def shown(text: object) -> str:
    """Scraped or typed text as the app shows it: control characters and bidi overrides made visible
    (recert.safe_text, as in the CLI), so a title cannot show ``gnp.exe`` as ``exe.png``."""
    return visible(str(text))


def md_escape(text: object) -> str:
    """Text safe to place inside Streamlit markdown (labels, st.error, st.caption): every markdown,
    HTML and LaTeX character is backslash-escaped so scraped text shows literally, on one line, with
    control characters and bidi overrides made visible."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible_line(str(text).replace("\n", " ")))


def safe_url(url: object) -> str | None:
    """``url`` if it is an http(s) URL with a host, else None (never a javascript: or data: link)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def md_link(url: object, title: str) -> str:
    """Markdown for ``title`` linking to ``url`` (text escaped as ``md_escape`` does; the URL only if it
    is http(s), with spaces, brackets and parentheses percent-encoded), else the escaped title alone."""
    checked = safe_url(url)
    text = md_escape(title)
    if checked is None:
        return text
    return f"[{text}]({quote(checked, safe=URL_SAFE)})"


def titled_link(url: object, title: str) -> str | None:
    """The URL carrying its title in a fragment, for a LinkColumn with ``LINK_TITLE_PATTERN``.

    The fragment never reaches the provider's server; the grid shows the decoded title as the link text.
    """
    checked = safe_url(url)
    if checked is None:
        return None
    return f"{checked.split('#', 1)[0]}{TITLE_MARK}{quote_plus(shown(title))}"


UNIT_WORDS = {"point": "point", "credit": "credit", "clock_hour": "clock hour"}


def unit_word(unit: str) -> str:
    """A credential's unit for people: "point", "credit", "clock hour"."""
    return UNIT_WORDS.get(unit, unit.replace("_", " "))


def format_label(fmt: str) -> str:
    """A course format for people: "in_person" → "In person"."""
    return fmt.replace("_", " ").capitalize()


def alternative_label(name: str) -> str:
    """An alternative plan's name for people: "runner_up_1" → "Runner up 1", "all_aama" → "All AAMA"."""
    words = [word.upper() if word.upper() in KNOWN_BODIES else word for word in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def credit_summary(credits: Any, names: Mapping[str, str] | None = None) -> str:
    """``{credential: {area: credit}}`` → "CMA (AAMA): clinical 2, general 1" (plain text); ``names``
    maps credential ids to names for people (ids are shown otherwise)."""
    parts = []
    for credential, areas in credits.items():
        shown = ", ".join(f"{area} {amount(value)}" for area, value in areas.items() if value)
        if shown:
            parts.append(f"{(names or {}).get(credential, credential)}: {shown}")
    return "; ".join(parts) or "—"


def decimal_or_none(value: float | int | None) -> Decimal | None:
    """A number input where 0 means "no limit" → None, else an exact Decimal (cents for money)."""
    if not value:
        return None
    return Decimal(str(value)).quantize(CENT)


def jsonable(value: Any) -> Any:
    """``value`` with Decimals as JSON numbers and dates as ISO text (for the profile download)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def parse_day(value: object) -> date | None:
    """A date from the profile's ISO text (None when absent or malformed: the rules report it)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def as_float(value: Any) -> float | None:
    """A Decimal (or missing value) as a float for charts and grid columns; rounding is only for display."""
    return None if value is None or pd.isna(value) else float(value)


def for_people(
    frame: pd.DataFrame,
    *,
    dollars: Iterable[str] = (),
    contact_hours: Iterable[str] = (),
    amounts: Iterable[str] = (),
) -> Any:
    """``frame`` styled for people — $12.50, 1.5 h, 2.5, "—" when missing — while the values stay numbers,
    so the grid still sorts them as numbers."""
    formats: dict[str, str | Callable[[object], str] | None] = {}
    for names, show in ((dollars, money), (contact_hours, hours), (amounts, amount)):
        for name in names:
            formats[name] = _or_dash(show)
    return frame.style.format(formats, na_rep="—")


def _or_dash(show: Callable[[Any], str]) -> Callable[[object], str]:
    """``show`` of a value, "—" for a missing one."""

    def shown(value: Any) -> str:
        return "—" if value is None or pd.isna(value) else show(value)

    return shown


def when(iso: str | None) -> str:
    """An ISO timestamp for people: "2026-11-26 18:24 UTC"; "never" when missing."""
    if not iso:
        return "never"
    from datetime import datetime

    moment = datetime.fromisoformat(iso)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment.tzinfo else moment.strftime("%Y-%m-%d %H:%M")


def long_date(day: date) -> str:
    """``Friday, March 15, 2024``: a date as people read it."""
    return f"{day.strftime('%A, %B')} {day.day}, {day.year}"
