"""Schedule page: the cheapest plan spread over the months before each apply-by date, as a timeline of
credit against what is required, the courses by month, and a calendar (.ics) to import."""

from __future__ import annotations

from datetime import date

import altair as alt
import streamlit as st

from recert import ui
from recert.ui import schedule as pacing
from recommender.planner.schedule import Schedule

st.title("Your schedule")


def pace_form() -> pacing.PaceChoice:
    """Hours and dollars a month, and the first day; 0 means an even pace / no budget limit."""
    left, middle, right = st.columns(3)
    hours = left.number_input(
        "Hours of study a month (0 = an even pace)",
        min_value=0.0,
        step=1.0,
        value=0.0,
        key="schedule_hours",
    )
    budget = middle.number_input(
        "Budget a month (USD, 0 = no limit)", min_value=0.0, step=10.0, value=0.0, key="schedule_budget"
    )
    start = right.date_input(
        "Start on", value=date.today(), min_value=date.today(), format="YYYY-MM-DD", key="schedule_start"
    )
    return pacing.PaceChoice(ui.decimal_or_none(hours), ui.decimal_or_none(budget), start)


def deadlines(found: Schedule) -> None:
    for deadline in found.deadlines:
        columns = st.columns(3)
        columns[0].metric(f"{deadline.name}: apply by", deadline.apply_by.isoformat())
        columns[1].metric("Cycle ends", deadline.cycle_end.isoformat() if deadline.cycle_end else "—")
        columns[2].metric("Late window ends", deadline.late_until.isoformat() if deadline.late_until else "—")


def timeline(found: Schedule) -> None:
    """Credit counted at each month's end (line) against the total required (dashed), deadlines as rules."""
    credit = pacing.credit_frame(found)
    marks = pacing.deadline_frame(found)
    st.subheader("Credit over time")
    for name, rows in credit.groupby("credential", sort=False):
        base = alt.Chart(rows).encode(x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %Y")))
        counted = base.mark_line(point=True).encode(
            y=alt.Y("counted:Q", title=f"{name}: credit counted"),
            tooltip=[alt.Tooltip("month:T", format="%B %Y"), alt.Tooltip("counted:Q", format=".1f")],
        )
        required = base.mark_line(strokeDash=[6, 4], color="#d62728").encode(y="required:Q")
        dated = marks[marks["credential"] == name]
        rules = (
            alt.Chart(dated)
            .mark_rule(strokeWidth=2)
            .encode(
                x="day:T",
                color=alt.Color(
                    "what:N", title="Deadline", scale=alt.Scale(range=["#ff7f0e", "#7f7f7f", "#000"])
                ),
                tooltip=["what", alt.Tooltip("day:T", format="%Y-%m-%d")],
            )
        )
        # below the chart, one deadline a line: the timeline keeps its width on a phone
        chart = (counted + required + rules).configure_legend(orient="bottom", columns=1)
        st.altair_chart(chart, key=f"schedule_timeline_{name}")
    st.caption("Line: credit counted by the end of each month. Dashed red: the total required.")


def courses(found: Schedule) -> None:
    st.subheader("Courses by month")
    table = pacing.courses_frame(found)
    st.dataframe(
        ui.for_people(table, dollars=("You pay",), contact_hours=("Hours",)),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(table), 900),
        key="schedule_courses",
    )
    cost = f"Cost: {ui.money(found.cost)}"
    if found.extra_costs:
        cost += f" — the plan's {ui.money(found.plan_cost)} plus:"
        st.warning(cost + " " + "; ".join(ui.md_escape(why) for why, _ in found.extra_costs))
    else:
        st.caption(cost + " (the plan's cost).")


def infeasible(found: Schedule) -> None:
    st.error("This pace cannot fit your plan.", icon=":material/error:")
    st.text("\n".join(f"• {problem}" for problem in found.problems))
    st.subheader("What would make it fit")
    st.text("\n".join(f"• {change}" for change in found.changes))


def main() -> None:
    profile = ui.current_profile()
    if profile is None or not profile.credentials:
        st.info("First tell Recert which credentials you hold on **My credentials**, or use the example.")
        if st.button("Use the example profile", key="schedule_use_example"):
            ui.use_example_profile()
            st.rerun()
        return
    st.caption("Scheduling for: " + ui.md_escape(ui.profile_summary(profile)))
    choice = pace_form()
    today = date.today()
    asked = pacing.signature(choice)
    if st.button("Make my schedule", type="primary", key="schedule_make"):
        with st.spinner("Finding the cheapest plan and a pace for it…"):
            st.session_state["schedule_result"] = (asked, pacing.make_schedule(profile, choice, today))
    made = st.session_state.get("schedule_result")
    if made is None:
        return
    signature, planned = made
    if signature != asked:
        st.info("Your profile or pace changed: press **Make my schedule** for a schedule that reflects them.")
        return
    if planned.schedule is None:
        reasons = "; ".join(reason.message for reason in planned.plan.reasons)
        st.error("No plan can meet your requirements: " + ui.md_escape(reasons))
        return
    found = planned.schedule
    if not found.feasible:
        infeasible(found)
        return
    deadlines(found)
    for note in found.notes:
        st.caption(ui.md_escape(note))
    timeline(found)
    courses(found)
    st.download_button(
        "Download the calendar (.ics)",
        data=pacing.calendar_file(found, today),
        file_name="recert-schedule.ics",
        mime="text/calendar",
        key="schedule_download_ics",
    )


with ui.page_guard("the schedule"):
    main()
