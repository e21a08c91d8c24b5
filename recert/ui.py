"""Helpers for the Streamlit app: numbers for people, safe text, cached catalog access, page guard.

The pages in app_pages/ stay thin: they lay out widgets and call the catalog, rules, planner and ML
packages through the cached accessors here. Nothing in this module decides what counts or what to buy.

Units: money is USD (``Decimal`` in, a display string out), hours are contact hours.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote_plus, urlsplit

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from recert.console import SAMPLE_NOTICE, catalog_path

log = logging.getLogger("recert.app")

Number = Decimal | int | float
T = TypeVar("T")

CENT = Decimal("0.01")
TITLE_MARK = "#recert-title="
# LinkColumn shows the first group of this pattern (URL-decoded) instead of the URL itself.
LINK_TITLE_PATTERN = "#recert-title=(.*)$"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")

NO_CATALOG_MESSAGE = (
    "There is no course catalog yet. Build the bundled sample with `recert sample` "
    "(or `make sample`), or crawl the providers with `recert crawl`, then reload this page."
)


# --- numbers for people ------------------------------------------------------------------------------


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
        return f"{days:,} day{'s' if days != 1 else ''} left"
    return f"{-days:,} day{'s' if days != -1 else ''} overdue"


# --- untrusted text -------------------------------------------------------------------------------------


def md_escape(text: object) -> str:
    """Text safe to place inside Streamlit markdown (labels, st.error, st.caption): every markdown,
    HTML and LaTeX character is backslash-escaped so scraped text shows literally."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def safe_url(url: object) -> str | None:
    """``url`` if it is an http(s) URL with a host, else None (never a javascript: or data: link)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def titled_link(url: object, title: str) -> str | None:
    """The URL carrying its title in a fragment, for a LinkColumn with ``LINK_TITLE_PATTERN``.

    The fragment never reaches the provider's server; the grid shows the decoded title as the link text.
    """
    checked = safe_url(url)
    if checked is None:
        return None
    return f"{checked.split('#', 1)[0]}{TITLE_MARK}{quote_plus(title)}"


# --- the catalog -------------------------------------------------------------------------------------------


def catalog_file() -> Path:
    """The catalog the app shows: $RECERT_CATALOG, else data/catalog.duckdb (same rule as the CLI)."""
    return catalog_path(None)


def catalog_stamp(path: Path) -> int:
    """Cache key part that changes whenever the catalog is republished (mtime in ns; 0 if missing)."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def cached(func: Callable[..., T]) -> Callable[..., T]:
    """``st.cache_data`` for catalog reads: call as ``f(path_str, stamp, ...)`` so a new crawl or load
    (new mtime) invalidates the entry; the stamp argument is part of the key."""
    return st.cache_data(show_spinner=False, max_entries=128)(func)


def cached_resource(func: Callable[..., T]) -> Callable[..., T]:
    """``st.cache_resource`` for large immutable results (catalog snapshots), keyed the same way."""
    return st.cache_resource(show_spinner=False, max_entries=4)(func)


def sample_notice() -> None:
    """The visible sample-data notice (our own constant text, never scraped text)."""
    st.warning(SAMPLE_NOTICE, icon="⚠️")


@cached
def _is_sample(path: str, stamp: int) -> bool:
    from catalog.queries import is_sample

    return bool(is_sample(Path(path)))


def frame() -> None:
    """Drawn above every page by app.py: the sample notice whenever sample records are shown."""
    path = catalog_file()
    stamp = catalog_stamp(path)
    if not stamp:
        return
    with page_guard("the catalog status"):
        if _is_sample(str(path), stamp):
            sample_notice()


# --- errors --------------------------------------------------------------------------------------------


def _is_catalog_missing(exc: BaseException) -> bool:
    return type(exc).__name__ == "CatalogMissing" or isinstance(exc, FileNotFoundError)


@contextmanager
def page_guard(what: str) -> Iterator[None]:
    """Show a clear ``st.error`` instead of a traceback when ``what`` (e.g. "the catalog") fails.

    Streamlit's own control flow (st.stop, st.rerun) passes through untouched.
    """
    try:
        yield
    except ScriptControlException:
        raise
    except Exception as exc:
        if _is_catalog_missing(exc):
            st.info(NO_CATALOG_MESSAGE, icon="ℹ️")
            return
        log.exception("app page failed: %s", what)
        st.error(
            f"Sorry, {md_escape(what)} could not be shown ({md_escape(type(exc).__name__)}: "
            f"{md_escape(str(exc)[:300])}). Try reloading the page; if it keeps happening, rebuild "
            "the catalog with `recert sample` or `recert crawl`.",
            icon="🚫",
        )


def widget_value(key: str, default: Any = None) -> Any:
    """The current value of the widget with ``key`` (or ``default`` before it is drawn)."""
    return st.session_state.get(key, default)
