"""The kernels pages run on: started ahead of their page, yet one fresh kernel per page, in the page's folder."""

from __future__ import annotations

import itertools
import re

import psutil
import pytest
from conftest import build_in_process, copy_book

pytestmark = pytest.mark.slow


def _figures(html: str, name: str) -> float:
    """A number a page of the fixture book printed (``started 1796…``)."""
    return float(re.search(rf"{name} ([\d.]+)", html)[1])


def test_kernels_start_ahead_yet_each_page_has_its_own_in_its_folder(tmp_path):
    book = copy_book("fresh-kernels", tmp_path)
    build = build_in_process(book, "-j", "1")
    assert build.returncode == 0, build.output[-3000:]
    pages = {name: (build.staging / f"{name}.html").read_text() for name in ("un", "sub/deux", "trois")}
    assert all("fresh" in html for html in pages.values()), "no variable passes from page to page"
    assert len({_figures(html, "kernel") for html in pages.values()}) == 3, "one kernel per page"
    assert "folder sub" in pages["sub/deux"] and "données lues" in pages["sub/deux"], "the page's own folder"
    assert "module du dossier importé" in pages["sub/deux"], "its modules import"
    assert "folder fresh-kernels" in pages["un"]
    # Pages run one after the other here; each kernel after the first was started before the page
    # before it had finished: its start-up overlapped that page.
    runs = sorted(pages.values(), key=lambda html: _figures(html, "first cell"))
    for before, after in itertools.pairwise(runs):
        assert _figures(after, "started") < _figures(before, "last cell")
    # The kernel started for a page that never came is shut down with the build.
    left = [proc.info for proc in psutil.process_iter(["pid", "cwd"]) if str(book) in (proc.info["cwd"] or "")]
    assert left == [], "no kernel outlives the build"
