"""Builders shared by the rules tests: courses, standings and held credentials from plain numbers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from catalog.records import Approval, Course
from recommender.rules.engine import load_rule
from recommender.rules.model import Standing
from recommender.rules.profile import HeldCredential

D = Decimal


def _amounts(values: Mapping[str, str | int] | None) -> dict[str, Decimal]:
    return {k: D(str(v)) for k, v in (values or {}).items()}


def course(
    hours: str | int = 1,
    *,
    areas: Mapping[str, str | int] | None = None,
    approvals: Mapping[str, Mapping[str, Any]] | None = None,
    kind: str = "course",
    course_id: str = "c-1",
    extras: Mapping[str, Any] | None = None,
) -> Course:
    """A course of ``hours`` contact hours; ``approvals`` maps body → {"credits": n, "categories": {...}}."""
    return Course(
        provider="prov",
        course_id=course_id,
        title=f"Course {course_id}",
        url="https://example.org/c",
        format="online",
        hours=D(str(hours)),
        source="sample",
        content_areas=_amounts(areas),
        approvals=tuple(
            Approval(
                body, D(str(spec["credits"])), {k: D(str(v)) for k, v in spec.get("categories", {}).items()}
            )
            for body, spec in (approvals or {}).items()
        ),
        kind=kind,
        extras=dict(extras or {}),
    )


def standing(
    approved: Mapping[str, str | int] | None = None,
    other: Mapping[str, str | int] | None = None,
    cpr_cards: int = 0,
) -> Standing:
    return Standing(
        approved=_amounts(approved),
        other=_amounts(other),
        cpr_cards=cpr_cards,
    )


def held(
    credential_id: str,
    start: date | None,
    state: Standing | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
) -> HeldCredential:
    rules = load_rule(credential_id, overrides)
    end = rules.cycle.end_from_start(start) if start is not None else None
    state = state or Standing()
    return HeldCredential(credential_id, start, end, state, rules, earned=state)
