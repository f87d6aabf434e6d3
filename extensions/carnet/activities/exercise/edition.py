"""The pupils' edition (the default): no solution, solution output or hidden test in plain text in any file.

It is the only edition written to ``_build/html``, hence what ``carnet publish`` and the workflow
push; ``carnet build --edition teacher`` writes the teacher's to ``_build/teacher``. The pages
already hold only starters and public tests (:mod:`.page` changes each doctree before the
HTML, the search index and the images are written from it, and seals or drops written solutions);
here the rest:

- the copies of page sources (``_sources/``) and the notebooks of ``_downloads/`` are replaced by
  the pupil's copy (:func:`carnet.activities.exercise.pupil.pupil_file`) once the build has written them;
- Binder and the source buttons lead to the teacher's sources: on pages with exercises they point
  to ``carnet.exercises.student_repository`` when the author gives one, and are dropped otherwise;
- the teacher's edition says so on every page, so that nobody publishes it by mistake.

The JupyterLite notebooks are the pupil's copy in both editions (see :mod:`carnet.sphinxext.site.lite`).
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from ...core.errors import CarnetError
from ...core.i18n import translate
from ...sphinxext.book.config import author_language, carnet_config
from ...sphinxext.book.pages import page_problems
from .pupil import pupil_file
from .solutions import holds_exercises

#: Folders of the built site holding copies of the author's files.
COPIES = ("_sources", "_downloads")
#: sphinx-book-theme's groups of buttons leading to the book's repository or launching its notebook.
TEACHER_GROUPS = ("launch-buttons", "source-buttons")
#: Their buttons a pupils' page with exercises keeps: Carnet's "try it" and the repository's home.
SAFE_BUTTONS = ("carnet-try-it", "source-repository-button", "source-issues-button")


def is_student_edition(app: Sphinx) -> bool:
    """Whether this build is the pupils' edition (the default; ``--edition`` or ``carnet.exercises.edition``)."""
    return carnet_config(app).exercises.edition == "student"


def teacher_links_allowed(app: Sphinx, doctree: nodes.document) -> bool:
    """Whether a page may link to the repository's copy of itself (Binder, its source file).

    Not a pupils' page with exercises: the repository holds the teacher's sources.
    """
    exercises = carnet_config(app).exercises
    return exercises.edition == "teacher" or bool(exercises.student_repository) or not holds_exercises(doctree)


def point_at_student_repository(app: Sphinx, config: Config) -> None:
    """The pupils' edition's repository and Binder links lead to the student repository, when there is one.

    The teacher's edition says on every page what it is (the theme's announcement banner).
    """
    exercises = config.carnet_settings.exercises
    theme = dict(config.html_theme_options or {})
    if exercises.edition == "teacher":
        theme["announcement"] = theme.get("announcement") or html.escape(
            translate(config.language, "student.teacher_banner")
        )
    elif exercises.student_repository:
        theme["repository_url"] = exercises.student_repository
        theme["repository_branch"] = exercises.student_branch
    config.html_theme_options = theme


def drop_teacher_links(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """On a pupils' page with exercises, no launcher or button leads to the teacher's sources of the page.

    Carnet's own "try it" stays (it opens the pupil's copy); the repository's home page stays too (the
    README says that a public repository shows its sources to anyone).
    """
    if doctree is None or teacher_links_allowed(app, doctree):
        return
    kept = []
    for group in context.get("header_buttons", []):
        if group.get("label") in TEACHER_GROUPS:
            group = {**group, "buttons": [b for b in group.get("buttons", []) if b.get("label") in SAFE_BUTTONS]}
            if not group["buttons"]:
                continue
        kept.append(group)
    context["header_buttons"] = kept


def pupil_copies_store(app: Sphinx) -> Path:
    """Where the sha256 of the copies already made the pupil's are kept, beside the site (never in it)."""
    return Path(app.outdir).parent / ".carnet-pupil-copies.json"


def publish_pupil_copies(app: Sphinx, exception: Exception | None) -> None:
    """Replace the site's copies of sources and notebooks by the pupil's copies.

    A file whose bytes are those of a pupil's copy this step left at the last build (same sha256,
    same placeholder text) is skipped: a rebuild rewrites few copies, and reading every MyST
    notebook back with jupytext was most of what Carnet added to a no-change ``jupyter-book build``.
    Any other file, whoever wrote it, is made the pupil's again.
    """
    if exception is not None or app.builder.format != "html" or not is_student_edition(app):
        return
    todo = translate(app.config.language, "exercise.todo")
    outdir = Path(app.outdir)
    store = pupil_copies_store(app)
    try:
        kept = json.loads(store.read_text(encoding="utf-8"))
        done = set(kept["copies"]) if kept.get("todo") == todo else set()
    except (OSError, ValueError, KeyError, TypeError):
        done = set()
    made = []
    for folder in COPIES:
        for path in sorted((outdir / folder).rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest in done:
                made.append(digest)
                continue
            try:
                pupil = pupil_file(path.name, data, todo)
            except (ValueError, UnicodeDecodeError) as err:
                path.unlink()  # a file the build copied; published as it is, it could hold solutions
                if page_problems(app.env):
                    continue  # the build fails already, on the page's own mistake (named when it was read)
                language = author_language(app)
                problem = err.text(language) if isinstance(err, CarnetError) else err
                said = translate(language, "student.no_copy", file=path.relative_to(outdir), problem=problem)
                raise ExtensionError(said) from None
            if pupil != data:
                path.write_bytes(pupil)
            made.append(hashlib.sha256(pupil).hexdigest())
    store.write_text(json.dumps({"todo": todo, "copies": sorted(set(made))}), encoding="utf-8")


def setup_student(app: Sphinx) -> None:
    """Build the student edition when asked."""
    # Before point_thebe_at_repository (config-inited, priority 500) copies the repository to thebe.
    app.connect("config-inited", point_at_student_repository, priority=450)
    # After the theme's buttons and Carnet's "try it" (priority 600).
    app.connect("html-page-context", drop_teacher_links, priority=700)
    app.connect("build-finished", publish_pupil_copies)
