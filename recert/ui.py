"""Helpers for the Streamlit app: numbers for people, safe text, cached catalog access, page guard.

The pages in app_pages/ stay thin: they lay out widgets and call the catalog, rules, planner and ML
packages through the cached accessors here. Nothing in this module decides what counts or what to buy.

Units: money is USD (``Decimal`` in, a display string out), hours are contact hours.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def sample_notice() -> None:
    """The visible sample-data notice (our own constant text, never scraped text)."""
    st.warning(SAMPLE_NOTICE, icon=":material/warning:")


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
            st.info(NO_CATALOG_MESSAGE, icon=":material/info:")
            return
        if type(exc).__name__ in ("ProfileError", "TranscriptError"):
            st.error("Your profile can't be used as it is. Please fix:", icon=":material/error:")
            st.text("\n".join(problems_of(exc)))
            return
        log.exception("app page failed: %s", what)
        st.error(
            f"Sorry, {md_escape(what)} could not be shown. Reload the page; if it keeps happening, rebuild "
            "the catalog with `recert sample` or `recert crawl`.",
            icon=":material/error:",
        )
        with st.expander("Technical details"):
            st.text(f"{type(exc).__name__}: {str(exc)[:500]}")


# --- plans -----------------------------------------------------------------------------------------------

PAID_AS = {"list": "list price", "member": "member price", "included": "included in an offer", "free": "free"}
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


def credit_summary(credits: Any, names: Mapping[str, str] | None = None) -> str:
    """``{credential: {area: credit}}`` → "CMA (AAMA): clinical 2, general 1" (plain text); ``names``
    maps credential ids to names for people (ids are shown otherwise)."""
    parts = []
    for credential, areas in credits.items():
        shown = ", ".join(f"{area} {amount(value)}" for area, value in areas.items() if value)
        if shown:
            parts.append(f"{(names or {}).get(credential, credential)}: {shown}")
    return "; ".join(parts) or "—"


def how_paid(course: Any, offer_names: Mapping[tuple[str, str], str]) -> str:
    """How a planned course is paid: "list price", "member price (AAMA Membership)", "included in …"."""
    words = PAID_AS.get(course.paid_as, course.paid_as)
    if course.via_offer is None:
        return words
    name = offer_names.get(tuple(course.via_offer), course.via_offer[1])
    return f"included in {name}" if course.paid_as == "included" else f"{words} ({name})"


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
        unconfirmed=tuple(name.removesuffix("_usd").replace("_", " ") for name in held.rules.unconfirmed),
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


# --- the catalog page ------------------------------------------------------------------------------------

Facets = dict[str, dict[str, int]]
TABLE_ROWS = 500  # rows drawn at once; the caption says when more match
FACET_LABELS = {"format": format_label}


def facet_label(facet: str, value: str) -> str:
    """A facet value for people ("in_person" → "In person"; providers and bodies as they are)."""
    label = FACET_LABELS.get(facet)
    return label(value) if label else value


@dataclass(frozen=True)
class CatalogBounds:
    """What the filters need to know about the whole catalog: size, dearest USD price, bodies."""

    courses: int
    max_price: float
    bodies: list[str]


@cached
def _bounds(path: str, stamp: int) -> CatalogBounds:
    from catalog.queries import CourseQuery, count, facets, search

    everything = CourseQuery(limit=None)
    dearest = search(path, CourseQuery(sort="price", descending=True, limit=1))
    price = dearest["price"].iloc[0] if len(dearest) else None
    bodies = sorted(facets(path, everything).get("body", {})) or ["AAMA"]
    return CatalogBounds(count(path, everything), float(price or 0), bodies)


def catalog_bounds() -> CatalogBounds:
    return _bounds(*_published())


def course_query(
    *,
    text: str = "",
    providers: Iterable[str] = (),
    areas: Iterable[str] = (),
    bodies: Iterable[str] = (),
    formats: Iterable[str] = (),
    free_only: bool = False,
    price: tuple[float, float] | None = None,
    full_price: float = 0.0,
    min_credits: float = 0.0,
    body: str = "AAMA",
    sort: str = "cost_per_credit",
    descending: bool = False,
) -> Any:
    """The ``CourseQuery`` the filters describe; a price range covering everything filters nothing."""
    from catalog.queries import CourseQuery

    low, high = price if price is not None else (0.0, full_price)
    return CourseQuery(
        providers=tuple(providers),
        areas=tuple(areas),
        bodies=tuple(bodies),
        formats=tuple(formats),
        min_price=Decimal(str(low)) if low > 0 and not free_only else None,
        max_price=Decimal(str(high)) if high < full_price and not free_only else None,
        min_credits=Decimal(str(min_credits)) if min_credits else None,
        credits_body=body if min_credits else None,
        free_only=free_only,
        text=text.strip() or None,
        sort=sort,
        body=body,
        descending=descending,
        limit=TABLE_ROWS,
    )


@cached
def _facets(path: str, stamp: int, query: Any) -> Facets:
    from catalog.queries import facets

    return facets(path, query)


def catalog_facets(query: Any) -> Facets:
    """Facet value → count of courses matching ``query``."""
    return _facets(*_published(), query)


@cached
def _count(path: str, stamp: int, query: Any) -> int:
    from catalog.queries import count

    return count(path, query)


def catalog_count(query: Any) -> int:
    """How many courses match ``query`` (all of them, not only the rows drawn)."""
    return _count(*_published(), query)


@st.cache_resource(show_spinner=False, max_entries=4)
def _duplicates(path: str, stamp: int) -> dict[tuple[str, str], int]:
    from recommender.ml.duplicates import duplicate_groups

    groups = duplicate_groups(_snapshot(path, stamp).courses)
    return {key: number for number, group in enumerate(groups, start=1) for key in group}


def _approvals_text(record: str) -> str:
    import json

    approvals = json.loads(record).get("approvals") or []
    return " · ".join(f"{a['body']} {amount(Decimal(str(a['credits'])))}" for a in approvals) or "—"


def _areas_text(areas: Any, key: tuple[str, str], inferred: Any) -> str:
    stated = [str(area) for area in (areas if areas is not None else [])]
    if stated:
        return ", ".join(stated)
    guess = inferred.get(key)
    return f"{guess.area} (inferred {guess.probability:.0%})" if guess is not None else "—"


def as_float(value: Any) -> float | None:
    """A Decimal (or missing value) as a float for charts and grid columns; rounding is only for display."""
    return None if value is None or pd.isna(value) else float(value)


@cached
def _table(path: str, stamp: int, query: Any) -> pd.DataFrame:
    from catalog.queries import search

    found = search(path, query)
    inferred = _snapshot(path, stamp).inferred_areas
    groups = _duplicates(path, stamp)
    rows = []
    for course in found.itertuples(index=False):
        key = (course.provider, course.course_id)
        rows.append(
            {
                "Title": titled_link(course.url, course.title),
                "Provider": course.provider,
                "Price": as_float(course.price),
                "$ per credit": as_float(course.cost_per_credit),
                f"{query.body} credits": as_float(course.credits),
                "Hours": as_float(course.hours),
                "Area": _areas_text(course.areas, key, inferred),
                "Member price": as_float(course.member_price),
                "Format": format_label(course.format),
                "Credits": _approvals_text(course.record),
                "Same course as": f"group {groups[key]}" if key in groups else "",
            }
        )
    return pd.DataFrame(rows)


def catalog_table(query: Any) -> pd.DataFrame:
    """The rows of the catalog table for ``query``: plain values, money and hours as numbers."""
    return _table(*_published(), query)


def for_people(
    frame: pd.DataFrame,
    *,
    dollars: Iterable[str] = (),
    contact_hours: Iterable[str] = (),
    amounts: Iterable[str] = (),
) -> Any:
    """``frame`` styled for people — $12.50, 1.5 h, 2.5, "—" when missing — while the values stay numbers,
    so the grid still sorts them as numbers."""
    formats: dict[str, Callable[[Any], str]] = {}
    for names, show in ((dollars, money), (contact_hours, hours), (amounts, amount)):
        for name in names:
            formats[name] = lambda value, show=show: "—" if value is None or pd.isna(value) else show(value)
    return frame.style.format(formats, na_rep="—")


def course_picker(key: str, *, container: Any = st) -> tuple[str, str] | None:
    """A "Course" selectbox over every catalog course (labels are plain text); the chosen key or None."""
    options = course_options()
    return container.selectbox(
        "Course",
        options=list(options),
        format_func=options.__getitem__,
        index=None,
        placeholder="Pick a course…",
        key=key,
    )


def link_column(label: str, width: str | None = None) -> Any:
    """A link column that shows each row's title (carried in the URL fragment, see ``titled_link``)."""
    return st.column_config.LinkColumn(
        label,
        display_text=LINK_TITLE_PATTERN,
        validate=r"^https?://",
        width=width,  # type: ignore[arg-type]
    )


def catalog_styled(table: pd.DataFrame, body: str) -> Any:
    """The catalog table with money, hours and credits shown for people."""
    return for_people(
        table,
        dollars=("Price", "Member price", "$ per credit"),
        contact_hours=("Hours",),
        amounts=(f"{body} credits",),
    )


def catalog_columns(body: str) -> dict[str, Any]:
    """Column settings for the catalog table: linked titles, labels and help."""
    number = st.column_config.NumberColumn
    return {
        "Title": link_column("Title", width="large"),
        "Provider": st.column_config.TextColumn("Provider", width=100),
        "Price": number("Price", width=80),
        "$ per credit": number(f"$ per {body} credit", width=120),
        "Member price": number("Member price", width=110),
        "Credits": st.column_config.TextColumn("Credits by body"),
        "Area": st.column_config.TextColumn("Area", help="“inferred” = guessed by Recert, not stated"),
    }


def duplicate_groups_table(query: Any) -> pd.DataFrame:
    """Courses of the shown rows that several providers sell, grouped, cheapest first."""
    path, stamp = _published()
    groups = _duplicates(path, stamp)
    shown = _table(path, stamp, query)
    wanted = {int(g.split()[1]) for g in shown["Same course as"] if g} if len(shown) else set()
    if not wanted:
        return pd.DataFrame()
    rows = [
        {
            "Group": number,
            "Title": course.title,
            "Provider": course.provider,
            "Price": as_float(course.price),
        }
        for course in _snapshot(path, stamp).courses
        if (number := groups.get(course.key)) in wanted
    ]
    return pd.DataFrame(rows).sort_values(["Group", "Price"], na_position="last")


# --- the plan page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLimits:
    """The Plan page's limits: ``budget`` USD and ``max_hours`` contact hours (None = no limit)."""

    budget: Decimal | None = None
    max_hours: Decimal | None = None
    formats: tuple[str, ...] = ()
    avoid_providers: tuple[str, ...] = ()
    allow_inferred: bool = False
    alternatives: int = 2


def profile_limits(profile: Any) -> PlanLimits:
    """The limits the profile file states, as the Plan page's starting values."""
    limits = profile.limits
    return PlanLimits(
        budget=limits.budget,
        max_hours=limits.max_hours,
        formats=tuple(limits.formats),
        avoid_providers=tuple(limits.avoid_providers),
        allow_inferred=bool(profile.allow_inferred_areas),
    )


@dataclass(frozen=True)
class Choices:
    formats: list[str]
    providers: list[str]


def catalog_choices() -> Choices:
    """The formats and providers the catalog has (for the plan limits)."""
    facets = catalog_facets(course_query())
    return Choices(sorted(facets.get("format", {})), sorted(facets.get("provider", {})))


def profile_summary(profile: Any) -> str:
    """ "CMA (AAMA), cycle ends 2028-06-30" for each held credential (plain text)."""
    parts = []
    for held in profile.credentials:
        end = f", cycle ends {held.cycle_end.isoformat()}" if held.cycle_end else ""
        parts.append(f"{held.rules.name}{end}")
    return "; ".join(parts) or "no credentials yet"


@st.cache_resource(show_spinner=False, max_entries=8)
def _interest_scores(path: str, stamp: int, interests: str) -> dict[tuple[str, str], float]:
    from recommender.ml.ranking import InterestRanker

    return InterestRanker(list(_snapshot(path, stamp).courses)).scores(interests)


def make_plan(profile: Any, limits: PlanLimits) -> Any:
    """The planner's ``PlanResult`` for ``profile`` under the page's ``limits``, over the whole catalog.

    Same inputs as `recert plan`: the catalog snapshot, its inferred areas and the interest scores.
    """
    from dataclasses import replace

    from recommender.planner.api import plan
    from recommender.rules.profile import Limits

    profile = replace(
        profile,
        limits=Limits(limits.budget, limits.max_hours, limits.formats, limits.avoid_providers),
        allow_inferred_areas=limits.allow_inferred,
    )
    path, stamp = _published()
    snap = _snapshot(path, stamp)
    scores = _interest_scores(path, stamp, profile.interests) if profile.interests else {}
    return plan(
        list(snap.courses),
        list(snap.offers),
        profile,
        interest_scores=scores,
        inferred_areas={key: guess.area for key, guess in snap.inferred_areas.items()},
        alternatives=limits.alternatives,
    )


def coverage_frame(result: Any, profile: Any) -> pd.DataFrame:
    """Per credential and area: credit counted before and from the plan, and the minimum required."""
    from recommender.rules.engine import count

    held = {h.id: h for h in profile.credentials}
    rows = []
    for totals in result.credentials:
        credential = held.get(totals.credential_id)
        if credential is None:
            continue
        rule = credential.rules.counting
        before = count(rule, credential.standing).areas
        for area, counted in totals.counted_areas.items():
            earlier = min(before.get(area, Decimal(0)), counted)
            required = rule.area_minimums.get(area, rule.total_required if not rule.has_areas else 0)
            for source, value in (("earned already", earlier), ("this plan", counted - earlier)):
                rows.append(
                    {
                        "credential": totals.name,
                        "area": area,
                        "source": source,
                        "counted": float(value),
                        "required": float(required),
                    }
                )
    return pd.DataFrame(rows)


def split_explanations(result: Any) -> tuple[list[str], list[str]]:
    """(what each subscription or membership saves, every other explanation)."""
    savings = [line for line in result.explanations if " saves $" in line]
    return savings, [line for line in result.explanations if line not in savings]


def plan_json(result: Any) -> str:
    """The plan exactly as `recert plan --format json` prints it."""
    import json

    from recert.commands.plan import result_json

    return json.dumps(result_json(result), indent=2)


def plan_csv(result: Any) -> str:
    """One row per course and offer: what to buy, what it costs (USD) and what it gives."""
    rows = [
        {
            "type": "course",
            "provider": course.provider,
            "id": course.course_id,
            "title": course.title,
            "price_paid": course.price_paid,
            "paid_as": course.paid_as,
            "hours": course.hours,
            "credits": credit_summary(course.credits),
            "url": course.url,
        }
        for course in result.courses
    ] + [
        {
            "type": offer.kind,
            "provider": offer.provider,
            "id": offer.offer_id,
            "title": offer.name,
            "price_paid": offer.price,
            "paid_as": "list",
        }
        for offer in result.offers
    ]
    return pd.DataFrame(rows).to_csv(index=False)


def what_would_help(result: Any, limits: PlanLimits) -> list[str]:
    """Plain advice for an impossible plan: the change to the limits (or catalog) that would allow one."""
    advice = []
    for reason in result.reasons:
        if reason.requirement == "budget":
            advice.append(f"Raise your budget to at least {money(reason.needed)}.")
        elif reason.requirement == "max_hours":
            advice.append(f"Allow at least {hours(reason.needed)} of study.")
    if advice:
        return advice
    if limits.formats:
        advice.append("Accept more course formats (you allow only " + ", ".join(limits.formats) + ").")
    if limits.avoid_providers:
        advice.append("Stop avoiding " + ", ".join(limits.avoid_providers) + ".")
    if not limits.allow_inferred:
        advice.append("Count courses by their inferred content area (if your certifying body accepts it).")
    if limits.budget is not None or limits.max_hours is not None:
        advice.append("Raise the budget or the hours limit.")
    advice.append("Add providers to the catalog with `recert crawl`: it may not hold enough courses.")
    return advice


def plan_signature(limits: PlanLimits) -> str:
    """Identifies what a plan was made for (profile, transcript, limits), to spot a stale plan."""
    import json

    return json.dumps([profile_raw(), transcript_text(), repr(limits)], sort_keys=True, default=str)


# --- the compare page -------------------------------------------------------------------------------------


@cached
def _cost_per_credit(path: str, stamp: int, body: str) -> pd.DataFrame:
    from catalog.queries import CourseQuery, search

    found = search(path, CourseQuery(body=body, limit=None))
    found = found[found["cost_per_credit"].notna()]
    rows = [
        {"provider": row.provider, "area": str(area), "cost_per_credit": float(row.cost_per_credit)}
        for row in found.itertuples(index=False)
        for area in (list(row.areas) or ["unstated"])
    ]
    if not rows:
        return pd.DataFrame(columns=["provider", "area", "median", "courses"])
    frame = pd.DataFrame(rows).groupby(["provider", "area"], as_index=False)["cost_per_credit"]
    return frame.agg(median="median", courses="count")


def cost_per_credit_by_provider(body: str) -> pd.DataFrame:
    """Median list price per ``body`` credit (USD) of each provider's courses, per content area."""
    return _cost_per_credit(*_published(), body)


@dataclass(frozen=True)
class BreakEven:
    """When a subscription, membership or bundle pays for itself (money in USD)."""

    provider: str
    offer: str
    kind: str
    price: Decimal
    courses: int
    typical_saving: Decimal | None
    courses_to_break_even: int | None

    @property
    def sentence(self) -> str:
        if self.courses_to_break_even is None:
            return f"The {self.offer} ({money(self.price)}) saves nothing on the courses in the catalog."
        n = self.courses_to_break_even
        return (
            f"The {self.offer} ({money(self.price)}) pays for itself after {n} course{'s' if n != 1 else ''} "
            f"(it saves about {money(self.typical_saving)} per course, on {self.courses} course"
            f"{'s' if self.courses != 1 else ''})."
        )


def _member_priced(offer: Any, course: Any) -> bool:
    """Whether ``offer`` is a membership of the course's provider that unlocks its member price."""
    same_provider = course.provider == offer.provider
    return offer.kind == "membership" and same_provider and course.member_price is not None


def _savings(offer: Any, courses: Iterable[Any]) -> list[Decimal]:
    """What ``offer`` saves on each course it covers, against the course's list price (USD)."""
    savings = []
    for course in courses:
        if course.price is None or course.currency != offer.currency:
            continue
        if offer.offer_id in course.included_in:
            savings.append(course.price)
        elif _member_priced(offer, course):
            savings.append(course.price - course.member_price)
    return [saving for saving in savings if saving > 0]


def break_even() -> list[BreakEven]:
    """Every offer in the catalog with its median saving per course and the courses it takes to pay off."""
    import math
    from statistics import median

    snap = snapshot()
    result = []
    for offer in snap.offers:
        savings = _savings(offer, snap.courses)
        typical = Decimal(str(median(savings))) if savings else None
        needed = math.ceil(offer.price / typical) if typical else None
        result.append(
            BreakEven(offer.provider, offer.name, offer.kind, offer.price, len(savings), typical, needed)
        )
    return result


@cached
def _price_history(path: str, stamp: int, provider: str, course_id: str) -> pd.DataFrame:
    from catalog.queries import price_history

    history = price_history(path, provider, course_id)
    return pd.DataFrame(
        {
            "seen": pd.to_datetime(history["seen_at"], utc=True),
            "price": [as_float(v) for v in history["price"]],
            "member price": [as_float(v) for v in history["member_price"]],
        }
    )


def course_price_history(key: tuple[str, str]) -> pd.DataFrame:
    """Every price observed for the course ``key`` (USD), oldest first."""
    return _price_history(*_published(), *key)


# --- the about page ----------------------------------------------------------------------------------------


@cached
def _stats(path: str, stamp: int) -> dict[str, Any]:
    from catalog.queries import stats

    return stats(path)


def catalog_stats() -> dict[str, Any]:
    """Counts per provider and source, and each provider's last run (see ``catalog.queries.stats``)."""
    return _stats(*_published())


def when(iso: str | None) -> str:
    """An ISO timestamp for people: "2026-11-26 18:24 UTC"; "never" when missing."""
    if not iso:
        return "never"
    from datetime import datetime

    moment = datetime.fromisoformat(iso)
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment.tzinfo else moment.strftime("%Y-%m-%d %H:%M")


def providers_table(stats: dict[str, Any]) -> pd.DataFrame:
    """One row per provider: courses, offers, where they came from, the last crawl and its outcome."""
    rows = []
    for item in stats["providers"]:
        run = item.get("last_run") or {}
        rows.append(
            {
                "Provider": item["provider"],
                "Courses": item["courses"],
                "Offers": item["offers"],
                "Sample": item["sources"]["sample"],
                "Live": item["sources"]["live"],
                "Imported": item["sources"]["import"],
                "Last crawl": when(run.get("finished") or run.get("started")),
                "Outcome": run.get("status", "—"),
                "Items": run.get("items"),
                "Note": run.get("note") or "",
            }
        )
    return pd.DataFrame(rows)


def offer_names() -> dict[tuple[str, str], str]:
    """Every offer key in the catalog → its name (plain text)."""
    return {offer.key: offer.name for offer in snapshot().offers}
