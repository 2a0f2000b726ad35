"""The project stands on its own: its documents point nowhere outside the repository,
name no tracker entries, and describe the import direction the code keeps."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {
    ".git",
    ".venv",
    "node_modules",
    "__pycache__",
    "vendor",
    "staticfiles",
    ".ci-work",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
}
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".js", ".css", ".sh", ".toml", ".ini"}
TEXT_NAMES = {"Makefile", "run", "README.md", "requirements.txt"}
OUTSIDE = [
    re.compile(r"\.\./shared"),
    re.compile(r"\b(DESIGN|STYLE)\.md\b"),
    re.compile(r"\b(issue|ticket|incidencia)s?\s*(#|n\.?º\s*)?\d+", re.IGNORECASE),
    re.compile(r"\b(issue|ticket)'s\b", re.IGNORECASE),
]
LAYERS = {
    # app -> packages it must never import
    "sessions_app": ("proposals",),
    "cafe/org": ("sessions_app", "proposals"),
    "cafe/notify": ("sessions_app", "proposals"),
}


def project_files():
    for path in ROOT.rglob("*"):
        if not path.is_file() or SKIP_DIRS & set(path.relative_to(ROOT).parts):
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES:
            yield path


def outside_references(text: str) -> list[str]:
    return [hit.group(0) for pattern in OUTSIDE for hit in pattern.finditer(text)]


def test_the_check_recognises_outside_references():
    # Assembled at run time, so this file itself holds no such reference.
    parent, tracker = "." * 2 + "/shar" + "ed", "iss" + "ue 7"
    text = f"See {parent}/DESIGN.md, the targets of {tracker} and Tick" + "et #12."
    assert outside_references(text) == [
        parent,
        "DESIGN.md",
        tracker,
        "Tick" + "et #12",
    ]
    assert outside_references("check --deploy must report no issues") == []


def test_no_file_points_outside_the_repository_or_names_a_ticket():
    this = Path(__file__).resolve()
    found = {
        str(path.relative_to(ROOT)): hits
        for path in project_files()
        if path.resolve() != this
        and (hits := outside_references(path.read_text(encoding="utf-8")))
    }
    assert len(list(project_files())) > 100
    assert not found


def test_readme_lists_every_document_and_its_links_resolve():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{doc.name})" in readme, f"README does not list {doc.name}"
    for source in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = source.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
            if "://" not in target:
                assert (source.parent / target).exists(), f"{source.name}: {target}"


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_imports_go_one_way(app):
    forbidden = LAYERS[app]
    wrong = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / app).rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        for module in imported_modules(path)
        if module.split(".")[0] in forbidden
    ]
    assert not wrong
