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
        "site.not_found": "Page not found",
        "site.back_home": "Back to the home page of « {title} »",
        "launch.try_it": "Try it",
        "launch.try_it_tooltip": "Open this page as a notebook in JupyterLite, in your browser",
        "launch.menu": "Launch interactive content",
        "live.toolbar": "Code cell controls",
        "live.binder": "Run the code on Binder",
        "live.run": "▶ Run",
        "live.runTitle": "Run this cell (Shift+Enter)",
        "live.runAbove": "▶▶ Run up to here",
        "live.runAboveTitle": "Run every cell from the top of the page down to this one",
        "live.stop": "■ Stop",
        "live.stopTitle": "Stop Python (its variables are lost)",
        "live.restart": "↺ Restart",
        "live.restartTitle": "Restart Python with empty variables",
        "live.reset": "⟲ Original code",
        "live.resetTitle": "Put back the cell's original code (your edit is forgotten)",
        "live.editorLabel": "Python code of the cell",
        "live.starting": "Starting Python in your browser…",
        "live.running": "Running…",
        "live.failed": "The cell raised an error.",
        "live.stopped": "Python was stopped; variables were erased.",
        "live.restarted": "Python restarted with empty variables.",
        "live.input": (
            "input() does not work in the page: open the page with « Try it » (JupyterLite) for interactive programs."
        ),
        "live.packageMissing": (
            "The package(s) {packages} could not be downloaded: are you offline? They are not part of the book."
        ),
    },
    "fr": {
        "status.page": "Page",
        "status.executed": "Dernière exécution",
        "status.runtime": "Durée (s)",
        "status.result": "Résultat",
        "status.passed": "réussie",
        "status.failed": "échec",
        "status.summary": "{total} pages exécutées : {passed} réussies, {failed} en échec.",
        "site.not_found": "Page introuvable",
        "site.back_home": "Retour à l'accueil de « {title} »",
        "launch.try_it": "Essayer",
        "launch.try_it_tooltip": "Ouvrir cette page comme notebook dans JupyterLite, dans votre navigateur",
        "launch.menu": "Lancer le contenu interactif",
        "live.toolbar": "Commandes de la cellule de code",
        "live.binder": "Exécuter le code sur Binder",
        "live.run": "▶ Exécuter",
        "live.runTitle": "Exécuter cette cellule (Maj+Entrée)",
        "live.runAbove": "▶▶ Exécuter jusqu'ici",
        "live.runAboveTitle": "Exécuter toutes les cellules du haut de la page jusqu'à celle-ci",
        "live.stop": "■ Arrêter",
        "live.stopTitle": "Arrêter Python (ses variables sont perdues)",
        "live.restart": "↺ Redémarrer",
        "live.restartTitle": "Redémarrer Python avec des variables vides",
        "live.reset": "⟲ Code d'origine",
        "live.resetTitle": "Remettre le code d'origine de la cellule (votre modification est oubliée)",
        "live.editorLabel": "Code Python de la cellule",
        "live.starting": "Démarrage de Python dans votre navigateur…",
        "live.running": "Exécution…",
        "live.failed": "La cellule a produit une erreur.",
        "live.stopped": "Python a été arrêté ; les variables ont été effacées.",
        "live.restarted": "Python a redémarré avec des variables vides.",
        "live.input": (
            "input() ne fonctionne pas dans la page : ouvrez-la avec « Essayer » (JupyterLite) "
            "pour les programmes interactifs."
        ),
        "live.packageMissing": (
            "Le ou les paquets {packages} n'ont pas pu être téléchargés : êtes-vous hors ligne ? "
            "Ils ne font pas partie du livre."
        ),
    },
}


def translate(language: str | None, key: str, **values: object) -> str:
    """The message ``key`` in ``language`` (``fr_FR`` falls back to ``fr``, then to English)."""
    code = (language or "en").replace("-", "_").split("_")[0].lower()
    catalog = MESSAGES.get(code, MESSAGES["en"])
    message = catalog.get(key, MESSAGES["en"][key])
    return message.format(**values) if values else message


def messages(language: str | None, prefix: str) -> dict[str, str]:
    """Every message whose key starts with ``prefix``, without it (for the page's scripts)."""
    return {key[len(prefix) :]: translate(language, key) for key in MESSAGES["en"] if key.startswith(prefix)}
