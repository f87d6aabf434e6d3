"""Nothing outside the book is published through a symbolic link.

A teacher's book often links to shared material (``data -> ~/cours/commun``, a figure linked from
another course). Sphinx follows links: an image, a ``{download}``, a file of ``_static/`` or of
``html_extra_path`` that is a link (or lies in a linked folder) leading out of the book is copied
into the site, whatever else lies there. Carnet publishes none of them, and warns once per link,
naming it (``carnet.symlink``):

- images and downloads are dropped from the page once read (``doctree-read``, after Sphinx's own
  collectors): the image's alternative text, the download's link text stay;
- static and extra files are removed from the built site once Sphinx copied them (``build-finished``):
  Sphinx offers no way to skip them, and they are removed before the site is published;
- a page's data files (see :mod:`carnet.sphinxext.book.pagefiles`) warn through :func:`warn_link`.

Links inside the book (``figure.png -> images/figure.png``) are published as before.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ...core.i18n import translate
from ...core.paths import link_leading_out
from ..book.config import author_language
from ..book.state import build_state

LOGGER = logging.getLogger(__name__)


def warn_link(app: Sphinx, link: str, location: str | None = None) -> None:
    """Say once per build that ``link`` (relative to the book) leads out of it and is not published."""
    said = build_state(app).links_said
    if link in said:
        return
    said.add(link)
    target = os.path.realpath(Path(app.srcdir) / link)
    message = translate(author_language(app), "symlink.outside", link=link, target=target)
    LOGGER.warning(f"{message} [carnet.symlink]", location=location, type="carnet", subtype="symlink")


def _forget(files: dict[str, Any], docname: str, name: str) -> None:
    """Drop ``docname``'s use of ``name`` from Sphinx's images or downloads (the file goes when no page uses it)."""
    entry = files.get(name)
    if entry is None:
        return
    entry[0].discard(docname)
    if not entry[0]:
        del files[name]
        getattr(files, "_existing", set()).discard(entry[1])


def drop_outside_files(app: Sphinx, doctree: nodes.document) -> None:
    """Take out of the page every image and download reached through a link leading out of the book."""
    env = app.env
    srcdir = Path(app.srcdir)
    build = Path(app.outdir).parent.resolve()  # myst-nb's outputs (jupyter_execute) live there
    for image in list(doctree.findall(nodes.image)):
        paths = [path for kind, path in image.get("candidates", {}).items() if kind != "?"]
        links = [(path, link_leading_out(srcdir, path)) for path in paths]
        links = [(path, link) for path, link in links if link and not _built(srcdir / path, build)]
        if links:
            for path, link in links:
                _forget(env.images, env.docname, path)
                warn_link(app, link, location=env.docname)
            image.replace_self(nodes.inline(text=image.get("alt", "")))
    for download in list(doctree.findall(addnodes.download_reference)):
        target = download.get("reftarget", "")
        if "://" in target or "filename" not in download:
            continue
        relative, _ = env.relfn2path(target, env.docname)
        link = link_leading_out(srcdir, relative)
        if link and not _built(srcdir / relative, build):
            _forget(env.dlfiles, env.docname, relative)
            warn_link(app, link, location=env.docname)
            download.replace_self(download.children)


def _built(path: Path, build: Path) -> bool:
    """Whether a file is one the build wrote (a cell's figure), wherever ``_build`` itself lives."""
    return path.resolve().is_relative_to(build)


def _links_out(app: Sphinx, folder: str) -> list[str]:
    """What under ``folder`` (relative to the book) is reached through a link leading out, relative to ``folder``.

    The links themselves (a linked folder is named once); every file, if ``folder`` is itself such a link.
    """
    srcdir = Path(app.srcdir)
    root = srcdir / folder
    if link_leading_out(srcdir, folder):
        return [(Path(top) / name).relative_to(root).as_posix() for top, _, files in os.walk(root) for name in files]
    found = []
    for top, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(top) / name
            if path.is_symlink() and link_leading_out(srcdir, path.relative_to(srcdir).as_posix()):
                found.append(path.relative_to(root).as_posix())
    return found


def remove_outside_statics(app: Sphinx, exception: Exception | None) -> None:
    """Remove from the site the static and extra files Sphinx copied through a link leading out of the book."""
    if exception is not None or app.builder.format != "html":
        return
    srcdir, outdir = Path(app.srcdir), Path(app.outdir)
    folders = [(entry, outdir / "_static") for entry in app.config.html_static_path]
    folders += [(entry, outdir) for entry in app.config.html_extra_path]
    for entry, target in folders:
        folder = Path(os.path.normpath(Path(app.confdir, entry)))
        if not folder.is_relative_to(srcdir) or not folder.is_dir():
            continue  # Carnet's own static folders, or a folder the author named outside the book
        relative = folder.relative_to(srcdir).as_posix()
        for link in _links_out(app, relative):
            copied = target / link
            if copied.is_dir() and not copied.is_symlink():
                shutil.rmtree(copied)
            else:
                copied.unlink(missing_ok=True)
            warn_link(app, link_leading_out(srcdir, f"{relative}/{link}") or f"{relative}/{link}")


def setup_symlinks(app: Sphinx) -> None:
    """Drop images and downloads as pages are read; remove static and extra files once copied."""
    app.connect("doctree-read", drop_outside_files)
    app.connect("build-finished", remove_outside_statics, priority=100)
