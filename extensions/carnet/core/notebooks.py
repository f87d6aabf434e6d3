"""Whether a ``.ipynb`` file can be read at all, and the stand-in page for one that cannot.

Plain Jupyter Book aborts on the first notebook that is not valid JSON, with a traceback and no
HTML at all; Carnet fails that page only (see :mod:`carnet.sphinxext.sources`).
"""

from __future__ import annotations

import json

import nbformat

CELL_TYPES = ("code", "markdown", "raw")


def notebook_problem(text: str) -> str | None:
    """Why ``text`` is not a readable notebook, or ``None`` when it is one.

    Only what stops a notebook from being read is a problem here: Jupyter itself opens notebooks
    with small schema deviations (an ``id`` in an nbformat 4.4 file…), so Carnet does too.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return "not a Jupyter notebook (no 'cells' list)"
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
            return f"cell {number} has no valid 'cell_type' (one of {', '.join(CELL_TYPES)})"
        if not isinstance(cell.get("source"), str | list):
            return f"cell {number} has no 'source'"
    return None


def stub_notebook(title: str, problem: str) -> str:
    """A valid, non-executed notebook standing in for a broken one, so the page still renders."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {title}\n\n```{{error}}\n{problem}\n```")],
        metadata={"mystnb": {"execution_mode": "off"}},
    )
    return nbformat.writes(notebook)


def execution_settings(metadata: dict, timeout: int | None, allow_errors: bool) -> tuple[int | None, bool]:
    """A notebook's own ``execution`` settings (its metadata, or a MyST page's front matter), checked.

    Return ``(timeout, allow_errors)``, the book's values unless the notebook sets them; raise
    :class:`~carnet.core.settings.SettingError` naming the key of a wrong value.
    """
    from .settings import SettingError

    settings = metadata.get("execution")
    if settings is None:
        return timeout, allow_errors
    if not isinstance(settings, dict):
        raise SettingError(
            f"execution: expected a mapping of settings (e.g. execution: {{timeout: 60}}), got {settings!r}"
        )
    value = settings.get("timeout", timeout)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or value <= 0):
        raise SettingError(f"execution.timeout: expected a number of seconds, got {value!r}")
    errors = settings.get("allow_errors", allow_errors)
    if not isinstance(errors, bool):
        raise SettingError(f"execution.allow_errors: expected true or false, got {errors!r}")
    return value, errors
