"""The student edition: no solution, no solution output and no hidden test in any published file.

``carnet build --student`` (or ``carnet.exercises.edition: student``) builds it. The pages already
hold only starters and public tests (:mod:`.exercises` changes each doctree before the HTML, the
search index and the images are written from it, and removes ``{solution}``); here the rest:

- the copies of page sources (``_sources/``) and the notebooks of ``_downloads/`` are replaced by
  the pupil's copy (:func:`carnet.core.student.pupil_file`) once the build has written them;
- Binder links and the repository buttons would lead to the teacher's sources: they point to
  ``carnet.exercises.student_repository`` when the author gives one, and are dropped otherwise.

The JupyterLite notebooks are the pupil's copy in both editions (see :mod:`.lite`).
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from ..core.i18n import author_language, translate
from ..core.student import pupil_file
from .config import carnet_config

#: Folders of the built site holding copies of the author's files.
COPIES = ("_sources", "_downloads")
#: sphinx-book-theme's buttons that lead to the book's repository.
REPOSITORY_BUTTONS = ("use_repository_button", "use_edit_page_button", "use_issues_button")


def is_student_edition(app: Sphinx) -> bool:
    """Whether this build is the student edition (``--student`` or ``carnet.exercises.edition``)."""
    return carnet_config(app).exercises.edition == "student"


def binder_allowed(app: Sphinx) -> bool:
    """Binder starts from a repository: the teacher's in the teacher edition, the student one if any."""
    exercises = carnet_config(app).exercises
    return exercises.edition == "teacher" or bool(exercises.student_repository)


def point_at_student_repository(app: Sphinx, config: Config) -> None:
    """In the student edition, repository and Binder links lead to the student repository, or nowhere."""
    exercises = config.carnet_settings.exercises
    if exercises.edition != "student":
        return
    theme = dict(config.html_theme_options or {})
    if exercises.student_repository:
        theme["repository_url"] = exercises.student_repository
        theme["repository_branch"] = exercises.student_branch
    else:
        theme.pop("repository_url", None)
        theme.update(dict.fromkeys(REPOSITORY_BUTTONS, False))
        launch = dict(theme.get("launch_buttons") or {})
        for key in ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "thebe"):
            launch.pop(key, None)
        theme["launch_buttons"] = launch
        config.thebe_config = {}
    config.html_theme_options = theme


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
                said = translate(
                    author_language(app.config.language), "student.no_copy", file=path.relative_to(outdir), problem=err
                )
                raise ExtensionError(said) from None
            if pupil != data:
                path.write_bytes(pupil)


def setup_student(app: Sphinx) -> None:
    """Build the student edition when asked."""
    # Before point_thebe_at_repository (config-inited, priority 500) copies the repository to thebe.
    app.connect("config-inited", point_at_student_repository, priority=450)
    app.connect("build-finished", publish_pupil_copies)
