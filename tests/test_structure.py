"""The house's rules that a newcomer relies on without reading every file (docs/DESIGN.md,
docs/STYLE.md): imports inside functions say why, no module grows past what one person reads
at a sitting, the floors hold, and every link between the documents leads somewhere."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["hyvakaytanto", "core", "nominations", "jury", "voting", "archive"]
MAX_LINES = 600


def _source_files(*, include_bench: bool = False) -> list[Path]:
    folders = PACKAGES + (["bench"] if include_bench else [])
    return sorted(
        path
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    )


def _lazy_imports(path: Path) -> list[tuple[int, str]]:
    """Imports inside a function that no ``# Lazy: reason`` comment explains: on the line
    itself, or above the run of imports it belongs to."""
    lines = path.read_text().splitlines()
    unexplained = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Import | ast.ImportFrom):
                continue
            index = inner.lineno - 1
            explained = "# Lazy:" in lines[index]
            while not explained and index > 0:
                index -= 1
                above = lines[index].strip()
                if above.startswith("# Lazy:"):
                    explained = True
                elif not (above.startswith(("import ", "from ", "#", "with ", "try:"))):
                    break
            if not explained:
                unexplained.append((inner.lineno, lines[inner.lineno - 1].strip()))
    return unexplained


def test_every_import_inside_a_function_gives_its_reason():
    """A lazy import hides a dependency from a reader (and once hid two import circles), so
    each one says why it cannot sit at the top. The bench scripts set Django up at run time
    before they import the site, so they are left out."""
    found = {
        f"{path.relative_to(ROOT)}:{line}": text
        for path in _source_files()
        for line, text in _lazy_imports(path)
    }
    assert found == {}


def test_the_lazy_import_rule_catches_an_import_without_a_reason(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "def f():\n    import json\n    return json\n\n"
        "def g():\n    # Lazy: only g needs it.\n    import csv\n    return csv\n"
    )
    assert _lazy_imports(planted) == [(2, "import json")]


def test_no_module_outside_migrations_and_tests_is_over_600_lines():
    long = {
        str(path.relative_to(ROOT)): length
        for path in [*_source_files(include_bench=True), ROOT / "dev.py", ROOT / "manage.py"]
        if (length := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def _markdown_files() -> list[Path]:
    tracked = subprocess.run(
        ["git", "ls-files", "*.md"],  # noqa: S607 - git from PATH, as in every checkout
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in tracked]


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _broken_links(path: Path) -> list[str]:
    broken = []
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # another site, or a place on this page
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve()
        missing_heading = anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved)
        if not resolved.exists() or missing_heading:
            broken.append(target)
    return broken


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings."""
    anchors = set()
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


def test_every_relative_link_in_the_markdown_files_resolves():
    files = _markdown_files()
    assert {"README.md", "docs/OPERATIONS.md", "docs/DESIGN.md", "bench/README.md"} <= {
        str(path.relative_to(ROOT)) for path in files
    }
    broken = {str(p.relative_to(ROOT)): links for p in files if (links := _broken_links(p))}
    assert broken == {}


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# Running it\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md) [ok too](other.md#running-it) [web](https://example.org/x)\n"
        "[gone](missing.md) [no such heading](other.md#backups)\n"
    )
    assert _broken_links(page) == ["missing.md", "other.md#backups"]


def test_the_readme_is_one_screen_for_a_newcomer():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    assert "python3 dev.py start" in readme
    assert "python3 dev.py test" in readme


def test_the_floors_hold():
    """The import contracts in pyproject.toml (import-linter): each floor imports only from the
    floors below it, and no package's modules import each other in a circle."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
