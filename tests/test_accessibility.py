"""A chapter page audited with axe-core (from npm, pinned in tests/axe), light and dark, before and after a run.

Carnet must add no violation: every violation axe finds on Carnet's own elements fails the test,
and the theme's own violations (the page with Carnet's script blocked) must not grow. Screenshots
of each state are written to ``_build/test-artifacts/`` (desktop and phone) for the issue notes.
"""

from __future__ import annotations

import pytest
from browsing import START_TIMEOUT, cell, open_page, python_bar, run
from carnet.assets.npm import install_locked
from carnet.cli.server import serve_directory
from conftest import REPO, Build

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "_build" / "test-artifacts"
PAGE = "content/01-bases/boucles.html"

#: For each violation: its rule, and each node with whether Carnet made it (an element of Carnet's
#: controls, outputs or editor, not the theme's cell that Carnet only marks).
AUDIT = """async (context) => {
  const cellStates = new Set(
    ["carnet-live", "carnet-modified", "carnet-stale", "carnet-running", "carnet-exercise-answer"]);
  const isCarnets = (element) => {
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      if (node.classList.contains("CodeMirror")) return true;
      if ([...node.classList].some((name) => name.startsWith("carnet-") && !cellStates.has(name))) return true;
    }
    return false;
  };
  const { violations } = await axe.run(context ?? document, { resultTypes: ["violations"] });
  return violations.flatMap((violation) => violation.nodes.map((node) => ({
    rule: violation.id,
    target: node.target.join(" "),
    carnet: isCarnets(document.querySelector(node.target[0])),
    summary: node.failureSummary,
  })));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    return (install_locked(REPO / "tests" / "axe") / "axe-core" / "axe.min.js").read_text()


def audit(page, axe_source: str, context: str | None = None) -> list[dict]:
    """The violations of the page (or of the elements ``context`` selects)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return page.evaluate(AUDIT, context)


def open_chapter(context, base: str, theme: str, carnet: bool = True):
    """The chapter in the ``theme`` (light or dark), with Carnet, or with its script blocked (the theme alone)."""
    if not carnet:
        context.route("**/carnet-live.js*", lambda route: route.abort())
    theme_setting = f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}')"
    page = open_page(context, base + PAGE, theme_setting)
    if not carnet:
        context.unroute("**/carnet-live.js*")
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    return page


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for device, size in (("desktop", (1366, 768)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.wait_for_timeout(300)  # the theme lays the page out again for a phone
        top = cell(page, 2).evaluate("(e) => e.getBoundingClientRect().top + window.scrollY")
        page.evaluate("(y) => window.scrollTo(0, y)", top - 120)
        page.screenshot(path=str(ARTIFACTS / f"boucles-{name}-{device}.png"))
    page.set_viewport_size({"width": 1366, "height": 768})


def theme_counts(violations: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for violation in violations:
        if not violation["carnet"]:
            counts[violation["rule"]] = counts.get(violation["rule"], 0) + 1
    return counts


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_chapter_page_gets_no_axe_violation_from_carnet(offline_context, sample_build: Build, axe_source, theme):
    with serve_directory(sample_build.html, "/programmer-en-python/") as base:
        plain = open_chapter(offline_context, base, theme, carnet=False)
        assert plain.locator(".carnet-toolbar").count() == 0
        theme_only = theme_counts(audit(plain, axe_source))
        plain.close()

        page = open_chapter(offline_context, base, theme)
        found = {"before a run": audit(page, axe_source)}
        shoot(page, f"{theme}-1-loaded")
        run(page, 2)
        cell(page, 3).locator(".carnet-run").click()
        page.locator(".carnet-python[data-state='ready']").wait_for(timeout=START_TIMEOUT)
        found["after a run"] = audit(page, axe_source)
        shoot(page, f"{theme}-2-ran")
        # The open menu covers the code under it (as a menu does): it is audited on its own.
        cell(page, 2).locator(".carnet-more").click()
        found["menu open"] = audit(page, axe_source, "[data-carnet-cell='2'] .carnet-toolbar")
        assert python_bar(page).is_visible() and page.errors == []

    for state, violations in found.items():
        carnets = [v for v in violations if v["carnet"]]
        assert carnets == [], f"{theme}, {state}: Carnet's elements fail axe: {carnets}"
        grown = {rule: n for rule, n in theme_counts(violations).items() if n > theme_only.get(rule, 0)}
        assert grown == {}, f"{theme}, {state}: Carnet adds theme violations {grown} (without Carnet: {theme_only})"
