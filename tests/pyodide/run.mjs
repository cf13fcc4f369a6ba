// The budgetlint core under Pyodide in Node, offline: install the wheels from local files,
// rebuild each grid from JSON, check it (recompute off) and write the findings as JSON.
//
//   node tests/pyodide/run.mjs PYODIDE_DIR WHEELS_DIR GRIDS.json FINDINGS.json
//
// PYODIDE_DIR is node_modules/pyodide of the pinned npm package; WHEELS_DIR holds
// budgetlint's and opencc-python-reimplemented's wheels (pure Python). GRIDS.json is
// {"examples": [{"name": ..., "grid": <budgetlint.gridjson document>}]}. Nothing is
// fetched: the wheels are unpacked into site-packages with the standard library's zipfile
// (no micropip, which is not in the npm package and would resolve dependencies online).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheelsDir, gridsPath, outPath] = process.argv.slice(2);
if (!outPath) {
  console.error("usage: run.mjs PYODIDE_DIR WHEELS_DIR GRIDS.json FINDINGS.json");
  process.exit(2);
}
const started = Date.now();
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });
const loaded = Date.now();

const wheels = readdirSync(wheelsDir).filter((f) => f.endsWith(".whl"));
pyodide.FS.mkdirTree("/wheels");
for (const w of wheels) {
  pyodide.FS.writeFile(`/wheels/${w}`, readFileSync(path.join(wheelsDir, w)));
}
pyodide.FS.writeFile("/grids.json", readFileSync(gridsPath));

const result = await pyodide.runPythonAsync(`
import importlib, json, os, site, sys, time, zipfile

target = site.getsitepackages()[0]
installed = []
for name in sorted(os.listdir("/wheels")):
    if name.endswith("-py3-none-any.whl") or name.endswith("-py2.py3-none-any.whl"):
        with zipfile.ZipFile("/wheels/" + name) as z:
            z.extractall(target)
        installed.append(name)
    else:
        raise SystemExit(f"not a pure-Python wheel: {name}")
importlib.invalidate_caches()
before = set(sys.modules)

import dataclasses
from budgetlint.checker import check_grid
from budgetlint.gridjson import finding_record, grid_from_dict
from budgetlint.settings import Settings
# What the Lite workbook imports (the scripts over the add-in's adapter, the UDFs).
import budgetlint.lite.scripts, budgetlint.udfs  # noqa: F401

settings = dataclasses.replace(Settings(), recompute=False)
with open("/grids.json", encoding="utf-8") as f:
    examples = json.load(f)["examples"]
out = {"platform": sys.platform, "python": sys.version.split()[0], "wheels": installed,
       "examples": []}
t0 = time.perf_counter()
for ex in examples:
    result = check_grid(grid_from_dict(ex["grid"]), settings)
    out["examples"].append({
        "name": ex["name"],
        "forms": sum(1 for s in result.sheets if s.status == "form"),
        "findings": [finding_record(f) for f in result.findings],
    })
out["check_seconds"] = round(time.perf_counter() - t0, 3)
# What the core imported: nothing compiled, no reader, no formula engine, no processes,
# threads' workers or sockets (Pyodide's own start-up imports socket for asyncio: hence the diff).
new = {m.split(".")[0] for m in set(sys.modules) - before}
out["modules"] = sorted(new & {"formulas", "numpy", "python_calamine", "openpyxl", "xlwings",
                               "multiprocessing", "concurrent", "socket", "subprocess"})
json.dumps(out, ensure_ascii=False)
`);
const data = JSON.parse(result);
data.load_seconds = (loaded - started) / 1000;
data.total_seconds = (Date.now() - started) / 1000;
writeFileSync(outPath, JSON.stringify(data));
console.log(
  `pyodide ${pyodide.version} (Python ${data.python}): ${data.examples.length} examples checked ` +
    `in ${data.check_seconds} s, load ${data.load_seconds} s, total ${data.total_seconds} s`,
);
