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
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "platform": platform.platform()}


def fmt_seconds(s):
    if s is None:
        return ""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s:.3g} s"


def table(rows):
    header = ("group", "benchmark", "ours", "reference", "reference time", "ratio", "goal", "met")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        ours = fmt_seconds(r.ours_s) if r.value is None else f"{r.value:.4g} {r.unit}"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        met = "" if r.met is None else ("yes" if r.met else "no")
        lines.append(f"| {r.group} | {r.name} | {ours} | {r.reference} | {fmt_seconds(r.reference_s)} "
                     f"| {ratio} | {r.goal} | {met} |")
    return "\n".join(lines)


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
    print(f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, NumPy {info['numpy']}")
    print(text)
    if not args.quick and not args.only:
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.md").write_text(
            f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
            f"NumPy {info['numpy']}\n\n{text}\n")
        (out / "latest.json").write_text(json.dumps(
            {"machine": info, "rows": [asdict(r) | {"ratio": r.ratio} for r in rows]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
