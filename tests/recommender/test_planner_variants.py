"""Hand-built instances with values worked out by hand: the named variants (cheapest, fewest hours,
best interest, all-AAMA), runner-ups, explanations (why each course, what an offer saves and its
break-even), and the what-if comparisons (CE vs exam fees, adding a second credential).

CMA (AAMA): 60 points in all, ≥ 30 AAMA-approved, ≥ 10 per area, outside credit capped at 30.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from catalog.records import Course, Offer, parse_record
from recommender.planner.api import plan
from recommender.planner.checker import check_plan
from recommender.planner.model import PlanStatus
from recommender.planner.whatif import ce_vs_exam, what_if
from recommender.rules.engine import list_credentials, load_rule
from recommender.rules.profile import Profile, parse_profile

TODAY = date(2026, 1, 15)


def _course(course_id: str, area: str, points: int, hours: float, price: float | None, *,
            approved: bool = True, **extra: object) -> Course:  # fmt: skip
    raw: dict[str, object] = {
        "provider": "acme", "course_id": course_id, "title": f"{area} {course_id}",
        "url": f"https://acme.example/{course_id}", "format": "online", "hours": hours,
        "content_areas": {area: hours}, "source": "import",
    }  # fmt: skip
    if approved:
        raw["approvals"] = [{"body": "AAMA", "credits": points, "categories": {area: points}}]
    if price is not None:
        raw["price"] = price
    raw.update(extra)
    record = parse_record(raw)
    assert isinstance(record, Course)
    return record


def _offer(offer_id: str, kind: str, price: float) -> Offer:
    raw = {"type": "offer", "provider": "acme", "offer_id": offer_id, "name": offer_id, "kind": kind,
           "price": price, "source": "import"}  # fmt: skip
    record = parse_record(raw)
    assert isinstance(record, Offer)
    return record


def _profile(admin: int, clinical: int, general: int) -> Profile:
    earned = {"administrative": {"approved": admin}, "clinical": {"approved": clinical},
              "general": {"approved": general}}  # fmt: skip
    return parse_profile({"credentials": [{"id": "cma_aama", "cycle_end": "2027-06-30", "earned": earned}]})


# 52 approved points earned, every area and the approved minimum met: 8 more points of any kind are needed.
PROFILE = _profile(12, 10, 30)
COURSES = [
    _course("a", "general", 4, 4, 10),  # a + b: $20, 8 h, AAMA-approved
    _course("b", "general", 4, 4, 10),
    _course("c", "administrative", 8, 2, 30),  # 8 approved points in 2 h: the fewest hours, $30
    _course("d", "clinical", 8, 8, 5, approved=False),  # 8 outside points for $5: the cheapest
    _course("e", "general", 8, 8, 25),  # the interest match, $25
]
INTEREST = {("acme", "e"): 1.0}


def _alternatives(count: int = 3) -> dict[str, tuple[Decimal, tuple[str, ...]]]:
    result = plan(COURSES, [], PROFILE, alternatives=count, interest_scores=INTEREST, today=TODAY)
    assert result.status is PlanStatus.OPTIMAL
    assert check_plan(result, PROFILE, COURSES, [], today=TODAY) == []
    assert [c.course_id for c in result.courses] == ["d"] and result.total_cost == Decimal("5.00")
    return {a.name: (a.total_cost, tuple(course for _, course in a.courses)) for a in result.alternatives}


def test_named_variants() -> None:
    found = _alternatives()
    assert found["fewest_hours"] == (Decimal("30.00"), ("c",))
    assert found["best_interest"] == (Decimal("25.00"), ("e",))
    assert found["all_aama"] == (Decimal("20.00"), ("a", "b"))  # d gives outside credit only


def test_as_many_alternatives_as_asked_for_never_more() -> None:
    """`--alternatives 2` printed 6 (runner-ups plus every named variant plus the plan itself)."""
    order = ["fewest_hours", "best_interest", "all_aama"]
    for count in range(5):
        assert list(_alternatives(count)) == order[:count]


def test_a_plan_that_only_costs_more_is_no_alternative_and_equal_swaps_are_counted() -> None:
    courses = [
        _course("x1", "general", 8, 8, 10),
        _course("x3", "general", 8, 8, 10),  # x1 swapped for an equal course: counted, not shown
        _course("x2", "general", 8, 8, 12),  # only costs more: not shown
        _course("y", "general", 8, 8, 15, provider="other"),  # another provider: worth showing
    ]
    result = plan(courses, [], PROFILE, alternatives=2, today=TODAY)
    assert [c.course_id for c in result.courses] == ["x1"]
    assert [(a.name, a.total_cost, a.courses) for a in result.alternatives] == [
        ("runner_up_1", Decimal("15.00"), (("other", "y"),))
    ]
    assert result.same_cost_plans == 1
    assert result.same_cost_words.startswith("1 other plan costs the same")
    assert plan(courses, [], PROFILE, today=TODAY).same_cost_plans == 0  # only counted with alternatives


def test_cost_ties_go_to_fewer_hours_then_course_id() -> None:
    courses = [
        _course("z-long", "general", 8, 8, 20),
        _course("y-short", "general", 8, 3, 20),  # same price, fewer hours: chosen
        _course("x-same", "general", 8, 3, 20),  # same price and hours, smaller id: chosen over y
    ]
    result = plan(courses, [], PROFILE, today=TODAY)
    assert [c.course_id for c in result.courses] == ["x-same"]


def test_fewer_hours_beat_any_amount_of_interest() -> None:
    # Same cost ($20). b1 + b2 take 8.01 h and match the interest fully; z-fewer takes 8.00 h and matches
    # nothing. Hours come first: z-fewer. (A weighted sum hours × 1001 − 1000 × interest per course
    # would pick b1 + b2: 801 × 1001 − 2 × 1000 = 799,801 < 800 × 1001 = 800,800.)
    courses = [
        _course("b1", "general", 4, 4, 10),
        _course("b2", "general", 4, 4.01, 10),
        _course("z-fewer", "general", 8, 8, 20),
    ]
    interest = {("acme", "b1"): 1.0, ("acme", "b2"): 1.0}
    result = plan(courses, [], PROFILE, interest_scores=interest, today=TODAY)
    assert [c.course_id for c in result.courses] == ["z-fewer"]
    assert result.total_hours == Decimal(8)


def test_equal_hours_go_to_the_better_interest_match() -> None:
    courses = [_course("a-plain", "general", 8, 8, 20), _course("b-liked", "general", 8, 8, 20)]
    result = plan(courses, [], PROFILE, interest_scores={("acme", "b-liked"): 0.7}, today=TODAY)
    assert [c.course_id for c in result.courses] == ["b-liked"]


def test_explanations_name_the_gap_the_price_per_point_and_the_offer_savings() -> None:
    courses = [
        _course("cli-1", "clinical", 5, 5, 30, included_in=["acme-sub"]),
        _course("cli-2", "clinical", 5, 5, 30, included_in=["acme-sub"]),
        _course("gen-1", "general", 4, 4, 8),
    ]
    offers = [_offer("acme-sub", "subscription", 40)]
    profile = _profile(12, 0, 34)  # clinical 10 short, 14 short in total
    result = plan(courses, offers, profile, today=TODAY)
    # sub ($40, 10 clinical) + gen-1 ($8) = $48 beats cli-1 + cli-2 at list price ($60) + gen-1 = $68
    assert result.total_cost == Decimal("48.00")
    assert [o.offer_id for o in result.offers] == ["acme-sub"]
    lines = result.explanations
    assert (
        "general gen-1 ($8.00, $2.00 per unit) — CMA (AAMA): 4 AAMA-approved points toward general, "
        "the total (14 short)"
    ) in lines
    assert any(line.startswith("clinical cli-1 (no extra cost) — CMA (AAMA): 5 AAMA-approved points toward "
                               "the clinical minimum (10 short)") for line in lines)  # fmt: skip
    assert (
        "acme-sub (subscription): buying it for $40.00 saves $60.00 against à la carte prices on this plan "
        "(net +$20.00; it pays for itself once it saves $40.00)"
    ) in lines


def _joint_profile(credential_id: str) -> Profile:
    earned = {"administrative": {"approved": 12}, "clinical": {"approved": 10}, "general": {"approved": 30}}
    held = [{"id": "cma_aama", "cycle_end": "2027-06-30", "earned": earned},
            {"id": credential_id, "cycle_end": "2027-06-30"}]  # fmt: skip
    return parse_profile({"credentials": held})


def test_ce_vs_exam_uses_the_fees_in_the_rules_and_says_when_unknown() -> None:
    result = plan(COURSES, [], PROFILE, today=TODAY)
    compared = what_if(result, PROFILE, COURSES, [], time_limit=10).what_if
    # the AAMA's renewal and exam fees are not stated on its pages: the rules leave them empty
    assert compared["cma_aama: CE vs exam"] == (
        "by CE: $5.00 of courses + renewal fee unknown (not in the rules); "
        "by exam: exam fee unknown (not in the rules) (at most 3 attempts to pass: after a failed attempt "
        "number 3 neither the exam nor recertification is open)"
    )
    rma = parse_profile({"credentials": [{"id": "rma_amt", "cycle_end": "2027-06-30"}]})
    routes = ce_vs_exam(result, rma)
    assert routes["rma_amt: CE vs exam"].startswith(
        "by CE: $5.00 of courses + renewal fee $50.00;"  # confirmed by AMT's fee table
    )


def test_second_credential_cost_matches_a_joint_plan() -> None:
    result = plan(COURSES, [], PROFILE, today=TODAY)
    compared = what_if(result, PROFILE, COURSES, [], time_limit=10).what_if
    added = [c for c in list_credentials() if c != "cma_aama"]
    assert len([key for key in compared if key.startswith("adding ")]) == len(added)
    for credential_id in added:
        both = plan(COURSES, [], _joint_profile(credential_id))
        words = str(compared[f"adding {load_rule(credential_id).name}"])
        if both.status is PlanStatus.INFEASIBLE:
            assert words.startswith("no plan could meet both: ")
            assert both.reasons[0].message in words
        else:
            delta = both.total_cost - result.total_cost
            assert words == f"${both.total_cost} in all (+${delta}), courses shared where they count"
