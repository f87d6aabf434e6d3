"""Carnet's pure logic: no Sphinx, no kernels, no network.

Settings schema, failure messages, kernel choice, table-of-contents checks, notebook checks,
lock-file rewriting, URL builders, Binder requirements: each is plain Python on plain data, unit-tested
without building a book. The command line, the Sphinx extension and the asset preparation all use it.
"""
