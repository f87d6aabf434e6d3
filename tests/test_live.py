"""Readers run and edit code cells in the page, in a real headless Chromium, offline, on real Pyodide.

The live fixture book is built with an empty asset cache, as on a fresh machine: its first build
must already hold the runtime, the editor and MathJax.
"""

from __future__ import annotations

import json
import re

import pytest
from browsing import (
    START_TIMEOUT,
    cell,
    cell_menu,
    code_of,
    open_in_jupyterlite,
    open_page,
    python_bar,
    run,
    run_first_lite_cell,
    type_code,
    wait_for_request,
)
from bs4 import BeautifulSoup
from carnet.assets.runtime import PYODIDE_VERSION
from carnet.cli.server import serve_directory
from conftest import Build, carnet_build, copy_book

pytestmark = pytest.mark.browser

#: Files whose download means the runtime (or the editor) started.
RUNTIME_FILES = ("pyodide", "carnet-worker", "codemirror", "carnet_runtime")
CDN_PACKAGES = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"


@pytest.fixture(scope="module")
def live_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    fresh_cache = tmp_path_factory.mktemp("empty-cache")
    build = carnet_build(copy_book("live", tmp_path_factory.mktemp("live")), cache=fresh_cache)
    assert build.returncode == 0, build.output[-3000:]
    assert "WARNING" not in build.output, build.output[-3000:]
    return build


@pytest.fixture
def site(live_build: Build):
    """The live fixture book served on 127.0.0.1 under a project subpath."""
    with serve_directory(live_build.html, "/cours-nsi/") as base:
        yield base


def test_nothing_of_the_runtime_is_downloaded_before_intent(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    assert cell(page, 1).locator(".carnet-run").is_visible()
    assert [url for url in page.requests if any(name in url for name in RUNTIME_FILES)] == []
    # Hovering a code cell is intent: the runtime and the editor start loading.
    cell(page, 1).hover()
    page.wait_for_selector(".CodeMirror", timeout=START_TIMEOUT)
    wait_for_request(page, "pyodide.asm.wasm")


def test_cells_run_share_variables_and_show_rich_outputs(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    assert run(page, 1).inner_text().strip() == "début"
    assert run(page, 2).inner_text().strip() == "42"
    html_output = run(page, 3)
    assert html_output.locator("table.tableau-test td").inner_text() == "case"
    error = run(page, 4).inner_text()
    assert "Traceback" in error and "ZeroDivisionError: division by zero" in error
    assert '<cellule 4>", line 4' in error and "----> 4 inverse(0)" in error, "the failing line, with its arrow"
    assert "----> 2     return 1 / n" in error and "      1 def inverse(n):" in error, "and in the function, in context"
    assert "Une division par zéro est impossible" in error, "one plain sentence for a common error"
    cell(page, 5).locator(".carnet-run").click()
    answer = cell(page, 5).locator(".carnet-input input")
    answer.fill("Léa")
    answer.press("Enter")
    cell(page, 5).locator(".carnet-output", has_text="Ton nom ? Léa").wait_for()
    assert "Traceback" not in cell(page, 5).locator(".carnet-output").inner_text(), "input() works in the page"
    assert run(page, 6).inner_text().split() == ["tour", "0", "tour", "1", "tour", "2"]
    # The build-time output of a run cell is replaced by the live one.
    assert cell(page, 2).locator(".cell_output").is_hidden()
    assert offline_context.blocked == []
    assert all(url.startswith("http://127.0.0.1") for url in page.requests)
    assert page.errors == []


def test_errors_show_the_pupils_line_never_carnets_and_offer_to_run_the_cells_above(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    type_code(page, 2, "y = 1\n", "print(x + y)")
    error = run(page, 2)
    assert "NameError: name 'x' is not defined" in error.inner_text() and "----> 2 print(x + y)" in error.inner_text()
    assert cell(page, 2).locator(".CodeMirror .carnet-error-line pre").inner_text() == "print(x + y)", "highlighted"
    assert cell(page, 2).locator(".CodeMirror-linenumber").count() >= 2, "the editor numbers its lines"
    error.locator(".carnet-run-above-fix", has_text="l'une d'elles définit x").click()
    cell(page, 1).locator(".carnet-output", has_text="début").wait_for(timeout=START_TIMEOUT)
    assert run(page, 2).inner_text().strip() == "22", "the cell above defined x"
    assert cell(page, 2).locator(".carnet-error-line").count() == 0
    type_code(page, 2, "int('douze')")
    assert "carnet_runtime" not in run(page, 2).inner_text() and "pyodide" not in run(page, 2).inner_text()
    # Escape then Tab leaves the editor (no keyboard trap); Tab alone indents.
    cell(page, 2).locator(".CodeMirror").click()
    page.keyboard.press("Tab")
    assert cell(page, 2).locator(".CodeMirror").evaluate("(e) => e.contains(document.activeElement)")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not cell(page, 2).locator(".CodeMirror").evaluate("(e) => e.contains(document.activeElement)")
    cell(page, 2).locator(".CodeMirror").click()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")
    in_editor = cell(page, 2).locator(".CodeMirror").evaluate("(e) => e.contains(document.activeElement)")
    assert not in_editor, "Escape then Shift+Tab leaves it backwards"
    # A recursion that never ends: a few lines with Python's count of the repeats, and what to check.
    type_code(page, 2, "compte = lambda n: compte(n - 1)\n", "compte(3)")
    error = run(page, 2).inner_text()
    assert "RecursionError" in error and "[Previous line repeated" in error and len(error.splitlines()) < 30, error
    assert "un cas de base" in error, "one plain sentence for a recursion"
    # The book's own helper module is the reader's code: its frame is shown.
    type_code(page, 2, "import mesoutils\n", "mesoutils.double(None)")
    error = run(page, 2).inner_text()
    assert "mesoutils.py" in error and "TypeError" in error, error
    assert page.errors == []


def test_output_of_edited_code_shows_as_stale_and_editors_follow_the_dark_theme(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    target = cell(page, 2)
    run(page, 1)
    assert run(page, 2).inner_text().strip() == "42"
    type_code(page, 7, "print('autre')")  # never run: the build's output is said to be stale, in words
    label = cell(page, 7).locator(".cell_output").evaluate("(e) => getComputedStyle(e, '::before').content")
    assert "version précédente du code" in label, label
    type_code(page, 2, "x * 3")
    assert "carnet-stale" in target.get_attribute("class"), "the output came from other code"
    label = target.locator(".carnet-output").evaluate("(e) => getComputedStyle(e, '::before').content")
    assert "version précédente du code" in label
    cell_menu(page, 2, "⟲ Code d'origine")
    assert "carnet-stale" not in target.get_attribute("class"), "42 came from the original code"
    type_code(page, 2, "x * 3")
    assert run(page, 2).inner_text().strip() == "63" and "carnet-stale" not in target.get_attribute("class")
    cell_menu(page, 2, "⟲ Code d'origine")
    assert "carnet-stale" in target.get_attribute("class"), "'original code' does not bring back 63's code"
    background = "(e) => getComputedStyle(e).backgroundColor"
    light = target.locator(".CodeMirror").evaluate(background)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    dark = target.locator(".CodeMirror").evaluate(background)
    assert light != dark and dark != "rgb(255, 255, 255)", (light, dark)


def test_keyboard_reaches_the_first_cell_at_once_and_buttons_are_named_by_their_text(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller à la première cellule de code"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('[data-carnet-cell]')?.dataset.carnetCell === '1'")
    # Focus is intent: the editor replaces the code under the keyboard, which stays in it.
    cell(page, 1).locator(".CodeMirror").wait_for(timeout=START_TIMEOUT)
    in_first_editor = "() => document.activeElement.closest('[data-carnet-cell=\"1\"] .CodeMirror') !== null"
    page.wait_for_function(in_first_editor)
    page.locator(".carnet-skip").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(in_first_editor)  # the skip link reaches the editor once it has loaded
    names = page.locator(".carnet-button").evaluate_all(
        "(buttons) => buttons.map((b) => [b.textContent, b.getAttribute('aria-label')])"
    )
    worded = [(text, label) for text, label in names if any(c.isalpha() for c in text)]
    assert worded and all(label is None for _, label in worded), "the visible text is the accessible name"
    assert {label for text, label in names if text == "⋯"} == {"Autres commandes de la cellule"}, "a symbol gets words"


#: Collects what the page's Python bar shows, as it changes (progress figures come and go fast on 127.0.0.1).
WATCH_BAR = """() => { window.barTexts = [];
  new MutationObserver(() => { const bar = document.querySelector('.carnet-python');
    if (bar) window.barTexts.push([bar.dataset.state, bar.querySelector('.carnet-python-figures').textContent]); })
  .observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true }); }"""


def test_calm_controls_one_run_button_per_cell_and_python_in_one_place(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    toolbar = cell(page, 2).locator(".carnet-toolbar")
    visible = toolbar.locator("button:visible").all_inner_texts()
    assert visible == ["▶ Exécuter", "⋯"], "one Run control; the others wait in a menu"
    assert toolbar.bounding_box()["height"] < 40, "one row, even on a phone"
    assert python_bar(page).count() == 0, "nothing about Python before the reader shows intent"
    # The editor takes the <pre>'s place without a jump: same box, same place for the code.
    code = "(e) => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().x; }"
    before = cell(page, 2).bounding_box(), cell(page, 2).locator(".cell_input pre").evaluate(code)
    page.evaluate(WATCH_BAR)
    cell(page, 2).hover()
    cell(page, 2).locator(".CodeMirror").wait_for(timeout=START_TIMEOUT)
    after = cell(page, 2).bounding_box(), cell(page, 2).locator(".CodeMirror-line").first.evaluate(code)
    (box, x), (moved, moved_x) = before, after
    assert abs(box["height"] - moved["height"]) <= 1 and abs(box["y"] - moved["y"]) <= 1, (box, moved)
    assert abs(x - moved_x) <= 2, "the code stays where it was"
    page.locator(".carnet-python[data-state='ready']").wait_for(timeout=START_TIMEOUT)
    assert python_bar(page).get_by_role("status").inner_text() == "Python est prêt"
    figures = [text for state, text in page.evaluate("window.barTexts") if state == "starting" and text]
    total = int(page.locator("script#carnet-live").get_attribute("data-download"))
    assert total > 5_000_000 and figures, "the download is announced with its size"
    assert all(re.fullmatch(r"\d+,\d / \d+,\d Mo", text) for text in figures), figures
    assert figures[-1] == "{0} / {0} Mo".format(f"{total / 1e6:.1f}".replace(".", ",")), figures[-1]
    # The menu opens from the keyboard and closes with Escape, back on its button.
    cell(page, 2).locator(".carnet-more").focus()
    page.keyboard.press("Enter")
    assert cell(page, 2).locator(".carnet-menu").is_visible()
    assert cell(page, 2).locator(".carnet-more").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    assert cell(page, 2).locator(".carnet-menu").is_hidden()
    assert page.evaluate("document.activeElement.className").endswith("carnet-more")
    # Restart is the page's: a new Python, empty variables.
    run(page, 1)
    python_bar(page).get_by_role("button", name="↺ Redémarrer", exact=True).click()
    assert "NameError" in run(page, 2).inner_text()
    assert page.errors == []


def test_cells_accept_ipython_syntax_and_show_values_as_the_book_does(offline_context, site):
    page = open_page(offline_context, site + "ipython.html")
    assert run(page, 1).inner_text().strip() == "dict", "IPython's formatter, not <class 'dict'>"
    assert "per loop" in run(page, 2).inner_text()
    assert "Return the number of items in a container." in run(page, 3).inner_text()
    message = run(page, 4).inner_text()
    assert "Les commandes du système (!ls, %pip…) ne fonctionnent pas dans la page" in message
    assert run(page, 5).inner_text().strip() == "42", "a module beside the page imports"
    assert page.errors == []


def test_output_streams_as_it_comes_and_svg_renders(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    run(page, 1)
    cell(page, 7).locator(".carnet-run").click()
    cell(page, 7).locator(".carnet-output", has_text="étape 0").wait_for(timeout=START_TIMEOUT)
    assert "carnet-running" in cell(page, 7).get_attribute("class"), "the first line came before the end"
    assert "étape 3" not in cell(page, 7).locator(".carnet-output").inner_text()
    assert run(page, 8).locator("svg circle.disque-test").count() == 1


def test_edit_run_and_keep_edits_across_reload(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    type_code(page, 2, "print('modifié', 6 * 7)")
    page.keyboard.press("Shift+Enter")
    output = cell(page, 2).locator(".carnet-output")
    output.locator("pre").wait_for(timeout=START_TIMEOUT)
    assert output.inner_text().strip() == "modifié 42"

    page.reload()
    page.wait_for_load_state("networkidle")
    assert code_of(page, 2) == "print('modifié', 6 * 7)"
    cell(page, 2).locator(".carnet-more").click()
    reset = cell(page, 2).locator(".carnet-reset")
    assert reset.is_visible()
    reset.click()
    assert code_of(page, 2) == "x * 2"
    cell(page, 2).locator(".carnet-more").click()
    assert reset.is_hidden(), "nothing to reset"


def test_stop_ends_a_runaway_loop_and_python_starts_again(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    run(page, 1)
    type_code(page, 6, "while True:\n", "pass")
    cell(page, 6).locator(".carnet-run").click()
    cell(page, 6).locator(".carnet-status", has_text="Exécution").wait_for(timeout=START_TIMEOUT)
    assert "carnet-running" in cell(page, 6).get_attribute("class")
    assert python_bar(page).get_by_role("status").inner_text() == "Python exécute : cellule 6"
    python_bar(page).get_by_role("button", name="■ Arrêter", exact=True).click()
    assert "Python a été arrêté" in cell(page, 6).locator(".carnet-output").inner_text()
    assert python_bar(page).get_by_role("status").inner_text() == "Python est arrêté (variables effacées)"
    assert cell(page, 1).locator(".carnet-status").inner_text() == "", "the other cells are left alone"
    # A new Python has empty variables.
    assert "NameError: name 'x' is not defined" in run(page, 2).inner_text()


def test_ipython_display_markdown_and_latex_render_as_in_jupyter(offline_context, site):
    page = open_page(offline_context, site + "riche.html")
    output = run(page, 1)
    assert output.locator("b.gras-test").inner_text() == "gras"
    assert output.locator(".carnet-markdown strong").inner_text() == "important"
    output.locator(".carnet-latex mjx-container").wait_for(timeout=START_TIMEOUT)
    assert "IPython.core.display" not in output.inner_text(), "no repr printed instead of the display"
    assert run(page, 2).locator(".carnet-markdown em").inner_text() == "italique"
    assert offline_context.blocked == [] and page.errors == []


def test_run_up_to_here_stops_at_the_first_failing_cell(offline_context, site):
    page = open_page(offline_context, site + "cellules.html")
    cell_menu(page, 6, "▶▶ Exécuter jusqu'ici")
    cell(page, 4).locator(".carnet-output", has_text="ZeroDivisionError").wait_for(timeout=START_TIMEOUT)
    page.wait_for_function("() => !document.querySelector('.carnet-running')", timeout=START_TIMEOUT)
    assert run_output_shown(page, 3) and not run_output_shown(page, 5) and not run_output_shown(page, 6)


def run_output_shown(page, number: int) -> bool:
    return cell(page, number).locator(".carnet-output").is_visible()


@pytest.mark.parametrize("blocked", ["pyodide.asm.wasm", "pyodide.mjs"])
def test_a_runtime_that_cannot_start_says_so_and_can_be_retried(offline_context, site, blocked):
    pattern = f"**/_static/carnet/pyodide/{blocked}*"
    offline_context.route(pattern, lambda route: route.abort())
    page = open_page(offline_context, site + "cellules.html")
    cell(page, 1).locator(".carnet-run").click()
    failure = cell(page, 1).locator(".carnet-runtime-failure")
    failure.wait_for(timeout=30_000)
    assert "Python n'a pas pu démarrer dans votre navigateur" in failure.inner_text()
    assert "carnet-running" not in cell(page, 1).get_attribute("class")
    offline_context.unroute(pattern)
    cell(page, 1).locator(".carnet-retry").click()
    cell(page, 1).locator(".carnet-output", has_text="début").wait_for(timeout=START_TIMEOUT)
    assert cell(page, 1).locator(".carnet-runtime-failure").count() == 0


def test_page_files_are_read_lazily_from_the_page_folder_and_writable(offline_context, site):
    page = open_page(offline_context, site + "fichiers.html")
    files = json.loads(page.locator("script#carnet-live").get_attribute("data-files"))
    assert sorted(files["files"]) == ["data/notes.csv", "mesoutils.py"], "no private file, no by-product"
    cell(page, 1).hover()
    page.wait_for_selector(".CodeMirror", timeout=START_TIMEOUT)
    assert not any("/lite/files/" in url for url in page.requests), "nothing is fetched before a cell reads it"
    assert run(page, 1).inner_text().strip() == "3 élèves, moyenne 18.0"
    assert any(url.endswith("/lite/files/data/notes.csv") for url in page.requests)
    assert run(page, 2).inner_text().strip() == "écrit dans la page"
    assert run(page, 3).inner_text().strip() == "42", "a module beside the page imports as at build time"
    assert offline_context.blocked == [] and page.errors == []


def test_a_cell_printing_100000_lines_keeps_the_page_responsive(offline_context, site):
    page = open_page(offline_context, site + "flot.html")
    height = page.evaluate("document.documentElement.scrollHeight")
    output = run(page, 1)
    note = output.locator(".carnet-truncated")
    assert "caractères de sortie de plus ne sont pas affichés" in note.inner_text()
    stream = output.locator("pre.carnet-stream").first
    shown = stream.inner_text()
    assert shown.startswith("ligne 0\n") and len(shown) <= 20_000 and "ligne 99999" not in shown
    # Its end shows under the note, from a whole line: the last value printed is visible.
    tail = output.locator(".carnet-output-tail").inner_text()
    assert tail.startswith("ligne ") and tail.rstrip().endswith("ligne 99999") and len(tail) <= 2_000
    assert "la fin de la sortie suit" in note.inner_text()
    # The stream scrolls in its own box (followed to its end), reachable from the keyboard: the page stays short.
    assert page.evaluate("document.documentElement.scrollHeight") - height < 1000
    assert stream.get_attribute("tabindex") == "0"
    assert stream.evaluate("(e) => e.scrollTop > 0 && e.scrollTop + e.clientHeight >= e.scrollHeight - 2")
    note.get_by_role("button", name="Tout afficher").click()
    assert "ligne 99999" in output.inner_text() and output.locator(".carnet-truncated").count() == 0
    # A loop that prints forever: the page answers, Stop stops it, and what is kept stays bounded.
    type_code(page, 1, "i = 0\n", "while True:\n", "print('encore', i)\n", "i += 1")
    cell(page, 1).locator(".carnet-run").click()
    output.locator(".carnet-truncated").wait_for(timeout=START_TIMEOUT)
    page.wait_for_function(
        "() => /caractères de sortie de plus/.test(document.querySelector('.carnet-truncated').textContent)"
        " && parseInt(document.querySelector('.carnet-truncated').textContent.replace(/\\D/g, '')) > 3000000",
        timeout=START_TIMEOUT,
    )
    python_bar(page).get_by_role("button", name="■ Arrêter", exact=True).click()
    output.locator(".carnet-runtime-failure").wait_for()
    output.locator(".carnet-show-all").click()
    assert "seule la fin a été gardée" in output.locator(".carnet-truncated").inner_text()
    assert len(output.inner_text()) < 2_100_000, "2,000,000 characters kept beyond the first 20,000"
    assert page.errors == []


def test_missing_compiled_package_is_named_and_comes_from_the_pinned_cdn(offline_context, site):
    page = open_page(offline_context, site + "figure.html")
    text = run(page, 1).inner_text()
    # One plain sentence, and the cell not run: no ModuleNotFoundError on the pupil's import line.
    assert text.strip() == (
        "Cette cellule n'a pas été exécutée : matplotlib, dont elle a besoin, n'a pas pu être téléchargé "
        "(êtes-vous hors ligne ?). Reconnectez-vous, puis relancez-la."
    )
    assert page.locator(".carnet-error-line").count() == 0, "the pupil's import line is not marked"
    assert offline_context.blocked, "the runtime should have tried to fetch matplotlib"
    assert all(url.startswith(CDN_PACKAGES) for url in offline_context.blocked)
    assert any("/matplotlib-" in url for url in offline_context.blocked)


def test_binder_backend_page_has_a_thebe_button_and_no_pyodide(live_build: Build):
    soup = BeautifulSoup((live_build.html / "serveur.html").read_text(), "html.parser")
    assert soup.select_one("button.thebe-launch-button").get_text(strip=True) == "Exécuter le code sur Binder"
    assert not soup.select("script[src*='carnet-live']")
    assert (
        BeautifulSoup((live_build.html / "intro.html").read_text(), "html.parser").select("script[src*='carnet-live']")
        == []
    )


def test_first_build_on_a_fresh_machine_serves_runtime_editor_and_mathjax(live_build: Build):
    static = live_build.html / "_static"
    for name in (
        "carnet/pyodide/pyodide.mjs",
        "carnet/pyodide/pyodide.asm.wasm",
        "carnet/pyodide/python_stdlib.zip",
        "carnet/pyodide/pyodide-lock.json",
        "carnet/pyodide/micropip-0.11.1-py3-none-any.whl",
        "codemirror/lib/codemirror.js",
        "codemirror/mode/python/python.js",
        "mathjax/es5/tex-mml-chtml.js",
    ):
        assert (static / name).is_file(), name
    # The first build is not silent while it downloads: what, as it starts; then how much so far, for how long.
    # A French book: its lines are French, the names of what is downloaded included.
    downloads = re.findall(r"^  téléchargement +(.+?)$", live_build.output, re.MULTILINE)
    assert "JupyterLite (jupyter lite build)" in downloads and len(set(downloads)) >= 2, live_build.output[:3000]
    ticks = [line for line in downloads if " — " in line]
    assert all(re.fullmatch(r".+ — \d+\.\d Mo, \d+ s", tick) for tick in ticks), ticks


def test_try_it_notebook_runs_in_jupyterlite_on_the_same_runtime(offline_context, sample_build: Build):
    notebook = "content/01-bases/variables.ipynb"
    with serve_directory(sample_build.html, "/programmer-en-python/") as base:
        page = open_in_jupyterlite(offline_context, base, notebook)
        # A new computation (the stored output shows 15): only a run in JupyterLite can show 45.
        first = run_first_lite_cell(page, "age = 15\nage * 3")
        first.locator(".jp-OutputArea-output", has_text="45").wait_for(timeout=60_000)
        assert any("/_static/carnet/pyodide/pyodide.asm.wasm" in url for url in page.requests)
        assert offline_context.blocked == []


def test_page_loads_only_a_small_script_before_intent(offline_context, site):
    page = offline_context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(site + "cellules.html")
    page.wait_for_load_state("networkidle")
    carnet = {url: size for url, size in sizes.items() if "/_static/carnet/" in url and "/browser/" in url}
    assert any(url.endswith(".mjs") for url in carnet), "the script is split into modules"
    assert not any("outputs.mjs" in url or "editor.mjs" in url for url in carnet), "renderers wait for intent"
    assert sum(carnet.values()) < 20_000, carnet


def test_turtle_draws_under_the_cell_as_the_book_shows_it(offline_context, sample_build: Build):
    built = BeautifulSoup((sample_build.html / "content/01-bases/tortue.html").read_text(), "html.parser")
    drawings = [img["src"] for img in built.select(".cell_output img") if img["src"].endswith(".svg")]
    assert len(drawings) == 4, "each drawing cell shows its static drawing in the book"
    square = (sample_build.html / "content/01-bases" / drawings[0]).resolve().read_text()
    assert square.count("<line") >= 4 and "<animate" not in square, "static: an <img> shows no animation"
    with serve_directory(sample_build.html, "/programmer-en-python/") as base:
        page = open_page(offline_context, base + "content/01-bases/tortue.html")
        output = run(page, 1)
        canvas = output.locator(".carnet-turtle svg")
        canvas.wait_for(timeout=START_TIMEOUT)
        page.wait_for_function(
            "() => document.querySelectorAll(\"[data-carnet-cell='1'] .carnet-turtle line[stroke='blue']\")"
            ".length === 4",
            timeout=30_000,
        )
        box = canvas.bounding_box()
        assert box["width"] > 300 and box["height"] > 300, "a sensible size"
        spiral = run(page, 2).locator(".carnet-turtle")
        page.wait_for_function(
            "() => document.querySelectorAll(\"[data-carnet-cell='2'] .carnet-turtle line\").length >= 60",
            timeout=60_000,
        )
        assert spiral.locator("line[stroke='blue']").count() == 0, "reset() cleared the square"
        assert offline_context.blocked == [] and page.errors == []


def test_turtle_draws_in_jupyterlite_too(offline_context, sample_build: Build):
    notebook = "content/01-bases/tortue.ipynb"
    with serve_directory(sample_build.html, "/programmer-en-python/") as base:
        page = open_in_jupyterlite(offline_context, base, notebook)
        first = run_first_lite_cell(page, "import turtle\nturtle.color('purple')\nturtle.forward(77)\n")
        # The stored output (the book's blue square) is replaced by the new drawing.
        page.wait_for_function(
            "(cell) => [...cell.querySelectorAll('.jp-OutputArea-output img')]"
            ".some((img) => decodeURIComponent(img.src).includes('stroke: purple'))",
            arg=first.element_handle(),
            timeout=120_000,
        )
        assert first.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        assert offline_context.blocked == []
