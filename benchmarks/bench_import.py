"""How long ``import momentum_lab`` takes in a fresh interpreter (and what it loads)."""

import statistics
import subprocess
import sys

from benchmarks._harness import Row

PROBE = (
    "import time, sys; t = time.perf_counter(); import momentum_lab; print(time.perf_counter() - t, len(sys.modules))"
)


FULL = (
    "import momentum_lab.landscapes, momentum_lab.optim, momentum_lab.theory, momentum_lab.curvature, "
    "momentum_lab.models, momentum_lab.autodiff, momentum_lab.losses, momentum_lab.check"
)


def run(quick=False):
    times = []
    for _ in range(3 if quick else 9):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
        seconds, _modules = out.stdout.split()
        times.append(float(seconds))
    baseline = []
    for _ in range(3 if quick else 9):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.replace("momentum_lab", "numpy")], capture_output=True, text=True, check=True
        )
        baseline.append(float(out.stdout.split()[0]))
    full = []
    for _ in range(3 if quick else 9):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.replace("import momentum_lab", FULL)],
            capture_output=True,
            text=True,
            check=True,
        )
        full.append(float(out.stdout.split()[0]))
    ours, numpy_time = statistics.median(times), statistics.median(baseline)
    everything = statistics.median(full)
    return [
        Row(
            "import",
            "import momentum_lab (lazy: loads no submodule)",
            ours,
            "import numpy",
            numpy_time,
            goal="< 0.5 s",
            met=ours < 0.5,
        ),
        Row(
            "import",
            "import momentum_lab and every NumPy-only submodule",
            everything,
            "import numpy",
            numpy_time,
            goal="< 0.5 s",
            met=everything < 0.5,
        ),
    ]
