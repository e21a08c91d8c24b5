"""The synthetic mirrors are generated, not hand-edited: regenerating them reproduces the committed pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.spiders.mirror_expect import MIRRORS

GENERATED = ("aama", "relias", "ma_ceu_hub")


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mirrors")
    run = subprocess.run(
        [sys.executable, str(MIRRORS / "generate.py"), "--out", str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return out


@pytest.mark.parametrize("provider", GENERATED)
def test_generator_reproduces_the_committed_mirror(regenerated: Path, provider: str) -> None:
    assert files(regenerated / provider) == files(MIRRORS / provider)


@pytest.mark.parametrize("provider", GENERATED)
def test_every_mirror_says_it_is_synthetic(provider: str) -> None:
    readme = (MIRRORS / provider / "README.md").read_text()
    assert "SYNTHETIC" in readme and "No page here is real course data" in readme
    pages = [
        p
        for p in (MIRRORS / provider).rglob("*")
        if p.is_file() and p.name not in ("README.md", "robots.txt")
    ]
    marked = [p for p in pages if b"SYNTHETIC MIRROR" in p.read_bytes() or p.suffix in (".jsonl", ".xml")]
    assert len(marked) == len(pages)
