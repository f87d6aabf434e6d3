"""What in a page's doctree holds or leads to a solution: written solutions, exercise statements, checks.

Shared by :mod:`.page` (which seals or drops written solutions) and :mod:`.edition` (which keeps
the pupils' edition from linking to the teacher's sources on such pages); imports neither.
"""

from __future__ import annotations

from docutils import nodes

#: The class of a sealed written solution and of a checked exercise's data in the page.
SEALED, EXERCISE_DATA = "carnet-sealed", "carnet-exercise"


class sealed_solution(nodes.comment):
    """A written solution the pupils' edition ships sealed (see :mod:`.page`).

    A comment to Sphinx's search indexer, which skips comments: the solution's words stay out of the
    search index, while the HTML writer renders the solution inside it as usual, then seals it.
    ``exercise``: the number of its checked exercise, or 0 for a solution of a page without one.
    """


def is_solution(node: nodes.Node) -> bool:
    """sphinx-exercise's ``{solution}`` (gated ones are merged into the same node before we see them)."""
    return type(node).__name__ in ("solution_node", "solution_start_node", "solution_end_node")


def is_exercise_directive(node: nodes.Node) -> bool:
    """sphinx-exercise's ``{exercise}``: a statement, which its solution follows."""
    return type(node).__name__ in ("exercise_node", "exercise_enumerable_node")


def holds_exercises(doctree: nodes.document) -> bool:
    """Whether a page has exercises: its sources, notebook and Binder copy then hold their solutions."""
    for node in doctree.findall(nodes.Element):
        if is_solution(node) or is_exercise_directive(node) or SEALED in node.get("classes", ()):
            return True
        if isinstance(node, nodes.raw) and f'class="{EXERCISE_DATA}"' in node.astext():
            return True
    return False
