"""Loading records into the catalog: validate everything first, then one set-based upsert, published
atomically (catalog/db.py). A file with any bad record is rejected whole and the catalog is untouched.

Upsert rules: keys are never updated; a course or offer whose content (everything but ``scraped_at``)
is unchanged keeps its ``last_changed`` and only has ``last_seen``/``scraped_at`` moved on; nothing is
deleted because one load or crawl missed it. Each first sighting and each change of price, member price
or currency adds a row to ``price_history`` stamped with when it was seen (``scraped_at``, else the
run's start). Every publish records a row in ``run``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from catalog import bulk_jsonl
from catalog.db import writing
from catalog.records import Record, RecordError, iter_jsonl, parse_csv_row, parse_record
from catalog.staging import Batch

ProgressCallback = Callable[[str, int, int], None]
"""Called as (stage, done, total) while loading; units are bytes while reading, records after."""

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)


class LoadError(ValueError):
    """The input was rejected; ``errors`` are lines ``file:line: field: problem``. Nothing was stored."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s); nothing was loaded")


@dataclass(frozen=True)
class ChangeCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class LoadResult:
    """What one load did. ``records`` counts distinct keys staged (the last copy of a key wins)."""

    run_id: int
    courses: ChangeCounts
    offers: ChangeCounts
    price_changes: int

    @property
    def inserted(self) -> int:
        return self.courses.inserted + self.offers.inserted

    @property
    def updated(self) -> int:
        return self.courses.updated + self.offers.updated

    @property
    def unchanged(self) -> int:
        return self.courses.unchanged + self.offers.unchanged

    @property
    def records(self) -> int:
        return self.inserted + self.updated + self.unchanged


def _now() -> datetime:
    return datetime.now(UTC)


# --- Reading files -----------------------------------------------------------------------------------


def load_files(
    path: str | os.PathLike[str],
    files: Iterable[str | os.PathLike[str]],
    *,
    default_source: str = "import",
    run_kind: str = "load",
    progress: ProgressCallback | None = None,
) -> LoadResult:
    """Load JSON Lines (.jsonl/.ndjson) or CSV (.csv) files into the catalog at ``path``, all or nothing.

    Records without ``source`` get ``default_source``. Raises LoadError listing every problem in every
    file as ``file:line: field: problem``; then the catalog is untouched and no run is recorded.
    """
    started = _now()
    names = [str(f) for f in files]
    batch = Batch()
    errors: list[str] = []
    total_bytes = sum(_size(name) for name in names)
    done_bytes = 0
    for name in names:
        errors.extend(_read_file(name, batch, default_source))
        done_bytes += _size(name)
        if progress:
            progress(f"read {Path(name).name}", done_bytes, total_bytes)
    if errors:
        raise LoadError(errors)
    note = "files: " + ", ".join(names)
    return _publish(path, batch, kind=run_kind, provider=None, note=note, started=started, progress=progress)


def load_records(
    path: str | os.PathLike[str],
    records: Iterable[Record],
    *,
    run_kind: str,
    provider: str | None = None,
    note: str | None = None,
    started: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> LoadResult:
    """Publish already-validated records (e.g. from a crawl) in one atomic step and record the run."""
    batch = Batch()
    batch.add_all(records)
    return _publish(
        path, batch, kind=run_kind, provider=provider, note=note, started=started or _now(), progress=progress
    )


def record_run(
    path: str | os.PathLike[str],
    *,
    kind: str,
    provider: str | None,
    started: datetime,
    finished: datetime | None,
    items: int,
    errors: int,
    status: str,
    note: str | None = None,
) -> int:
    """Record a run that publishes no records (e.g. a suspect crawl); returns its run_id."""
    with writing(path) as con:
        return _insert_run(
            con,
            kind=kind,
            provider=provider,
            started=started,
            finished=finished,
            items=items,
            errors=errors,
            status=status,
            note=note,
            counts=(0, 0, 0, 0),
        )


def _size(name: str) -> int:
    try:
        return os.path.getsize(name)
    except OSError:
        return 0


def _read_file(name: str, batch: Batch, default_source: str) -> list[str]:
    """Stage every record of one file; returns its problems as ``file:line: field: problem``."""
    suffix = Path(name).suffix.lower()
    if suffix not in JSONL_SUFFIXES + CSV_SUFFIXES:
        return [f"{name}:0: file: must end in .jsonl, .ndjson or .csv"]
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        return [f"{name}:0: file: cannot be read ({exc.strerror or exc})"]
    if suffix in CSV_SUFFIXES:
        rows = _csv_rows(name, data)
        return _stage_rows(name, rows, batch, default_source, parse=parse_csv_row)
    return _read_jsonl(name, data, batch, default_source)


def _read_jsonl(name: str, data: bytes, batch: Batch, default_source: str) -> list[str]:
    lines = data.split(b"\n")
    odd_lines = bulk_jsonl.stage(lines, batch, default_source)
    rows = _json_rows(lines, odd_lines)
    return _stage_rows(name, rows, batch, default_source, parse=parse_record)


RawRows = Iterator[tuple[int, dict[str, object] | None, str | None]]


def _json_rows(lines: list[bytes], numbers: list[int]) -> RawRows:
    """(line number, object, problem) for the given 1-based line numbers."""
    for number in numbers:
        try:
            text = lines[number - 1].decode("utf-8")
        except UnicodeDecodeError:
            yield number, None, "record: is not valid UTF-8"
            continue
        for _, obj, problem in iter_jsonl([text]):
            yield number, obj, problem


def _csv_rows(name: str, data: bytes) -> RawRows:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield 1 + data[: exc.start].count(b"\n"), None, "record: is not valid UTF-8"
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    line = 1  # the header
    for row in reader:
        first_line, line = line + 1, reader.line_num
        if None in row:
            yield first_line, None, "record: has more cells than the header has columns"
            continue
        yield first_line, dict(row), None


def _stage_rows(
    name: str,
    rows: RawRows,
    batch: Batch,
    default_source: str,
    *,
    parse: Callable[..., Record],
) -> list[str]:
    errors: list[str] = []
    for number, obj, problem in rows:
        if problem is not None or obj is None:
            errors.append(f"{name}:{number}: {problem}")
            continue
        try:
            record = parse(obj, default_source=default_source)
        except RecordError as exc:
            errors.extend(f"{name}:{number}: {p}" for p in exc.problems)
            continue
        batch.add(record)
    return errors


# --- Publishing --------------------------------------------------------------------------------------


def _publish(
    path: str | os.PathLike[str],
    batch: Batch,
    *,
    kind: str,
    provider: str | None,
    note: str | None,
    started: datetime,
    progress: ProgressCallback | None,
) -> LoadResult:
    tables = batch.tables()
    if provider is None and len(batch.providers) == 1:
        provider = next(iter(batch.providers))
    if progress:
        progress("publish", 0, batch.records)
    with writing(path) as con:
        run_id = _next_run_id(con)
        for name, table in tables.items():
            _register(con, f"stage_{name}_in", table)
        con.execute("BEGIN TRANSACTION")
        courses, course_prices = _upsert(con, _COURSES, run_id, started)
        _replace_children(con)
        offers, offer_prices = _upsert(con, _OFFERS, run_id, started)
        result = LoadResult(run_id, courses, offers, course_prices + offer_prices)
        _insert_run(
            con,
            kind=kind,
            provider=provider,
            started=started,
            finished=_now(),
            items=result.records,
            errors=0,
            status="ok",
            note=note,
            counts=(result.inserted, result.updated, result.unchanged, result.price_changes),
            providers=sorted(batch.providers),
            run_id=run_id,
        )
        con.execute("COMMIT")
        for name in tables:
            con.unregister(f"stage_{name}_in")
    if progress:
        progress("publish", batch.records, batch.records)
    return result


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    con.register(name, table)


def _next_run_id(con: duckdb.DuckDBPyConnection) -> int:
    return _scalar(con, "SELECT coalesce(max(run_id), 0) + 1 FROM run")


def _insert_run(
    con: duckdb.DuckDBPyConnection,
    *,
    kind: str,
    provider: str | None,
    started: datetime,
    finished: datetime | None,
    items: int,
    errors: int,
    status: str,
    note: str | None,
    counts: tuple[int, int, int, int],
    providers: list[str] | None = None,
    run_id: int | None = None,
) -> int:
    run_id = run_id if run_id is not None else _next_run_id(con)
    con.execute(
        "INSERT INTO run (run_id, kind, provider, started, finished, items, errors, status, note,"
        " inserted, updated, unchanged, price_changes, providers)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, kind, provider, started, finished, items, errors, status, note, *counts, providers or []],
    )
    return run_id


_STAGE_COURSES = """
CREATE OR REPLACE TEMP TABLE s_course AS
WITH latest AS (
    SELECT * FROM stage_course_in
    QUALIFY row_number() OVER (PARTITION BY provider, course_id ORDER BY seq DESC) = 1
),
approvals AS (
    SELECT a.seq, list({
        'body': a.body, 'credits': a.credits, 'approval_id': a.approval_id, 'expires': a.expires,
        'categories': (
            SELECT list({'area': x.area, 'credits': x.credits} ORDER BY x.area)
            FROM stage_approval_area_in AS x WHERE x.seq = a.seq AND x.body = a.body
        )
    } ORDER BY a.body) AS items
    FROM stage_approval_in AS a SEMI JOIN latest USING (seq)
    GROUP BY a.seq
),
areas AS (
    SELECT seq, list({'area': area, 'hours': hours} ORDER BY area) AS items
    FROM stage_area_in SEMI JOIN latest USING (seq)
    GROUP BY seq
)
SELECT
    l.seq, l.provider, l.course_id, l.title, l.url, l.description, l.format,
    CAST(l.hours AS DECIMAL(18, 6)) AS hours,
    CAST(l.price AS DECIMAL(18, 4)) AS price,
    CAST(l.member_price AS DECIMAL(18, 4)) AS member_price,
    l.currency, l.kind, l.included_in, l.available_from, l.available_until, l.location,
    l.access_months, l.source, l.scraped_at, l.record,
    md5(CAST(to_json({
        'title': l.title, 'url': l.url, 'description': l.description, 'format': l.format,
        'hours': l.hours, 'price': l.price, 'member_price': l.member_price, 'currency': l.currency,
        'kind': l.kind, 'included_in': l.included_in, 'available_from': l.available_from,
        'available_until': l.available_until, 'location': l.location, 'access_months': l.access_months,
        'source': l.source, 'extras': l.extras, 'approvals': ap.items, 'areas': ar.items
    }) AS VARCHAR)) AS content_hash,
    coalesce(l.scraped_at, CAST($started AS TIMESTAMPTZ)) AS seen_at
FROM latest AS l
LEFT JOIN approvals AS ap USING (seq)
LEFT JOIN areas AS ar USING (seq)
"""

_DIFF_COURSES = """
CREATE OR REPLACE TEMP TABLE d_course AS
SELECT
    s.seq,
    c.provider IS NULL AS is_new,
    c.content_hash IS DISTINCT FROM s.content_hash AS changed,
    c.provider IS NULL
        OR c.price IS DISTINCT FROM s.price
        OR c.member_price IS DISTINCT FROM s.member_price
        OR c.currency IS DISTINCT FROM s.currency AS price_seen
FROM s_course AS s
LEFT JOIN course AS c USING (provider, course_id)
"""

_COURSE_COLUMNS = (
    "title",
    "url",
    "description",
    "format",
    "hours",
    "price",
    "member_price",
    "currency",
    "kind",
    "included_in",
    "available_from",
    "available_until",
    "location",
    "access_months",
    "source",
    "scraped_at",
    "record",
    "content_hash",
)


def _update_existing(
    con: duckdb.DuckDBPyConnection, table: str, id_column: str, columns: tuple[str, ...]
) -> None:
    """Move every re-seen row on; content columns only change when the content hash did."""
    assignments = ", ".join(f"{c} = s.{c}" for c in columns)
    con.execute(
        f"UPDATE {table} SET {assignments},"  # noqa: S608 (identifiers only)
        f" last_seen = greatest({table}.last_seen, s.seen_at),"
        f" last_changed = CASE WHEN d.changed THEN s.seen_at ELSE {table}.last_changed END"
        f" FROM s_{table} AS s JOIN d_{table} AS d USING (seq)"
        f" WHERE NOT d.is_new AND {table}.provider = s.provider AND {table}.{id_column} = s.{id_column}"
    )


def _replace_children(con: duckdb.DuckDBPyConnection) -> None:
    """Approvals, approval categories and content areas of new and changed courses."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE changed_course AS"
        " SELECT s.seq, s.provider, s.course_id, d.is_new"
        " FROM s_course AS s JOIN d_course AS d USING (seq) WHERE d.changed"
    )
    for table in ("course_approval", "course_approval_area", "course_area"):
        con.execute(
            f"DELETE FROM {table} USING changed_course AS k"  # noqa: S608 (identifiers only)
            f" WHERE NOT k.is_new AND {table}.provider = k.provider AND {table}.course_id = k.course_id"
        )
    con.execute(
        "INSERT INTO course_approval SELECT k.provider, k.course_id, a.body,"
        " CAST(a.credits AS DECIMAL(18, 6)), a.approval_id, a.expires"
        " FROM stage_approval_in AS a JOIN changed_course AS k USING (seq)"
    )
    con.execute(
        "INSERT INTO course_approval_area SELECT k.provider, k.course_id, a.body, a.area,"
        " CAST(a.credits AS DECIMAL(18, 6)) FROM stage_approval_area_in AS a"
        " JOIN changed_course AS k USING (seq)"
    )
    con.execute(
        "INSERT INTO course_area SELECT k.provider, k.course_id, a.area, CAST(a.hours AS DECIMAL(18, 6))"
        " FROM stage_area_in AS a JOIN changed_course AS k USING (seq)"
    )


_STAGE_OFFERS = """
CREATE OR REPLACE TEMP TABLE s_offer AS
SELECT
    seq, provider, offer_id, name, kind, CAST(price AS DECIMAL(18, 4)) AS price, currency, period_months, url,
    description, source, scraped_at, record,
    md5(CAST(to_json({
        'name': name, 'kind': kind, 'price': price, 'currency': currency, 'period_months': period_months,
        'url': url, 'description': description, 'source': source, 'extras': extras
    }) AS VARCHAR)) AS content_hash,
    CAST(NULL AS DECIMAL(18, 4)) AS member_price,
    coalesce(scraped_at, CAST($started AS TIMESTAMPTZ)) AS seen_at
FROM stage_offer_in
QUALIFY row_number() OVER (PARTITION BY provider, offer_id ORDER BY seq DESC) = 1
"""

_DIFF_OFFERS = """
CREATE OR REPLACE TEMP TABLE d_offer AS
SELECT
    s.seq,
    o.provider IS NULL AS is_new,
    o.content_hash IS DISTINCT FROM s.content_hash AS changed,
    o.provider IS NULL OR o.price IS DISTINCT FROM s.price OR o.currency IS DISTINCT FROM s.currency
        AS price_seen
FROM s_offer AS s
LEFT JOIN offer AS o USING (provider, offer_id)
"""

_OFFER_COLUMNS = (
    "name",
    "kind",
    "price",
    "currency",
    "period_months",
    "url",
    "description",
    "source",
    "scraped_at",
    "record",
    "content_hash",
)


@dataclass(frozen=True)
class _ItemTable:
    """How one kind of record (course or offer) is staged, compared and stored."""

    table: str
    id_column: str
    stage_sql: str
    diff_sql: str
    columns: tuple[str, ...]


_COURSES = _ItemTable("course", "course_id", _STAGE_COURSES, _DIFF_COURSES, _COURSE_COLUMNS)
_OFFERS = _ItemTable("offer", "offer_id", _STAGE_OFFERS, _DIFF_OFFERS, _OFFER_COLUMNS)


def _upsert(
    con: duckdb.DuckDBPyConnection, items: _ItemTable, run_id: int, started: datetime
) -> tuple[ChangeCounts, int]:
    """Stage, diff, record prices, insert new rows and move existing ones on; (counts, price changes)."""
    con.execute(items.stage_sql, {"started": started})
    con.execute(items.diff_sql)
    counts = _counts(con, f"d_{items.table}")
    price_changes = _record_prices(con, items.table, run_id)
    key = f"provider, {items.id_column}"
    columns = ", ".join(items.columns)
    source_columns = ", ".join(f"s.{c}" for c in items.columns)
    con.execute(
        f"INSERT INTO {items.table} ({key}, {columns}, first_seen, last_seen, last_changed)"  # noqa: S608 (identifiers only)
        f" SELECT s.provider, s.{items.id_column}, {source_columns}, s.seen_at, s.seen_at, s.seen_at"
        f" FROM s_{items.table} AS s JOIN d_{items.table} AS d USING (seq) WHERE d.is_new"
    )
    _update_existing(con, items.table, items.id_column, items.columns)
    return counts, price_changes


def _counts(con: duckdb.DuckDBPyConnection, diff_table: str) -> ChangeCounts:
    (row,) = con.execute(
        f"SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE changed AND NOT is_new),"  # noqa: S608 (identifiers only)
        f" count(*) FILTER (WHERE NOT changed) FROM {diff_table}"
    ).fetchall()
    return ChangeCounts(int(row[0]), int(row[1]), int(row[2]))


def _record_prices(con: duckdb.DuckDBPyConnection, item_type: str, run_id: int) -> int:
    """Add price-history rows for first sightings and price changes; returns the number of changes
    (first sightings excluded)."""
    id_column = "course_id" if item_type == "course" else "offer_id"
    con.execute(
        f"INSERT INTO price_history SELECT ?, s.provider, s.{id_column}, s.price, s.member_price,"  # noqa: S608 (identifiers only)
        f" s.currency, s.seen_at, ? FROM s_{item_type} AS s JOIN d_{item_type} AS d USING (seq)"
        " WHERE d.price_seen",
        [item_type, run_id],
    )
    changes = f"SELECT count(*) FROM d_{item_type} WHERE price_seen AND NOT is_new"  # noqa: S608 (identifier)
    return _scalar(con, changes)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The single integer a query returns (fetchall: DuckDB 2 refuses new work on a half-read result)."""
    ((value,),) = con.execute(sql).fetchall()
    return int(value)
