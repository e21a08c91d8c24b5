"""Property tests: counted credit never exceeds a cap, adding credit never increases what is missing,
and the CMA outside-credit allocation is as good as a linear program's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from recommender.rules.engine import add, count, list_credentials, load_rule, missing
from recommender.rules.model import Contribution, CountingRule, Standing

RULES = {cid: load_rule(cid).counting for cid in list_credentials()}
CMA = RULES["cma_aama"]

amounts = st.decimals(min_value=0, max_value=45, places=1, allow_nan=False, allow_infinity=False)


@st.composite
def standings(draw: st.DrawFn, rule: CountingRule) -> Standing:
    return Standing(
        approved={area: draw(amounts) for area in rule.areas},
        other={area: draw(amounts) for area in rule.areas},
        cpr_cards=draw(st.integers(min_value=0, max_value=5)) if rule.cpr_max_cards is not None else 0,
    )


@st.composite
def contributions(draw: st.DrawFn, rule: CountingRule) -> Contribution:
    if rule.cpr_points > 0 and draw(st.booleans()):
        return Contribution(
            rule.credential_id, True, approved={rule.cpr_area: rule.cpr_points}, cpr_card=True
        )
    area = draw(st.sampled_from(rule.areas))
    amount = draw(amounts)
    if draw(st.booleans()):
        return Contribution(rule.credential_id, True, approved={area: amount})
    return Contribution(rule.credential_id, True, other={area: amount})


@st.composite
def card_consistent_standings(draw: st.DrawFn, rule: CountingRule) -> Standing:
    """Standings whose CPR card points are inside the approved totals, as ``add`` builds them."""
    state = draw(standings(rule))
    card_points = rule.cpr_points * state.cpr_cards
    approved = dict(state.approved)
    approved[rule.cpr_area] = approved.get(rule.cpr_area, Decimal(0)) + card_points
    return Standing(approved, state.other, state.cpr_cards)


@pytest.mark.parametrize("credential_id", sorted(RULES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_counted_never_exceeds_a_cap(credential_id: str, data: st.DataObject) -> None:
    rule = RULES[credential_id]
    state = data.draw(card_consistent_standings(rule))
    counted = count(rule, state)
    if rule.other_cap is not None:
        assert counted.other <= rule.other_cap
    assert counted.other <= counted.other_earned
    if rule.cpr_max_cards is not None:
        assert counted.cpr_cards <= rule.cpr_max_cards
        extra_cards = max(0, state.cpr_cards - rule.cpr_max_cards)
        assert counted.areas[rule.cpr_area] <= (
            state.approved[rule.cpr_area] + state.other[rule.cpr_area] - extra_cards * rule.cpr_points
        )
    for area in rule.areas:
        assert 0 <= counted.areas[area] <= state.approved[area] + state.other[area]
    assert counted.total == sum(counted.areas.values())


@pytest.mark.parametrize("credential_id", sorted(RULES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_adding_credit_never_increases_what_is_missing(credential_id: str, data: st.DataObject) -> None:
    rule = RULES[credential_id]
    state = data.draw(card_consistent_standings(rule))
    more = add(state, data.draw(contributions(rule)))
    before, after = missing(rule, state), missing(rule, more)
    assert after.total <= before.total
    assert after.approved <= before.approved
    for area in rule.area_minimums:
        assert after.areas[area] <= before.areas[area]
    assert count(rule, more).total >= count(rule, state).total


def _lp_best_area_cover(state: Standing) -> float:
    """max Σ_k min(aama_k + z_k, 10) s.t. 0 ≤ z_k ≤ other_k, Σ z_k ≤ 30 — by linear programming."""
    areas = CMA.areas
    # variables: z_0..z_2, s_0..s_2; maximise Σ s  ⇔  minimise −Σ s
    cost = [0.0] * 3 + [-1.0] * 3
    rows, bounds_rhs = [], []
    for k, area in enumerate(areas):
        row = [0.0] * 6
        row[3 + k], row[k] = 1.0, -1.0  # s_k − z_k ≤ aama_k
        rows.append(row)
        bounds_rhs.append(float(state.approved[area]))
    rows.append([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    bounds_rhs.append(30.0)
    bounds = [(0.0, float(state.other[a])) for a in areas] + [(0.0, 10.0)] * 3
    result = linprog(cost, A_ub=rows, b_ub=bounds_rhs, bounds=bounds, method="highs")
    assert result.status == 0
    return float(-result.fun)


@settings(max_examples=80, deadline=None)
@given(state=standings(CMA).map(lambda s: Standing(s.approved, s.other, 0)))
def test_cma_outside_allocation_covers_area_minimums_as_well_as_an_lp(state: Standing) -> None:
    counted = count(CMA, state)
    covered = sum(min(counted.areas[a], Decimal(10)) for a in CMA.areas)
    assert float(covered) == pytest.approx(_lp_best_area_cover(state), abs=1e-6)
    assert counted.other == min(Decimal(30), sum(state.other.values()))
