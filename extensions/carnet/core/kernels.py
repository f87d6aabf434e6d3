"""Choose the Jupyter kernel a notebook runs with.

Notebooks written on a teacher's laptop often name a kernel that only exists there
(``conda-env-nsi-py``, ``python3.12``…), or no kernel at all. For a Python notebook that is no
reason to fail: Carnet runs it with the Python kernel of the build and says so. A notebook in
another language whose kernel is missing fails, with a message naming the kernel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .i18n import Said, said

#: The kernel Jupyter installs with ipykernel; preferred when several Python kernels exist.
NATIVE_PYTHON_KERNEL = "python3"


@dataclass(frozen=True)
class KernelChoice:
    """The kernel to start (``None``: none can run this notebook), and why it differs, if it does."""

    name: str | None
    note: Said | None = None


def notebook_language(metadata: Mapping[str, Any]) -> str:
    """The notebook's language, from its kernelspec or its language_info, lower-cased ('' if unknown)."""
    kernelspec = metadata.get("kernelspec") or {}
    language_info = metadata.get("language_info") or {}
    return str(kernelspec.get("language") or language_info.get("name") or "").lower()


def python_kernel(available: Mapping[str, str]) -> str | None:
    """The installed kernel to run Python notebooks with: ``python3`` if present, else any Python one."""
    if available.get(NATIVE_PYTHON_KERNEL) == "python":
        return NATIVE_PYTHON_KERNEL
    return next((name for name, lang in sorted(available.items()) if lang == "python"), None)


def choose_kernel(metadata: Mapping[str, Any], available: Mapping[str, str]) -> KernelChoice:
    """Pick a kernel for a notebook, given ``available`` kernels as ``{name: language}``."""
    kernelspec = metadata.get("kernelspec") or {}
    wanted = kernelspec.get("name")
    if wanted and wanted in available:
        return KernelChoice(wanted)
    language = notebook_language(metadata)
    if language not in ("", "python"):
        installed = ", ".join(sorted(available)) or "—"
        return KernelChoice(None, said("kernel.missing", wanted=repr(wanted), language=language, installed=installed))
    fallback = python_kernel(available)
    if fallback is None:
        return KernelChoice(None, said("kernel.no_python"))
    if wanted:
        return KernelChoice(fallback, said("kernel.fallback", wanted=repr(wanted), fallback=repr(fallback)))
    return KernelChoice(fallback, said("kernel.no_kernelspec", fallback=repr(fallback)))


def installed_kernels() -> dict[str, str]:
    """Kernels installed for this Python, as ``{name: language}``."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().get_all_specs()
    return {name: str(spec["spec"].get("language", "")).lower() for name, spec in specs.items()}
