"""Carnet's settings, declared once: each field says its type, allowed values, default and help.

Authors write book settings in ``_config.yml`` under ``sphinx: config: carnet:`` and page settings in
a page's metadata (``carnet:`` in a notebook's metadata or a MyST front matter). Both go through
:func:`parse_section`, which names the key path of any problem (``carnet.launch.try_it``), so a typo
never silently falls back to a default. The commented block of ``carnet new``'s ``_config.yml`` and
the README's table are generated from these fields (see :func:`setting_rows`).

This module imports no Sphinx: it is unit-tested on its own.
"""

from __future__ import annotations

import dataclasses
import string
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from .errors import CarnetError
from .i18n import Said, said


class SettingError(CarnetError):
    """A setting (of the book or of a page) has a wrong key, type or value; the message names its path."""


def setting(
    default: Any,
    help: str,
    *,
    choices: tuple[str, ...] = (),
    check: Callable[[Any], Said | None] | None = None,
    placeholders: tuple[str, ...] = (),
    book_path: bool = False,
) -> Any:
    """A dataclass field holding one setting: its default, one line of help, and what values it accepts.

    ``check`` returns why a value is refused (``None`` when it is fine). ``placeholders`` makes the
    value a template filled by ``str.format`` with those names: any other ``{name}`` is refused here,
    not met later as a ``KeyError`` in the middle of the build. ``book_path``: the value (unless empty)
    names a file or folder of the book, relative to it, which must exist (see :func:`missing_book_path`).
    """
    metadata = {"help": help, "choices": choices, "check": check, "placeholders": placeholders, "book_path": book_path}
    return field(default=default, metadata=metadata)


def site_folder(value: str) -> Said | None:
    """Refuse anything but a plain relative folder inside the built site.

    Carnet replaces what it writes there: ``""``, ``..`` or an absolute path would point it at the
    site itself, the build folder or the author's files. Names starting with ``_`` belong to Sphinx
    (``_static``, ``_sources``…) and names starting with ``.`` are hidden from publication.
    """
    parts = PurePosixPath(value.replace("\\", "/")).parts
    if not value.strip() or PurePosixPath(value).is_absolute() or PureWindowsPath(value).is_absolute():
        return said("config.site_folder")
    for part in parts:
        if part in (".", "..") or part.startswith((".", "_")):
            return said("config.site_folder_part", part=repr(part))
    return None


def template_problem(value: str, placeholders: tuple[str, ...]) -> Said | None:
    """Why ``value`` cannot be filled by ``str.format`` with ``placeholders`` (``None``: it can).

    Every field must be one of the names, whole (``{version.x}``, ``{0}`` or ``{}`` would fail when the
    template is filled), and the braces must pair up (a literal brace is written ``{{`` or ``}}``).
    """
    known = ", ".join(f"{{{name}}}" for name in placeholders)
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        for name in names:
            if name not in placeholders:
                return said("config.placeholder", placeholder=f"{{{name}}}", known=known)
        value.format(**dict.fromkeys(placeholders, "0"))  # what is left: a format spec that text refuses
    except ValueError:
        return said("config.template_braces", known=known)
    return None


def book_patterns(value: tuple[str, ...]) -> Said | None:
    """Refuse a glob pattern that matches no path of the book.

    Sphinx's ``Matcher`` compares patterns with paths relative to the book, written with ``/``:
    ``solutions/``, ``./solutions``, ``/solutions`` or ``../x`` match nothing, so the folder they were
    meant to keep private would be published without a word.
    """
    for pattern in value:
        parts = pattern.split("/")
        absolute = pattern.startswith("/") or PureWindowsPath(pattern).is_absolute()
        if not pattern.strip() or absolute or any(part in ("", ".", "..") for part in parts):
            return said("config.book_pattern", pattern=repr(pattern))
    return None


def positive(value: int) -> Said | None:
    """Refuse zero and negative numbers."""
    return None if value > 0 else said("config.positive")


#: Plain HTTP is accepted only from this machine (a local mirror): pages on HTTPS cannot load it elsewhere.
LOCAL_HTTP = ("http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/")


def https_url(value: str) -> Said | None:
    """Refuse a CDN address that is not HTTPS (pages served over HTTPS cannot load it)."""
    return None if value.startswith(("https://", *LOCAL_HTTP)) else said("config.https")


def package_names(value: tuple[str, ...]) -> Said | None:
    """Refuse a package list with an empty name."""
    if any(not name.strip() for name in value):
        return said("config.empty_package")
    return None


@dataclass(frozen=True)
class LaunchConfig:
    """``carnet.launch``: the "try it" (JupyterLite) button and the JupyterLite site."""

    try_it: bool = setting(True, 'the "try it" button: open each executable page in the book\'s JupyterLite site')
    lite_dir: str = setting("lite", "folder of the JupyterLite site inside the built book", check=site_folder)
    interface: str = setting("notebooks", "the JupyterLite interface the button opens", choices=("notebooks", "lab"))
    private: tuple[str, ...] = setting(
        ("**/private", "**/private/**", "**/_private", "**/_private/**"),
        "glob patterns of files and folders never published with the pages (e.g. solutions)",
        check=book_patterns,
    )
    sourcemaps: bool = setting(False, "keep JupyterLite's source maps (about 49 MB; only to debug JupyterLite)")


@dataclass(frozen=True)
class LiveConfig:
    """``carnet.live``: running and editing code cells in the page."""

    enabled: bool = setting(True, "Run buttons and an editor on every code cell, Python in the reader's browser")
    backend: str = setting(
        "pyodide", "where cells run: in the browser, or on a remote Jupyter server", choices=("pyodide", "binder")
    )
    prewarm: str = setting(
        "intent",
        "when Python starts: when the reader hovers a cell, once the page is idle, or at the first Run",
        choices=("intent", "idle", "run"),
    )


@dataclass(frozen=True)
class RuntimeConfig:
    """``carnet.runtime``: where the browser gets Pyodide and its packages."""

    source: str = setting("self", "Pyodide served by the book itself, or by the CDN", choices=("self", "cdn"))
    cdn_url: str = setting(
        "https://cdn.jsdelivr.net/pyodide/v{version}/full/",
        "where packages the book does not host come from ({version}: Pyodide's version)",
        check=https_url,
        placeholders=("version",),
    )
    distribution: str = setting(
        "",
        "a full Pyodide release (folder or .tar.bz2) to host numpy, matplotlib… too; empty: the core only",
        book_path=True,
    )
    packages: tuple[str, ...] = setting(
        (),
        "Pyodide packages (names from its lock file) hosted with the book, with what they depend on: downloaded "
        "once from cdn_url, checked against Pyodide's sha256; readers then fetch nothing from a third party",
        check=package_names,
    )


@dataclass(frozen=True)
class OutputConfig:
    """``carnet.output``: what the book shows of its cells' outputs."""

    max_kb: int = setting(
        1000,
        "output of one cell (in kB) above which the page shows only its start and end, with a warning",
        check=positive,
    )


#: When a pupil may see an exercise's solution.
SOLUTION_RULES = ("on-success", "after-attempts", "always", "never")
#: The editions of a book: the pupils' (published) and the teacher's (previewed, never published).
EDITIONS = ("student", "teacher")


@dataclass(frozen=True)
class ExerciseRules:
    """When an exercise's solution (its code and any ``{solution}``) can be shown in the page.

    The book's defaults are ``carnet.exercises``; one exercise changes them with ``carnet:`` in its
    answer cell's metadata.
    """

    solution: str = setting(
        "after-attempts",
        "when the pupil may show the solution: once their code passes, once it passes or after `attempts` tries, "
        "from the start, or never",
        choices=SOLUTION_RULES,
    )
    attempts: int = setting(3, "tries before the solution can be shown (with solution: after-attempts)", check=positive)


@dataclass(frozen=True)
class ExercisesConfig(ExerciseRules):
    """``carnet.exercises``: checked exercises, and which edition of the book is built."""

    edition: str = setting(
        "student",
        "student: what pupils get (the only edition written to _build/html, hence published): starters, public "
        "tests, solutions sealed in the page as the rules allow; teacher: everything in plain, for the teacher's "
        "preview (carnet build --edition teacher writes it to _build/teacher, never published)",
        choices=EDITIONS,
    )
    hidden_tests: str = setting(
        "grade",
        "where hidden tests run: grade (only in carnet grade; no published file holds them) or page (sealed in the "
        "student edition's pages too, so that Valider runs them)",
        choices=("grade", "page"),
    )
    student_repository: str = setting(
        "",
        "the public repository (https://…) with the pupils' sources, for Binder and the repository buttons of the "
        "student edition; empty: pages with exercises get no Binder link nor source button (they would lead to "
        "the teacher's sources)",
        check=lambda value: https_url(value) if value else None,
    )
    student_branch: str = setting("main", "the branch of student_repository Binder starts from")


@dataclass(frozen=True)
class CheckConfig:
    """``carnet.check``: what ``carnet check`` proves beyond the build, and when."""

    in_build: bool = setting(
        True,
        "prove during every build, in the background, what carnet check proves: each page run in Pyodide under "
        "Node (the status page shows it) and each exercise's starter; then carnet check has nothing left to run",
    )
    outside_toc: bool = setting(
        False,
        "also build, execute and check the pages _toc.yml does not list (Jupyter Book builds them as pages "
        "outside the book); else they are left out, and the build says how many",
    )


def variable_names(value: tuple[str, ...]) -> Said | None:
    """Refuse a name that no environment variable can have (empty, or with ``=`` or a space)."""
    if any(not name or "=" in name or any(ch.isspace() for ch in name) for name in value):
        return said("config.variable_name")
    return None


@dataclass(frozen=True)
class ExecutionConfig:
    """``carnet.execution``: what the build's kernels get from the machine that builds the book."""

    pass_env: tuple[str, ...] = setting(
        (),
        "environment variables the pages' kernels get although they look secret (a name with TOKEN, SECRET, KEY, "
        "PASSWORD, AUTH, CREDENTIAL, PRIVATE…, or a URL with a password): every other such variable of the build "
        "(CI tokens…) is removed from their environment, so that no page can print it into the site",
        check=variable_names,
    )


@dataclass(frozen=True)
class CarnetConfig:
    """``carnet``: every Carnet setting of a book."""

    launch: LaunchConfig = field(default_factory=LaunchConfig)
    live: LiveConfig = field(default_factory=LiveConfig)
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    exercises: ExercisesConfig = field(default_factory=ExercisesConfig)
    check: CheckConfig = field(default_factory=CheckConfig)
    execution: ExecutionConfig = field(default_factory=ExecutionConfig)


@dataclass(frozen=True)
class PageConfig:
    """``carnet:`` in a page's metadata: what a page may change for itself (``None``: the book's setting)."""

    try_it: bool | None = setting(None, 'give this page the "try it" button (default: carnet.launch.try_it)')
    backend: str | None = setting(
        None, "where this page's cells run (default: carnet.live.backend)", choices=("pyodide", "binder")
    )
    browser: bool | None = setting(
        None,
        "false: this page cannot run in the browser (threads, input(), network…); readers are told why and "
        "pointed to Binder instead of Run buttons, and the browser check skips it",
    )


def _optional(kind: Any) -> Any:
    """``X`` for a field typed ``X | None``, else ``None``."""
    if isinstance(kind, types.UnionType) and type(None) in typing.get_args(kind):
        return next(arg for arg in typing.get_args(kind) if arg is not type(None))
    return None


def kind_name(kind: Any) -> str:
    """The name of a setting's type in the catalogs (``config.kind.<name>``)."""
    if _optional(kind) is not None:
        return kind_name(_optional(kind))
    if kind is bool:
        return "bool"
    if typing.get_origin(kind) is tuple:
        return "strings"
    return {str: "string", int: "integer"}[kind]


def describe(kind: Any) -> str:
    """How a type reads in the (English) documentation."""
    return str(said(f"config.kind.{kind_name(kind)}"))


def _parse(kind: Any, value: Any, path: str, meta: typing.Mapping[str, Any]) -> Any:
    """Check ``value`` against the field type ``kind`` and its metadata; return it in that type."""
    if dataclasses.is_dataclass(kind):
        return parse_section(kind, value, path)
    kind = _optional(kind) or kind
    if kind is bool:
        ok = isinstance(value, bool)
    elif typing.get_origin(kind) is tuple:
        ok = isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
        value = tuple(value) if ok else value
    else:
        ok = isinstance(value, kind) and not isinstance(value, bool)
    if not ok:
        raise SettingError(
            said("config.expected", path=path, expected=said(f"config.kind.{kind_name(kind)}"), value=repr(value))
        )
    choices = meta.get("choices")
    if choices and value not in choices:
        raise SettingError(said("config.choices", path=path, choices=", ".join(choices), value=repr(value)))
    problem = meta["check"](value) if meta.get("check") else None
    if not problem and meta.get("placeholders"):
        problem = template_problem(value, meta["placeholders"])
    if problem:
        shown = list(value) if isinstance(value, tuple) else value  # as written in _config.yml
        raise SettingError(said("config.problem", path=path, problem=problem, value=repr(shown)))
    return value


def parse_section(cls: type, data: Any, path: str) -> Any:
    """Build the dataclass ``cls`` from a mapping, naming the key path of any problem."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SettingError(said("config.mapping", path=path, value=repr(data)))
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields), key=str)
    if unknown:
        raise SettingError(said("config.unknown", path=f"{path}.{unknown[0]}", known=", ".join(sorted(fields))))
    return cls(
        **{name: _parse(hints[name], value, f"{path}.{name}", fields[name].metadata) for name, value in data.items()}
    )


def missing_book_path(section: Any, root: Path, path: str = "carnet") -> SettingError | None:
    """The first setting declared ``book_path`` whose file or folder is not in the book at ``root``.

    Checked with the other settings, before anything runs: the asset step would otherwise stop the
    build later, in English, without the key's file.
    """
    for item in dataclasses.fields(section):
        value = getattr(section, item.name)
        if dataclasses.is_dataclass(value):
            if problem := missing_book_path(value, root, f"{path}.{item.name}"):
                return problem
        elif item.metadata.get("book_path") and value and not (root / value).exists():
            problem = said("config.no_such_path")
            return SettingError(said("config.problem", path=f"{path}.{item.name}", problem=problem, value=repr(value)))
    return None


def parse_config(data: Any) -> CarnetConfig:
    """The book's ``carnet`` settings, each checked, then checked together."""
    config = parse_section(CarnetConfig, data, "carnet")
    if config.runtime.packages and config.runtime.source == "cdn":
        raise SettingError(said("config.packages_cdn"))
    return config


@dataclass(frozen=True)
class SettingRow:
    """One setting, for documentation: its key path, type, default, allowed values and help."""

    path: str
    kind: str
    default: Any
    choices: tuple[str, ...]
    help: str


def setting_rows(cls: type = CarnetConfig, path: str = "carnet") -> Iterator[SettingRow]:
    """Every leaf setting of ``cls``, in declaration order."""
    hints = typing.get_type_hints(cls)
    for item in dataclasses.fields(cls):
        kind = hints[item.name]
        if dataclasses.is_dataclass(kind):
            yield from setting_rows(kind, f"{path}.{item.name}")
        else:
            meta = item.metadata
            yield SettingRow(f"{path}.{item.name}", describe(kind), item.default, meta["choices"], meta["help"])


def yaml_value(value: Any) -> str:
    """A default value as it is written in ``_config.yml`` (flow style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    if value is None:
        return "null"
    text = str(value)
    plain = text and all(ch.isalnum() or ch in "-_." for ch in text)
    return text if plain else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def commented_block(translate: Callable[[str, str], str], indent: int) -> str:
    """The ``carnet:`` block of a ``_config.yml``, every setting at its default with its help as a comment.

    ``translate(key, english)`` gives the help in the book's language (``key`` is ``setting.<path>``).
    """
    pad = " " * indent
    lines = [f"{pad}carnet:"]
    section = ""
    for row in setting_rows():
        _, group, name = row.path.split(".")
        if group != section:
            section = group
            lines.append(f"{pad}  {group}:")
        help_text = translate(f"setting.{row.path}", row.help)
        if row.choices:
            help_text += f" ({' | '.join(row.choices)})"
        lines.append(f"{pad}    {name}: {yaml_value(row.default)}  # {help_text}")
    return "\n".join(lines)


def markdown_table() -> str:
    """The README's table of settings (English)."""
    lines = ["| setting | type | default | what it does |", "| --- | --- | --- | --- |"]
    for row in setting_rows():
        kind = " / ".join(f"`{choice}`" for choice in row.choices) if row.choices else row.kind
        default = yaml_value(row.default).replace("|", "\\|")
        lines.append(f"| `{row.path}` | {kind} | `{default}` | {row.help} |")
    return "\n".join(lines)
