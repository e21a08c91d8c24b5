"""The import-linter contracts in pyproject.toml (run by `make lint`) can fail: on a small tree with the
same packages, each wrong import breaks its contract, and the same tree without them keeps every one."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# One wrong import per contract: (file, its text).
WRONG = {
    "catalog/reaches_up.py": "import recommender.planner\n",  # a lower layer importing a higher one
    "recommender/planner/opens_db.py": "import duckdb\n",
    "recert/ui/uses_cli.py": "from recert.commands import plan\n",
    "tests/uses_bench.py": "import bench.tool\n",
}


def _config() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]


def _tree(root: Path, config: dict[str, Any], wrong: bool) -> None:
    """Empty packages named as in the contracts (and the modules they mention), plus the wrong imports."""
    modules = ["recommender/planner", "recert/ui", "recert/commands", "bench"]
    for package in [*config["root_packages"], *modules]:
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").touch()
    (root / "recert/commands/plan.py").touch()
    (root / "bench/tool.py").touch()
    for name, text in WRONG.items() if wrong else ():
        (root / name).write_text(text)
    contracts = config["contracts"]
    lines = [
        "[importlinter]",
        "root_packages =\n" + "".join(f"    {p}\n" for p in config["root_packages"]),
        "include_external_packages = True",
    ]
    for number, contract in enumerate(contracts):
        lines.append(f"\n[importlinter:contract:{number}]")
        for key, value in contract.items():
            if isinstance(value, list):
                lines.append(f"{key} =\n" + "".join(f"    {item}\n" for item in value))
            else:
                lines.append(f"{key} = {value}")
    (root / ".importlinter").write_text("\n".join(lines) + "\n")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / ".importlinter"), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_every_contract_breaks_on_a_wrong_import_and_holds_without(tmp_path: Path) -> None:
    config = _config()
    names = [contract["name"] for contract in config["contracts"]]
    assert len(names) == len(WRONG)
    _tree(tmp_path / "clean", config, wrong=False)
    clean = _lint(tmp_path / "clean")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    _tree(tmp_path / "wrong", config, wrong=True)
    broken = _lint(tmp_path / "wrong")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    for name in names:
        assert f"{name} BROKEN" in broken.stdout
