"""The layers visible in the tree hold: every module under jianfu/ is parsed (imports inside functions count too),
and an import that goes up a layer fails here with the file, the line and the rule it breaks.

    app      ui, cli, serve               may import anything; the only place Streamlit is imported
    outputs  report, export               the report and the table exports: engine + display + each other
    engine   metrics, ingest, warehouse…  data in, numbers out: engine + display
    display  display                      words, numbers, figures: only `settings`

A new module or package under jianfu/ must be given a layer in LAYERS (the test says so), so a new direction is
a decision, not an accident."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "jianfu"

# Each top-level module or package of jianfu → its layer.
LAYERS = {
    "ui": "app",
    "cli": "app",
    "serve": "app",
    "report": "outputs",
    "export": "outputs",
    "access": "engine",
    "calendar": "engine",
    "explore": "engine",
    "export_safety": "engine",
    "ingest": "engine",
    "kpi_frames": "engine",
    "metrics": "engine",
    "parquet_export": "engine",
    "quality": "engine",
    "references": "engine",
    "sample": "engine",
    "sandbox": "engine",
    "sandbox_forkserver": "engine",
    "schema": "engine",
    "settings": "engine",
    "spark": "engine",
    "warehouse": "engine",
    "web_import": "engine",
    "display": "display",
}
# Layer → the layers it may import.
MAY_IMPORT = {
    "app": {"app", "outputs", "engine", "display"},
    "outputs": {"outputs", "engine", "display"},
    "engine": {"engine", "display"},
}
# The display layer imports itself and, of the engine layer, the settings (language, thresholds), nothing that
# computes.
DISPLAY_MAY_IMPORT = {"display", "settings"}
# Third-party libraries that belong to one layer only.
ONLY_IN = {"streamlit": {"app"}, "plotly": {"display", "outputs"}}


def unit_of(module: str) -> str | None:
    """`jianfu.metrics.engine` → "metrics"; `jianfu` itself (the package root) → None."""
    parts = module.split(".")
    return parts[1] if parts[0] == "jianfu" and len(parts) > 1 else None


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) for every import in the source, at any depth (a function's lazy import counts).
    `from jianfu import ui` names `jianfu.ui`; relative imports are not used in this package."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"line {node.lineno}: relative import; write the absolute module")
            if node.module == "jianfu":
                found += [(node.lineno, f"jianfu.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def may_import(layer: str, target: str) -> bool:
    if layer == "display":
        return target in DISPLAY_MAY_IMPORT
    return LAYERS[target] in MAY_IMPORT[layer]


def violations(unit: str, source: str) -> list[str]:
    """Why each import of `source` (a module of `unit`) breaks the layers; empty when none does."""
    layer = LAYERS[unit]
    out = []
    for line, module in imported_modules(source):
        top = module.split(".")[0]
        if top in ONLY_IN and layer not in ONLY_IN[top]:
            out.append(f"line {line}: {module} may be imported only in {sorted(ONLY_IN[top])}, not in {layer}")
        target = unit_of(module)
        if target is None or target == unit:
            continue
        if target not in LAYERS:
            out.append(f"line {line}: {module} has no layer in LAYERS")
        elif not may_import(layer, target):
            out.append(f"line {line}: {unit} ({layer}) may not import {module} ({LAYERS[target]})")
    return out


def modules() -> list[tuple[str, Path]]:
    return [(path.relative_to(PACKAGE).parts[0].removesuffix(".py"), path) for path in sorted(PACKAGE.rglob("*.py"))]


def test_every_module_has_a_layer():
    units = {unit for unit, _ in modules() if unit != "__init__"}
    assert sorted(units - LAYERS.keys()) == []
    assert sorted(LAYERS.keys() - units) == []  # a layer for a module that is gone is a stale rule


def test_no_import_goes_up_a_layer():
    broken = {}
    for unit, path in modules():
        if unit == "__init__":
            continue
        found = violations(unit, path.read_text(encoding="utf-8"))
        if found:
            broken[str(path.relative_to(PACKAGE.parent))] = found
    assert broken == {}


@pytest.mark.parametrize(
    ("unit", "source", "expected"),
    [
        (
            "metrics",
            "def table():\n    from jianfu.ui import format\n",
            ["line 2: metrics (engine) may not import jianfu.ui (app)"],
        ),
        (
            "access",
            "import streamlit as st\nfrom jianfu.display.i18n import t\n",
            ["line 1: streamlit may be imported only in ['app'], not in engine"],
        ),
        (
            "report",
            "def figure():\n    if True:\n        import streamlit\n",
            ["line 3: streamlit may be imported only in ['app'], not in outputs"],
        ),
        ("report", "from jianfu import ui\n", ["line 1: report (outputs) may not import jianfu.ui (app)"]),
        (
            "metrics",
            "from jianfu.report import summary\n",
            ["line 1: metrics (engine) may not import jianfu.report (outputs)"],
        ),
        (
            "display",
            "from jianfu.metrics import Filters\n",
            ["line 1: display (display) may not import jianfu.metrics (engine)"],
        ),
        ("display", "from jianfu import settings\nimport plotly.graph_objects as go\n", []),
        ("ui", "import streamlit as st\nfrom jianfu.report import summary\nfrom jianfu.metrics import Filters\n", []),
        ("warehouse", "from jianfu.rollups import build\n", ["line 1: jianfu.rollups has no layer in LAYERS"]),
    ],
)
def test_the_check_finds_an_upward_import(unit, source, expected):
    assert violations(unit, source) == expected
