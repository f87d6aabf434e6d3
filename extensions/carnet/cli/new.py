"""``carnet new``: a course that builds at once, with its publishing workflow.

The files come from the package's ``scaffold/`` folder (``$name`` placeholders filled in, GitHub's
``${{ }}`` expressions left as they are; files named ``dot-x`` become ``.x`` so that packaging
tools do not skip them; ``name.fr.ext`` is ``name.ext`` in a French course only). Everything a
teacher reads is in the course's language: pages (an exercise among them, to copy from), README, the
comments of ``_config.yml`` and of the workflow. The ``.ipynb`` chapter is written with nbformat, so
it is always a valid notebook. The command says which language it chose and why, in that language:
a teacher on an English machine (or a bare ``C`` locale) who meant a French course learns at once
how to get one.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
from pathlib import Path
from string import Template

import nbformat

from ..core.errors import CarnetError
from ..core.i18n import translate, translated
from ..core.settings import commented_block
from .language import cli_language, say

TEMPLATE = Path(__file__).parent.parent / "scaffold"
#: Files copied as they are.
RAW = {"chapitres/data/mesures.csv"}


def comment(*lines: str) -> str:
    """Lines of a YAML comment, for a ``# $placeholder`` line (its first ``#`` is the template's)."""
    return "\n".join(f"# {line}" if line else "#" for line in lines).removeprefix("# ")


#: A file for one language only: ``README.fr.md``.
LANGUAGE_VARIANT = re.compile(r"(?P<stem>.+)\.(?P<language>fr|en)(?P<suffix>\.\w+)")

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
        "config_head": "un cours Carnet. "
        "Construire : `carnet build` ; vérifier : `carnet check` ; prévisualiser : `carnet serve`.",
        "config_cache": "chaque page est exécutée ; les résultats sont gardés dans _build/.jupyter_cache",
        "config_timeout": "secondes qu'une cellule peut durer avant que sa page échoue",
        "config_binder": "Binder construit son environnement à partir de binder/requirements.txt.",
        "config_baseurl": "l'adresse publiée, utilisée par la page 404",
        "workflow_header": comment(
            "Construire et vérifier le cours à chaque push et pull request ; le publier sur GitHub Pages depuis la",
            "branche par défaut. Dans les réglages du dépôt, choisir Pages > Source : « GitHub Actions ».",
            "",
            "Le site publié est l'édition élève (carnet build) : aucune solution ni test caché en clair dans un",
            "fichier publié ; l'édition enseignant (carnet build --edition teacher, ou carnet serve) n'est jamais",
            "publiée. Vos sources restent lisibles par qui lit ce dépôt : gardez-le privé, ajoutez la variable",
            "STUDENT_PAGES_REPOSITORY (propriétaire/nom d'un dépôt public) et le secret STUDENT_PAGES_TOKEN (un",
            "jeton qui peut y pousser) : l'édition élève est poussée sur la branche gh-pages de ce dépôt.",
        ),
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
        "config_head": "a Carnet course. Build: `carnet build`; check: `carnet check`; preview: `carnet serve`.",
        "config_cache": "every page is executed; results are cached in _build/.jupyter_cache",
        "config_timeout": "seconds a cell may run before its page fails",
        "config_binder": "Binder builds its environment from binder/requirements.txt.",
        "config_baseurl": "the published address, used for the 404 page",
        "workflow_header": comment(
            "Build and check the course on every push and pull request; publish it to GitHub Pages from the",
            "default branch. In the repository settings, set Pages > Source to 'GitHub Actions'.",
            "",
            "The site published is the pupils' edition (carnet build): no solution nor hidden test in plain text",
            "in any published file; the teacher's edition (carnet build --edition teacher, or carnet serve) is never",
            "published. Your sources stay readable by whoever reads this repository: keep it private, set the",
            "variable STUDENT_PAGES_REPOSITORY (owner/name of a public repository) and the secret",
            "STUDENT_PAGES_TOKEN (a token that may push to it): the pupils' edition is pushed to its gh-pages branch.",
        ),
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
        raise CarnetError(say("new_not_empty", dir=target))
    if language not in TEXTS:
        raise CarnetError(say("new_language", choices=", ".join(TEXTS), language=repr(language)))
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
        variant = LANGUAGE_VARIANT.fullmatch(source.name)
        if variant and variant["language"] != language:
            continue
        destination = target / "/".join(
            part.replace("dot-", ".", 1) if part.startswith("dot-") else part for part in relative.split("/")
        )
        if variant:
            destination = destination.with_name(variant["stem"] + variant["suffix"])
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
    language = args.language or cli_language()
    files = create_course(target, title=title, author=args.author, language=language, repository=args.repository)
    print(say("new_done", dir=target, count=len(files)))
    origin = "option" if args.language else "env" if os.environ.get("CARNET_LANG") else "locale"
    print(translate(language, "cli.new_in_language", origin=translate(language, f"cli.new_language_from.{origin}")))
    return 0
