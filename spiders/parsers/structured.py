"""schema.org Course / CourseInstance / Offer from JSON-LD, microdata and RDFa, read by extruct.

:func:`extract_nodes` returns the page's schema.org objects: every JSON-LD ``<script>`` block is parsed on
its own (a broken block is reported in ``Extracted.problems`` and the others are kept), microdata and
RDFa are read by extruct; ``@graph`` is flattened, RDFa's expanded form compacted to schema.org names and
``{"@id": …}`` references replaced by the node they name. :func:`course_nodes` picks the courses (a
course nested in another one, e.g. a prerequisite, is not a listing of its own). :func:`course_fields`
maps one Course to raw field values; :func:`study_hours` and :func:`offer_terms` read its effort and
offers. Nothing here guesses: a duration that is a calendar span, instances that disagree, a price
range give an :class:`~spiders.parsers.Unparseable` reason, not a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import isodate
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_xmldom_html

from spiders.parsers import Unparseable, to_number
from spiders.parsers.credits import HOUR_PRECISION, duration_hours, parse_credits

_SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")


@dataclass(frozen=True)
class Extracted:
    """The schema.org nodes of a page and the problems met reading it (one line each)."""

    nodes: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)


def extract_nodes(html: str | bytes, url: str, encoding: str = "UTF-8") -> Extracted:
    """All schema.org objects in the page's JSON-LD (each block on its own), microdata and RDFa.

    Give the page as bytes (with the response's ``encoding``) where possible: lxml refuses a str that
    carries an XML encoding declaration (XHTML pages)."""
    try:
        tree = parse_xmldom_html(html, encoding=encoding)
    except Exception as exc:  # lxml cannot build a tree at all: no structured data
        return Extracted([], [f"the page could not be parsed as HTML ({exc})"])
    found: list[dict[str, Any]] = []
    problems: list[str] = []
    blocks = JsonLdExtractor._xp_jsonld(tree)
    assert isinstance(blocks, list)
    for number, block in enumerate(blocks, start=1):
        try:
            found.extend(_flatten(JsonLdExtractor().extract_items(block)))
        except Exception as exc:  # not JSON even for extruct's lenient reader
            problems.append(f"JSON-LD block {number} of {len(blocks)} is not valid JSON ({_first_line(exc)})")
    for syntax in ("microdata", "rdfa"):
        try:
            data = extruct.extract(tree, base_url=url, syntaxes=[syntax], uniform=True, errors="strict")
        except Exception as exc:
            problems.append(f"{syntax} could not be read ({_first_line(exc)})")
            continue
        for node in data.get(syntax) or []:
            found.extend(_flatten(_compact(node) if syntax == "rdfa" else node))
    return Extracted(_resolve_references(found), problems)


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _flatten(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _flatten(child)
    elif isinstance(node, Mapping):
        if "@graph" in node:
            yield from _flatten(node["@graph"])
        else:
            yield dict(node)


def _short(iri: str) -> str | None:
    for prefix in _SCHEMA_PREFIXES:
        if iri.startswith(prefix):
            return iri[len(prefix) :]
    return None


def _compact(node: Mapping[str, Any]) -> dict[str, Any]:
    """RDFa as extruct gives it (expanded JSON-LD: full IRIs, ``[{"@value": …}]``) in schema.org names."""
    compact: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@id":
            compact[key] = value
        elif key == "@type":
            types = [_short(str(t)) or str(t) for t in (value if isinstance(value, list) else [value])]
            compact[key] = types[0] if len(types) == 1 else types
        elif (name := _short(key)) is not None:
            values = [v.get("@value", v) if isinstance(v, Mapping) else v for v in _as_list(value)]
            compact[name] = values[0] if len(values) == 1 else values
    return compact


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _is_reference(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"@id"}


def _resolve_references(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace ``{"@id": x}`` by the node with ``@id`` x (from anywhere on the page), without cycles."""
    index: dict[str, dict[str, Any]] = {}

    def collect(value: Any) -> None:
        if isinstance(value, Mapping):
            if isinstance(value.get("@id"), str) and not _is_reference(value):
                index.setdefault(value["@id"], dict(value))
            for child in value.values():
                collect(child)
        elif isinstance(value, list):
            for child in value:
                collect(child)

    def resolve(value: Any, seen: frozenset[str]) -> Any:
        if _is_reference(value) and value["@id"] in index and value["@id"] not in seen:
            return resolve(index[value["@id"]], seen | {value["@id"]})
        if isinstance(value, Mapping):
            own = value.get("@id")
            inner = seen | {own} if isinstance(own, str) else seen
            return {k: resolve(v, inner) for k, v in value.items()}
        if isinstance(value, list):
            return [resolve(v, seen) for v in value]
        return value

    collect(nodes)
    return [resolve(node, frozenset()) for node in nodes]


def types_of(node: Mapping[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for k in kinds if k}


def course_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Course nodes, found at any depth (an ItemList's items, a page's mainEntity) but not inside
    another Course (a prerequisite is not a listing). Product nodes count when there is no Course."""
    inside: set[str] = set()
    courses: list[dict[str, Any]] = []
    for node in nodes:
        courses.extend(_find(node, "Course"))
    for course in courses:
        for value in course.values():
            for nested in _find(value, "Course"):
                if isinstance(nested.get("@id"), str):
                    inside.add(nested["@id"])
    courses = [c for c in courses if c.get("@id") not in inside]
    return courses or [n for node in nodes for n in _find(node, "Product")]


def _find(value: Any, kind: str) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for child in value:
            yield from _find(child, kind)
    elif isinstance(value, Mapping):
        if kind in types_of(value):
            yield dict(value)
            return
        for child in value.values():
            yield from _find(child, kind)


def first(value: Any) -> Any:
    """The first of a list, the value itself otherwise; a ``{"@value": …}`` wrapper unwrapped."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping) and "@value" in value:
        value = value["@value"]
    return value


def text_of(value: Any) -> str | None:
    value = first(value)
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("value")
    if value is None or isinstance(value, Mapping | list):
        return None
    text = str(value).strip()
    return text or None


def instances_of(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [i for i in _as_list(node.get("hasCourseInstance") or []) if isinstance(i, Mapping)]


def course_fields(node: Mapping[str, Any]) -> dict[str, Any]:
    """Raw values of one Course node: title, description, url, the id candidates (code, @id), credits
    text, course mode, provider name, content area."""
    instances = instances_of(node)
    mode = text_of(node.get("courseMode")) or next(
        (text_of(i.get("courseMode")) for i in instances if i.get("courseMode")), None
    )
    node_id = node.get("@id")
    return {
        "title": text_of(node.get("name")),
        "description": text_of(node.get("description")),
        "url": text_of(node.get("url")),
        "code": next(filter(None, (text_of(node.get(k)) for k in ("courseCode", "identifier", "sku"))), None),
        "node_id": node_id if isinstance(node_id, str) and not node_id.startswith("_:") else None,
        "credits": _credits_text(node.get("numberOfCredits")),
        "credential": text_of(node.get("educationalCredentialAwarded")),
        "mode": mode,
        "provider": text_of(node.get("provider")),
        "area": text_of(node.get("about")) or text_of(node.get("educationalLevel")),
        "free": str(first(node.get("isAccessibleForFree"))).lower() == "true",
    }


def _credits_text(value: Any) -> str | None:
    value = first(value)
    if isinstance(value, Mapping):  # StructuredValue {"value": 2, "unitText": "AAMA CEU"}
        amount = value.get("value")
        unit = value.get("unitText") or value.get("unitCode") or ""
        return f"{amount} {unit}".strip() if amount is not None else None
    return None if value is None else str(value)


# --- ids ----------------------------------------------------------------------------------------------

_PAGE_EXTENSIONS = ("html", "htm", "php", "asp", "aspx", "jsp")


def url_slug(url: str) -> str:
    """The last path segment without a page extension: ".../hipaa-basics.html" → "hipaa-basics"."""
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    stem, dot, extension = last.rpartition(".")
    return stem if dot and extension.lower() in _PAGE_EXTENSIONS else last


def slug(text: str) -> str:
    """Lower-case letters and digits joined by "-": "ICD-10 Coding: Update" → "icd-10-coding-update"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def course_id(fields: Mapping[str, Any], course_url: str) -> str | None:
    """A stable id: courseCode (or identifier / sku), else the node's ``@id``, else the course URL's slug
    plus a slug of the name (the name alone is left out when it is the URL's slug already).

    An ``@id`` that is a URL keeps only its path's slug and fragment, so a crawl of a mirror (another host)
    gives the same id as the real site."""
    if fields["code"]:
        return str(fields["code"])
    if fields["node_id"]:
        node_id = str(fields["node_id"])
        parts = urlsplit(urljoin(course_url, node_id))
        if parts.scheme in ("http", "https"):
            base = url_slug(parts.geturl()) or slug(parts.netloc)
            return f"{base}-{parts.fragment}" if parts.fragment else base
        return node_id
    base, name = url_slug(course_url), slug(fields["title"] or "")
    if not name or name == base:
        return base or None
    return f"{base}--{name}" if base else name


# --- study time ---------------------------------------------------------------------------------------

_PER_WEEK_RE = re.compile(
    r"^\s*(?P<num>\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\s*(?:/|per|a|each)\s*(?:week|wk)\b", re.I
)
_WEEKS_RE = re.compile(r"^P(?P<weeks>\d+)W$", re.I)
_WEEKLY = ("weekly", "p1w", "https://schema.org/weekly")


def effort_hours(text: str) -> Decimal:
    """Study time from one ``courseWorkload`` / ``timeRequired`` value: an ISO 8601 duration in hours
    and minutes ("PT1H30M") or text in hours/minutes ("90 minutes"). Raises Unparseable for a calendar
    span ("P10W", "P2D", "P3M": how long the course runs, not how long it takes) and anything else."""
    raw = text.strip()
    if raw.upper().startswith("P"):
        return duration_hours(raw)
    if _PER_WEEK_RE.match(raw):
        raise Unparseable(f"{raw!r} is a weekly effort, not a total")
    try:
        credits = parse_credits(raw)
    except Unparseable:
        raise Unparseable(f"{raw!r} is not a duration in hours or minutes") from None
    if credits.unit != "contact_hour" or credits.body or credits.up_to or credits.hours is None:
        raise Unparseable(f"{raw!r} is not a duration in hours or minutes")
    return credits.hours


def _weeks(text: str | None) -> int | None:
    match = _WEEKS_RE.match(text.strip()) if text else None
    return int(match["weeks"]) if match else None


def _schedule_hours(schedule: Mapping[str, Any], weeks: int | None) -> Decimal:
    """A courseSchedule's total: ``duration`` (per session) × ``repeatCount``, or × the course's span in
    weeks when the schedule repeats weekly and states no count."""
    duration = text_of(schedule.get("duration"))
    if not duration:
        raise Unparseable("courseSchedule states no duration")
    per_session = effort_hours(duration)
    count = first(schedule.get("repeatCount"))
    if count is not None:
        try:
            sessions = to_number(str(count))
        except Unparseable:
            raise Unparseable(f"courseSchedule repeatCount {count!r} is not a number") from None
        if sessions <= 0 or sessions != sessions.to_integral_value():
            raise Unparseable(f"courseSchedule repeatCount {count!r} is not a whole number of sessions")
        return _exact(per_session * sessions)
    frequency = (text_of(schedule.get("repeatFrequency")) or "").lower()
    if frequency in _WEEKLY and weeks:
        return _exact(per_session * weeks)
    raise Unparseable(f"courseSchedule of {duration} per session states no repeatCount")


def _exact(hours: Decimal) -> Decimal:
    return hours if hours == hours.quantize(HOUR_PRECISION) else hours.quantize(HOUR_PRECISION)


def _node_hours(
    node: Mapping[str, Any], outer: Mapping[str, Any] | None = None
) -> tuple[Decimal | None, str]:
    """(hours, "") from the first effort a node states, or (None, why not); ``outer`` (the course, for
    an instance) lends its span in weeks and its weekly effort."""
    reasons: list[str] = []
    fields = ("courseWorkload", "timeRequired", "duration")
    spans = [text_of(n.get(f)) for n in (node, outer or {}) for f in fields]
    weeks = next((w for w in map(_weeks, spans) if w), None)
    for name in ("courseWorkload", "timeRequired"):
        value = text_of(node.get(name))
        if not value:
            continue
        per_week = _PER_WEEK_RE.match(value)
        if per_week and weeks:
            return _exact(Decimal(per_week["num"]) * weeks), ""
        try:
            return effort_hours(value), ""
        except Unparseable as exc:
            reasons.append(f"{name} {exc}")
    schedules = [s for s in _as_list(node.get("courseSchedule") or []) if isinstance(s, Mapping)]
    for schedule in schedules:
        try:
            return _schedule_hours(schedule, weeks), ""
        except Unparseable as exc:
            reasons.append(str(exc))
    rates = [_PER_WEEK_RE.match(text_of(outer.get(f)) or "") for f in fields[:2]] if outer else []
    rate = next((r for r in rates if r), None)
    if rate and weeks:  # the course's "3 hours per week" over the instance's span in weeks
        return _exact(Decimal(rate["num"]) * weeks), ""
    return None, "; ".join(reasons)


def study_hours(course: Mapping[str, Any]) -> Decimal | None:
    """Contact hours of study a Course states, or None when it states no time at all.

    Precedence: the course's ``courseWorkload``, then its ``timeRequired`` (hours and minutes only), then
    its ``courseSchedule``; else its instances' (each read the same way) when they agree. A span with a
    weekly effort ("3 hours per week", or a weekly schedule) is multiplied out only for a span in weeks.
    Raises Unparseable when time is stated only as a span, or the instances disagree."""
    hours, why = _node_hours(course)
    if hours is not None:
        return hours
    reasons = [why] if why else []
    found: list[Decimal] = []
    for instance in instances_of(course):
        instance_hours, instance_why = _node_hours(instance, course)
        if instance_hours is not None:
            found.append(instance_hours)
        elif instance_why:
            reasons.append(f"instance: {instance_why}")
    distinct = sorted(set(found))
    if len(distinct) == 1:
        return distinct[0]
    if len(distinct) > 1:
        listed = ", ".join(f"{h.normalize():f} h" for h in distinct)
        raise Unparseable(f"the course's instances state different study times ({listed}): none taken")
    if reasons:
        raise Unparseable(reasons[0])
    return None


# --- offers -------------------------------------------------------------------------------------------

_RECURRING_RE = re.compile(
    r"subscription|\bper (?:month|year|week)\b|/\s*(?:mo|month|yr|year|week)\b|\bmonthly\b|\byearly\b"
    r"|\bannual(?:ly)? (?:plan|access|pass|subscription|membership)\b|\ball[- ]access\b",
    re.I,
)
_MEMBER_RE = re.compile(r"\bmembers?\b", re.I)
_NON_MEMBER_RE = re.compile(r"non[-\s]?members?|general public", re.I)
_MEMBERSHIP_RE = re.compile(r"\bmembership\b", re.I)


@dataclass(frozen=True)
class OfferTerms:
    """One offer as the page states it: ``price`` text and ``currency`` from the same object (the offer,
    or its price specification); ``recurring`` for subscriptions with ``period_months`` when stated;
    ``member`` when it is the members' price; ``membership`` when it sells a membership (recurring and
    named so); ``free`` when the offer says Free without an amount."""

    price: str | None
    currency: str | None
    name: str | None
    recurring: bool = False
    period_months: int | None = None
    member: bool = False
    membership: bool = False
    free: bool = False
    offer_id: str | None = None


def offers_of(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The node's offers; an AggregateOffer's own ``offers`` expanded (without them it stays whole)."""
    expanded: list[Mapping[str, Any]] = []
    for offer in _as_list(node.get("offers") or []):
        if isinstance(offer, Mapping) and offer.get("offers"):
            expanded.extend(offers_of(offer))
        elif isinstance(offer, Mapping):
            expanded.append(offer)
    return expanded


def all_offers(course: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every offer of a course and of its instances (read each with :func:`offer_terms`)."""
    return offers_of(course) + [o for i in instances_of(course) for o in offers_of(i)]


def offer_terms(offer: Mapping[str, Any]) -> OfferTerms:
    """Read one Offer. Raises Unparseable for a price range (AggregateOffer low ≠ high)."""
    name = text_of(offer.get("name"))
    category = text_of(offer.get("category")) or ""
    customer = text_of(offer.get("eligibleCustomerType")) or ""
    label = f"{name or ''} {category} {customer}"
    specs = [s for s in _as_list(offer.get("priceSpecification") or []) if isinstance(s, Mapping)]
    specs = [s for s in specs if "strikethrough" not in str(s.get("priceType", "")).lower()] or specs
    priced = next((s for s in specs if first(s.get("price")) is not None), None)
    source: Mapping[str, Any] = offer if first(offer.get("price")) is not None or priced is None else priced
    price = text_of(source.get("price"))
    if price is None and "AggregateOffer" in types_of(offer):
        low, high = text_of(offer.get("lowPrice")), text_of(offer.get("highPrice"))
        if low and high and low != high:
            raise Unparseable(f"the offers range from {low} to {high}: no one price")
        price, source = low or high, offer
    period = None
    recurring = bool(_RECURRING_RE.search(f"{label} {price or ''}"))
    for spec in specs:
        spec_period = _spec_period(spec)
        if spec_period is not False:
            recurring = True
            period = period or spec_period
    return OfferTerms(
        price=price,
        currency=text_of(source.get("priceCurrency")) or text_of(offer.get("priceCurrency")),
        name=name,
        recurring=recurring,
        period_months=period if isinstance(period, int) else _label_period(label) if recurring else None,
        member=bool(_MEMBER_RE.search(label)) and not _NON_MEMBER_RE.search(label),
        membership=recurring and bool(_MEMBERSHIP_RE.search(label)),
        free=price is None and category.lower().rsplit("/", 1)[-1] == "free",
        offer_id=text_of(offer.get("sku")) or text_of(offer.get("identifier")),
    )


def _spec_period(spec: Mapping[str, Any]) -> int | bool | None:
    """A price specification's billing period in months; None = recurring, period unknown; False =
    not recurring (no billing duration, increment, reference quantity or unit)."""
    duration = first(spec.get("billingDuration"))
    quantity = first(spec.get("referenceQuantity"))
    unit = text_of(spec.get("unitCode")) or text_of(spec.get("unitText"))
    if isinstance(quantity, Mapping):
        unit = unit or text_of(quantity.get("unitCode")) or text_of(quantity.get("unitText"))
    if duration is None and quantity is None and unit is None and spec.get("billingIncrement") is None:
        return False
    if isinstance(duration, int | float) or (isinstance(duration, str) and duration.strip().isdigit()):
        per_unit = _unit_months(unit)  # billingDuration 12 with unitCode MON = a year
        return int(duration) * per_unit if per_unit else None
    if isinstance(duration, str) and duration.upper().startswith("P"):
        try:
            parsed = isodate.parse_duration(duration.upper())
        except (isodate.ISO8601Error, ValueError):
            return None
        if isinstance(parsed, timedelta):
            return None
        months = int(parsed.years * 12 + parsed.months)
        return months or None
    return _unit_months(unit)


def _unit_months(unit: str | None) -> int | None:
    if not unit:
        return None
    upper = unit.strip().upper()
    if upper in ("MON", "MONTH", "MONTHS", "MONTHLY"):
        return 1
    if upper in ("ANN", "YEAR", "YEARS", "YEARLY", "ANNUAL", "ANNUALLY"):
        return 12
    return None


def _label_period(label: str) -> int | None:
    lower = label.lower()
    if re.search(r"month|/\s*mo\b", lower):
        return 1
    if re.search(r"\byear|annual|/\s*yr\b", lower):
        return 12
    return None
