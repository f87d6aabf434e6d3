"""The few words Carnet puts in pages, in the book's language (English when it has none of ours).

Sphinx's gettext catalogs would need compiled ``.mo`` files in the package for a dozen labels;
a table keeps them reviewable in one place. Add a language by adding a column.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "status.page": "Page",
        "status.executed": "Last executed",
        "status.runtime": "Run time (s)",
        "status.result": "Result",
        "status.passed": "passed",
        "status.failed": "failed",
        "status.summary": "{total} executed pages: {passed} passed, {failed} failed.",
        "launch.try_it": "Try it",
        "launch.try_it_tooltip": "Open this page as a notebook in JupyterLite, in your browser",
        "launch.menu": "Launch interactive content",
    },
    "fr": {
        "status.page": "Page",
        "status.executed": "Dernière exécution",
        "status.runtime": "Durée (s)",
        "status.result": "Résultat",
        "status.passed": "réussie",
        "status.failed": "échec",
        "status.summary": "{total} pages exécutées : {passed} réussies, {failed} en échec.",
        "launch.try_it": "Essayer",
        "launch.try_it_tooltip": "Ouvrir cette page comme notebook dans JupyterLite, dans votre navigateur",
        "launch.menu": "Lancer le contenu interactif",
    },
}


def translate(language: str | None, key: str, **values: object) -> str:
    """The message ``key`` in ``language`` (``fr_FR`` falls back to ``fr``, then to English)."""
    code = (language or "en").replace("-", "_").split("_")[0].lower()
    catalog = MESSAGES.get(code, MESSAGES["en"])
    return catalog.get(key, MESSAGES["en"][key]).format(**values)
