"""The ``carnet`` command: one module per sub-command (new, build, check, serve, publish).

``carnet --help`` imports none of Sphinx, Jupyter Book or the kernel stack: each command imports
what it needs when it runs.
"""
