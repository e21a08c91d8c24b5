"""The Plan page's inputs and outputs around ``recommender.planner.api.plan``: limits, the plan over the
whole catalog, coverage per area, downloads and advice when no plan is possible. Money in USD.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from recert.safe_text import csv_safe
from recert.ui.catalog import cached_snapshot, catalog_facets
from recert.ui.filters import CatalogFilters
from recert.ui.frame import published_catalog, shows_sample
from recert.ui.people import credit_summary, format_label, hours, money
from recert.ui.profile import Change, bind, exact, profile_raw, transcript_text
from recert.words import provider_name


@dataclass(frozen=True)
class PlanLimits:
    """The Plan page's limits: ``budget`` USD and ``max_hours`` contact hours (None = no limit)."""

    budget: Decimal | None = None
    max_hours: Decimal | None = None
    formats: tuple[str, ...] = ()
    avoid_providers: tuple[str, ...] = ()
    allow_inferred: bool = False
    alternatives: int = 2


def _set_limit(field: str) -> Change:
    def change(data: dict[str, Any], value: Any) -> None:
        limits = data.setdefault("limits", {})
        if value:
            limits[field] = exact(value) if isinstance(value, float) else list(value)
        else:
            limits.pop(field, None)
        if not limits:
            data.pop("limits")

    return change


def _set_inferred(data: dict[str, Any], value: bool) -> None:
    if value:
        data["allow_inferred_areas"] = True
    else:
        data.pop("allow_inferred_areas", None)


def limits_inputs(prefix: str) -> None:
    """Budget, hours, formats, providers to avoid and inferred areas, bound to the profile's limits (the
    Plan page and My credentials show the same values; a change on either is saved to the profile)."""
    raw = profile_raw() or {}
    limits = raw.get("limits") or {}
    choices = catalog_choices()
    left, middle, right = st.columns(3)
    left.number_input(
        "Budget (USD, 0 = no limit)",
        min_value=0.0,
        step=10.0,
        **bind(f"{prefix}_budget", float(limits.get("budget") or 0), _set_limit("budget")),
    )
    middle.number_input(
        "Most hours of study (0 = no limit)",
        min_value=0.0,
        step=1.0,
        **bind(f"{prefix}_max_hours", float(limits.get("max_hours") or 0), _set_limit("max_hours")),
    )
    right.checkbox(
        "Count courses by their inferred content area",
        help="Some courses don't state their area; Recert can guess it. Your certifying body decides.",
        **bind(f"{prefix}_inferred", bool(raw.get("allow_inferred_areas")), _set_inferred),
    )
    left.multiselect(
        "Formats (none chosen = any)",
        options=choices.formats,
        format_func=format_label,
        placeholder="Any format",
        **bind(
            f"{prefix}_formats",
            [f for f in limits.get("formats") or [] if f in choices.formats],
            _set_limit("formats"),
        ),
    )
    middle.multiselect(
        "Providers to avoid",
        options=choices.providers,
        placeholder="None",
        **bind(
            f"{prefix}_avoid",
            [p for p in limits.get("avoid_providers") or [] if p in choices.providers],
            _set_limit("avoid_providers"),
        ),
    )


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
    facets = catalog_facets(CatalogFilters().query())
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
    from recert.planning import interest_scores

    return interest_scores(cached_snapshot(path, stamp).courses, interests)


def make_plan(profile: Any, limits: PlanLimits) -> Any:
    """The planner's ``PlanResult`` for ``profile`` under the page's ``limits``, over the whole catalog,
    by the route `recert plan` takes (``recert.planning.catalog_plan``)."""
    from recert.planning import catalog_plan
    from recommender.rules.profile import Limits

    profile = replace(
        profile,
        limits=Limits(limits.budget, limits.max_hours, limits.formats, limits.avoid_providers),
        allow_inferred_areas=limits.allow_inferred,
    )
    path, stamp = published_catalog()
    scores = _interest_scores(path, stamp, profile.interests) if profile.interests else {}
    return catalog_plan(path, profile, interest_scores=scores, alternatives=limits.alternatives)


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


def plan_pdf_bytes(result: Any, profile: Any) -> bytes:
    """The plan as `recert plan --format pdf` prints it, with the sample notice when the catalog holds
    sample records."""
    from recert.plan_pdf import plan_pdf

    return plan_pdf(result, profile, sample=shows_sample())


def plan_json(result: Any) -> str:
    """The plan exactly as `recert plan --format json` prints it."""
    import json

    from recert.plan_output import result_json

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
            "added": course.added,
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
    # Text cells a spreadsheet would run as a formula are neutralised (OWASP), as in `recert catalog`.
    return (
        pd.DataFrame(rows)
        .map(lambda cell: csv_safe(cell) if isinstance(cell, str) else cell)
        .to_csv(index=False)
    )


def what_would_help(result: Any, limits: PlanLimits) -> list[str]:
    """Plain advice for an impossible plan, from the planner's reasons (no second solve here): how far to
    raise the budget or the hours (the planner's ``budget`` / ``max_hours`` reasons), else which limits
    or catalog gaps to look at."""
    advice = []
    for reason in result.reasons:
        if reason.requirement == "budget":
            advice.append(
                f"Raise your budget to {money(reason.needed)}: that is what the cheapest plan costs."
            )
        elif reason.requirement == "max_hours":
            advice.append(f"Allow {hours(reason.needed)} of study: that is how long the plan takes.")
    if advice:
        return advice
    if limits.formats:
        allowed = ", ".join(format_label(fmt).lower() for fmt in limits.formats)
        advice.append(f"Accept more course formats (you allow only {allowed}).")
    if limits.avoid_providers:
        advice.append("Stop avoiding " + ", ".join(provider_name(p) for p in limits.avoid_providers) + ".")
    if not limits.allow_inferred:
        advice.append("Count courses by their inferred content area (if your certifying body accepts it).")
    advice.append("Add providers to the catalog with `recert crawl`: it may not hold enough courses.")
    return advice


def plan_signature(limits: PlanLimits) -> str:
    """Identifies what a plan was made for (catalog version, profile, transcript, limits), to spot a stale
    plan."""
    import json

    return json.dumps(
        [published_catalog(), profile_raw(), transcript_text(), repr(limits)], sort_keys=True, default=str
    )


PLANS_STATE = "plan_made"  # signature → (signature, result, advice), the session's last few plans
PLANS_KEPT = 8


def remembered_plan(signature: str) -> tuple[str, Any, list[str]] | None:
    """The plan this session already made for ``signature`` (same catalog, profile and limits), if any."""
    made: tuple[str, Any, list[str]] | None = st.session_state.get(PLANS_STATE, {}).get(signature)
    return made


def remember_plan(made: tuple[str, Any, list[str]]) -> None:
    """Keep a plan with its signature (the last ``PLANS_KEPT``), so going back to a profile — an undo, a
    limit set back — shows its plan at once instead of solving again."""
    plans: dict[str, tuple[str, Any, list[str]]] = st.session_state.setdefault(PLANS_STATE, {})
    plans[made[0]] = made
    while len(plans) > PLANS_KEPT:
        plans.pop(next(iter(plans)))
