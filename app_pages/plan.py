"""Plan page: limits, a button, the cheapest plan that meets every held credential — and why."""

from __future__ import annotations

from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from recert import ui
from recommender.planner.model import PlanResult
from recommender.rules.profile import Profile

st.title("Your cheapest plan")


def limits_form(profile: Profile) -> ui.PlanLimits:
    """The profile's limits (edited here, saved to the profile) and how many alternatives to show."""
    ui.limits_inputs("plan")
    alternatives = st.number_input(
        "Alternatives to show", min_value=0, max_value=3, value=2, step=1, key="plan_alternatives"
    )
    return replace(ui.profile_limits(profile), alternatives=int(alternatives))


def credit_lines(credit: str) -> str:
    """A plan row's credit as markdown lines (text escaped): each credential's part on a line, and the
    split by area under its total — "5 points (1 administrative, 4 general)" becomes "5 points" over
    "(1 administrative, 4 general)" — so a phone-width cell wraps between them instead of cutting."""
    lines = []
    for part in credit.split("; "):
        total, _, areas = part.rpartition(" (")
        lines += [total, f"({areas}"] if part.endswith(")") and total else [part]
    return "  \n".join(ui.md_escape(line) for line in lines)


def courses_table(result: PlanResult) -> pd.DataFrame:
    """One row per planned course, as markdown (every text escaped, links http(s) only): the course — its
    title, and under it provider, hours and how it is paid — what you pay, the credit it gives and, with
    two credentials or more, whether it counts for all. Few columns, so at 390 px all of them fit and the
    title wraps in a wide enough cell. The words are `recert plan`'s (``recert.plan_output.plan_rows``)."""
    both = ui.counts_for_all_header(len(result.credentials))
    offer_names = {(o.provider, o.offer_id): o.name for o in result.offers}
    rows = []
    for course, words in zip(result.courses, ui.plan_rows(result), strict=False):
        details = f"{words.provider} · {ui.hours(course.hours)} · {ui.how_paid(course, offer_names)}"
        row = {
            "Course": f"{ui.md_link(course.url, words.what)}  \n{ui.md_escape(details)}",
            "You pay": ui.money(course.price_paid),
            "Credit it gives": credit_lines(words.credit),
        }
        if both:
            row[both] = ui.md_escape(words.counts_for_all)
        rows.append(row)
    return pd.DataFrame(rows)


def show_courses(result: PlanResult) -> None:
    """The plan's courses as a static table whose cells wrap (``st.table``: text in the page, not drawn
    on a canvas like ``st.dataframe``'s grid, which cut the credit after its total at 390 px)."""
    st.subheader("Courses to take")
    st.table(courses_table(result), hide_index=True, border="horizontal")
    if result.offers:
        st.subheader("Subscriptions and memberships to buy")
        offers = pd.DataFrame(
            [
                {
                    "Offer": ui.md_escape(o.name),
                    "Price": ui.money(o.price),
                    "Provider": ui.md_escape(ui.provider_name(o.provider)),
                    "Kind": o.kind.capitalize(),
                }
                for o in result.offers
            ]
        )
        st.table(offers, hide_index=True, border="horizontal")


def show_totals(result: PlanResult) -> None:
    columns = st.columns(2 + len(result.credentials))
    columns[0].metric("Total cost", ui.money(result.total_cost))
    columns[1].metric("Hours of study", ui.hours(result.total_hours))
    for column, totals in zip(columns[2:], result.credentials, strict=False):
        column.metric(totals.name, ui.per_credit(totals.cost_per_credit, ui.unit_word(totals.unit)))


def coverage_chart(result: PlanResult, profile: Profile) -> None:
    """Credit per area — earned already and from this plan — against each area's minimum. Areas run down
    the side, so every label stays readable on a phone."""
    frame = ui.coverage_frame(result, profile)
    if frame.empty:
        return
    st.subheader("Coverage per area")
    for name, rows in frame.groupby("credential", sort=False):
        base = alt.Chart(rows).encode(
            y=alt.Y("area:N", title=None, axis=alt.Axis(labelLimit=0, labelOverlap=False))
        )
        bars = base.mark_bar().encode(
            x=alt.X("sum(counted):Q", title=f"{name}: credit counted"),
            color=alt.Color(
                "source:N",
                title="From",
                sort=["earned already", "this plan"],
                scale=alt.Scale(range=["#9ecae1", "#3182bd"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["area", "source", alt.Tooltip("counted:Q", format=".2f")],
        )
        required = (
            base.transform_filter("datum.required > 0")
            .mark_tick(color="#d62728", thickness=3)
            .encode(x="max(required):Q", tooltip=[alt.Tooltip("max(required):Q", title="required")])
        )
        st.altair_chart(bars + required, key=f"plan_coverage_{name}")
    st.caption("Red marks: the minimum each area needs.")


def show_alternatives(result: PlanResult) -> None:
    """The other plans — each differs in cost, hours, providers or formats — side by side; plans as cheap
    that only swap a course for an equal one are counted in a line."""
    if not result.alternatives and not result.same_cost_plans:
        return
    st.subheader("Alternatives")
    if result.same_cost_plans:
        st.caption(ui.md_escape(result.same_cost_words))
    for start in range(0, len(result.alternatives), 3):
        for column, alternative in zip(st.columns(3), result.alternatives[start : start + 3], strict=False):
            box = column.container(border=True)
            delta = alternative.total_cost - result.total_cost
            box.metric(
                ui.alternative_label(alternative.name),
                ui.money(alternative.total_cost),
                f"{'+' if delta > 0 else ''}{ui.money(delta)} vs this plan" if delta else "same cost",
                delta_color="inverse" if delta else "off",
            )
            box.text(f"{ui.hours(alternative.hours)} of study\n{alternative.changes}")


def show_explanations(result: PlanResult) -> None:
    savings, reasons = ui.split_explanations(result)
    if savings:
        st.subheader("What subscriptions and memberships save")
        st.text("\n".join(f"• {line}" for line in savings))
    if reasons:
        st.subheader("Why this plan")
        st.text("\n".join(f"• {line}" for line in reasons))
    if result.notes:
        with st.expander("Courses left out and other notes"):
            st.text("\n".join(f"• {line}" for line in result.notes))


def show_downloads(result: PlanResult, profile: Profile) -> None:
    """The plan to print (PDF, as `recert plan --format pdf`), and as CSV and JSON."""
    pdf, left, right = st.columns(3)
    pdf.download_button(
        "Download the plan to print (PDF)",
        data=ui.plan_pdf_bytes(result, profile),
        file_name="recert-plan.pdf",
        mime="application/pdf",
        key="plan_download_pdf",
        type="primary",
    )
    left.download_button(
        "Download the plan (CSV)",
        data=ui.plan_csv(result),
        file_name="recert-plan.csv",
        mime="text/csv",
        key="plan_download_csv",
    )
    right.download_button(
        "Download the plan (JSON)",
        data=ui.plan_json(result),
        file_name="recert-plan.json",
        mime="application/json",
        key="plan_download_json",
    )


def show_infeasible(result: PlanResult, advice: list[str]) -> None:
    st.error("No plan can meet your requirements with these limits.", icon=":material/error:")
    st.subheader("Why not")
    st.text("\n".join(f"• {reason.message}" for reason in result.reasons) or "• The solver found none.")
    if advice:
        st.subheader("What would make it possible")
        st.text("\n".join(f"• {line}" for line in advice))


def show_result(result: PlanResult, profile: Profile, advice: list[str]) -> None:
    if result.status is ui.PlanStatus.INFEASIBLE:
        show_infeasible(result, advice)
        ui.added_courses(result, "plan_added")  # one of them may be what makes a plan impossible
        return
    if result.status is ui.PlanStatus.TIME_LIMIT:
        st.warning("The search hit its time limit: this plan is good but may not be the cheapest.")
    else:
        added = sum(course.added for course in result.courses)
        holding = {0: "", 1: " with the course you added"}.get(added, f" with the {added} courses you added")
        st.success(
            f"Cheapest plan found{holding}: {ui.money(result.total_cost)}.", icon=":material/check_circle:"
        )
    show_totals(result)
    show_courses(result)
    ui.added_courses(result, "plan_added")
    if result.courses:
        st.subheader("Done one of these?")
        ui.mark_done(result.courses, "plan_done")
    coverage_chart(result, profile)
    show_alternatives(result)
    show_explanations(result)
    show_downloads(result, profile)


def main() -> None:
    profile = ui.current_profile()
    if profile is None or not profile.credentials:
        st.info(
            "First tell Recert which credentials you hold on **My credentials**, "
            "or start from the example profile."
        )
        if st.button("Use the example profile", key="plan_use_example"):
            ui.use_example_profile()
            st.rerun()
        return
    st.caption("Planning for: " + ui.md_escape(ui.profile_summary(profile)))
    limits = limits_form(profile)
    asked = ui.plan_signature(limits)
    made = st.session_state.get("plan_result")
    pressed = st.button("Make my plan", type="primary", key="plan_make")
    # Once a plan is made, it follows the profile: a change (a course marked done, a new limit) remakes it.
    if pressed or (made is not None and made[0] != asked):
        # A plan this session already made for these very inputs (e.g. after an undo) is shown at once.
        made = ui.remembered_plan(asked) or make(profile, limits, asked)
    st.session_state["plan_result"] = made
    if made is None:
        return
    _, result, advice = made
    show_result(result, profile, advice)


def make(profile: Profile, limits: ui.PlanLimits, asked: str) -> tuple[str, PlanResult, list[str]]:
    """Make the plan (and, when none is possible, the advice) and remember it with its signature."""
    with st.spinner("Finding the cheapest plan…"):
        result = ui.make_plan(profile, limits)
        advice = ui.what_would_help(result, limits) if result.status is ui.PlanStatus.INFEASIBLE else []
    made = (asked, result, advice)
    ui.remember_plan(made)
    return made


with ui.page_guard("the plan"):
    main()
