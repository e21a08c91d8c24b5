"""Plan page: limits, a button, the cheapest plan that meets every held credential — and why."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from recert import ui
from recommender.planner.model import PlanResult
from recommender.rules.profile import Profile

st.title("Your cheapest plan")


def limits_form(profile: Profile) -> ui.PlanLimits:
    """Budget, hours, formats and providers; starts from the profile's own limits."""
    choices = ui.catalog_choices()
    limits = ui.profile_limits(profile)
    left, middle, right = st.columns(3)
    budget = left.number_input(
        "Budget (USD, 0 = no limit)",
        min_value=0.0,
        step=10.0,
        value=float(limits.budget or 0),
        key="plan_budget",
    )
    max_hours = middle.number_input(
        "Most hours of study (0 = no limit)",
        min_value=0.0,
        value=float(limits.max_hours or 0),
        key="plan_max_hours",
    )
    alternatives = right.number_input(
        "Alternatives to show", min_value=0, max_value=3, value=2, step=1, key="plan_alternatives"
    )
    formats = left.multiselect(
        "Formats (none chosen = any)",
        options=choices.formats,
        default=[f for f in limits.formats if f in choices.formats],
        format_func=ui.format_label,
        key="plan_formats",
    )
    avoid = middle.multiselect(
        "Providers to avoid",
        options=choices.providers,
        default=[p for p in limits.avoid_providers if p in choices.providers],
        key="plan_avoid",
    )
    inferred = right.checkbox(
        "Count courses by their inferred content area",
        value=limits.allow_inferred,
        help="Some courses don't state their area; Recert can guess it. Your certifying body decides.",
        key="plan_inferred",
    )
    return ui.PlanLimits(
        budget=ui.decimal_or_none(budget),
        max_hours=ui.decimal_or_none(max_hours),
        formats=tuple(formats),
        avoid_providers=tuple(avoid),
        allow_inferred=bool(inferred),
        alternatives=int(alternatives),
    )


def courses_table(result: PlanResult, linked: bool) -> pd.DataFrame:
    names = ui.credential_names()
    offers = ui.offer_names()
    rows = []
    for course in result.courses:
        rows.append(
            {
                "Course": ui.titled_link(course.url, course.title) if linked else course.title,
                "Provider": course.provider,
                "Hours": float(course.hours),
                "You pay": float(course.price_paid),
                "How": ui.how_paid(course, offers),
                "Counts toward": ui.credit_summary(course.credits, names),
            }
        )
    return pd.DataFrame(rows)


def show_courses(result: PlanResult) -> None:
    st.subheader("Courses to take")
    linked = all(ui.safe_url(course.url) for course in result.courses)
    st.dataframe(
        ui.for_people(courses_table(result, linked), dollars=("You pay",), contact_hours=("Hours",)),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(result.courses), 900),
        key="plan_courses",
        column_config={"Course": ui.link_column("Course", width="large") if linked else None},
    )
    if result.offers:
        st.subheader("Subscriptions and memberships to buy")
        offers = pd.DataFrame(
            [
                {"Offer": o.name, "Provider": o.provider, "Kind": o.kind, "Price": float(o.price)}
                for o in result.offers
            ]
        )
        st.dataframe(ui.for_people(offers, dollars=("Price",)), hide_index=True, key="plan_offers")


def show_totals(result: PlanResult) -> None:
    columns = st.columns(2 + len(result.credentials))
    columns[0].metric("Total cost", ui.money(result.total_cost))
    columns[1].metric("Hours of study", ui.hours(result.total_hours))
    for column, totals in zip(columns[2:], result.credentials, strict=False):
        column.metric(totals.name, ui.per_credit(totals.cost_per_credit, ui.unit_word(totals.unit)))


def coverage_chart(result: PlanResult, profile: Profile) -> None:
    """Credit per area — earned already and from this plan — against each area's minimum."""
    frame = ui.coverage_frame(result, profile)
    if frame.empty:
        return
    st.subheader("Coverage per area")
    for name, rows in frame.groupby("credential", sort=False):
        base = alt.Chart(rows).encode(x=alt.X("area:N", title=None, axis=alt.Axis(labelAngle=0)))
        bars = base.mark_bar().encode(
            y=alt.Y("sum(counted):Q", title=f"{name}: credit counted"),
            color=alt.Color(
                "source:N",
                title="From",
                sort=["earned already", "this plan"],
                scale=alt.Scale(range=["#9ecae1", "#3182bd"]),
            ),
            tooltip=["area", "source", alt.Tooltip("counted:Q", format=".2f")],
        )
        required = (
            base.transform_filter("datum.required > 0")
            .mark_tick(color="#d62728", thickness=3, size=60)
            .encode(y="max(required):Q", tooltip=[alt.Tooltip("max(required):Q", title="required")])
        )
        st.altair_chart(bars + required, key=f"plan_coverage_{name}")
    st.caption("Red marks: the minimum each area needs.")


def show_alternatives(result: PlanResult) -> None:
    """The other plans side by side, three to a row, each with what it changes; alternatives that are
    this very plan (e.g. it is also the fewest-hours plan) are named in one line instead."""
    same, different = ui.split_alternatives(result)
    if not result.alternatives:
        return
    st.subheader("Alternatives")
    if same:
        labels = [ui.alternative_label(alternative.name) for alternative in same]
        names = ", ".join(label[:1].lower() + label[1:] for label in labels)
        st.caption(f"This plan is also the {ui.md_escape(names)} plan.")
    for start in range(0, len(different), 3):
        for column, alternative in zip(st.columns(3), different[start : start + 3], strict=False):
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


def show_downloads(result: PlanResult) -> None:
    left, right = st.columns(2)
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
        return
    if result.status is ui.PlanStatus.TIME_LIMIT:
        st.warning("The search hit its time limit: this plan is good but may not be the cheapest.")
    else:
        st.success(f"Cheapest plan found: {ui.money(result.total_cost)}.", icon=":material/check_circle:")
    show_totals(result)
    show_courses(result)
    coverage_chart(result, profile)
    show_alternatives(result)
    show_explanations(result)
    show_downloads(result)


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
    if st.button("Make my plan", type="primary", key="plan_make"):
        with st.spinner("Finding the cheapest plan…"):
            result = ui.make_plan(profile, limits)
            advice = ui.what_would_help(result, limits) if result.status is ui.PlanStatus.INFEASIBLE else []
            st.session_state["plan_result"] = (asked, result, advice)
    made = st.session_state.get("plan_result")
    if made is None:
        return
    signature, result, advice = made
    if signature != asked:
        st.info("Your profile or limits changed: press **Make my plan** for a plan that reflects them.")
        return
    show_result(result, profile, advice)


with ui.page_guard("the plan"):
    main()
