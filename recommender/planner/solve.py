"""Running HiGHS on the model; solver statuses become domain results here and nowhere else.

All objectives are integer-valued (cents, hundredths of an hour, ranks), so an absolute gap below one
unit proves optimality exactly; ``time_limit`` always bounds a run (seconds).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace

import highspy
import numpy as np
import numpy.typing as npt

from recommender.planner.build import Matrix, MilpModel, Row, rowwise
from recommender.planner.model import PlanStatus

ABSOLUTE_GAP = 0.5  # objectives are whole units: a gap under 1 proves optimality
INF = np.inf
LP_SCALE = 100.0  # largest LP objective coefficient handed to HiGHS


@dataclass(frozen=True)
class Outcome:
    """How the run ended; ``values`` holds the best solution found, if any."""

    status: PlanStatus
    values: npt.NDArray[np.float64] | None
    objective: float | None


def _quiet_highs(absolute_gap: float) -> highspy.Highs:
    """A Highs instance; its one-time banner goes to C stdout, so keep it off our JSON output."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", absolute_gap)
    highs.setOptionValue("threads", 1)
    return highs


@dataclass(frozen=True)
class LpBound:
    """A proven lower bound on the objective over the LP relaxation and the reduced costs behind it.

    ``lower`` is recomputed from the row duals with the column and row bounds (a Lagrangian bound), so it
    stays a valid bound even when the LP solver's duals are slightly off; ``reduced`` are the matching
    reduced costs, ``column_lower``/``column_upper`` the column bounds the LP had.
    """

    lower: float
    reduced: npt.NDArray[np.float64]
    column_lower: npt.NDArray[np.float64]
    column_upper: npt.NDArray[np.float64]
    values: npt.NDArray[np.float64] | None = None  # the LP solution

    def at_one(self) -> npt.NDArray[np.float64]:
        """Per column: a lower bound on the objective of any solution with that column at 1 or more
        (+inf when its bounds forbid it); for a counted column the least of d·k over k = max(l, 1) … u."""
        d = self.reduced
        without = self.lower - np.minimum(d * self.column_lower, d * self.column_upper)
        least = np.minimum(d * np.maximum(self.column_lower, 1.0), d * self.column_upper)
        return np.where(self.column_upper >= 1.0, without + least, np.inf)


class Solver:
    """One HiGHS model that can change objective, gain rows and fix columns between solves.

    ``relax``: solve the LP relaxation (every column continuous) instead of the MILP.
    """

    def __init__(
        self,
        model: MilpModel,
        *,
        absolute_gap: float = ABSOLUTE_GAP,
        skip_rows: frozenset[str] = frozenset(),
        relax: bool = False,
    ):
        self.model = model
        self.relax = relax
        self.scale = 1.0
        self.rows = [row for row in model.rows if row.name not in skip_rows]
        self.lower = model.lower.copy()
        self.upper = model.upper.copy()
        self.highs = _quiet_highs(absolute_gap)
        lp = highspy.HighsLp()
        n = len(model.col_names)
        lp.num_col_ = n
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = model.cost.copy()
        lp.col_lower_ = self.lower.copy()
        lp.col_upper_ = self.upper.copy()
        self.row_lower = np.array([row.lower for row in self.rows], dtype=np.float64)
        self.row_upper = np.array([row.upper for row in self.rows], dtype=np.float64)
        lp.row_lower_ = self.row_lower.copy()
        lp.row_upper_ = self.row_upper.copy()
        self.matrix = model.matrix() if not skip_rows else rowwise(self.rows)
        starts, index, value = self.matrix
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = index
        lp.a_matrix_.value_ = value
        if not relax:
            lp.integrality_ = [
                highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
                for flag in model.integer
            ]
        self.highs.passModel(lp)
        self.objective = model.cost

    def set_objective(self, objective: npt.NDArray[np.float64]) -> None:
        """Minimise ``objective``; a relaxed solver hands HiGHS a copy scaled to at most
        ``LP_SCALE`` (simplex is much slower on costs near 1e6); duals are scaled back."""
        n = len(objective)
        largest = float(np.abs(objective).max()) if n else 0.0
        self.scale = largest / LP_SCALE if self.relax and largest > LP_SCALE else 1.0
        scaled = objective.astype(np.float64) / self.scale
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), scaled)
        self.objective = objective

    def add_row(self, row: Row) -> None:
        self.add_rows([row])

    def add_rows(self, rows: list[Row]) -> None:
        if not rows:
            return
        self.rows.extend(rows)
        starts, index, value = rowwise(rows)
        old_starts, old_index, old_value = self.matrix
        self.matrix = (
            np.concatenate([old_starts, starts[1:] + old_starts[-1]]).astype(np.int32),
            np.concatenate([old_index, index]),
            np.concatenate([old_value, value]),
        )
        lower = np.array([row.lower for row in rows], dtype=np.float64)
        upper = np.array([row.upper for row in rows], dtype=np.float64)
        self.row_lower = np.concatenate([self.row_lower, lower])
        self.row_upper = np.concatenate([self.row_upper, upper])
        self.highs.addRows(len(rows), lower, upper, len(index), starts[:-1], index, value)

    def set_bounds(self, columns: list[int], lower: float, upper: float) -> None:
        if not columns:
            return
        self.lower[columns] = lower
        self.upper[columns] = upper
        self.highs.changeColsBounds(
            len(columns),
            np.array(columns, dtype=np.int32),
            np.full(len(columns), lower),
            np.full(len(columns), upper),
        )

    def solve(self, time_limit: float) -> Outcome:
        """Solve the current model within ``time_limit`` seconds and map HiGHS's status to ours."""
        self.highs.setOptionValue("time_limit", max(0.05, float(time_limit)))
        self.highs.run()
        status = self.highs.getModelStatus()
        has_solution = self.highs.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.array(self.highs.getSolution().col_value) if has_solution else None
        objective = float(self.highs.getInfo().objective_function_value) if has_solution else None
        if status == highspy.HighsModelStatus.kOptimal:
            return Outcome(PlanStatus.OPTIMAL, values, objective)
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return Outcome(PlanStatus.INFEASIBLE, None, None)
        return Outcome(PlanStatus.TIME_LIMIT, values, objective)

    def lp_bound(self, time_limit: float) -> LpBound | None:
        """Solve the (relaxed) model and derive a safe lower bound from its duals; None when the LP is
        infeasible (so is every integer plan). Meant for a ``relax=True`` solver."""
        self.highs.setOptionValue("time_limit", max(0.05, float(time_limit)))
        self.highs.run()
        status = self.highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            return LpBound(-INF, np.zeros(len(self.lower)), self.lower.copy(), self.upper.copy())
        solution = self.highs.getSolution()
        duals = np.array(solution.row_dual, dtype=np.float64) * self.scale
        rows = (self.row_lower, self.row_upper)
        bound = lagrangian_bound(rows, self.matrix, self.lower, self.upper, self.objective, duals)
        return replace(bound, values=np.array(solution.col_value, dtype=np.float64))


def lagrangian_bound(
    rows: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    matrix: Matrix,
    lower: npt.NDArray[np.float64],
    upper: npt.NDArray[np.float64],
    objective: npt.NDArray[np.float64],
    duals: npt.NDArray[np.float64],
) -> LpBound:
    """For any row multipliers y: c·x = y·Ax + (c − Aᵀy)·x ≥ Σ_i y_i·(L_i if y_i > 0 else U_i) +
    Σ_j min(d_j·l_j, d_j·u_j), ``rows`` = (L, U). Multipliers whose row side is unbounded are set to 0
    first."""
    row_lower, row_upper = rows
    y = duals.copy()
    y[(y > 0) & ~np.isfinite(row_lower)] = 0.0
    y[(y < 0) & ~np.isfinite(row_upper)] = 0.0
    starts, index, value = matrix
    per_row = np.repeat(y, np.diff(starts))
    reduced = objective - np.bincount(index, weights=value * per_row, minlength=len(objective))
    row_part = np.where(y > 0, y * np.where(y > 0, row_lower, 0.0), y * np.where(y < 0, row_upper, 0.0))
    col_part = np.minimum(reduced * lower, reduced * upper)
    return LpBound(float(row_part.sum() + col_part.sum()), reduced, lower.copy(), upper.copy())
