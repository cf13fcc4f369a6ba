"""The core under Pyodide (WebAssembly, as in xlwings Lite), in Node, offline.

Each bundled example is read in CPython (the file readers need python-calamine,
which Pyodide lacks) and sent as JSON (:mod:`budgetlint.gridjson`) to
``tests/pyodide/run.mjs``, which installs budgetlint's pure-Python wheel and
opencc's from local files, checks every grid with ``recompute = false`` and
returns the findings; they must equal the CPython check's, finding for finding.

Setup, once per checkout, under ``build/pyodide/``: the pinned ``pyodide`` npm
package (:data:`PYODIDE`, from the npm registry) and the two wheels
(``pip wheel --no-deps``).  ``make test-pyodide`` runs this file alone; ``make
test`` installs Node from Debian when it is missing.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from budgetlint.checker import check_grid
from budgetlint.gridjson import finding_record, grid_to_dict
from budgetlint.hosts import read_workbook
from budgetlint.lite import PYODIDE_VERSION
from budgetlint.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))
CACHE = ROOT / "build" / "pyodide"
PYODIDE = f"pyodide@{PYODIDE_VERSION}"
PYODIDE_DIR = CACHE / "node_modules" / "pyodide"
WHEELS = CACHE / "wheels"
OPENCC = "opencc-python-reimplemented==0.1.7"
RUNNER = ROOT / "tests" / "pyodide" / "run.mjs"

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None,
    reason="node is not installed (make test installs Node.js from Debian; or apt-get install nodejs npm)",
)


def _run(cmd: list[str], what: str, hint: str, timeout: float = 300) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        pytest.fail(f"{what} failed ({e}). {hint}")
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        pytest.fail(f"{what} failed (exit {done.returncode}):\n{tail}\n{hint}")


def _pyodide() -> Path:
    """The pinned pyodide npm package under build/pyodide (installed once)."""
    stamp = PYODIDE_DIR / "package.json"
    if stamp.is_file() and json.loads(stamp.read_text())["version"] == PYODIDE_VERSION:
        return PYODIDE_DIR
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail(
            "npm is missing (Node.js without npm): apt-get install npm, then make test-pyodide"
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    _run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), PYODIDE],
        f"npm install {PYODIDE}",
        "The npm registry must be reachable once (set `npm config set registry URL` for a mirror), "
        f"or copy an installed node_modules/pyodide ({PYODIDE_VERSION}) to {PYODIDE_DIR}.",
    )
    return PYODIDE_DIR


def _wheels() -> Path:
    """budgetlint's wheel (fresh: the source under test) and opencc's, under build/pyodide/wheels."""
    if WHEELS.exists():
        for old in WHEELS.glob("budgetlint-*.whl"):
            old.unlink()
    WHEELS.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(WHEELS), str(ROOT)]
    if not list(WHEELS.glob("opencc_python_reimplemented-*.whl")):
        cmd.append(OPENCC)
    _run(cmd, "pip wheel", f"PyPI (or the pip index configured) must be reachable for {OPENCC}.")
    (wheel,) = WHEELS.glob("budgetlint-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    return WHEELS


def test_core_under_pyodide_equals_cpython(tmp_path: Path) -> None:
    settings = dataclasses.replace(Settings(), recompute=False)
    examples = []
    expected = {}
    for path in EXAMPLES:
        grid = read_workbook(path)
        examples.append({"name": path.name, "grid": grid_to_dict(grid)})
        result = check_grid(grid, settings)
        expected[path.name] = [finding_record(f) for f in result.findings]
    grids = tmp_path / "grids.json"
    grids.write_text(json.dumps({"examples": examples}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "findings.json"

    pyodide_dir, wheels = _pyodide(), _wheels()
    started = time.perf_counter()
    assert NODE is not None
    _run(
        [NODE, str(RUNNER), str(pyodide_dir), str(wheels), str(grids), str(out)],
        "the Pyodide run",
        "See the output above.",
    )
    elapsed = time.perf_counter() - started
    data = json.loads(out.read_text(encoding="utf-8"))

    assert data["platform"] == "emscripten"
    assert data["modules"] == []  # no compiled dependency, no reader, no formula engine
    assert sorted(w.split("-")[0] for w in data["wheels"]) == [
        "budgetlint",
        "opencc_python_reimplemented",
    ]
    got = {ex["name"]: ex for ex in data["examples"]}
    assert list(got) == [p.name for p in EXAMPLES]
    for name, findings in expected.items():
        assert got[name]["forms"] > 0, name
        assert findings, name  # every example has something to find
        assert got[name]["findings"] == findings, name
    print(
        f"pyodide {PYODIDE_VERSION}: {len(EXAMPLES)} examples, "
        f"{sum(map(len, expected.values()))} findings equal; node run {elapsed:.1f} s "
        f"(load {data['load_seconds']:.1f} s, check {data['check_seconds']:.1f} s)"
    )
