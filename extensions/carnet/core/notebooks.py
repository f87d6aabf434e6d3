"""Whether a ``.ipynb`` file can be read at all, and the stand-in page for one that cannot.

Plain Jupyter Book aborts on the first notebook that is not valid JSON, with a traceback and no
HTML at all; Carnet fails that page only (see :mod:`carnet.sphinxext.execution.sources`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import yaml

from .i18n import Said, said

CELL_TYPES = ("code", "markdown", "raw")
#: What each kind of output must hold (key → expected type), as nbformat 4 defines them.
OUTPUT_KEYS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "stream": {"name": str, "text": (str, list)},
    "display_data": {"data": dict},
    "execute_result": {"data": dict},
    "error": {"ename": str, "evalue": str, "traceback": list},
}
#: A MyST code cell: what makes a ``.md`` page meant to be executed.
CODE_CELL = re.compile(r"^(```+|~~~+)\s*\{code-cell\}", re.MULTILINE)


def notebook_problem(text: str) -> Said | None:
    """Why ``text`` is not a readable notebook, or ``None`` when it is one.

    Only what stops a notebook from being read is a problem here: Jupyter itself opens notebooks
    with small schema deviations (an ``id`` in an nbformat 4.4 file…), so Carnet does too.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return said("notebook.json", line=err.lineno, column=err.colno, problem=err.msg)
    if isinstance(data, dict) and data.get("nbformat") == 3 and isinstance(data.get("worksheets"), list):
        return None  # an old notebook: read_notebook upgrades it
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return said("notebook.no_cells")
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
            return said("notebook.cell_type", cell=number, types=", ".join(CELL_TYPES))
        source = cell.get("source")
        if not isinstance(source, str | list):
            return said("notebook.no_source", cell=number)
        if isinstance(source, list) and (odd := next((item for item in source if not isinstance(item, str)), None)):
            return said("notebook.odd_source", cell=number, odd=repr(odd))
    return None


def output_problem(output: Any) -> Said | None:
    """Why a stored output cannot be shown (``None`` when it is a valid nbformat 4 output)."""
    if not isinstance(output, dict) or output.get("output_type") not in OUTPUT_KEYS:
        kinds = ", ".join(OUTPUT_KEYS)
        return said("notebook.not_output", kinds=kinds)
    for key, kind in OUTPUT_KEYS[output["output_type"]].items():
        if not isinstance(output.get(key), kind):
            return said("notebook.output_key", kind=output["output_type"], key=key)
    return None


def read_notebook(text: str) -> tuple[str, list[Said]]:
    """A readable notebook's text, upgraded to nbformat 4 and without malformed stored outputs.

    Return the text to build and one message per output dropped (``cell N: …``). Call only on a
    text :func:`notebook_problem` accepts.
    """
    data = json.loads(text)
    if data.get("nbformat", 4) < 4:
        data = json.loads(json.dumps(nbformat.convert(nbformat.reader.reads(text), 4)))
        for number, cell in enumerate(data["cells"], start=1):
            cell["id"] = f"cell-{number}"  # the same at every build (nbformat draws random ones)
    dropped = []
    for number, cell in enumerate(data["cells"], start=1):
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for position, output in enumerate(cell.get("outputs") or [], start=1):
            problem = output_problem(output)
            if problem is None:
                kept.append(output)
            else:
                dropped.append(said("notebook.dropped", cell=number, output=position, problem=problem))
        cell["outputs"] = kept
    return json.dumps(data, ensure_ascii=False), dropped


def front_matter_problem(text: str) -> Said | None:
    """Why a MyST page's front matter cannot be read (``None`` when it has none or it is valid YAML)."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    end = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        return said("notebook.front_matter_open")
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        return said("notebook.front_matter_yaml", line=mark.line + 2 if mark else "?", problem=err.problem)
    if data is not None and not isinstance(data, dict):
        return said("notebook.front_matter_mapping")
    return None


def executable_source(path: Path) -> bool:
    """Whether a page's file is a notebook to execute, judged before Sphinx reads it.

    A ``.ipynb``, or a ``.md`` whose front matter names a kernel (as :func:`myst_nb` decides).
    """
    if path.suffix == ".ipynb":
        return True
    if path.suffix != ".md":
        return False
    with path.open(encoding="utf-8", errors="replace") as page:
        return "kernelspec" in page.read(4000)


def has_code_cells(text: str) -> bool:
    """Whether a MyST page holds ``{code-cell}`` blocks (it is meant to be executed)."""
    return bool(CODE_CELL.search(text))


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
        raise SettingError(said("config.execution_mapping", value=repr(settings)))
    if "timeout" in settings and (problem := timeout_problem(settings["timeout"])):
        raise SettingError(said("config.execution_problem", path="execution.timeout", problem=problem))
    if "allow_errors" in settings and not isinstance(settings["allow_errors"], bool):
        raise SettingError(
            said(
                "config.expected",
                path="execution.allow_errors",
                expected=said("config.kind.bool"),
                value=repr(settings["allow_errors"]),
            )
        )
    return settings.get("timeout", timeout), settings.get("allow_errors", allow_errors)


def timeout_setting(metadata: dict, timeout: int | None, metadata_key: str = "mystnb") -> str | None:
    """The page's own key a cell time-out came from (``None``: the book's ``execute.timeout``).

    The page's ``execution.timeout`` wins (see :func:`execution_settings`); else MyST-NB's own
    ``<metadata_key>.execution_timeout``, which it merges into the book's settings before calling the
    executor, when it is the value in force. A failure must name the key the author has to change.
    """
    settings = metadata.get("execution")
    if isinstance(settings, dict) and "timeout" in settings:
        return "execution.timeout"
    overrides = metadata.get(metadata_key)
    if isinstance(overrides, dict) and "execution_timeout" in overrides and overrides["execution_timeout"] == timeout:
        return f"{metadata_key}.execution_timeout"
    return None


def timeout_problem(value: object) -> Said | None:
    """Why a cell time-out is wrong: it is a number of seconds, or -1 for none."""
    if isinstance(value, bool) or not isinstance(value, int | float) or (value <= 0 and value != -1):
        return said("config.timeout", value=repr(value))
    return None


def output_size(output: dict) -> int:
    """Bytes an output adds to a page (text, or the encoded data of each representation)."""
    parts = [output.get("text", "")] if output.get("output_type") == "stream" else []
    parts += list((output.get("data") or {}).values()) + list(output.get("traceback") or [])
    return sum(len("".join(part) if isinstance(part, list) else str(part)) for part in parts)


def coalesce_streams(outputs: list) -> list:
    """Adjacent outputs of one stream merged into one, as Jupyter shows them."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        same = previous is not None and previous.get("output_type") == "stream" == output.get("output_type")
        if same and previous.get("name") == output.get("name"):
            previous["text"] = _text(previous["text"]) + _text(output["text"])
        else:
            merged.append(output)
    return merged


def _text(text: str | list[str]) -> str:
    return "".join(text) if isinstance(text, list) else text


def shorten(text: str, budget: int, note: str) -> str:
    """The first and last lines of ``text`` within ``budget`` characters, with ``note`` between them."""
    if len(text) <= budget:
        return text
    half = budget // 2
    if half == 0:
        return f"[… {note} …]\n"
    head = text[:half].rsplit("\n", 1)[0]
    tail = text[-half:].split("\n", 1)[-1]
    return f"{head}\n[… {note} …]\n{tail}"


def cap_outputs(cells: list, limit: int, note: str) -> list[tuple[int, int]]:
    """Cut the outputs of each code cell to about ``limit`` characters; return ``(cell number, size)`` of those cut.

    Text keeps its first and last lines; an error is always kept; a rich output that does not fit
    is replaced by ``note`` (which may use ``{size}``, in MB). A page stays readable and light
    however much a cell printed.
    """
    cut = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        size = sum(output_size(output) for output in cell.get("outputs") or [])
        if size <= limit:
            continue
        cut.append((number, size))
        message = note.format(size=f"{size / 1e6:.1f}")
        kept, budget = [], limit
        for output in coalesce_streams(list(cell["outputs"])):
            if output.get("output_type") == "stream":
                output["text"] = shorten(_text(output["text"]), budget, message)
                kept.append(output)
            elif output.get("output_type") == "error" or output_size(output) <= budget:  # errors are always shown
                kept.append(output)
            else:
                kept.append(nbformat.v4.new_output("stream", name="stderr", text=f"[{message}]\n"))
            budget = max(budget - output_size(kept[-1]), 0)
        cell["outputs"] = kept
    return cut


def cell_error(cell: Any) -> dict[str, str] | None:
    """The error a code cell's outputs show (``ename``, ``evalue``), or ``None`` if it did not raise."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return {"ename": str(output.get("ename", "")), "evalue": str(output.get("evalue", ""))}
    return None
