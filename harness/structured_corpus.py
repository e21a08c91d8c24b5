"""The team's structured-markup corpus (tests/spiders/structured_corpus/) as a loopback site, crawled by
the structured-data spider and scored against each case's expected JSON: shared by
tests/spiders/test_structured_corpus.py and bench/structured_accuracy.py (which never import each
other). Accuracy, not speed: no timing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "spiders" / "structured_corpus"
PROVIDER = "corpus"
#: Politeness off on our own loopback server (robots.txt is still fetched and obeyed).
LOOPBACK = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_BACKOFF_BASE": 0,
    "LOG_LEVEL": "ERROR",
}


@dataclass(frozen=True)
class Case:
    """One corpus case: its page and the records it must give (``expected`` as in the case's JSON)."""

    name: str
    html: Path
    expected: dict[str, Any]


def load_cases(corpus: Path = CORPUS) -> list[Case]:
    """Every ``NN-name.html`` with its ``NN-name.json``, in name order (numbers in the JSON as Decimal)."""
    cases = []
    for html in sorted(corpus.glob("*.html")):
        expected = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"), parse_float=Decimal)
        cases.append(Case(html.stem, html, expected))
    return cases


def build_site(out: Path, cases: Iterable[Case]) -> list[str]:
    """Write the corpus as a site in ``out``: ``/cases/<name>.html``, ``/index.html`` linking them,
    ``/sitemap.xml`` and ``/robots.txt``. Returns the case paths."""
    (out / "cases").mkdir(parents=True, exist_ok=True)
    paths = []
    for case in cases:
        shutil.copyfile(case.html, out / "cases" / case.html.name)
        paths.append(f"/cases/{case.html.name}")
    links = "\n".join(f'<li><a href="{p}">{escape(p)}</a></li>' for p in paths)
    (out / "index.html").write_text(
        f"<!DOCTYPE html><html><head><title>Corpus CE (synthetic)</title></head><body><ul>\n{links}\n</ul>"
        "</body></html>\n",
        encoding="utf-8",
    )
    entries = "".join(f"<url><loc>{escape(p)}</loc></url>" for p in paths)
    (out / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n',
        encoding="utf-8",
    )
    (out / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return paths


def expected_courses(cases: Iterable[Case]) -> dict[str, dict[str, Any]]:
    """title → expected course (a course given on two pages is expected once, the same both times)."""
    found: dict[str, dict[str, Any]] = {}
    for case in cases:
        for course in case.expected["courses"]:
            if found.setdefault(course["title"], course) != course:
                raise ValueError(f"{case.name}: {course['title']!r} is expected differently elsewhere")
    return found


@dataclass(frozen=True)
class Accuracy:
    """Counts over the corpus: ``courses`` expected published, ``left_out`` expected refused."""

    courses: int
    found: int
    ids_exact: int
    price_exact: int
    hours_exact: int
    left_out: int
    left_out_right: int
    extra_records: int
    offers: int
    offers_exact: int

    def rows(self) -> list[tuple[str, str]]:
        def share(n: int, of: int) -> str:
            return f"{n} / {of} ({100 * n / of:.0f} %)" if of else "0 / 0"

        return [
            ("courses found", share(self.found, self.courses)),
            ("course id exact", share(self.ids_exact, self.courses)),
            ("price exact (amount, currency, member price)", share(self.price_exact, self.courses)),
            ("hours exact", share(self.hours_exact, self.courses)),
            (
                "courses rightly left out (no stated study time)",
                share(self.left_out_right, self.left_out),
            ),
            ("records not in the corpus (wrong or unmerged)", str(self.extra_records)),
            ("recurring offers exact (subscription, membership)", share(self.offers_exact, self.offers)),
        ]


def _same(want: Any, have: Any) -> bool:
    if (
        isinstance(want, str | int | Decimal)
        and isinstance(have, int | float | Decimal)
        and not isinstance(have, bool)
    ):
        return Decimal(str(want)) == Decimal(str(have))
    return want == have


def score(cases: list[Case], courses: Iterable[Any], offers: Iterable[Any]) -> Accuracy:
    """Score published records (objects with the record's attributes) against the corpus."""
    expected = expected_courses(cases)
    refused = {c["title"] for case in cases for c in case.expected["left_out"]}
    by_title: dict[str, list[Any]] = {}
    for course in courses:
        by_title.setdefault(course.title, []).append(course)
    extra = sum(len(v) for t, v in by_title.items() if t not in expected)
    extra += sum(len(v) - 1 for t, v in by_title.items() if t in expected)
    single = {t: v[0] for t, v in by_title.items() if t in expected and len(v) == 1}
    ids = price = hours = 0
    for title, want in expected.items():
        have = single.get(title)
        if have is None:
            continue
        ids += have.course_id == want["course_id"]
        hours += _same(want["hours"], have.hours)
        price += all(
            (want[f] is None and getattr(have, f) is None) or _same(want[f], getattr(have, f))
            for f in ("price", "member_price")
        ) and (want["price"] is None or want["currency"] == have.currency)
    wanted_offers = {o["offer_id"]: o for case in cases for o in case.expected["offers"]}
    got_offers = {o.offer_id: o for o in offers}
    offers_exact = 0
    for want_offer in wanted_offers.values():
        have_offer = got_offers.get(want_offer["offer_id"])
        offers_exact += have_offer is not None and all(
            _same(v, getattr(have_offer, k)) for k, v in want_offer.items()
        )
    return Accuracy(
        courses=len(expected), found=sum(t in by_title for t in expected), ids_exact=ids, price_exact=price,
        hours_exact=hours, left_out=len(refused), left_out_right=sum(t not in by_title for t in refused),
        extra_records=extra, offers=len(wanted_offers), offers_exact=offers_exact,
    )  # fmt: skip


def crawl_corpus(site: Path, catalog: Path) -> tuple[Any, Any]:
    """Serve ``site`` on 127.0.0.1, crawl it with the structured spider into ``catalog``; returns the
    crawl summary and the catalog snapshot."""
    from catalog.queries import snapshot
    from spiders.mirror_server import MirrorServer
    from spiders.run import crawl

    with MirrorServer(site) as server:
        (summary,) = crawl(
            ["structured"], catalog_path=catalog, settings=LOOPBACK,
            spider_kwargs={"start_url": f"{server.url}/", "provider": PROVIDER},
        )  # fmt: skip
    return summary, snapshot(catalog)
