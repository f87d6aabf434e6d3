"""Single features of Carnet's Sphinx side, each on a tiny plain Sphinx project built in this process.

The projects are ``tests/roots/test-<name>/`` (``conf.py`` with MyST-NB and Carnet), built with
Sphinx's own test fixtures (``sphinx.testing``): no Jupyter Book, no subprocess, one page each.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the test projects."""
    return Path(__file__).parent / "roots"


@pytest.mark.sphinx("html", testroot="exercise", freshenv=True)
def test_an_exercise_page_gets_its_kinds_and_no_solution_in_plain_text(app):
    app.build()
    page = BeautifulSoup((Path(app.outdir) / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "SOLUTION-SECRETE" not in str(page), "the student edition publishes no solution in plain text"
    marker = page.select_one("div.carnet-exercise[data-exercise]")
    assert marker is not None
    assert json.loads(base64.b64decode(marker["data-exercise"])), "the page script reads the exercise from it"
    script = page.select_one("script#carnet-live")
    assert script["src"].startswith("_static/carnet/code/browser/carnet-live.js")
    kinds = {kind["name"]: kind for kind in json.loads(script["data-kinds"])}
    assert kinds["exercise"]["selector"] == "div.carnet-exercise[data-exercise]"
    assert kinds["turtle"]["outputs"] == ["turtle"]
    for kind in kinds.values():  # every module the page script may import is published where it looks
        assert (Path(app.outdir) / "_static" / kind["module"]).is_file(), kind["module"]


@pytest.mark.sphinx("html", testroot="exercise", freshenv=True)
def test_a_misspelt_directive_is_named_with_its_fix(app, warning):
    app.build()
    assert "directive inconnue « {exercice} » : vouliez-vous dire « {exercise} » ?" in warning.getvalue()
