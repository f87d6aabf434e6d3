"""Nothing lost or leaked (issue 26): a page is arbitrary code run by the build, often in CI.

Its kernel gets no secret of the build's environment, every process it starts ends with it, it
cannot damage the book's sources, and nothing the book does not own is published (private folders,
files outside the book reached through a symbolic link). Real builds, real kernels.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import alive, build_in_process, copy_book

#: A MyST notebook page: its header, then its code cells.
PAGE = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  name: python3
  display_name: Python 3
  language: python
---

# {title}
"""


def write_book(
    folder: Path, pages: dict[str, list[str]], files: dict[str, str], extra_path: str = "", text: str = ""
) -> Path:
    """A book in ``folder``: ``pages`` (name: the code of each cell, after ``text``) in its toc, and data ``files``.

    ``extra_path``: a folder of the book for Sphinx's ``html_extra_path``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    extra = f"  config:\n    html_extra_path: [{extra_path}]\n" if extra_path else ""
    (folder / "_config.yml").write_text(
        f"title: isolation\nexecute:\n  execute_notebooks: cache\nsphinx:\n  extra_extensions: [carnet]\n{extra}"
    )
    chapters = "".join(f"  - file: {name}\n" for name in pages)
    (folder / "_toc.yml").write_text(f"format: jb-book\nroot: intro\nchapters:\n{chapters}")
    (folder / "intro.md").write_text("# Isolation\n")
    for name, cells in pages.items():
        code = "".join(f"\n```{{code-cell}} ipython3\n{cell}\n```\n" for cell in cells)
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.md").write_text(PAGE.format(title=name) + text + code)
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
    return folder


def _files_holding(folder: Path, marker: str) -> list[str]:
    """Every file under ``folder`` (hidden ones included) whose bytes contain ``marker``."""
    needle = marker.encode()
    files = [path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()]
    return sorted(path.relative_to(folder).as_posix() for path in files if needle in path.read_bytes())


def test_kernels_get_no_secret_of_the_build_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-carnet-test-token-4242")
    monkeypatch.setenv("CARNET_TEST_PASSWORD", "carnet-test-password-4242")
    monkeypatch.setenv("CARNET_TEST_API_KEY", "carnet-test-listed-key-4242")
    monkeypatch.setenv("MPLBACKEND", "agg")
    book = copy_book("secrets", tmp_path)
    build = build_in_process(book)
    assert build.returncode == 0, build.output[-3000:]
    output = book / "_build"  # the site, its JupyterLite contents, jupyter_execute, the cache
    assert (build.html / "lite" / "files" / "env.ipynb").is_file()
    assert _files_holding(output, "carnet-test-token-4242") == []
    assert _files_holding(output, "carnet-test-password-4242") == []
    page = (build.html / "env.html").read_text()
    assert "jeton None" in page and "mot de passe None" in page
    assert "clé listée carnet-test-listed-key-4242" in page, "a variable the author lists is passed"
    assert "chemin True matplotlib agg" in page, "ordinary variables are kept"


def test_every_process_a_page_starts_ends_with_its_kernel(tmp_path: Path):
    """Out of its process group (a new session, setsid, nohup, a daemon's double fork, no environment)."""
    build = build_in_process(copy_book("escaping-processes", tmp_path))
    assert build.returncode == 0, build.output[-3000:]
    pids = [int(pid) for pid in re.findall(r"pid (\d+)", (build.html / "processus.html").read_text())]
    assert len(pids) == 5, pids
    left = [pid for pid in pids if alive(pid)]
    assert left == [], f"processes the page started outlived the build: {left}"


def test_secret_looking_variables_are_named_and_ordinary_ones_kept():
    from carnet.core.kernels import kernel_environment

    kept = ["PATH", "HOME", "LANG", "LC_ALL", "PYTHONHASHSEED", "MPLBACKEND", "TERM", "GIT_AUTHOR_NAME"]
    kept += ["SSL_CERT_FILE", "JPY_SESSION_NAME", "CARNET_CACHE"]
    secret = ["GITHUB_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "PGPASSWORD"]
    secret += ["MYSQL_PWD_PASSWD", "SSH_AUTH_SOCK", "GOOGLE_APPLICATION_CREDENTIALS", "npm_config__authToken"]
    secret += ["SENTRY_DSN", "DEPLOY_PRIVATE_KEY", "session_cookie"]
    environ = {name: "x" for name in kept + secret} | {"HTTPS_PROXY": "http://eleve:motdepasse@proxy:3128"}
    assert sorted(kernel_environment(environ)) == sorted(kept)
    assert "OPENAI_API_KEY" in kernel_environment(environ, ["OPENAI_API_KEY"])


def test_answer_folders_are_never_published(tmp_path: Path):
    """``solutions/``, ``corrigé/`` (however its accent is encoded), ``Correction/``: a teacher's answers stay out."""
    answers = {
        "solutions/exercice1.py": "marqueur-solutions-1",
        "Corrigé/reponses.txt": "marqueur-corrige-nfc",
        "chapitre/corrige\u0301s/notes.csv": "marqueur-corriges-nfd",
        "Correction/tp.md": "marqueur-correction",
        "chapitre/answers/a.txt": "marqueur-answers",
    }
    files = {"data/entree.csv": "a,b\n1,2\n", "chapitre/donnees.txt": "public", **answers}
    book = write_book(tmp_path / "book", {"page": ['print(open("data/entree.csv").read())']}, files)
    build = build_in_process(book)
    assert build.returncode == 0, build.output[-3000:]
    published = build.html / "lite" / "files"
    assert (published / "data" / "entree.csv").is_file() and (published / "chapitre" / "donnees.txt").is_file()
    for marker in answers.values():
        assert _files_holding(build.html, marker) == [], marker


#: The smallest PNG (one transparent pixel), for an image a page shows.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4b20000000049454e44ae426082"
)


def test_nothing_outside_the_book_is_published_through_a_symbolic_link(tmp_path: Path):
    """A link to a file or folder outside the book: as a data file, an image, a download, a static or extra file."""
    outside = tmp_path / "outside"
    (outside / "dossier").mkdir(parents=True)
    for name in ("donnee.txt", "dossier/cache.txt", "telechargement.txt", "style.css", "extra.txt"):
        (outside / name).write_text(f"marqueur-hors-du-livre {name}")
    (outside / "figure.png").write_bytes(PIXEL + b"marqueur-hors-du-livre figure")
    page = "![Une figure](figure.png)\n\n{download}`le fichier <telechargement.txt>`\n"
    code = 'print(open("data/lien.txt").read()[:9])'
    book = write_book(tmp_path / "book", {"page": [code]}, {"data/vrai.txt": "publié"}, extra_path="extra", text=page)
    links = {
        "data/lien.txt": "donnee.txt",
        "data/dossier": "dossier",
        "figure.png": "figure.png",
        "telechargement.txt": "telechargement.txt",
        "_static/lien.css": "style.css",
        "extra/lien.txt": "extra.txt",
    }
    for link, target in links.items():
        (book / link).parent.mkdir(parents=True, exist_ok=True)
        (book / link).symlink_to(outside / target)
    build = build_in_process(book)
    assert build.returncode == 0, build.output[-3000:]
    assert (build.html / "lite" / "files" / "data" / "vrai.txt").is_file()
    assert _files_holding(build.html, "marqueur-hors-du-livre") == []
    for link in links:
        assert re.search(rf"WARNING: .*{re.escape(link)}.*\[carnet\.symlink\]", build.output), (link, build.output)


def test_a_page_cannot_damage_the_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A page that goes up, deletes and rewrites the author's files runs on a copy of the book.

    What it writes still comes back (a figure a later cell shows), as a by-product the site leaves out.
    """
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    damage = (
        "import os, shutil\n"
        "print(len(open('../data/notes.csv').read().splitlines()), 'lignes')\n"
        "os.chdir('..')\n"
        "os.remove('data/notes.csv')\n"
        "shutil.rmtree('images')\n"
        "open('intro.md', 'w').write('abîmé')\n"
        f"open('chapitre/figure.png', 'wb').write({PIXEL!r})\n"
        "open('chapitre/resultat.txt', 'w').write('42')"
    )
    files = {"data/notes.csv": "a,b\n1,2\n", "images/logo.svg": "<svg/>"}
    book = write_book(tmp_path / "book", {"chapitre/abime": [damage]}, files, text="![La figure](figure.png)\n")
    before = {p.relative_to(book).as_posix(): p.read_bytes() for p in book.rglob("*") if p.is_file()}
    build = build_in_process(book)
    assert build.returncode == 0, build.output[-3000:]
    after = {p.relative_to(book).as_posix(): p.read_bytes() for p in book.rglob("*") if p.is_file()}
    assert {name: after.get(name) for name in before} == before, "the author's files are untouched"
    new = sorted(name for name in set(after) - set(before) if not name.startswith("_build/"))
    assert new == ["chapitre/figure.png", "chapitre/resultat.txt"]
    page = (build.html / "chapitre" / "abime.html").read_text()
    assert "2 lignes" in page and 'alt="La figure"' in page
    published = sorted(
        p.relative_to(build.html / "lite" / "files").as_posix() for p in build.html.rglob("lite/files/**/*.*")
    )
    assert published == ["chapitre/abime.ipynb"], "by-products are not published"
    assert list((tmp_path / "tmp").glob("carnet-run-*")) == [], "the copy is deleted after the build"
