"""catalog.registry is the one place that writes down the bodies, their units, the default body and the
solver's time limits: the credential rules agree with it, and no other module lists the bodies again."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from catalog.registry import BODIES, CERTIFYING_BODIES, KNOWN_BODIES
from recommender.rules.engine import list_credentials, load_rule

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("catalog", "spiders", "recommender", "recert", "app_pages", "bench")


@pytest.mark.parametrize("credential_id", list_credentials())
def test_each_credentials_rules_agree_with_the_registry(credential_id: str) -> None:
    rules = load_rule(credential_id)
    body = BODIES[rules.body]
    assert body.certifies and rules.body in CERTIFYING_BODIES
    assert body.name in rules.body_name  # e.g. "Certifying Board of the American Association of …"
    if body.hours_per_unit is not None:  # outside credit per unit = the body's unit length, where fixed
        assert rules.counting.hours_per_unit == body.hours_per_unit


def _sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return [path for path in files if path != ROOT / "catalog" / "registry.py"]


def _body_lists(path: Path) -> list[int]:
    """Lines of literal tuples, lists, sets or dicts that name three or more known bodies."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if not isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) or items is None:
            continue
        names = {item.value for item in items if isinstance(item, ast.Constant)}
        if len(names & set(KNOWN_BODIES)) >= 3:
            found.append(node.lineno)
    return found


def test_no_module_but_the_registry_lists_the_bodies() -> None:
    listed = {str(path.relative_to(ROOT)): lines for path in _sources() if (lines := _body_lists(path))}
    # a spider's own mapping of the bodies its site names to that site's units is provider data
    allowed = {"spiders/spiders/ace.py"}
    assert {name: lines for name, lines in listed.items() if name not in allowed} == {}
