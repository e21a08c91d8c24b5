"""A pacing schedule: the optimal plan's courses spread over the months before each apply-by date.

Pure data in and out (no catalog, no solver). Units: hours are contact hours, money is ``Decimal`` USD,
credit is in each credential's unit, dates are calendar days (a month is named by its first day).

How courses are placed:
- Dated courses (a conference or workshop: ``available_from == available_until``) happen on their date.
- The others are taken one at a time, earliest-needed first: the course whose credential's apply-by date
  comes first, and among those the one that fills the most of an unmet minimum (an area minimum or the
  approved minimum) before the free-choice points; each starts in the earliest month with room in the
  pace (``hours_per_month``; a course longer than a month's room runs on into the next months) and
  budget (``budget_per_month``: its price, and a subscription's price the month it is first used).
- Each course must start on or after its ``available_from`` and the start date, and finish by its
  ``available_until``, within ``access_months`` of purchase (AAMA self-study: 6), and by the apply-by date
  of every credential it gives credit to.
- Courses included in a subscription are scheduled inside one period of it (``period_months`` from its
  first use); one that cannot fit starts a second period, whose price is added and said.
When a course cannot be placed the schedule is infeasible; ``changes`` says what would make it fit (the
least whole hours per month, a bigger monthly budget, or an earlier start).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from recommender.planner.evaluate import progress
from recommender.planner.model import CourseKey, CourseOption, CredentialNeed, OfferKey
from recommender.rules.engine import add_months, month_end

ZERO = Decimal(0)
TOTAL = "total_required"


@dataclass(frozen=True)
class ScheduleCourse:
    """One planned course with what the schedule needs: the plan's option (credit, hours), the price the
    plan pays (USD), the offer that includes it (if any), its dates and access window."""

    option: CourseOption
    price: Decimal
    via_offer: OfferKey | None = None
    available_from: date | None = None
    available_until: date | None = None
    access_months: int | None = None

    @property
    def key(self) -> CourseKey:
        return self.option.key

    @property
    def fixed_day(self) -> date | None:
        """The day a dated course (conference, workshop, live session) happens; ``None`` otherwise."""
        if self.available_from is not None and self.available_from == self.available_until:
            return self.available_from
        return None


@dataclass(frozen=True)
class ScheduleOffer:
    """An offer the plan uses: price (USD) per ``period_months`` (``None``: no period); ``held`` offers
    are already owned (their period is the user's own, so it is not checked)."""

    key: OfferKey
    name: str
    price: Decimal
    period_months: int | None
    held: bool = False


@dataclass(frozen=True)
class Deadline:
    """A held credential's dates: apply by ``apply_by``; the cycle ends ``cycle_end``; the late window
    closes ``late_until``."""

    credential_id: str
    name: str
    apply_by: date
    cycle_end: date | None = None
    late_until: date | None = None


@dataclass(frozen=True)
class ScheduleInput:
    """Everything the scheduler sees; ``plan_cost`` is the optimal plan's cost (USD)."""

    needs: tuple[CredentialNeed, ...]
    courses: tuple[ScheduleCourse, ...]
    offers: tuple[ScheduleOffer, ...]
    deadlines: tuple[Deadline, ...]
    plan_cost: Decimal


@dataclass(frozen=True)
class Pace:
    """How fast: contact hours per month (``None``: an even pace is worked out), USD per month (``None``:
    no limit), from ``start`` (today, or a later day)."""

    start: date
    hours_per_month: Decimal | None = None
    budget_per_month: Decimal | None = None


@dataclass(frozen=True)
class Placed:
    """A scheduled course: ``start``–``finish`` (inclusive), the hours it takes in each month, the deadline
    it must meet, and which period of its subscription it falls in (1, 2, … ; 0 = none)."""

    course: ScheduleCourse
    start: date
    finish: date
    hours_by_month: tuple[tuple[date, Decimal], ...]
    deadline: date
    period: int = 0


@dataclass(frozen=True)
class MonthCredit:
    """One month: contact hours studied, USD spent, and per credential the credit counted by its end
    (plan courses finished by then plus what was already earned) and whether every minimum is met."""

    month: date
    hours: Decimal
    spend: Decimal
    counted: Mapping[str, Decimal]
    complete: Mapping[str, bool]


@dataclass(frozen=True)
class Schedule:
    """The schedule (or why there is none). ``cost`` = ``plan_cost`` + ``extra_costs`` (each with why)."""

    feasible: bool
    pace: Pace
    hours_per_month: Decimal
    placed: tuple[Placed, ...]
    months: tuple[MonthCredit, ...]
    deadlines: tuple[Deadline, ...]
    needs: tuple[CredentialNeed, ...]
    plan_cost: Decimal
    extra_costs: tuple[tuple[str, Decimal], ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()

    @property
    def cost(self) -> Decimal:
        return self.plan_cost + sum((amount for _, amount in self.extra_costs), ZERO)


def month_start(day: date) -> date:
    return day.replace(day=1)


class _Unplaceable(Exception):
    """A course cannot be placed; ``kind`` says what might help: "pace" (more hours a month), "budget",
    "start" (an earlier start) or "dates" (nothing but other courses: its date is past the apply-by date)."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass
class _Books:
    """Running state while placing: hours and spend per month, subscription periods started."""

    capacity: Decimal
    budget: Decimal | None
    hours: dict[date, Decimal] = field(default_factory=dict)
    spend: dict[date, Decimal] = field(default_factory=dict)
    periods: dict[OfferKey, list[date]] = field(default_factory=dict)
    extra: list[tuple[str, Decimal]] = field(default_factory=list)

    def room(self, month: date) -> Decimal:
        return max(ZERO, self.capacity - self.hours.get(month, ZERO))


def _deadline_of(course: ScheduleCourse, deadlines: Mapping[str, Deadline]) -> date:
    """The earliest apply-by date among the credentials the course gives credit to."""
    days = [
        deadlines[c.credential_id].apply_by for c in course.option.credits if c.credential_id in deadlines
    ]
    return min(days) if days else max(d.apply_by for d in deadlines.values())


def _minimum_gain(
    needs: Sequence[CredentialNeed], chosen: list[CourseOption], option: CourseOption
) -> Decimal:
    """How much of the unmet minimums (areas, approved) ``option`` fills on top of ``chosen``."""
    gain = ZERO
    for need in needs:
        before = progress(need, chosen).missing
        after = progress(need, [*chosen, option]).missing
        gain += sum((short - after.get(name, ZERO) for name, short in before.items() if name != TOTAL), ZERO)
    return gain


def _order(inp: ScheduleInput, deadlines: Mapping[str, Deadline]) -> list[ScheduleCourse]:
    """Dated courses first (their dates are fixed), then earliest-needed first (see the module)."""
    fixed = sorted((c for c in inp.courses if c.fixed_day is not None), key=lambda c: (c.fixed_day, c.key))
    rest = [c for c in inp.courses if c.fixed_day is None]
    chosen = [c.option for c in fixed]
    ordered = list(fixed)
    while rest:
        best = min(
            rest,
            key=lambda c: (
                _deadline_of(c, deadlines),
                -_minimum_gain(inp.needs, chosen, c.option),
                c.key,
            ),
        )
        rest.remove(best)
        ordered.append(best)
        chosen.append(best.option)
    return ordered


def _spread(books: _Books, first: date, hours: Decimal) -> tuple[tuple[date, Decimal], ...]:
    """The hours a course takes per month from ``first`` on: the month's room, then the next month's."""
    if hours <= 0:
        return ((first, hours),)
    taken: list[tuple[date, Decimal]] = []
    month, left = first, hours
    for _ in range(1200):
        part = min(left, books.room(month))
        if part > 0:
            taken.append((month, part))
            left -= part
        if left <= 0:
            return tuple(taken)
        month = add_months(month, 1)
    raise _Unplaceable("the pace leaves no room in a hundred years", "pace")


class _Placer:
    def __init__(self, inp: ScheduleInput, pace: Pace, capacity: Decimal):
        self.pace = pace
        self.books = _Books(capacity, pace.budget_per_month)
        self.offers = {offer.key: offer for offer in inp.offers}
        self.deadlines = {d.credential_id: d for d in inp.deadlines}

    def place(self, course: ScheduleCourse) -> Placed:
        deadline = _deadline_of(course, self.deadlines)
        title, hours = course.option.title, course.option.hours
        day = course.fixed_day
        if day is not None:
            if day < self.pace.start:
                raise _Unplaceable(f"{title} takes place on {day}, before the schedule starts", "start")
            if day > deadline:
                raise _Unplaceable(
                    f"{title} takes place on {day}, after the apply-by date {deadline}", "dates"
                )
            if not self._affordable(course, day, day):
                raise _Unplaceable(f"{title} on {day} does not fit the monthly budget", "budget")
            return self._book(course, day, day, ((month_start(day), hours),), deadline)
        earliest = max(self.pace.start, course.available_from or self.pace.start)
        month = month_start(earliest)
        why: _Unplaceable | None = None  # the first reason: the earliest start is the most telling
        while month <= month_start(deadline):
            spread = _spread(self.books, month, hours)
            if spread[0][0] != month:  # no room left this month: start when there is
                full = f"{title} ({hours} h) finds no room in the pace before {deadline}"
                why = why or _Unplaceable(full, "pace")
                month = spread[0][0]
                continue
            start = max(earliest, month)
            limit, what = deadline, f"by the apply-by date {deadline}"
            if course.available_until is not None and course.available_until < limit:
                limit, what = course.available_until, f"by {course.available_until}, its last day"
            if course.access_months is not None and add_months(start, course.access_months) < limit:
                limit = add_months(start, course.access_months)
                what = f"within {course.access_months} months of purchase"
            offer = self._offer(course)
            if offer is not None and offer.period_months is not None:
                period_end = add_months(start, offer.period_months) - timedelta(days=1)
                if period_end < limit:
                    limit, what = period_end, f"inside one {offer.period_months}-month period of {offer.name}"
            if spread[-1][0] > month_start(limit):
                why = why or _Unplaceable(
                    f"{title} ({hours} h) cannot be finished {what} at this pace", "pace"
                )
            elif not self._affordable(course, start, min(month_end(spread[-1][0]), limit)):
                why = why or _Unplaceable(
                    f"{title} does not fit the monthly budget before {deadline}", "budget"
                )
            else:
                return self._book(course, start, min(month_end(spread[-1][0]), limit), spread, deadline)
            month = add_months(month, 1)
        raise why or _Unplaceable(f"{title} is not available before the apply-by date {deadline}", "dates")

    def _affordable(self, course: ScheduleCourse, start: date, finish: date) -> bool:
        """Within the monthly budget, counting the subscription's price if this use opens a period."""
        budget = self.books.budget
        if budget is None:
            return True
        cost = course.price + self._opening_price(course, start, finish)
        return self.books.spend.get(month_start(start), ZERO) + cost <= budget

    def _fitting_period(self, offer: ScheduleOffer, start: date, finish: date) -> int | None:
        """The number (1, 2, …) of a period of ``offer`` already opened that holds ``start``–``finish``;
        any period when the offer has none (bought once); ``None``: a new period must be opened."""
        periods = self.books.periods.get(offer.key, [])
        if periods and offer.period_months is None:
            return 1
        for number, opened in enumerate(periods, start=1):
            if opened <= start and finish < add_months(opened, offer.period_months or 0):
                return number
        return None

    def _offer(self, course: ScheduleCourse) -> ScheduleOffer | None:
        """The bought (not held) offer that includes the course, if any."""
        offer = self.offers.get(course.via_offer) if course.via_offer else None
        return None if offer is None or offer.held else offer

    def _opening_price(self, course: ScheduleCourse, start: date, finish: date) -> Decimal:
        offer = self._offer(course)
        if offer is None or self._fitting_period(offer, start, finish) is not None:
            return ZERO
        return offer.price

    def _book(
        self,
        course: ScheduleCourse,
        start: date,
        finish: date,
        spread: tuple[tuple[date, Decimal], ...],
        deadline: date,
    ) -> Placed:
        month = month_start(start)
        price = course.price + self._opening_price(course, start, finish)
        self.books.spend[month] = self.books.spend.get(month, ZERO) + price
        for when, hours in spread:
            self.books.hours[when] = self.books.hours.get(when, ZERO) + hours
        period = self._period(course, start, finish)
        return Placed(course, start, finish, spread, deadline, period)

    def _period(self, course: ScheduleCourse, start: date, finish: date) -> int:
        """The subscription period the course falls in, opening one (and pricing a second) if needed."""
        offer = self._offer(course)
        if offer is None:
            return 0
        number = self._fitting_period(offer, start, finish)
        if number is not None:
            return number if offer.period_months is not None else 0
        periods = self.books.periods.setdefault(offer.key, [])
        periods.append(start)
        if len(periods) > 1:
            self.books.extra.append(
                (
                    f"{offer.name}: at this pace its courses do not fit in one {offer.period_months}-month "
                    f"period; period {len(periods)} from {start} costs ${offer.price:.2f} more",
                    offer.price,
                )
            )
        return len(periods) if offer.period_months is not None else 0


def even_pace(inp: ScheduleInput, start: date) -> Decimal:
    """Whole contact hours per month that spread the courses due by each deadline evenly up to it."""
    pace = Decimal(1)
    deadlines = {d.credential_id: d for d in inp.deadlines}
    for cutoff in sorted({d.apply_by for d in inp.deadlines}):
        due = sum((c.option.hours for c in inp.courses if _deadline_of(c, deadlines) <= cutoff), ZERO)
        months = max(1, (cutoff.year - start.year) * 12 + cutoff.month - start.month + 1)
        pace = max(pace, (due / months).to_integral_value(rounding=ROUND_CEILING))
    return pace


def _attempt(
    inp: ScheduleInput, pace: Pace, capacity: Decimal
) -> tuple[list[Placed], _Books, _Unplaceable | None]:
    placer = _Placer(inp, pace, capacity)
    placed: list[Placed] = []
    for course in _order(inp, placer.deadlines):
        try:
            placed.append(placer.place(course))
        except _Unplaceable as problem:
            return placed, placer.books, problem
    return placed, placer.books, None


def _months(
    inp: ScheduleInput, placed: Sequence[Placed], books: _Books, start: date
) -> tuple[MonthCredit, ...]:
    """Month by month up to the last deadline: hours, spend, credit counted by each month's end."""
    last = max([d.apply_by for d in inp.deadlines] + [p.finish for p in placed])
    rows: list[MonthCredit] = []
    month = month_start(start)
    while month <= last:
        done = [p.course.option for p in placed if p.finish <= month_end(month)]
        counted = {need.credential_id: progress(need, done) for need in inp.needs}
        rows.append(
            MonthCredit(
                month=month,
                hours=books.hours.get(month, ZERO),
                spend=books.spend.get(month, ZERO),
                counted={cid: found.total for cid, found in counted.items()},
                complete={cid: found.complete for cid, found in counted.items()},
            )
        )
        month = add_months(month, 1)
    return tuple(rows)


def _least(values: Iterable[Decimal], works: Callable[[Decimal], bool]) -> Decimal | None:
    return next((value for value in values if works(value)), None)


def _changes(
    inp: ScheduleInput, pace: Pace, capacity: Decimal, problem: _Unplaceable, today: date
) -> list[str]:
    """What would make the schedule fit: more hours a month, a bigger budget, or an earlier start."""
    other_courses = "choose other courses (a dated course or an access window cannot be met at any pace)"
    if problem.kind == "dates":
        return [other_courses]
    total = sum((c.option.hours for c in inp.courses), ZERO)
    ceiling = int(max(total, capacity)) + 1
    changes: list[str] = []
    more = _least(
        (Decimal(h) for h in range(int(capacity) + 1, ceiling + 1)),
        lambda h: _attempt(inp, pace, h)[2] is None,
    )
    if more is not None:
        changes.append(f"study {more} h a month instead of {capacity}")
    if pace.budget_per_month is not None:
        wider = replace(pace, budget_per_month=None)
        if _attempt(inp, wider, capacity)[2] is None:
            dearest = max((c.price for c in inp.courses), default=ZERO)
            dearest = max([dearest, *(o.price for o in inp.offers if not o.held)])
            changes.append(
                f"allow more than ${pace.budget_per_month:.2f} a month "
                f"(the dearest purchase is ${dearest:.2f})"
            )
    if pace.start > today:
        month = add_months(month_start(pace.start), -1)
        while month >= month_start(today):
            earlier = replace(pace, start=max(month, today))
            if _attempt(inp, earlier, capacity)[2] is None:
                changes.append(f"start on {earlier.start} instead of {pace.start}")
                break
            month = add_months(month, -1)
    return changes or [other_courses]


def schedule(inp: ScheduleInput, pace: Pace, today: date | None = None) -> Schedule:
    """Spread the plan's courses over the months before each apply-by date (see the module docstring)."""
    capacity = pace.hours_per_month if pace.hours_per_month is not None else even_pace(inp, pace.start)
    notes: list[str] = []
    if pace.hours_per_month is None:
        notes.append(f"an even pace of {capacity} h a month was used (set the hours a month to change it)")
    placed, books, problem = _attempt(inp, pace, capacity)
    if problem is not None:
        return Schedule(
            feasible=False,
            pace=pace,
            hours_per_month=capacity,
            placed=tuple(placed),
            months=(),
            deadlines=inp.deadlines,
            needs=inp.needs,
            plan_cost=inp.plan_cost,
            notes=tuple(notes),
            problems=(str(problem),),
            changes=tuple(_changes(inp, pace, capacity, problem, today or pace.start)),
        )
    for item in placed:
        day = item.course.fixed_day
        if day is not None and item.course.option.hours > capacity:
            notes.append(
                f"{item.course.option.title} on {day} takes {item.course.option.hours} h, more than the "
                f"{capacity} h a month"
            )
    placed.sort(key=lambda p: (p.start, p.finish, p.course.key))
    return Schedule(
        feasible=True,
        pace=pace,
        hours_per_month=capacity,
        placed=tuple(placed),
        months=_months(inp, placed, books, pace.start),
        deadlines=inp.deadlines,
        needs=inp.needs,
        plan_cost=inp.plan_cost,
        extra_costs=tuple(books.extra),
        notes=tuple(notes),
    )
