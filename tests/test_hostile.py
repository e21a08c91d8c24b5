"""Hostile input, command by command (issue 16): every case must end with exit 2, a one-line error
naming the file and line, the field or the option at fault, no traceback, and the catalog byte for byte
as it was. Runs ``recert`` in-process through ``recert.cli.run`` (the same error handling as the
installed command); one real process checks Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from catalog.load import load_files
from catalog.queries import snapshot
from recert import cli
from tests.catalog.conftest import course, write_jsonl

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
RECERT = Path(sys.executable).with_name("recert")

GOOD_PROFILE = {"credentials": [{"id": "cma_aama", "certified_on": "2024-06-15"}]}


def _line(**fields: object) -> str:
    return json.dumps(course("c1", **fields))


def _profile(**credential: object) -> str:
    return json.dumps({"credentials": [{"id": "cma_aama", **credential}]})


def _nested(levels: int) -> str:
    return "[" * levels + "]" * levels


def _deep_profile(levels: int) -> str:
    return '{"credentials": [{"id": "cma_aama"}], "limits": {"formats": ' + "[" * levels + "]" * levels + "}}"


@dataclass(frozen=True)
class Case:
    """``argv`` may name {catalog}, {file} and {profile}; ``files`` maps a name in tmp_path to its text
    (``{file}`` is the first, ``{profile}`` the one named profile.*)."""

    name: str
    argv: tuple[str, ...]
    expected: tuple[str, ...]  # all in the error output
    files: dict[str, str] = field(default_factory=dict)
    catalog: str = "recert"  # recert, foreign (a DuckDB file of someone else), text, directory


CASES = [
    # recert load: the records file
    Case("load 100,000-deep array", ("load", "{file}"), ("in.jsonl:1: record: nests",),
         {"in.jsonl": "[" * 100_000 + "]" * 100_000 + "\n"}),
    Case("load 100,000-deep field on line 2", ("load", "{file}"), ("in.jsonl:2: record: nests",),
         {"in.jsonl": _line() + "\n" + _line()[:-1] + ', "extras": ' + _nested(100_000) + "}\n"}),
    Case("load 1,000-deep object", ("load", "{file}"), ("in.jsonl:1: record: nests",),
         {"in.jsonl": '{"a":' * 1000 + "1" + "}" * 1000 + "\n"}),
    Case("load hours beyond DECIMAL(18,6)", ("load", "{file}"), ("in.jsonl:1: hours: must be less than",),
         {"in.jsonl": _line(hours="999999999999.9999999") + "\n"}),
    Case("load tiny hours and credits", ("load", "{file}"),
         ("in.jsonl:1: hours: must be at least 0.01", "in.jsonl:1: approvals[0].credits: must be at least"),
         {"in.jsonl": _line(hours=1e-7, approvals=[{"body": "AAMA", "credits": 1e-7}]) + "\n"}),
    Case("load price 1e400", ("load", "{file}"), ("in.jsonl:1: price: must be less than",),
         {"in.jsonl": _line(price="1e400") + "\n"}),
    Case("load lone surrogate", ("load", "{file}"), ("in.jsonl:1: title: holds a lone surrogate",),
         {"in.jsonl": _line(title="Wound \ud800 care") + "\n"}),
    Case("load date with trailing garbage", ("load", "{file}"),
         ("in.jsonl:1: available_from: must be a date as YYYY-MM-DD, got '2026-03-01garbage'",),
         {"in.jsonl": _line(available_from="2026-03-01garbage") + "\n"}),
    Case("load impossible date", ("load", "{file}"), ("in.jsonl:1: available_until: must be a date from",),
         {"in.jsonl": _line(available_until="9999-12-31") + "\n"}),
    Case("load CSV cell over 131,072 characters", ("load", "{file}"), ("in.csv:2: record: cannot be read",),
         {"in.csv": "provider,course_id,title,url,format,hours,source\n"
          f"p,c1,{'a' * 140_000},https://p.example/,online,1,import\n"}),
    Case("load into a foreign DuckDB file", ("load", "{file}"), ("{catalog} is not a Recert catalog",),
         {"in.jsonl": _line() + "\n"}, catalog="foreign"),
    Case("load into a text file", ("load", "{file}"), ("{catalog} is not a Recert catalog",),
         {"in.jsonl": _line() + "\n"}, catalog="text"),
    Case("load into a directory", ("load", "{file}"), ("{catalog} is a directory",),
         {"in.jsonl": _line() + "\n"}, catalog="directory"),
    # recert catalog / stats / upgrade: options and the catalog file
    Case("catalog --offset 10^20", ("catalog", "--offset", str(10**20)), ("'--offset'",)),
    Case("catalog --limit -1", ("catalog", "--limit", "-1"), ("'--limit'",)),
    Case("catalog --min-price 1e400", ("catalog", "--min-price", "1e400"), ("'--min-price'",)),
    Case("catalog --max-price nan", ("catalog", "--max-price", "nan"), ("'--max-price'",)),
    Case("catalog --min-credits inf", ("catalog", "--min-credits", "inf"), ("'--min-credits'",)),
    Case("catalog of a foreign DuckDB file", ("catalog",), ("{catalog} is not a Recert catalog",),
         catalog="foreign"),
    Case("stats of a text file", ("stats",), ("{catalog} is not a Recert catalog",), catalog="text"),
    Case("stats of a directory", ("stats",), ("{catalog} is a directory",), catalog="directory"),
    Case("upgrade a foreign DuckDB file", ("upgrade",), ("{catalog} is not a Recert catalog",),
         catalog="foreign"),
    # recert categorize: titles from a JSON array or JSON Lines
    Case("categorize 100,000-deep JSON array", ("categorize", "{file}"), ("in.json:1: record: nests",),
         {"in.json": _nested(100_000)}),
    Case("categorize 100,000-deep JSON line", ("categorize", "{file}"), ("in.jsonl:1: record: nests",),
         {"in.jsonl": '{"title": ' + _nested(100_000) + "}\n"}),
    # recert progress / check / plan: the profile and the date options
    Case("progress profile 50,000 deep", ("progress", "--profile", "{profile}"), ("profile", "too deeply"),
         {"profile.json": _deep_profile(50_000)}),
    Case("progress TOML profile 5,000 deep", ("progress", "--profile", "{profile}"), ("too deeply",),
         {"profile.toml": "x = " + "[" * 5000 + "]" * 5000 + "\n"}),
    Case("progress certified 9999-12-31", ("progress", "--profile", "{profile}"),
         ("credentials[0].certified_on: must be a date from 1900-01-01",),
         {"profile.json": _profile(certified_on="9999-12-31")}),
    Case("progress cycle end 0001-01-01", ("progress", "--profile", "{profile}"),
         ("credentials[0].cycle_end: must be a date from 1900-01-01",),
         {"profile.json": _profile(cycle_end="0001-01-01")}),
    Case("progress certified in the future", ("progress", "--profile", "{profile}", "--today", "2026-01-01"),
         ("credentials[0].certified_on: the cycle starts 2027-03-01, after today (2026-01-01)",),
         {"profile.json": _profile(certified_on="2027-03-01")}),
    Case("progress budget 1e400", ("progress", "--profile", "{profile}"),
         ("limits.budget: must be less than",),
         {"profile.json": json.dumps({**GOOD_PROFILE, "limits": {"budget": "1e400"}})}),
    Case("progress --today with trailing garbage",
         ("progress", "--profile", "{profile}", "--today", "2026-01-01x"),
         ("--today must be a date as YYYY-MM-DD",), {"profile.json": json.dumps(GOOD_PROFILE)}),
    Case("check --on a bad date", ("check", "c1", "--profile", "{profile}", "--on", "2026-02-30"),
         ("--on must be a date as YYYY-MM-DD",), {"profile.json": json.dumps(GOOD_PROFILE)}),
    Case("plan budget 1e400", ("plan", "--profile", "{profile}"), ("limits.budget: must be less than",),
         {"profile.json": json.dumps({**GOOD_PROFILE, "limits": {"budget": 1e300, "max_hours": "1e400"}})}),
    Case("schedule --start with trailing garbage",
         ("schedule", "--profile", "{profile}", "--start", "2026-03-01x"),
         ("--start must be a date as YYYY-MM-DD",), {"profile.json": json.dumps(GOOD_PROFILE)}),
    Case("schedule --today 9999-12-31", ("schedule", "--profile", "{profile}", "--today", "9999-12-31"),
         ("--today must be a date from 1900-01-01",), {"profile.json": json.dumps(GOOD_PROFILE)}),
    Case("schedule --budget-per-month 1e400",
         ("schedule", "--profile", "{profile}", "--budget-per-month", "1e400"),
         ("--budget-per-month must be a number above 0 and below",),
         {"profile.json": json.dumps(GOOD_PROFILE)}),
    Case("schedule --time-limit 1e400", ("schedule", "--profile", "{profile}", "--time-limit", "1e400"),
         ("'--time-limit'",), {"profile.json": json.dumps(GOOD_PROFILE)}),
    Case("plan --time-limit nan", ("plan", "--profile", "{profile}", "--time-limit", "nan"),
         ("'--time-limit'",), {"profile.json": json.dumps(GOOD_PROFILE)}),
]  # fmt: skip


@pytest.fixture(scope="module")
def recert_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalog")
    path = folder / "catalog.duckdb"
    load_files(path, [EXAMPLES / "courses.jsonl"])
    return path


def _catalog(kind: str, tmp_path: Path, built: Path) -> Path:
    path = tmp_path / "catalog.duckdb"
    if kind == "recert":
        shutil.copyfile(built, path)
    elif kind == "foreign":
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE expenses (day DATE, amount DECIMAL(10, 2))")
        con.execute("INSERT INTO expenses VALUES ('2026-01-02', 12.5)")
        con.close()
    elif kind == "text":
        path.write_text("my notes, not a database\n")
    else:
        path.mkdir()
    return path


def _snapshot(path: Path) -> dict[str, bytes]:
    """Every file in the catalog's folder, by name, with its bytes (no stray copy may appear); the
    writers' empty lock file aside."""
    files = sorted(p for p in path.parent.iterdir() if not p.name.endswith(".lock"))
    assert all(p.stat().st_size == 0 for p in path.parent.glob("*.lock"))
    return {p.name: (p.read_bytes() if p.is_file() else b"<dir>") for p in files}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_refused_in_one_line_and_changes_nothing(
    case: Case, tmp_path: Path, recert_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    catalog = _catalog(case.catalog, store, recert_catalog)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name, text in case.files.items():
        (inputs / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    names = {
        "catalog": str(catalog),
        "file": str(inputs / next(iter(case.files), "none")),
        "profile": str(next(inputs.glob("profile.*"), inputs / "none")),
    }
    before = _snapshot(catalog)
    argv = [part.format(**names) for part in case.argv] + ["--catalog", str(catalog)] * _takes_catalog(case)

    code = cli.run(argv)

    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err  # one error line ...
    assert err.rstrip().endswith(errors[0]), err  # ... and it is the last
    for line in err.splitlines()[:-1]:  # before it, only file:line: field: problem lines
        assert re.match(r"^\S+:\d+: [\w\[\].]+: ", line), line
    for expected in case.expected:
        assert expected.format(**names) in err, err
    assert _snapshot(catalog) == before


def _takes_catalog(case: Case) -> int:
    return int(case.argv[0] in ("load", "catalog", "stats", "upgrade", "check", "plan", "schedule"))


def test_a_bom_and_records_relying_on_defaults_load(tmp_path: Path) -> None:
    """The shape of data/examples/courses.jsonl behind a UTF-8 byte order mark (courses without source,
    an offer) loads the same records as the file without it."""
    plain, marked = tmp_path / "plain.duckdb", tmp_path / "marked.duckdb"
    with_bom = tmp_path / "courses.jsonl"
    with_bom.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "courses.jsonl").read_bytes())
    assert cli.run(["load", str(EXAMPLES / "courses.jsonl"), "--catalog", str(plain)]) == 0
    assert cli.run(["load", str(with_bom), "--catalog", str(marked)]) == 0
    expected, got = snapshot(plain), snapshot(marked)
    assert (got.courses, got.offers) == (expected.courses, expected.offers)
    assert len(got.courses) == 3 and len(got.offers) == 1


def test_a_symlinked_catalog_is_published_beside_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "catalog.duckdb"
    target.parent.mkdir()
    load_files(target, [write_jsonl(tmp_path / "a.jsonl", [course("a")])])
    link = tmp_path / "link.duckdb"
    link.symlink_to(target)
    assert (
        cli.run(["load", str(write_jsonl(tmp_path / "b.jsonl", [course("b")])), "--catalog", str(link)]) == 0
    )
    assert link.is_symlink() and link.resolve() == target
    con = duckdb.connect(str(target), read_only=True)
    assert sorted(r[0] for r in con.execute("SELECT course_id FROM course").fetchall()) == ["a", "b"]
    con.close()
    assert sorted(p.name for p in target.parent.iterdir()) == ["catalog.duckdb", "catalog.duckdb.lock"]


def test_a_database_error_is_worded_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever DuckDB raises inside a command, the user reads one worded line (exit 1), not its text."""
    from catalog import queries

    def broken(*_: object, **__: object) -> None:
        raise duckdb.TransactionException("TransactionContext Error: Current transaction is aborted")

    monkeypatch.setattr(queries, "stats", broken)
    assert cli.run(["stats", "--catalog", str(tmp_path / "any.duckdb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the catalog database could not complete this; nothing was changed")
    assert "Transaction" not in err and len(err.splitlines()) == 1


def test_ctrl_c_during_a_load_exits_130_and_changes_nothing(tmp_path: Path) -> None:
    """A real `recert load` of a big file, interrupted once its private copy exists."""
    catalog = tmp_path / "catalog.duckdb"
    load_files(catalog, [write_jsonl(tmp_path / "first.jsonl", [course("first")])])
    before = catalog.read_bytes()
    big = write_jsonl(
        tmp_path / "big.jsonl", [course(f"c{n}", title=f"  Course {n} ") for n in range(60_000)]
    )
    # A shell's background job inherits SIGINT ignored (and Python keeps it so): restore the default
    # before exec, as a terminal's Ctrl-C finds it.
    restore = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    restore += "os.execv(sys.argv[1], sys.argv[1:])"
    process = subprocess.Popen(
        [sys.executable, "-c", restore, str(RECERT), "load", str(big), "--catalog", str(catalog)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("catalog.duckdb.writing-*")) and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip() == "interrupted — nothing changed"
    assert catalog.read_bytes() == before
    assert not list(tmp_path.glob("catalog.duckdb.writing-*"))


def test_sample_work_folders_of_dead_builds_are_removed(tmp_path: Path) -> None:
    from recert.commands.sample import remove_stale_workdirs

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f".sample-{dead.stdout.strip()}-abc"
    running = tmp_path / f".sample-{os.getpid()}-def"
    for folder in (stale, running):
        folder.mkdir()
        (folder / "catalog.duckdb").write_bytes(b"half built")
    remove_stale_workdirs(tmp_path)
    assert not stale.exists() and running.exists()
