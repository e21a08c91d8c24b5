"""Output that cannot attack the reader (issue 16 §3): one sanitiser for the terminal, the errors and the
app's display text; CSV cells a spreadsheet would run are neutralised; network failures of a crawl are
one line per host."""

from __future__ import annotations

import csv
import io
import logging
import re
import socket
import ssl
from pathlib import Path

import pytest
from rich.table import Table
from rich.text import Text
from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadFailedError

from catalog.load import load_files
from recert import cli
from recert.console import SafeConsole
from recert.safe_text import csv_safe, visible, visible_line
from recert.ui.people import md_escape, shown, titled_link
from spiders.run import OneLinePerHost
from tests.catalog.conftest import course, write_jsonl

# Every class of character that acts on a terminal or reorders text, each in a scraped title.
HOSTILE = [
    ("\x1b[2J", "␛[2J"),  # ESC: clear the screen
    ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "␛]8;;https://evil.example␛\\link␛]8;;␛\\"),
    ("bell\x07", "bell␇"),
    ("\r", "␍"),
    ("nul\x00", "nul␀"),
    ("del\x7f", "del␡"),
    ("csi\x9b2J", "csi⟨U+009B⟩2J"),  # C1 CSI
    ("gnp\u202e.exe", "gnp⟨U+202E⟩.exe"),  # right-to-left override
    ("\u2066isolate\u2069", "⟨U+2066⟩isolate⟨U+2069⟩"),
    ("lone\ud800", "lone⟨U+D800⟩"),
]


@pytest.mark.parametrize(("raw", "expected"), HOSTILE, ids=[repr(raw) for raw, _ in HOSTILE])
def test_every_control_and_bidi_character_is_made_visible(raw: str, expected: str) -> None:
    assert visible(raw) == expected
    assert shown(raw) == expected  # the app's display text
    assert "\x1b" not in md_escape(raw) and "\u202e" not in md_escape(raw)


def test_plain_text_tabs_and_newlines_are_kept_except_on_one_line() -> None:
    assert visible("Wound care — ½ day\tnext\nline é 漢") == "Wound care — ½ day\tnext\nline é 漢"
    assert visible_line("a\tb\nc") == "a␉b␊c"


@pytest.mark.parametrize("raw", [raw for raw, _ in HOSTILE], ids=[repr(raw) for raw, _ in HOSTILE])
def test_the_console_shows_hostile_table_cells_visibly_or_not_at_all(raw: str) -> None:
    console = SafeConsole(file=io.StringIO(), width=200, force_terminal=True, color_system="truecolor")
    table = Table("Title")
    table.add_row(Text(f"Course {raw} end"))
    console.print(table)
    console.print(f"plain {raw} line", markup=False)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    text = re.sub("\x1b\\[[0-9;]*m", "", out)  # Rich's own colours and bold
    assert visible(text) == text  # no control, bidi or surrogate character left: shown as tokens or dropped
    assert visible(raw) in text or raw.strip("\x07\r") != raw  # Rich drops BEL and CR itself


def test_an_error_line_cannot_carry_markup_or_controls(capsys: pytest.CaptureFixture[str]) -> None:
    from recert.console import print_error

    print_error("no course '[link=https://evil.example]x[/link]\x1b[2J\nsecond line'")
    err = capsys.readouterr().err
    assert err == "error: no course '[link=https://evil.example]x[/link]␛[2J␊second line'\n"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(start: str) -> None:
    assert (
        csv_safe(f'{start}HYPERLINK("https://evil.example")') == f'\'{start}HYPERLINK("https://evil.example")'
    )
    assert csv_safe("Wound care") == "Wound care" and csv_safe("12.5") == "12.5"


def test_recert_catalog_csv_neutralises_formula_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog.duckdb"
    titles = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "Plain title"]
    load_files(
        catalog,
        [write_jsonl(tmp_path / "in.jsonl", [course(f"c{n}", title=t) for n, t in enumerate(titles)])],
    )
    capsys.readouterr()
    assert cli.run(["catalog", "--format", "csv", "--sort", "title", "--catalog", str(catalog)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(row["title"] for row in rows) == sorted(
        ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "Plain title"]
    )
    assert all(row["hours"] == "1" for row in rows)  # numbers untouched


def test_app_links_show_a_visible_title() -> None:
    link = titled_link("https://p.example/c1", "gnp\u202e.exe")
    assert link is not None and "%E2%80%AE" not in link  # the override never reaches the grid


def _record(message: str, args: dict[str, object], exc: BaseException | None = None) -> logging.LogRecord:
    record = logging.LogRecord("scrapy.core.scraper", logging.ERROR, __file__, 1, message, None, None)
    record.args = args
    record.exc_info = (type(exc), exc, None) if exc is not None else None
    return record


def _caused(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


FAILURES = [
    (DownloadConnectionRefusedError("Cannot connect to host"), "connection refused"),
    (CannotResolveHostError("Name or service not known"), "host name not found (DNS)"),
    (
        _caused(DownloadFailedError("failed"), ssl.SSLError(1, "CERTIFICATE_VERIFY_FAILED")),
        "TLS handshake failed",
    ),
    (_caused(DownloadFailedError("failed"), socket.gaierror(-2, "Name")), "host name not found (DNS)"),
    (TimeoutError("timed out"), "timed out"),
]


@pytest.mark.parametrize(("exc", "reason"), FAILURES, ids=[reason for _, reason in FAILURES])
def test_network_failures_are_one_line_per_host_without_traceback(exc: BaseException, reason: str) -> None:
    keep = OneLinePerHost()
    records = [
        _record(
            "Gave up retrying %(request)s: %(reason)s",
            {"request": Request(f"https://{host}/{page}"), "reason": exc},
        )
        for host in ("a.example", "b.example:8443")
        for page in ("robots.txt", "courses")
    ] + [_record("Error downloading %(request)s", {"request": Request("https://a.example/x")}, exc)]
    shown_records = [r for r in records if keep.filter(r)]
    assert [r.getMessage() for r in shown_records] == [
        f"cannot reach a.example: {reason}",
        f"cannot reach b.example:8443: {reason}",
    ]
    assert all(r.exc_info is None for r in shown_records)


def test_other_errors_pass_through_unchanged() -> None:
    record = _record(
        "Spider error processing %(request)s", {"request": Request("https://a.example/")}, KeyError("x")
    )
    assert OneLinePerHost().filter(record) and record.exc_info is not None
