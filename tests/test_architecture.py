"""The arrows of docs/architecture.md: which module may import which, read from the source with ``ast``.

cli -> build -> arrange -> textfit/layoutspec/model; writers see only the plan and geometry; heavy libraries
(python-pptx, reportlab, Pillow, fontTools) are imported inside the functions that need them, never at import time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

import hkbrief

PACKAGE_DIR = Path(hkbrief.__file__).resolve().parent
HEAVY = ("pptx", "reportlab", "PIL", "fontTools")


@dataclass(frozen=True)
class Import:
    module: str  # the imported module, absolute ("hkbrief.plan", "reportlab.pdfgen.canvas")
    line: int
    at_import_time: bool  # executed when the importing module is imported (not inside a function)
    type_checking: bool  # inside ``if TYPE_CHECKING:``


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(source: str, name: str, package: bool, known: set[str]) -> list[Import]:
    """Every import in ``source`` (the module ``name``), resolved to absolute module names."""
    tree = ast.parse(source)
    found: list[Import] = []
    base = name if package else name.rpartition(".")[0]

    def visit(node: ast.AST, top: bool, checking: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, node.lineno, top and not checking, checking))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")
                anchor = ".".join(parts[: len(parts) - (node.level - 1)])
                target = f"{anchor}.{node.module}" if node.module else anchor
            else:
                target = node.module or ""
            for alias in node.names:
                # ``from hkbrief import linebreak`` imports the module hkbrief.linebreak
                candidate = f"{target}.{alias.name}"
                module = candidate if candidate in known else target
                found.append(Import(module, node.lineno, top and not checking, checking))
        for child in ast.iter_child_nodes(node):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, False, checking)
            elif isinstance(node, ast.If) and _is_type_checking(node.test) and child in node.body:
                visit(child, top, True)
            else:
                visit(child, top, checking)

    visit(tree, True, False)
    return found


def walk() -> dict[str, list[Import]]:
    paths = sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)
    known = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p.read_text(encoding="utf-8"), module_name(p), is_package(p), known)
            for p in paths}


GRAPH = walk()
MODULES = sorted(GRAPH)


def ours(name: str) -> list[Import]:
    return [i for i in GRAPH[name] if i.module == "hkbrief" or i.module.startswith("hkbrief.")]


def in_group(module: str, group: str) -> bool:
    return module == group or module.startswith(group + ".")


def modules_in(group: str) -> list[str]:
    found = [m for m in MODULES if in_group(m, group)]
    assert found, f"no module {group}: the rule names a module that no longer exists; update the rule"
    return found


# the walker itself ----------------------------------------------------------------------------------------------

def test_the_walker_resolves_relative_and_function_level_imports():
    source = textwrap.dedent("""
        from __future__ import annotations
        import json
        from typing import TYPE_CHECKING
        from .. import geometry
        from ..plan import Frame
        from .pptx import render_deck
        from hkbrief import linebreak
        if TYPE_CHECKING:
            from reportlab.pdfgen.canvas import Canvas
        try:
            import PIL
        except ImportError:
            PIL = None
        class Writer:
            import pptx
            def draw(self):
                from reportlab.pdfgen import canvas
                import fontTools.ttLib
    """)
    known = {"hkbrief", "hkbrief.geometry", "hkbrief.plan", "hkbrief.linebreak", "hkbrief.render",
             "hkbrief.render.pdf", "hkbrief.render.pptx"}
    found = {(i.module, i.at_import_time, i.type_checking)
             for i in imports_of(source, "hkbrief.render.pdf", False, known)}
    assert ("hkbrief.geometry", True, False) in found  # ".." from hkbrief.render.pdf is hkbrief
    assert ("hkbrief.render.pptx", True, False) in found  # "." is the render package
    assert ("hkbrief.plan", True, False) in found
    assert ("hkbrief.linebreak", True, False) in found
    assert ("reportlab.pdfgen.canvas", False, True) in found
    assert ("PIL", True, False) in found
    assert ("pptx", True, False) in found  # a class body runs at import time
    assert ("reportlab.pdfgen", False, False) in found
    assert ("fontTools.ttLib", False, False) in found


def test_the_walk_sees_the_whole_package():
    for name in ("hkbrief.cli", "hkbrief.build", "hkbrief.plan", "hkbrief.geometry", "hkbrief.errors",
                 "hkbrief.model", "hkbrief.layoutspec", "hkbrief.textfit", "hkbrief.linebreak", "hkbrief.content",
                 "hkbrief.arrange", "hkbrief.render.pptx", "hkbrief.render.pdf", "hkbrief.__main__"):
        assert name in GRAPH, name
    assert {i.module for i in GRAPH["hkbrief.render.pdf"]} >= {"hkbrief.plan"}


# the arrows -----------------------------------------------------------------------------------------------------

RULES: list[tuple[str, set[str]]] = [
    # (group, the modules of ours it may import, besides its own group); docs/architecture.md has the same table
    ("hkbrief.geometry", set()),
    ("hkbrief.colour", set()),
    ("hkbrief.langtag", set()),
    ("hkbrief.errors", set()),
    ("hkbrief.fontfile", set()),
    ("hkbrief.console", set()),
    ("hkbrief.collector", set()),
    ("hkbrief.model", {"hkbrief.errors", "hkbrief.langtag"}),
    ("hkbrief.content", {"hkbrief.model", "hkbrief.errors"}),
    ("hkbrief.labels", {"hkbrief.model"}),
    ("hkbrief.typography", {"hkbrief.model"}),
    ("hkbrief.translation", {"hkbrief.model", "hkbrief.errors"}),
    ("hkbrief.schema", {"hkbrief.content", "hkbrief.model"}),
    ("hkbrief.images", {"hkbrief.content", "hkbrief.model", "hkbrief.errors"}),
    ("hkbrief.textfit", {"hkbrief.geometry", "hkbrief.errors"}),
    ("hkbrief.linebreak", {"hkbrief.geometry", "hkbrief.errors"}),
    ("hkbrief.layoutspec", {"hkbrief.errors", "hkbrief.textfit", "hkbrief.fontfile", "hkbrief.colour",
                            "hkbrief.geometry"}),
    ("hkbrief.replace", {"hkbrief.errors"}),
    ("hkbrief.template", {"hkbrief.geometry", "hkbrief.errors", "hkbrief.layoutspec"}),
    ("hkbrief.plan", {"hkbrief.geometry", "hkbrief.colour"}),
    ("hkbrief.arrange", {"hkbrief", "hkbrief.model", "hkbrief.plan", "hkbrief.geometry", "hkbrief.errors",
                         "hkbrief.labels", "hkbrief.layoutspec", "hkbrief.textfit", "hkbrief.linebreak",
                         "hkbrief.typography", "hkbrief.template", "hkbrief.images"}),
    ("hkbrief.render", {"hkbrief.plan", "hkbrief.geometry", "hkbrief.langtag"}),
    ("hkbrief.build", {"hkbrief.arrange", "hkbrief.render", "hkbrief.content", "hkbrief.model", "hkbrief.plan",
                       "hkbrief.layoutspec", "hkbrief.template", "hkbrief.images", "hkbrief.translation",
                       "hkbrief.typography", "hkbrief.replace", "hkbrief.errors"}),
    ("hkbrief.batch", {"hkbrief.build", "hkbrief.arrange", "hkbrief.render", "hkbrief.content", "hkbrief.model",
                       "hkbrief.layoutspec", "hkbrief.images", "hkbrief.collector", "hkbrief.errors"}),
    ("hkbrief.preview", {"hkbrief.build", "hkbrief.render", "hkbrief.layoutspec", "hkbrief.model",
                         "hkbrief.replace", "hkbrief.errors"}),
    ("hkbrief.watch", {"hkbrief.content", "hkbrief.layoutspec", "hkbrief.errors"}),
    ("hkbrief.serve", {"hkbrief.preview", "hkbrief.watch"}),
    ("hkbrief.init", {"hkbrief.schema", "hkbrief.errors"}),
    ("hkbrief.cli", {"hkbrief", "hkbrief.build", "hkbrief.batch", "hkbrief.preview", "hkbrief.watch",
                     "hkbrief.serve", "hkbrief.init", "hkbrief.content", "hkbrief.images", "hkbrief.layoutspec",
                     "hkbrief.template", "hkbrief.translation", "hkbrief.schema", "hkbrief.model",
                     "hkbrief.console", "hkbrief.collector", "hkbrief.errors"}),
    ("hkbrief.__main__", {"hkbrief.cli"}),
]
ARCHITECTURE_DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def allowed_group(item: str, allowed: set[str]) -> bool:
    """An import is allowed if it names an allowed module or a module inside an allowed package."""
    return item in allowed or any(item.startswith(group + ".") for group in allowed if group != "hkbrief")


def test_every_module_has_a_rule_and_a_place_in_the_architecture_doc():
    """A new module needs its arrows here and a line in docs/architecture.md (the map this test enforces)."""
    groups = [group for group, _ in RULES]
    unruled = [m for m in MODULES if m != "hkbrief" and not any(in_group(m, g) for g in groups)]
    assert not unruled, f"modules without an import rule in RULES: {unruled}"
    doc = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    for module in MODULES:
        if module == "hkbrief":
            continue
        short = module.removeprefix("hkbrief.")
        leaf = short.rsplit(".", 1)[-1]
        assert f"`{short}`" in doc or f"`{leaf}`" in doc, f"docs/architecture.md does not mention {short}"


@pytest.mark.parametrize(("group", "allowed"), RULES, ids=[group for group, _ in RULES])
def test_module_imports_only_what_its_layer_allows(group, allowed):
    wrong = []
    for name in modules_in(group):
        for item in ours(name):
            if in_group(item.module, group):
                continue
            if not allowed_group(item.module, allowed):
                wrong.append(f"{name} line {item.line} imports {item.module}")
    assert not wrong, f"{group} may import only {sorted(allowed) or 'nothing of ours'}:\n" + "\n".join(wrong)


def test_arrange_does_not_import_writers_build_or_cli():
    wrong = [f"{name} line {item.line} imports {item.module}"
             for name in modules_in("hkbrief.arrange") for item in ours(name)
             if any(in_group(item.module, g) for g in ("hkbrief.render", "hkbrief.build", "hkbrief.cli"))]
    assert not wrong, "\n".join(wrong)


def test_nothing_but_main_imports_cli():
    wrong = [f"{name} line {item.line} imports {item.module}"
             for name in MODULES if name not in ("hkbrief.__main__", "hkbrief.cli")
             for item in ours(name) if in_group(item.module, "hkbrief.cli")]
    assert not wrong, "\n".join(wrong)
    assert any(i.module == "hkbrief.cli" for i in GRAPH["hkbrief.__main__"])


def test_no_module_imports_a_heavy_library_at_import_time():
    wrong = [f"{name} line {item.line} imports {item.module} at module level"
             for name in MODULES for item in GRAPH[name]
             if item.at_import_time and item.module.split(".")[0] in HEAVY]
    assert not wrong, "import these inside the functions that need them:\n" + "\n".join(wrong)


# what a user's shell actually loads ------------------------------------------------------------------------------

def loaded_after(commands: list[list[str]]) -> list[str]:
    code = (
        "import sys\n"
        "import hkbrief.cli\n"
        "from click.testing import CliRunner\n"
        f"for args in {commands!r}:\n"
        "    result = CliRunner().invoke(hkbrief.cli.main, args)\n"
        "    assert result.exit_code == 0, (args, result.output)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return [m for m in out.stdout.strip().split(",") if m]


def test_cli_help_loads_no_heavy_library():
    assert loaded_after([["--help"], ["build", "--help"]]) == []


def test_layouts_command_loads_no_heavy_library():
    assert loaded_after([["layouts"]]) == []


def test_the_subprocess_check_would_notice_a_heavy_import():
    code = "import sys, hkbrief.render.pdf, reportlab.pdfgen.canvas; print('reportlab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
