"""recert/ui.py: numbers for people, untrusted text and links."""

from datetime import date
from decimal import Decimal

import pytest

from recert import ui


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12.5"), "$12.50"),
        (Decimal("1234"), "$1,234.00"),
        (Decimal("0.005"), "$0.01"),
        (Decimal("-3.2"), "-$3.20"),
        (7, "$7.00"),
        (None, "—"),
    ],
)
def test_money_is_dollars_and_cents(value: Decimal | int | None, expected: str) -> None:
    assert ui.money(value) == expected


def test_money_can_say_free() -> None:
    assert ui.money(Decimal("0.00"), free_word=True) == "Free"
    assert ui.money(Decimal("0.00")) == "$0.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1.5"), "1.5 h"), (Decimal("1.00"), "1 h"), (Decimal("0.25"), "0.25 h"), (10, "10 h")],
)
def test_hours_drop_trailing_zeros(value: Decimal | int, expected: str) -> None:
    assert ui.hours(value) == expected


def test_per_credit_names_the_unit() -> None:
    assert ui.per_credit(Decimal("6.25"), "point") == "$6.25 per point"
    assert ui.per_credit(None) == "—"


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (date(2027, 1, 11), "10 days left"),
        (date(2027, 1, 2), "1 day left"),
        (date(2027, 1, 1), "due today"),
        (date(2026, 12, 31), "1 day overdue"),
    ],
)
def test_days_left(deadline: date, expected: str) -> None:
    assert ui.days_left(deadline, date(2027, 1, 1)) == expected


def test_markdown_escape_neutralises_markup() -> None:
    hostile = "**bold** <script>alert(1)</script> [x](javascript:alert(1)) $x$"
    escaped = ui.md_escape(hostile)
    for raw in ("**", "<script>", "](", "$x$"):
        assert raw not in escaped


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.org/a", "//x.org", 5])
def test_safe_url_rejects_non_http(url: object) -> None:
    assert ui.safe_url(url) is None
    assert ui.titled_link(url, "t") is None
    assert ui.md_link(url, "**t**") == ui.md_escape("**t**")  # the title alone, escaped, no link


def test_markdown_link_escapes_its_title_and_cannot_be_broken_out_of() -> None:
    link = ui.md_link("https://ce.example.org/a b/(x)?q=[1]", "[Coding](javascript:x) *101*")
    title, address = link.removeprefix("[").rsplit("](", 1)
    assert title == ui.md_escape("[Coding](javascript:x) *101*")
    assert address == "https://ce.example.org/a%20b/%28x%29?q=%5B1%5D)"


def test_titled_link_carries_the_title_in_a_fragment() -> None:
    link = ui.titled_link("https://ce.example.org/c/1#top", "Coding & Billing 101")
    assert link == "https://ce.example.org/c/1#recert-title=Coding+%26+Billing+101"


@pytest.mark.parametrize(
    ("name", "label"),
    [("runner_up_1", "Runner up 1"), ("fewest_hours", "Fewest hours"), ("all_aama", "All AAMA")],
)
def test_alternative_labels_are_for_people(name: str, label: str) -> None:
    assert ui.alternative_label(name) == label


def test_for_people_shows_money_and_hours_but_keeps_numbers() -> None:
    import pandas as pd

    frame = pd.DataFrame({"Price": [12.5, None], "Hours": [1.5, 2.0]})
    styled = ui.for_people(frame, dollars=("Price",), contact_hours=("Hours",))
    html = styled.to_html()
    assert "$12.50" in html and "1.5 h" in html and "—" in html
    assert styled.data["Price"].iloc[0] == 12.5


def test_long_date_names_the_weekday_month_day_and_year() -> None:
    from datetime import date

    assert ui.long_date(date(2024, 3, 15)) == "Friday, March 15, 2024"
    assert ui.long_date(date(2028, 2, 29)) == "Tuesday, February 29, 2028"
