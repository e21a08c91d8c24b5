"""Compare and About pages: dollar figures hold only dollar prices, counts say what they count, plurals."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from catalog.text import plural
from recert import ui
from recert.ui import offers
from tests.app.conftest import OpenPage, recert


def _course(course_id: str, price: int, currency: str) -> dict[str, Any]:
    return {
        "type": "course",
        "provider": "eurotest",
        "course_id": course_id,
        "title": f"Wound care {course_id}",
        "url": f"https://eurotest.example/{course_id}",
        "format": "online",
        "hours": 1,
        "price": price,
        "currency": currency,
        "content_areas": {"clinical": 1},
        "approvals": [{"body": "AAMA", "credits": 1}],
        "source": "import",
    }


@pytest.fixture()
def mixed_currencies(private_catalog: Path, tmp_path: Path) -> Path:
    """The sample catalog plus one provider selling one course for $10 and two for €1,000."""
    records = [_course("usd", 10, "USD"), _course("eur-1", 1000, "EUR"), _course("eur-2", 1000, "EUR")]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    recert("load", path, "--catalog", private_catalog)
    return private_catalog


def test_the_dollar_median_leaves_other_currencies_out(mixed_currencies: Path) -> None:
    frame = offers._cost_per_credit(str(mixed_currencies), ui.catalog_stamp(mixed_currencies), "AAMA")
    row = frame[frame["provider"] == "eurotest"]
    assert row["median"].tolist() == [10.0]
    assert row["courses"].tolist() == [1]


def test_the_catalog_table_shows_each_price_in_its_currency(mixed_currencies: Path) -> None:
    query = ui.CatalogFilters(providers=("eurotest",)).query()
    table = ui.catalog_table(query)
    text = ui.catalog_styled(table, "AAMA").to_string()
    assert "1,000.00 EUR" in text and "$10.00" in text
    assert "$1,000.00" not in text


def test_about_says_what_each_number_counts(open_page: OpenPage) -> None:
    at = open_page("about")
    stats = ui.catalog_stats()
    sentence = next(t.value for t in at.text if "record" in t.value)
    records = sum(stats["sources"].values())
    assert records == stats["courses"] + stats["offers"]
    assert f"{records:,} records: {stats['courses']:,} courses and {stats['offers']:,} offers" in sentence


def test_plural_is_singular_only_for_one() -> None:
    assert plural(1, "field problem") == "1 field problem"
    assert plural(0, "field problem") == "0 field problems"
    assert plural(1234, "course") == "1,234 courses"
    assert plural(2, "body", "bodies") == "2 bodies"


ONE_THINGS = re.compile(
    r"(?<![\d.,])1 (courses|field problems|problems|records|offers|providers|days|items|pages|errors"
    r"|duplicates)\b"
)


def test_no_count_on_my_pages_reads_one_things(open_page: OpenPage) -> None:
    """No "1 field problems", "1 courses" and the like anywhere on the Compare and About pages."""
    for page in ("compare", "about"):
        at = open_page(page)
        texts = [str(e.value) for e in [*at.text, *at.caption, *at.markdown]]
        for frame in at.dataframe:
            texts += [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
        wrong = [t for t in texts if ONE_THINGS.search(t)]
        assert not wrong, wrong
