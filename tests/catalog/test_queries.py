"""The query module: filters, sorts (cost per credit per body), paging, facets, stats, snapshot."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from catalog.db import writing
from catalog.load import load_files
from catalog.queries import CourseQuery, InferredArea, count, facets, is_sample, search, snapshot, stats
from tests.catalog.conftest import course, offer, undo_flat_body_columns, write_jsonl


def _aama(credits: float, area: str) -> list[dict[str, object]]:
    return [{"body": "AAMA", "credits": credits, "categories": {area: credits}}]


COURSES = [
    course("a1", title="Wound care", description="Dressings and wound CARE basics", hours=2, price=20,
           content_areas={"clinical": 2}, approvals=_aama(2, "clinical")),
    course("a2", title="Scheduling", format="live", price=5, approvals=_aama(1, "administrative")),
    course("b1", provider="beta", title="Ethics", hours=3, price=30, content_areas={"general": 3},
           approvals=[{"body": "AMT", "credits": 3}]),
    course("b2", provider="beta", title="Free webinar", price=0, approvals=_aama(0.5, "general")),
    course("b3", provider="beta", title="Bundled lab skills", format="in_person", hours=4, price=None,
           included_in=["beta-all"], approvals=_aama(4, "clinical")),
    course("e1", provider="euro", title="Euro course", hours=2, price=8, currency="EUR",
           approvals=_aama(2, "general")),
]  # fmt: skip


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("queries")
    path = folder / "catalog.duckdb"
    load_files(path, [write_jsonl(folder / "in.jsonl", [*COURSES, offer("beta-all", provider="beta")])])
    return path


def ids(path: Path, **query: object) -> list[str]:
    return search(path, CourseQuery(**query))["course_id"].tolist()  # type: ignore[arg-type]


def test_default_order_is_cheapest_per_aama_credit_with_unknowns_last(catalog: Path) -> None:
    assert ids(catalog) == ["b2", "a2", "a1", "e1", "b3", "b1"]


def test_cost_per_credit_is_computed_per_body(catalog: Path) -> None:
    rows = search(catalog, CourseQuery()).set_index("course_id")
    assert rows.loc["a1", "cost_per_credit"] == Decimal(10)
    assert rows.loc["a1", "credits"] == Decimal(2)
    assert rows.loc["b1", "cost_per_credit"] is None
    amt = search(catalog, CourseQuery(body="AMT")).set_index("course_id")
    assert amt.index[0] == "b1"
    assert amt.loc["b1", "cost_per_credit"] == Decimal(10)
    assert set(amt["body"]) == {"AMT"}


def test_other_sorts_and_directions(catalog: Path) -> None:
    assert ids(catalog, descending=True) == ["a1", "a2", "b2", "e1", "b3", "b1"]
    assert ids(catalog, sort="price") == ["b2", "a2", "a1", "b1", "e1", "b3"]
    assert ids(catalog, sort="price", descending=True) == ["b1", "a1", "a2", "b2", "e1", "b3"]
    assert ids(catalog, sort="credits") == ["b2", "a2", "e1", "a1", "b3", "b1"]
    assert ids(catalog, sort="title") == ["b3", "b1", "e1", "b2", "a2", "a1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"providers": ("beta",)}, {"b1", "b2", "b3"}),
        ({"areas": ("clinical",)}, {"a1", "b3"}),
        ({"areas": ("general", "administrative")}, {"a2", "b1", "b2", "e1"}),
        ({"bodies": ("AMT",)}, {"b1"}),
        ({"formats": ("live", "in_person")}, {"a2", "b3"}),
        ({"min_price": Decimal(5), "max_price": Decimal(20)}, {"a1", "a2"}),
        ({"max_price": Decimal(10)}, {"a2", "b2"}),
        ({"free_only": True}, {"b2"}),
        ({"min_credits": Decimal(2)}, {"a1", "b3", "e1"}),
        ({"min_credits": Decimal(3), "credits_body": "AMT"}, {"b1"}),
        ({"text": "wound"}, {"a1"}),
        ({"text": "care BASICS"}, {"a1"}),
        ({"text": "course euro"}, {"e1"}),
        ({"text": "nothing-like-this"}, set()),
        ({"providers": ("acme",), "areas": ("clinical",)}, {"a1"}),
    ],
)
def test_filters(catalog: Path, query: dict[str, object], expected: set[str]) -> None:
    assert set(ids(catalog, **query)) == expected
    assert count(catalog, CourseQuery(**query)) == len(expected)  # type: ignore[arg-type]


def test_paging(catalog: Path) -> None:
    everything = ids(catalog, limit=None)
    assert ids(catalog, limit=2) == everything[:2]
    assert ids(catalog, limit=2, offset=2) == everything[2:4]
    assert ids(catalog, limit=None, offset=5) == everything[5:]
    assert count(catalog, CourseQuery(limit=1)) == 6


def test_rows_carry_areas_bodies_credits_and_on_request_the_record(catalog: Path) -> None:
    row = search(catalog, CourseQuery(text="wound")).iloc[0]
    assert list(row["areas"]) == ["clinical"]
    assert list(row["bodies"]) == ["AAMA"]
    assert list(row["body_credits"]) == [("AAMA", Decimal(2))]
    assert "record" not in row
    assert row["price"] == Decimal(20)
    with_record = search(catalog, CourseQuery(text="wound"), records=True).iloc[0]
    assert '"course_id": "a1"' in with_record["record"]


def test_facets_count_matching_courses(catalog: Path) -> None:
    all_facets = facets(catalog, CourseQuery())
    assert all_facets["provider"] == {"beta": 3, "acme": 2, "euro": 1}
    assert all_facets["body"] == {"AAMA": 5, "AMT": 1}
    assert list(all_facets["area"].items()) == [("general", 3), ("clinical", 2), ("administrative", 1)]
    assert all_facets["format"] == {"online": 4, "in_person": 1, "live": 1}
    assert facets(catalog, CourseQuery(providers=("acme",)))["format"] == {"live": 1, "online": 1}


def test_bad_queries_are_refused() -> None:
    with pytest.raises(ValueError, match="sort must be one of"):
        CourseQuery(sort="popularity")
    with pytest.raises(ValueError, match="limit"):
        CourseQuery(limit=-1)


def test_stats_counts_per_provider_and_source(catalog: Path) -> None:
    summary = stats(catalog)
    assert (summary["courses"], summary["offers"]) == (6, 1)
    assert summary["sources"] == {"sample": 0, "live": 0, "import": 7}
    beta = next(p for p in summary["providers"] if p["provider"] == "beta")
    assert (beta["courses"], beta["offers"]) == (3, 1)
    assert beta["last_run"]["status"] == "ok"
    assert summary["last_run"]["run_id"] == 1
    assert not is_sample(catalog)


def test_snapshot_includes_inferred_areas(tmp_path: Path) -> None:
    path = tmp_path / "catalog.duckdb"
    load_files(path, [write_jsonl(tmp_path / "in.jsonl", [course("x", source="sample"), offer()])])
    with writing(path) as con:
        con.execute("INSERT INTO inferred_area VALUES ('acme', 'x', 'clinical', 0.9, 'm1', now())")
    snap = snapshot(path)
    assert [c.course_id for c in snap.courses] == ["x"]
    assert [o.offer_id for o in snap.offers] == ["all-access"]
    assert snap.inferred_areas == {("acme", "x"): InferredArea("clinical", 0.9, "m1")}
    assert is_sample(path)


def test_bodies_without_flat_columns_sort_and_filter_like_flat_ones(tmp_path: Path) -> None:
    """ARMA has no flat column (catalog/flat.py), so its page comes from the credits map; it must
    match the AAMA page built from the flat columns when the two bodies grant the same credits."""
    twin = [
        course(c["course_id"], provider=c.get("provider", "acme"), price=c.get("price", 10),
               currency=c.get("currency", "USD"),
               approvals=[*c.get("approvals", []), *({**a, "body": "ARMA"} for a in c.get("approvals", [])
                                                    if a["body"] == "AAMA")])
        for c in COURSES
    ]  # fmt: skip
    path = tmp_path / "catalog.duckdb"
    load_files(path, [write_jsonl(tmp_path / "in.jsonl", twin)])
    for sort in ("cost_per_credit", "credits"):
        flat = search(path, CourseQuery(sort=sort, min_credits=Decimal(1)))
        mapped = search(path, CourseQuery(sort=sort, body="ARMA", min_credits=Decimal(1)))
        assert mapped["course_id"].tolist() == flat["course_id"].tolist()
        assert mapped["cost_per_credit"].tolist() == flat["cost_per_credit"].tolist()
        assert mapped["credits"].tolist() == flat["credits"].tolist()


def test_an_older_catalog_gets_its_flat_body_columns_filled(tmp_path: Path) -> None:
    path = tmp_path / "catalog.duckdb"
    load_files(path, [write_jsonl(tmp_path / "in.jsonl", COURSES)])
    before = search(path, CourseQuery())
    with writing(path) as con:
        undo_flat_body_columns(con)
    with writing(path):  # the next write upgrades it (readers never do)
        pass
    after = search(path, CourseQuery())
    assert after["course_id"].tolist() == before["course_id"].tolist() == ids(path)
    assert after["cost_per_credit"].tolist() == before["cost_per_credit"].tolist()
