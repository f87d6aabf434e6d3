"""Bad input: each fixture book must fail (or warn) with the exact message an author needs."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import BOOKS, carnet_build


def _summary_lines(output: str) -> list[str]:
    """The lines of Carnet's closing summary (``  - <page>, cell …``)."""
    start = output.index("failed to execute:")
    lines = []
    for line in output[start:].splitlines()[1:]:
        if not line.startswith("  - "):
            break
        lines.append(line[4:])
    return lines


def test_cell_error_names_page_cell_and_exception(fixture_book):
    build = carnet_build(fixture_book("cell-error"))
    assert build.returncode == 1
    assert _summary_lines(build.output) == ["division.ipynb, cell 3 ('y = x / 0'): ZeroDivisionError: division by zero"]
    report = (build.reports / "division.err.log").read_text()
    assert "ZeroDivisionError" in report and "y = x / 0" in report
    # The traceback stays beside the site, never inside it.
    assert not list(build.staging.rglob("*.err.log"))


def test_all_failing_pages_reported_in_one_run(fixture_book):
    build = carnet_build(fixture_book("two-failures"))
    assert build.returncode == 1
    assert "2 pages failed to execute:" in build.output
    assert _summary_lines(build.output) == [
        "first.ipynb, cell 2 ('print(undefined_name)'): NameError: name 'undefined_name' is not defined",
        "second.md, cell 2 (\"raise ValueError('bad value')\"): ValueError: bad value",
    ]
    # The good page was still executed and built.
    assert "fine" in (build.staging / "ok.html").read_text()


def test_hung_cell_hits_the_timeout(fixture_book):
    build = carnet_build(fixture_book("hung-cell"))
    assert build.returncode == 1
    assert _summary_lines(build.output) == [
        "hang.ipynb, cell 3 ('while True:'): TimeoutError: the cell was still running after 3 s (execute.timeout)"
    ]


def test_dead_kernel_fails_its_page_only(fixture_book):
    build = carnet_build(fixture_book("dead-kernel"))
    assert build.returncode == 1
    assert _summary_lines(build.output) == [
        "died.ipynb, cell 3 ('os._exit(1)'): DeadKernelError: the kernel died while running this cell"
    ]
    assert "still here" in (build.staging / "alive.html").read_text()
    assert (build.staging / "died.html").is_file()


def test_malformed_notebook_is_named_and_the_rest_builds(fixture_book):
    build = carnet_build(fixture_book("malformed"))
    assert build.returncode == 1
    assert _summary_lines(build.output) == [
        "broken.ipynb: invalid JSON at line 3, column 24: Expecting property name enclosed in double quotes"
    ]
    assert "fine" in (build.staging / "fine.html").read_text()


def test_missing_toc_entry_stops_the_build(fixture_book):
    build = carnet_build(fixture_book("missing-toc"))
    assert build.returncode == 1
    assert "_toc.yml names pages that do not exist (or are excluded):" in build.output
    assert "  - chapitre-absent (no chapitre-absent{.rst/.md/.ipynb})" in build.output
    assert "Traceback" not in build.output
    assert not build.html.exists()


def test_kernels_python_notebooks_run_with_a_warning_others_fail(fixture_book):
    build = carnet_build(fixture_book("kernels"))
    assert "no-kernelspec.ipynb: WARNING: notebook has no kernelspec; running it with 'python3' [carnet.kernel]" in (
        build.output
    )
    assert (
        "unknown-python.ipynb: WARNING: kernel 'conda-env-nsi-py' is not installed; "
        "running this Python notebook with 'python3' [carnet.kernel]"
    ) in build.output
    assert build.returncode == 1
    [line] = _summary_lines(build.output)
    assert line.startswith("unknown-r.ipynb: no Jupyter kernel named 'ir' (language r) is installed; installed: ")
    rows = BeautifulSoup((build.staging / "status.html").read_text(), "html.parser").select("#carnet-status-table tr")
    results = {row.select_one(".carnet-status-source").get_text(strip=True): row.get("class") for row in rows[1:]}
    assert "carnet-status-passed" in results["no-kernelspec.ipynb"]
    assert "carnet-status-passed" in results["unknown-python.ipynb"]
    assert "carnet-status-failed" in results["unknown-r.ipynb"]


def test_kernel_warning_can_be_suppressed(fixture_book):
    book = fixture_book("kernels")
    (book / "unknown-r.ipynb").unlink()
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text().replace("  - file: unknown-r\n", ""))
    config = book / "_config.yml"
    config.write_text(
        config.read_text().replace("sphinx:\n", "sphinx:\n  config:\n    suppress_warnings: [carnet.kernel]\n")
    )
    build = carnet_build(book)
    assert build.returncode == 0, build.output
    assert "[carnet.kernel]" not in build.output


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_failed_build_leaves_published_site_untouched_and_failure_is_not_cached(fixture_book):
    book = fixture_book("two-failures")
    for page in ("first.ipynb", "second.md"):
        (book / page).unlink()
    toc = book / "_toc.yml"
    good_toc = toc.read_text()
    toc.write_text(good_toc.replace("  - file: first\n  - file: second\n", ""))
    good = carnet_build(book)
    assert good.returncode == 0, good.output
    before = _tree_digest(good.html)

    # The author adds a broken page: the build fails and _build/html is exactly as it was.
    shutil.copy(BOOKS / "two-failures" / "first.ipynb", book / "first.ipynb")
    toc.write_text(good_toc.replace("  - file: second\n", ""))
    bad = carnet_build(book)
    assert bad.returncode == 1
    assert _tree_digest(bad.html) == before
    assert (bad.staging / "first.html").is_file()

    # Building again without fixing anything fails again: the failure is not hidden by any cache.
    again = carnet_build(book)
    assert again.returncode == 1
    assert _summary_lines(again.output) == [
        "first.ipynb, cell 2 ('print(undefined_name)'): NameError: name 'undefined_name' is not defined"
    ]


PARALLEL_BUILD = """
import json, sys
from pathlib import Path
from jupyter_book.sphinx import build_sphinx
status = build_sphinx(Path(".").resolve(), Path("_build/html").resolve(), noconfig=True, path_config="_config.yml",
    confoverrides={"external_toc_path": "_toc.yml", "latex_individualpages": False}, jobs=2, keep_going=True)
print("STATUS", status)
"""


def test_parallel_reading_keeps_every_failure(fixture_book):
    """Carnet declares itself parallel-read safe: pages read in other processes must still be reported."""
    book = fixture_book("two-failures")
    proc = subprocess.run([sys.executable, "-c", PARALLEL_BUILD], cwd=book, capture_output=True, text=True, timeout=600)
    assert "STATUS 1" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads((book / "_build" / "carnet-report.json").read_text())
    assert sorted(report["executed"]) == ["first", "ok", "second"]
    assert [failure["source"] for failure in report["failures"]] == ["first.ipynb", "second.md"]
