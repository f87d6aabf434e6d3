"""Find and end every process a kernel started, however it left the kernel's process group.

A kernel runs in its own process group, so ending the group ends a plain ``subprocess.Popen``. A
page can leave the group, though: ``start_new_session=True``, ``setsid``, a daemon's double fork.
Three nets catch those, all without cgroups or privileges (Linux's ``/proc`` and ``prctl``):

- the kernel is a *child subreaper* (:func:`become_subreaper`, run in the kernel's process before
  it starts Python): an orphan of its tree (a daemon whose parent exited) is adopted by the kernel
  instead of ``init``, so while the kernel lives every process it started is among its
  :func:`descendants`;
- every process inherits the kernel's environment, which carries a mark (:data:`MARK`) naming the
  kernel: :func:`marked` finds those still running after the kernel died;
- :func:`end_processes` kills the lot, checking each process's start time so that a pid reused
  meanwhile by an unrelated process is never hit.

A process that empties its environment *and* outlives a kernel that died abruptly (``os._exit``)
escapes all three: Linux then hands it to ``init``, and nothing names it any more.

This module imports no Sphinx.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
from collections.abc import Iterable
from pathlib import Path

#: The environment variable naming the kernel a process descends from.
MARK = "CARNET_KERNEL"
#: ``prctl``'s option that makes a process adopt the orphans of its descendants (linux/prctl.h).
PR_SET_CHILD_SUBREAPER = 36
PROC = Path("/proc")

_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def become_subreaper() -> None:
    """Make the calling process adopt its descendants' orphans (kept across ``exec``, not by children).

    Meant for ``Popen(preexec_fn=…)``: the function is looked up before the fork, the call is plain C.
    """
    _LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


#: A process as :func:`end_processes` checks it: its pid and its start time (in clock ticks since boot).
Process = tuple[int, int]


def _stat(pid: int) -> tuple[int, int] | None:
    """A process's parent pid and start time, or None if it is gone (or already a zombie)."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[1]), int(fields[19])


def _pids() -> list[int]:
    """Every process id of the machine (of this pid namespace)."""
    return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]


def descendants(pid: int) -> list[Process]:
    """Every running process under ``pid`` (children, their children…), with its start time."""
    children: dict[int, list[Process]] = {}
    for other in _pids():
        stat = _stat(other)
        if stat is not None:
            children.setdefault(stat[0], []).append((other, stat[1]))
    found: list[Process] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child[0])
    return found


def marked(value: str) -> list[Process]:
    """Every running process whose environment has ``MARK=value`` (this user's: others' are unreadable)."""
    needle = f"{MARK}={value}".encode()
    found = []
    for pid in _pids():
        try:
            environ = (PROC / str(pid) / "environ").read_bytes()
        except OSError:
            continue
        stat = _stat(pid)
        if stat is not None and needle in environ.split(b"\0"):
            found.append((pid, stat[1]))
    return found


def end_processes(processes: Iterable[Process]) -> None:
    """SIGKILL each process that still runs and is still the same process (same start time)."""
    for pid, started in processes:
        stat = _stat(pid)
        if pid != os.getpid() and stat is not None and stat[1] == started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
