"""Bad input: each fixture book fails with the exact message an author needs, stored beside it.

Books are built in this process (no interpreter start-up per build); the ``slow`` tests run
``carnet build`` as a subprocess where the command line itself is what is tested.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import BOOKS, EXPECTED, Build, alive, build_in_process, carnet_build, copy_book

BAD_BOOKS = sorted(path.parent.name for path in BOOKS.glob(f"*/{EXPECTED}"))
#: Bad books of more than five pages: Sphinx reads them in several processes.
MULTIPROCESS_BOOKS = {"parallel"}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory):
    """Factory: the in-process build of a fixture book, built once per module."""
    builds: dict[str, Build] = {}

    def build(name: str) -> Build:
        if name not in builds:
            builds[name] = build_in_process(copy_book(name, tmp_path_factory.mktemp(name)))
        return builds[name]

    return build


def _summary_lines(output: str) -> list[str]:
    """The lines of Carnet's closing summary (``  - <page>, cell …``)."""
    start = output.index("failed to execute:")
    lines = []
    for line in output[start:].splitlines()[1:]:
        if not line.startswith("  - "):
            break
        lines.append(line[4:])
    return lines


@pytest.mark.parametrize(
    "name",
    [pytest.param(name, marks=pytest.mark.subprocess) if name in MULTIPROCESS_BOOKS else name for name in BAD_BOOKS],
)
def test_bad_input_gets_the_expected_message(name: str, bad_build):
    build = bad_build(name)
    assert build.returncode != 0, build.output[-3000:]
    for line in (BOOKS / name / EXPECTED).read_text(encoding="utf-8").splitlines():
        assert line in build.output, f"{line!r} not in the output:\n{build.output[-3000:]}"
    assert "Traceback" not in build.output
    assert not build.html.exists(), "a failed build publishes nothing"


def test_tracebacks_stay_beside_the_site(bad_build):
    build = bad_build("cell-error")
    traceback = (build.tracebacks / "division.err.log").read_text()
    assert "ZeroDivisionError" in traceback and "y = x / 0" in traceback
    assert "Full tracebacks: " + str(build.tracebacks) in build.output
    assert not list(build.staging.rglob("*.err.log"))
    assert not (build.staging / "reports").exists()


def test_all_failing_pages_reported_in_one_run_and_the_rest_builds(bad_build):
    build = bad_build("two-failures")
    assert len(_summary_lines(build.output)) == 2
    assert "fine" in (build.staging / "ok.html").read_text()


def test_dead_kernel_fails_its_page_only(bad_build):
    build = bad_build("dead-kernel")
    assert _summary_lines(build.output) == [
        "died.ipynb, cell 3 ('os._exit(1)'): DeadKernelError: the kernel died while running this cell"
    ]
    assert "still here" in (build.staging / "alive.html").read_text()
    assert (build.staging / "died.html").is_file()


def test_malformed_notebook_fails_its_page_only(bad_build):
    assert "fine" in (bad_build("malformed").staging / "fine.html").read_text()


def test_python_notebooks_run_with_a_warning_others_fail(bad_build):
    build = bad_build("kernels")
    [line] = _summary_lines(build.output)
    assert line.startswith("unknown-r.ipynb: no Jupyter kernel named 'carnet-absent-r'")
    rows = BeautifulSoup((build.staging / "status.html").read_text(), "html.parser").select("#carnet-status-table tr")
    results = {row.select_one(".carnet-status-source").get_text(strip=True): row.get("class") for row in rows[1:]}
    assert "carnet-status-passed" in results["no-kernelspec.ipynb"]
    assert "carnet-status-passed" in results["unknown-python.ipynb"]
    assert "carnet-status-failed" in results["unknown-r.ipynb"]


def test_wrong_page_settings_fail_the_build_and_are_reported(bad_build):
    build = bad_build("page-settings")
    report = json.loads(build.build_report.read_text())
    assert [item["page"] for item in report["settings"]] == ["backend-cloud", "try-it-no", "unknown-key"]
    assert report["failures"] == []
    # A page with valid settings gets them: no try-it button, a Binder button instead of Run controls.
    page = BeautifulSoup((build.staging / "fine.html").read_text(), "html.parser")
    assert not page.select("a.btn-carnet-try-it") and page.select("button.thebe-launch-button")
    # A wrong value never counts as true: that page keeps the book's default.
    assert BeautifulSoup((build.staging / "try-it-no.html").read_text(), "html.parser").select("a.btn-carnet-try-it")


@pytest.mark.builds  # several builds of one book
def test_a_wrong_page_setting_is_reported_again_until_fixed(bad_build, tmp_path: Path):
    book = copy_book("page-settings", tmp_path)
    assert build_in_process(book).returncode == 1
    again = build_in_process(book)
    assert again.returncode == 1 and "carnet.try_it: expected true or false, got 'no'" in again.output
    for name in ("try-it-no", "backend-cloud", "unknown-key"):
        (book / f"{name}.md").write_text((book / "fine.md").read_text().replace("# fine", f"# {name}"))
    fixed = build_in_process(book)
    assert fixed.returncode == 0, fixed.output[-3000:]


def test_lite_dir_outside_the_site_deletes_nothing(bad_build):
    build = bad_build("lite-dir")
    assert sorted(p.name for p in build.book.iterdir() if p.name != "_build") == ["_config.yml", "_toc.yml", "intro.md"]


def test_kernel_warning_can_be_suppressed(tmp_path: Path):
    book = copy_book("kernels", tmp_path)
    (book / "unknown-r.ipynb").unlink()
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text().replace("  - file: unknown-r\n", ""))
    config = book / "_config.yml"
    config.write_text(
        config.read_text().replace("sphinx:\n", "sphinx:\n  config:\n    suppress_warnings: [carnet.kernel]\n")
    )
    build = build_in_process(book)
    assert build.returncode == 0, build.output
    assert "[carnet.kernel]" not in build.output


def test_inline_execution_is_refused(tmp_path: Path):
    book = copy_book("cell-error", tmp_path)
    config = book / "_config.yml"
    config.write_text(config.read_text().replace("execute_notebooks: cache", "execute_notebooks: inline"))
    build = build_in_process(book)
    assert build.returncode != 0
    assert "execute.execute_notebooks: 'inline' is not supported by Carnet" in build.output


def test_the_executor_swap_takes_effect_and_is_undone(bad_build):
    from jupyter_cache.executors.utils import single_nb_execution
    from myst_nb.core.execute import cache, direct

    build = bad_build("cell-error")
    report = json.loads(build.build_report.read_text())
    assert report["executed"], "only Carnet's executor records executed pages"
    assert cache.single_nb_execution is single_nb_execution and direct.single_nb_execution is single_nb_execution


def test_a_myst_nb_that_no_longer_calls_the_executor_stops_the_build(monkeypatch):
    from carnet.sphinxext.execution.run import executing_modules
    from myst_nb.core.execute import cache
    from sphinx.errors import ExtensionError

    monkeypatch.delattr(cache, "single_nb_execution")
    with pytest.raises(ExtensionError, match=r"no longer executes notebooks through myst_nb.core.execute.cache"):
        executing_modules("en")


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.builds
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


@pytest.mark.subprocess
def test_parallel_reading_keeps_every_failure(fixture_book):
    """Carnet declares itself parallel-read safe: pages read in other processes must still be reported."""
    book = fixture_book("two-failures")
    proc = subprocess.run([sys.executable, "-c", PARALLEL_BUILD], cwd=book, capture_output=True, text=True, timeout=600)
    assert "STATUS 1" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads((book / "_build" / "carnet-build.json").read_text())
    assert sorted(report["executed"]) == ["first", "ok", "second"]
    assert [failure["source"] for failure in report["failures"]] == ["first.ipynb", "second.md"]


@pytest.mark.builds  # several builds of one book
def test_carnet_deletes_only_what_it_wrote(tmp_path: Path):
    """A chapter in a folder named ``reports``, and a file of the author's in the JupyterLite folder, survive."""
    book = copy_book("launch", tmp_path)
    (book / "reports").mkdir()
    (book / "reports" / "projet.md").write_text("# Projet\n\nUn chapitre dans un dossier nommé reports.\n")
    toc = book / "_toc.yml"
    toc.write_text(toc.read_text() + "  - file: reports/projet\n")
    first = build_in_process(book)
    assert first.returncode == 0, first.output[-3000:]
    assert (first.html / "reports" / "projet.html").is_file()
    (first.staging / "lite" / "LISEZMOI.txt").write_text("written by the author, not by Carnet")
    (book / "sub" / "exercice.md").unlink()
    toc.write_text(toc.read_text().replace("  - file: sub/exercice\n", ""))
    second = build_in_process(book)
    assert second.returncode == 0, second.output[-3000:]
    assert not (second.html / "lite" / "files" / "sub" / "exercice.ipynb").exists()
    assert (second.html / "lite" / "LISEZMOI.txt").is_file()
    assert (second.html / "lite" / "notebooks" / "index.html").is_file()


def test_runtime_is_hosted_for_jupyterlite_even_without_live_cells(tmp_path: Path):
    book = copy_book("launch", tmp_path)
    config = book / "_config.yml"
    config.write_text(config.read_text() + "  config:\n    carnet:\n      live:\n        enabled: false\n")
    build = build_in_process(book)
    assert build.returncode == 0, build.output[-3000:]
    assert (build.html / "_static" / "carnet" / "pyodide" / "pyodide.mjs").is_file()
    lite = json.loads((build.html / "lite" / "jupyter-lite.json").read_text())
    kernel = lite["jupyter-config-data"]["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "../../_static/carnet/pyodide/pyodide.mjs"
    assert not BeautifulSoup((build.html / "analyse.html").read_text(), "html.parser").select("script[src*=live]")


@pytest.mark.builds  # several builds of one book
def test_binder_check_knows_local_modules_and_can_be_silenced_for_check_too(tmp_path: Path):
    book = copy_book("launch", tmp_path)
    (book / "sub" / "mesoutils.py").write_text("def aide():\n    return 'aide'\n")
    (book / "graphes").mkdir()  # a namespace package of the book (no __init__.py), imported from sub/
    (book / "graphes" / "parcours.py").write_text("PROFONDEUR = 'profondeur'\n")
    imports = "import sys\nsys.path.append('..')\nimport mesoutils\nimport graphes.parcours\n"
    imports += "import IPython\nimport yaml\n"
    page = book / "sub" / "exercice.md"
    page.write_text(page.read_text().replace("with open", f"{imports}with open"))
    flagged = build_in_process(book)
    assert json.loads(flagged.build_report.read_text())["binder"] == [{"page": "sub/exercice", "modules": ["yaml"]}]
    config = book / "_config.yml"
    config.write_text(config.read_text() + "  config:\n    suppress_warnings: [carnet.binder]\n")
    silenced = build_in_process(book)
    assert silenced.returncode == 0 and "[carnet.binder]" not in silenced.output
    assert json.loads(silenced.build_report.read_text())["binder"] == [], "carnet check reads this list"


def test_a_browser_asset_that_cannot_be_prepared_fails_the_build(tmp_path: Path, monkeypatch):
    """On a machine without npm and an empty cache, the build stops instead of publishing a dead site."""
    monkeypatch.setenv("CARNET_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("PATH", "/nonexistent")
    book = copy_book("launch", tmp_path)
    build = build_in_process(book)
    assert build.returncode != 0
    assert "could not be prepared: npm is needed to fetch the browser's files" in build.output
    assert "Traceback" not in build.output
    assert not build.html.exists()


def test_processes_a_cell_starts_end_with_the_build(tmp_path: Path):
    import re

    build = build_in_process(copy_book("background-process", tmp_path))  # its kernel dies after the Popen
    pid = int(re.search(r"pid (\d+)", (build.staging / "processus.html").read_text()).group(1))
    assert not alive(pid), f"the cell's `sleep 300` (pid {pid}) outlived the build"


@pytest.mark.subprocess
def test_a_hung_cell_prints_no_kernel_traceback_in_the_console(fixture_book):
    """The kernel's own output (a ZMQ traceback when it is stopped) never reaches the author's terminal."""
    build = carnet_build(fixture_book("hung-cell"))
    assert build.returncode == 1
    assert "TimeoutError: the cell was still running after 3 s" in build.output
    assert "Traceback" not in build.output and "ZMQError" not in build.output
    # While it hangs, the author sees which page and cell run, and for how long.
    assert re.search(r"  running      hang\.ipynb, cell 3 \('while True:'\) — \d s / 3 s", build.output), build.output


def test_old_notebooks_are_upgraded_and_malformed_outputs_named(tmp_path: Path):
    build = build_in_process(copy_book("old-notebooks", tmp_path))
    assert build.returncode == 0, build.output[-3000:]
    assert "format 3 converti" in (build.html / "ancien.html").read_text()
    assert "sorties refaites" in (build.html / "sorties.html").read_text()
    for position, problem in (
        (1, "a stream output without a valid 'text'"),
        (2, "a display_data output without a valid 'data'"),
    ):
        assert (
            f"sorties.ipynb: WARNING: cell 2: stored output {position} dropped, {problem} [carnet.notebook]"
            in build.output
        )
    assert (build.html / "lite" / "files" / "ancien.ipynb").is_file()


@pytest.mark.builds  # two builds of one book
def test_files_a_page_writes_are_not_published(tmp_path: Path):
    book = copy_book("byproducts", tmp_path)
    for build in (build_in_process(book), build_in_process(book, "--all")):  # executed, then from the cache
        assert build.returncode == 0, build.output[-3000:]
        files = build.html / "lite" / "files"
        published = sorted(p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file())
        assert published == ["data/entree.csv", "genere.ipynb"]
    assert (book / "corrige-genere.txt").is_file(), "the page still writes where it runs"


@pytest.mark.builds
def test_a_full_disk_fails_the_build_and_keeps_the_published_site(tmp_path: Path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"a small filesystem cannot be mounted here: {mounted.stderr.decode().strip()}")
    try:
        book = copy_book("launch", disk)
        assert carnet_build(book).returncode == 0
        html = book / "_build" / "html"
        before = _tree_digest(html)
        # A 20 MB figure: Sphinx and JupyterLite can stage it, but there is no room left for the new site's copies
        # (the unchanged files of the new site are hard links to the published ones and take no room).
        (book / "grand.png").write_bytes(os.urandom(20_000_000))
        (book / "intro.md").write_text((book / "intro.md").read_text() + "\n![Une grande figure](grand.png)\n")
        free = shutil.disk_usage(disk).free
        (disk / "remplissage").write_bytes(b"\0" * (free - 60_000_000))
        full = carnet_build(book)
        assert full.returncode != 0
        assert "No space left on device" in full.output and "Traceback" not in full.output, full.output[-3000:]
        assert "could not write the new site beside" in full.output, full.output[-3000:]
        assert _tree_digest(html) == before
        assert not (book / "_build" / "html.carnet-new").exists()
        # A disk with no room at all, and a page to execute again: its notebook cannot go into the execution
        # cache (jupyter-cache's "Unexpected error accessing jupyter cache", a Sphinx crash report before).
        page = book / "cachee.md"
        page.write_text(page.read_text() + "\n```{code-cell} ipython3\nprint('encore')\n```\n")
        (disk / "remplissage-2").write_bytes(b"\0" * shutil.disk_usage(disk).free)
        cache = book / "_build" / ".jupyter_cache"
        no_room = carnet_build(book)
        assert no_room.returncode != 0
        said = [line for line in no_room.output.splitlines() if "No space left on device" in line]
        assert said == [
            f"carnet: No space left on device: the execution cache {cache} could not be written. Free some space on "
            "that disk, then build again (deleting that folder frees some; the next build then executes every page "
            "again)"
        ], no_room.output[-3000:]
        assert "Exception occurred" not in no_room.output and "Traceback" not in no_room.output, no_room.output
        assert "jupyter cache" not in no_room.output, no_room.output[-3000:]
        assert _tree_digest(html) == before
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_cell_that_prints_megabytes_is_cut_and_named(tmp_path: Path):
    build = build_in_process(copy_book("big-output", tmp_path))
    assert build.returncode == 0, build.output[-3000:]
    # A French book: its messages are French, whatever the machine's locale.
    assert "bavard.md: WARNING: la cellule 2 a affiché 1.3 Mo ; la page montre ses premiers et derniers 50 ko" in (
        build.output
    )
    page = (build.html / "bavard.html").read_text()
    assert "ligne 0 " in page and "ligne 39999 " in page and "ligne 20000 " not in page
    assert "sortie coupée par Carnet : la cellule a affiché 1.3 Mo (carnet.output.max_kb)" in page
    assert (build.html / "bavard.html").stat().st_size < 300_000
    assert (build.html / "lite" / "files" / "bavard.ipynb").stat().st_size < 300_000


def test_a_failing_cell_cannot_retitle_or_clear_the_terminal(bad_build):
    build = bad_build("terminal-escapes")
    assert "\x1b" not in build.output and "\x07" not in build.output
    report = (build.tracebacks / "piege.err.log").read_text()
    assert "\x1b" not in report and "écran effacé" in report


def test_only_python_pages_get_python_controls(tmp_path: Path, monkeypatch):
    """A page in another language (here an OCaml kernel, played by ipykernel) gets no Run buttons nor try-it."""
    kernel = tmp_path / "jupyter" / "kernels" / "carnet-test-ocaml"
    kernel.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (kernel / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "OCaml", "language": "ocaml"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    build = build_in_process(copy_book("other-language", tmp_path))
    assert build.returncode == 0, build.output[-3000:]
    ocaml = BeautifulSoup((build.html / "ocaml.html").read_text(), "html.parser")
    python = BeautifulSoup((build.html / "python.html").read_text(), "html.parser")
    assert "let x = 1" in ocaml.get_text(), "the page was executed by its own kernel"
    assert not ocaml.select("script#carnet-live") and not ocaml.select("a.btn-carnet-try-it")
    assert python.select("script#carnet-live") and python.select("a.btn-carnet-try-it")
    assert not (build.html / "lite" / "files" / "ocaml.ipynb").exists()


def test_every_failing_cell_of_a_page_is_reported_in_one_build(bad_build):
    build = bad_build("many-errors")
    assert len(_summary_lines(build.output)) == 1, "one page, its other cells on the lines below"
    traceback = (build.tracebacks / "erreurs.err.log").read_text()
    assert "ValueError" in traceback and "NameError" in traceback and "ZeroDivisionError" in traceback
    assert "fin" in (build.staging / "erreurs.html").read_text(), "the page ran to its end"
    report = json.loads(build.build_report.read_text())
    [failure] = report["failures"]
    assert [(other["cell"], other["follows"]) for other in failure["also"]] == [(3, 2), (5, None), (6, None)]


@pytest.mark.subprocess  # reads in several processes
def test_pages_execute_in_parallel_with_every_guarantee(tmp_path, monkeypatch):
    """``-j 2``: two reader processes each run kernels; failures, times and by-products are as in a serial build."""
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    book = copy_book("parallel", tmp_path)
    build = build_in_process(book, "-j", "2")
    assert list((tmp_path / "tmp").glob("carnet-run-*")) == [], "each reader deletes its copy of the book"
    assert build.returncode == 1
    assert len(_summary_lines(build.output)) == 3
    # Every execution is announced while it happens, relayed from the reader processes.
    assert sorted(re.findall(r"  execute\s+(\w)\.md", build.output)) == list("abcdef")
    executed = {page: (build.staging / f"{page}.html").read_text() for page in "abcdef"}
    readers = {re.search(r"reader (\d+)", html)[1] for html in executed.values()}
    assert len(readers) >= 2, "the executions were shared by reader processes (one per chunk of pages)"
    assert "fine" in executed["a"] and "fine too" in executed["e"]
    report = json.loads((book / "_build/carnet-build.json").read_text())
    assert sorted(report["executed"]) == list("abcdef")
    assert all(seconds > 0.5 for seconds in report["executed"].values())  # each page's own run time
    assert {failure["page"] for failure in report["failures"]} == {"b", "c", "f"}
    byproducts = json.loads((book / "_build/.carnet-byproducts.json").read_text())
    assert byproducts["d"] == ["sortie-d.txt"]


@pytest.mark.subprocess  # reads in several processes
def test_shards_split_the_pages_and_together_check_them_all(tmp_path):
    """``carnet check --shard I/N``: each share executes its pages only, and the shares cover every page once."""
    from carnet.cli.main import main

    book = copy_book("parallel", tmp_path)
    failing = {}
    for index in (1, 2):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = main(["check", "--no-browser", "--shard", f"{index}/2", str(book)])
        assert status == 1
        report = json.loads((book / f"_build/shard-{index}-of-2/carnet-check.json").read_text())
        failing[index] = {failure["page"] for failure in report["execution"]["failures"]}
        executed = json.loads((book / f"_build/shard-{index}-of-2/carnet-build.json").read_text())["executed"]
        assert sorted(executed) == (["a", "c", "e"] if index == 1 else ["b", "d", "f"])
    assert failing == {1: {"c"}, 2: {"b", "f"}}
    assert not (book / "_build/html").exists() and not (book / "_build/.carnet-staging").exists()


#: An extension that says it reads in parallel, with a domain that cannot merge (as sphinx-proof 0.4's).
UNMERGEABLE = """
from sphinx.domains import Domain


class TheoremDomain(Domain):
    name = "thm"
    label = "Theorems"


def setup(app):
    app.add_domain(TheoremDomain)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


@pytest.mark.subprocess  # reads in several processes
def test_an_extension_that_cannot_merge_parallel_reads_makes_the_build_read_serially(tmp_path: Path):
    book = copy_book("exercises", tmp_path)
    (book / "_ext").mkdir()
    (book / "_ext" / "theoremes.py").write_text(UNMERGEABLE)
    config = book / "_config.yml"
    config.write_text(config.read_text().replace("sphinx:\n", "sphinx:\n  local_extensions: {theoremes: _ext}\n", 1))
    toc = book / "_toc.yml"
    for number in range(6):  # more than 5 pages: Sphinx would read them in parallel
        (book / f"page{number}.md").write_text(f"# Page {number}\n")
        toc.write_text(toc.read_text() + f"  - file: page{number}\n")
    build = build_in_process(book, "-j", "2")
    assert "Traceback" not in build.output and "merge_domaindata must be" not in build.output, build.output[-3000:]
    said = "theoremes dit pouvoir lire les pages en parallèle, mais son domaine thm (TheoremDomain) ne sait pas"
    assert said in build.output and (build.staging / "page5.html").is_file()


def test_a_broken_execution_cache_is_said_in_one_line_and_keeps_the_published_site(tmp_path: Path):
    book = copy_book("launch", tmp_path)
    assert build_in_process(book).returncode == 0
    html = book / "_build" / "html"
    before = _tree_digest(html)
    cache = book / "_build" / ".jupyter_cache"
    (cache / "global.db").write_bytes(b"not a database" * 100)  # a cache half-written by a killed build
    page = book / "cachee.md"
    page.write_text(page.read_text() + "\n```{code-cell} ipython3\nprint('encore')\n```\n")
    broken = build_in_process(book)
    assert broken.returncode != 0
    assert (
        f"carnet: the execution cache {cache} cannot be used (file is not a database): delete that folder, then "
        "build again (every page is then executed again)"
    ) in broken.output, broken.output[-3000:]
    assert "Exception occurred" not in broken.output and "Traceback" not in broken.output, broken.output[-3000:]
    assert _tree_digest(html) == before


def test_machine_problems_are_told_apart_from_crashes(monkeypatch, tmp_path: Path):
    import errno
    import sqlite3

    from carnet.cli.build import machine_problem
    from sphinx.errors import SphinxParallelError

    monkeypatch.setenv("CARNET_LANG", "en")
    cache, build = tmp_path / ".jupyter_cache", tmp_path

    def raised(cause: BaseException) -> RuntimeError:
        try:
            try:
                raise cause
            except Exception as err:
                raise RuntimeError("Unexpected error accessing jupyter cache, it may need to be cleared.") from err
        except RuntimeError as err:
            return err

    full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "page.html"))
    assert machine_problem(full, cache, build).startswith(f"No space left on device: {tmp_path / 'page.html'} could")
    assert "the execution cache" in machine_problem(
        raised(sqlite3.OperationalError("database or disk is full")), cache, build
    )
    locked = machine_problem(raised(sqlite3.OperationalError("database is locked")), cache, build)
    assert locked.startswith(f"the execution cache {cache} cannot be used (database is locked)")
    parallel = SphinxParallelError("OSError: [Errno 28] No space left on device", "Traceback…\nOSError: [Errno 28]…")
    assert machine_problem(parallel, cache, build).startswith(f"No space left on device: {build} could not be written")
    assert machine_problem(ValueError("a bug"), cache, build) is None
