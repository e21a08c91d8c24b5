"""The course record: one format for spiders, the loader, the planner and imports.

A record is a ``Course`` or an ``Offer``. Both are frozen dataclasses built only through
``parse_record`` (from a JSON object) or ``parse_csv_row`` (from a spreadsheet row), which report
every problem as ``field: reason`` instead of stopping at the first. See docs/course-record.md.

Units: ``hours`` are contact hours; ``Approval.credits`` are in the approving body's own unit;
money is ``Decimal`` in ``currency`` and is rounded only for display.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

AREAS: tuple[str, ...] = ("administrative", "clinical", "general")
FORMATS: tuple[str, ...] = ("online", "live", "in_person", "print", "conference")
COURSE_KINDS: tuple[str, ...] = ("course", "cpr_card", "college_credit")
OFFER_KINDS: tuple[str, ...] = ("subscription", "membership", "bundle")
SOURCES: tuple[str, ...] = ("live", "sample", "import")

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_BODY_RE = re.compile(r"^[A-Z][A-Z0-9&\-]{1,19}$")
_ID_RE = re.compile(r"^[\w.\-:/]{1,200}$")
AREA_SUM_TOLERANCE = Decimal("0.01")
# Bounds (docs/course-record.md § Numbers): what the catalog's DECIMAL(18,6) hours/credits and
# DECIMAL(18,4) money columns hold after rounding, with room for cost per credit (price ÷ credits < 10¹¹)
# and for sums over every course; no real CE course comes near them.
MAX_HOURS = Decimal(100_000)  # hours, approval credits and content-area amounts stay below this
MIN_HOURS = Decimal("0.01")  # hours and approval credits are at least this (1e-7 made cost/credit infinite)
MAX_MONEY = Decimal(1_000_000_000)  # prices stay below this
MAX_MONTHS = 1200
FIRST_DAY = date(1900, 1, 1)  # dates lie from here ...
LAST_DAY = date(2199, 12, 31)  # ... to here: no date arithmetic can leave Python's or DuckDB's range
MAX_DEPTH = 32
"""How deeply a JSON record (or profile) may nest objects and arrays; checked before any parser sees it
(pyarrow's reader crashed the process on 100,000 levels, Python's raised RecursionError at ~1,000)."""
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one record."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class ProblemsError(ValueError):
    """Input failed validation; ``problems`` lists every field at fault, each with its reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class RecordError(ProblemsError):
    """A course record failed validation."""


@dataclass(frozen=True)
class Approval:
    """An approving body's credit for a course, in that body's unit (AAMA points, NHA credits, …)."""

    body: str
    credits: Decimal
    categories: Mapping[str, Decimal] = field(default_factory=dict)
    approval_id: str | None = None
    expires: date | None = None


@dataclass(frozen=True)
class Course:
    provider: str
    course_id: str
    title: str
    url: str
    format: str
    hours: Decimal
    source: str
    price: Decimal | None = None
    member_price: Decimal | None = None
    currency: str = "USD"
    description: str | None = None
    content_areas: Mapping[str, Decimal] = field(default_factory=dict)
    approvals: tuple[Approval, ...] = ()
    included_in: tuple[str, ...] = ()
    kind: str = "course"
    available_from: date | None = None
    available_until: date | None = None
    location: str | None = None
    access_months: int | None = None
    scraped_at: datetime | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    type = "course"

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider, self.course_id)

    def approval(self, body: str) -> Approval | None:
        """The approval of ``body`` (e.g. "AAMA"), if the course has one."""
        for approval in self.approvals:
            if approval.body == body:
                return approval
        return None


@dataclass(frozen=True)
class Offer:
    """A subscription, membership or bundle sold by a provider."""

    provider: str
    offer_id: str
    name: str
    kind: str
    price: Decimal
    source: str
    url: str | None = None
    period_months: int | None = None
    currency: str = "USD"
    description: str | None = None
    scraped_at: datetime | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    type = "offer"

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider, self.offer_id)


Record = Course | Offer

COURSE_FIELDS: tuple[str, ...] = (
    "type", "provider", "course_id", "title", "url", "description", "format", "hours", "price",
    "member_price", "currency", "content_areas", "approvals", "included_in", "kind", "available_from",
    "available_until", "location", "access_months", "scraped_at", "source",
)  # fmt: skip
OFFER_FIELDS: tuple[str, ...] = (
    "type", "provider", "offer_id", "name", "kind", "price", "period_months", "url", "currency",
    "description", "scraped_at", "source",
)  # fmt: skip


class _Checker:
    """Collects problems while converting the fields of one raw record."""

    def __init__(self, raw: Mapping[str, Any]):
        self.raw = raw
        self.problems: list[Problem] = []

    def fail(self, name: str, reason: str) -> None:
        self.problems.append(Problem(name, reason))

    def text(self, name: str, *, required: bool = False, max_len: int = 20_000) -> str | None:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, f"must be text, got {type(value).__name__}")
            return None
        value = " ".join(value.split()) if name != "description" else value.strip()
        if len(value) > max_len:
            self.fail(name, f"is longer than {max_len} characters")
            return None
        return value

    def ident(self, name: str) -> str | None:
        value = self.text(name, required=True, max_len=200)
        if value is not None and not _ID_RE.match(value):
            self.fail(name, "may hold only letters, digits and . - _ : /")
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
        value = self.text(name, required=default is None)
        if value is None:
            return default
        value = value.lower()
        if value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}, got {value!r}")
            return None
        return value

    def decimal(
        self, name: str, *, required: bool = False, positive: bool = False, limit: Decimal = MAX_HOURS
    ) -> Decimal | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, "is required")
            return None
        return self._number(name, value, positive=positive, limit=limit)

    def money(self, name: str, *, required: bool = False) -> Decimal | None:
        return self.decimal(name, required=required, limit=MAX_MONEY)

    def _number(self, name: str, value: Any, *, positive: bool, limit: Decimal = MAX_HOURS) -> Decimal | None:
        """A number from 0 (``positive``: from MIN_HOURS) to below ``limit``."""
        number = to_decimal(value)
        if number is None:
            self.fail(name, f"must be a number, got {_shown(value)}")
            return None
        if positive and number <= 0:
            self.fail(name, f"must be greater than 0, got {_shown(number)}")
            return None
        if positive and number < MIN_HOURS:
            self.fail(name, f"must be at least {MIN_HOURS}, got {_shown(number)}")
            return None
        if number < 0:
            self.fail(name, f"must not be negative, got {_shown(number)}")
            return None
        if number >= limit:
            self.fail(name, f"must be less than {limit:,.0f}, got {_shown(number)}")
            return None
        return number

    def integer(self, name: str) -> int | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        number = to_decimal(value)
        if number is None or number != number.to_integral_value() or not 0 < number <= MAX_MONTHS:
            self.fail(name, f"must be a whole number from 1 to {MAX_MONTHS}, got {value!r}")
            return None
        return int(number)

    def url(self, name: str, *, required: bool) -> str | None:
        value = self.text(name, required=required, max_len=2_000)
        if value is None:
            return None
        try:
            parts = urlsplit(value)
        except ValueError:  # e.g. an unbalanced "[" in the host
            self.fail(name, f"must be an http(s) URL, got {value!r}")
            return None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            self.fail(name, f"must be an http(s) URL, got {value!r}")
            return None
        return value

    def currency(self) -> str:
        value = self.text("currency")
        if value is None:
            return "USD"
        if not _CURRENCY_RE.match(value.upper()):
            self.fail("currency", f"must be an ISO 4217 code such as USD, got {value!r}")
        return value.upper()

    def day(self, name: str) -> date | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return parse_day(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None

    def timestamp(self, name: str) -> datetime | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            stamp = value
        else:
            try:
                stamp = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
            except ValueError:
                self.fail(name, f"must be an ISO 8601 timestamp, got {_shown(value)}")
                return None
        if not FIRST_DAY <= stamp.date() <= LAST_DAY:
            self.fail(name, f"must lie from {FIRST_DAY} to {LAST_DAY}, got {_shown(value)}")
            return None
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)

    def areas(self, name: str, raw: Any) -> dict[str, Decimal]:
        if raw is None or raw == {} or raw == "":
            return {}
        if not isinstance(raw, Mapping):
            self.fail(name, "must be an object of area: hours")
            return {}
        result: dict[str, Decimal] = {}
        for area, amount in raw.items():
            area_name = str(area).strip().lower()
            if area_name not in AREAS:
                self.fail(f"{name}.{area}", f"is not a content area (use {', '.join(AREAS)})")
                continue
            number = self._number(f"{name}.{area_name}", amount, positive=False)
            if number is not None and number > 0:
                result[area_name] = number
        return result

    def string_list(self, name: str) -> tuple[str, ...]:
        value = self.raw.get(name)
        if value is None or value == "":
            return ()
        if isinstance(value, str):
            value = [part for part in value.split(";")]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            self.fail(name, "must be a list of ids")
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))

    def approvals(self) -> tuple[Approval, ...]:
        raw = self.raw.get("approvals")
        if raw is None or raw == "" or raw == []:
            return ()
        if isinstance(raw, str):
            raw = parse_csv_approvals(raw, self)
        if not isinstance(raw, list):
            self.fail("approvals", "must be a list of {body, credits, …}")
            return ()
        approvals: list[Approval] = []
        seen: set[str] = set()
        for index, item in enumerate(raw):
            where = f"approvals[{index}]"
            if not isinstance(item, Mapping):
                self.fail(where, "must be an object with body and credits")
                continue
            sub = _Checker(item)
            body = sub.text("body", required=True)
            if body is not None:
                body = body.upper()
                if not _BODY_RE.match(body):
                    sub.fail("body", f"is not an approving body's short name, got {body!r}")
                    body = None
            credits = sub.decimal("credits", required=True, positive=True)
            categories = sub.areas("categories", item.get("categories"))
            expires = sub.day("expires")
            approval_id = sub.text("approval_id", max_len=200)
            if credits is not None and categories and sum(categories.values()) - credits > AREA_SUM_TOLERANCE:
                sub.fail("categories", f"add up to {sum(categories.values())}, more than credits {credits}")
            if body is not None and body in seen:
                sub.fail("body", f"{body} is listed twice")
            self.problems.extend(Problem(f"{where}.{p.field}", p.reason) for p in sub.problems)
            if body is None or credits is None or sub.problems:
                continue
            seen.add(body)
            approvals.append(Approval(body, credits, categories, approval_id, expires))
        return tuple(approvals)

    def extras(self, known: Iterable[str]) -> dict[str, Any]:
        known_set = set(known) | {"extras"}
        extras = {k: v for k, v in self.raw.items() if k not in known_set}
        nested = self.raw.get("extras")
        if isinstance(nested, Mapping):
            extras = {**nested, **extras}
        return extras


def _shown(value: Any, limit: int = 60) -> str:
    """A value quoted for a message, cut to ``limit`` characters (a hostile value may be huge)."""
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_day(value: Any) -> date:
    """A calendar date written exactly ``YYYY-MM-DD`` (a ``date`` passes through), from FIRST_DAY to
    LAST_DAY. Raises ValueError with words fit for a message; nothing is cut off or guessed."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value).strip()
        try:
            if not _DAY_RE.fullmatch(text):
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"must be a date as YYYY-MM-DD, got {_shown(value)}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be a date from {FIRST_DAY} to {LAST_DAY}, got {_shown(value)}")
    return day


def too_deep(text: str | bytes) -> bool:
    """Whether JSON ``text`` nests arrays and objects more than MAX_DEPTH levels deep (brackets inside
    strings do not count), found without parsing it: safe on any input, linear in its length, and it
    stops at the first level too deep."""
    if isinstance(text, str):
        brackets = text.count("[") + text.count("{")
    else:
        brackets = text.count(b"[") + text.count(b"{")
    if brackets <= MAX_DEPTH:
        return False  # the common case: not even that many brackets (``text`` is not encoded for it)
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    depth = 0
    for token in _JSON_TOKEN.finditer(data):
        char = token.group()[:1]
        if char in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in b"]}":
            depth -= 1
    return False


_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


def load_json(text: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` behind a nesting guard: raises TooDeep (before parsing) for JSON nested deeper than
    MAX_DEPTH levels."""
    if too_deep(text):
        raise TooDeep(f"nests arrays and objects more than {MAX_DEPTH} levels deep")
    return json.loads(text, **kwargs)


def surrogate_fields(raw: Mapping[str, Any]) -> list[str]:
    """The top-level fields of a raw record whose text (keys or values, at any depth) holds a lone
    surrogate (JSON's ``\\ud800``): not text, and it cannot be stored or printed."""
    return [str(key) for key, value in raw.items() if _has_surrogate(key) or _has_surrogate(value)]


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, Mapping):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_surrogate(v) for v in value)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


def to_decimal(value: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or a numeric string; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def parse_record(raw: Mapping[str, Any], *, default_source: str | None = None) -> Record:
    """Validate one raw record (a JSON object or CSV row) and build a Course or Offer.

    Raises RecordError naming every field at fault. Unknown fields are kept in ``extras``.
    """
    if not isinstance(raw, Mapping):
        raise RecordError([Problem("record", "must be a JSON object")])
    broken = surrogate_fields(raw)
    if broken:
        raise RecordError(
            [Problem(name, "holds a lone surrogate (\\ud800-\\udfff), which is not text") for name in broken]
        )
    if default_source and not raw.get("source"):
        raw = {**raw, "source": default_source}
    kind = str(raw.get("type") or "course").strip().lower()
    if kind == "course":
        return _parse_course(raw)
    if kind == "offer":
        return _parse_offer(raw)
    raise RecordError([Problem("type", f"must be course or offer, got {raw.get('type')!r}")])


def _parse_course(raw: Mapping[str, Any]) -> Course:
    check = _Checker(raw)
    provider = check.ident("provider")
    course_id = check.ident("course_id")
    title = check.text("title", required=True, max_len=500)
    url = check.url("url", required=True)
    fmt = check.choice("format", FORMATS)
    hours = check.decimal("hours", required=True, positive=True)
    price = check.money("price")
    member_price = check.money("member_price")
    areas = check.areas("content_areas", raw.get("content_areas"))
    if hours is not None and areas and abs(sum(areas.values()) - hours) > AREA_SUM_TOLERANCE:
        check.fail("content_areas", f"add up to {sum(areas.values())} hours, but the course lasts {hours}")
    included_in = check.string_list("included_in")
    available_from = check.day("available_from")
    available_until = check.day("available_until")
    if available_from and available_until and available_until < available_from:
        check.fail("available_until", "is before available_from")
    record = Course(
        provider=provider or "",
        course_id=course_id or "",
        title=title or "",
        url=url or "",
        format=fmt or "",
        hours=hours or Decimal(0),
        source=check.choice("source", SOURCES) or "",
        price=price,
        member_price=member_price,
        currency=check.currency(),
        description=check.text("description"),
        content_areas=areas,
        approvals=check.approvals(),
        included_in=included_in,
        kind=check.choice("kind", COURSE_KINDS, default="course") or "course",
        available_from=available_from,
        available_until=available_until,
        location=check.text("location", max_len=500),
        access_months=check.integer("access_months"),
        scraped_at=check.timestamp("scraped_at"),
        extras=check.extras(COURSE_FIELDS),
    )
    if check.problems:
        raise RecordError(check.problems)
    return record


def _parse_offer(raw: Mapping[str, Any]) -> Offer:
    check = _Checker(raw)
    record = Offer(
        provider=check.ident("provider") or "",
        offer_id=check.ident("offer_id") or "",
        name=check.text("name", required=True, max_len=500) or "",
        kind=check.choice("kind", OFFER_KINDS) or "",
        price=check.money("price", required=True) or Decimal(0),
        source=check.choice("source", SOURCES) or "",
        url=check.url("url", required=False),
        period_months=check.integer("period_months"),
        currency=check.currency(),
        description=check.text("description"),
        scraped_at=check.timestamp("scraped_at"),
        extras=check.extras(OFFER_FIELDS),
    )
    if check.problems:
        raise RecordError(check.problems)
    return record


# --- CSV -------------------------------------------------------------------------------------------------


def parse_csv_approvals(text: str, check: _Checker) -> list[dict[str, Any]]:
    """``AAMA:2:clinical=1.5:general=0.5;NHA:1`` → approval objects (CSV form of ``approvals``)."""
    approvals: list[dict[str, Any]] = []
    for chunk in filter(None, (c.strip() for c in text.split(";"))):
        body, _, rest = chunk.partition(":")
        parts = rest.split(":") if rest else []
        if not parts or not parts[0]:
            check.fail("approvals", f"{chunk!r} must look like BODY:credits[:area=credits...]")
            continue
        categories: dict[str, str] = {}
        for part in parts[1:]:
            area, eq, amount = part.partition("=")
            if not eq:
                check.fail("approvals", f"{part!r} in {chunk!r} must look like area=credits")
                continue
            categories[area.strip()] = amount.strip()
        approvals.append({"body": body.strip(), "credits": parts[0].strip(), "categories": categories})
    return approvals


def _csv_areas(text: str, check: _Checker) -> dict[str, str] | str:
    areas: dict[str, str] = {}
    for chunk in filter(None, (c.strip() for c in text.split(";"))):
        area, eq, amount = chunk.partition("=")
        if not eq:
            check.fail("content_areas", f"{chunk!r} must look like area=hours")
            continue
        areas[area.strip()] = amount.strip()
    return areas


def parse_csv_row(row: Mapping[str, str | None], *, default_source: str | None = None) -> Record:
    """Validate a CSV row: JSON fields, lists ``;``-separated, ``content_areas`` as ``area=hours;…``."""
    check = _Checker(row)
    raw: dict[str, Any] = {k: (v if v is None else v.strip()) for k, v in row.items() if k is not None}
    areas_text = raw.get("content_areas")
    if areas_text:
        raw["content_areas"] = _csv_areas(areas_text, check)
    if check.problems:
        raise RecordError(check.problems)
    return parse_record(raw, default_source=default_source)


# --- Serialisation ---------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "E" not in str(value) else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_dict(record: Record) -> dict[str, Any]:
    """The JSON-ready form of a record (numbers as JSON numbers, dates as ISO strings)."""
    if isinstance(record, Course):
        out: dict[str, Any] = {"type": "course"}
        for name in COURSE_FIELDS[1:]:
            value = getattr(record, name)
            if name == "approvals":
                value = [
                    {
                        k: v
                        for k, v in {
                            "body": a.body,
                            "credits": a.credits,
                            "categories": dict(a.categories),
                            "approval_id": a.approval_id,
                            "expires": a.expires,
                        }.items()
                        if v not in (None, {})
                    }
                    for a in value
                ]
            out[name] = value
    else:
        out = {"type": "offer", **{name: getattr(record, name) for name in OFFER_FIELDS[1:]}}
    if record.extras:
        out["extras"] = dict(record.extras)
    return _plain({k: v for k, v in out.items() if v not in (None, (), {}, [])})


def dumps(record: Record) -> str:
    return json.dumps(to_dict(record), ensure_ascii=False, sort_keys=False)


def iter_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, object, error) per non-blank line; numbers parse as Decimal (exact money)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = load_json(line, parse_float=Decimal)
        except TooDeep as exc:
            yield number, None, f"record: {exc}"
            continue
        except json.JSONDecodeError as exc:
            yield number, None, f"record: not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(obj, dict):
            yield number, None, "record: must be a JSON object"
            continue
        yield number, obj, None


def checked_records(
    name: object,
    rows: Iterable[tuple[int, dict[str, Any] | None, str | None]],
    errors: list[str],
    *,
    parse: Callable[..., Record] = parse_record,
    default_source: str = "import",
) -> Iterator[tuple[int, Record]]:
    """(line number, record) for every row that parses; every problem of the others is appended to
    ``errors`` as ``name:line: field: problem``. ``rows`` as ``iter_jsonl`` gives them."""
    for number, obj, problem in rows:
        if problem is not None or obj is None:
            errors.append(f"{name}:{number}: {problem}")
            continue
        try:
            yield number, parse(obj, default_source=default_source)
        except RecordError as exc:
            errors.extend(f"{name}:{number}: {p}" for p in exc.problems)


class RecordFileError(ValueError):
    """A course-record file has bad lines; ``errors`` are ``file:line: field: problem``."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors[:5]) + (f" (+{len(errors) - 5} more)" if len(errors) > 5 else ""))


def read_jsonl_file(path: Path, *, default_source: str = "import") -> tuple[list[Course], list[Offer]]:
    """Courses and offers of a JSON Lines course-record file (for planning over a user's own list).

    Raises RecordFileError listing every bad line as ``file:line: field: problem``; nothing is returned
    from a file with any bad line.
    """
    courses: list[Course] = []
    offers: list[Offer] = []
    errors: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordFileError([f"{path}: cannot read: {exc}"]) from exc
    for _, record in checked_records(path, iter_jsonl(lines), errors, default_source=default_source):
        if isinstance(record, Course):
            courses.append(record)
        else:
            offers.append(record)
    if errors:
        raise RecordFileError(errors)
    return courses, offers


def _stored_number(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _stored_day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def course_from_stored(obj: Mapping[str, Any]) -> Course:
    """A course from the catalog's stored record JSON (parsed with Decimal numbers), without
    re-validating: the catalog stores only records that ``parse_record`` accepted, in the normalised
    form ``to_dict`` writes, so building the dataclass directly gives the same record ~20× faster."""
    price = obj.get("price")
    member = obj.get("member_price")
    stamp = obj.get("scraped_at")
    return Course(
        provider=obj["provider"],
        course_id=obj["course_id"],
        title=obj["title"],
        url=obj["url"],
        format=obj["format"],
        hours=_stored_number(obj["hours"]),
        source=obj["source"],
        price=None if price is None else _stored_number(price),
        member_price=None if member is None else _stored_number(member),
        currency=obj.get("currency", "USD"),
        description=obj.get("description"),
        content_areas={area: _stored_number(v) for area, v in obj.get("content_areas", {}).items()},
        approvals=tuple(
            Approval(
                a["body"],
                _stored_number(a["credits"]),
                {area: _stored_number(v) for area, v in a.get("categories", {}).items()},
                a.get("approval_id"),
                _stored_day(a.get("expires")),
            )
            for a in obj.get("approvals", ())
        ),
        included_in=tuple(obj.get("included_in", ())),
        kind=obj.get("kind", "course"),
        available_from=_stored_day(obj.get("available_from")),
        available_until=_stored_day(obj.get("available_until")),
        location=obj.get("location"),
        access_months=obj.get("access_months"),
        scraped_at=None if stamp is None else datetime.fromisoformat(stamp),
        extras=obj.get("extras", {}),
    )
