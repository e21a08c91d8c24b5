"""Bulk staging of JSON Lines course records: parsed and checked by DuckDB, not one by one in Python.

A line takes this path only when it is plainly valid *and already in the canonical form*
``records.parse_record`` would produce (known fields of the expected JSON types, lowercase choices,
whitespace already collapsed, ISO dates, …), so staging its values directly gives exactly what the
Python path would. Every other line — offers, unknown fields, anything unusual or wrong — is handed back
to the exact Python path (``parse_record``), which is the one judge of validity and writes the error
messages. If DuckDB cannot read the file at all (invalid JSON somewhere), every line goes that way.

The file is parsed once by ``pyarrow.json`` against an explicit schema of typed columns (it rejects a
wrong JSON type, a duplicate key or invalid UTF-8 anywhere by failing the whole file, and reveals an
unknown field, even a nested one, by a schema that differs from ours). If it cannot read the file that
way, DuckDB reads it instead (``read_json_objects`` + ``json_structure`` + ``json_transform``), which can
tell line by line which ones are plain. Either way the same SQL checks (``_PLAIN_COURSE``) decide which
lines are staged in bulk.

Conservative on purpose: a check here may send a valid line to the slow path, never let through a line
the record module would reject or normalise differently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from catalog.records import AREAS, COURSE_KINDS, FORMATS, MAX_DEPTH, SOURCES, too_deep
from catalog.staging import AREA_STRUCT, Batch, numbered

_NUMBER = frozenset({"UBIGINT", "BIGINT", "DOUBLE"})
_TEXT = frozenset({"VARCHAR", "NULL"})
_TEXT_FIELDS = (
    "type", "provider", "course_id", "title", "url", "description", "format", "currency", "kind",
    "source", "scraped_at", "available_from", "available_until", "location",
)  # fmt: skip
_TRANSFORM = json.dumps(
    {
        **{name: "VARCHAR" for name in _TEXT_FIELDS},
        "hours": "DOUBLE",
        "price": "DOUBLE",
        "member_price": "DOUBLE",
        "access_months": "BIGINT",
        "content_areas": {area: "DOUBLE" for area in AREAS},
        "included_in": ["VARCHAR"],
        "approvals": [
            {
                "body": "VARCHAR",
                "credits": "DOUBLE",
                "categories": {area: "DOUBLE" for area in AREAS},
                "approval_id": "VARCHAR",
                "expires": "VARCHAR",
            }
        ],
    }
)
_APPROVAL_KEYS = frozenset({"body", "credits", "categories", "approval_id", "expires"})


def _areas_shape(shape: Any) -> bool:
    return shape == "NULL" or (
        isinstance(shape, dict)
        and bool(shape)
        and set(shape) <= set(AREAS)
        and set(shape.values()) <= _NUMBER
    )


def _approvals_shape(shape: Any) -> bool:
    if shape == "NULL" or shape == ["NULL"]:
        return True
    if not (isinstance(shape, list) and len(shape) == 1 and isinstance(shape[0], dict)):
        return False
    item = shape[0]
    return (
        set(item) <= _APPROVAL_KEYS
        and item.get("body") == "VARCHAR"
        and item.get("credits") in _NUMBER
        and item.get("approval_id", "NULL") in _TEXT
        and item.get("expires", "NULL") in _TEXT
        and _areas_shape(item.get("categories", "NULL"))
    )


def _plain_structure(text: str) -> bool:
    """Whether a row's ``json_structure`` has only known course fields with their expected JSON types."""
    shape = json.loads(text)
    if not isinstance(shape, dict):
        return False
    for name, kind in shape.items():
        if name in _TEXT_FIELDS:
            ok = kind in _TEXT
        elif name == "hours":
            ok = kind in _NUMBER
        elif name in ("price", "member_price"):
            ok = kind in _NUMBER or kind == "NULL"
        elif name == "access_months":
            ok = kind in ("UBIGINT", "NULL")
        elif name == "content_areas":
            ok = _areas_shape(kind)
        elif name == "approvals":
            ok = _approvals_shape(kind)
        elif name == "included_in":
            ok = kind in ("NULL", ["VARCHAR"], ["NULL"])
        else:
            ok = False
        if not ok:
            return False
    return True


# Regular expressions (RE2) for values already in canonical form. \p{Z} and \p{Cc} cover every character
# Python's str.split()/strip() treat as whitespace.
_ID = r"[A-Za-z0-9_.:/\-]{1,200}"
_WORDS = r"[^\p{Z}\p{Cc}]+( [^\p{Z}\p{Cc}]+)*"  # single-spaced, no edge spaces
_EDGE = r"[^\p{Z}\p{Cc}]"  # a first or last character that Python's strip() would keep
_URL = r"https?://[^/?#\[\]@\\\p{Z}\p{Cc}]+([/?#][^\p{Z}\p{Cc}]*)?"
_DAY = r"\d{4}-\d{2}-\d{2}"
_STAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?(Z|[+-]\d{2}:\d{2})"
_BODY = r"[A-Z][A-Z0-9&\-]{1,19}"
_HOURS_LIMIT = "100000"  # records.MAX_HOURS
_MONEY_LIMIT = "1000000000"  # records.MAX_MONEY
_MIN_HOURS = "0.01"  # records.MIN_HOURS
_FIRST_DAY, _LAST_DAY = "'1900-01-01'", "'2199-12-31'"  # records.FIRST_DAY, records.LAST_DAY
# A JSON escape of a UTF-16 surrogate (a pair for an emoji, or a lone one, which is not text): the
# Python path decides.
_SURROGATE_ESCAPE = r"(contains(CAST(record AS VARCHAR), '\u')"
_SURROGATE_ESCAPE += r" AND regexp_matches(CAST(record AS VARCHAR), '\\u[dD][89a-fA-F]'))"
_SUM_SLACK = "0.009999999"  # records.AREA_SUM_TOLERANCE, less float noise


def _quoted(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def _amount(expr: str, *, positive: bool, limit: str = _HOURS_LIMIT) -> str:
    low = f"{expr} >= {_MIN_HOURS}" if positive else f"{expr} >= 0"
    return f"(isfinite({expr}) AND {low} AND {expr} < {limit})"


def _areas_ok(expr: str) -> str:
    """An area struct (one field per content area; JSON keys were checked to be areas) that is absent, or
    names at least one area, each with a positive amount."""
    present = " OR ".join(f"{expr}.{area} IS NOT NULL" for area in AREAS)
    amounts = " AND ".join(
        f"({expr}.{area} IS NULL OR {_amount(f'{expr}.{area}', positive=True)})" for area in AREAS
    )
    return f"({expr} IS NULL OR (({present}) AND {amounts}))"


def area_sum(expr: str) -> str:
    """SQL for the total of an area struct's amounts."""
    return " + ".join(f"coalesce({expr}.{area}, 0)" for area in AREAS)


def _text_ok(expr: str, pattern: str, max_len: int) -> str:
    return f"({expr} IS NULL OR (strlen({expr}) <= {max_len} AND regexp_full_match({expr}, '{pattern}')))"


def _trimmed(expr: str) -> str:
    """Non-empty, without whitespace at either end (RE2's ``$`` is the end of the text only; two anchored
    searches cost half of matching ``left(x, 1)`` and ``right(x, 1)``, which count characters)."""
    return f"(regexp_matches({expr}, '^{_EDGE}') AND regexp_matches({expr}, '{_EDGE}$'))"


def _day_ok(expr: str) -> str:
    return (
        f"({expr} IS NULL OR (regexp_full_match({expr}, '{_DAY}') AND try_cast({expr} AS DATE) IS NOT NULL"
        f" AND {expr} BETWEEN {_FIRST_DAY} AND {_LAST_DAY}))"
    )


_APPROVAL_OK = " AND ".join(
    (
        "a IS NOT NULL",
        f"regexp_full_match(a.body, '{_BODY}')",
        _amount("a.credits", positive=True),
        _areas_ok("a.categories"),
        f"(a.categories IS NULL OR {area_sum('a.categories')} <= a.credits + {_SUM_SLACK})",
        _text_ok("a.approval_id", _WORDS, 200),
        _day_ok("a.expires"),
    )
)

_PLAIN_COURSE = " AND ".join(
    (
        "(type IS NULL OR type = 'course')",
        f"regexp_full_match(provider, '{_ID}')",
        f"regexp_full_match(course_id, '{_ID}')",
        f"title IS NOT NULL AND {_text_ok('title', _WORDS, 500)}",
        f"url IS NOT NULL AND {_text_ok('url', _URL, 2000)}",
        "(description IS NULL OR (strlen(description) <= 20000 AND " + _trimmed("description") + "))",
        f"list_contains({_quoted(FORMATS)}, format)",
        _amount("hours", positive=True),
        f"(price IS NULL OR {_amount('price', positive=False, limit=_MONEY_LIMIT)})",
        f"(member_price IS NULL OR {_amount('member_price', positive=False, limit=_MONEY_LIMIT)})",
        "(currency IS NULL OR regexp_full_match(currency, '[A-Z]{3}'))",
        f"(kind IS NULL OR list_contains({_quoted(COURSE_KINDS)}, kind))",
        f"(source IS NULL OR list_contains({_quoted(SOURCES)}, source))",
        _text_ok("location", _WORDS, 500),
        "(access_months IS NULL OR access_months BETWEEN 1 AND 1200)",
        _day_ok("available_from"),
        _day_ok("available_until"),
        "(available_from IS NULL OR available_until IS NULL OR available_until >= available_from)",
        f"(scraped_at IS NULL OR (regexp_full_match(scraped_at, '{_STAMP}')"
        " AND try_cast(scraped_at AS TIMESTAMPTZ) IS NOT NULL"
        f" AND left(scraped_at, 10) BETWEEN {_FIRST_DAY} AND {_LAST_DAY}))",
        f"NOT {_SURROGATE_ESCAPE}",
        _areas_ok("content_areas"),
        f"(content_areas IS NULL OR abs({area_sum('content_areas')} - hours) <= {_SUM_SLACK})",
        "(included_in IS NULL OR len(list_distinct(included_in)) = len(included_in))",
        f"(included_in IS NULL OR list_bool_and(list_transform(included_in,"
        f" lambda x: coalesce({_trimmed('x')}, false))))",
        f"(approvals IS NULL OR len(approvals) = 0 OR (list_bool_and(list_transform(approvals,"
        f" lambda a: coalesce({_APPROVAL_OK}, false)))"
        " AND len(list_distinct(list_transform(approvals, lambda a: a.body))) = len(approvals)))",
    )
)


@dataclass(frozen=True)
class ParsedFile:
    """A JSONL file's bytes (without a UTF-8 byte order mark) and, when it could be read whole (no blank
    line, UTF-8, the typed schema), its typed table (``read_arrow``'s form). ``safe`` is False when a
    line nests too deeply for the bulk readers (they crash): then every line takes the Python path.
    ``on_disk`` is False when ``data`` is not the file as stored (a byte order mark was dropped), so
    DuckDB may not read the file itself."""

    data: bytes
    table: pa.Table | None
    safe: bool = True
    on_disk: bool = True


UTF8_BOM = b"\xef\xbb\xbf"


def parse_file(data: bytes) -> ParsedFile:
    """Parse a JSONL file's bytes in place (its lines are one Arrow array over ``data``, no copy). Runs
    without the GIL for the most part: a loader may call it while it prepares the catalog. A line nested
    more than MAX_DEPTH levels deep is never handed to pyarrow or DuckDB (pyarrow's reader crashes the
    process on 100,000 levels): the Python path reports it."""
    bom = data.startswith(UTF8_BOM)
    if bom:
        data = data[len(UTF8_BOM) :]
    if _any_line_too_deep(data):
        return ParsedFile(data, None, safe=False, on_disk=not bom)
    records = _line_array(data)
    table = _read_typed(pa.BufferReader(data), records) if records is not None else None
    return ParsedFile(data, table, on_disk=not bom)


def _any_line_too_deep(data: bytes) -> bool:
    """Whether a line of ``data`` nests more than MAX_DEPTH levels: only lines with more than MAX_DEPTH
    opening brackets (counted at C speed) are scanned."""
    chars = np.frombuffer(data, dtype=np.uint8)
    openers = np.flatnonzero((chars == ord("[")) | (chars == ord("{")))
    if len(openers) <= MAX_DEPTH:
        return False
    newlines = np.flatnonzero(chars == ord("\n"))
    per_line = np.bincount(np.searchsorted(newlines, openers))
    starts = np.concatenate(([0], newlines + 1))
    ends = np.append(newlines, len(data))
    return any(too_deep(data[starts[line] : ends[line]]) for line in np.flatnonzero(per_line > MAX_DEPTH))


def stage_file(path: str, parsed: ParsedFile, batch: Batch, default_source: str) -> dict[int, int]:
    """Stage the plainly valid course lines of one JSONL file (``parse_file``'s result) in bulk into the
    batch.

    Every non-blank line gets a sequence number in file order; returns {line number: seq} for the lines
    left to the exact Python path. A file ``parse_file`` read whole is staged from its typed table; any
    other goes through ``stage`` line by line.
    """
    if parsed.table is None or default_source not in SOURCES:
        lines = parsed.data.split(b"\n")
        return stage(
            path, lines, batch, default_source, arrow=parsed.safe, disk=parsed.safe and parsed.on_disk
        )
    first_seq = batch.take_seq(parsed.table.num_rows)
    left = _stage_table(batch, parsed.table, first_seq, default_source)
    return {row_no: first_seq + row_no - 1 for row_no in left}


def stage(
    path: str,
    lines: list[bytes],
    batch: Batch,
    default_source: str,
    *,
    arrow: bool = True,
    disk: bool = True,
) -> dict[int, int]:
    """Stage the plainly valid course lines of one JSONL file in bulk into the batch's tables.

    ``lines`` is the file split on newlines. Every non-blank line gets a sequence number in file order;
    returns {line number: seq} for the lines left to the exact Python path. ``arrow=False`` skips the
    pyarrow reader (tests compare both readers), ``disk=False`` DuckDB's reader of the file at ``path``.
    """
    numbers = [number for number, line in enumerate(lines, start=1) if line.strip()]
    first_seq = batch.take_seq(len(numbers))
    seqs = {number: first_seq + index for index, number in enumerate(numbers)}
    if default_source not in SOURCES or not numbers:
        return seqs
    con = batch.con
    table = read_arrow([lines[number - 1] for number in numbers]) if arrow else None
    if table is not None:
        return _left(seqs, _stage_table(batch, table, first_seq, default_source))
    if not disk:
        return seqs
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE bulk AS SELECT row_number() OVER () AS row_no, json AS record,"
            " CAST(json_structure(json) AS VARCHAR) AS structure, json_transform(json, $spec) AS v"
            " FROM read_json_objects($path, format = 'newline_delimited')",
            {"spec": _TRANSFORM, "path": path},
        )
    except duckdb.Error:
        return seqs  # not readable as JSON Lines: the Python path reports exactly where
    try:
        ((rows,),) = con.execute("SELECT count(*) FROM bulk").fetchall()
        if rows != len(numbers):
            return seqs  # DuckDB split the file differently from us: trust only the Python path
        left_rows = _stage_plain(con, batch, first_seq, default_source)
    finally:
        con.execute("DROP TABLE IF EXISTS bulk")
        con.execute("DROP TABLE IF EXISTS fast")
    return _left(seqs, left_rows)


def _left(seqs: dict[int, int], left_rows: set[int]) -> dict[int, int]:
    """The {line number: seq} of the lines not staged in bulk (``left_rows``: 1-based non-blank rows)."""
    return {number: seq for row_no, (number, seq) in enumerate(seqs.items(), start=1) if row_no in left_rows}


def _stage_table(batch: Batch, table: pa.Table, first_seq: int, default_source: str) -> set[int]:
    """Stage the plain rows of a ``read_arrow`` table; returns the row numbers of the others."""
    seq_column = numbered(first_seq, table.num_rows)
    return _stage_arrow(batch, table.append_column("seq", seq_column), f"{first_seq}", default_source)


def _line_array(data: bytes) -> pa.Array | None:
    """The lines of ``data`` as one Arrow string array sharing its buffer, newlines trimmed; None when
    a line is empty (the line-by-line path numbers lines around blank ones; a line of other whitespace
    makes the typed reader's row count differ, which sends the file that way too)."""
    newlines = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    if not data or (len(newlines) and (newlines[0] == 0 or np.any(np.diff(newlines) == 1))):
        return None  # empty file, or an empty line
    starts = np.concatenate(([0], newlines + 1))
    if starts[-1] == len(data):
        starts = starts[:-1]  # the file ends with a newline: no line after it
    offsets = np.append(starts, len(data))
    kind, dtype = (pa.string(), np.int32) if len(data) < 2**31 else (pa.large_string(), np.int64)
    lines = pa.Array.from_buffers(
        kind, len(starts), [None, pa.py_buffer(offsets.astype(dtype)), pa.py_buffer(data)]
    )
    try:
        lines.validate(full=True)  # UTF-8 everywhere (pyarrow's JSON reader does not check strings)
    except pa.ArrowInvalid:
        return None  # the line-by-line path says which line is not UTF-8
    return pc.utf8_rtrim(lines, characters="\n")


ARROW_SCHEMA = pa.schema(
    [
        *((name, pa.string()) for name in _TEXT_FIELDS),
        ("hours", pa.float64()),
        ("price", pa.float64()),
        ("member_price", pa.float64()),
        ("access_months", pa.int64()),
        ("content_areas", AREA_STRUCT),
        ("included_in", pa.list_(pa.string())),
        (
            "approvals",
            pa.list_(
                pa.struct(
                    [
                        ("body", pa.string()),
                        ("credits", pa.float64()),
                        ("categories", AREA_STRUCT),
                        ("approval_id", pa.string()),
                        ("expires", pa.string()),
                    ]
                )
            ),
        ),
    ]
)


def read_arrow(lines: list[bytes]) -> pa.Table | None:
    """The non-blank ``lines`` parsed into ARROW_SCHEMA's typed columns plus ``record`` (the raw line)
    and ``row_no`` (1-based); None when pyarrow cannot read them that way (a JSON type other than the
    schema's, a duplicate key, invalid JSON or UTF-8, a line that is not one object, an unknown field)."""
    try:
        records = pa.array(lines, pa.binary()).cast(pa.string())
    except (pa.ArrowException, ValueError):
        return None
    return _read_typed(pa.BufferReader(b"\n".join(lines)), records)


def _read_typed(source: pa.BufferReader, records: pa.Array) -> pa.Table | None:
    """``source`` (JSON Lines whose lines are ``records``) parsed as ``read_arrow`` describes."""
    options = pa_json.ParseOptions(explicit_schema=ARROW_SCHEMA, unexpected_field_behavior="infer")
    # Blocks of up to 4 MiB (pyarrow's default is 1 MiB): ~12 % less CPU on a 55 MB file, and still at
    # least 16 blocks to share between the threads on a big file.
    block_size = min(4 << 20, max(1 << 20, source.size() // 16))
    try:
        table = pa_json.read_json(
            source, parse_options=options, read_options=pa_json.ReadOptions(block_size=block_size)
        )
    except (pa.ArrowException, ValueError):
        return None
    if table.num_rows != len(records) or not table.schema.equals(ARROW_SCHEMA):
        return None
    rows = numbered(1, len(records))
    return table.append_column("record", records).append_column("row_no", rows)


# A struct cannot tell {"clinical": null} from an absent key: a line with a null anywhere and an area
# object is left to the exact path (``unsure``). The check returns only the row numbers of the rows that
# are not plain (usually none); the staging reads the Arrow table itself, without them.
_ARROW_OTHERS = f"""
SELECT row_no FROM $table
WHERE (contains(record, 'null') AND (content_areas IS NOT NULL
        OR list_bool_or(list_transform(approvals, lambda a: a.categories IS NOT NULL)) IS TRUE))
    OR NOT coalesce({_PLAIN_COURSE}, false)
"""  # noqa: S608 (constant SQL)


def _stage_arrow(batch: Batch, table: pa.Table, part: str, default_source: str) -> set[int]:
    """Stage the plain rows of a typed table (``read_arrow`` + ``seq``); returns the others' row numbers.
    The staged rows are a query over the table, read once when the batch is published; ``part`` names
    this table's objects on the connection apart from other files'."""
    con, arrow, others = batch.con, f"bulk_arrow_{part}", f"bulk_others_{part}"
    con.register(arrow, table)
    left = [row_no for (row_no,) in con.execute(_ARROW_OTHERS.replace("$table", arrow)).fetchall()]
    rows, keep = arrow, [table]
    if left:  # leave the others out (they are staged by the Python path)
        keep.append(pa.table({"row_no": pa.array(left, pa.int64())}))
        con.register(others, keep[-1])
        rows = f"(SELECT * FROM {arrow} ANTI JOIN {others} USING (row_no))"  # noqa: S608 (our names)
    batch.add_query("course", _courses(rows, default_source), rows=table.num_rows - len(left), keep=keep)
    return set(left)


def _stage_plain(
    con: duckdb.DuckDBPyConnection, batch: Batch, first_seq: int, default_source: str
) -> set[int]:
    """Stage the plain rows of table ``bulk``; returns the others' row numbers."""
    structures = [s for (s,) in con.execute("SELECT DISTINCT structure FROM bulk").fetchall()]
    plain = [s for s in structures if _plain_structure(s)]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fast AS SELECT * FROM ("  # noqa: S608 (constant SQL)
        " SELECT row_no, $first_seq + row_no - 1 AS seq, record, v.*"
        " FROM bulk WHERE list_contains($plain, structure))"
        f" WHERE coalesce({_PLAIN_COURSE}, false)",
        {"first_seq": first_seq, "plain": plain},
    )
    batch.add_arrow("course", con.sql(_courses("fast", default_source)).to_arrow_table())
    other = "SELECT row_no FROM bulk WHERE row_no NOT IN (SELECT row_no FROM fast)"
    return {row_no for (row_no,) in con.execute(other).fetchall()}


def _courses(rows: str, default_source: str) -> str:
    """The staging SELECT over ``rows`` (a table, or a parenthesised query) of plain typed course rows."""
    source = "'" + default_source.replace("'", "''") + "'"  # one of records.SOURCES
    return _COURSES.replace("$source", source).replace("$rows", rows)


_COURSES = """
SELECT seq, provider, course_id, title, url, description, format, hours, price, member_price,
    coalesce(currency, 'USD') AS currency, coalesce(kind, 'course') AS kind,
    coalesce(included_in, []) AS included_in,
    CAST(available_from AS DATE) AS available_from, CAST(available_until AS DATE) AS available_until,
    location, CAST(access_months AS INTEGER) AS access_months, coalesce(source, $source) AS source,
    CAST(scraped_at AS TIMESTAMPTZ) AS scraped_at, CAST(NULL AS VARCHAR) AS extras,
    CASE WHEN source IS NULL THEN CAST(json_merge_patch(record, json_object('source', $source)) AS VARCHAR)
        ELSE CAST(record AS VARCHAR) END AS record,
    content_areas,
    coalesce(list_transform(approvals, lambda a: struct_pack(
        body := a.body, credits := a.credits, approval_id := a.approval_id,
        expires := CAST(a.expires AS DATE), categories := a.categories)), []) AS approvals
FROM $rows
"""
