"""Pure pieces of Carnet, tested without building anything."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from carnet.cli.build import ProgressPrinter
from carnet.core.failures import PageFailure, cell_failures, first_source_line, page_failure, summary
from carnet.core.i18n import translate
from carnet.core.kernels import choose_kernel
from carnet.core.notebooks import notebook_problem, stub_notebook
from carnet.core.toc import missing_entries, toc_problem

KERNELS = {"python3": "python", "ir": "r"}


def test_failure_message_names_file_cell_and_cause():
    failure = PageFailure("content/a.ipynb", "ZeroDivisionError: division by zero", cell=3, first_line="y = x / 0")
    assert failure.message() == "content/a.ipynb, cell 3 ('y = x / 0'): ZeroDivisionError: division by zero"
    assert PageFailure("b.ipynb", "invalid JSON").message() == "b.ipynb: invalid JSON"


def test_summary_sorts_pages_and_counts():
    text = summary([PageFailure("z.md", "boom"), PageFailure("a.md", "bang")])
    assert text.splitlines() == ["2 pages failed to execute:", "  - a.md: bang", "  - z.md: boom"]
    assert summary([PageFailure("a.md", "bang")]).startswith("1 page failed")


def _code(source: str, error: tuple[str, str] | None = None) -> dict:
    outputs = [{"output_type": "error", "ename": error[0], "evalue": error[1]}] if error else []
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": outputs}


def test_the_cells_that_follow_from_one_failing_cell_collapse_into_one_line():
    undefined = ("NameError", "name 'df' is not defined")
    cells = [
        _code("import pandas as pd"),
        _code("df = pd.read_csv('notes.csv')", ("FileNotFoundError", "notes.csv")),
        *[_code(f"df.head({n})", undefined) for n in range(28)],
        _code("moyenne = df.mean()", undefined),
        _code("print(moyenne)", ("NameError", "name 'moyenne' is not defined")),  # follows cell 2 through cell 31
        _code("1 / 0", ("ZeroDivisionError", "division by zero")),
        _code("x = int('a')", ("ValueError", "invalid literal")),
        _code("print(x)", ("NameError", "name 'x' is not defined")),
    ]
    message = page_failure(cell_failures("cours.ipynb", cells)).message("en")
    assert message.splitlines() == [
        "cours.ipynb, cell 2 (\"df = pd.read_csv('notes.csv')\"): FileNotFoundError: notes.csv",
        "      and 30 later cells that use `df`, `moyenne` (cells 3–32): they may follow from cell 2",
        "      also cell 33 ('1 / 0'): ZeroDivisionError: division by zero",
        "      also cell 34 (\"x = int('a')\"): ValueError: invalid literal",
        "      also cell 35 ('print(x)'): NameError: name 'x' is not defined (may follow from cell 34)",
    ]


def test_an_untagged_input_cell_says_how_to_show_it():
    stdin = ("StdinNotImplementedError", "raw_input was called, but this frontend does not support input requests.")
    [failure] = cell_failures("saisie.ipynb", [_code("nom = input('Nom ? ')", stdin)], language="fr")
    assert failure.cause == (
        "input() : à la construction, personne n'y répond. "
        "Donnez à la cellule l'étiquette raises-exception (dans la page, le lecteur répond)"
    )


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
        assert str(choice.note or "") == note


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
    found = notebook_problem(text)
    assert (found and str(found)) == problem


def test_stub_notebook_is_a_valid_notebook_that_is_not_executed():
    stub = stub_notebook("broken", "broken.ipynb: invalid JSON")
    assert notebook_problem(stub) is None
    assert '"execution_mode": "off"' in stub


def test_translate_falls_back_to_english():
    assert translate("fr", "status.passed") == "réussie"
    assert translate("fr_CA", "status.passed") == "réussie"
    assert translate("de", "status.passed") == "passed"
    assert translate(None, "status.summary", total=2, passed=1, failed=1) == "2 executed pages: 1 passed, 1 failed."


def test_every_message_has_french_words_and_the_same_placeholders():
    import string

    from carnet.core.i18n import catalog

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    english, french = catalog("en"), catalog("fr")
    assert sorted(set(english) - set(french)) == []
    assert [key for key in english if fields(english[key]) != fields(french[key])] == []


def test_a_setting_error_is_said_in_the_authors_language():
    from carnet.core.settings import CarnetConfig, SettingError, parse_section

    with pytest.raises(SettingError) as raised:
        parse_section(CarnetConfig, {"launch": {"try_it": "oui"}}, "carnet")
    assert str(raised.value) == "carnet.launch.try_it: expected true or false, got 'oui'"
    assert raised.value.text("fr") == "carnet.launch.try_it : true ou false attendu, pas 'oui'"


def test_the_command_speaks_the_books_language_unless_told(monkeypatch, tmp_path):
    from carnet.cli.book import language_at
    from carnet.cli.language import cli_language, speaking

    (tmp_path / "_config.yml").write_text("sphinx:\n  config:\n    language: fr\n")
    monkeypatch.delenv("CARNET_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    with speaking(language_at(tmp_path)):
        assert cli_language() == "fr"
    assert cli_language() == "en"  # the run's language does not outlive it
    monkeypatch.setenv("CARNET_LANG", "en")
    with speaking(language_at(tmp_path)):
        assert cli_language() == "en"
    assert language_at(tmp_path / "absent") is None


def test_rewritten_lock_hosts_pure_wheels_and_pins_the_rest_to_the_cdn():
    from carnet.core.lockfile import Wheel, rewrite_lock

    official = {
        "info": {"python": "3.14"},
        "packages": {
            "micropip": {
                "name": "micropip",
                "version": "0.11.1",
                "file_name": "micropip-0.11.1-py3-none-any.whl",
                "sha256": "pyodide-build",
                "depends": [],
                "imports": ["micropip"],
            },
            "numpy": {
                "name": "numpy",
                "version": "2.4.6",
                "file_name": "numpy-2.4.6-cp314-wasm32.whl",
                "sha256": "numpy-hash",
                "depends": [],
                "imports": ["numpy"],
            },
        },
    }
    hosted = {
        "micropip": ("micropip-0.11.1-py3-none-any.whl", "pypi-hash"),
        "comm": ("comm-0.2.3-py3-none-any.whl", "c"),
    }
    lock = rewrite_lock(official, hosted, "https://cdn.example/v1/full/", (Wheel("comm", "0.2.3", "c", ("comm",)),))
    packages = lock["packages"]
    assert packages["micropip"]["file_name"] == "micropip-0.11.1-py3-none-any.whl"
    assert packages["micropip"]["sha256"] == "pypi-hash"
    assert packages["numpy"]["file_name"] == "https://cdn.example/v1/full/numpy-2.4.6-cp314-wasm32.whl"
    assert packages["numpy"]["sha256"] == "numpy-hash"
    assert packages["comm"]["imports"] == ["comm"] and packages["comm"]["sha256"] == "c"
    assert official["packages"]["numpy"]["file_name"] == "numpy-2.4.6-cp314-wasm32.whl", "the input is not modified"


def test_lite_kernel_uses_the_books_runtime_or_the_cdn():
    from carnet.core.urls import cdn_base, lite_kernel_settings

    assert lite_kernel_settings(None, "lite") == {
        "pyodideUrl": "../../_static/carnet/pyodide/pyodide.mjs",
        "disablePyPIFallback": True,
    }
    assert lite_kernel_settings(None, "outils/lite")["pyodideUrl"].startswith("../../../_static/")
    cdn = lite_kernel_settings(cdn_base("https://cdn.example/v{version}/full", "314.0.6"), "lite")
    assert cdn == {"pyodideUrl": "https://cdn.example/v314.0.6/full/pyodide.mjs"}


def _distribution(folder, packages: dict) -> None:
    """A Pyodide distribution folder: the core files and a lock listing ``packages``."""
    folder.mkdir(parents=True)
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        (folder / name).write_bytes(b"core")
    (folder / "pyodide-lock.json").write_text(json.dumps({"info": {}, "packages": packages}))


def test_a_distribution_publishes_only_the_core_and_the_packages_its_lock_lists(tmp_path, monkeypatch):
    from carnet.assets.runtime import prepare_runtime
    from carnet.core.settings import RuntimeConfig
    from carnet.core.urls import RUNTIME_PATH

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path / "cache"))
    dist = tmp_path / "book" / "pyodide-dist"
    numpy = {"name": "numpy", "version": "2.4.6", "file_name": "numpy-2.4.6-cp314-wasm32.whl", "sha256": "n"}
    pandas = {"name": "pandas", "version": "3.0.0", "file_name": "pandas-3.0.0-cp314-wasm32.whl", "sha256": "p"}
    _distribution(dist, {"numpy": numpy, "pandas": pandas})
    (dist / "numpy-2.4.6-cp314-wasm32.whl").write_bytes(b"wheel")
    (dist / "notes-du-professeur.txt").write_text("private")
    root = prepare_runtime(RuntimeConfig(distribution="pyodide-dist"), tmp_path / "book") / RUNTIME_PATH
    assert (root / "numpy-2.4.6-cp314-wasm32.whl").read_bytes() == b"wheel"
    assert not (root / "notes-du-professeur.txt").exists()
    lock = json.loads((root / "pyodide-lock.json").read_text())["packages"]
    assert lock["numpy"]["file_name"] == "numpy-2.4.6-cp314-wasm32.whl" and lock["numpy"]["sha256"] == "n"
    assert lock["pandas"]["file_name"].startswith("https://cdn.jsdelivr.net/pyodide/v"), "absent: from the CDN"


def test_an_ordinary_folder_is_not_a_distribution(tmp_path, monkeypatch):
    from carnet.assets.npm import AssetError
    from carnet.assets.runtime import prepare_runtime
    from carnet.core.settings import RuntimeConfig

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path / "cache"))
    (tmp_path / "book" / "cours").mkdir(parents=True)
    (tmp_path / "book" / "cours" / "corrige.txt").write_text("private")
    with pytest.raises(AssetError, match=r"carnet.runtime.distribution: .*cours is not a Pyodide distribution \(no "):
        prepare_runtime(RuntimeConfig(distribution="cours"), tmp_path / "book")
    assert not list((tmp_path / "cache").rglob("corrige.txt"))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"launch": {"tryit": True}},
            "carnet.launch.tryit: unknown setting (known: interface, lite_dir, private, sourcemaps, try_it)",
        ),
        ({"launch": {"try_it": "yes"}}, "carnet.launch.try_it: expected true or false, got 'yes'"),
        ({"live": {"prewarm": "soon"}}, "carnet.live.prewarm: expected one of intent, idle, run, got 'soon'"),
        ({"launch": {"private": "private"}}, "carnet.launch.private: expected a list of strings, got 'private'"),
        ({"runtime": 3}, "carnet.runtime: expected a mapping of settings, got 3"),
    ],
)
def test_config_errors_name_the_key_path(value, message):
    from carnet.core.settings import CarnetConfig, SettingError, parse_section

    with pytest.raises(SettingError) as error:
        parse_section(CarnetConfig, value, "carnet")
    assert str(error.value) == message


def test_config_defaults():
    from carnet.core.settings import CarnetConfig, parse_section

    config = parse_section(CarnetConfig, {"live": {"prewarm": "idle"}}, "carnet")
    assert config.live.prewarm == "idle" and config.launch.try_it is True and config.runtime.source == "self"


def test_failed_jupyterlite_build_stops_with_its_real_cause(tmp_path, monkeypatch):
    from carnet.assets import lite_app
    from carnet.assets.npm import AssetError
    from carnet.core.settings import LaunchConfig

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path))
    monkeypatch.setattr(lite_app, "LITE_MODULE", "jupyterlite_core.no_such_command")
    with pytest.raises(AssetError, match=r"the JupyterLite build failed \(exit 1\):\n(.|\n)*No module named"):
        lite_app.build_app(LaunchConfig())
    assert not list((tmp_path / "lite-app").glob("*/jupyter-lite.json"))


def test_carnet_turtle_wheel_is_reproducible_and_maps_import_turtle(tmp_path):
    import zipfile

    from carnet.activities.turtle.assets import build_carnet_turtle

    first = build_carnet_turtle(tmp_path)
    data = first.read_bytes()
    (tmp_path / "again").mkdir()
    assert build_carnet_turtle(tmp_path / "again").read_bytes() == data, "same sources, same sha256"
    with zipfile.ZipFile(first) as wheel:
        names = set(wheel.namelist())
        assert {"turtle/__init__.py", "carnet_turtle.py"} <= names
        record = wheel.read(next(name for name in names if name.endswith("RECORD"))).decode()
    assert all(name in record for name in names)


def test_browser_views_ignore_what_changes_between_two_correct_runs():
    from carnet.core.compare import normalise, notebook_cell_view, page_cell_view

    assert normalise("<__main__.Point object at 0x7f3a2b1c0d90>") == "<__main__.Point object at 0x…>"
    timing = "2.15 μs ± 31.2 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)"
    assert normalise(timing) == normalise("9.04 µs +- 1 ms per loop (mean +- std. dev. of 1 run, 1 loop each)")
    book = [
        {"output_type": "stream", "name": "stdout", "text": "a\n"},
        {"output_type": "stream", "name": "stdout", "text": "b\n"},
        {"output_type": "display_data", "data": {"image/svg+xml": "<svg/>", "text/plain": "<SVG>"}},
    ]
    page = [("stream", {"name": "stdout", "text": "a\nb\n"}), ("turtle", {})]
    assert notebook_cell_view(book) == page_cell_view(page) == ["stdout: a\nb", "image"]


def test_browser_verdicts_tell_offline_from_failing():
    from carnet.core.compare import compare_page

    messages = {"input": "input() ne fonctionne pas dans la page"}
    expected = [["text: 3"], ["image"]]
    missing = [
        {"outputs": [("result", {"text/plain": "3"})]},
        {"outputs": [("error", {"ename": "ModuleNotFoundError"})], "missing": ["matplotlib"]},
    ]
    assert compare_page(expected, missing, messages).status == "offline"
    asked = [{"outputs": [("error", {"ename": "RuntimeError", "evalue": messages["input"]})]}]
    verdict = compare_page([["stdout: Léa"]], asked, messages)
    assert (verdict.status, verdict.cell, verdict.detail) == (
        "fails",
        1,
        "input() (a page cannot wait for the keyboard)",
    )
    assert (
        compare_page(
            [["error: ZeroDivisionError"]], [{"outputs": [("error", {"ename": "ZeroDivisionError"})]}], messages
        ).status
        == "same"
    )
    assert compare_page([["text: 3"]], [{"outputs": [("result", {"text/plain": "4"})]}], messages).status == "differs"


def test_set_order_and_keyboard_input_are_not_differences_and_a_difference_says_its_likely_cause():
    from carnet.core.compare import compare_page, normalise

    assert normalise("{'pomme', 'kiwi'} et {1: 'a', 2: 'b'}") == normalise("{'kiwi', 'pomme'} et {1: 'a', 2: 'b'}")
    assert normalise("{1: 'a', 2: 'b'}") != normalise("{2: 'b', 1: 'a'}"), "a dict keeps its order: not sorted"
    messages = {"input": "input() n'est pas disponible dans la page"}
    stdin = [["error: StdinNotImplementedError"], ["stdout: suite"]]
    asked = [{"outputs": [("error", {"ename": "PageLimit", "evalue": messages["input"]})]}]
    assert (
        compare_page(stdin, [*asked, {"outputs": [("stream", {"name": "stdout", "text": "suite"})]}], messages).status
        == "same"
    )
    versions = [["stdout: (3, 11)"], ["error: ZeroDivisionError"]]
    ran = [{"outputs": [("stream", {"name": "stdout", "text": "(3, 14)"})]}, {"outputs": []}]
    sources = ["import sys\nprint(sys.version_info[:2])", "1 / 0"]
    verdict = compare_page(versions, ran, messages, "en", sources, "3.11 at build, 3.14 in the browser")
    assert (verdict.status, verdict.cell) == ("fails", 2), "a later real break wins over an earlier difference"
    verdict = compare_page(versions[:1], ran[:1], messages, "en", sources, "3.11 at build, 3.14 in the browser")
    assert (verdict.status, verdict.cell, verdict.detail) == (
        "differs",
        1,
        "expected 'stdout: (3, 11)', got 'stdout: (3, 14)' "
        "(likely cause: another Python (3.11 at build, 3.14 in the browser))",
    )
    float_error = {"ename": "TypeError", "evalue": "'float' object cannot be interpreted as an integer"}
    broke = compare_page([["text: 3"]], [{"outputs": [("error", float_error)]}], messages, "en", ["f()"], "3.11, 3.14")
    assert broke.detail == f"TypeError: {float_error['evalue']} (likely cause: another Python (3.11, 3.14))"
    rolled = compare_page(
        [["stdout: 4"]],
        [{"outputs": [("stream", {"name": "stdout", "text": "2"})]}],
        messages,
        "fr",
        ["print(random.randint(1, 6))"],
    )
    assert rolled.detail.endswith("(cause probable : des nombres aléatoires ; random.seed(…) donne les mêmes partout)")


def test_starter_and_public_tests_remove_what_the_pupil_must_not_see():
    from carnet.activities.exercise.cells import ExerciseError, find_exercises, public_tests, starter

    answer = (
        "def aire(a, b):\n    ### BEGIN SOLUTION\n    return a * b\n    ### END SOLUTION\n"
        "x = 2  # SOLUTION\nprint(x)  # SOLUTION\n"
    )
    assert starter(answer, "à compléter") == ("def aire(a, b):\n    ...  # à compléter\nx = ...\n...  # à compléter\n")
    tests = "assert aire(1, 1) == 1\n### BEGIN HIDDEN TESTS\nassert aire(0, 1) == 0, 'SECRET'\n### END HIDDEN TESTS\n"
    assert public_tests(tests) == "assert aire(1, 1) == 1\n"
    with pytest.raises(ExerciseError, match="cell 2, line 2: ### BEGIN SOLUTION without ### END SOLUTION"):
        starter("x = 1\n### BEGIN SOLUTION\n", "à compléter", "cell 2")
    code = lambda *tags: {"cell_type": "code", "source": "", "metadata": {"tags": list(tags)}}  # noqa: E731
    cells = [code("exercise-setup"), code("exercise-answer"), code(), code("exercise-tests"), code("exercise-answer")]
    with pytest.raises(ExerciseError, match="cell 5: an exercise-answer cell with no exercise-tests cell after it"):
        find_exercises(cells)
    first = find_exercises(cells[:4])[0]
    assert (first.number, first.answer, first.tests, first.setup) == (1, 1, 3, (0,))


def test_written_solutions_go_from_markdown_fenced_or_gated_across_cells():
    from carnet.activities.exercise.pupil import pupil_cells, strip_solutions

    text = "Avant.\n\n```{solution} ex\nSECRET\n````python\nx\n````\n```\n\n:::{solution} ex\nSECRET\n:::\nAprès.\n"
    assert strip_solutions(text) == "Avant.\n\nAprès.\n"
    cells = [
        {"cell_type": "markdown", "source": "Énoncé\n:::{solution-start} ex\n:::\nSECRET"},
        {"cell_type": "code", "source": "print('SECRET')", "metadata": {}, "outputs": []},
        {"cell_type": "markdown", "source": "SECRET\n:::{solution-end}\n:::\nSuite"},
        {"cell_type": "markdown", "source": "```{solution} ex\nSECRET\n```"},
        {"cell_type": "code", "source": "x = 2  # SOLUTION", "metadata": {"tags": ["exercise-answer"]}, "outputs": [1]},
        {
            "cell_type": "code",
            "source": "assert x\n### BEGIN HIDDEN TESTS\nassert SECRET\n### END HIDDEN TESTS\n",
            "metadata": {"tags": ["exercise-tests"]},
            "outputs": [1],
        },
    ]
    pupil = pupil_cells(cells, "à compléter")
    assert [cell["source"] for cell in pupil] == ["Énoncé\n", "Suite", "x = ...\n", "assert x\n"]
    assert pupil[2]["outputs"] == pupil[3]["outputs"] == [], "no output of the solution or of the hidden tests"
    assert "SECRET" not in json.dumps(pupil)


def test_progress_lines_show_whole_file_names():
    out = io.StringIO()
    printer = ProgressPrinter(out, {"read": "lire", "execute": "exécuter", "write": "écrire", "lite": "lite"})
    printer.write("reading sources... [ 50%] notebooks/Exemple de notebook avec Python\n")
    printer.write("[carnet] execute: notebooks/Exemple de notebook avec Python.ipynb\n")
    printer.write("writing output... [100%] notebooks/Exemple de notebook avec Python \n")
    # A line relayed from a parallel reader, landed inside Sphinx's unfinished progress line.
    printer.write("reading sources... [ 33%] a .. f[carnet] execute: chapitres/b.md\n")
    assert out.getvalue().splitlines() == [
        "  lire         [ 50%] notebooks/Exemple de notebook avec Python",
        "  exécuter     notebooks/Exemple de notebook avec Python.ipynb",
        "  écrire       [100%] notebooks/Exemple de notebook avec Python",
        "  lire         [ 33%] a .. f",
        "  exécuter     chapitres/b.md",
    ]


@pytest.mark.parametrize(
    ("toc", "problem"),
    [
        ("- file: intro\n- file: chapitre\n", ("toc.list_style", {})),
        ("format: jb-book\nchapters:\n  - file: a\n", ("toc.no_root", {})),
        ("intro\n", ("toc.not_mapping", {})),
        ("root: intro\nchapters: a\n", ("toc.not_a_list", {"key": "chapters", "line": 2})),
        (
            "root: intro\nparts:\n  - caption: P\n    chapters:\n"
            "      - file: a\n        sections:\n          - file b\n",
            ("toc.entry_not_mapping", {"line": 7, "written": "file b", "fix": "file: b"}),
        ),
        (
            "root: intro\nchapters:\n  - chapitres/boucles\n",
            ("toc.entry_not_mapping", {"line": 3, "written": "chapitres/boucles", "fix": "file: chapitres/boucles"}),
        ),
        ("format: jb-book\nroot: intro\nchapters:\n  - file: a\n    sections:\n      - url: https://x\n", None),
    ],
)
def test_a_toc_of_the_wrong_shape_is_named_with_its_line_and_fix(toc, problem):
    assert toc_problem(toc) == problem


TOC_HEAD = "format: jb-book\nroot: intro\n"


@pytest.mark.parametrize(
    ("toc", "key", "values"),
    [
        (TOC_HEAD + "chapters:\n  - file: a\n  - file: b\n    sections:\n      - file: a\n", "toc.twice", {"line": 7}),
        (TOC_HEAD + "chapters:\n  - file: a\n  - file: intro\n", "toc.root_again", {"line": 5, "first": 2}),
        (TOC_HEAD + "chapters: &c\n  - file: a\n    sections: *c\n", "toc.cycle", {"line": 4}),
        ("format: jb-bok\nroot: intro\n", "toc.format", {"line": 1, "written": "jb-bok"}),
        (TOC_HEAD + "chapter:\n  - file: a\n", "toc.unknown_key", {"line": 3, "key": "chapter"}),
        (TOC_HEAD + "chapters:\n  - file: a\n    section:\n      - file: b\n", "toc.unknown_key", {"line": 5}),
        (TOC_HEAD + "parts:\n  - chapters:\n      - file: a\nchapters:\n  - file: b\n", "toc.both_lists", {"line": 1}),
        (TOC_HEAD + "parts: []\n", "toc.not_a_list", {"key": "parts", "line": 3}),
        (TOC_HEAD + "chapters:\n", "toc.not_a_list", {"key": "chapters", "line": 3}),
        (TOC_HEAD + "parts:\n  - caption: P\n    file: a\n", "toc.part_without_items", {"line": 4}),
        (TOC_HEAD + "chapters:\n  - title: Chapitre\n", "toc.no_link", {"line": 4, "hint": ""}),
        (TOC_HEAD + "chapters:\n  - file: a\n    url: https://x.org\n", "toc.two_links", {"line": 4}),
        (TOC_HEAD + "chapters:\n  - glob: c/*\n    chapters:\n      - file: b\n", "toc.link_with_children", {}),
        (TOC_HEAD + "chapters:\n  - url: www.example.org\n", "toc.bad_url", {"line": 4}),
        (TOC_HEAD + "chapters:\n  - url: https://x.org\n    title: 2024\n", "toc.not_text", {"line": 5}),
        (TOC_HEAD + "parts:\n  - caption: P\n    numbered: oui\n    chapters:\n      - file: a\n", "toc.option", {}),
        (TOC_HEAD + "parts:\n  - caption: P\n    style: roman\n    chapters:\n      - file: a\n", "toc.option", {}),
        (TOC_HEAD + "parts:\n  - caption: 2024\n    chapters:\n      - file: a\n", "toc.option", {"line": 4}),
        (TOC_HEAD + "parts:\n  - caption: P\n    maxdepth: deux\n    chapters:\n      - file: a\n", "toc.option", {}),
        (TOC_HEAD + "defaults:\n  numberd: true\nchapters:\n  - file: a\n", "toc.unknown_key", {"key": "numberd"}),
        (TOC_HEAD + "defaults: true\nchapters:\n  - file: a\n", "toc.options_mapping", {"key": "defaults"}),
        ("root: intro\noptions: true\nentries:\n  - file: a\n", "toc.options_mapping", {"key": "options"}),
        (TOC_HEAD + "chapters:\n  - file: 01\n", "toc.not_text", {"line": 4, "written": "01"}),
        (TOC_HEAD + "chapters:\n  - file:\n", "toc.no_page", {"line": 4, "key": "file"}),
        ("format: jb-book\nroot:\n", "toc.no_page", {"line": 2, "key": "root"}),
        (TOC_HEAD + "chapters:\n  - file: a\n    title: 2024\n", "toc.not_text", {"line": 5}),
    ],
)
def test_every_toc_sphinx_external_toc_refuses_is_named_with_its_line(toc, key, values):
    """Each of these stopped the build with sphinx-external-toc's raw error (no line, no fix) or a crash."""
    import yaml
    from sphinx_external_toc.parsing import MalformedError, parse_toc_data

    with pytest.raises((MalformedError, TypeError)):  # TypeError: defaults or options that are not a mapping
        parse_toc_data(yaml.safe_load(toc))
    problem = toc_problem(toc)
    assert problem is not None and problem[0] == key, problem
    assert values.items() <= problem[1].items(), problem


@pytest.mark.parametrize(
    ("toc", "key"),
    [
        # sphinx-external-toc accepts these, then Sphinx loops forever or drops the pages without a word.
        (TOC_HEAD + "chapters:\n  - file: a\n    sections:\n      - file: a.md\n", "toc.cycle"),
        (TOC_HEAD + "chapters:\n  - file: a\n  - file: a.ipynb\n", "toc.twice"),
        (TOC_HEAD + "chapters:\n  - file: a\n    sections:\n      - file: intro.md\n", "toc.root_again"),
        (TOC_HEAD + "chapters:\n  - url: https://x.org\n    sections:\n      - file: b\n", "toc.link_with_children"),
        (TOC_HEAD + "parts:\n  - captoin: P\n    chapters:\n      - file: a\n", "toc.unknown_key"),
    ],
)
def test_a_toc_that_sphinx_external_toc_accepts_but_breaks_the_book_is_refused(toc, key):
    assert toc_problem(toc)[0] == key


def test_a_toc_with_every_option_right_is_accepted():
    toc = (
        TOC_HEAD + "defaults:\n  numbered: true\nmeta:\n  x: 1\nparts:\n  - caption: P\n    numbered: 2\n"
        "    style: [romanupper, alphalower]\n    chapters:\n      - file: a\n        title: A\n        sections:\n"
        "          - url: https://x.org\n            title: X\n          - glob: chap/*\n"
        "  - caption: Q\n    chapters:\n      - file: b\n        options:\n          numbered: true\n"
        "        sections:\n          - file: c\n"
    )
    assert toc_problem(toc) is None


def test_pages_are_ordered_so_that_each_reader_gets_its_share_of_the_executions():
    from carnet.core.schedule import balanced_order

    pages = ["annexe", "intro", "nb1", "nb2", "nb3", "nb4", "z1", "z2"]
    costs = {"nb1": 1.0, "nb2": 1.0, "nb3": 1.0, "nb4": 1.0, "intro": 0.05, "annexe": 0.05}
    order = balanced_order(pages, costs, [4, 4])
    assert sorted(order) == sorted(pages)
    first, second = order[:4], order[4:]
    assert sum(costs.get(p, 0) for p in first) == sum(costs.get(p, 0) for p in second)
    assert order == balanced_order(list(reversed(pages)), costs, [4, 4])  # the same at every build
    # The long page and a short one on one side, the two others on the other: 12 s and 6 s, the best two by two.
    order = balanced_order(["a", "b", "c", "d"], {"a": 9.0, "b": 3.0, "c": 3.0, "d": 3.0}, [2, 2])
    assert order == ["a", "d", "b", "c"]


def test_shards_are_a_deterministic_partition_of_the_pages():
    from carnet.core.shard import parse_shard, shard_pages

    pages = [f"chapitre-{n:02d}" for n in range(10)]
    shares = [shard_pages(reversed(pages), index, 3) for index in (1, 2, 3)]
    assert set().union(*shares) == set(pages) and sum(map(len, shares)) == len(pages)
    assert [len(share) for share in shares] == [4, 3, 3]
    assert shares[0] == shard_pages(pages, 1, 3)  # the same split whatever the order found
    assert parse_shard("2/3") == (2, 3)
    for wrong in ("0/3", "4/3", "2", "a/b"):
        with pytest.raises(ValueError):
            parse_shard(wrong)


def _run_cell(code: str, filename: str) -> BaseException:
    """Run ``code`` as the page's runtime runs a cell (its lines in linecache under its pseudo file name)."""
    import linecache

    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    try:
        exec(compile(code, filename, "exec"), {})
    except Exception as error:  # the error the page shows
        return error
    raise AssertionError("the cell did not fail")


def test_a_recursion_that_never_ends_is_a_short_traceback_with_the_pupils_lines():
    import importlib.util
    from pathlib import Path

    import carnet

    source = Path(carnet.__file__).parent / "activities" / "code" / "browser" / "carnet_errors.py"
    spec = importlib.util.spec_from_file_location("carnet_errors", source)
    errors = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(errors)
    error = _run_cell("def compte(n):\n    return compte(n - 1)\n\ncompte(3)\n", "<cellule 2>")
    output = errors.error_output(error, "<cellule 2>")
    lines = output["traceback"].splitlines()
    assert output["ename"] == "RecursionError" and output["line"] == 2, "the deepest line of the cell"
    assert len(lines) < 20, lines
    assert "----> 4 compte(3)" in lines and lines.count("----> 2     return compte(n - 1)") == 3
    assert any(line.startswith("  [Previous line repeated ") for line in lines)
    # Two functions calling each other: no repeated line, so the middle frames are left out.
    error = _run_cell("def a(n):\n    return b(n)\n\ndef b(n):\n    return a(n)\n\na(1)\n", "<cellule 3>")
    assert "more frames ...]" in errors.error_output(error, "<cellule 3>")["traceback"]
    assert errors.error_output(error, "<cellule 3>")["traceback"].count("---->") <= errors.FRAMES_SHOWN + 1
    # Carnet's own modules are machinery; the book's helper modules, in the same home folder, are not.
    assert errors.is_machinery("/home/pyodide/carnet_runtime.py")
    assert not errors.is_machinery("/home/pyodide/book/mesoutils.py")
    assert errors.is_machinery("/lib/python3.12/site-packages/IPython/core/interactiveshell.py")


@pytest.mark.parametrize(
    ("metadata", "timeout", "setting"),
    [
        ({}, 120, None),
        ({"execution": {"timeout": 5}}, 5, "execution.timeout"),
        ({"mystnb": {"execution_timeout": 5}}, 5, "mystnb.execution_timeout"),
        ({"execution": {"timeout": 5}, "mystnb": {"execution_timeout": 7}}, 5, "execution.timeout"),
        # MyST-NB ignored a page setting it could not use: the book's time-out is the one in force.
        ({"mystnb": {"execution_timeout": "deux"}}, 120, None),
    ],
)
def test_a_timeout_names_the_page_key_it_came_from(metadata, timeout, setting):
    from carnet.core.notebooks import timeout_setting

    assert timeout_setting(metadata, timeout) == setting


def test_kernels_hash_strings_with_a_fixed_seed_unless_the_build_sets_one():
    from carnet.core.kernels import kernel_environment

    assert kernel_environment({"PATH": "/bin"}) == {"PYTHONHASHSEED": "0", "PATH": "/bin"}
    assert kernel_environment({"PYTHONHASHSEED": "random"})["PYTHONHASHSEED"] == "random"


def test_the_page_finds_the_turtle_renderer_where_the_build_puts_it():
    """turtle.mjs derives the renderer's URL from the runtime's; the build extracts it to the same path."""
    import carnet
    from carnet.activities.turtle.assets import RENDERER_PATH

    page = Path(carnet.__file__).parent / "activities" / "turtle" / "browser" / "turtle.mjs"
    assert f'export const RENDERER_PATH = "{RENDERER_PATH}";' in page.read_text(encoding="utf-8")
