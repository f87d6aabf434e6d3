"""The book's status page: every executed page with its run time and result.

Authors place ``{carnet-status}`` in a page. The directive leaves a placeholder that is filled
after all pages are read and executed (a post-transform), from myst-nb's execution data and
Carnet's failures, so it is right even when only some pages were rebuilt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from ...core.i18n import translate
from ..book.envdata import env_data
from ..book.state import build_state
from ..checks.browser import verdicts, verdicts_pending
from ..execution.run import failures_of


class StatusTable(nodes.General, nodes.Element):
    """Placeholder replaced by the status table once every page is known."""


class StatusDirective(SphinxDirective):
    """``{carnet-status}``: mark this page as the book's status page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Remember the page (so it is rewritten on every build) and leave a placeholder."""
        status_pages(self.env).add(self.env.docname)
        return [StatusTable()]


def status_pages(env: BuildEnvironment) -> set[str]:
    """Docnames holding a status table."""
    return env_data(env).status_pages


def toc_order(env: BuildEnvironment) -> list[str]:
    """Docnames in reading order (depth-first through the toctrees from the root page)."""
    seen: list[str] = []

    def visit(docname: str) -> None:
        if docname in seen:
            return
        seen.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    return seen + sorted(set(env.found_docs) - set(seen))


def executed_pages(env: BuildEnvironment) -> list[tuple[str, dict[str, Any]]]:
    """``(docname, execution data)`` of every executed page, in reading order."""
    from myst_nb.sphinx_ import NbMetadataCollector

    pages = []
    for docname in toc_order(env):
        data = NbMetadataCollector.get_exec_data(env, docname)
        if data:
            pages.append((docname, data))
    return pages


def _row(cells: list[list[nodes.Node]], classes: list[str]) -> nodes.row:
    """A table row; each cell is a list of inline nodes, one paragraph per node."""
    row = nodes.row(classes=classes)
    for cell in cells:
        row += nodes.entry("", *(nodes.paragraph("", "", node) for node in cell))
    return row


def status_table(env: BuildEnvironment, fromdoc: str) -> list[nodes.Node]:
    """The status table (and a one-line summary) as docutils nodes."""
    language = env.config.language
    pages = executed_pages(env)
    failures = failures_of(env)
    columns = ["page", "executed", "runtime", "result", "browser"]
    browser = verdicts(env)

    table = nodes.table(classes=["carnet-status", "colwidths-auto"], ids=["carnet-status-table"])
    group = nodes.tgroup(cols=len(columns))
    table += group
    group += [nodes.colspec(colwidth=1) for _ in columns]
    head = nodes.thead()
    head += _row([[nodes.Text(translate(language, f"status.{key}"))] for key in columns], [])
    group += head
    body = nodes.tbody()
    group += body

    failed = 0
    for docname, data in pages:
        link = addnodes.pending_xref(
            "", refdoc=fromdoc, reftarget="/" + docname, reftype="doc", refdomain="std", refexplicit=True
        )
        title = env.titles.get(docname)
        link += nodes.inline("", title.astext() if title else docname)
        succeeded = bool(data.get("succeeded"))
        failed += not succeeded
        result = translate(language, "status.passed" if succeeded else "status.failed")
        if not succeeded and docname in failures:
            result += f" — {failures[docname].message(language)}"
        runtime = data.get("runtime")
        executed = data.get("mtime")
        body += _row(
            [
                [link, nodes.literal("", str(env.doc2path(docname, False)), classes=["carnet-status-source"])],
                [nodes.Text(datetime.fromtimestamp(executed).strftime("%Y-%m-%d %H:%M") if executed else "—")],
                [nodes.Text("—" if runtime is None else f"{runtime:.2f}")],
                [nodes.Text(result)],
                [nodes.Text(browser_text(language, browser.get(docname)))],
            ],
            [f"carnet-status-{'passed' if succeeded else 'failed'}"],
        )

    total = len(pages)
    line = translate(language, "status.summary", total=total, passed=total - failed, failed=failed)
    return [nodes.paragraph("", line, classes=["carnet-status-summary"]), table]


def browser_text(language: str | None, verdict: dict[str, Any] | None) -> str:
    """The browser check's verdict for a page, in the book's language ("—": not a page with Run buttons)."""
    if verdict is None:
        return "—"
    text = translate(language, f"status.browser.{verdict['status']}")
    if verdict.get("cell"):
        text += f" — {translate(language, 'status.browser.cell', cell=verdict['cell'])}"
    if verdict["status"] in ("fails", "offline") and verdict.get("detail"):
        text += f" : {verdict['detail']}" if language == "fr" else f": {verdict['detail']}"
    return text


class StatusPostTransform(SphinxPostTransform):
    """Fill the placeholder; runs before references are resolved so the page links work."""

    default_priority = 8

    def run(self, **kwargs: Any) -> None:
        """Replace each placeholder with the table."""
        for node in list(self.document.findall(StatusTable)):
            node.replace_self(status_table(self.env, self.env.docname))


def note_pages_changed(app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list[str]:
    """Remember whether this build reads or removes any page (then its table may change)."""
    build_state(app).pages_changed = bool(added or changed or removed)
    return []


def note_pages_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Pages other extensions asked to read again count too."""
    state = build_state(app)
    state.pages_changed = bool(state.pages_changed) or bool(docnames)


def rewrite_status_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write the status pages again when a page was read (and maybe executed) or removed, or a verdict changed.

    A rebuild that changed nothing writes no page: not the status page, nor the pages whose
    table of contents holds it. With browser verdicts to come, it is written now and again once they
    are in (:func:`write_late_verdicts`).
    """
    shown = verdicts(env)
    changed = build_state(app).pages_changed
    unchanged = changed is not None and not changed and shown == env_data(env).status_shown
    if unchanged and not verdicts_pending(app):
        return []
    env_data(env).status_shown = dict(shown)
    return sorted(status_pages(env))


def write_late_verdicts(app: Sphinx, exception: Exception | None) -> None:
    """Write the status pages again when browser verdicts came in after them.

    See :mod:`carnet.sphinxext.checks.browser`.
    """
    if exception is not None or not build_state(app).late_verdicts:
        return
    env_data(app.env).status_shown = dict(verdicts(app.env))
    for docname in sorted(status_pages(app.env)):
        doctree = app.env.get_and_resolve_doctree(docname, app.builder)
        app.builder.write_doc_serialized(docname, doctree)
        app.builder.write_doc(docname, doctree)


def setup_status(app: Sphinx) -> None:
    """Register the ``carnet-status`` directive and its table."""
    app.add_node(StatusTable)
    app.add_directive("carnet-status", StatusDirective)
    app.add_post_transform(StatusPostTransform)
    app.connect("env-get-outdated", note_pages_changed)
    app.connect("env-before-read-docs", note_pages_read)
    # After the browser verdicts are known (see carnet.sphinxext.checks.browser).
    app.connect("env-updated", rewrite_status_pages, priority=600)
    app.connect("build-finished", write_late_verdicts, priority=850)
