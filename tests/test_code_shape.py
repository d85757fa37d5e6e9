"""The code stays small enough to read: outside tests/, no function over 80 lines and no module over 600."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600
SKIPPED = {".venv", "tests", "node_modules", ".git"}


def _sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIPPED & set(p.relative_to(ROOT).parts))


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int]]:
    """(name, lines) of every function or method longer than ``limit`` lines, decorators and docstring included."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = node.end_lineno - first + 1
            if lines > limit:
                found.append((node.name, lines))
    return found


def test_the_checks_find_what_they_look_for():
    body = "\n".join(f"    x = {i}" for i in range(MAX_FUNCTION_LINES))
    assert long_functions(f"def f():\n{body}\n") == [("f", MAX_FUNCTION_LINES + 1)]
    assert long_functions(f"class C:\n    def g(self):\n    {body.replace(chr(10), chr(10) + '    ')}\n") == [
        ("g", MAX_FUNCTION_LINES + 1)]
    assert long_functions(f"def f():\n{body[:-10]}\n") == []
    assert len(_sources()) > 50 and ROOT / "loaders" / "parse.py" in _sources()
    assert not [p for p in _sources() if "tests" in p.relative_to(ROOT).parts]


def test_no_function_over_80_lines_outside_tests():
    offenders = [f"{p.relative_to(ROOT)}: {name} ({lines} lines)" for p in _sources()
                 for name, lines in long_functions(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_no_module_over_600_lines_outside_tests():
    offenders = [f"{p.relative_to(ROOT)} ({n} lines)" for p in _sources()
                 if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert offenders == []
