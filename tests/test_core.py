"""Carnet's Sphinx-free pieces: settings, manifests, Binder requirements, the npm pins."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import tarfile
from pathlib import Path, PurePosixPath

import pytest
import yaml
from carnet.core.settings import CarnetConfig, PageConfig, SettingError, parse_section
from conftest import REPO


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "expected a relative folder inside the site (e.g. 'lite'), got ''"),
        ("..", "'..' is not allowed, got '..'"),
        ("lite/../..", "'..' is not allowed"),
        ("/srv/www", "expected a relative folder inside the site (e.g. 'lite'), got '/srv/www'"),
        ("_static", "'_static' is not allowed"),
        ("outils/_sources", "'_sources' is not allowed"),
        (".lite", "'.lite' is not allowed"),
    ],
)
def test_lite_dir_must_be_a_folder_inside_the_site(value, problem):
    with pytest.raises(SettingError, match=re.escape(problem)):
        parse_section(CarnetConfig, {"launch": {"lite_dir": value}}, "carnet")


def test_lite_dir_may_be_nested():
    assert (
        parse_section(CarnetConfig, {"launch": {"lite_dir": "outils/lite"}}, "carnet").launch.lite_dir == "outils/lite"
    )


def test_cdn_url_must_be_https():
    with pytest.raises(SettingError, match=r"carnet.runtime.cdn_url: expected an https:// address"):
        parse_section(CarnetConfig, {"runtime": {"cdn_url": "http://cdn.example/"}}, "carnet")


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("https://cdn.example/v{verison}/", "unknown placeholder {verison} (known: {version})"),
        ("https://cdn.example/v{}/", "unknown placeholder {} (known: {version})"),
        ("https://cdn.example/v{0}/", "unknown placeholder {0} (known: {version})"),
        ("https://cdn.example/v{version.major}/", "unknown placeholder {version.major} (known: {version})"),
        ("https://cdn.example/v{version/", "a placeholder is written {version}, and a literal brace {{ or }}"),
        ("https://cdn.example/v}/", "a placeholder is written {version}"),
        ("https://cdn.example/v{version:d}/", "a placeholder is written {version}"),
    ],
)
def test_a_url_template_with_a_placeholder_it_cannot_fill_is_refused(template, problem):
    """Each of these passed as a string, then crashed the build with a KeyError, IndexError or ValueError."""
    with pytest.raises(SettingError, match=re.escape(f"carnet.runtime.cdn_url: {problem}")):
        parse_section(CarnetConfig, {"runtime": {"cdn_url": template}}, "carnet")


def test_a_url_template_may_hold_literal_braces_and_no_placeholder():
    for template in ("https://cdn.example/{{x}}/v{version}/", "https://cdn.example/pyodide/0.27/"):
        assert parse_section(CarnetConfig, {"runtime": {"cdn_url": template}}, "carnet").runtime.cdn_url == template


def test_a_setting_naming_a_file_of_the_book_must_name_one(tmp_path):
    from carnet.core.settings import missing_book_path

    config = parse_section(CarnetConfig, {"runtime": {"distribution": "pyodide"}}, "carnet")
    problem = missing_book_path(config, tmp_path)
    assert str(problem) == (
        "carnet.runtime.distribution: no such file or folder in the book (the path is relative to the book's "
        "folder), got 'pyodide'"
    )
    (tmp_path / "pyodide").mkdir()
    assert missing_book_path(config, tmp_path) is None
    assert missing_book_path(CarnetConfig(), tmp_path) is None, "empty: no distribution"


@pytest.mark.parametrize("pattern", ["solutions/", "./solutions", "/solutions", "../solutions", "a//b", "", " "])
def test_a_private_pattern_that_matches_nothing_is_refused(pattern):
    """Sphinx's Matcher silently matches nothing with these: the folder would be published."""
    with pytest.raises(SettingError, match=re.escape(f"carnet.launch.private: {pattern!r} matches no file")):
        parse_section(CarnetConfig, {"launch": {"private": ["**/private", pattern]}}, "carnet")


def test_private_patterns_that_match_are_kept():
    patterns = ["solutions", "**/corrige*.py", "chapitres/*/brouillon"]
    assert parse_section(CarnetConfig, {"launch": {"private": patterns}}, "carnet").launch.private == tuple(patterns)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"try_it": "no"}, "carnet.try_it: expected true or false, got 'no'"),
        ({"backend": "cloud"}, "carnet.backend: expected one of pyodide, binder, got 'cloud'"),
        ({"tryit": False}, "carnet.tryit: unknown setting (known: backend, browser, try_it)"),
        ("try_it", "carnet: expected a mapping of settings, got 'try_it'"),
    ],
)
def test_page_settings_are_validated_like_book_settings(value, message):
    with pytest.raises(SettingError) as error:
        parse_section(PageConfig, value, "carnet")
    assert str(error.value) == message


def test_page_settings_default_to_the_book():
    assert parse_section(PageConfig, None, "carnet") == PageConfig(try_it=None, backend=None)
    assert parse_section(PageConfig, {"try_it": False}, "carnet").try_it is False


def test_scaffold_block_holds_every_setting_at_its_default():
    from carnet.core.i18n import translated
    from carnet.core.settings import commented_block

    for language in ("fr", "en"):
        block = commented_block(lambda key, english, lang=language: translated(lang, key, english), 0)
        parsed = yaml.safe_load(block)["carnet"]
        assert parse_section(CarnetConfig, parsed, "carnet") == CarnetConfig()
    assert "**/_private/**" in block


def test_every_setting_has_french_help():
    from carnet.core.i18n import catalog
    from carnet.core.settings import setting_rows

    missing = [row.path for row in setting_rows() if f"setting.{row.path}" not in catalog("fr")]
    assert missing == []


def test_readme_settings_table_is_generated_from_the_fields():
    from carnet.core.settings import markdown_table

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- settings: generated from carnet.core.settings -->\n", "\n<!-- end of settings -->"
    assert start in readme and end in readme
    assert readme.split(start, 1)[1].split(end, 1)[0] == markdown_table()


def test_remove_unlisted_deletes_only_what_the_manifest_lists(tmp_path: Path):
    from carnet.core.manifest import remove_unlisted

    site = tmp_path / "lite"
    for name in ("files/old.ipynb", "files/kept.ipynb", "files/author.txt", "chapitre/page.html"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name)
    (tmp_path / "outside.txt").write_text("never")
    before = {"files/old.ipynb", "files/kept.ipynb", "../outside.txt", "chapitre/page.html/.."}
    assert remove_unlisted(site, before, {"files/kept.ipynb"}) is True
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["lite/chapitre/page.html", "lite/files/author.txt", "lite/files/kept.ipynb", "outside.txt"]


def test_lite_site_update_keeps_files_carnet_did_not_write(tmp_path: Path):
    from carnet.sphinxext.site.lite import update_lite_site

    app = tmp_path / "app"
    (app / "notebooks").mkdir(parents=True)
    (app / "jupyter-lite.json").write_text('{"jupyter-config-data": {}}')
    (app / "notebooks" / "index.html").write_text("app")
    page = tmp_path / "page.ipynb"
    page.write_text("{}")
    site, manifest = tmp_path / "site" / "lite", tmp_path / "manifest.json"
    first = update_lite_site(site, manifest, app, {"a.ipynb": page, "b.ipynb": page}, {}, "fr")
    assert first == {"app": True, "files": True}
    (site / "notes-du-prof.txt").write_text("not Carnet's")
    again = update_lite_site(site, manifest, app, {"a.ipynb": page, "b.ipynb": page}, {}, "fr")
    assert again == {"app": False, "files": False}
    update_lite_site(site, manifest, app, {"a.ipynb": page}, {}, "fr")
    assert not (site / "files" / "b.ipynb").exists() and (site / "files" / "a.ipynb").is_file()
    assert (site / "notes-du-prof.txt").read_text() == "not Carnet's"
    listing = json.loads((site / "api" / "contents" / "all.json").read_text())
    assert [item["name"] for item in listing["content"]] == ["a.ipynb"]
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    assert config["settingsOverrides"]["@jupyterlab/translation-extension:plugin"] == {"locale": "fr_FR"}
    # The author moves the site (carnet.launch.lite_dir): the old folder keeps only what Carnet did not write.
    moved = tmp_path / "site" / "outils" / "lite"
    update_lite_site(moved, manifest, app, {"a.ipynb": page}, {}, "fr")
    assert (moved / "files" / "a.ipynb").is_file()
    assert sorted(p.name for p in site.rglob("*")) == ["notes-du-prof.txt"]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("numpy>=1.26", "numpy"),
        ("Pandas[excel]==2.2 ; python_version >= '3.10'", "pandas"),
        ("-e .", None),
        ("git+https://github.com/example/mylib.git", None),
        ("git+https://github.com/example/mylib.git#egg=My_Lib", "my-lib"),
        ("-r other.txt", None),
        ("# a comment", None),
        ("./local-package", None),
    ],
)
def test_requirement_lines(line, name):
    from carnet.core.requirements import requirement_name

    assert requirement_name(line) == name


def test_conda_environment_lists_conda_and_pip_packages():
    from carnet.core.requirements import declared_distributions

    text = "name: cours\ndependencies:\n  - python=3.11\n  - conda-forge::numpy>=1.26\n  - pip:\n    - jupyter-book\n"
    assert declared_distributions(text, "environment.yml") == {"numpy", "jupyter-book"}


def test_binder_provides_what_declared_packages_bring_and_local_modules():
    from carnet.core.requirements import provided_distributions, undeclared

    provided = provided_distributions({"jupyter-book", "matplotlib"})
    assert {"myst-nb", "ipython", "ipykernel"} <= provided
    modules = {"myst_nb", "IPython", "mpl_toolkits", "mylib", "os", "yaml_absent_module"}
    assert undeclared(modules, provided, local={"mylib"}) == ["yaml_absent_module"]


def _tarball(version: str) -> bytes:
    """An npm package tarball (``package/package.json``), as the registry serves it."""
    data = json.dumps({"name": "carnet-fixture", "version": version}).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.subprocess
@pytest.mark.parametrize("genuine", [True, False])
def test_npm_pins_are_installed_only_with_their_integrity(tmp_path: Path, monkeypatch, genuine: bool):
    """``npm ci`` against a local stand-in for the registry: a tarball whose hash differs is refused."""
    from carnet.assets.npm import AssetError, install_locked
    from carnet.cli.server import serve_directory

    monkeypatch.setenv("CARNET_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("npm_config_fetch_retries", "0")  # a refused tarball is not fetched again
    # npm's own cache is keyed by integrity: the genuine tarball cached by the other case would be reused.
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    registry = tmp_path / "registry"
    registry.mkdir()
    tarball = _tarball("1.0.0" if genuine else "6.6.6")
    (registry / "carnet-fixture-1.0.0.tgz").write_bytes(tarball)
    expected = tarball if genuine else _tarball("1.0.0")
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(expected).digest()).decode()
    pins = tmp_path / "pins"
    pins.mkdir()
    dependencies = {"carnet-fixture": "1.0.0"}
    (pins / "package.json").write_text(json.dumps({"name": "pins", "version": "0.0.0", "dependencies": dependencies}))
    with serve_directory(registry) as base:
        lock = {
            "name": "pins",
            "version": "0.0.0",
            "lockfileVersion": 3,
            "requires": True,
            "packages": {
                "": {"name": "pins", "version": "0.0.0", "dependencies": dependencies},
                "node_modules/carnet-fixture": {
                    "version": "1.0.0",
                    "resolved": base + "carnet-fixture-1.0.0.tgz",
                    "integrity": integrity,
                },
            },
        }
        (pins / "package-lock.json").write_text(json.dumps(lock))
        if genuine:
            assert (install_locked(pins) / "carnet-fixture" / "package.json").is_file()
        else:
            with pytest.raises(AssetError, match="npm could not install the pinned browser packages"):
                install_locked(pins)
            assert not list((tmp_path / "cache" / "npm").glob("modules-*"))


def test_broken_links_include_same_page_anchors_named_by_page_and_target(tmp_path, monkeypatch):
    from carnet.cli.linkcheck import ParsedSite, broken_links

    monkeypatch.setenv("CARNET_LANG", "en")
    site = tmp_path / "html"
    (site / "chapitre").mkdir(parents=True)
    (site / "_static").mkdir()
    (site / "_static" / "style.css").write_text("")
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="_static/style.css"><link rel="preconnect" href="/ailleurs/">\n'
        '<a href="chapitre/">ok</a> <a href="https://exemple.fr/absent">external</a>\n'
        '<a href="/b/chapitre/page.html#deux">ok</a> <a href="/autre/">outside</a>'
    )
    (site / "chapitre" / "index.html").write_text('<h1 id="un">Un</h1><a href="../index.html">up</a>')
    (site / "chapitre" / "page.html").write_text(
        '<h2 id="deux">Deux</h2>\n<a href="#deux">ok</a>\n\n<a href="#pas-ici">x</a>\n'
        '<a href="pas-de-page.html">y</a> <a href="index.html#un">ok</a> <a href="index.html#pas-d-ancre">z</a>'
    )
    messages = [link.message() for link in broken_links(ParsedSite(site), "/b/")]
    assert messages == [
        "chapitre/page.html (line 4): #pas-ici: anchor 'pas-ici' not found",
        "chapitre/page.html (line 5): pas-de-page.html: no such page or file in the site",
        "chapitre/page.html (line 5): index.html#pas-d-ancre: anchor 'pas-d-ancre' not found",
        "index.html (line 3): /autre/: outside the site (its pages are under /b/)",
    ]


def test_broken_links_to_one_target_make_one_line(tmp_path, monkeypatch):
    from carnet.cli.linkcheck import ParsedSite, broken_links, grouped_messages

    monkeypatch.setenv("CARNET_LANG", "en")
    site = tmp_path / "html"
    (site / "chapitre").mkdir(parents=True)
    logo = '<img src="{up}_static/logo.png"><a href="{up}licence.html">licence</a>'
    for number in range(5):
        (site / f"page{number}.html").write_text(logo.format(up=""))
        (site / "chapitre" / f"page{number}.html").write_text(logo.format(up="../") + '<a href="#x">x</a>')
    messages = grouped_messages(broken_links(ParsedSite(site), "/"))
    assert messages == [
        "_static/logo.png: no such page or file in the site, linked 10 times from 10 pages: "
        "chapitre/page0.html, chapitre/page1.html, chapitre/page2.html, …",
        "licence.html: no such page or file in the site, linked 10 times from 10 pages: "
        "chapitre/page0.html, chapitre/page1.html, chapitre/page2.html, …",
    ] + [f"chapitre/page{number}.html (line 1): #x: anchor 'x' not found" for number in range(5)]
    book = tmp_path / "book"
    (book / "_static").mkdir(parents=True)
    (book / "_static" / "logo.png").write_bytes(b"")  # in the book, written as raw HTML: not copied
    first = grouped_messages(broken_links(ParsedSite(site), "/", book))[0]
    assert first.startswith("_static/logo.png: the book has _static/logo.png but the site does not: Sphinx publishes")


def test_outputs_over_the_limit_keep_their_first_and_last_lines():
    import nbformat
    from carnet.core.notebooks import cap_outputs

    lines = [f"ligne {i}\n" for i in range(1000)]
    cell = nbformat.v4.new_code_cell("…")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=line) for line in lines]
    cell.outputs.append(nbformat.v4.new_output("display_data", data={"image/png": "A" * 5000}))
    small = nbformat.v4.new_code_cell("print(1)")
    small.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    assert cap_outputs([small, cell], 1000, "cut: {size} MB") == [(2, 14890)]
    stream, note = cell.outputs
    assert stream.text.startswith("ligne 0\n") and stream.text.endswith("ligne 999\n")
    assert "[… cut: 0.0 MB …]" in stream.text and len(stream.text) < 1100
    assert note.name == "stderr" and note.text == "[cut: 0.0 MB]\n"
    assert small.outputs[0].text == "1\n"


@pytest.mark.parametrize(
    ("path", "published"),
    [
        ("data/notes.csv", True),
        ("solutions/corrige.py", False),
        ("chapitre/solutions/corrige.py", False),
        ("tests/test_x.py", False),
        ("chapitre/_private/notes.txt", False),
        (".env", False),
        ("chapitre/.cache/x", False),
        ("_config.yml", False),
        ("chapitre/page.md", False),
    ],
)
def test_folder_patterns_keep_every_file_inside_the_folder_private(path, published):
    from carnet.core.settings import LaunchConfig
    from carnet.sphinxext.book.pagefiles import is_publishable
    from sphinx.util.matching import Matcher

    patterns = ["tests", "**/solutions", *LaunchConfig().private]
    assert is_publishable(PurePosixPath(path), Matcher(patterns), [".md", ".ipynb"]) is published


def test_an_error_after_a_flood_of_output_is_kept():
    import nbformat
    from carnet.core.notebooks import cap_outputs

    cell = nbformat.v4.new_code_cell("…")
    error = nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=["ValueError: x"])
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x\n" * 5000), error]
    cap_outputs([cell], 1000, "cut")
    assert cell.outputs[-1] == error


def test_a_notebook_may_change_one_execution_setting_and_keep_the_books_other():
    from carnet.core.notebooks import execution_settings

    assert execution_settings({"execution": {"allow_errors": True}}, -1, False) == (-1, True)
    assert execution_settings({"execution": {"timeout": 30}}, 120, False) == (30, False)
    assert execution_settings({}, None, False) == (None, False)
    with pytest.raises(SettingError, match=r"execution.timeout: expected a number of seconds \(or -1 for none\)"):
        execution_settings({"execution": {"timeout": 0}}, 120, False)


def test_misspelt_tags_markers_and_directives_are_named_with_the_fix_and_ordinary_code_is_not():
    from carnet.activities.exercise.spelling import directive_problem, marker_problems, tag_problems

    assert [p.values["meant"] for p in tag_problems(["exercice-answer", "Exercise_Tests", "hide-input"], 3)] == [
        "exercise-answer",
        "exercise-tests",
    ]
    assert tag_problems(["exercise-answer", "remove-output", "answer", "raises-exception"], 1) == []
    answer = "def f(x):\n    ###  begin solution\n    return 2 * x  # solution\n    ### END SOLUTION\n"
    problems = marker_problems(answer, ["exercise-answer"], 4)
    assert [(p.key, p.values["line"]) for p in problems] == [("spelling.marker", 2), ("spelling.one_line", 3)]
    assert problems[0].values["meant"] == "### BEGIN SOLUTION"
    hidden_in_answer = marker_problems("x = 1\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n", ["exercise-answer"], 2)
    assert [(p.key, p.values["tag"]) for p in hidden_in_answer] == [("spelling.untagged", "exercise-tests")]
    ordinary = "# End of the loop\n# Begin here\nx = 1  # Solution de l'équation\nprint('### BEGIN')\n"
    assert marker_problems(ordinary, [], 5) == []
    assert directive_problem("exercice", ["exercise", "note"]).values["meant"] == "exercise"
    assert directive_problem("mermaid", ["exercise", "margin", "note"]) is None


def test_a_seal_hides_its_text_and_opens_to_it():
    from carnet.activities.exercise.seal import seal, unseal

    sealed = seal("return longueur * largeur  # é ✓\n", "content/aire")
    assert "longueur" not in base64.b64decode(sealed).decode("latin-1")
    assert unseal(sealed) == "return longueur * largeur  # é ✓\n"
    assert seal("x", "a") == seal("x", "a") != seal("x", "b"), "the same bytes on every build, per page"
