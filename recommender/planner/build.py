"""The mixed-integer program, built from plain inputs with every constraint named after its requirement.

Columns: ``take[c]`` (take course c), ``pay_list[c]`` / ``pay_member[c]`` (how it is paid), ``buy[o]``
(buy offer o; fixed to 1 for offers already held), ``outside[cred,area]`` (outside credit counted, the
``z`` of the counting rules) and ``card_counts[cred,c]`` (a CPR card counted under a card limit).

Rows, for every held credential ``cred`` and area ``k`` (see docs/planner.md)::

    cred:area_minimum[k]      approved_k + outside_k              >= minimum_k - earned approved_k
    cred:outside_available[k] outside_k - other_k                 <= earned other_k
    cred:outside_cap          sum_k outside_k                     <= cap
    cred:approved_minimum     sum_k approved_k                    >= minimum - earned approved
    cred:total_required       sum_k approved_k + sum_k outside_k  >= total - earned approved
    cred:cpr_card_limit       sum_c card_counts[cred,c]           <= cards left
    pay[c]                    take_c - pay_list_c - pay_member_c - sum_{o includes c} buy_o <= 0
    member_price[c]           pay_member_c - sum_{memberships o} buy_o <= 0
    include[c]                take_c                              >= 1   (a course she added to her plan)
    budget, max_hours         the profile's limits

Money is in cents, hours in hundredths of an hour, credit in the credential's unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from recommender.planner.model import CourseOption, CredentialNeed, OfferKey, PlanInput
from recommender.planner.prune import hundredths, interest_points

INF = math.inf
ZERO = Decimal(0)


@dataclass
class Row:
    """One named linear constraint ``lower <= sum(coef * column) <= upper``."""

    name: str
    coefs: dict[int, float]
    lower: float = -INF
    upper: float = INF


PriceClass = tuple[int | None, int | None, int]  # list price, member price (cents), how many courses
PayColumns = dict[int, list[tuple[int | None, int | None]]]  # course → per price class: list, member column
Matrix = tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.float64]]


def rowwise(rows: list[Row]) -> Matrix:
    """The rows as a compressed sparse row matrix: starts, column indices, values."""
    starts = np.zeros(len(rows) + 1, dtype=np.int32)
    index: list[int] = []
    value: list[float] = []
    for number, row in enumerate(rows):
        for col, coef in sorted(row.coefs.items()):
            index.append(col)
            value.append(coef)
        starts[number + 1] = len(index)
    return starts, np.array(index, dtype=np.int32), np.array(value, dtype=np.float64)


@dataclass
class MilpModel:
    """Column data as numpy vectors plus named rows; objectives are chosen at solve time."""

    col_names: list[str]
    lower: npt.NDArray[np.float64]
    upper: npt.NDArray[np.float64]
    integer: npt.NDArray[np.bool_]
    cost: npt.NDArray[np.float64]  # cents
    hours: npt.NDArray[np.float64]  # hundredths of an hour
    interest: npt.NDArray[np.float64]  # 0..1000 per course column
    rank: npt.NDArray[np.float64]  # course order by (provider, course_id)
    rows: list[Row]
    take: dict[int, int] = field(default_factory=dict)  # course index → column
    buy: dict[OfferKey, int] = field(default_factory=dict)
    pay_list: dict[int, int] = field(default_factory=dict)  # course index → column
    pay_member: dict[int, int] = field(default_factory=dict)
    pay_classes: PayColumns = field(default_factory=dict)  # course → per price class (list, member) columns
    _matrix: Matrix | None = None
    _take: npt.NDArray[np.int64] | None = None

    def take_columns(self) -> npt.NDArray[np.int64]:
        """``take`` as an array: the column of course i at i (computed once)."""
        if self._take is None:
            self._take = np.array([self.take[i] for i in range(len(self.take))], dtype=np.int64)
        return self._take

    def matrix(self) -> Matrix:
        """The rows as a sparse matrix (computed once)."""
        if self._matrix is None:
            self._matrix = rowwise(self.rows)
        return self._matrix

    def objective(self, name: str) -> npt.NDArray[np.float64]:
        """An objective by name: ``cost`` (cents), ``hours`` (hundredths), ``interest`` (1000 −
        round(1000 × score) per course: lower = better match, every course adds ≥ 0 — the best-interest
        variant), ``match`` (−round(1000 × score) per course: the main order's interest tie-break, the
        most interest in all, with no preference for fewer courses when there are no scores) or
        ``rank`` (course-id order). Hours and interest are separate lexicographic stages: one weighted
        sum is lexicographic only if the hours weight exceeds the interest of every course a plan can
        hold, which makes coefficients too large to solve exactly."""
        if name == "match":
            match = np.zeros(len(self.col_names))
            columns = list(self.take.values())
            match[columns] = self.interest[columns] - 1000
            return match
        objective: npt.NDArray[np.float64] = getattr(self, name)
        return objective


class _Columns:
    def __init__(self) -> None:
        self.names: list[str] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.cost: list[float] = []

    def add(self, name: str, *, upper: float = 1.0, lower: float = 0.0, integer: bool = True,
            cost: float = 0.0) -> int:  # fmt: skip
        self.names.append(name)
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        self.cost.append(cost)
        return len(self.names) - 1


def _label(course: CourseOption) -> str:
    return f"{course.provider}/{course.course_id}"


def build_model(
    inp: PlanInput,
    classes: Sequence[Sequence[PriceClass]] | None = None,
    member_ranks: Sequence[Sequence[Sequence[float]]] | None = None,
) -> MilpModel:
    """The MILP for ``inp`` (courses already filtered and pruned).

    ``classes``: per course, the courses it stands for (aggregate.py) as price classes (list price,
    member price, how many); its columns are then counts from 0 to that many, each class paid by its
    own columns, and an offer that includes it or unlocks member prices covers every one. Default: the
    course alone (binary columns). ``member_ranks`` (with ``classes``): per course and price class, the
    ranks of the courses it stands for; the ``rank`` objective is then the least rank sum of a counted
    choice (see ``_member_rows``)."""
    cols = _Columns()
    rows: list[Row] = []
    if classes is None:
        classes = [((c.price_cents, c.member_price_cents, 1),) for c in inp.courses]
    by_course = list(classes)
    many = [sum(count for _, _, count in group) for group in by_course]
    take = {i: cols.add(f"take[{_label(c)}]", upper=many[i]) for i, c in enumerate(inp.courses)}
    buy: dict[OfferKey, int] = {}
    for offer in inp.offers:
        held = 1.0 if offer.held else 0.0
        cost = 0.0 if offer.held else float(offer.price_cents)
        buy[offer.key] = cols.add(f"buy[{offer.provider}/{offer.offer_id}]", lower=held, cost=cost)
    pay_columns = _payment_rows(inp, cols, rows, take, buy, by_course)
    for need in inp.needs:
        _credential_rows(inp, need, cols, rows, take, many)
    _limit_rows(inp, cols, rows, take)
    members = _member_rows(inp, cols, rows, take, pay_columns, member_ranks) if member_ranks else {}
    n = len(cols.names)
    hours = np.zeros(n)
    interest = np.zeros(n)
    rank = np.zeros(n)
    order = sorted(range(len(inp.courses)), key=lambda i: inp.courses[i].key)
    for position, i in enumerate(order):
        course = inp.courses[i]
        hours[take[i]] = hundredths(course.hours)
        interest[take[i]] = interest_points(course.interest)
        rank[take[i]] = position if course.rank is None else course.rank
    if members:
        rank[:] = 0.0
        for column, value in members.items():
            rank[column] = value
    return MilpModel(
        col_names=cols.names,
        lower=np.array(cols.lower),
        upper=np.array(cols.upper),
        integer=np.array(cols.integer),
        cost=np.array(cols.cost),
        hours=hours,
        interest=interest,
        rank=rank,
        rows=rows,
        take=take,
        buy=buy,
        pay_list={i: paid[0][0] for i, paid in pay_columns.items() if paid[0][0] is not None},
        pay_member={i: paid[0][1] for i, paid in pay_columns.items() if paid[0][1] is not None},
        pay_classes=pay_columns,
    )


def _payment_rows(
    inp: PlanInput,
    cols: _Columns,
    rows: list[Row],
    take: dict[int, int],
    buy: dict[OfferKey, int],
    classes: list[Sequence[PriceClass]],
) -> PayColumns:
    """Rows ``pay[c]`` and ``member_price[c]`` (and ``pay_once[c#n]`` for a price class of several
    courses that can be paid either way); returns the pay_list and pay_member columns per course and
    price class."""
    pay_columns: PayColumns = {}
    for i, course in enumerate(inp.courses):
        if all(price == 0 for price, _, _ in classes[i]):
            continue  # free: taking it needs no payment
        label = _label(course)
        pay = {take[i]: 1.0}
        m = float(sum(count for _, _, count in classes[i]))
        member_offers = [buy[o] for o in course.member_offers if o in buy]
        member_coefs: dict[int, float] = {}
        pay_columns[i] = []
        for number, (price, member, count) in enumerate(classes[i]):
            suffix = "" if len(classes[i]) == 1 else f"#{number}"
            by_list = by_member = None
            if price is not None:
                by_list = cols.add(f"pay_list[{label}{suffix}]", cost=price, upper=count)
                pay[by_list] = -1.0
            if member is not None and member_offers and (price is None or member < price):
                by_member = cols.add(f"pay_member[{label}{suffix}]", cost=member, upper=count)
                pay[by_member] = -1.0
                member_coefs[by_member] = 1.0
            if by_list is not None and by_member is not None and m > 1:
                rows.append(Row(f"pay_once[{label}{suffix}]", {by_list: 1.0, by_member: 1.0}, upper=count))
            pay_columns[i].append((by_list, by_member))
        if member_coefs:
            coefs = member_coefs | {col: -m for col in member_offers}
            rows.append(Row(f"member_price[{label}]", coefs, upper=0.0))
        for offer in course.included_in:
            if offer in buy:
                pay[buy[offer]] = -m
        rows.append(Row(f"pay[{label}]", pay, upper=0.0))
    return pay_columns


def _member_rows(
    inp: PlanInput,
    cols: _Columns,
    rows: list[Row],
    take: dict[int, int],
    pay_columns: PayColumns,
    member_ranks: Sequence[Sequence[Sequence[float]]],
) -> dict[int, float]:
    """Continuous columns ``member[c#n.k]`` in [0, 1], one per course a counted column stands for,
    with ``Σ member = take[c]`` and, per price class, ``Σ member ≥`` the courses paid in it; returns
    each one's rank. For whole counts the least rank sum over these is a linear program with a laminar
    (totally unimodular) matrix, so its optimum is whole: the smallest ranks paid in each class, then
    the smallest left — exactly the choice ``aggregate.Aggregated.selection`` makes."""
    ranks: dict[int, float] = {}
    for i, course in enumerate(inp.courses):
        label = _label(course)
        in_group: dict[int, float] = {take[i]: -1.0}
        paid = pay_columns.get(i, [])
        for number, class_ranks in enumerate(member_ranks[i]):
            in_class: dict[int, float] = {}
            for place, value in enumerate(class_ranks):
                column = cols.add(f"member[{label}#{number}.{place}]", integer=False)
                ranks[column] = float(value)
                in_class[column] = 1.0
            in_group |= in_class
            payers = [col for col in (paid[number] if number < len(paid) else ()) if col is not None]
            if payers:
                rows.append(
                    Row(
                        f"members_paid[{label}#{number}]", in_class | {col: -1.0 for col in payers}, lower=0.0
                    )
                )
        rows.append(Row(f"members[{label}]", in_group, lower=0.0, upper=0.0))
    return ranks


def _credential_rows(
    inp: PlanInput,
    need: CredentialNeed,
    cols: _Columns,
    rows: list[Row],
    take: dict[int, int],
    many: list[int],
) -> None:
    cid = need.credential_id
    cap = INF if need.other_cap is None else float(need.other_cap)
    approved: dict[str, dict[int, float]] = {k: {} for k in need.areas}
    other: dict[str, dict[int, float]] = {k: {} for k in need.areas}
    copies_of: dict[int, int] = {}  # credit column → copies it counts up to
    outside: dict[str, int] = {}
    card_columns: dict[int, float] = {}
    for i, course in enumerate(inp.courses):
        credit = course.credit_for(cid)
        if credit is None:
            continue
        column = take[i]
        if credit.cpr_card and need.cpr_cards_left is not None:
            column = cols.add(f"{cid}:card_counts[{_label(course)}]", upper=many[i])
            card_columns[column] = 1.0
            rows.append(Row(f"{cid}:card_taken[{_label(course)}]", {column: 1.0, take[i]: -1.0}, upper=0.0))
        copies_of[column] = many[i]
        for area, amount in credit.approved.items():
            approved.setdefault(area, {})[column] = float(amount)
        for area, amount in credit.other.items():
            other.setdefault(area, {})[column] = float(amount)
    for k in need.areas:  # bounded by the outside credit there is (a finite bound keeps LP bounds exact)
        available = float(need.earned_other.get(k, ZERO))
        available += sum(v * copies_of[col] for col, v in other[k].items())
        outside[k] = cols.add(f"{cid}:outside[{k}]", upper=min(cap, available), integer=False)
    if card_columns:
        rows.append(Row(f"{cid}:cpr_card_limit", card_columns, upper=float(need.cpr_cards_left or 0)))
    earned_approved = sum((need.earned_approved.get(k, ZERO) for k in need.areas), ZERO)
    for k in need.areas:
        coefs = {col: -v for col, v in other[k].items()} | {outside[k]: 1.0}
        rows.append(Row(f"{cid}:outside_available[{k}]", coefs, upper=float(need.earned_other.get(k, ZERO))))
        gap = need.area_minimums.get(k, ZERO) - need.earned_approved.get(k, ZERO)
        if gap > 0:
            rows.append(Row(f"{cid}:area_minimum[{k}]", approved[k] | {outside[k]: 1.0}, lower=float(gap)))
    if need.other_cap is not None:
        rows.append(Row(f"{cid}:outside_cap", {col: 1.0 for col in outside.values()}, upper=cap))
    all_approved: dict[int, float] = {}
    for k in need.areas:
        for col, v in approved[k].items():
            all_approved[col] = all_approved.get(col, 0.0) + v
    if need.approved_minimum - earned_approved > 0:
        rows.append(
            Row(
                f"{cid}:approved_minimum",
                dict(all_approved),
                lower=float(need.approved_minimum - earned_approved),
            )
        )
    if need.total_required - earned_approved > 0:
        coefs = all_approved | {col: 1.0 for col in outside.values()}
        rows.append(Row(f"{cid}:total_required", coefs, lower=float(need.total_required - earned_approved)))


def _limit_rows(inp: PlanInput, cols: _Columns, rows: list[Row], take: dict[int, int]) -> None:
    for i, course in enumerate(inp.courses):
        if course.key in inp.limits.include:
            rows.append(Row(f"include[{_label(course)}]", {take[i]: 1.0}, lower=1.0))
    if inp.limits.budget_cents is not None:
        coefs = {j: cost for j, cost in enumerate(cols.cost) if cost}
        rows.append(Row("budget", coefs, upper=float(inp.limits.budget_cents)))
    if inp.limits.max_hours is not None:
        coefs = {take[i]: float(c.hours) for i, c in enumerate(inp.courses)}
        rows.append(Row("max_hours", coefs, upper=float(inp.limits.max_hours)))
