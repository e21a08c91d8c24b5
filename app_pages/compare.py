"""Compare page: cost per credit by provider and area, when offers pay for themselves, price history."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from recert import ui
from recert.words import area_name, provider_name

st.title("Compare cost per credit")


def cost_chart(bodies: list[str]) -> None:
    body = st.selectbox(
        "Credits of",
        options=bodies,
        index=bodies.index(ui.DEFAULT_BODY) if ui.DEFAULT_BODY in bodies else 0,
        key="compare_body",
    )
    frame = ui.cost_per_credit_by_provider(body)
    if frame.empty:
        st.info(f"No priced course in the catalog carries {ui.md_escape(body)} credit.")
        return
    frame = frame.assign(provider=frame["provider"].map(provider_name), area=frame["area"].map(area_name))
    # Horizontal bars: every provider's name gets its own row (split at " — " onto two lines), so no
    # label is dropped or cut on a phone; the legend goes below the chart.
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(
                "provider:N",
                title=None,
                axis=alt.Axis(labelExpr="split(datum.label, ' — ')", labelLimit=0),
            ),
            yOffset="area:N",
            x=alt.X("median:Q", title=f"Median $ per {body} credit"),
            color=alt.Color(
                "area:N",
                title="Content area",
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
            tooltip=[
                alt.Tooltip("provider:N", title="provider"),
                alt.Tooltip("area:N", title="content area"),
                alt.Tooltip("median:Q", title="median $ per credit", format="$.2f"),
                alt.Tooltip("courses:Q", title="courses"),
            ],
        )
    )
    st.altair_chart(chart, key="compare_cost_chart")
    st.caption(
        "List prices of courses priced in US dollars (other currencies are left out); courses free to "
        "everyone count as $0. Memberships and subscriptions below."
    )


def break_even_section() -> None:
    st.header("Do subscriptions and memberships pay off?")
    offers = ui.break_even()
    if not offers:
        st.info("The catalog lists no subscriptions, memberships or bundles.")
        return
    st.text("\n".join(offer.sentence for offer in offers))
    st.caption("Typical saving: the median saving on the courses an offer covers, against their list prices.")
    table = pd.DataFrame(
        [
            {
                "Offer": offer.offer,
                "Provider": provider_name(offer.provider),
                "Kind": offer.kind.capitalize(),
                "Price": ui.money_in(offer.price, offer.currency),
                "Courses it covers": offer.courses,
                "Typical saving": ui.money_in(offer.typical_saving, offer.currency)
                if offer.typical_saving is not None
                else "saves nothing",
                "Pays for itself after": ui.plural(offer.courses_to_break_even, "course")
                if offer.courses_to_break_even is not None
                else "never",
            }
            for offer in offers
        ]
    )
    st.dataframe(table, hide_index=True, key="compare_break_even")


def price_history_section() -> None:
    st.header("A course's price over time")
    key = ui.course_picker("compare_history_course")
    if key is None:
        return
    history = ui.course_price_history(key)
    if history.empty:
        st.info("No price has been recorded for this course.")
        return
    currency = str(history["currency"].iloc[-1])
    if len(history) == 1:
        first = history.iloc[0]
        price = ui.money_in(first["price"], currency) if first["price"] is not None else "no price"
        st.text(f"One price seen so far: {price} on {first['seen']:%Y-%m-%d}.")
    else:
        prices = history[["seen", "price", "member price"]]
        long = prices.melt("seen", var_name="price of", value_name=currency).dropna()
        chart = (
            alt.Chart(long)
            .mark_line(point=True, interpolate="step-after")
            .encode(x=alt.X("seen:T", title=None), y=alt.Y(f"{currency}:Q"), color="price of:N")
        )
        st.altair_chart(chart, key="compare_history_chart")
    shown = history.assign(
        **{
            column: [
                ui.money_in(v, c) if v is not None and v == v else words
                for v, c in zip(history[column], history["currency"], strict=True)
            ]
            for column, words in (("price", "no price"), ("member price", "no member price"))
        }
    ).drop(columns="currency")
    st.dataframe(
        shown,
        hide_index=True,
        key="compare_history_table",
        column_config={"seen": st.column_config.DatetimeColumn("Seen", format="YYYY-MM-DD HH:mm")},
    )


def main() -> None:
    bounds = ui.catalog_bounds()
    cost_chart(bounds.bodies)
    break_even_section()
    price_history_section()


with ui.page_guard("the comparison"):
    main()
