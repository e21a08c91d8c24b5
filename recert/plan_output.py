"""A plan as data for people and files, shared by `recert plan` and the app's Plan page (which must not
import each other): the JSON form (``result_json``, ids kept) and the rows people read (``plan_rows``,
titles and display names, every cell in words). Money in USD, hours in contact hours, credit in each
credential's unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from recert.words import amount_words, credential_name, provider_name, unit_name

if TYPE_CHECKING:
    from recommender.planner.model import ChosenCourse, PlanResult
    from recommender.rules.profile import Profile

PAID_WORDS = {"list": "list price", "member": "member price", "included": "included in", "free": "free"}


@dataclass(frozen=True)
class PlanRow:
    """One thing to buy or take, in words: ``what`` (a course title or an offer's name), ``provider``
    (display name), ``paid`` ("$12.50 member price"), ``hours`` ("1.5 h", "" for offers), ``credit``
    (per credential), ``counts_for_all`` (the answer to "does it count for both my credentials?", ""
    with one credential) and the http(s) ``url``."""

    what: str
    provider: str
    paid: str
    hours: str
    credit: str
    counts_for_all: str
    url: str
    is_offer: bool = False


def counts_for_all_header(credentials: int) -> str:
    """The column asking whether a course counts for every credential held ("" with one)."""
    if credentials < 2:
        return ""
    return "Counts for both?" if credentials == 2 else f"Counts for all {credentials}?"


def how_paid(course: ChosenCourse, offer_names: Mapping[tuple[str, str], str]) -> str:
    """How a planned course is paid, without its price: "list price", "member price", "free", "included in
    Relias Unlimited" (``offer_names``: the offers the plan buys; any other is one the profile holds)."""
    words = PAID_WORDS.get(course.paid_as, course.paid_as.replace("_", " "))
    if course.paid_as != "included":
        return words
    offer = "an offer" if course.via_offer is None else offer_names.get(course.via_offer, "an offer you hold")
    return f"{words} {offer}"


def _paid(course: ChosenCourse, offer_names: Mapping[tuple[str, str], str]) -> str:
    words = how_paid(course, offer_names)
    return words if course.paid_as in ("included", "free") else f"${course.price_paid:.2f} {words}"


def _credit(course: ChosenCourse, units: Mapping[str, str], many: bool) -> str:
    parts = []
    for credential_id, areas in course.credits.items():
        total = sum(areas.values(), Decimal(0))
        shown = ", ".join(f"{amount_words(v)} {area}" for area, v in areas.items() if v) or "none"
        unit = unit_name(units.get(credential_id, "credit"), total)
        text = f"{amount_words(total)} {unit} ({shown})" if len(areas) > 1 else f"{shown} {unit}"
        parts.append(f"{credential_name(credential_id)}: {text}" if many else text)
    return "; ".join(parts) or "no credit"


def _counts_for_all(course: ChosenCourse, held: list[str]) -> str:
    if len(held) < 2:
        return ""
    counted = [cid for cid in held if any(v > 0 for v in course.credits.get(cid, {}).values())]
    if len(counted) == len(held):
        return "Yes"
    return "Only " + " and ".join(credential_name(cid) for cid in counted) if counted else "No"


def plan_rows(result: PlanResult) -> list[PlanRow]:
    """The plan's courses, then the subscriptions and memberships to buy, as rows of words."""
    held = [t.credential_id for t in result.credentials]
    units = {t.credential_id: t.unit for t in result.credentials}
    offer_names = {(o.provider, o.offer_id): o.name for o in result.offers}
    rows = [
        PlanRow(
            what=f"{c.title} (added by you)" if c.added else c.title,
            provider=provider_name(c.provider),
            paid=_paid(c, offer_names),
            hours=f"{amount_words(c.hours)} h",
            credit=_credit(c, units, len(held) > 1),
            counts_for_all=_counts_for_all(c, held),
            url=c.url,
        )
        for c in result.courses
    ]
    rows += [
        PlanRow(
            what=f"{o.name} ({o.kind})",
            provider=provider_name(o.provider),
            paid=f"${o.price:.2f}",
            hours="",
            credit="gives no credit itself: it pays for the courses included in it",
            counts_for_all="",
            url="",
            is_offer=True,
        )
        for o in result.offers
    ]
    return rows


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
                    "added": c.added,
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
            "left_out": [
                {"provider": e.key[0], "id": e.key[1], "title": e.title, "reason": e.reason}
                for e in result.excluded
            ],
            "same_cost_plans": result.same_cost_plans,
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
