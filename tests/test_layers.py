"""The import contract: modules import only from the floors below theirs (pyproject's
``[tool.importlinter]``), and imports of package modules sit at module level, where they
show, except in the command modules the CLI loads lazily."""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "ganforge"
LAZY_ALLOWED = ("commands",)  # ``ganforge --help`` must not import torch


def lint(root: Path) -> subprocess.CompletedProcess:
    """import-linter on the package under ``root``/src with the project's contract."""
    pytest.importorskip("importlinter")
    code = ("import sys; from importlinter.cli import lint_imports; "
            f"sys.exit(lint_imports(config_filename={str(ROOT / 'pyproject.toml')!r}, no_cache=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root / "src"), "PATH": ""}, timeout=300)


def test_imports_go_down_the_floors_only():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "src" / "ganforge", ignore=shutil.ignore_patterns("__pycache__", "weights"))
    nets = tmp_path / "src" / "ganforge" / "nets" / "base.py"
    nets.write_text(nets.read_text() + "\nfrom ..train import trainer  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode != 0 and "ganforge.nets.base -> ganforge.train.trainer" in result.stdout


def function_level_imports(path: Path):
    """(line, module) of package imports inside functions, outside ``TYPE_CHECKING`` blocks."""
    tree = ast.parse(path.read_text())
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if in_function and isinstance(child, ast.ImportFrom) and (child.level or (child.module or "").startswith("ganforge")):
                found.append((child.lineno, "." * child.level + (child.module or "")))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)))

    visit(tree, False)
    return found


def test_package_imports_are_at_module_level():
    hidden = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in LAZY_ALLOWED:
            continue
        hidden += [f"{rel}:{line} imports {module}" for line, module in function_level_imports(path)]
    assert not hidden, "function-level imports hide the import graph:\n" + "\n".join(hidden)
