"""Progress and gap report per held credential: required / counted / missing, cycle, status, fee due.

Amounts are in each credential's unit, money in USD, days are calendar days. ``status`` (a ``Status``,
the one status the CLI and the app both show):
- "complete": nothing is missing (apply to recertify);
- "lapsed": the late window after the cycle end has closed — the CE route is gone (see ``late``);
- "at risk": something is missing and the cycle ends within ``AT_RISK_DAYS`` (or has ended, inside the
  late window), or the share still missing is more than ``PACE_SLACK`` ahead of the share of the cycle
  left (behind a steady pace);
- "on track": otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from recommender.rules.deadlines import ApplyBy, LateWindow, apply_by, late_window
from recommender.rules.engine import CredentialRules, Param, add_months, count, format_units, missing
from recommender.rules.model import ZERO, Counted, Missing
from recommender.rules.profile import HeldCredential, Profile

AT_RISK_DAYS = 90
PACE_SLACK = Decimal("0.25")


class Status(StrEnum):
    """Where a credential stands; the value is the JSON word, ``label`` the word people read."""

    COMPLETE = "complete"
    ON_TRACK = "on track"
    AT_RISK = "at risk"
    LAPSED = "lapsed"

    @property
    def label(self) -> str:
        """The status for people: "Complete", "On track", "At risk", "Lapsed"."""
        return self.value.capitalize()

    @property
    def meaning(self) -> str:
        """One plain sentence saying what the status means."""
        return STATUS_MEANINGS[self]


STATUS_MEANINGS: Mapping[Status, str] = {
    Status.COMPLETE: "You have all the credit you need: apply to recertify.",
    Status.ON_TRACK: "Credit is still missing, but you are keeping pace with your cycle.",
    Status.AT_RISK: (
        "Credit is still missing and the cycle ends soon (or has ended), or you are behind a steady pace."
    ),
    Status.LAPSED: "The late window after the cycle end has closed: the continuing-education route is gone.",
}
AFTER_WORDS: Mapping[str, str] = {
    "exam_required": "recertify by exam",
    "decertified": "decertified — reinstate by the body's recertification application",
    "lost": "the credential is lost — the exam must be retaken",
}


@dataclass(frozen=True)
class FeeDue:
    """The next fee: ``amount_usd`` (``None`` = unknown), what it is for, when it is due."""

    amount_usd: Decimal | None
    what: str
    due_on: date | None
    unconfirmed: bool
    note: str | None = None


@dataclass(frozen=True)
class CredentialProgress:
    """One credential's progress on ``today``."""

    held: HeldCredential
    counted: Counted
    missing: Missing
    status: Status
    days_left: int | None
    late_window_end: date | None
    late: str
    fee: FeeDue
    apply_by: ApplyBy
    late_window: LateWindow | None

    @property
    def rules(self) -> CredentialRules:
        return self.held.rules


def is_member(held: HeldCredential, memberships: Sequence[str]) -> bool:
    """Member of the credential's body: the profile's ``member`` flag, else a membership naming the body."""
    if held.member is not None:
        return held.member
    body = held.rules.body.lower()
    return any(body in membership.lower() for membership in memberships)


def _need_share(held: HeldCredential, gap: Missing) -> Decimal:
    rule = held.rules.counting
    if rule.total_required <= 0:
        return ZERO
    need = max(gap.total, gap.approved, sum(gap.areas.values(), ZERO))
    return need / rule.total_required


def status_of(held: HeldCredential, gap: Missing, today: date) -> Status:
    """The credential's status on ``today`` given what is still missing (see the module docstring)."""
    end = held.cycle_end
    if end is not None and today > held.rules.late.window_end(end):
        return Status.LAPSED
    if gap.complete:
        return Status.COMPLETE
    if end is None or held.cycle_start is None:
        return Status.ON_TRACK
    days_left = (end - today).days
    if days_left <= AT_RISK_DAYS:
        return Status.AT_RISK
    cycle_days = max(1, (end - held.cycle_start).days)
    time_left = Decimal(days_left) / Decimal(cycle_days)
    return Status.AT_RISK if _need_share(held, gap) - time_left > PACE_SLACK else Status.ON_TRACK


def late_words(held: HeldCredential, today: date) -> str:
    """What happens if the cycle ends without recertifying, from the credential's late rule."""
    late = held.rules.late
    after = AFTER_WORDS.get(late.after_window, late.after_window)
    if held.cycle_end is None:
        return f"after the cycle end: {after}"
    window_end = late.window_end(held.cycle_end)
    fee = ""
    if late.after_fee_usd is not None:
        fee = f" (reactivation fee ${late.after_fee_usd:.2f} plus the exam fee)"
    if window_end == held.cycle_end:
        return f"after {held.cycle_end}: {after}{fee}"
    if today > window_end:
        return f"expired {held.cycle_end}; the late window closed {window_end}: {after}{fee}"
    window = late_window(held)
    until = window.words() if window is not None else f"until {window_end}"
    return f"{until} you may still {late.in_window}; after that: {after}{fee}"


def fee_due(held: HeldCredential, member: bool, today: date) -> FeeDue:
    """The renewal fee (member or non-member rate) and when it falls due; unknown amounts stay None."""
    rules = held.rules
    fees = rules.fees
    name = "renewal_fee_member_usd" if member else "renewal_fee_nonmember_usd"
    amount = fees.member_usd if member else fees.nonmember_usd
    if name not in rules.params or (amount is None and fees.renewal_usd is not None):
        name, amount = "renewal_fee_usd", fees.renewal_usd
    param = rules.params.get(name)
    what = "renewal fee" + ("" if name == "renewal_fee_usd" else (" (member)" if member else " (non-member)"))
    if fees.every_months != rules.cycle.months:
        what = f"{what}, every {fees.every_months} months"
    due = _next_due(held, fees.every_months, today)
    return FeeDue(
        amount_usd=amount,
        what=what,
        due_on=due,
        unconfirmed=param is None or param.unconfirmed,
        note=param.note if param is not None else None,
    )


def _next_due(held: HeldCredential, every_months: int, today: date) -> date | None:
    if held.cycle_start is None or held.cycle_end is None:
        return held.cycle_end
    if every_months >= held.rules.cycle.months:
        return held.cycle_end
    due = add_months(held.cycle_start, every_months)
    step = 1
    while due < today and due < held.cycle_end:
        step += 1
        due = add_months(held.cycle_start, every_months * step)
    return min(due, held.cycle_end)


def unconfirmed_in_use(held: HeldCredential) -> tuple[Param, ...]:
    """The unconfirmed rule values this credential's progress rests on (the first-recertification values
    only for a first recertification)."""
    return tuple(
        param
        for param in held.rules.params.values()
        if param.unconfirmed and (held.first_recertification or not param.name.startswith("first_recert"))
    )


def credential_progress(
    held: HeldCredential, today: date, memberships: Sequence[str] = ()
) -> CredentialProgress:
    """Progress of one held credential on ``today``."""
    rule = held.rules.counting
    gap = missing(rule, held.standing)
    end = held.cycle_end
    counted = count(rule, held.standing)
    return CredentialProgress(
        held=held,
        counted=counted,
        missing=gap,
        status=status_of(held, gap, today),
        days_left=(end - today).days if end is not None else None,
        late_window_end=held.rules.late.window_end(end) if end is not None else None,
        late=late_words(held, today),
        fee=fee_due(held, is_member(held, memberships), today),
        apply_by=apply_by(held, outside_credit=counted.other > 0),
        late_window=late_window(held),
    )


def progress(profile: Profile, today: date) -> tuple[CredentialProgress, ...]:
    """Progress of every credential in ``profile`` on ``today``."""
    return tuple(credential_progress(held, today, profile.memberships) for held in profile.credentials)


# --- JSON ------------------------------------------------------------------------------------------------


def number(amount: Decimal) -> int | float:
    """A JSON number for an amount (an int when whole)."""
    return int(amount) if amount == amount.to_integral_value() else float(format_units(amount))


def _areas(values: Mapping[str, Decimal]) -> dict[str, int | float]:
    return {area: number(amount) for area, amount in values.items()}


def progress_json(report: Sequence[CredentialProgress], today: date) -> dict[str, Any]:
    """The ``recert progress --format json`` document."""
    return {"today": today.isoformat(), "credentials": [_credential_json(item) for item in report]}


def _credential_json(item: CredentialProgress) -> dict[str, Any]:
    held, rule, counted, gap = item.held, item.rules.counting, item.counted, item.missing
    return {
        "id": held.id,
        "name": item.rules.name,
        "unit": rule.unit,
        "cycle_start": held.cycle_start.isoformat() if held.cycle_start else None,
        "cycle_end": held.cycle_end.isoformat() if held.cycle_end else None,
        "days_left": item.days_left,
        "status": item.status,
        "required": {
            "total": number(rule.total_required),
            "approved": number(rule.approved_minimum),
            "areas": _areas(rule.area_minimums),
        },
        "counted": {
            "total": number(counted.total),
            "approved": number(counted.approved),
            "other": number(counted.other),
            "other_earned": number(counted.other_earned),
            "other_cap": None if counted.other_cap is None else number(counted.other_cap),
            "cpr_cards": counted.cpr_cards,
            "areas": _areas(counted.areas) if rule.has_areas else {},
        },
        "missing": {"total": number(gap.total), "approved": number(gap.approved), "areas": _areas(gap.areas)},
        "late_window_end": item.late_window_end.isoformat() if item.late_window_end else None,
        "late": item.late,
        "apply_by": _iso(item.apply_by.day),
        "apply_route": item.apply_by.route,
        "apply_by_reason": item.apply_by.words,
        "late_until": _iso(item.late_window.until) if item.late_window else None,
        "late_until_readings": {name: day.isoformat() for name, day in item.late_window.readings}
        if item.late_window
        else {},
        "late_until_unconfirmed": bool(item.late_window and item.late_window.conflicting),
        "first_recertification": held.first_recertification,
        "fee_due": {
            "amount_usd": None if item.fee.amount_usd is None else f"{item.fee.amount_usd:.2f}",
            "what": item.fee.what,
            "due_on": item.fee.due_on.isoformat() if item.fee.due_on else None,
            "unconfirmed": item.fee.unconfirmed,
            "note": item.fee.note,
        },
        "unconfirmed": [
            {
                "name": param.name,
                "value": _plain(param.value),
                "source": param.source,
                "as_of": param.as_of,
                "note": param.note,
            }
            for param in unconfirmed_in_use(held)
        ],
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value
