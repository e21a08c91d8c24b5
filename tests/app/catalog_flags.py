"""The Catalog page's address and `recert catalog`'s flags side by side: the flags for a set of URL
parameters, the CLI's count for them (run in-process through Typer), and seeded random filter sets."""

from __future__ import annotations

import json
import random
from pathlib import Path
from urllib.parse import urlencode

from typer.testing import CliRunner

from catalog.queries import CourseQuery, facets

Params = dict[str, list[str]]
FLAGS = {"free": "--free", "desc": "--desc"}  # URL flags that take no value on the command line
WORDS = ("care", "coding", "safety", "patient", "ekg", "billing", "ethics", "infection")


def cli_args(params: Params) -> list[str]:
    """`recert catalog` arguments for URL parameters: ``course_format`` → ``--course-format`` and so on."""
    args: list[str] = []
    for name, values in params.items():
        if name in FLAGS:
            args += [FLAGS[name]] if values[-1] == "true" else []
            continue
        for value in values:
            args += [f"--{name.replace('_', '-')}", value]
    return args


def cli_count(catalog: Path, params: Params) -> int:
    """How many courses `recert catalog` lists for the same filters (its JSON output, every row)."""
    from recert.cli import app

    result = CliRunner().invoke(
        app, ["catalog", "--catalog", str(catalog), "--format", "json", *cli_args(params)]
    )
    assert result.exit_code == 0, result.output
    return len(json.loads(result.stdout))


def address(params: Params) -> str:
    """``?provider=ace&area=clinical…`` for the parameters."""
    return "?" + urlencode([(name, value) for name, values in params.items() for value in values])


def random_params(catalog: Path, rng: random.Random) -> Params:
    """A random, valid filter set over the catalog's own values (each filter used about half the time)."""
    values = facets(catalog, CourseQuery(limit=None))
    params: Params = {}
    for name, facet in (
        ("provider", "provider"),
        ("area", "area"),
        ("course_format", "format"),
        ("body", "body"),
    ):
        if rng.random() < 0.5:
            params[name] = rng.sample(sorted(values[facet]), rng.randint(1, min(2, len(values[facet]))))
    if rng.random() < 0.4:
        params["max_price"] = [str(rng.choice((0, 10, 25, 50, 99.5, 200)))]
    if rng.random() < 0.2:
        params["min_price"] = [str(rng.choice((5, 20, 40)))]
    if rng.random() < 0.3:
        params["text"] = [rng.choice(WORDS)]
    if rng.random() < 0.2:
        params["min_credits"] = [str(rng.choice((0.5, 1, 2)))]
    if rng.random() < 0.15:
        params["free"] = ["true"]
    return params
