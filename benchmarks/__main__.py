"""Run every benchmark in one process and print one table (also written to benchmarks/results/).

    python -m benchmarks            # everything
    python -m benchmarks --quick    # smaller sizes, for a smoke test
    python -m benchmarks optim      # only benchmarks/bench_optim.py
"""

import argparse
import importlib
import json
import os
import pathlib
import platform
import sys
import time
from dataclasses import asdict

HERE = pathlib.Path(__file__).resolve().parent


def machine():
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "platform": platform.platform(), "load": load,
            "date": time.strftime("%Y-%m-%d")}


def fmt_seconds(s):
    if s is None:
        return ""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s:.3g} s"


def table(rows):
    """One Markdown table per group: benchmark, ours, reference (name: time), ratio, goal and verdict."""
    out = []
    for group in dict.fromkeys(r.group for r in rows):
        out += [f"### {group}", "", "| benchmark | ours | reference | ratio | goal |", "|---|---|---|---|---|"]
        for r in (r for r in rows if r.group == group):
            ours = fmt_seconds(r.ours_s) if r.value is None else f"{r.value:.4g} {r.unit}"
            reference = r.reference
            if r.reference_s is not None:
                reference = f"{reference}: {fmt_seconds(r.reference_s)}" if reference else fmt_seconds(r.reference_s)
            ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
            verdict = "" if r.met is None else (" ✓" if r.met else " ✗ not met")
            out.append(f"| {r.name} | {ours} | {reference} | {ratio} | {r.goal}{verdict} |")
        out.append("")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="names of bench_*.py modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    names = args.only or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    rows = []
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(quick=args.quick))
    info = machine()
    text = table(rows)
    header = (f"Measured on {info['date']}: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
              f"NumPy {info['numpy']}, load average {info['load']} at the start.")
    print(header)
    print(text)
    if not args.quick and not args.only:
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.md").write_text(f"{header}\n\n{text}")
        (out / "latest.json").write_text(json.dumps(
            {"machine": info, "rows": [asdict(r) | {"ratio": r.ratio} for r in rows]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
