"""Stages only look back: no module imports a later stage, at module level or inside a function
(an import inside a function hides the edge from a reader, not from this test)."""

from __future__ import annotations

import ast
from pathlib import Path

import reportgen

PACKAGE = Path(reportgen.__file__).resolve().parent

# The rank of each top-level module or package of reportgen: a module may import only ranks up
# to its own. Shared helpers first; tools on top of the commands that build.
RANKS = {
    **dict.fromkeys(("__init__", "errors", "formatting", "messages", "resources", "output", "progress", "perf",
                     "console"), 0),
    "load": 1,
    "colours": 1,  # readable variants of the theme report.yaml declares
    "engine": 2,
    "content": 3,
    "project": 4,  # the front half: load → engine → content
    "readiness": 4,  # reads a compiled project; a build's --strict uses it
    "charts": 5,
    "render": 6,
    **dict.fromkeys(("pipeline", "cache", "digest", "uptodate"), 7),
    "api": 8,
    **dict.fromkeys(("diff", "snapshot", "preview", "export", "authoring", "proof", "batch"), 9),
    **dict.fromkeys(("cli", "__main__"), 10),
}


def _top(module: Path) -> str:
    parts = module.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imported(module: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The top-level reportgen modules an import statement reaches."""
    if isinstance(node, ast.Import):
        return [n.name.split(".")[1] for n in node.names if n.name.startswith("reportgen.") and "." in n.name]
    if node.level == 0:
        if not (node.module or "").startswith("reportgen"):
            return []
        parts = (node.module or "").split(".")[1:]
    else:
        here = list(module.relative_to(PACKAGE).with_suffix("").parts[:-1])
        base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
        parts = base + (node.module.split(".") if node.module else [])
    if parts:
        return [parts[0]]
    return [alias.name for alias in node.names]  # "from . import x" at the top of the package


def test_no_module_imports_a_later_stage():
    problems = []
    for module in sorted(PACKAGE.rglob("*.py")):
        own = _top(module)
        assert own in RANKS, f"{module.relative_to(PACKAGE)}: give its package a rank in this test"
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imported(module, node):
                    if target in RANKS and RANKS[target] > RANKS[own]:
                        problems.append(f"{module.relative_to(PACKAGE)}:{node.lineno} imports {target}")
    assert not problems, "imports of a later stage:\n" + "\n".join(problems)


def test_no_module_is_over_600_lines():
    long = {str(m.relative_to(PACKAGE)): n for m in PACKAGE.rglob("*.py")
            if (n := len(m.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long, f"modules over 600 lines: {long}"
