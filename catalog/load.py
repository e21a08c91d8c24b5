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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from catalog import bulk_jsonl
from catalog.db import writing
from catalog.flat import flat_columns, flat_select
from catalog.records import (
    AREAS,
    Record,
    checked_records,
    iter_jsonl,
    parse_csv_row,
    parse_record,
)
from catalog.staging import Batch, numbered

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
    total_bytes = sum(_size(name) for name in names)
    # JSON Lines files are read and parsed in a worker thread while the writer takes the lock and
    # prepares its private copy (pyarrow parses without the GIL); the staging waits for each in turn.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="recert-parse") as pool:
        parsed = {name: pool.submit(_parse_jsonl, name) for name in names if _is_jsonl(name)}
        # Staging happens in the writer's private copy: a rejected load is simply never published.
        with writing(path) as con:
            batch = Batch(con)
            errors: list[str] = []
            done_bytes = 0
            for name in names:
                future = parsed.get(name)
                errors.extend(_read_file(name, batch, default_source, future.result() if future else None))
                done_bytes += _size(name)
                if progress:
                    progress(f"read {Path(name).name}", done_bytes, total_bytes)
            if errors:
                raise LoadError(errors)
            note = "files: " + ", ".join(names)
            return _publish(
                batch, kind=run_kind, provider=None, note=note, started=started, progress=progress
            )


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
    with writing(path) as con:
        batch = Batch(con)
        batch.add_all(records)
        return _publish(
            batch, kind=run_kind, provider=provider, note=note, started=started or _now(), progress=progress
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


def _is_jsonl(name: str) -> bool:
    return Path(name).suffix.lower() in JSONL_SUFFIXES


def _parse_jsonl(name: str) -> bulk_jsonl.ParsedFile | None:
    """A JSONL file read and parsed (None if it cannot be read: the staging reports why)."""
    try:
        data = Path(name).read_bytes()
    except OSError:
        return None
    return bulk_jsonl.parse_file(data)


def _read_file(
    name: str, batch: Batch, default_source: str, parsed: bulk_jsonl.ParsedFile | None = None
) -> list[str]:
    """Stage every record of one file (a JSONL file as ``_parse_jsonl`` read it); returns its problems as
    ``file:line: field: problem``."""
    suffix = Path(name).suffix.lower()
    if suffix not in JSONL_SUFFIXES + CSV_SUFFIXES:
        return [f"{name}:0: file: must end in .jsonl, .ndjson or .csv"]
    if parsed is None:
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            return [f"{name}:0: file: cannot be read ({exc.strerror or exc})"]
        if suffix in CSV_SUFFIXES:
            return _stage_rows(name, _csv_rows(data), batch, default_source, parse=parse_csv_row)
        parsed = bulk_jsonl.parse_file(data)
    left = bulk_jsonl.stage_file(name, parsed, batch, default_source)
    if not left:
        return []
    rows = _json_rows(parsed.data.split(b"\n"), list(left))
    return _stage_rows(name, rows, batch, default_source, parse=parse_record, seqs=left)


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


def _csv_rows(data: bytes) -> RawRows:
    """(line the row starts on, row, problem) per CSV data row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield 1 + data[: exc.start].count(b"\n"), None, "record: is not valid UTF-8"
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    line = 1  # the header
    try:
        for row in reader:
            first_line, line = line + 1, reader.line_num
            if None in row:
                yield first_line, None, "record: has more cells than the header has columns"
                continue
            yield first_line, dict(row), None
    except csv.Error as exc:  # e.g. a cell over csv.field_size_limit() (131,072) characters
        yield line + 1, None, f"record: cannot be read as CSV ({exc})"


def _stage_rows(
    name: str,
    rows: RawRows,
    batch: Batch,
    default_source: str,
    *,
    parse: Callable[..., Record],
    seqs: dict[int, int] | None = None,
) -> list[str]:
    """Validate and stage rows; ``seqs`` gives the batch position reserved for each line number."""
    errors: list[str] = []
    for number, record in checked_records(name, rows, errors, parse=parse, default_source=default_source):
        batch.add(record, seqs[number] if seqs else None)
    return errors


# --- Publishing --------------------------------------------------------------------------------------


def _publish(
    batch: Batch,
    *,
    kind: str,
    provider: str | None,
    note: str | None,
    started: datetime,
    progress: ProgressCallback | None,
) -> LoadResult:
    """Upsert the staged batch and record the run, in one transaction on the writer's connection."""
    con = batch.con
    batch.flush()
    staged = batch.staged()
    if progress:
        progress("publish", 0, staged)
    run_id = _next_run_id(con)
    con.execute("BEGIN TRANSACTION")
    courses, course_prices = _upsert(con, _COURSES, run_id, started)
    offers, offer_prices = _upsert(con, _OFFERS, run_id, started)
    result = LoadResult(run_id, courses, offers, course_prices + offer_prices)
    # Every provider with a staged course or offer (from the staged keys, one row per key).
    providers = [
        name
        for (name,) in con.execute(
            "SELECT provider FROM d_course UNION SELECT provider FROM d_offer ORDER BY 1"
        ).fetchall()
    ]
    if provider is None and len(providers) == 1:
        provider = providers[0]
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
        providers=providers,
        run_id=run_id,
    )
    con.execute("COMMIT")
    if progress:
        progress("publish", staged, staged)
    return result


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


def _xor(hashes: str) -> str:
    """The XOR of a list of hashes, NULL for none: an order-free digest of a course's nested rows (the
    same value ``bit_xor`` over child rows gave, so content hashes stay comparable with older loads)."""
    return f"CASE WHEN len({hashes}) > 0 THEN list_reduce({hashes}, lambda x, y: xor(x, y)) END"


def _per_area(expr: str, item: str) -> str:
    """XOR of ``item`` (SQL with ``{area}`` and ``{amount}`` placeholders) over the areas present in the
    area struct ``expr`` (0 when none is)."""
    terms = [
        f"CASE WHEN {expr}.{area} IS NOT NULL THEN {item.format(area=repr(area), amount=f'{expr}.{area}')}"
        " ELSE CAST(0 AS UBIGINT) END"
        for area in AREAS
    ]
    return f"xor(xor({terms[0]}, {terms[1]}), {terms[2]})"


_APPROVAL_HASHES = "list_transform(l.approvals, lambda a: hash(a.body, a.credits, a.approval_id, a.expires))"
_CATEGORY_HASH = _per_area("a.categories", "hash(a.body, {area}, {amount})")  # one approval's categories
_CATEGORY_DIGEST = (
    "CASE WHEN list_bool_or(list_transform(l.approvals, lambda a: a.categories IS NOT NULL)) THEN"
    f" list_reduce(list_transform(l.approvals, lambda a: {_CATEGORY_HASH}), lambda x, y: xor(x, y)) END"
)
_AREA_DIGEST = (
    f"CASE WHEN l.content_areas IS NOT NULL THEN {_per_area('l.content_areas', 'hash({area}, {amount})')} END"
)
_AREA_MASK = " + ".join(
    f"{1 << bit} * CAST(l.content_areas.{area} IS NOT NULL OR list_bool_or(list_transform(l.approvals,"
    f" lambda a: a.categories.{area} IS NOT NULL)) IS TRUE AS UTINYINT)"
    for bit, area in enumerate(AREAS)
)
_BODY_CREDITS = (
    "CASE WHEN len(l.approvals) > 0 THEN map(list_transform(l.approvals, lambda a: a.body),"
    " list_transform(l.approvals, lambda a: CAST(a.credits AS DECIMAL(18, 6)))) END"
)

# The key facts of each course to store, one row per key (the last staged copy wins): what the diff, the
# price history and the title ranks need, and the content hash. Narrow, so it is materialised.
_STAGE_COURSES = f"""
SELECT
    l.seq, l.provider, l.course_id, l.title,
    CAST(l.price AS DECIMAL(18, 4)) AS price,
    CAST(l.member_price AS DECIMAL(18, 4)) AS member_price,
    l.currency, l.scraped_at,
    hash(
        l.title, l.url, l.description, l.format, l.hours, l.price, l.member_price, l.currency, l.kind,
        l.included_in, l.available_from, l.available_until, l.location, l.access_months, l.source,
        l.extras, {_xor(_APPROVAL_HASHES)}, {_CATEGORY_DIGEST}, {_AREA_DIGEST}
    ) AS content_hash,
    coalesce(l.scraped_at, CAST($started AS TIMESTAMPTZ)) AS seen_at
FROM stage_course_in AS l
WHERE seq IN (SELECT max(seq) FROM stage_course_in GROUP BY provider, course_id)
"""  # noqa: S608 (constant SQL)

_AREAS_TYPE = "STRUCT(" + ", ".join(f"{area} DECIMAL(18, 6)" for area in AREAS) + ")"
_APPROVALS_TYPE = (
    "STRUCT(body VARCHAR, credits DECIMAL(18, 6), approval_id VARCHAR, expires DATE,"
    f" categories {_AREAS_TYPE})[]"
)

# The stored columns of every staged course, computed within the row (no joins). Read once, by the
# insert, straight from the staged rows: the wide rows (with the record text) are never materialised.
_COURSE_ROWS = f"""
SELECT
    l.seq, l.title, l.url, l.description, l.format,
    CAST(l.hours AS DECIMAL(18, 6)) AS hours,
    CAST(l.price AS DECIMAL(18, 4)) AS price,
    CAST(l.member_price AS DECIMAL(18, 4)) AS member_price,
    l.currency, l.kind, l.included_in, l.available_from, l.available_until, l.location,
    l.access_months, l.source, l.scraped_at, l.record,
    list_filter({list(AREAS)!r}, lambda area, i: (l.area_mask >> (i - 1)) & 1 = 1) AS areas,
    l.area_mask,
    list_sort(list_transform(l.approvals, lambda a: a.body)) AS bodies,
    coalesce(l.body_credits, MAP {{}}) AS credits,
    {flat_select("CAST(l.price AS DECIMAL(18, 4))", "l.body_credits")},
    CAST(l.approvals AS {_APPROVALS_TYPE}) AS approvals,
    CAST(l.content_areas AS {_AREAS_TYPE}) AS content_areas
FROM (
    SELECT *, CAST({_AREA_MASK} AS UTINYINT) AS area_mask, {_BODY_CREDITS} AS body_credits
    FROM stage_course_in AS l
) AS l
"""  # noqa: S608 (constant SQL: the flat body columns)


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
    "areas",
    "area_mask",
    "bodies",
    "credits",
    *flat_columns(),
    "approvals",
    "content_areas",
)


# Every course in title order after this load (rows are numbered in Python: DuckDB's parallel sort
# into Arrow takes about half the time of ``row_number() OVER (ORDER BY ...)``, which sorts on one
# core), computed before the insert so new and rewritten rows are written with their rank: an UPDATE of
# the freshly inserted rows would have DuckDB rewrite them all at COMMIT (≈ 0.5 s per 100,000). ``seq``
# is NULL for a course kept as it was; only those carry their key (for ``_RERANK_KEPT``), under other
# names: ORDER BY would take an output column named ``provider`` over the input's.
_TITLE_ORDER = """
SELECT CASE WHEN seq IS NULL THEN provider END AS kept_provider,
    CASE WHEN seq IS NULL THEN course_id END AS kept_course_id, seq
FROM (
    SELECT c.provider, c.course_id, c.title, CAST(NULL AS BIGINT) AS seq FROM course AS c
    ANTI JOIN (SELECT provider, course_id FROM d_course WHERE rewrite) AS r USING (provider, course_id)
    UNION ALL
    SELECT provider, course_id, title, seq FROM d_course WHERE is_new OR rewrite
)
ORDER BY lower(title), provider, course_id
"""
# Courses kept as they were whose place moved (new titles sort before them).
_RERANK_KEPT = """
UPDATE course SET title_rank = r.title_rank
FROM title_rank_new AS r
WHERE r.seq IS NULL AND course.provider = r.kept_provider AND course.course_id = r.kept_course_id
    AND course.title_rank IS DISTINCT FROM r.title_rank
"""


_STAGE_OFFERS = """
SELECT
    seq, provider, offer_id, name, kind, CAST(price AS DECIMAL(18, 4)) AS price, currency, period_months, url,
    description, source, scraped_at, record,
    hash(name, kind, price, currency, period_months, url, description, source, extras) AS content_hash,
    CAST(NULL AS DECIMAL(18, 4)) AS member_price,
    coalesce(scraped_at, CAST($started AS TIMESTAMPTZ)) AS seen_at
FROM stage_offer_in
QUALIFY row_number() OVER (PARTITION BY provider, offer_id ORDER BY seq DESC) = 1
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
    stage_sql: str  # one row per key, with content_hash and seen_at (the facts of d_<table>)
    columns: tuple[str, ...]
    price_columns: tuple[str, ...]
    rows_sql: str | None = None  # the stored columns per staged seq, if not all in stage_sql's rows
    ranked: bool = False  # courses carry ``title_rank``


_COURSES = _ItemTable(
    "course",
    "course_id",
    _STAGE_COURSES,
    _COURSE_COLUMNS,
    ("price", "member_price", "currency"),
    rows_sql=_COURSE_ROWS,
    ranked=True,
)
_OFFERS = _ItemTable("offer", "offer_id", _STAGE_OFFERS, _OFFER_COLUMNS, ("price", "currency"))


def _upsert(
    con: duckdb.DuckDBPyConnection, items: _ItemTable, run_id: int, started: datetime
) -> tuple[ChangeCounts, int]:
    """Stage, diff, record prices (first sightings and changes), then insert new rows and replace re-seen
    ones that changed or were seen later (delete + insert: cheap in a column store, unlike wide UPDATEs);
    (counts, price changes — first sightings excluded)."""
    table, id_column = items.table, items.id_column
    # d_<table>: each staged key's facts (stage_sql) beside what the stored row says about it, and the
    # first/last seen and last changed it will be stored with. An Arrow table, so both threads scan it.
    price_moved = " OR ".join(f"o.{c} IS DISTINCT FROM s.{c}" for c in items.price_columns)
    diff = con.sql(
        "SELECT s.*, o.provider IS NULL AS is_new,"  # noqa: S608 (identifiers only)
        " o.content_hash IS DISTINCT FROM s.content_hash AS changed,"
        f" o.provider IS NULL OR {price_moved} AS price_seen,"
        " o.provider IS NOT NULL AND (o.content_hash IS DISTINCT FROM s.content_hash"
        " OR o.scraped_at IS DISTINCT FROM s.scraped_at OR s.seen_at > o.last_seen) AS rewrite,"
        " coalesce(o.first_seen, s.seen_at) AS first_seen,"
        " greatest(coalesce(o.last_seen, s.seen_at), s.seen_at) AS last_seen,"
        " CASE WHEN o.content_hash IS DISTINCT FROM s.content_hash THEN s.seen_at ELSE o.last_changed END"
        " AS last_changed"
        f" FROM ({items.stage_sql}) AS s LEFT JOIN {table} AS o USING (provider, {id_column})",
        params={"started": started},
    ).to_arrow_table()
    con.register(f"d_{table}", diff)
    ((inserted, updated, unchanged, price_changes, writes),) = con.execute(
        "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE changed AND NOT is_new),"  # noqa: S608 (identifier)
        " count(*) FILTER (WHERE NOT changed), count(*) FILTER (WHERE price_seen AND NOT is_new),"
        f" count(*) FILTER (WHERE is_new OR rewrite) FROM d_{table}"
    ).fetchall()
    counts = ChangeCounts(inserted, updated, unchanged)
    con.execute(
        f"INSERT INTO price_history SELECT ?, provider, {id_column}, price, member_price,"  # noqa: S608 (identifiers only)
        f" currency, seen_at, ? FROM d_{table} WHERE price_seen",
        [table, run_id],
    )
    if not writes:
        return counts, price_changes
    ranks = _rank_titles(con) if items.ranked else None  # registered as title_rank_new
    con.execute(
        f"DELETE FROM {table} USING d_{table} AS d WHERE d.rewrite"  # noqa: S608 (identifiers only)
        f" AND {table}.provider = d.provider AND {table}.{id_column} = d.{id_column}"
    )
    # The insert: the wide rows are computed once, straight from the staged rows, and joined to the
    # narrow facts with the facts as the hash tables (the optimizer, not knowing how many staged rows
    # there are, would build them from the wide rows).
    facts = (
        "content_hash",
        "first_seen",
        "last_seen",
        "last_changed",
        *(("title_rank",) if items.ranked else ()),
    )
    source = f"d_{table} AS k"
    if items.rows_sql:
        source = f"({items.rows_sql}) AS w JOIN d_{table} AS k USING (seq)"
    if items.ranked:
        source += " JOIN title_rank_new AS r USING (seq)"
    stored = [*(c for c in items.columns if c not in facts), *facts]
    values = ", ".join(
        "r.title_rank" if c == "title_rank" else f"k.{c}" if c in facts or not items.rows_sql else f"w.{c}"
        for c in stored
    )
    con.execute("SET disabled_optimizers = 'join_order,build_side_probe_side'")
    try:
        con.execute(
            f"INSERT INTO {table} (provider, {id_column}, {', '.join(stored)})"  # noqa: S608 (identifiers only)
            f" SELECT k.provider, k.{id_column}, {values} FROM {source} WHERE k.is_new OR k.rewrite"
        )
    finally:
        con.execute("RESET disabled_optimizers")
    if ranks is not None:
        con.execute(_RERANK_KEPT)
        con.unregister("title_rank_new")
    return counts, price_changes


def _rank_titles(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every course's ``title_rank`` after this load, registered on ``con`` as ``title_rank_new``
    (kept_provider, kept_course_id, seq, title_rank; see ``_TITLE_ORDER``)."""
    ordered = con.sql(_TITLE_ORDER).to_arrow_table()
    table = ordered.append_column("title_rank", numbered(1, ordered.num_rows, pa.int32()))
    con.register("title_rank_new", table)
    return table


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """The single integer a query returns (fetchall: DuckDB 2 refuses new work on a half-read result)."""
    ((value,),) = con.execute(sql).fetchall()
    return int(value)
