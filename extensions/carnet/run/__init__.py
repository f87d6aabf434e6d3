"""Running the book's code outside Sphinx: kernels, notebooks, the processes they start.

Sphinx-free: the build's executor (:mod:`carnet.sphinxext.execution.executor`), its exercise proofs and
``carnet grade`` all run notebooks through :mod:`.notebooks`, on the kernels of :mod:`.kernels`.
"""
