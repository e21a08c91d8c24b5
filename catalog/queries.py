"""Reading the catalog: the one query module behind both the CLI and the app.

Money comes back as ``Decimal`` in the course's own currency; price filters and price sorts compare only
USD prices as dollars (other currencies are left out of price filters and sorted after USD).
``cost_per_credit`` is the list price divided by the credits one approving body (default AAMA) grants,
in currency per that body's unit (e.g. USD per AAMA CEU). Courses with no value for the sort key (no
price, no approval from the body) come last in either direction.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import duckdb

from catalog.db import read_connection, schema_version
from catalog.flat import cost_column, cost_expression, credits_column
from catalog.planner_columns import CourseFilter, PlannerColumns
from catalog.records import AREAS, Course, Offer, course_from_stored, parse_record
from catalog.registry import DEFAULT_BODY

if TYPE_CHECKING:  # pandas is imported by pyarrow's to_pandas() only when a DataFrame is built
    import pandas as pd

SORTS: tuple[str, ...] = ("cost_per_credit", "price", "credits", "title")
FACETS: tuple[str, ...] = ("provider", "area", "body", "format", "kind", "source")


@dataclass(frozen=True)
class CourseQuery:
    """Which courses to list and in what order. Empty tuples mean "any".

    ``min_price``/``max_price`` are USD; ``min_credits`` counts credits of ``credits_body`` (default:
    ``body``); ``body`` is the approving body whose credits ``cost_per_credit`` and the "credits" sort use.
    ``limit`` None means all rows.
    """

    providers: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    min_credits: Decimal | None = None
    credits_body: str | None = None
    free_only: bool = False
    text: str | None = None
    sort: str = "cost_per_credit"
    body: str = DEFAULT_BODY
    descending: bool = False
    limit: int | None = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}, got {self.sort!r}")
        if self.limit is not None and self.limit < 0:
            raise ValueError("limit must not be negative")
        if self.offset < 0:
            raise ValueError("offset must not be negative")


@dataclass(frozen=True)
class InferredArea:
    """A content area the ML model guessed for a course without one (probability in [0, 1])."""

    area: str
    probability: float
    model_version: str


@dataclass(frozen=True)
class CatalogSnapshot:
    """The whole catalog as plain records, for the planner, the rules check and the ML models."""

    courses: tuple[Course, ...]
    offers: tuple[Offer, ...]
    inferred_areas: Mapping[tuple[str, str], InferredArea] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One load or crawl as recorded in the ``run`` table (times in UTC)."""

    run_id: int
    kind: str
    provider: str | None
    started: datetime
    finished: datetime | None
    items: int
    errors: int
    status: str
    note: str | None
    inserted: int
    updated: int
    unchanged: int
    price_changes: int


Path = str | os.PathLike[str]

# --- Filtering ---------------------------------------------------------------------------------------

_BASE = "FROM course AS c"


def _credits(body: str, parameter: str = "body") -> str:
    """Credits ``body`` grants (NULL when it did not approve the course): a flat column when there is
    one (catalog/flat.py), else a lookup in the ``credits`` map with ``$parameter`` holding the body."""
    column = credits_column(body)
    return f"c.{column}" if column else f"c.credits[${parameter}]"


def _cost(body: str) -> str:
    """List price ÷ the body's credits (currency per credit, 4 decimal places)."""
    column = cost_column(body)
    return f"c.{column}" if column else cost_expression("c.price", _credits(body))


def _where(query: CourseQuery) -> tuple[str, dict[str, Any]]:
    """The WHERE clause and its named parameters (values are always parameters)."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column, values in (
        ("provider", query.providers),
        ("format", query.formats),
        ("kind", query.kinds),
        ("source", query.sources),
    ):
        if values:
            clauses.append(f"list_contains(${column}s, c.{column})")
            params[f"{column}s"] = list(values)
    if query.areas:  # area_mask: one bit per content area, kept by the loader
        params["area_mask"] = sum(1 << AREAS.index(area) for area in set(query.areas) if area in AREAS)
        clauses.append("(c.area_mask & $area_mask) <> 0")
    if query.bodies:
        params["bodies"] = list(query.bodies)
        clauses.append("list_has_any(c.bodies, $bodies)")
    if query.min_price is not None:
        params["min_price"] = query.min_price
        clauses.append("c.currency = 'USD' AND c.price >= $min_price")
    if query.max_price is not None:
        params["max_price"] = query.max_price
        clauses.append("c.currency = 'USD' AND c.price <= $max_price")
    if query.free_only:
        clauses.append("c.price = 0")
    if query.min_credits is not None:
        params["min_credits"] = query.min_credits
        credits_body = query.credits_body or query.body
        if credits_column(credits_body) is None:
            params["credits_body"] = credits_body
        clauses.append(f"{_credits(credits_body, 'credits_body')} >= $min_credits")
    for number, word in enumerate((query.text or "").lower().split()):
        params[f"word{number}"] = word
        clauses.append(
            f"(contains(lower(c.title), $word{number})"
            f" OR contains(lower(coalesce(c.description, '')), $word{number}))"
        )
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _order_keys(query: CourseQuery) -> list[tuple[str, str]]:
    """(expression, direction) pairs; a missing sort value sorts last in either direction."""
    direction = "DESC" if query.descending else "ASC"
    cost, credits = _cost(query.body), _credits(query.body)
    primary = {
        "cost_per_credit": [(f"{cost} IS NULL", "ASC"), ("c.currency <> 'USD'", "ASC"), (cost, direction)],
        "price": [("c.price IS NULL", "ASC"), ("c.currency <> 'USD'", "ASC"), ("c.price", direction)],
        "credits": [(f"{credits} IS NULL", "ASC"), (credits, direction), ("c.hours", direction)],
        "title": [("c.title_rank", direction)],
    }[query.sort]
    # title_rank: position in (lower(title), provider, course_id) order, kept by the loader; an integer
    # tie-breaker is much cheaper than comparing strings when many courses share a price.
    return [*primary, ("c.title_rank", "ASC")]


def search(path: Path, query: CourseQuery, *, records: bool = False) -> pd.DataFrame:
    """One row per matching course, in the query's order, with ``credits`` and ``cost_per_credit`` for
    ``query.body``, the lists ``areas`` (content areas) and ``bodies`` (approving bodies, sorted) and
    ``body_credits`` (each approving body's credits, as (body, credits) pairs in the record's order); with
    ``records``, also each course's stored ``record`` JSON (~1 ms more per row: that column is
    zstd-compressed, see migration 011, so a page shows columns, not records)."""
    where, params = _where(query)
    keys = _order_keys(query)
    params["body"] = query.body
    params["offset"] = query.offset
    page = " OFFSET $offset"
    if query.limit is not None:
        params["limit"] = query.limit
        page = " LIMIT $limit OFFSET $offset"
    order = ", ".join(f"{expr} {direction}" for expr, direction in keys)
    sql = f"""
    SELECT c.provider, c.course_id, c.title, c.url, c.description, c.format, c.kind, c.hours, c.price,
        c.member_price, c.currency, c.included_in, c.source, c.available_from, c.available_until,
        c.first_seen, c.last_seen, c.last_changed, $body AS body, {_credits(query.body)} AS credits,
        {_cost(query.body)} AS cost_per_credit, c.areas, c.bodies,
        c.credits AS body_credits{", c.record" if records else ""}
    {_BASE} {where} ORDER BY {order} {page}
    """
    with read_connection(path) as con:
        return con.sql(sql, params=params).to_arrow_table().to_pandas()


def count(path: Path, query: CourseQuery) -> int:
    """How many courses match the query's filters (ignoring limit and offset)."""
    where, params = _where(query)
    with read_connection(path) as con:
        ((total,),) = con.execute(f"SELECT count(*) {_BASE} {where}", params).fetchall()
    return int(total)


_FACET_VALUES = {
    "provider": "provider",
    "format": "format",
    "kind": "kind",
    "source": "source",
    "body": "unnest(bodies)",
    "area": "unnest(areas)",
}


def facets(path: Path, query: CourseQuery) -> dict[str, dict[str, int]]:
    """For each facet (provider, area, body, format, kind, source): value → number of matching courses."""
    where, params = _where(query)
    matching = (
        f"WITH matching AS (SELECT c.provider, c.format, c.kind, c.source, c.areas, c.bodies {_BASE} {where})"
    )
    result: dict[str, dict[str, int]] = {}
    with read_connection(path) as con:
        for name in FACETS:
            rows = con.execute(
                f"{matching} SELECT value, count(*) AS n"  # noqa: S608 (identifiers only)
                f" FROM (SELECT {_FACET_VALUES[name]} AS value FROM matching)"
                " GROUP BY value ORDER BY n DESC, value",
                params,
            ).fetchall()
            result[name] = {str(value): int(n) for value, n in rows}
    return result


# --- Whole-catalog reads -----------------------------------------------------------------------------


def _load_json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def snapshot(path: Path) -> CatalogSnapshot:
    """Every course and offer as records (rebuilt from the stored record JSON), plus inferred areas
    from the ML helper's ``inferred_area`` table when it exists."""
    with read_connection(path) as con:
        course_rows = con.execute("SELECT record FROM course ORDER BY provider, course_id").fetchall()
        offer_rows = con.execute("SELECT record FROM offer ORDER BY provider, offer_id").fetchall()
        inferred = inferred_areas(con)
    courses = tuple(course_from_stored(_load_json(text)) for (text,) in course_rows)
    offers = tuple(parse_record(_load_json(text)) for (text,) in offer_rows)
    return CatalogSnapshot(
        courses=courses,
        offers=tuple(o for o in offers if isinstance(o, Offer)),
        inferred_areas=inferred,
    )


def _records_where(path: Path, condition: str, params: dict[str, Any]) -> CatalogSnapshot:
    with read_connection(path) as con:
        rows = con.execute(
            f"SELECT record FROM course WHERE {condition} ORDER BY provider, course_id",  # noqa: S608
            params,
        ).fetchall()
        inferred = inferred_areas(con)
    courses = tuple(course_from_stored(_load_json(text)) for (text,) in rows)
    keys = {course.key for course in courses}
    return CatalogSnapshot(courses, (), {k: v for k, v in inferred.items() if k in keys})


def courses_by_key(path: Path, keys: Iterable[tuple[str, str]]) -> CatalogSnapshot:
    """The courses with these (provider, course_id) keys that the catalog holds, with their inferred
    areas (no offers): what a done-list needs without reading the whole catalog."""
    wanted = sorted({f"{provider}/{course_id}" for provider, course_id in keys})
    return _records_where(path, "provider || '/' || course_id IN (SELECT unnest($keys))", {"keys": wanted})


def offer_names(path: Path) -> dict[tuple[str, str], str]:
    """Every offer's (provider, offer_id) → its name: a few columns, not whole records."""
    with read_connection(path) as con:
        rows = con.execute(
            "SELECT provider, offer_id, name FROM offer ORDER BY provider, offer_id"
        ).fetchall()
    return {(provider, offer_id): name for provider, offer_id, name in rows}


def courses_named(path: Path, text: str) -> CatalogSnapshot:
    """The courses a person may mean by ``text``: ``provider/course_id``, a course id, or a title (any
    case), with their inferred areas."""
    condition = "provider || '/' || course_id = $text OR course_id = $text OR lower(title) = lower($text)"
    return _records_where(path, condition, {"text": text.strip()})


def course_texts(path: Path) -> list[tuple[tuple[str, str], str, str | None]]:
    """Every course's key, title and description (the text the interest ranker reads), in key order:
    a few columns instead of whole records."""
    with read_connection(path) as con:
        rows = con.execute(
            "SELECT provider, course_id, title, description FROM course ORDER BY provider, course_id"
        ).fetchall()
    return [((str(p), str(c)), str(title), description) for p, c, title, description in rows]


def inferred_areas(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], InferredArea]:
    """The ML model's areas for courses whose provider states none (empty before the model has run)."""
    ((exists,),) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'inferred_area'"
    ).fetchall()
    if not exists:
        return {}
    rows = con.execute(
        "SELECT provider, course_id, area, probability, model_version FROM inferred_area"
    ).fetchall()
    return {(p, c): InferredArea(str(a), float(prob), str(v)) for p, c, a, prob, v in rows}


def _run(row: tuple[Any, ...]) -> Run:
    return Run(*row)


_RUN_SELECT = "SELECT * EXCLUDE (providers)"  # the columns of Run, in order


def last_good_run(path: Path, provider: str | None) -> Run | None:
    """The latest run with status "ok" that was for ``provider`` or loaded its records."""
    with read_connection(path) as con:
        rows = con.execute(
            _RUN_SELECT + " FROM run WHERE status = 'ok' AND (provider IS NOT DISTINCT FROM $provider"
            " OR list_contains(coalesce(providers, []), $provider))"
            " ORDER BY started DESC, run_id DESC LIMIT 1",
            {"provider": provider},
        ).fetchall()
    return _run(rows[0]) if rows else None


def runs(path: Path, *, limit: int = 20) -> list[Run]:
    """The most recent runs, newest first."""
    with read_connection(path) as con:
        rows = con.execute(
            _RUN_SELECT + " FROM run ORDER BY started DESC, run_id DESC LIMIT ?", [limit]
        ).fetchall()
    return [_run(row) for row in rows]


def price_history(path: Path, provider: str, course_id: str, *, item_type: str = "course") -> pd.DataFrame:
    """Every observed price of one course (or offer, with ``item_type="offer"``), oldest first:
    columns price, member_price (Decimal), currency, seen_at (UTC), run_id."""
    with read_connection(path) as con:
        return (
            con.sql(
                "SELECT price, member_price, currency, seen_at, run_id FROM price_history"
                " WHERE item_type = $item_type AND provider = $provider AND item_id = $item_id"
                " ORDER BY seen_at, run_id",
                params={"item_type": item_type, "provider": provider, "item_id": course_id},
            )
            .to_arrow_table()
            .to_pandas()
        )


def is_sample(path: Path) -> bool:
    """Whether any course or offer in the catalog comes from the bundled sample."""
    with read_connection(path) as con:
        ((found,),) = con.execute(
            "SELECT EXISTS (SELECT 1 FROM course WHERE source = 'sample')"
            " OR EXISTS (SELECT 1 FROM offer WHERE source = 'sample')"
        ).fetchall()
    return bool(found)


def stats(path: Path) -> dict[str, Any]:
    """Counts per provider (courses, offers, per source), each provider's last run, totals per source,
    and the last run overall. Times are ISO 8601 strings (UTC)."""
    with read_connection(path) as con:
        summary = con.execute(
            "SELECT provider, courses, offers, sample, live, import, last_seen"
            " FROM provider_summary ORDER BY provider"
        ).fetchall()
        last_runs = {
            row[0]: _run(row[1:])
            for row in con.execute("SELECT * EXCLUDE (providers) FROM last_run").fetchall()
        }
        newest_rows = con.execute(
            _RUN_SELECT + " FROM run ORDER BY started DESC, run_id DESC LIMIT 1"
        ).fetchall()
        version = schema_version(con)
    providers = []
    for provider, courses, offers, sample, live, imported, last_seen in summary:
        run = last_runs.get(provider)
        providers.append(
            {
                "provider": provider,
                "courses": int(courses),
                "offers": int(offers),
                "sources": {"sample": int(sample), "live": int(live), "import": int(imported)},
                "last_seen": _iso(last_seen),
                "last_run": _run_dict(run),
            }
        )
    newest = _run(newest_rows[0]) if newest_rows else None
    return {
        "catalog": str(path),
        "schema_version": version,
        "courses": sum(p["courses"] for p in providers),
        "offers": sum(p["offers"] for p in providers),
        "sources": {
            source: sum(p["sources"][source] for p in providers) for source in ("sample", "live", "import")
        },
        "providers": providers,
        "last_run": _run_dict(newest),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _run_dict(run: Run | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "run_id": run.run_id,
        "kind": run.kind,
        "provider": run.provider,
        "started": _iso(run.started),
        "finished": _iso(run.finished),
        "items": run.items,
        "errors": run.errors,
        "status": run.status,
        "note": run.note,
    }


# The planner's columns: see catalog/planner_columns.py for what each column and flag means.
PLANNER_COURSE_SQL = """
SELECT provider, course_id, title, url, format, currency, kind, available_from, available_until,
       number[1] AS hours, number[2] AS price, number[3] AS member_price,
       part[1] AS included_in, part[2] AS content_areas, part[3] AS approvals, part[4] AS college,
       CAST(coalesce(
           coalesce(currency, $currency) <> $currency
           OR coalesce(available_until < $today, false)
           OR list_contains(CAST($avoid AS VARCHAR[]), provider)
           OR (len(CAST($formats AS VARCHAR[])) > 0
               AND NOT list_contains(CAST($formats AS VARCHAR[]), format))
           OR list_contains(CAST($taken AS VARCHAR[]), course_id)
           OR list_contains(CAST($taken AS VARCHAR[]), provider || '/' || course_id), true) AS TINYINT
       ) AS suspect,
       CAST(coalesce(list_sum(list_transform(CAST($ends AS DATE[]),
           lambda cycle_end, i: CAST(coalesce(available_from > cycle_end, false) AS INTEGER) << (i - 1))), 0)
           AS INTEGER) AS late
FROM (
    SELECT *, json_extract_string(record, ['$.hours', '$.price', '$.member_price']) AS number,
           json_extract(record, ['$.included_in', '$.content_areas', '$.approvals',
                                 '$.extras.college_credits']) AS part
    FROM course
)
"""


def planner_columns(path: str | os.PathLike[str], course_filter: CourseFilter) -> PlannerColumns:
    """The planner's columns from the published catalog at ``path`` for ``course_filter`` (raises
    ``catalog.db.CatalogMissing``)."""
    parameters = {
        "currency": course_filter.currency,
        "today": course_filter.today,
        "avoid": sorted(course_filter.avoid),
        "formats": sorted(course_filter.formats),
        "taken": sorted(course_filter.taken),
        "ends": list(course_filter.cycle_ends),
    }
    load = json.JSONDecoder(parse_float=Decimal).decode
    with read_connection(path) as con:
        offer_rows = con.execute("SELECT record FROM offer ORDER BY provider, offer_id").fetchall()
        inferred = {key: found.area for key, found in inferred_areas(con).items()}
        table = con.sql(PLANNER_COURSE_SQL, params=parameters).to_arrow_table()
    offers = [record for (text,) in offer_rows if isinstance(record := parse_record(load(text)), Offer)]
    return PlannerColumns(offers, inferred, table)
