"""The manual (docs/, mkdocs.yml) checked against the code, Datasette-style.

The site builds in strict mode (a broken link or anchor fails); every ``rida`` command is
on the CLI page and every command named there exists; the generated tables (settings,
benchmark results) render, and a missing results file says « pas encore mesuré »; nothing
is loaded from another origin, neither by the manual nor by the application's pages.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from rida.cli import main

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
HOOK = DOCS / "hooks" / "rida_docs.py"

# What loads a resource from another origin (a plain <a href="https://…"> is only a link).
REMOTE_IN_HTML = re.compile(
    r"<(?:script|img|iframe|audio|video|source|embed|object)\b[^>]*\b(?:src|data)\s*=\s*"
    r"[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//",
    re.I,
)
REMOTE_IN_CSS = re.compile(r"url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:https?:)?//", re.I)


def _mkdocs_or_skip() -> None:
    if importlib.util.find_spec("mkdocs") is None:
        message = "mkdocs is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def hook():  # type: ignore[no-untyped-def]
    _mkdocs_or_skip()
    spec = importlib.util.spec_from_file_location("rida_docs_hook", HOOK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def command_paths() -> list[str]:
    """Every command of ``rida``, groups included, as ``"user member add"``."""
    found: list[str] = []

    def walk(group: click.Group, ctx: click.Context, prefix: list[str]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            path = [*prefix, name]
            found.append(" ".join(path))
            if isinstance(command, click.Group):
                walk(command, click.Context(command, parent=ctx, info_name=name), path)

    walk(main, click.Context(main, info_name="rida"), [])
    return found


def test_site_builds_in_strict_mode_and_loads_nothing_remote(tmp_path):
    _mkdocs_or_skip()
    site = tmp_path / "site"
    result = subprocess.run(
        # no -q: mkdocs counts the warnings that strict mode turns into errors only when
        # it logs them
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml"]
        + ["-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pages = list(site.rglob("*.html"))
    assert (site / "performance" / "index.html").exists()
    assert (site / "architecture" / "index.html").exists()
    for page in pages:
        assert not REMOTE_IN_HTML.search(page.read_text(encoding="utf-8")), page
    for css in site.rglob("*.css"):
        assert not REMOTE_IN_CSS.search(css.read_text(encoding="utf-8")), css


def test_every_command_is_on_the_cli_page():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [
        path for path in command_paths() if not re.search(rf"`rida {re.escape(path)}[` ]", text)
    ]
    assert not missing, f"commandes absentes de docs/cli.md : {missing}"


def test_the_cli_page_names_only_real_commands():
    """The first cell of each table row names a command that exists (no stale docs)."""
    known = set(command_paths())
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    named = re.findall(r"^\| `rida ([^`]*)`", text, re.M)
    assert named
    for usage in named:
        words = [w for w in usage.split() if re.fullmatch(r"[a-z][a-z-]*", w)]
        # the longest run of leading words that is a command path
        path = next(
            (" ".join(words[:n]) for n in range(len(words), 0, -1) if " ".join(words[:n]) in known),
            None,
        )
        assert path is not None, f"docs/cli.md nomme une commande inconnue : rida {usage}"
        assert usage.startswith(path), usage


def test_every_setting_is_on_the_configuration_page():
    from rida import settings

    page = hook().expand((DOCS / "configuration.md").read_text(encoding="utf-8"))
    for setting in settings.SETTINGS:
        assert f"| `{setting.name}` | `{setting.default}` |" in page, setting.name


def test_missing_benchmark_results_say_not_measured(tmp_path):
    module = hook()
    for name in module.RENDERERS:
        text = module.expand(f"<!-- rida:bench {name} -->", results=tmp_path)
        assert "pas encore mesuré" in text, name


def test_committed_benchmark_results_render():
    module = hook()
    page = (DOCS / "performance.md").read_text(encoding="utf-8")
    assert set(re.findall(r"<!-- rida:bench (\w+) -->", page)) == set(module.RENDERERS)
    rendered = module.expand(page)
    assert "<!-- rida:" not in rendered
    for name in module.RENDERERS:
        if (module.RESULTS / f"{name}.json").exists():
            assert "Mesuré le" in module.bench(name, module.RESULTS), name


def test_an_unknown_marker_fails_the_build():
    module = hook()
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError):
        module.expand("<!-- rida:bench nothing -->")


def test_application_pages_load_nothing_from_another_origin():
    templates = list((ROOT / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        assert not REMOTE_IN_HTML.search(path.read_text(encoding="utf-8")), path
    for path in (ROOT / "rida" / "static").rglob("*.css"):
        assert not REMOTE_IN_CSS.search(path.read_text(encoding="utf-8")), path


def test_readme_is_short_and_links_into_the_manual():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    assert "make run" in text and "make test" in text
    links = re.findall(r"\]\(((?:docs/)[^)#]*)(?:#[^)]*)?\)", text)
    assert links
    for link in links:
        assert (ROOT / link).exists(), link
    for img in re.findall(r'src="([^"]+)"', text):
        assert not img.startswith(("http:", "https:", "//")), img
        assert (ROOT / img).exists(), img
