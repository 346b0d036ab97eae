"""Each chapter notebook's kernel: peak memory and execution time, and the total for all of them.

Every notebook runs in a fresh child process (which starts its own kernel), so the child's
``RUSAGE_CHILDREN`` peak resident size is the kernel's. Goal: every kernel under 1.5 GB, so the course
runs on the free tiers of Colab and Binder.
"""

import json
import pathlib
import subprocess
import sys

from benchmarks._harness import Row

ROOT = pathlib.Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=1800, kernel_name="python3",
               resources={"metadata": {"path": os.path.dirname(path)}}).execute()
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kib / 1024}))
"""


def run(quick=False):
    notebooks = sorted(p for p in (ROOT / "book").glob("*.ipynb"))
    if quick:
        notebooks = notebooks[:1]
    rows, total = [], 0.0
    env_note = "TF_CPP_MIN_LOG_LEVEL=3"
    for nb in notebooks:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(nb)],
            capture_output=True,
            text=True,
            check=True,
            env={**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        total += result["seconds"]
        rows.append(
            Row(
                "notebooks",
                f"{nb.stem}: kernel peak memory",
                None,
                value=result["peak_mb"],
                unit="MB",
                goal="< 1500 MB",
                met=result["peak_mb"] < 1500,
                extra={"seconds": result["seconds"], "env": env_note},
            )
        )
        rows.append(Row("notebooks", f"{nb.stem}: execution time", result["seconds"]))
    rows.append(Row("notebooks", f"all {len(notebooks)} notebooks: total execution time", total))
    return rows
