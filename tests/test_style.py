"""The house rules a tool can check: ruff's lint and format, over Carnet, its tests and its scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.subprocess
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_code_is_ruff_clean(command: list[str]):
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "extensions", "tests", "scripts"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_readmes_layout_table_names_every_folder_and_module():
    """The README's "Inside extensions/carnet/" table is the map of the package: no folder or module missing."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Inside `extensions/carnet/`") :]
    rows = {match[1]: match[2] for match in re.finditer(r"^\| `([a-z_/]+)/`[^|]*\|[^|]*\| (.*) \|$", section, re.M)}
    package = REPO / "extensions" / "carnet"
    top = [path for path in package.iterdir() if path.is_dir() and path.name != "__pycache__"]
    subpackages = [path.parent for path in package.glob("*/**/__init__.py")]
    folders = sorted({path.relative_to(package).as_posix() for path in [*top, *subpackages]})
    missing = [name for name in folders if name not in rows and f"`{name}/`" not in section]
    assert missing == [], f"folders the README's layout table does not name: {missing}"
    for folder in folders:
        modules = sorted(path.stem for path in (package / folder).glob("*.py") if path.stem != "__init__")
        if (package / folder / "__init__.py").is_file():
            unnamed = [name for name in modules if f"`{name}`" not in rows.get(folder, "")]
            assert unnamed == [], f"{folder}/ modules the README's layout table does not name: {unnamed}"


def test_tests_name_their_slow_tier_instead_of_slow():
    """``slow`` is what tests/conftest.py adds to the tiers (browser, subprocess, book, builds): tests name theirs."""
    import re

    marked = [
        f"{path.name}:{number}"
        for path in sorted((REPO / "tests").glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"pytest\.mark\.slow\b", line)
    ]
    assert marked == []
