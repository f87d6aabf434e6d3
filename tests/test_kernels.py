"""The kernels pages run on: started ahead of their page, yet one fresh kernel per page, in the page's folder."""

from __future__ import annotations

import itertools
import re

import psutil
import pytest
from conftest import build_in_process, copy_book

pytestmark = pytest.mark.subprocess


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


def _executed(number: int):
    """A small executed notebook, different for each ``number``."""
    import nbformat

    cell = nbformat.v4.new_code_cell(f"print({number})", execution_count=1)
    kernel = {"name": "python3", "display_name": "Python 3"}
    return nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": kernel})


def test_parallel_readers_write_the_execution_cache_one_at_a_time(tmp_path):
    """jupyter-cache deletes a record another reader adds between its two queries: Carnet's lock forbids it.

    Reader A pauses between the two queries of its clean-up, reader B writes meanwhile (forked
    processes, as Sphinx's readers are). Without the lock, A deletes B's record before B wrote its
    file; with it, B waits until A's write is whole, and both notebooks stay in the cache.
    """
    import multiprocessing

    from carnet.sphinxext.execution.parallel import serialize_cache_writes, unserialize_cache_writes
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.db import NbCacheRecord

    fork = multiprocessing.get_context("fork")
    paused, written = fork.Event(), fork.Event()
    app = type("Build", (), {})()  # stands for the application: only the key of the build's state
    get_cache(tmp_path).db.dispose()  # created before the readers fork, as Carnet does
    serialize_cache_writes(app)

    def reader_a() -> None:
        from sqlalchemy.orm import Query

        keep, run_query = NbCacheRecord.records_to_delete, Query.all
        queries: list[str] = []

        def query_then_pause(self: Query):  # in the clean-up, a pause after the records to keep are read
            rows = run_query(self)
            if not queries:
                queries.append("keep")
                paused.set()
                written.wait(timeout=1.5)
            return rows

        def records_to_delete(limit, db):
            Query.all = query_then_pause
            try:
                return keep(limit, db)
            finally:
                Query.all = run_query

        NbCacheRecord.records_to_delete = staticmethod(records_to_delete)
        get_cache(tmp_path).cache_notebook_bundle(CacheBundleIn(_executed(1), "a.ipynb"), check_validity=False)

    def reader_b() -> None:
        paused.wait(timeout=30)
        get_cache(tmp_path).cache_notebook_bundle(CacheBundleIn(_executed(2), "b.ipynb"), check_validity=False)
        written.set()

    try:
        readers = [fork.Process(target=reader) for reader in (reader_a, reader_b)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=60)
    finally:
        unserialize_cache_writes(app)
    assert [reader.exitcode for reader in readers] == [0, 0]
    cache = get_cache(tmp_path)
    assert sorted(record.uri for record in cache.list_cache_records()) == ["a.ipynb", "b.ipynb"]
    assert all(cache.get_cache_bundle(record.pk) for record in cache.list_cache_records())
