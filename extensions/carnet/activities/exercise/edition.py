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

import html
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


def publish_pupil_copies(app: Sphinx, exception: Exception | None) -> None:
    """Replace the site's copies of sources and notebooks by the pupil's copies."""
    if exception is not None or app.builder.format != "html" or not is_student_edition(app):
        return
    todo = translate(app.config.language, "exercise.todo")
    outdir = Path(app.outdir)
    for folder in COPIES:
        for path in sorted((outdir / folder).rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
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


def setup_student(app: Sphinx) -> None:
    """Build the student edition when asked."""
    # Before point_thebe_at_repository (config-inited, priority 500) copies the repository to thebe.
    app.connect("config-inited", point_at_student_repository, priority=450)
    # After the theme's buttons and Carnet's "try it" (priority 600).
    app.connect("html-page-context", drop_teacher_links, priority=700)
    app.connect("build-finished", publish_pupil_copies)
