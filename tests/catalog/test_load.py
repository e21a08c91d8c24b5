"""Loading files and records: upsert, idempotence, all-or-nothing rejection, price history, runs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from catalog.db import read_connection, writing
from catalog.load import ChangeCounts, LoadError, load_files, load_records, record_run
from catalog.queries import last_good_run, price_history, snapshot
from catalog.records import parse_record
from tests.catalog.conftest import course, offer, undo_flat_body_columns, undo_unique_keys, write_jsonl

APPROVED = course(
    "c1",
    price=25,
    member_price=20,
    content_areas={"clinical": 1.5, "general": 0.5},
    hours=2,
    approvals=[{"body": "AAMA", "credits": 2, "categories": {"clinical": 1.5, "general": 0.5}}],
)

CONTENT_TABLES = (
    "course",
    "course_approval",
    "course_approval_area",
    "course_area",
    "offer",
    "price_history",
)


def _dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with read_connection(path) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in CONTENT_TABLES}


def _rows(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with read_connection(path) as con:
        return con.execute(sql, params or []).fetchall()


def test_load_stores_courses_offers_and_their_children(tmp_path: Path, catalog_path: Path) -> None:
    file = write_jsonl(
        tmp_path / "in.jsonl", [APPROVED, course("c2", price=None, included_in=["all"]), offer("all")]
    )
    result = load_files(catalog_path, [file])
    assert (result.courses.inserted, result.offers.inserted, result.updated, result.price_changes) == (
        2,
        1,
        0,
        0,
    )
    assert _rows(catalog_path, "SELECT body, credits FROM course_approval") == [("AAMA", Decimal(2))]
    assert sorted(_rows(catalog_path, "SELECT area, hours FROM course_area")) == [
        ("clinical", Decimal("1.5")),
        ("general", Decimal("0.5")),
    ]
    assert sorted(_rows(catalog_path, "SELECT body, area, credits FROM course_approval_area")) == [
        ("AAMA", "clinical", Decimal("1.5")),
        ("AAMA", "general", Decimal("0.5")),
    ]
    assert _rows(catalog_path, "SELECT price, member_price FROM course WHERE course_id = 'c1'") == [
        (Decimal("25"), Decimal("20"))
    ]
    assert _rows(catalog_path, "SELECT included_in, price FROM course WHERE course_id = 'c2'") == [
        (["all"], None)
    ]


def test_records_round_trip_losslessly(tmp_path: Path, catalog_path: Path) -> None:
    odd = course(
        "odd",
        title="Ünïcode – “quoted” title",
        description="  Two\nlines  ",
        price="12.345",
        currency="EUR",
        kind="cpr_card",
        available_from="2026-01-01",
        available_until="2026-12-31",
        location="Room 1",
        access_months=12,
        approvals=[{"body": "nha", "credits": 1, "approval_id": "X-1", "expires": "2027-01-31"}],
        unknown_field={"nested": [1, 2]},
    )
    records = [APPROVED, odd, offer("all", description="Everything")]
    load_files(catalog_path, [write_jsonl(tmp_path / "in.jsonl", records)])
    snap = snapshot(catalog_path)
    expected = [parse_record(json.loads(json.dumps(r)), default_source="import") for r in records[:2]]
    assert list(snap.courses) == expected
    assert snap.offers == (parse_record(records[2]),)
    assert dict(snap.courses[1].extras) == {"unknown_field": {"nested": [1, 2]}}


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path, catalog_path: Path) -> None:
    file = write_jsonl(tmp_path / "in.jsonl", [APPROVED, course("c2"), offer()])
    load_files(catalog_path, [file])
    before = _dump(catalog_path)
    again = load_files(catalog_path, [file])
    assert (again.inserted, again.updated, again.unchanged, again.price_changes) == (0, 0, 3, 0)
    assert _dump(catalog_path) == before
    assert _rows(catalog_path, "SELECT run_id, inserted, unchanged FROM run ORDER BY run_id") == [
        (1, 3, 0),
        (2, 0, 3),
    ]


def test_a_bad_file_is_rejected_whole_with_every_problem(tmp_path: Path, catalog_path: Path) -> None:
    load_files(catalog_path, [write_jsonl(tmp_path / "good.jsonl", [course("keep")])])
    before = catalog_path.read_bytes()
    bad = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            course("new-ok"),
            course("c2", hours=0, url="ftp://x"),
            "{not json",
            "",
            course("c3", format="webinar", price=-1),
            offer(kind="gift"),
        ],
    )
    with pytest.raises(LoadError) as caught:
        load_files(catalog_path, [bad])
    assert caught.value.errors == [
        f"{bad}:2: url: must be an http(s) URL, got 'ftp://x'",
        f"{bad}:2: hours: must be greater than 0, got 0",
        f"{bad}:3: record: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        f"{bad}:5: format: must be one of online, live, in_person, print, conference, got 'webinar'",
        f"{bad}:5: price: must not be negative, got -1",
        f"{bad}:6: kind: must be one of subscription, membership, bundle, got 'gift'",
    ]
    assert catalog_path.read_bytes() == before
    assert _rows(catalog_path, "SELECT course_id FROM course") == [("keep",)]


def test_errors_from_several_files_and_unreadable_files_are_all_reported(
    tmp_path: Path, catalog_path: Path
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [course("a")])
    bad = write_jsonl(tmp_path / "bad.jsonl", [course("b", title=None)])
    missing = tmp_path / "missing.jsonl"
    other = tmp_path / "notes.txt"
    other.write_text("x")
    with pytest.raises(LoadError) as caught:
        load_files(catalog_path, [good, bad, missing, other])
    assert caught.value.errors == [
        f"{bad}:1: title: is required",
        f"{missing}:0: file: cannot be read (No such file or directory)",
        f"{other}:0: file: must end in .jsonl, .ndjson or .csv",
    ]
    assert not catalog_path.exists()


def test_price_history_keeps_every_change_and_the_current_view_the_latest(
    tmp_path: Path, catalog_path: Path
) -> None:
    first = write_jsonl(tmp_path / "jan.jsonl", [APPROVED, course("same")])
    second = write_jsonl(
        tmp_path / "feb.jsonl",
        [{**APPROVED, "price": 30, "scraped_at": "2026-02-01T00:00:00Z"}, course("same")],
    )
    load_files(catalog_path, [first])
    result = load_files(catalog_path, [second])
    assert (result.courses.updated, result.courses.unchanged, result.price_changes) == (1, 1, 1)
    history = price_history(catalog_path, "acme", "c1")
    assert history["price"].tolist() == [Decimal(25), Decimal(30)]
    assert history["member_price"].tolist() == [Decimal(20), Decimal(20)]
    assert [t.isoformat() for t in history["seen_at"]] == [
        "2026-01-01T00:00:00+00:00",
        "2026-02-01T00:00:00+00:00",
    ]
    assert _rows(catalog_path, "SELECT price FROM current_price WHERE item_id = 'c1'") == [(Decimal(30),)]
    assert _rows(catalog_path, "SELECT price FROM course WHERE course_id = 'c1'") == [(Decimal(30),)]
    first_seen, last_changed = _rows(
        catalog_path, "SELECT first_seen, last_changed FROM course WHERE course_id = 'c1'"
    )[0]
    assert (first_seen.month, last_changed.month) == (1, 2)
    assert len(price_history(catalog_path, "acme", "same")) == 1


def test_member_price_and_offer_price_changes_are_history_too(tmp_path: Path, catalog_path: Path) -> None:
    load_files(catalog_path, [write_jsonl(tmp_path / "a.jsonl", [APPROVED, offer()])])
    result = load_files(
        catalog_path,
        [write_jsonl(tmp_path / "b.jsonl", [{**APPROVED, "member_price": 15}, offer(price="89.50")])],
    )
    assert result.price_changes == 2
    assert price_history(catalog_path, "acme", "c1")["member_price"].tolist() == [Decimal(20), Decimal(15)]
    offers = price_history(catalog_path, "acme", "all-access", item_type="offer")
    assert offers["price"].tolist() == [Decimal(99), Decimal("89.5")]


def test_non_price_changes_update_without_price_history(tmp_path: Path, catalog_path: Path) -> None:
    load_files(catalog_path, [write_jsonl(tmp_path / "a.jsonl", [APPROVED])])
    changed = {**APPROVED, "title": "Renamed", "approvals": [{"body": "AMT", "credits": 3}]}
    result = load_files(catalog_path, [write_jsonl(tmp_path / "b.jsonl", [changed])])
    assert (result.courses.updated, result.price_changes) == (1, 0)
    assert _rows(catalog_path, "SELECT title FROM course") == [("Renamed",)]
    assert _rows(catalog_path, "SELECT body, credits FROM course_approval") == [("AMT", Decimal(3))]
    assert _rows(catalog_path, "SELECT count(*) FROM course_approval_area") == [(0,)]


def test_reseen_unchanged_course_moves_last_seen_only(tmp_path: Path, catalog_path: Path) -> None:
    load_files(catalog_path, [write_jsonl(tmp_path / "a.jsonl", [APPROVED])])
    later = {**APPROVED, "scraped_at": "2026-03-01T00:00:00Z"}
    result = load_files(catalog_path, [write_jsonl(tmp_path / "b.jsonl", [later])])
    assert result.courses.unchanged == 1
    ((first_seen, last_seen, last_changed),) = _rows(
        catalog_path, "SELECT first_seen, last_seen, last_changed FROM course"
    )
    assert (first_seen.month, last_seen.month, last_changed.month) == (1, 3, 1)


def test_a_course_missing_from_a_later_load_is_kept(tmp_path: Path, catalog_path: Path) -> None:
    load_files(catalog_path, [write_jsonl(tmp_path / "a.jsonl", [course("a"), course("b")])])
    load_files(catalog_path, [write_jsonl(tmp_path / "b.jsonl", [course("a")])])
    assert sorted(_rows(catalog_path, "SELECT course_id FROM course")) == [("a",), ("b",)]


def test_the_last_copy_of_a_key_in_one_batch_wins(tmp_path: Path, catalog_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [course("a", price=1), course("a", price=2)])
    second = write_jsonl(tmp_path / "b.jsonl", [course("a", price=3)])
    result = load_files(catalog_path, [first, second])
    assert result.courses.inserted == 1
    assert _rows(catalog_path, "SELECT price FROM course") == [(Decimal(3),)]
    assert _rows(catalog_path, "SELECT price FROM price_history") == [(Decimal(3),)]


def test_default_source_applies_to_records_without_one(tmp_path: Path, catalog_path: Path) -> None:
    file = write_jsonl(tmp_path / "a.jsonl", [course("a", source=None), course("b", source="live")])
    load_files(catalog_path, [file], default_source="sample")
    assert sorted(_rows(catalog_path, "SELECT course_id, source FROM course")) == [
        ("a", "sample"),
        ("b", "live"),
    ]


def test_csv_files_load_like_json_lines(tmp_path: Path, catalog_path: Path) -> None:
    csv_file = tmp_path / "courses.csv"
    csv_file.write_text(
        "type,provider,course_id,title,url,format,hours,price,content_areas,approvals,included_in\n"
        'course,acme,c1,"Coding, billing",https://acme.example/c1,online,2,12.50,'
        "administrative=2,AAMA:2:administrative=2,all;bundle\n",
        encoding="utf-8",
    )
    load_files(catalog_path, [csv_file])
    (only,) = snapshot(catalog_path).courses
    assert (only.title, only.price, only.source, only.included_in) == (
        "Coding, billing",
        Decimal("12.5"),
        "import",
        ("all", "bundle"),
    )
    assert only.approvals[0].categories == {"administrative": Decimal(2)}


def test_bad_csv_rows_report_their_line(tmp_path: Path, catalog_path: Path) -> None:
    csv_file = tmp_path / "courses.csv"
    csv_file.write_text(
        "provider,course_id,title,url,format,hours\n"
        "acme,c1,Fine,https://acme.example/c1,online,1\n"
        'acme,c2,"Two\nlines",https://acme.example/c2,online,x\n'
        "acme,c3,Extra,https://acme.example/c3,online,1,surplus\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as caught:
        load_files(catalog_path, [csv_file])
    assert caught.value.errors == [
        f"{csv_file}:3: hours: must be a number, got 'x'",
        f"{csv_file}:5: record: has more cells than the header has columns",
    ]


def test_the_example_import_files_load(catalog_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "data" / "examples"
    result = load_files(catalog_path, [examples / "courses.jsonl", examples / "courses.csv"])
    assert (result.courses.inserted, result.offers.inserted) == (5, 1)
    kinds = {c.course_id: c.kind for c in snapshot(catalog_path).courses}
    assert kinds["BIO-110"] == "college_credit" and kinds["bls"] == "cpr_card"


def test_load_records_publishes_validated_records_and_records_the_run(catalog_path: Path) -> None:
    records = [parse_record(APPROVED), parse_record(offer())]
    result = load_records(catalog_path, records, run_kind="crawl", provider="acme", note="2 pages")
    assert result.inserted == 2
    run = last_good_run(catalog_path, "acme")
    assert run is not None
    assert (run.run_id, run.kind, run.items, run.status, run.note) == (
        result.run_id,
        "crawl",
        2,
        "ok",
        "2 pages",
    )


def test_record_run_stores_a_run_without_records(catalog_path: Path) -> None:
    from datetime import UTC, datetime

    started = datetime(2026, 5, 1, tzinfo=UTC)
    run_id = record_run(
        catalog_path,
        kind="crawl",
        provider="acme",
        started=started,
        finished=started,
        items=3,
        errors=40,
        status="suspect",
        note="too few items",
    )
    assert _rows(catalog_path, "SELECT run_id, status, errors FROM run") == [(run_id, "suspect", 40)]
    assert last_good_run(catalog_path, "acme") is None
    assert _rows(catalog_path, "SELECT count(*) FROM course") == [(0,)]


def test_loads_keep_working_when_the_ml_inferred_area_table_has_rows(
    catalog_path: Path, tmp_path: Path
) -> None:
    """050 (the ML helper's inferred_area) can be applied before a later catalog migration (007)."""
    load_files(catalog_path, [write_jsonl(tmp_path / "a.jsonl", [course("c1"), course("c2")])])
    with writing(catalog_path) as con:
        con.execute("INSERT INTO inferred_area VALUES ('acme', 'c1', 'clinical', 0.9, 'm1', now())")
        undo_flat_body_columns(con)  # as if 007 came after 050
    result = load_files(catalog_path, [write_jsonl(tmp_path / "b.jsonl", [course("c1", price=12)])])
    assert (result.courses.updated, result.price_changes) == (1, 1)
    with read_connection(catalog_path) as con:
        assert con.execute("SELECT course_id FROM inferred_area").fetchall() == [("c1",)]
        assert con.execute("SELECT count(*) FROM schema_version WHERE version IN (7, 50)").fetchall() == [
            (2,)
        ]


def test_catalogs_with_text_hashes_reload_unchanged_after_migration_010(
    catalog_path: Path, tmp_path: Path
) -> None:
    """010 turns the content hashes (stored as text before) into integers with the same values, so the
    same records reload as unchanged; a hash that is no number becomes 0 and its row counts changed."""
    records = [course("c1"), course("c2", price=12), offer("o1")]
    file = write_jsonl(tmp_path / "a.jsonl", records)
    load_files(catalog_path, [file])
    with writing(catalog_path) as con:  # back to the schema before 010, hashes as text
        undo_unique_keys(con)
        for table in ("course", "offer"):
            con.execute(f"ALTER TABLE {table} ALTER COLUMN content_hash SET DATA TYPE VARCHAR")
        con.execute("UPDATE course SET content_hash = 'not a number' WHERE course_id = 'c2'")
        con.execute("DELETE FROM schema_version WHERE version = 10")
    result = load_files(catalog_path, [file])
    assert (result.courses, result.offers) == (ChangeCounts(0, 1, 1), ChangeCounts(0, 0, 1))
    assert _rows(catalog_path, "SELECT DISTINCT typeof(content_hash) FROM course") == [("UBIGINT",)]
    assert load_files(catalog_path, [file]).unchanged == 3


def test_a_populated_catalog_takes_the_column_rebuilding_migrations(
    catalog_path: Path, tmp_path: Path
) -> None:
    """011 rebuilds two columns (record, title) with another compression on a catalog with rows."""
    records = [course(f"c{number}", title=f"Course {number % 7}") for number in range(3000)]
    file = write_jsonl(tmp_path / "a.jsonl", records)
    load_files(catalog_path, [file])
    with writing(catalog_path) as con:
        undo_unique_keys(con)
        con.execute("DELETE FROM schema_version WHERE version = 11")
    result = load_files(catalog_path, [file])
    assert result.courses == ChangeCounts(0, 0, 3000)
    stored_as = "SELECT DISTINCT column_name, compression FROM pragma_storage_info('course')"
    stored_as += " WHERE column_name IN ('record', 'title') AND segment_type = 'VARCHAR' ORDER BY 1"
    assert _rows(catalog_path, stored_as) == [("record", "ZSTD"), ("title", "Uncompressed")]
    assert _rows(catalog_path, "SELECT title FROM course WHERE course_id = 'c8'") == [("Course 1",)]


def _title_ranks(path: Path) -> list[tuple[Any, ...]]:
    """(course_id, title_rank) in stored rank order, and the order the ranks must have."""
    return _rows(
        path,
        "SELECT course_id, title_rank,"
        " row_number() OVER (ORDER BY lower(title), provider, course_id) AS expected FROM course ORDER BY 3",
    )


def test_title_ranks_break_ties_by_provider_then_course_id(tmp_path: Path, catalog_path: Path) -> None:
    """Courses sharing a title (in any case) are ranked by provider, then course id, new or kept."""
    first = [course("b", provider="zeta", title="CPR"), course("a", provider="zeta", title="cpr")]
    load_files(catalog_path, [write_jsonl(tmp_path / "a.jsonl", first)])
    later = [course("c", provider="alpha", title="CPR"), course("a", provider="mid", title="Cpr")]
    load_files(catalog_path, [write_jsonl(tmp_path / "b.jsonl", later)])
    ranks = _title_ranks(catalog_path)
    assert [row[0] for row in ranks] == ["c", "a", "a", "b"]  # alpha/c, mid/a, zeta/a, zeta/b
    assert all(rank == expected for _, rank, expected in ranks)


def test_title_ranks_follow_every_load(tmp_path: Path, catalog_path: Path) -> None:
    """New titles sorting before kept ones move them; rewritten rows (even re-seen only) keep a rank."""
    load_files(
        catalog_path,
        [write_jsonl(tmp_path / "a.jsonl", [course("m", title="Middle"), course("z", title="zed")])],
    )
    later = [
        course("a", title="alpha"),  # new, sorts first: every kept course moves down one
        course("m", title="Middle", scraped_at="2026-03-01T00:00:00Z"),  # re-seen only: rewritten
        course("b", title="Beta"),
    ]
    load_files(catalog_path, [write_jsonl(tmp_path / "b.jsonl", later)])
    ranks = _title_ranks(catalog_path)
    assert [row[0] for row in ranks] == ["a", "b", "m", "z"]
    assert all(rank == expected for _, rank, expected in ranks)
    load_files(catalog_path, [write_jsonl(tmp_path / "c.jsonl", [course("z", title="Aardvark")])])
    assert [row[0] for row in _title_ranks(catalog_path)] == ["z", "a", "b", "m"]
    assert all(rank == expected for _, rank, expected in _title_ranks(catalog_path))
    reseen = course("m", title="Middle", scraped_at="2026-04-01T00:00:00Z")  # a load that only re-sees
    assert load_files(catalog_path, [write_jsonl(tmp_path / "d.jsonl", [reseen])]).courses.unchanged == 1
    assert all(rank == expected for _, rank, expected in _title_ranks(catalog_path))
