"""Notebooks run on the build's kernels, set up as the book's pages expect (``import turtle`` draws in the book).

The build's executor runs each page with nbclient and :func:`prepare_python_kernel`; the exercise
proofs and ``carnet grade`` run whole notebooks with :func:`run_notebook`, the same way.
"""

from __future__ import annotations

import logging as pylogging

from nbclient import NotebookClient
from nbformat import NotebookNode

from ..activities import activity_kinds
from ..core.kernels import choose_kernel, installed_kernels
from .kernels import BackgroundKernelManager, LocalSocketKernelManager

#: Run silently in every Python kernel before the page's cells: what each kind of activity needs
#: (``import turtle`` draws in the book).
KERNEL_SETUP = "\n".join(kind.kernel_setup for kind in activity_kinds() if kind.kernel_setup)


async def prepare_python_kernel(client: NotebookClient) -> None:
    """Set up a Python kernel as the book's pages expect it (silently: no output, no execution count).

    It works in the page's folder: a kernel started ahead (see :mod:`.kernels`) started in the book's.
    """
    folder = client.resources.get("metadata", {}).get("path")
    move = f"__import__('os').chdir({folder!r}); __import__('os').environ['PWD'] = {folder!r}\n" if folder else ""
    await client.kc.execute_interactive(
        move + KERNEL_SETUP,
        silent=True,
        store_history=False,
        timeout=client.startup_timeout,
        output_hook=lambda msg: None,
    )


#: nbclient's own log ("Executing notebook with kernel…") stays out of the command's summary.
QUIET = pylogging.getLogger("carnet.run")
QUIET.setLevel(pylogging.CRITICAL)


def run_notebook(
    notebook: NotebookNode, folder: str, timeout: int, interrupt_on_timeout: bool = False, background: bool = False
) -> None:
    """Execute ``notebook`` in place, outside a build, as the build's kernels run (``carnet check``, ``grade``).

    Errors stay in the cells' outputs; its kernel is chosen like the build's and set up the same way.
    ``background``: the kernel gives way to the build running beside it (a proof).
    """
    client = NotebookClient(
        notebook,
        kernel_name=choose_kernel(notebook.metadata, installed_kernels()).name or "python3",
        kernel_manager_class=BackgroundKernelManager if background else LocalSocketKernelManager,
        allow_errors=True,
        interrupt_on_timeout=interrupt_on_timeout,
        timeout=timeout,
        resources={"metadata": {"path": folder}},
        on_notebook_start=lambda notebook: prepare_python_kernel(client),
        log=QUIET,
    )
    client.execute()
