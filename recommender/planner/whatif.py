"""What-if comparisons: recertify by CE vs by exam (fees from the rules, unconfirmed ones labelled), and
what adding a second credential would add to the plan's cost. Money in USD.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from catalog.records import Course, Offer
from recommender.planner.adapter import build_input
from recommender.planner.api import solve_input
from recommender.planner.model import PlanInput, PlanResult, PlanStatus
from recommender.rules.engine import CredentialRules, list_credentials, load_rule
from recommender.rules.model import Standing
from recommender.rules.profile import HeldCredential, Profile


def _fee(rules: CredentialRules, names: Iterable[str]) -> str:
    """The first fee among ``names`` the rules give, labelled when unconfirmed; else "unknown"."""
    for name in names:
        param = rules.params.get(name)
        if param is not None and param.value is not None:
            label = " (unverified)" if param.unconfirmed else ""
            return f"${Decimal(str(param.value)):.2f}{label}"
    return "unknown (not in the rules)"


def _fee_names(kind: str, member: bool | None) -> list[str]:
    prefix = f"{kind}_fee"
    if member is True:
        return [f"{prefix}_member_usd", f"{prefix}_usd"]
    if member is False:
        return [f"{prefix}_nonmember_usd", f"{prefix}_usd"]
    return [f"{prefix}_usd", f"{prefix}_nonmember_usd"]


def ce_vs_exam(result: PlanResult, profile: Profile) -> dict[str, str]:
    """Per held credential: the CE route (plan cost + renewal fee) against the exam route's fee."""
    routes: dict[str, str] = {}
    for held in profile.credentials:
        renewal = _fee(held.rules, _fee_names("renewal", held.member))
        exam = _fee(held.rules, _fee_names("exam", held.member))
        attempts = held.rules.exam_max_attempts
        limit = ""
        if attempts is not None:
            limit = (
                f" (at most {attempts} attempts to pass: after a failed attempt number {attempts} "
                "neither the exam nor recertification is open)"
            )
        routes[f"{held.id}: CE vs exam"] = (
            f"by CE: ${result.total_cost} of courses + renewal fee {renewal}; by exam: exam fee {exam}{limit}"
        )
    return routes


def second_credential(
    result: PlanResult,
    profile: Profile,
    courses: list[Course],
    offers: list[Offer],
    *,
    time_limit: float,
) -> dict[str, str]:
    """For each credential not held: what the cheapest plan would cost with it added (nothing earned)."""
    held_ids = {c.id for c in profile.credentials}
    first = profile.credentials[0]
    added: dict[str, str] = {}
    for credential_id in list_credentials():
        if credential_id in held_ids:
            continue
        rules = load_rule(credential_id)
        extra = HeldCredential(credential_id, first.cycle_start, first.cycle_end, Standing(), rules)
        wider = replace(profile, credentials=(*profile.credentials, extra))
        inp: PlanInput = build_input(courses, offers, wider)
        plan = solve_input(inp, time_limit=time_limit, with_explanations=False)
        if plan.status is PlanStatus.INFEASIBLE:
            added[f"adding {rules.name}"] = "no plan could meet both: " + "; ".join(
                r.message for r in plan.reasons
            )
        else:
            delta = plan.total_cost - result.total_cost
            added[f"adding {rules.name}"] = (
                f"${plan.total_cost} in all (+${delta}), courses shared where they count"
            )
    return added


def what_if(
    result: PlanResult,
    profile: Profile,
    courses: list[Course],
    offers: list[Offer],
    *,
    time_limit: float,
) -> PlanResult:
    """``result`` with its ``what_if`` filled in."""
    comparisons: dict[str, object] = dict(ce_vs_exam(result, profile))
    comparisons.update(second_credential(result, profile, courses, offers, time_limit=time_limit))
    return replace(result, what_if=comparisons)
