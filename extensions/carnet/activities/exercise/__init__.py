"""Exercises: Valider, hints, gated solutions, their proofs, the student edition and grading.

- :mod:`.cells` reads an exercise from its cells (answer, tests, hints, solution markers), Sphinx-free;
- :mod:`.spelling` names misspelt tags, markers and directives with their fix;
- :mod:`.seal` seals a solution the page may open after the pupil's attempts;
- :mod:`.pupil` writes the pupil's copy of a notebook (what the student edition publishes);
- :mod:`.page` shows each exercise as the pupil starts it (Sphinx);
- :mod:`.solutions` decides where solutions may be shown;
- :mod:`.proofs` proves every exercise at build and in ``carnet check``;
- :mod:`.edition` builds the student edition (no solution anywhere in the output tree).

``carnet grade`` runs the pupils' copies with :mod:`.cells` and :mod:`carnet.run.notebooks`.
"""

from .. import ActivityKind

KIND = ActivityKind(
    "exercise",
    setup=("page:setup_exercises", "proofs:setup_proofs", "edition:setup_student"),
    page_module="work.mjs",
    selector="div.carnet-exercise[data-exercise]",
)
