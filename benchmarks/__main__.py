"""Run every benchmark in one process and print one table (also written to benchmarks/results/).

python -m benchmarks            # everything
python -m benchmarks --quick    # smaller sizes, for a smoke test
python -m benchmarks optim      # only benchmarks/bench_optim.py
python -m benchmarks --render   # rewrite results/latest.md from results/latest.json, running nothing
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
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "load": load,
        "date": time.strftime("%Y-%m-%d"),
    }


def fmt_seconds(s):
    if s is None:
        return ""
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s:.3g} s"


def fmt_ratio(ratio):
    """A ratio with enough digits to mean something: 1.31×, 0.23×, 0.0096× (never 0.00×)."""
    if ratio is None:
        return ""
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"


def _verdict(row):
    return "" if row.met is None else (" ✓" if row.met else " ✗ not met")


def _measurements(rows):
    """Rows that time the same thing against several references, merged: [(first row, [references])].

    A reference named "fastest ..." repeats one of the others to state a goal against it; it becomes
    part of the goal, not a column of its own.
    """
    merged = {}
    for r in rows:
        key = (r.name, r.ours_s, r.value)
        merged.setdefault(key, (r, []))[1].append(r)
    return list(merged.values())


def _ours(r):
    return fmt_seconds(r.ours_s) if r.value is None else f"{r.value:.4g} {r.unit}"


def _goals(refs, name_reference=False):
    """The goals stated for a measurement, each with its verdict (and its reference, if asked)."""
    goals = []
    for r in refs:
        if not r.goal:
            continue
        against = r.reference.split(" (")[0] if r.reference else ""
        ratio = f"{fmt_ratio(r.ratio)} " if r.ratio is not None and against.startswith("fastest") else ""
        relative = "×" in r.goal and against and (name_reference or against.startswith("fastest"))
        goals.append(f"{ratio}{r.goal}{' vs ' + against if relative else ''}{_verdict(r)}".strip())
    return "; ".join(goals)


def table(rows):
    """Markdown tables, one line per measurement.

    A group whose measurements each have at most one reference is one table: benchmark, ours, reference,
    its time, ratio, goal. Measurements timed against several references get one column per reference
    ("time (ratio)"), in a table per set of references, so that no benchmark is repeated down the page.
    A ratio is ours / reference.
    """
    out = []
    for group in dict.fromkeys(r.group for r in rows):
        measures = _measurements([r for r in rows if r.group == group])
        columns_of = [
            [r.reference for r in refs if r.reference and not r.reference.startswith("fastest")] for _, refs in measures
        ]
        out += [f"### {group}", ""]
        subject_and_quantity = [m[0].name.rsplit(": ", 1) for m in measures]
        quantities = list(dict.fromkeys(q[1] for q in subject_and_quantity if len(q) == 2))
        if not any(columns_of) and all(len(q) == 2 for q in subject_and_quantity) and len(quantities) <= 3:
            # e.g. each notebook's peak memory and execution time: one line per notebook
            goal_of = {
                q: next((m[0].goal for m, (_, qq) in zip(measures, subject_and_quantity) if qq == q and m[0].goal), "")
                for q in quantities
            }
            out += [
                "| "
                + " | ".join(
                    [group.rstrip("s") or "item"]
                    + [f"{q} (goal {goal_of[q]})" if goal_of[q] else q for q in quantities]
                )
                + " |",
                "|---|" + "---|" * len(quantities),
            ]
            by_subject = {}
            for (first, _), (subject, quantity) in zip(measures, subject_and_quantity):
                by_subject.setdefault(subject, {})[quantity] = f"{_ours(first)}{_verdict(first)}"
            for subject, cells in by_subject.items():
                out.append(f"| {subject} | " + " | ".join(cells.get(q, "") for q in quantities) + " |")
            out.append("")
            continue
        if all(len(c) <= 1 for c in columns_of):
            lines = []
            for (first, refs), cols in zip(measures, columns_of):
                ref = next((r for r in refs if r.reference in cols), None)
                lines.append(
                    [
                        first.name,
                        _ours(first),
                        ref.reference if ref else "",
                        fmt_seconds(ref.reference_s) if ref else "",
                        fmt_ratio(ref.ratio) if ref else "",
                        _goals(refs),
                    ]
                )
            heads = ["benchmark", "ours", "reference", "its time", "ratio", "goal"]
            keep = [i for i in range(len(heads)) if i < 2 or any(line[i] for line in lines)]
            out += ["| " + " | ".join(heads[i] for i in keep) + " |", "|" + "---|" * len(keep)]
            out += ["| " + " | ".join(line[i] for i in keep) + " |" for line in lines]
            out.append("")
            continue
        # one table per run of measurements with the same references
        start = 0
        while start < len(measures):
            stop = start + 1
            while stop < len(measures) and columns_of[stop] == columns_of[start]:
                stop += 1
            cols = columns_of[start]
            out += ["| benchmark | ours | " + " | ".join(cols) + " | goal |", "|---|---|" + "---|" * len(cols) + "---|"]
            for first, refs in measures[start:stop]:
                by_ref = {r.reference: r for r in refs}
                cells = []
                for c in cols:
                    r = by_ref.get(c)
                    cells.append(
                        f"{fmt_seconds(r.reference_s)} ({fmt_ratio(r.ratio)})"
                        if r and r.ratio is not None
                        else (fmt_seconds(r.reference_s) if r else "")
                    )
                out.append(f"| {first.name} | {_ours(first)} | " + " | ".join(cells) + f" | {_goals(refs, True)} |")
            out.append("")
            start = stop
    return "\n".join(out)


def render(results):
    """The text of ``latest.md`` for the figures in ``results`` (the content of ``latest.json``)."""
    from types import SimpleNamespace

    info = results["machine"]
    rows = [SimpleNamespace(**row) for row in results["rows"]]
    header = (
        f"Measured on {info['date']}: {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"NumPy {info['numpy']}, load average {info['load']} at the start."
    )
    return f"{header}\n\n{table(rows)}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="names of bench_*.py modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite results/latest.md from results/latest.json (runs nothing)"
    )
    args = parser.parse_args(argv)
    if args.render:
        out = HERE / "results"
        (out / "latest.md").write_text(render(json.loads((out / "latest.json").read_text())))
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    names = args.only or sorted(p.stem[len("bench_") :] for p in HERE.glob("bench_*.py"))
    rows = []
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(module.run(quick=args.quick))
    results = {"machine": machine(), "rows": [asdict(r) | {"ratio": r.ratio} for r in rows]}
    text = render(results)
    print(text)
    if not args.quick and not args.only:
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        (out / "latest.md").write_text(text)
        (out / "latest.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
