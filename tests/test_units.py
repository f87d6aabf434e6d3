"""Pure pieces of Carnet, tested without building anything."""

from __future__ import annotations

import pytest
from carnet.failures import PageFailure, first_source_line, summary
from carnet.i18n import translate
from carnet.kernels import choose_kernel
from carnet.sources import notebook_problem, stub_notebook
from carnet.toc import missing_entries

KERNELS = {"python3": "python", "ir": "r"}


def test_failure_message_names_file_cell_and_cause():
    failure = PageFailure("content/a.ipynb", "ZeroDivisionError: division by zero", cell=3, first_line="y = x / 0")
    assert failure.message() == "content/a.ipynb, cell 3 ('y = x / 0'): ZeroDivisionError: division by zero"
    assert PageFailure("b.ipynb", "invalid JSON").message() == "b.ipynb: invalid JSON"


def test_summary_sorts_pages_and_counts():
    text = summary([PageFailure("z.md", "boom"), PageFailure("a.md", "bang")])
    assert text.splitlines() == ["2 pages failed to execute:", "  - a.md: bang", "  - z.md: boom"]
    assert summary([PageFailure("a.md", "bang")]).startswith("1 page failed")


def test_first_source_line_skips_blanks_and_shortens():
    assert first_source_line("\n\n  import os\nos._exit(1)") == "import os"
    long = first_source_line("x = " + "1" * 100)
    assert len(long) == 60 and long.endswith("…")


@pytest.mark.parametrize(
    ("metadata", "name", "note"),
    [
        ({"kernelspec": {"name": "python3", "language": "python"}}, "python3", ""),
        ({"kernelspec": {"name": "ir", "language": "R"}}, "ir", ""),
        ({}, "python3", "notebook has no kernelspec; running it with 'python3'"),
        (
            {"kernelspec": {"name": "conda-env-nsi-py", "language": "python"}},
            "python3",
            "kernel 'conda-env-nsi-py' is not installed; running this Python notebook with 'python3'",
        ),
        ({"kernelspec": {"name": "python3.12"}, "language_info": {"name": "python"}}, "python3", None),
        (
            {"kernelspec": {"name": "julia-1.9", "language": "julia"}},
            None,
            "no Jupyter kernel named 'julia-1.9' (language julia) is installed; installed: ir, python3",
        ),
    ],
)
def test_choose_kernel(metadata, name, note):
    choice = choose_kernel(metadata, KERNELS)
    assert choice.name == name
    if note is not None:
        assert choice.note == note


def test_choose_kernel_without_any_python_kernel():
    assert choose_kernel({}, {"ir": "r"}).name is None


def test_missing_toc_entries():
    found = {"intro", "content/a"}
    assert missing_entries(["intro", "content/a.md", "content/b"], found, [".md", ".ipynb"]) == ["content/b"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"cells": [}', "invalid JSON at line 1, column 12: Expecting value"),
        ("[]", "not a Jupyter notebook (no 'cells' list)"),
        (
            '{"cells": [{"cell_type": "picture", "source": ""}]}',
            "cell 1 has no valid 'cell_type' (one of code, markdown, raw)",
        ),
        ('{"cells": [{"cell_type": "code"}]}', "cell 1 has no 'source'"),
        ('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', None),
    ],
)
def test_notebook_problem(text, problem):
    assert notebook_problem(text) == problem


def test_stub_notebook_is_a_valid_notebook_that_is_not_executed():
    stub = stub_notebook("broken", "broken.ipynb: invalid JSON")
    assert notebook_problem(stub) is None
    assert '"execution_mode": "off"' in stub


def test_translate_falls_back_to_english():
    assert translate("fr", "status.passed") == "réussie"
    assert translate("fr_CA", "status.passed") == "réussie"
    assert translate("de", "status.passed") == "passed"
    assert translate(None, "status.summary", total=2, passed=1, failed=1) == "2 executed pages: 1 passed, 1 failed."


def test_npm_asset_with_wrong_hash_is_refused(tmp_path, monkeypatch):
    from carnet.assets import AssetError, NpmPackage, fetch_npm

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path))
    forged = NpmPackage("is-number", "7.0.0", "sha512-" + "A" * 86 + "==")
    with pytest.raises(AssetError, match=r"is-number@7.0.0: integrity mismatch \(expected sha512-AAAA"):
        fetch_npm(forged)
    assert not (tmp_path / "npm" / "is-number-7.0.0").exists()


def test_npm_asset_with_right_hash_is_unpacked(tmp_path, monkeypatch):
    from carnet.assets import NpmPackage, fetch_npm

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path))
    genuine = NpmPackage(
        "is-number",
        "7.0.0",
        "sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==",
    )
    assert (fetch_npm(genuine) / "package.json").is_file()
