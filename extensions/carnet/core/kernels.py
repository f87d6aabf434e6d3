"""Choose the Jupyter kernel a notebook runs with.

Notebooks written on a teacher's laptop often name a kernel that only exists there
(``conda-env-nsi-py``, ``python3.12``…), or no kernel at all. For a Python notebook that is no
reason to fail: Carnet runs it with the Python kernel of the build and says so. A notebook in
another language whose kernel is missing fails, with a message naming the kernel.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
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


#: Names of variables that hold secrets in CI and on laptops (``GITHUB_TOKEN``, ``AWS_SECRET_ACCESS_KEY``,
#: ``PGPASSWORD``, ``SSH_AUTH_SOCK``…); ``AUTHOR`` (``GIT_AUTHOR_NAME``) is not one.
SECRET_NAME = re.compile(
    r"TOKEN|SECRET|KEY|PASSW(OR)?D|PASSPHRASE|CREDENTIAL|AUTH(?!OR)|PRIVATE|COOKIE|(^|_)DSN$", re.IGNORECASE
)
#: A URL with a password in it (``https://user:pass@host``, a proxy's or a database's), whatever its name.
SECRET_URL = re.compile(r"://[^/@\s:]+:[^/@\s]+@")


def is_secret(name: str, value: str) -> bool:
    """Whether a variable of the build's environment looks like a secret, by its name or its value."""
    return bool(SECRET_NAME.search(name) or SECRET_URL.search(value))


def kernel_environment(environ: Mapping[str, str], passed: Collection[str] = ()) -> dict[str, str]:
    """The build's environment without what looks secret, except the names the author ``passed``.

    A page is code the build runs: in CI, one printing ``os.environ`` would publish every token the
    workflow holds. Everything else stays (``PATH``, ``HOME``, ``LANG``, ``MPLBACKEND``…): pages run
    as before. ``PYTHONHASHSEED`` is ``0`` unless the build's environment sets it: a set of strings
    prints in the same order at every build (the order follows string hashes, random per process),
    as the page's Pyodide does with the same seed.
    """
    kept = {name: value for name, value in environ.items() if name in passed or not is_secret(name, value)}
    return {"PYTHONHASHSEED": "0", **kept}
