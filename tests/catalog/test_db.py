"""Migrations, read connections and atomic single-writer publishing on real DuckDB files."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from catalog.db import (
    CatalogBusy,
    CatalogMissing,
    CatalogOutdated,
    MigrationFailed,
    NotACatalog,
    latest_version,
    migrate,
    migrations,
    pending,
    read_connection,
    schema_version,
    writing,
)

TABLES = {
    "schema_version",
    "run",
    "course",
    "offer",
    "price_history",
}
VIEWS = {
    "course_approval",
    "course_approval_area",
    "course_area",
    "course_credit",
    "current_price",
    "last_run",
    "provider_summary",
}


def _names(con: duckdb.DuckDBPyConnection, kind: str) -> set[str]:
    sql = "SELECT table_name FROM information_schema.tables WHERE table_type = ?"
    return {name for (name,) in con.execute(sql, [kind]).fetchall()}


def test_migrate_from_empty_creates_every_table_and_view(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    applied = migrate(con)
    assert applied == [version for version, _ in migrations()]
    assert _names(con, "BASE TABLE") >= TABLES
    assert _names(con, "VIEW") >= VIEWS
    assert schema_version(con) == latest_version()


def test_migrate_again_applies_nothing_and_keeps_data(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "twice.duckdb"))
    migrate(con)
    con.execute("INSERT INTO run (run_id, kind, started, status) VALUES (1, 'load', now(), 'ok')")
    assert migrate(con) == []
    assert con.execute("SELECT count(*) FROM run").fetchall() == [(1,)]
    versions = con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [v for (v,) in versions] == [version for version, _ in migrations()]


def test_migrations_are_numbered_uniquely() -> None:
    versions = [version for version, _ in migrations()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


def test_read_connection_without_a_catalog_raises(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissing), read_connection(tmp_path / "nope.duckdb"):
        pass


def test_writing_creates_and_publishes(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with writing(path) as con:
        con.execute("INSERT INTO run (run_id, kind, started, status) VALUES (7, 'load', now(), 'ok')")
        assert not path.exists()  # nothing is visible until the block ends
    with read_connection(path) as con:
        assert con.execute("SELECT run_id FROM run").fetchall() == [(7,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.duckdb", "new.duckdb.lock"]


def test_failed_write_leaves_the_published_catalog_untouched(tmp_path: Path) -> None:
    path = tmp_path / "cat.duckdb"
    with writing(path) as con:
        con.execute("INSERT INTO run (run_id, kind, started, status) VALUES (1, 'load', now(), 'ok')")
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), writing(path) as con:
        con.execute("INSERT INTO run (run_id, kind, started, status) VALUES (2, 'load', now(), 'ok')")
        raise RuntimeError("boom")
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.writing-*"))


def test_stale_private_copies_are_cleared_by_the_next_writer(tmp_path: Path) -> None:
    path = tmp_path / "cat.duckdb"
    (tmp_path / "cat.duckdb.writing-99999").write_bytes(b"left by a killed writer")
    (tmp_path / "cat.duckdb.writing-99999.wal").write_bytes(b"wal")
    with writing(path):
        pass
    assert not list(tmp_path.glob("*.writing-*"))


def test_a_second_writer_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    path = tmp_path / "cat.duckdb"
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with writing(path):
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        with pytest.raises(CatalogBusy, match="another process is writing"), writing(path, lock_timeout=0.2):
            pass
    finally:
        release.set()
        holder.join()
    with writing(path, lock_timeout=1):  # free again once the first writer finished
        pass


def test_reading_an_older_schema_changes_nothing_and_the_next_write_upgrades_it(tmp_path: Path) -> None:
    # An older catalog: the first catalog migration and the ML helper's (a higher number) only.
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
    for version, file in (migrations()[0], migrations()[-1]):
        con.execute(file.read_text())
        con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, file.stem])
    con.close()
    before = path.read_bytes()
    with pytest.raises(CatalogOutdated, match="recert upgrade --catalog"), read_connection(path):
        pass
    assert path.read_bytes() == before
    with writing(path):
        pass
    with read_connection(path) as reader:
        assert pending(reader) == []
        assert schema_version(reader) == latest_version()


def test_upgrading_to_text_records_and_nested_approvals_keeps_every_course(tmp_path: Path) -> None:
    """Migrations 008 (record as text), 009 (approvals, categories and areas nested in the course row,
    the old tables as views) and 011 (record zstd-compressed) keep every row, the record JSON and every
    child row."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_version (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
    for version, file in migrations():
        if version < 8:
            con.execute(file.read_text())
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, file.stem])
    record = '{"type": "course", "provider": "p", "course_id": "c1", "title": "Wound care", "hours": 1.5}'
    for course_id in ("c1", "c2"):
        con.execute(
            "INSERT INTO course (provider, course_id, title, url, format, hours, currency, kind, included_in,"
            " source, record, content_hash, first_seen, last_seen, last_changed, title_rank, credits_aama)"
            " VALUES ('p', ?, 'Wound care', 'https://p.example/c1', 'online', 1.5, 'USD', 'course', [],"
            " 'import', ?, 'h', now(), now(), now(), 1, 1.5)",
            [course_id, record],
        )
    con.execute(
        "INSERT INTO course_approval VALUES ('p', 'c1', 'AAMA', 1.5, 'A1', NULL),"
        " ('p', 'c1', 'NHA', 1, NULL, '2027-01-31')"
    )
    con.execute(
        "INSERT INTO course_approval_area VALUES ('p', 'c1', 'AAMA', 'clinical', 1),"
        " ('p', 'c1', 'AAMA', 'general', 0.5)"
    )
    con.execute("INSERT INTO course_area VALUES ('p', 'c1', 'clinical', 1), ('p', 'c1', 'general', 0.5)")
    con.execute(
        "INSERT INTO offer VALUES ('p', 'o1', 'All access', 'subscription', 99, 'USD', 12, NULL, NULL,"
        " 'import', NULL, ?, 'h', now(), now(), now())",
        ['{"offer_id": "o1"}'],
    )
    before = {
        table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        for table in ("course_approval", "course_approval_area", "course_area")
    }
    con.close()
    with writing(path):
        pass
    with read_connection(path) as reader:
        assert schema_version(reader) == latest_version()
        rows = reader.execute(
            "SELECT course_id, record, record->>'title', title_rank, credits_aama, typeof(record) FROM course"
            " ORDER BY course_id"
        ).fetchall()
        assert rows[0] == ("c1", record, "Wound care", 1, Decimal("1.5"), "VARCHAR")
        stored_as = "SELECT DISTINCT compression FROM pragma_storage_info('course')"
        stored_as += " WHERE column_name = 'record' AND segment_type = 'VARCHAR'"
        assert reader.execute(stored_as).fetchall() == [("ZSTD",)]  # migration 011
        assert reader.execute("SELECT record->>'offer_id' FROM offer").fetchall() == [("o1",)]
        for table, old_rows in before.items():
            assert reader.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == old_rows
        nested = reader.execute("SELECT approvals, content_areas FROM course ORDER BY course_id").fetchall()
    assert nested[1] == ([], None)  # c2 had no approvals and no areas
    assert [a["body"] for a in nested[0][0]] == ["AAMA", "NHA"]
    assert nested[0][0][0]["categories"] == {
        "administrative": None,
        "clinical": Decimal(1),
        "general": Decimal("0.5"),
    }
    assert nested[0][1] == {"administrative": None, "clinical": Decimal(1), "general": Decimal("0.5")}


def _course_row(con: duckdb.DuckDBPyConnection, course_id: str) -> None:
    con.execute(
        "INSERT INTO course (provider, course_id, title, url, format, hours, currency, kind, included_in,"
        " source, record, content_hash, first_seen, last_seen, last_changed)"
        " VALUES ('p', ?, 't', 'https://p.example/', 'online', 1, 'USD', 'course', [], 'import', '{}', 1,"
        " now(), now(), now())",
        [course_id],
    )


def test_the_database_enforces_course_and_offer_keys(tmp_path: Path) -> None:
    path = tmp_path / "catalog.duckdb"
    with writing(path) as con:
        _course_row(con, "c1")
    with pytest.raises(duckdb.ConstraintException), writing(path) as con:
        _course_row(con, "c1")
    with read_connection(path) as reader:
        assert reader.execute("SELECT count(*) FROM course").fetchall() == [(1,)]


def test_migration_012_refuses_duplicate_keys_and_changes_nothing(tmp_path: Path) -> None:
    """An older catalog holding a key twice: the upgrade names it, and the file stays as it was."""
    path = tmp_path / "old.duckdb"
    with writing(path) as con:
        con.execute("DROP INDEX course_key")
        con.execute("DELETE FROM schema_version WHERE version = 12")
        _course_row(con, "c1")
        _course_row(con, "c1")
    before = path.read_bytes()
    with pytest.raises(MigrationFailed, match="course p/c1 is stored 2 times"), writing(path):
        pass
    assert path.read_bytes() == before


@pytest.mark.parametrize("kind", ["foreign", "text", "directory"])
def test_what_is_not_a_catalog_is_refused_and_left_as_it_was(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "theirs.duckdb"
    if kind == "foreign":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE course (name VARCHAR)")  # even a table of the same name
        con.close()
    elif kind == "text":
        path.write_text("not a database")
    else:
        path.mkdir()
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(NotACatalog, match=str(path)), writing(path):
        pass
    with pytest.raises(NotACatalog, match=str(path)), read_connection(path):
        pass
    assert (path.read_bytes() if path.is_file() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs.duckdb"]  # no lock, no copy
