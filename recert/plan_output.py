"""A plan as data for people and files, shared by `recert plan` and the app's Plan page (which must not
import each other): the JSON form (``result_json``). Money in USD, hours in contact hours, credit in each
credential's unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recommender.planner.model import PlanResult
    from recommender.rules.profile import Profile


def plain(value: Any) -> Any:
    """JSON-ready: Decimals as numbers, tuples as lists, mappings with string keys."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def result_json(result: PlanResult) -> dict[str, Any]:
    """The plan as JSON (see docs/planner.md for the fields)."""
    return plain(
        {
            "status": result.status.value,
            "total_cost": result.total_cost,
            "total_hours": result.total_hours,
            "courses": [
                {
                    "course_id": c.course_id,
                    "provider": c.provider,
                    "title": c.title,
                    "price_paid": c.price_paid,
                    "paid_as": c.paid_as,
                    "via_offer": c.via_offer[1] if c.via_offer else None,
                    "hours": c.hours,
                    "credits": c.credits,
                    "url": c.url,
                }
                for c in result.courses
            ],
            "offers": [
                {
                    "offer_id": o.offer_id,
                    "provider": o.provider,
                    "name": o.name,
                    "kind": o.kind,
                    "price": o.price,
                }
                for o in result.offers
            ],
            "credentials": [
                {
                    "id": t.credential_id,
                    "name": t.name,
                    "unit": t.unit,
                    "required_total": t.required_total,
                    "counted": {
                        "total": t.counted_total,
                        "approved": t.counted_approved,
                        "other": t.counted_other,
                        "areas": t.counted_areas,
                    },
                    "plan_credit": t.plan_credit,
                    "cost_per_credit": t.cost_per_credit,
                }
                for t in result.credentials
            ],
            "explanations": list(result.explanations),
            "alternatives": [
                {
                    "name": a.name,
                    "total_cost": a.total_cost,
                    "hours": a.hours,
                    "courses": [f"{p}/{c}" for p, c in a.courses],
                    "offers": [f"{p}/{o}" for p, o in a.offers],
                    "changes": a.changes,
                }
                for a in result.alternatives
            ],
            "reasons": [
                {
                    "requirement": r.requirement,
                    "credential_id": r.credential_id,
                    "area": r.area,
                    "needed": r.needed,
                    "best": r.best,
                    "message": r.message,
                }
                for r in result.reasons
            ],
            "notes": list(result.notes),
            "what_if": result.what_if,
        }
    )


def apply_by_lines(result: PlanResult, profile: Profile) -> dict[str, dict[str, Any]]:
    """Per credential of the plan: the date to apply by once its courses are done, and why."""
    from recommender.rules.deadlines import plan_apply_by

    lines: dict[str, dict[str, Any]] = {}
    for totals in result.credentials:
        held = profile.credential(totals.credential_id)
        if held is None:
            continue
        after, words = plan_apply_by(held, totals.counted_other > 0)
        lines[held.id] = {
            "apply_by": after.day.isoformat() if after.day else None,
            "apply_route": after.route,
            "words": words,
        }
    return lines
