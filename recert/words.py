"""Words for people, one place for the CLI (recert/commands) and the app (recert/ui): provider and
credential display names, areas, formats and the plain sentences that explain a verdict or a status.
Provider and format names live in ``catalog.registry`` (the planner's notes use them too) and are
re-exported here.

Ids (``aama``, ``cma_aama``) stay in JSON and CSV; everything a person reads goes through here, so the
CLI and the app never disagree about a name and no internal key reaches the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from catalog.registry import format_name as format_name
from catalog.registry import provider_name as provider_name

if TYPE_CHECKING:
    from recommender.rules.verdict import Verdict

AREA_NAMES: Mapping[str, str] = {
    "administrative": "Administrative",
    "clinical": "Clinical",
    "general": "General",
    "any": "any area",
}

UNIT_NAMES: Mapping[str, str] = {"point": "point", "credit": "credit", "clock_hour": "clock hour"}

# Why a course gives nothing, by the rules' code (recommender.rules.verdict and .engine).
WHY_NOT: Mapping[str, str] = {
    "outside_cycle": "taken outside the credit window of this cycle",
    "too_short": "too short to count",
    "no_area": "its content area is not stated",
    "over_cap": "over a cap on this kind of credit",
    "duplicate": "already counted once",
    "not_in_catalog": "not in the catalog, so its credit is unknown",
}


@cache
def credential_name(credential_id: str) -> str:
    """A credential for people, from its rules file: "cma_aama" → "CMA (AAMA)" (unknown ids unchanged)."""
    from recommender.rules.engine import RulesError, load_rule

    try:
        return load_rule(credential_id).name
    except RulesError:
        return credential_id


def credential_names() -> dict[str, str]:
    """Every credential the rules know: id → name for people, in the rules' order."""
    from recommender.rules.engine import list_credentials

    return {credential_id: credential_name(credential_id) for credential_id in list_credentials()}


def area_name(area: str) -> str:
    """A content area for people: "clinical" → "Clinical"; the rules' "any" → "any area"."""
    return AREA_NAMES.get(area, area.replace("_", " ").capitalize())


def unit_name(unit: str, amount: object = 2) -> str:
    """A credential's unit for people, plural unless ``amount`` is 1: "points", "clock hour"."""
    word = UNIT_NAMES.get(unit, unit.replace("_", " "))
    return word if str(amount) in ("1", "1.0") else f"{word}s"


def amount_words(value: object) -> str:
    """A credit or hour amount without trailing zeros: 2 → "2", 1.50 → "1.5"."""
    from decimal import Decimal

    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = f"{number.normalize():f}"
    return "0" if text in ("-0", "0") else text


def alternative_name(name: str) -> str:
    """An alternative plan's name for people: "runner_up_1" → "Runner up 1", "all_aama" → "All AAMA",
    "fewest_hours" → "Fewest hours"."""
    from catalog.registry import BODIES

    words = [word.upper() if word.upper() in BODIES else word for word in name.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def verdict_sentence(verdict: Verdict, unit: str) -> str:
    """One credential's verdict as short sentences: "Counts: +2 points. Approved by the AAMA." or
    "Does not count: taken outside the credit window of this cycle. Dated …"."""
    from recommender.rules.engine import format_units

    reasons = " ".join(_sentence(reason) for reason in verdict.reasons)
    if verdict.counts:
        head = f"Counts: +{format_units(verdict.gain)} {unit_name(unit, verdict.gain)}."
    else:
        why = WHY_NOT.get(verdict.why_not, "")
        head = f"Does not count: {why}." if why else "Does not count."
    return f"{head} {reasons}".strip()


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."


RULE_VALUE_NAMES: dict[str, str] = {
    "after_late_window": "what happens after the late window",
    "ce_shared_across_certs": "whether one course counts for several of your credentials",
    "college_credit_units": "how college credit converts to points",
    "cycle_anchor": "the day the cycle ends",
    "exam_fee_member_usd": "the exam fee for members",
    "exam_fee_nonmember_usd": "the exam fee for non-members",
    "fee_per_additional_cert_usd": "the fee for each further credential",
    "first_recert_max_units": "how much credit from before your first certification counts",
    "first_recert_months_before": "how many months before your first certification credit may date from",
    "hours_per_unit": "how many hours make one credit",
    "late_fee_usd": "the late fee",
    "late_window_months": "how long the late window lasts",
    "reactivation_fee_usd": "the reactivation fee",
    "renewal_fee_member_usd": "the renewal fee for members",
    "renewal_fee_nonmember_usd": "the renewal fee for non-members",
    "renewal_fee_usd": "the renewal fee",
    "total_required": "the total credit required",
}


def rule_value_name(name: str) -> str:
    """A rule value's name for people ("late_window_months" → "how long the late window lasts"); a name
    without an entry is shown with spaces for underscores and without its unit suffix."""
    return RULE_VALUE_NAMES.get(name) or name.removesuffix("_usd").replace("_", " ")
