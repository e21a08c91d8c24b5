""" "Will this count?": one course judged against one held credential, with the reasons in words.

Used by ``recert check`` (before buying) and by the transcript import (each row after the fact). Amounts
are in the credential's unit; ``gain`` is what the course adds to the credit that counts, after caps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from catalog.records import Course
from recommender.rules.engine import add, contribution, count, cpr_cards_left, format_units, missing
from recommender.rules.model import ZERO, Contribution, Missing, Standing
from recommender.rules.profile import HeldCredential

# Why a course gives nothing (or less than it offers): codes for programs, words in ``reasons``.
OUTSIDE_CYCLE = "outside_cycle"
OVER_CAP = "over_cap"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Verdict:
    """The judgement of one course for one credential.

    ``counts``: it adds credit that counts; ``gain``: units added after caps (≤ ``offered``, the units
    it gives before caps); ``why_not``: "" or a code (outside_cycle, too_short, no_area, over_cap,
    duplicate); ``standing``/``missing``: after taking the course; ``unconfirmed``: names of unverified
    rule values the judgement rests on.
    """

    credential_id: str
    counts: bool
    gain: Decimal
    offered: Decimal
    reasons: tuple[str, ...]
    why_not: str
    standing: Standing
    missing: Missing
    uses_inferred_area: bool = False
    unconfirmed: tuple[str, ...] = ()


def in_early_window(held: HeldCredential, day: date) -> bool:
    """True when credit dated ``day`` falls in a first recertification's window before the initial
    certification (see ``HeldCredential.early_window``)."""
    window = held.early_window
    return window is not None and window[0] <= day <= window[1]


def _window_reason(held: HeldCredential, day: date) -> str | None:
    start, end = held.credit_from, held.cycle_end
    if start is not None and day < start and not in_early_window(held, day):
        return f"dated {day}, before the credit window opened on {start}"
    if end is not None and day > end:
        return f"dated {day}, after the cycle ended on {end}"
    return None


def judge(
    course: Course,
    held: HeldCredential,
    *,
    standing: Standing | None = None,
    completed_on: date | None = None,
    inferred_area: str | None = None,
    allow_inferred: bool = False,
) -> Verdict:
    """Would ``course``, completed on ``completed_on``, count for ``held`` given ``standing``?

    ``standing`` defaults to the credential's current standing. The verdict gives the units it would add
    after the outside-credit and CPR-card caps, and why not when it adds nothing (or less than it offers).
    """
    rule = held.rules.counting
    before = held.standing if standing is None else standing
    unconfirmed = held.rules.unconfirmed
    outside = _window_reason(held, completed_on) if completed_on is not None else None
    if outside is not None:
        return Verdict(
            rule.credential_id, False, ZERO, ZERO, (outside,), OUTSIDE_CYCLE, before, missing(rule, before)
        )
    given = contribution(course, rule, inferred_area=inferred_area, allow_inferred=allow_inferred)
    early = completed_on is not None and given.counts and in_early_window(held, completed_on)
    if early:
        given = _early_share(held, before, given)
    if not given.counts:
        return Verdict(
            rule.credential_id,
            False,
            ZERO,
            ZERO,
            given.reasons,
            given.why_not,
            before,
            missing(rule, before),
            unconfirmed=unconfirmed,
        )
    after = add(before, given)
    if early:
        after = replace(after, early=after.early + given.total)
    gain = count(rule, after).total - count(rule, before).total
    reasons = list(given.reasons)
    why_not = ""
    if gain < given.total:
        why_not = OVER_CAP
        reasons.append(_cap_reason(held, before, given, gain))
    return Verdict(
        rule.credential_id,
        gain > 0,
        gain,
        given.total,
        tuple(reasons),
        why_not,
        after,
        missing(rule, after),
        uses_inferred_area=given.uses_inferred_area,
        unconfirmed=unconfirmed,
    )


def _early_share(held: HeldCredential, before: Standing, given: Contribution) -> Contribution:
    """The part of ``given`` (dated before the initial certification) that fits under the first
    recertification's cap on such credit, scaled evenly over its areas; words say it is unconfirmed."""
    cap = held.rules.first_recert.max_units
    room = max(ZERO, cap - before.early)
    window = held.early_window
    assert window is not None
    words = (
        f"dated before the initial certification ({window[1] + timedelta(days=1)}): a first recertification "
        f"counts up to {format_units(cap)} {held.rules.counting.unit}s from the "
        f"{held.rules.first_recert.months_before} months before it (unconfirmed)"
    )
    if room <= 0:
        used_up = (words, "that cap is used up")
        return replace(given, counts=False, approved={}, other={}, reasons=used_up, why_not=OVER_CAP)
    factor = min(Decimal(1), room / given.total)
    return replace(
        given,
        approved={area: units * factor for area, units in given.approved.items()},
        other={area: units * factor for area, units in given.other.items()},
        reasons=(*given.reasons, words),
    )


def _cap_reason(held: HeldCredential, before: Standing, given: Contribution, gain: Decimal) -> str:
    rule = held.rules.counting
    lost = given.total - gain
    if given.cpr_card:
        left = cpr_cards_left(rule, before)
        return f"over the cap of {rule.cpr_max_cards} CPR cards per cycle ({left} more can count)"
    cap = format_units(rule.other_cap) if rule.other_cap is not None else "?"
    share = (
        "nothing" if gain <= 0 else f"only {format_units(gain)} of {format_units(given.total)} {rule.unit}s"
    )
    return (
        f"over the cap of {cap} {rule.unit}s from non-{rule.body} sources: {share} counts "
        f"({format_units(lost)} over)"
    )
