"""The pacing schedule: every course inside its dates, access window and subscription period; credit
meeting every minimum by each apply-by date; the plan's cost unchanged unless the schedule says why;
infeasible paces say what to change. Hand-built instances plus random small ones (hypothesis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from recommender.planner.evaluate import progress
from recommender.planner.model import CourseCredit, CourseOption, CredentialNeed
from recommender.planner.schedule import (
    Deadline,
    Pace,
    Schedule,
    ScheduleCourse,
    ScheduleInput,
    ScheduleOffer,
    month_start,
    schedule,
)
from recommender.rules.engine import add_months

D = Decimal
AREAS = ("administrative", "clinical", "general")
START = date(2027, 1, 10)
SUB = ("club", "annual")


def need(minimums: dict[str, int], total: int, credential_id: str = "cred") -> CredentialNeed:
    return CredentialNeed(
        credential_id=credential_id,
        name=credential_id.upper(),
        body="BODY",
        unit="point",
        areas=AREAS,
        total_required=D(total),
        area_minimums={area: D(units) for area, units in minimums.items()},
        approved_minimum=D(0),
        other_cap=None,
        cpr_cards_left=None,
        earned_approved={},
        earned_other={},
    )


def course(
    course_id: str,
    hours: int,
    area: str,
    *,
    price: str = "0",
    credential_id: str = "cred",
    via: tuple[str, str] | None = None,
    available_from: date | None = None,
    available_until: date | None = None,
    access_months: int | None = None,
) -> ScheduleCourse:
    option = CourseOption(
        provider="prov",
        course_id=course_id,
        title=f"Course {course_id}",
        format="online",
        hours=D(hours),
        price_cents=int(D(price) * 100),
        member_price_cents=None,
        credits=(CourseCredit(credential_id, {area: D(hours)}, {}),),
        url=f"https://example.org/{course_id}",
    )
    return ScheduleCourse(option, D(price), via, available_from, available_until, access_months)


def instance(
    courses: list[ScheduleCourse],
    needs: list[CredentialNeed] | None = None,
    apply_by: date = date(2028, 6, 9),
    offers: tuple[ScheduleOffer, ...] = (),
) -> ScheduleInput:
    needs = needs or [need({}, sum(int(c.option.hours) for c in courses))]
    deadlines = tuple(Deadline(n.credential_id, n.name, apply_by, apply_by) for n in needs)
    cost = sum((c.price for c in courses), D(0)) + sum((o.price for o in offers), D(0))
    return ScheduleInput(tuple(needs), tuple(courses), offers, deadlines, cost)


def check_valid(found: Schedule, inp: ScheduleInput) -> None:
    """The invariants every feasible schedule keeps."""
    assert found.feasible
    assert {p.course.key for p in found.placed} == {c.key for c in inp.courses}
    offers = {o.key: o for o in inp.offers}
    periods: dict[tuple[tuple[str, str], int], list[date]] = {}
    for placed in found.placed:
        item = placed.course
        assert placed.start <= placed.finish
        assert placed.start >= found.pace.start
        if item.fixed_day is not None:
            assert placed.start == placed.finish == item.fixed_day
        if item.available_from is not None:
            assert placed.start >= item.available_from
        if item.available_until is not None:
            assert placed.finish <= item.available_until
        if item.access_months is not None:
            assert placed.finish <= add_months(placed.start, item.access_months)
        assert placed.finish <= placed.deadline
        assert sum((h for _, h in placed.hours_by_month), D(0)) == item.option.hours
        if item.via_offer is not None and offers[item.via_offer].period_months is not None:
            periods.setdefault((item.via_offer, placed.period), []).extend([placed.start, placed.finish])
    for (key, _), days in periods.items():  # every period's courses inside one period of the offer
        assert max(days) < add_months(min(days), offers[key].period_months or 0)
    for deadline in inp.deadlines:  # every minimum met by the apply-by date
        done = [p.course.option for p in found.placed if p.finish <= deadline.apply_by]
        for n in inp.needs:
            assert progress(n, done).complete, (n.credential_id, deadline.apply_by)
    for month in found.months:
        fixed = sum(
            (
                p.course.option.hours
                for p in found.placed
                if p.course.fixed_day and month_start(p.start) == month.month
            ),
            D(0),
        )
        assert month.hours - fixed <= found.hours_per_month
        if found.pace.budget_per_month is not None:
            assert month.spend <= found.pace.budget_per_month
    assert found.cost == inp.plan_cost + sum((a for _, a in found.extra_costs), D(0))
    assert (found.cost == inp.plan_cost) == (not found.extra_costs)


def test_area_minimums_come_before_free_choice_points() -> None:
    free = course("free", 4, "general")
    admin = course("admin", 4, "administrative")
    inp = instance([free, admin], [need({"administrative": 4}, 8)])
    found = schedule(inp, Pace(START, D(4)))
    check_valid(found, inp)
    order = [p.course.option.course_id for p in found.placed]
    assert order == ["admin", "free"]
    assert found.placed[0].finish == date(2027, 1, 31) and found.placed[1].start == date(2027, 2, 1)


def test_the_credential_due_first_is_scheduled_first() -> None:
    later = course("later", 3, "general", credential_id="b")
    sooner = course("sooner", 3, "general", credential_id="a")
    needs = [need({}, 3, "a"), need({}, 3, "b")]
    inp = ScheduleInput(
        tuple(needs),
        (later, sooner),
        (),
        (Deadline("a", "A", date(2027, 6, 1)), Deadline("b", "B", date(2029, 1, 1))),
        D(0),
    )
    found = schedule(inp, Pace(START, D(3)))
    assert [p.course.option.course_id for p in found.placed] == ["sooner", "later"]
    assert found.placed[0].deadline == date(2027, 6, 1)


def test_a_dated_course_happens_on_its_date() -> None:
    workshop = course(
        "ws", 6, "clinical", available_from=date(2027, 9, 12), available_until=date(2027, 9, 12)
    )
    other = course("self", 2, "general")
    inp = instance([workshop, other])
    found = schedule(inp, Pace(START, D(2)))
    check_valid(found, inp)
    placed = {p.course.option.course_id: p for p in found.placed}
    assert placed["ws"].start == placed["ws"].finish == date(2027, 9, 12)
    assert any("more than the 2 h a month" in note for note in found.notes)


def test_an_access_window_too_short_for_the_pace_is_infeasible_and_says_what_to_change() -> None:
    self_study = course("ss", 8, "clinical", access_months=2)  # Jan–Apr at 2 h; must end by 10 Mar
    inp = instance([self_study])
    found = schedule(inp, Pace(START, D(2)))
    assert not found.feasible
    assert "within 2 months of purchase" in found.problems[0]
    assert found.changes[0] == "study 3 h a month instead of 2"
    check_valid(schedule(inp, Pace(START, D(3))), inp)


def test_a_subscription_that_does_not_fit_one_period_says_what_a_second_costs() -> None:
    offer = ScheduleOffer(SUB, "Club annual pass", D("39.00"), 12)
    courses = [course(f"c{i}", 10, "general", via=SUB) for i in range(3)]
    inp = instance(courses, offers=(offer,))
    found = schedule(inp, Pace(START, D(2)))
    check_valid(found, inp)
    assert found.cost == inp.plan_cost + D("39.00")
    ((why, amount),) = found.extra_costs
    assert "do not fit in one 12-month period" in why and amount == D("39.00")
    assert {p.period for p in found.placed} == {1, 2}
    fast = schedule(inp, Pace(START, D(3)))
    check_valid(fast, inp)
    assert fast.cost == inp.plan_cost and {p.period for p in fast.placed} == {1}


def test_a_budget_too_small_for_a_course_is_infeasible() -> None:
    inp = instance([course("dear", 2, "general", price="50")])
    found = schedule(inp, Pace(START, D(4), D(30)))
    assert not found.feasible and "budget" in found.problems[0]
    assert any(change.startswith("allow more than $30.00 a month") for change in found.changes)
    check_valid(schedule(inp, Pace(START, D(4), D(50))), inp)


def test_months_already_full_ask_for_more_hours_not_other_courses() -> None:
    inp = instance([course("a", 6, "general"), course("b", 6, "general")], apply_by=date(2027, 8, 20))
    found = schedule(inp, Pace(START, D(1)))  # "a" fills January–June: "b" finds no room before August
    assert not found.feasible and "finds no room in the pace" in found.problems[0]
    assert found.changes == ("study 2 h a month instead of 1",)


def test_a_late_start_suggests_an_earlier_one() -> None:
    inp = instance([course("c", 6, "general")], apply_by=date(2027, 6, 9))
    found = schedule(inp, Pace(date(2027, 5, 1), D(2)), today=START)
    assert not found.feasible
    assert "start on 2027-04-01 instead of 2027-05-01" in found.changes  # April, May, June (by 9 Jun)


def test_without_a_pace_an_even_one_is_worked_out() -> None:
    inp = instance([course(f"c{i}", 3, "general") for i in range(6)], apply_by=date(2027, 12, 20))
    found = schedule(inp, Pace(START))
    check_valid(found, inp)
    assert found.hours_per_month == 2  # 18 h over 12 months, rounded up
    assert "an even pace of 2 h a month" in found.notes[0]


@st.composite
def random_instances(draw: st.DrawFn) -> tuple[ScheduleInput, Pace]:
    count = draw(st.integers(1, 5))
    subscription = draw(st.booleans())
    offer = ScheduleOffer(SUB, "Pass", D(20), draw(st.sampled_from([3, 6, 12]))) if subscription else None
    courses = []
    for index in range(count):
        hours = draw(st.integers(1, 6))
        dated = draw(st.integers(0, 3))
        opens = add_months(START, draw(st.integers(0, 10)))
        courses.append(
            course(
                f"c{index}",
                hours,
                draw(st.sampled_from(AREAS)),
                price=str(draw(st.integers(0, 40))),
                via=SUB if subscription and draw(st.booleans()) else None,
                available_from=opens if dated >= 1 else None,
                available_until=(opens if dated == 3 else add_months(opens, draw(st.integers(1, 12))))
                if dated >= 2
                else None,
                access_months=draw(st.sampled_from([None, 1, 6])),
            )
        )
    minimum = {next(iter(courses[0].option.credits[0].approved)): 1}  # an area minimum the first course fills
    total = sum(int(c.option.hours) for c in courses)
    inp = instance(courses, [need(minimum, total)], date(2028, 6, 9), (offer,) if offer else ())
    budget = draw(st.sampled_from([None, D(25), D(60)]))
    return inp, Pace(START, D(draw(st.integers(1, 8))), budget)


@settings(max_examples=60, deadline=None)
@given(random_instances())
def test_random_small_instances_keep_every_rule(case: tuple[ScheduleInput, Pace]) -> None:
    inp, pace = case
    found = schedule(inp, pace, today=START)
    if found.feasible:
        check_valid(found, inp)
    else:
        assert found.problems and found.changes
