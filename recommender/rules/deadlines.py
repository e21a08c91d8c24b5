"""Dated deadlines of a held credential: the date to apply by (per application route) and the late window.

The apply-by date is the cycle end when all counted credit is approved by the credential's own body and
the route is processed at once (AAMA: online or by phone); otherwise the cycle end minus the route's
processing time in calendar days (AAMA with non-AAMA credit: online 21, mail 30, expedited 7). A body that
publishes no processing time gives the cycle end. The late window ends at the earliest of its wordings
(AAMA: "90 days" and "three months"); both are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from recommender.rules.engine import count
from recommender.rules.profile import HeldCredential

ROUTE_WORDS = {
    "online": "online",
    "mail": "by mail",
    "expedited": "online, expedited",
    "phone": "by phone",
}


@dataclass(frozen=True)
class ApplyBy:
    """When to apply: ``day`` (``None`` when the cycle end is unknown), by ``route`` (``None`` = the body
    publishes no routes), ``processing_days`` calendar days before the cycle end (0 = at once),
    ``outside_credit``: counted credit includes credit not approved by the body; ``words`` says why."""

    day: date | None
    route: str | None
    processing_days: int
    outside_credit: bool
    words: str


def apply_by(held: HeldCredential, *, outside_credit: bool) -> ApplyBy:
    """The date to apply by for ``held`` by its route, given whether any counted credit is from outside
    the body (``outside_credit``). See the module docstring for the rule."""
    end, rule, route = held.cycle_end, held.rules.apply, held.route
    body = held.rules.body
    if route is None:
        words = f"{body} publishes no processing time: apply by the cycle end"
        return ApplyBy(end, None, 0, outside_credit, words)
    how = ROUTE_WORDS.get(route, route)
    if not outside_credit and route in rule.instant_routes:
        words = f"all counted credit is {body}-approved: an application {how} is processed at once"
        return ApplyBy(end, route, 0, outside_credit, words)
    days = rule.processing_days.get(route)
    used = route
    if days is None:  # an instant-only route (phone) cannot carry outside credit: the online time applies
        used = "online" if "online" in rule.processing_days else max(rule.processing_days, key=str)
        days = rule.processing_days[used]
        how = f"{how} is only for {body}-approved credit, so {ROUTE_WORDS.get(used, used)}"
    words = f"an application {how} takes up to {days} days"
    if outside_credit:
        words = f"counted credit includes credit not approved by {body}: {words}"
    else:
        instant = " or ".join(ROUTE_WORDS.get(r, r) for r in rule.instant_routes)
        words = f"{words} (with {body}-approved credit alone, applying {instant} is processed at once)"
    day = None if end is None else end - timedelta(days=days)
    return ApplyBy(day, used, days, outside_credit, words)


@dataclass(frozen=True)
class LateWindow:
    """The last day one may still recertify late (``until``, the earliest reading) and every wording of
    the window with the day it gives (e.g. ("90 days", 2021-05-01), ("3 months", 2021-04-30));
    ``conflicting``: the body's pages word it differently, so the date is flagged."""

    until: date
    readings: tuple[tuple[str, date], ...]
    body: str

    @property
    def conflicting(self) -> bool:
        return len(self.readings) > 1

    def words(self) -> str:
        """The window in words, naming both readings when the body's pages disagree."""
        if not self.conflicting:
            return f"until {self.until}"
        each = ", ".join(f"“{name}” → {day}" for name, day in self.readings)
        return f"until {self.until} (the earliest of {self.body}'s wordings: {each}; unconfirmed)"


def late_window(held: HeldCredential) -> LateWindow | None:
    """The late window after the cycle end (``None`` when the cycle end is unknown)."""
    if held.cycle_end is None:
        return None
    late = held.rules.late
    return LateWindow(late.window_end(held.cycle_end), late.readings(held.cycle_end), held.rules.body)


def plan_apply_by(held: HeldCredential, outside_after: bool) -> tuple[ApplyBy, str]:
    """The apply-by date once a plan's courses are done (``outside_after``: counted credit then includes
    credit from outside the body) and a sentence saying so — naming the earlier date when the plan's
    outside credit moves it."""
    now = apply_by(held, outside_credit=count(held.rules.counting, held.standing).other > 0)
    after = apply_by(held, outside_credit=outside_after)
    route = f" ({ROUTE_WORDS.get(after.route, after.route)})" if after.route else ""
    if after.day is None:
        return after, "apply by the cycle end (its date is unknown: add certified_on or cycle_end)"
    if now.day is not None and after.day < now.day:
        return after, (
            f"apply by {after.day}{route}: this plan adds credit not approved by {held.rules.body}, "
            f"which moves the date {(now.day - after.day).days} days earlier than {now.day} ({after.words})"
        )
    return after, f"apply by {after.day}{route} — {after.words}"
