"""A plain Sphinx project with one exercise page, for in-process single-feature builds (sphinx.testing)."""

project = "Un exercice"
extensions = ["myst_nb", "carnet"]
language = "fr"
nb_execution_mode = "cache"
exclude_patterns = ["_build"]
# Set here, not left to its default: Sphinx adds each app's source suffixes to the default's own
# dict, so after a Jupyter Book build in the same process conf.py would be read as a page.
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
# One feature at a time: no JupyterLite site, no background check.
carnet = {"launch": {"try_it": False}, "check": {"in_build": False}}
