"""``carnet.runtime.packages``: packages downloaded once from the pinned CDN, checked, hosted with the book.

These machines reach no CDN, so a local HTTP server stands in for it, serving real wheels from PyPI
(pure-Python ones: cycler and six, which it depends on). Pyodide's own builds of them differ from
PyPI's, so the runtime is a Pyodide distribution (the real core from npm) whose lock file gives the
sha256 of the files the stand-in serves: the lock file is the only thing adapted, the mechanism and
the files are real.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from carnet.assets.npm import install_locked
from carnet.assets.runtime import CORE_FILES, PYODIDE_VERSION
from carnet.cli.server import serve_directory
from conftest import Build, carnet_build

pytestmark = pytest.mark.subprocess

WHEELS = {"cycler": "cycler==0.12.1", "six": "six==1.17.0"}
PAGE = """---
jupytext: {text_representation: {format_name: myst}}
kernelspec: {name: python3, display_name: Python 3, language: python}
---
# Paquets

```{code-cell} ipython3
import cycler
print(type(cycler.cycler(c=[1, 2])).__name__)
```
"""


def _distribution(folder: Path, wheels: dict[str, Path]) -> Path:
    """A Pyodide distribution: the npm core, and its lock file naming the stand-in's wheels."""
    core = install_locked() / "pyodide"
    folder.mkdir()
    for name in CORE_FILES:
        shutil.copy2(core / name, folder / name)
    lock = json.loads((core / "pyodide-lock.json").read_text())
    for key, path in wheels.items():
        entry = lock["packages"][key]
        entry["file_name"] = path.name
        entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    return folder


def _book(folder: Path, distribution: Path, cdn: str) -> Path:
    folder.mkdir()
    (folder / "_toc.yml").write_text("format: jb-book\nroot: paquets\n")
    (folder / "paquets.md").write_text(PAGE)
    runtime = {"distribution": str(distribution), "packages": ["cycler"], "cdn_url": cdn + "v{version}/full/"}
    sphinx = {"extra_extensions": ["carnet"], "config": {"carnet": {"runtime": runtime}}}
    config = {"title": "paquets", "sphinx": sphinx}
    (folder / "_config.yml").write_text(json.dumps(config))
    return folder


@pytest.fixture(scope="module")
def cdn(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real wheels from PyPI, laid out as the CDN's release folder."""
    root = tmp_path_factory.mktemp("cdn")
    release = root / f"v{PYODIDE_VERSION}" / "full"
    release.mkdir(parents=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "-d"]
    subprocess.run([*command, str(release), *WHEELS.values()], check=True, capture_output=True)
    return {key: next(release.glob(f"{key}-*.whl")) for key in WHEELS}


@pytest.fixture(scope="module")
def hosted(cdn, tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, str]:
    """A book hosting cycler, built against the stand-in CDN; and the stand-in's address."""
    work = tmp_path_factory.mktemp("hosted")
    distribution = _distribution(work / "pyodide", cdn)
    root = next(iter(cdn.values())).parents[2]
    with serve_directory(root, "/pyodide/") as base:
        build = carnet_build(_book(work / "book", distribution, base), cache=work / "cache")
    assert build.returncode == 0, build.output[-3000:]
    return build, base


def test_listed_packages_and_their_dependencies_are_hosted_with_the_book(hosted):
    build, cdn = hosted
    runtime = build.html / "_static/carnet/pyodide"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())["packages"]
    for key in WHEELS:
        assert (runtime / lock[key]["file_name"]).is_file(), f"{key} is served by the book"
        assert hashlib.sha256((runtime / lock[key]["file_name"]).read_bytes()).hexdigest() == lock[key]["sha256"]
    assert lock["numpy"]["file_name"].startswith(cdn), "what is not listed still comes from the CDN"


def test_a_reader_of_the_page_makes_no_third_party_request(hosted, offline_context):
    build, _ = hosted
    with serve_directory(build.html, "/livre/") as base:
        page = offline_context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(base + "paquets.html")
        page.locator("[data-carnet-cell='1'] .carnet-run").click()
        output = page.locator("[data-carnet-cell='1'] .carnet-output", has_text="Cycler")
        output.wait_for(timeout=90_000)
    assert any(url.endswith(".whl") and "cycler" in url for url in requests)
    assert all(url.startswith(base) for url in requests), [url for url in requests if not url.startswith(base)]
    assert offline_context.blocked == []


def test_a_corrupted_wheel_fails_the_build_naming_the_package(cdn, tmp_path: Path):
    distribution = _distribution(tmp_path / "pyodide", cdn)
    corrupted = tmp_path / "cdn" / f"v{PYODIDE_VERSION}" / "full"
    corrupted.mkdir(parents=True)
    for path in cdn.values():
        shutil.copy2(path, corrupted / path.name)
    wheel = corrupted / cdn["cycler"].name
    wheel.write_bytes(wheel.read_bytes()[:-10] + b"0123456789")
    with serve_directory(tmp_path / "cdn", "/pyodide/") as base:
        build = carnet_build(_book(tmp_path / "book", distribution, base), cache=tmp_path / "cache")
    assert build.returncode != 0
    assert "carnet.runtime.packages: cycler from http://127.0.0.1" in build.output
    assert "is not the file Pyodide's lock file names" in build.output and "Traceback" not in build.output
    assert not build.html.exists()
    assert not list((tmp_path / "cache" / "packages").rglob("*.whl")), "nothing unchecked is kept"
