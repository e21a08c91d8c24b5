"""The Catalog page's filters as plain values, and their form in the page's address (URL).

The address uses the names of `recert catalog`'s flags (``--course-format`` becomes ``course_format``), so
``?provider=ace&area=administrative&course_format=online&max_price=50&text=ekg`` shows the courses
``recert catalog --provider ace --area administrative --course-format online --max-price 50 --text ekg``
lists. Repeatable flags repeat (``?provider=ace&provider=aama``) or take commas (``?provider=ace,aama``).

Filters are the raw values (provider ids, area names, format ids): never the labels a widget shows, so a
label that changes (its count) can never change what is filtered. Prices are USD, credits are the
credits ``credit_body`` grants, both ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from catalog.registry import DEFAULT_BODY

if TYPE_CHECKING:
    from catalog.queries import CourseQuery

TABLE_ROWS = 500  # rows drawn at once; the page says when more match

# Filter field → its name in the address (the CLI flag without "--", dashes as underscores).
PARAMS: dict[str, str] = {
    "text": "text",
    "providers": "provider",
    "areas": "area",
    "bodies": "body",
    "formats": "course_format",
    "free": "free",
    "min_price": "min_price",
    "max_price": "max_price",
    "min_credits": "min_credits",
    "credit_body": "credit_body",
    "sort": "sort",
    "desc": "desc",
}
COURSE_PARAM = "course"  # the course shown in detail: provider/course_id
IGNORED_PARAMS = frozenset({COURSE_PARAM, "embed", "embed_options"})  # not filters, but not mistakes
_TRUE = frozenset({"", "1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class CatalogFilters:
    """What the Catalog page filters on (empty tuples and None mean "any")."""

    text: str = ""
    providers: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    free: bool = False
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    min_credits: Decimal | None = None
    credit_body: str = DEFAULT_BODY
    sort: str = "cost_per_credit"
    desc: bool = False

    def query(self, limit: int | None = TABLE_ROWS) -> CourseQuery:
        """The catalog query `recert catalog` runs for the same flags."""
        from catalog.queries import CourseQuery

        return CourseQuery(
            providers=self.providers,
            areas=self.areas,
            bodies=self.bodies,
            formats=self.formats,
            min_price=self.min_price,
            max_price=self.max_price,
            min_credits=self.min_credits,
            credits_body=self.credit_body,
            free_only=self.free,
            text=self.text.strip() or None,
            sort=self.sort,
            body=self.credit_body,
            descending=self.desc,
            limit=limit,
        )

    def params(self) -> dict[str, list[str]]:
        """The address's query parameters for these filters (defaults left out)."""
        default = CatalogFilters()
        result: dict[str, list[str]] = {}
        for name, param in PARAMS.items():
            value = getattr(self, name)
            if value == getattr(default, name):
                continue
            if isinstance(value, tuple):
                result[param] = list(value)
            elif isinstance(value, bool):
                result[param] = ["true"]
            elif isinstance(value, Decimal):
                result[param] = [format(value.normalize(), "f")]
            else:
                result[param] = [str(value)]
        return result


@dataclass(frozen=True)
class FilterChoices:
    """The values each filter can take in this catalog (from the whole catalog's facets)."""

    providers: frozenset[str]
    areas: frozenset[str]
    bodies: frozenset[str]
    formats: frozenset[str]


def _values(raw: Sequence[str]) -> list[str]:
    return [part.strip() for item in raw for part in item.split(",") if part.strip()]


def _number(param: str, raw: str, notes: list[str]) -> Decimal | None:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        notes.append(f"{param}={raw!r} is not a number of 0 or more")
        return None
    return value


def _flag(param: str, raw: str, notes: list[str]) -> bool:
    word = raw.strip().lower()
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    notes.append(f"{param}={raw!r} is not true or false")
    return False


def from_params(
    params: Mapping[str, Sequence[str]], choices: FilterChoices
) -> tuple[CatalogFilters, list[str]]:
    """The filters an address describes, and a note for each part of it that was ignored (unknown name,
    value not in this catalog, not a number). Values are read like the CLI reads its flags: areas in
    lower case, bodies in upper case."""
    notes: list[str] = []
    by_param = {param: name for name, param in PARAMS.items()}
    found: dict[str, Any] = {}
    known: dict[str, tuple[frozenset[str], str]] = {
        "providers": (choices.providers, "provider"),
        "areas": (choices.areas, "content area"),
        "bodies": (choices.bodies, "approving body"),
        "formats": (choices.formats, "format"),
    }
    for param, raw in params.items():
        name = by_param.get(param)
        if name is None:
            if param not in IGNORED_PARAMS:
                notes.append(f"{param!r} is not a catalog filter")
            continue
        last = raw[-1] if raw else ""
        if name in known:
            allowed, what = known[name]
            values = [_case(name, value) for value in _values(raw)]
            for value in values:
                if value not in allowed:
                    notes.append(f"{param}={value!r}: no {what} of that name in this catalog")
            found[name] = tuple(dict.fromkeys(value for value in values if value in allowed))
        elif name in ("min_price", "max_price", "min_credits"):
            found[name] = _number(param, last, notes)
        elif name in ("free", "desc"):
            found[name] = _flag(param, last, notes)
        elif name == "credit_body":
            body = last.strip().upper()
            if body in choices.bodies:
                found[name] = body
            else:
                notes.append(f"{param}={last!r}: no approving body of that name in this catalog")
        elif name == "sort":
            from catalog.queries import SORTS

            if last in SORTS:
                found[name] = last
            else:
                notes.append(f"{param}={last!r} is not one of {', '.join(SORTS)}")
        else:
            found[name] = last
    return replace(CatalogFilters(), **found), notes


def _case(name: str, value: str) -> str:
    """As the CLI reads it: ``--area`` lower case, ``--body`` upper case, others as given."""
    if name == "areas":
        return value.lower()
    if name == "bodies":
        return value.upper()
    return value
