"""Checking a pupil's exercise in the page: the author's setup, the pupil's code, then the tests.

The worker fetches this module on the first "Check" (Valider) of a page; it runs in the page's
namespace (:mod:`carnet_runtime`). A pupil of 15 needs to know which check failed and why, not to
read the harness's traceback: :func:`check` returns a verdict naming the failing ``assert`` line and
its message. A hidden test's line is never returned (the pupil would learn the secret test); only
the message its author wrote for it.
"""

import ast
import contextlib
import io
import linecache

import carnet_runtime
from pyodide.code import CodeRunner

SETUP, TESTS, HIDDEN = "<préparation>", "<tests>", "<tests cachés>"


def _failing_line(error, filename):
    """The line of ``filename`` where ``error`` was raised last (the failing check), or ``""``."""
    number, tb = None, error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            number = tb.tb_lineno
        tb = tb.tb_next
    return linecache.getline(filename, number).strip() if number else ""


async def _run_quietly(code, filename):
    """Run author's code (setup or tests) in the page's namespace, its prints discarded.

    Return the error it raised, or ``None``.
    """
    linecache.cache[filename] = (len(code), None, code.splitlines(keepends=True), filename)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            runner = CodeRunner(code, filename=filename, flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT).compile()
            await runner.run_async(carnet_runtime.NAMESPACE)
        except BaseException as error:  # any failure is the verdict, never a crash of the page
            return error
    return None


def _failure(stage, error, filename, hidden=False):
    """The verdict for a failing setup or check: its message, and its line unless it is secret."""
    message = str(error) if isinstance(error, AssertionError) else f"{type(error).__name__}: {error}"
    return {
        "passed": False,
        "stage": stage,
        "error": type(error).__name__,
        "message": message,
        "line": "" if hidden else _failing_line(error, filename),
    }


async def check(setup, code, filename, tests, hidden, emit):
    """Run the exercise's ``setup`` cells, the pupil's ``code`` (its outputs to ``emit``), then the tests.

    Return the verdict as a dict: ``passed``, and when not, ``stage`` (``setup``, ``answer``,
    ``tests`` or ``hidden``), ``error`` (the exception's name), ``message`` and ``line``.
    """
    for part in setup:
        error = await _run_quietly(part, SETUP)
        if error is not None:
            return _failure("setup", error, SETUP)
    if await carnet_runtime.run(code, filename, emit):
        return {"passed": False, "stage": "answer"}
    for source, name, secret in ((tests, TESTS, False), (hidden, HIDDEN, True)):
        error = await _run_quietly(source, name) if source.strip() else None
        if error is not None:
            return _failure("hidden" if secret else "tests", error, name, hidden=secret)
    return {"passed": True}
