"""Running HiGHS on the model; solver statuses become domain results here and nowhere else.

All objectives are integer-valued (cents, hundredths of an hour, ranks), so an absolute gap below one
unit proves optimality exactly; ``time_limit`` always bounds a run (seconds).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

from recommender.planner.build import MilpModel, Row

OPTIMAL = "optimal"
INFEASIBLE = "infeasible"
TIME_LIMIT = "time_limit"
ABSOLUTE_GAP = 0.5  # objectives are whole units: a gap under 1 proves optimality


@dataclass(frozen=True)
class Outcome:
    """``status`` is optimal | infeasible | time_limit; ``values`` holds the best solution found, if any."""

    status: str
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


class Solver:
    """One HiGHS model that can change objective, gain rows and fix columns between solves."""

    def __init__(
        self, model: MilpModel, *, absolute_gap: float = ABSOLUTE_GAP, skip_rows: frozenset[str] = frozenset()
    ):
        self.model = model
        self.rows = [row for row in model.rows if row.name not in skip_rows]
        self.highs = _quiet_highs(absolute_gap)
        lp = highspy.HighsLp()
        n = len(model.col_names)
        lp.num_col_ = n
        lp.num_row_ = len(self.rows)
        lp.col_cost_ = model.cost.copy()
        lp.col_lower_ = model.lower.copy()
        lp.col_upper_ = model.upper.copy()
        lp.row_lower_ = np.array([row.lower for row in self.rows], dtype=np.float64)
        lp.row_upper_ = np.array([row.upper for row in self.rows], dtype=np.float64)
        starts = [0]
        index: list[int] = []
        value: list[float] = []
        for row in self.rows:
            for col, coef in sorted(row.coefs.items()):
                index.append(col)
                value.append(coef)
            starts.append(len(index))
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in model.integer
        ]
        self.highs.passModel(lp)
        self.objective = model.cost

    def set_objective(self, objective: npt.NDArray[np.float64]) -> None:
        n = len(objective)
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), objective.astype(np.float64))
        self.objective = objective

    def add_row(self, row: Row) -> None:
        self.rows.append(row)
        cols = sorted(row.coefs)
        self.highs.addRow(
            row.lower,
            row.upper,
            len(cols),
            np.array(cols, dtype=np.int32),
            np.array([row.coefs[c] for c in cols], dtype=np.float64),
        )

    def fix_columns(self, columns: list[int], value: float) -> None:
        if not columns:
            return
        values = np.full(len(columns), value)
        self.highs.changeColsBounds(len(columns), np.array(columns, dtype=np.int32), values, values)

    def solve(self, time_limit: float) -> Outcome:
        """Solve the current model within ``time_limit`` seconds and map HiGHS's status to ours."""
        self.highs.setOptionValue("time_limit", max(0.05, float(time_limit)))
        self.highs.run()
        status = self.highs.getModelStatus()
        has_solution = self.highs.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.array(self.highs.getSolution().col_value) if has_solution else None
        objective = float(self.highs.getInfo().objective_function_value) if has_solution else None
        if status == highspy.HighsModelStatus.kOptimal:
            return Outcome(OPTIMAL, values, objective)
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return Outcome(INFEASIBLE, None, None)
        return Outcome(TIME_LIMIT, values, objective)
