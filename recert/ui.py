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
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote_plus, urlsplit

import pandas as pd
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
        if type(exc).__name__ in ("ProfileError", "TranscriptError"):
            st.error("Your profile can't be used as it is. Please fix:", icon="🚫")
            st.text("\n".join(problems_of(exc)))
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


# --- plans -----------------------------------------------------------------------------------------------

PAID_AS = {
    "list": "list price",
    "member": "member price",
    "included": "included in an offer",
    "free": "free",
}
UNIT_WORDS = {"point": "point", "credit": "credit", "clock_hour": "clock hour"}


def unit_word(unit: str) -> str:
    """A credential's unit for people: "point", "credit", "clock hour"."""
    return UNIT_WORDS.get(unit, unit.replace("_", " "))


def format_label(fmt: str) -> str:
    """A course format for people: "in_person" → "In person"."""
    return fmt.replace("_", " ").capitalize()


def alternative_label(name: str) -> str:
    """An alternative plan's name for people: "runner_up_1" → "Runner up 1"."""
    return name.replace("_", " ").capitalize()


def credit_summary(credits: Any) -> str:
    """``{credential: {area: credit}}`` → "cma_aama: clinical 2, general 1" (plain text)."""
    parts = []
    for credential, areas in credits.items():
        shown = ", ".join(f"{area} {amount(value)}" for area, value in areas.items() if value)
        if shown:
            parts.append(f"{credential}: {shown}")
    return "; ".join(parts) or "—"


def decimal_or_none(value: float | int | None) -> Decimal | None:
    """A number input where 0 means "no limit" → None, else an exact Decimal (cents for money)."""
    if not value:
        return None
    return Decimal(str(value)).quantize(CENT)


# --- the profile -------------------------------------------------------------------------------------------
# The profile lives in session state in its file form (the JSON object `recert` reads), so it survives page
# switches, downloads exactly as the CLI expects it and is validated by the rules package on every use.

PROFILE_STATE = "profile_raw"
TRANSCRIPT_STATE = "profile_transcript"
EXAMPLE_PROFILE = Path("data/examples/profile.json")


def profile_raw() -> dict[str, Any] | None:
    """The profile as a JSON-ready dict (the file format of `recert --profile`), or None."""
    return st.session_state.get(PROFILE_STATE)


def store_profile(
    raw: dict[str, Any], transcript: str | None = None, *, keep_transcript: bool = False
) -> None:
    """Keep ``raw`` (without a transcript path: the transcript travels as its CSV text) for every page."""
    st.session_state[PROFILE_STATE] = jsonable({k: v for k, v in raw.items() if k != "transcript"})
    if not keep_transcript:
        st.session_state[TRANSCRIPT_STATE] = transcript


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


def transcript_text() -> str | None:
    """The CSV text of the uploaded (or example) transcript, if any."""
    return st.session_state.get(TRANSCRIPT_STATE)


def build_profile(raw: dict[str, Any], transcript: str | None) -> Any:
    """A validated ``Profile`` from its file form and transcript CSV text.

    Raises the rules package's ProfileError / TranscriptError, which list every problem.
    """
    import tempfile

    from recommender.rules.profile import parse_profile
    from recommender.rules.transcript import apply_transcript

    profile = parse_profile({k: v for k, v in raw.items() if k != "transcript"})
    if not transcript:
        return profile
    with tempfile.TemporaryDirectory(prefix="recert-transcript-") as folder:
        path = Path(folder) / "transcript.csv"
        path.write_text(transcript, encoding="utf-8")
        return apply_transcript(profile, path)


def current_profile() -> Any:
    """The profile every page works with, or None before the user has set one up."""
    raw = profile_raw()
    return None if raw is None else build_profile(raw, transcript_text())


def example_profile() -> tuple[dict[str, Any], str | None]:
    """data/examples/profile.json and the transcript it names (as CSV text)."""
    import json

    raw = json.loads(EXAMPLE_PROFILE.read_text(encoding="utf-8"))
    transcript = raw.get("transcript")
    text = None
    if isinstance(transcript, str) and (EXAMPLE_PROFILE.parent / transcript).is_file():
        text = (EXAMPLE_PROFILE.parent / transcript).read_text(encoding="utf-8-sig")
    return raw, text


def use_example_profile() -> None:
    """Start from the example profile (a CMA (AAMA) with some credit already earned)."""
    raw, transcript = example_profile()
    store_profile(raw, transcript)


def problems_of(exc: BaseException) -> list[str]:
    """The lines of a ProfileError / TranscriptError / LoadError, each "field: problem"."""
    for attribute in ("errors", "problems"):
        items = getattr(exc, attribute, None)
        if items:
            return [str(item) for item in items]
    return [str(exc)]


# --- credentials and progress ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def credential_rules(credential_id: str) -> Any:
    """The credential's full rule (``CredentialRules``), as shipped (profile overrides not applied)."""
    from recommender.rules.engine import load_rule

    return load_rule(credential_id)


def credential_names() -> dict[str, str]:
    """Credential id → its name for people, e.g. "cma_aama" → "CMA (AAMA)"."""
    from recommender.rules.engine import list_credentials

    return {credential_id: credential_rules(credential_id).name for credential_id in list_credentials()}


def parse_day(value: object) -> date | None:
    """A date from the profile's ISO text (None when absent or malformed: the rules report it)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Bar:
    """One progress bar: ``fraction`` in [0, 1] and its label."""

    fraction: float
    text: str


@dataclass(frozen=True)
class ProgressView:
    """What the progress section shows for one held credential (all text plain, for people)."""

    name: str
    counted_text: str
    days_text: str
    status: str
    bars: tuple[Bar, ...]
    missing_text: str
    unconfirmed: tuple[str, ...]


def _bar(label: str, counted: Decimal, required: Decimal, unit: str) -> Bar:
    fraction = 1.0 if required <= 0 else float(min(Decimal(1), counted / required))
    return Bar(fraction, f"{label}: {amount(counted)} of {amount(required)} {unit}s")


def credential_progress(held: Any, today: date) -> ProgressView:
    """Counted credit, bars per area, what is missing and the status of a held credential on ``today``."""
    from recommender.rules.engine import count, missing

    rule = held.rules.counting
    unit = unit_word(rule.unit)
    counted = count(rule, held.standing)
    needed = missing(rule, held.standing)
    bars = [_bar("Total", counted.total, rule.total_required, unit)]
    if rule.approved_minimum > 0:
        bars.append(_bar(f"{rule.body}-approved", counted.approved, rule.approved_minimum, unit))
    for area, minimum in rule.area_minimums.items():
        bars.append(_bar(area.capitalize(), counted.areas.get(area, Decimal(0)), minimum, unit))
    gaps = [f"{amount(needed.total)} {unit}s in total"] if needed.total > 0 else []
    if needed.approved > 0:
        gaps.append(f"{amount(needed.approved)} {rule.body}-approved")
    gaps += [f"{amount(v)} {area}" for area, v in needed.areas.items() if v > 0]
    missing_text = (
        "Nothing is missing: you have all the credit you need."
        if needed.complete
        else ("Still needed: " + ", ".join(gaps) + ".")
    )
    end = held.cycle_end
    if end is None:
        days_text = "enter your date"
        status = "Complete" if needed.complete else "In progress"
    else:
        days_text = days_left(end, today)
        if needed.complete:
            status = "Complete"
        elif end < today:
            status = "Cycle ended"
        else:
            status = "In progress"
    return ProgressView(
        name=held.rules.name + (f" — cycle ends {end.isoformat()}" if end else ""),
        counted_text=f"{amount(counted.total)} of {amount(rule.total_required)} {unit}s",
        days_text=days_text,
        status=status,
        bars=tuple(bars),
        missing_text=missing_text,
        unconfirmed=tuple(held.rules.unconfirmed),
    )


def transcript_errors(text: str) -> list[str]:
    """The transcript's line errors ("line 3: hours: …"), or [] when every row is well formed."""
    from recommender.rules.transcript import TranscriptError, parse_transcript

    try:
        parse_transcript(text)
    except TranscriptError as exc:
        return list(exc.errors)
    return []


def transcript_table(profile: Any) -> pd.DataFrame:
    """One row per transcript line: what it gives each held credential and why (plain text)."""
    report = getattr(profile, "transcript_report", None)
    if report is None:
        return pd.DataFrame()
    rows = []
    for judged in report.judgements:
        row: dict[str, Any] = {
            "Line": judged.row.line,
            "Date": judged.row.completed_on.isoformat(),
            "Title": judged.row.course.title,
        }
        for credential_id, verdict in judged.verdicts.items():
            row[f"{credential_id} counts"] = amount(verdict.gain) if verdict.counts else "no"
            row[f"{credential_id} why"] = "; ".join(verdict.reasons)
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CheckLine:
    """One credential's answer to "will this count?" (plain text)."""

    counts: bool
    text: str


def check_course(profile: Any, key: tuple[str, str], completed_on: date) -> list[CheckLine]:
    """Would the catalog course ``key``, completed on ``completed_on``, count for each held credential?"""
    from recommender.rules.verdict import judge

    snap = snapshot()
    course = next(c for c in snap.courses if c.key == tuple(key))
    inferred = snap.inferred_areas.get(course.key)
    lines = []
    for held in profile.credentials:
        verdict = judge(
            course,
            held,
            completed_on=completed_on,
            inferred_area=getattr(inferred, "area", None),
            allow_inferred=profile.allow_inferred_areas,
        )
        unit = unit_word(held.rules.counting.unit)
        head = (
            f"{held.rules.name}: counts, +{amount(verdict.gain)} {unit}s."
            if verdict.counts
            else f"{held.rules.name}: does not count."
        )
        lines.append(CheckLine(verdict.counts, " ".join([head, *verdict.reasons])))
    return lines


# --- catalog reads (cached; keyed on the catalog file's mtime) ---------------------------------------------


def _published() -> tuple[str, int]:
    path = catalog_file()
    stamp = catalog_stamp(path)
    if not stamp:
        raise FileNotFoundError(path)
    return str(path), stamp


@st.cache_resource(show_spinner=False, max_entries=4)
def _snapshot(path: str, stamp: int) -> Any:
    from catalog.queries import snapshot as read_snapshot

    return read_snapshot(Path(path))


def snapshot() -> Any:
    """The catalog's courses, offers and inferred areas (``CatalogSnapshot``), shared across sessions."""
    return _snapshot(*_published())


@cached
def _course_options(path: str, stamp: int) -> dict[tuple[str, str], str]:
    courses = sorted(_snapshot(path, stamp).courses, key=lambda c: (c.title.lower(), c.provider))
    return {course.key: f"{course.title} — {course.provider}" for course in courses}


def course_options() -> dict[tuple[str, str], str]:
    """Every course key → "title — provider" (plain text), sorted by title."""
    return _course_options(*_published())
