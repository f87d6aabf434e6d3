"""A Sphinx project without Jupyter Book: MyST-NB and Carnet, a toctree, Sphinx's default theme."""

project = "Sphinx seul"
extensions = ["myst_nb", "carnet"]
language = "fr"
nb_execution_mode = "cache"
html_theme = "alabaster"
exclude_patterns = ["_build"]
