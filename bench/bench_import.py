"""Import cost of the lean core on a participant's kernel.

In fresh subprocesses (repeated, median), time ``import cityworkshop.content, cityworkshop.store``
(plus ``cityworkshop.analysis`` when that module exists), check that plotly and ipywidgets are NOT
loaded by it, and compare with baselines measured in the same run: ``python -c pass`` and
``python -c "import pandas"``. Target: the core import under 0.5 s. Writes the ``import-time``
section of BENCHMARKS.md.

    /work/venv/bin/python bench/bench_import.py [--repeat 7] [--no-write]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import command, machine, write_section  # noqa: E402

TARGET_S = 0.5
HEAVY = ("plotly", "ipywidgets", "IPython", "pandas", "matplotlib")
PROBE = """
import json, sys, time
t0 = time.perf_counter()
{imports}
dt = time.perf_counter() - t0
print(json.dumps({{"import_s": dt, "loaded": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def _once(imports: str) -> dict:
    code = PROBE.format(imports=imports or "pass", heavy=HEAVY)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["wall_s"] = wall
    return res


def measure(imports: str, repeat: int) -> dict:
    runs = [_once(imports) for _ in range(repeat)]
    return {"import_s": statistics.median(r["import_s"] for r in runs),
            "wall_s": statistics.median(r["wall_s"] for r in runs),
            "loaded": sorted({m for r in runs for m in r["loaded"]})}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args()

    has_analysis = importlib.util.find_spec("cityworkshop.analysis") is not None
    core = ["cityworkshop.content", "cityworkshop.store"] + (
        ["cityworkshop.analysis"] if has_analysis else [])
    note = ("`cityworkshop.analysis` included." if has_analysis else
            "`cityworkshop.analysis` does not exist yet: skipped.")
    _once("import cityworkshop")  # warm the file cache and .pyc files, not measured

    cases = {
        "python -c pass": "",
        "import pandas": "import pandas",
        "import " + ", ".join(core): "import " + ", ".join(core),
        "import cityworkshop.content, cityworkshop.store": (
            "import cityworkshop.content, cityworkshop.store"),
    }
    res = {name: measure(imports, args.repeat) for name, imports in cases.items()}
    core_name = "import " + ", ".join(core)
    c = res[core_name]
    bare, pandas = res["python -c pass"], res["import pandas"]
    heavy_loaded = [m for m in ("plotly", "ipywidgets") if m in c["loaded"]]

    lines = []
    for name, r in res.items():
        lines.append(f"| `{name}` | {r['import_s']:.3f} s | {r['wall_s']:.3f} s | "
                     f"{r['wall_s'] / pandas['wall_s']:.2f}x | "
                     f"{', '.join(r['loaded']) or 'none'} |")
    table = "\n".join(lines)
    finding = ("plotly and ipywidgets are NOT loaded by the core import"
               if not heavy_loaded else f"LOADED by the core import: {', '.join(heavy_loaded)}")
    verdict = "meets" if c["import_s"] < TARGET_S else "MISSES"
    print(table)
    print(finding)
    print(f"core import {c['import_s']:.3f} s (in-process, median of {args.repeat}): {verdict} the "
          f"{TARGET_S} s target; process wall {c['wall_s']:.3f} s = "
          f"{c['wall_s'] / pandas['wall_s']:.2f}x `import pandas`, "
          f"{c['wall_s'] / bare['wall_s']:.1f}x `python -c pass`")

    md = f"""## Import time of the core (participant kernel)

{machine()}

Command: `{command()}`

Each row: a fresh `python -c` subprocess, median of {args.repeat} runs (after one warm-up run).
"import" is the time of the import statement inside the process; "process wall" is the whole
subprocess (interpreter start included), compared with `import pandas` measured in the same run.
{note}

| what | import (in-process) | process wall | wall / `import pandas` | heavy modules loaded |
|---|---|---|---|---|
{table}

Finding: {finding}. The core import takes {c['import_s']:.3f} s: it {verdict} the target of
{TARGET_S} s. Process wall {c['wall_s']:.3f} s is {c['wall_s'] / pandas['wall_s']:.2f}x
`python -c "import pandas"` and {c['wall_s'] / bare['wall_s']:.1f}x `python -c pass`.
"""
    if not args.no_write:
        write_section("import-time", md)
        print("written to BENCHMARKS.md (section import-time)")
    assert not heavy_loaded, finding


if __name__ == "__main__":
    main()
