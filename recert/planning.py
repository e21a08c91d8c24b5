"""The one route from the catalog to a plan, shared by `recert plan` and the app's Plan page.

The catalog hands the planner plain data (``catalog.queries.planner_columns``: the columns it needs,
read for the profile's filters); ``recommender.planner.columnar`` builds the input from them, presolved.
If that fast path meets anything it does not expect (an unusual schema or record), the plan is made from
the records one by one (``catalog.queries.snapshot`` → ``build_input``, never presolved) and the log
says why. Money in USD, hours in contact hours, credit in each credential's unit.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from catalog.registry import SOLVER_TIME_LIMIT

if TYPE_CHECKING:  # the planner pulls in numpy and HiGHS: imported when a plan is made
    from catalog.records import Course, Offer
    from recommender.planner.model import PlanInput, PlanResult
    from recommender.planner.schedule import Pace
    from recommender.planner.schedule_build import PlannedSchedule
    from recommender.rules.engine import CredentialRules
    from recommender.rules.profile import Profile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogCourses:
    """The catalog's records for the planner's record path: courses, offers, areas inferred by ML."""

    courses: list[Course]
    offers: list[Offer]
    inferred_areas: dict[tuple[str, str], str]


def read_catalog(path: str | os.PathLike[str]) -> CatalogCourses:
    """Courses, offers and inferred areas of the published catalog at ``path`` (raises
    ``catalog.db.CatalogMissing``), through ``catalog.queries.snapshot``."""
    from catalog.queries import snapshot

    snap = snapshot(path)
    inferred = {key: found.area for key, found in snap.inferred_areas.items()}
    return CatalogCourses(list(snap.courses), list(snap.offers), inferred)


def interest_scores(courses: Sequence[Course], interests: str) -> dict[tuple[str, str], float]:
    """How well each course matches the profile's ``interests`` (0–1 by course key; empty without)."""
    if not interests or not courses:
        return {}
    from recommender.ml.ranking import InterestRanker

    return InterestRanker(list(courses)).scores(interests)


def catalog_interest_scores(path: str | os.PathLike[str], interests: str) -> dict[tuple[str, str], float]:
    """``interest_scores`` for every course of the catalog at ``path``, reading only keys, titles and
    descriptions (raises ``catalog.db.CatalogMissing``)."""
    if not interests:
        return {}
    from catalog.queries import course_texts
    from recommender.ml.ranking import InterestRanker
    from recommender.ml.text import course_text

    rows = course_texts(path)
    ranker = InterestRanker.of_texts([key for key, _, _ in rows], [course_text(t, d) for _, t, d in rows])
    return ranker.scores(interests)


def catalog_input(
    path: str | os.PathLike[str],
    profile: Profile,
    *,
    rules: Mapping[str, CredentialRules] | None = None,
    interest_scores: Mapping[tuple[str, str], float] | None = None,
    today: date | None = None,
    presolve: bool = True,
) -> PlanInput:
    """The planner's input for ``profile`` from the catalog at ``path`` (raises ``CatalogMissing``):
    read by columns (``presolve``: see ``columnar.columnar_input``), else record by record."""
    from catalog.db import CatalogMissing
    from catalog.queries import planner_columns
    from recommender.planner.adapter import build_input
    from recommender.planner.columnar import columnar_input, course_filter

    on = today or date.today()
    try:
        columns = planner_columns(path, course_filter(profile, on))
        return columnar_input(columns, profile, rules or {}, interest_scores or {}, on, presolve=presolve)
    except CatalogMissing:
        raise
    except Exception as exc:  # any surprise in the fast path: the exact record-by-record path decides
        log.warning(
            "planning from %s record by record: reading it by columns failed (%s: %s)",
            path,
            type(exc).__name__,
            exc,
        )
    read = read_catalog(path)
    return build_input(
        read.courses,
        read.offers,
        profile,
        rules=rules,
        interest_scores=interest_scores,
        inferred_areas=read.inferred_areas,
        today=on,
    )


def catalog_plan(
    path: str | os.PathLike[str],
    profile: Profile,
    *,
    interest_scores: Mapping[tuple[str, str], float] | None = None,
    alternatives: int = 0,
    time_limit: float = SOLVER_TIME_LIMIT,
) -> PlanResult:
    """The cheapest plan for ``profile`` over the catalog at ``path`` (see ``catalog_input``), with up to
    ``alternatives`` next-best plans; ``time_limit`` in seconds."""
    from recommender.planner.api import solve_input

    inp = catalog_input(path, profile, interest_scores=interest_scores)
    return solve_input(inp, alternatives=alternatives, time_limit=time_limit)


def catalog_schedule(
    path: str | os.PathLike[str],
    profile: Profile,
    pace: Pace,
    *,
    today: date,
    time_limit: float = SOLVER_TIME_LIMIT,
) -> PlannedSchedule:
    """The cheapest plan for ``profile`` from ``pace.start`` on over the catalog at ``path`` and its
    pacing schedule (raises ``CatalogMissing``; ``NoCycleEnd`` when a credential has no cycle end). The
    schedule needs every record's dates, so the records are read one by one."""
    from recommender.planner.schedule_build import plan_schedule

    read = read_catalog(path)
    return plan_schedule(
        read.courses,
        read.offers,
        profile,
        pace,
        today=today,
        inferred_areas=read.inferred_areas,
        time_limit=time_limit,
    )
