"""Helpers of the browser tests: open a page in Chromium, find, run and edit its live cells."""

from __future__ import annotations

import time

#: Python's first start in a page, downloads included (milliseconds).
START_TIMEOUT = 90_000


def open_page(context, url: str, init_script: str = ""):
    """Open ``url`` in a new tab (``init_script`` runs before the page's own), recording requests and errors."""
    page = context.new_page()
    if init_script:
        page.add_init_script(init_script)
    page.requests = []
    page.errors = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def cell(page, number: int):
    return page.locator(f"[data-carnet-cell='{number}']")


def run(page, number: int):
    """Click a cell's Run button and wait until it has finished."""
    target = cell(page, number)
    target.locator(".carnet-run").click()
    page.wait_for_function(
        "(n) => { const c = document.querySelector(`[data-carnet-cell='${n}']`);"
        " return c.querySelector('.carnet-output').children.length && !c.classList.contains('carnet-running'); }",
        arg=number,
        timeout=START_TIMEOUT,
    )
    return target.locator(".carnet-output")


def type_code(page, number: int, *lines: str) -> None:
    """Replace a cell's code as a reader would: hover (intent), click into the editor, select all, type."""
    cell(page, number).hover()
    editor = cell(page, number).locator(".CodeMirror")
    editor.wait_for(timeout=START_TIMEOUT)
    editor.click()
    page.keyboard.press("Control+A")
    for line in lines:
        page.keyboard.type(line)


def cell_menu(page, number: int, name: str) -> None:
    """Choose ``name`` in a cell's "⋯" menu (Run up to here, Original code)."""
    cell(page, number).locator(".carnet-more").click()
    cell(page, number).locator(".carnet-menu").get_by_role("button", name=name, exact=True).click()


def python_bar(page):
    """The page's Python bar (state, Stop, Restart), there once the reader has shown intent."""
    return page.locator(".carnet-python")


def code_of(page, number: int) -> str:
    """A cell's code as the reader sees it: the editor's text once it has loaded, else the <pre>'s."""
    return cell(page, number).evaluate(
        "(c) => { const editor = c.querySelector('.CodeMirror');"
        " return editor ? editor.CodeMirror.getValue() : c.querySelector('.cell_input pre').textContent.trimEnd(); }"
    )


def wait_for_request(page, part: str, timeout: float = START_TIMEOUT) -> None:
    """Wait until the page (or its worker) has requested a URL containing ``part``."""
    deadline = time.monotonic() + timeout / 1000
    while not any(part in url for url in page.requests):
        assert time.monotonic() < deadline, f"no request for {part}"
        page.wait_for_timeout(100)


#: JupyterLab is ready for a reader's keys: its spinner gone, a cell focused (earlier keys can land in command
#: mode, where letters are shortcuts) and the Pyodide kernel chosen (a run under "No Kernel" opens a dialog).
_LITE_READY = """() => {
  const name = [...document.querySelectorAll('.jp-KernelName')].map((e) => e.textContent).join(' ');
  const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
  return !document.querySelector('.jp-Spinner') && document.activeElement?.closest('.jp-Notebook')
    && name.includes('Pyodide') && indicator?.getAttribute('data-status') === 'idle';
}"""


def open_in_jupyterlite(context, base: str, notebook: str):
    """Open ``notebook`` in the book's JupyterLite and wait until it takes keys; ``page.requests`` records URLs."""
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(f"{base}lite/notebooks/index.html?path={notebook}")
    page.wait_for_function(_LITE_READY, timeout=START_TIMEOUT)
    return page


def run_first_lite_cell(page, code: str):
    """Replace the first code cell's source with ``code`` as a reader types it, run it, and return the cell."""
    first = page.locator(".jp-Notebook .jp-CodeCell").first
    first.locator(".jp-InputArea-editor").click()
    first.locator(".cm-editor.cm-focused").wait_for(timeout=10_000)
    page.keyboard.press("Control+A")
    page.keyboard.type(code)
    page.wait_for_function(
        "([cell, code]) => [...cell.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\\n') === code",
        arg=[first.element_handle(), code],
        timeout=10_000,
    )
    page.keyboard.press("Shift+Enter")
    return first


#: The fixed or sticky elements of the page (theme or Carnet) drawn over the given element.
COVERING = """(target) => { const t = target.getBoundingClientRect();
  const drawnOver = (e) => { const s = getComputedStyle(e);
    return ['fixed', 'sticky'].includes(s.position) && s.display !== 'none' && s.visibility !== 'hidden'
      && !e.contains(target); };
  const overlaps = (r) => r.width > 0 && r.height > 0
    && r.left < t.right && t.left < r.right && r.top < t.bottom && t.top < r.bottom;
  return [...document.querySelectorAll('body *')].filter((e) => drawnOver(e) && overlaps(e.getBoundingClientRect()))
    .map((e) => e.id || e.className); }"""


def covering(locator) -> list[str]:
    """What fixed on screen (the Python bar, the theme's header or buttons) covers ``locator`` now."""
    return locator.evaluate(COVERING)
