"""``carnet new``: a course that builds at once, with its publishing workflow.

The files come from the package's ``scaffold/`` folder (``$name`` placeholders filled in; files
named ``dot-x`` become ``.x`` so that packaging tools do not skip them). The ``.ipynb`` chapter is
written with nbformat, so it is always a valid notebook.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from string import Template

import nbformat

from ..core.errors import CarnetError
from ..core.i18n import translated
from ..core.settings import commented_block
from .language import cli_language, say

TEMPLATE = Path(__file__).parent.parent / "scaffold"
#: Files copied as they are (GitHub's ``${{ }}`` expressions are not placeholders).
RAW = {"dot-github/workflows/publish.yml", "chapitres/data/mesures.csv"}

TEXTS = {
    "fr": {
        "intro_text": "Bienvenue dans ce cours. Chaque page est exécutée à la construction du livre, "
        "et chaque cellule de code peut être modifiée et exécutée dans votre navigateur.",
        "first_title": "Premiers pas",
        "first_text": "Une cellule de code : modifiez-la, puis cliquez sur « ▶ Exécuter ».",
        "hello": "Bonjour !",
        "data_title": "Lire des données",
        "data_text": "Ce notebook lit le fichier `data/mesures.csv`, placé à côté de lui.",
        "mean": "Température moyenne :",
    },
    "en": {
        "intro_text": "Welcome to this course. Every page is executed when the book is built, "
        "and every code cell can be edited and run in your browser.",
        "first_title": "First steps",
        "first_text": "A code cell: edit it, then click « ▶ Run ».",
        "hello": "Hello!",
        "data_title": "Reading data",
        "data_text": "This notebook reads the file `data/mesures.csv`, stored next to it.",
        "mean": "Mean temperature:",
    },
}


def data_notebook(texts: dict[str, str]) -> nbformat.NotebookNode:
    """The scaffold's ``.ipynb`` chapter: reads the CSV file beside it by a relative path."""
    code = (
        "import csv\n\n"
        'with open("data/mesures.csv", encoding="utf-8") as f:\n'
        "    rows = list(csv.DictReader(f))\n\n"
        'temperatures = [float(row["temperature"]) for row in rows]\n'
        f'print("{texts["mean"]}", round(sum(temperatures) / len(temperatures), 2))'
    )
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(f"# {texts['data_title']}\n\n{texts['data_text']}"),
            nbformat.v4.new_code_cell(code),
        ],
        metadata={
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
    )


def create_course(target: Path, *, title: str, author: str, language: str, repository: str) -> list[Path]:
    """Write a new course into ``target`` (absent or empty); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CarnetError(f"{target} is not empty: carnet new only creates a course in a new or empty folder")
    if language not in TEXTS:
        raise CarnetError(f"--language: expected one of {', '.join(TEXTS)}, got {language!r}")
    texts = TEXTS[language]
    values = {
        "title": title,
        "author": author,
        "language": language,
        "repository": repository,
        "year": str(datetime.date.today().year),
        "carnet_settings": commented_block(lambda key, english: translated(language, key, english), 4),
        **texts,
    }
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(TEMPLATE).as_posix()
        destination = target / "/".join(
            part.replace("dot-", ".", 1) if part.startswith("dot-") else part for part in relative.split("/")
        )
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        destination.write_text(text if relative in RAW else Template(text).safe_substitute(values), encoding="utf-8")
        written.append(destination)
    notebook = target / "chapitres" / "donnees.ipynb"
    nbformat.write(data_notebook(texts), str(notebook))
    written.append(notebook)
    return written


def run(args: argparse.Namespace) -> int:
    """``carnet new``: create a course that builds at once."""
    target = Path(args.dir)
    title = args.title or target.resolve().name.replace("-", " ").capitalize()
    files = create_course(
        target, title=title, author=args.author, language=args.language or cli_language(), repository=args.repository
    )
    print(say("new_done", dir=target, count=len(files)))
    return 0
