"""The kernels pages run on: on local sockets, taking their processes down with them, started ahead.

A kernel takes about half a second to start (a Python process importing ipykernel, then the
handshake): most of what a short course page costs to execute, during which the process waits.
Each process that executes pages keeps one kernel starting for its next page while the current one
runs (:class:`WarmKernel`). A page still gets a fresh kernel of its own, used once and shut down
after it: no state ever passes from page to page. A process has at most two kernels alive, the
running page's and the next one's; a kernel started ahead and never used is shut down at the end of
the build, or when its process ends (Sphinx's parallel readers end with their share of the pages).

A kernel gets the build's environment without its secrets (see :func:`carnet.core.kernels.kernel_environment`),
and every process it starts ends with it, at the latest when its page ends (see :mod:`.processes`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import uuid
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any, ClassVar

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir
from jupyter_core.utils import run_sync
from traitlets import default

from ..core.kernels import kernel_environment
from .processes import MARK, Process, become_subreaper, descendants, end_processes, marked

#: ipykernel's history in memory, as nbclient starts its kernels: no SQLite file shared between kernels.
HISTORY = "--HistoryManager.hist_file=:memory:"


#: How much lower than the build's own processes the proofs of ``carnet.check`` run (see
#: :func:`run_in_background`).
BACKGROUND_NICENESS = 10


def run_in_background(pid: int) -> None:
    """Give way to the build: the process gets a core's time only when the build leaves it idle.

    The proofs a build runs besides its pages (each page in Pyodide, each exercise's starter) must
    not slow down what the build waits for: pages read and executed, then written.
    """
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + BACKGROUND_NICENESS)


class LocalSocketKernelManager(AsyncKernelManager):
    """A kernel on Unix sockets, quiet in the console, and taking its child processes down with it.

    Unix sockets in Jupyter's runtime folder instead of TCP ports: no port races between kernels
    started back to back, and no "running over TCP without encryption" warning.
    """

    @default("shutdown_wait_time")
    def _default_shutdown_wait_time(self) -> float:
        # A kernel asked to shut down exits within 0.1-0.4 s, or (about one page in ten, measured on
        # the sample course) never does: jupyter_client then waits half of this before its SIGTERM.
        # Its default, 5 s, made such a page cost 2.5 s more; this gives up after 0.8 s.
        return 1.6

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        folder = Path(jupyter_runtime_dir())
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder / f"carnet-kernel-{uuid.uuid4().hex}")

    #: The kernel's process group (its own session): every process a cell starts is in it, unless it leaves it.
    process_group: int | None = None
    #: The variables that look secret but that the book's author lets kernels have (``carnet.execution.pass_env``).
    passed_env: ClassVar[tuple[str, ...]] = ()
    #: This kernel's mark in its environment, inherited by every process it starts (see :mod:`.processes`).
    mark: str = ""
    #: The kernel's descendants just before it was asked to shut down (its adopted orphans included).
    _started: list[Process] = []  # noqa: RUF012 (replaced per kernel, never mutated)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        """Start the kernel without the build's secrets, marked, and adopting its descendants' orphans."""
        self.mark = uuid.uuid4().hex
        kw["env"] = {**kernel_environment(kw.get("env", os.environ), self.passed_env), MARK: self.mark}
        return await super()._async_pre_start_kernel(**kw)

    pre_start_kernel = _async_pre_start_kernel

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Start the kernel with its own output discarded (cells' output comes over its sockets)."""
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        kw["preexec_fn"] = become_subreaper
        await super()._async_launch_kernel(kernel_cmd, **kw)
        self.process_group = getattr(self.provisioner, "pgid", None)
        if self.background:
            run_in_background(self.provisioner.process.pid)

    _launch_kernel = _async_launch_kernel

    #: Whether the kernel gives way to the build (a proof's), or is one the build waits for (a page's).
    background = False

    def _descendants(self) -> list[Process]:
        """The kernel's running descendants (none once it is gone: its orphans went to ``init``)."""
        pid = getattr(getattr(self.provisioner, "process", None), "pid", None)
        return descendants(pid) if pid else []

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """Note the kernel's descendants first: once it exits, those that left its group are no longer its."""
        self._started = self._descendants()
        await super()._async_shutdown_kernel(now=now, restart=restart)

    shutdown_kernel = _async_shutdown_kernel

    async def cleanup_resources(self, restart: bool = False) -> None:
        """After the kernel is gone (shut down, timed out or dead), end every process it started.

        nbclient always calls this; a kernel that died (``os._exit``) could not end its children itself.
        Those still in its group, those it had before its shutdown, and those bearing its mark.
        """
        left = [*self._started, *self._descendants()]
        await super().cleanup_resources(restart=restart)
        group, self.process_group = self.process_group, None
        if group and group != os.getpgrp():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        if self.mark:
            bearing = marked(self.mark)
            left += [*bearing, *(child for pid, _ in bearing for child in descendants(pid))]
        self._started = []
        end_processes(left)


def _shut_down(manager: LocalSocketKernelManager) -> None:
    """Stop a kernel and every process it started; it may already be gone."""
    with contextlib.suppress(Exception):
        run_sync(manager.shutdown_kernel)(now=True)
    with contextlib.suppress(Exception):
        run_sync(manager.cleanup_resources)()


class WarmKernel:
    """At most one kernel waiting, started by this process, for the next page of the same kernel name."""

    def __init__(self, folder: str) -> None:
        #: Where kernels start (the book's folder); each page's kernel then moves to the page's folder.
        self.folder = folder
        self._waiting: tuple[int, str, LocalSocketKernelManager, Finalize] | None = None

    def _pop(self) -> tuple[str, LocalSocketKernelManager] | None:
        """The waiting kernel's name and manager, no longer waiting; None if none, or another process's."""
        waiting, self._waiting = self._waiting, None
        if waiting is None:
            return None
        pid, name, manager, finalizer = waiting
        if pid != os.getpid():  # started by the process this one was forked from: its own to stop
            return None
        finalizer.cancel()
        return name, manager

    def take(self, name: str) -> LocalSocketKernelManager | None:
        """The waiting kernel, if it runs kernel ``name`` and is alive; else None (and it is shut down)."""
        waiting = self._pop()
        if waiting is None:
            return None
        started_name, manager = waiting
        if started_name == name and run_sync(manager.is_alive)():
            return manager
        _shut_down(manager)
        return None

    def start(self, name: str) -> None:
        """Start a kernel ``name`` for the next page (one waiting and not taken is shut down first)."""
        self.discard()
        manager = LocalSocketKernelManager(kernel_name=name)
        try:
            run_sync(manager.start_kernel)(extra_arguments=[HISTORY], cwd=self.folder)
        except Exception:  # the next page starts its own kernel, and reports why that fails
            return
        # Sphinx's reader processes end without running atexit; multiprocessing's finalizers run.
        finalizer = Finalize(None, _shut_down, args=(manager,), exitpriority=10)
        self._waiting = (os.getpid(), name, manager, finalizer)

    def discard(self) -> None:
        """Shut the waiting kernel down (the build ends, or a new one is started)."""
        waiting = self._pop()
        if waiting is not None:
            _shut_down(waiting[1])


class BackgroundKernelManager(LocalSocketKernelManager):
    """A kernel for a proof, run in the background of the build (see :func:`run_in_background`)."""

    background = True
