"""Accuracy of the structured-data spider on the team's markup corpus (tests/spiders/structured_corpus/).

    .venv/bin/python -m bench.structured_accuracy

Builds a loopback site from the corpus (one page per case under ``/cases/``, a sitemap and an index),
crawls it with ``spiders.run.crawl(["structured"])`` — the path ``recert crawl structured`` takes — into
a temporary DuckDB catalog, and scores the published records against each case's expected JSON:
courses found, courses correctly left out (no stated study time), ids, prices and hours exact, and the
subscription offers. Prints a Markdown table (docs/spiders.md quotes it). Accuracy, not speed: no timing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from harness.structured_corpus import build_site, crawl_corpus, load_cases, score


def main() -> None:
    cases = load_cases()
    with tempfile.TemporaryDirectory() as tmp:
        build_site(Path(tmp) / "site", cases)
        summary, snap = crawl_corpus(Path(tmp) / "site", Path(tmp) / "catalog.duckdb")
    accuracy = score(cases, snap.courses, snap.offers)
    print(f"{len(cases)} cases; crawl: {summary.status}, {summary.pages} pages, {summary.items} items, "
          f"problems {summary.problems}")  # fmt: skip
    print("| measure | result |\n|---|---|")
    for name, value in accuracy.rows():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
