"""What the planner reads from the catalog, as plain data: ``catalog.queries.planner_columns`` fills a
``PlannerColumns`` for a ``CourseFilter`` and ``recommender.planner.columnar`` turns it into the plan's
input (the planner opens no connection; this module imports no database, so the planner may import it).

The query (``catalog.queries.PLANNER_COURSE_SQL``) returns, per course, the plain string and date columns
the catalog keeps beside the record (written from it), the record JSON's own text for numbers (exact, as
stored: hours and prices in the course's currency) and for the credit inputs — each record parsed once for
all paths (one path at a time took twice as long) — and two flags computed from the profile's
``CourseFilter``: ``suspect`` (a filter may leave the course out; the planner decides and words it) and
``late`` (bit i: the course starts after held credential i's cycle ends, ``cycle_ends[i]``). Every value
reaches DuckDB as a parameter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from catalog.records import Offer

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class CourseFilter:
    """What a profile filters courses by, for the ``suspect`` and ``late`` flags: the plan's ``currency``
    (others are suspect), ``today`` (courses available only until before it are), providers to
    ``avoid``, accepted ``formats`` (empty: any), course ids ``taken`` (``id`` or ``provider/id``), and
    each held credential's ``cycle_ends`` (None: open-ended)."""

    currency: str
    today: date
    avoid: Sequence[str] = ()
    formats: Sequence[str] = ()
    taken: Sequence[str] = ()
    cycle_ends: Sequence[date | None] = ()


@dataclass(frozen=True)
class PlannerColumns:
    """What the planner's columnar input is built from: every offer record (by provider, offer id), the
    ML model's area per course key, and the course table (``catalog.queries.PLANNER_COURSE_SQL``'s
    columns, as Arrow)."""

    offers: list[Offer]
    inferred_areas: dict[tuple[str, str], str]
    courses: pa.Table
