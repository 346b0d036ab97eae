"""Run the chapters as a reader without TensorFlow, Keras and PyTorch would: the NumPy-only path.

    python tools/numpy_only.py                           # every chapter, two at a time
    python tools/numpy_only.py book/02_momentum.ipynb    # one chapter (use it while converting one)
    python tools/numpy_only.py --no-cache --jobs 1 --json report.json

Each chapter runs top to bottom with nbclient in a kernel where ``torch``, ``tensorflow``, ``keras`` and
``jax`` cannot be imported (a ``sitecustomize.py`` on the kernel's PYTHONPATH puts a finder first on
``sys.meta_path`` that raises ``ModuleNotFoundError`` for them; a probe cell checks it in the kernel).
Nothing is written back to the notebooks. A chapter passes when

- every framework cell (first line ``# needs: ...``, see ``momentum_lab/frameworks.py``) printed exactly
  its one line and nothing else;
- every other cell ran without an error and printed what it prints with the frameworks (its stored
  stdout and text results, through the sanitizers of ``.nbval-sanitize.cfg``), so no unmarked cell leans
  on a framework cell; the cells tagged ``raises-exception`` must raise the error their stored output
  shows. So every exercise cell ran (an exercise that is itself a marked framework cell is counted apart).

The report gives, per chapter, the code cells that ran and those skipped, and for a failing chapter each
failing cell with its error and, where it can tell, why (an unmarked framework import, a name that only a
framework cell defines, an imports cell that does not enable the markers).

A passing chapter's result is cached in ``_build/numpy_only/`` under a hash of the notebook, of every
file in ``momentum_lab/``, of this script and of the requirements files, so a second run on unchanged
sources executes nothing. ``tests/test_numpy_only.py`` runs this script.
"""

import argparse
import ast
import hashlib
import json
import os
import pathlib
import re
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

ROOT = pathlib.Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / "numpy_only"
BLOCKED = ("torch", "tensorflow", "keras", "jax")
ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0"}
KEY_FILES = ("requirements.txt", "requirements-numpy.txt")

SITECUSTOMIZE = textwrap.dedent(f'''\
    """Made by tools/numpy_only.py: the comparison frameworks cannot be imported in this interpreter."""
    import sys

    _BLOCKED = {BLOCKED!r}


    class _NoFrameworks:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in _BLOCKED:
                raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
            return None


    sys.meta_path.insert(0, _NoFrameworks())
    ''')

PROBE = textwrap.dedent(f"""\
    import importlib
    for _name in {BLOCKED!r}:
        try:
            importlib.import_module(_name)
        except ModuleNotFoundError:
            print(_name, "blocked")
        else:
            print(_name, "IMPORTED")
    del _name
    """)


def chapter_notebooks():
    return sorted(ROOT.glob("book/[0-9][0-9]_*.ipynb"))


# --- the cache ------------------------------------------------------------------------------------------


def _library_digest():
    digest = hashlib.sha256()
    for path in sorted((ROOT / "momentum_lab").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in KEY_FILES:
        if (ROOT / name).is_file():
            digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    digest.update(pathlib.Path(__file__).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def cache_key(path, library_digest):
    return hashlib.sha256(pathlib.Path(path).read_bytes() + library_digest.encode()).hexdigest()


def _cache_file(path):
    return CACHE / (pathlib.Path(path).stem + ".json")


def cached_result(path, key):
    try:
        stored = json.loads(_cache_file(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored["result"] if stored.get("key") == key else None


def store_result(path, key, result):
    CACHE.mkdir(parents=True, exist_ok=True)
    _cache_file(path).write_text(json.dumps({"key": key, "result": result}, indent=1), encoding="utf-8")


# --- running and judging one chapter --------------------------------------------------------------------


def _first_line(source):
    line = next((line for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= 70 else line[:67] + "..."


def _assigned_names(source):
    """Names a cell binds at top level (assignments, defs, imports, for/with targets)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _sanitizers():
    """The (regex, replacement) pairs of .nbval-sanitize.cfg, which strict nbval applies too."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / ".nbval-sanitize.cfg", encoding="utf-8")
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def shown_text(outputs, sanitizers=()):
    """What strict nbval compares of a cell's outputs, roughly: stdout and the text of its results."""
    parts = []
    for o in outputs:
        if o.output_type == "stream" and o.name == "stdout":
            parts.append(o.text)
        elif o.output_type == "execute_result" and "application/vnd.jupyter.widget-view+json" not in o.data:
            parts.append(o.data.get("text/plain", "") + "\n")
    text = "".join(parts)
    for regex, replacement in sanitizers:
        text = regex.sub(replacement, text)
    return text


def judge(original, executed, frameworks):
    """Compare a chapter's NumPy-only run (``executed``) with what it should show; return the result dict.

    ``original`` is the notebook as committed (its stored errors are what ``raises-exception`` cells must
    raise again), ``frameworks`` the ``momentum_lab.frameworks`` module.
    """
    result = {
        "cells": 0,
        "ran": 0,
        "skipped": 0,
        "exercises": 0,
        "exercises_ran": 0,
        "exercises_marked": [],
        "failures": [],
        "hints": [],
    }
    sanitizers = _sanitizers()
    enabled_at = None
    marked_at = {}  # cell index -> names it binds (for NameError hints)
    failed_at = {}  # the same for unmarked cells that failed
    for index, (cell, done) in enumerate(zip(original.cells, executed.cells)):
        if cell.cell_type != "code":
            continue
        result["cells"] += 1
        tags = set(cell.get("metadata", {}).get("tags", []))
        source = cell.source
        if enabled_at is None and "enable_framework_cells(" in source:
            enabled_at = index
        where = f"cell {index} (`{_first_line(source)}`)"
        outputs = [o for o in done.get("outputs", []) if not (o.output_type == "stream" and o.name == "stderr")]
        errors = [o for o in outputs if o.output_type == "error"]
        try:
            names = frameworks.marked_frameworks(source)
        except ValueError as exc:
            result["failures"].append(f"{where}: {exc}")
            continue
        exercise = "exercise" in tags
        result["exercises"] += exercise
        if names is not None:
            marked_at[index] = _assigned_names(source)
            expected = frameworks.message(*names) + "\n"
            shown = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
            others = [o for o in outputs if o.output_type != "stream"]
            if not others and shown == expected:  # one print, though the kernel may send it in pieces
                result["skipped"] += 1
                if exercise:
                    result["exercises_marked"].append(index)
                continue
            if errors:
                got = f"raised {errors[0].ename}: {errors[0].evalue.splitlines()[0] if errors[0].evalue else ''}"
            else:
                got = f"showed {shown!r}" + (f" and {others[0].output_type} output" if others else "")
            result["failures"].append(
                f"{where} is marked `# needs: {', '.join(names)}` but {got} instead of printing {expected.strip()!r}"
            )
            if enabled_at is None:
                result["hints"].append(
                    "the imports cell (the second code cell) must call "
                    "momentum_lab.frameworks.enable_framework_cells() before any marked "
                    "cell runs"
                )
            continue
        if "raises-exception" in tags:
            stored = [o.ename for o in cell.get("outputs", []) if o.output_type == "error"]
            got = [o.ename for o in errors]
            if got[:1] != stored[:1] or not got:
                result["failures"].append(
                    f"{where} is tagged raises-exception and its stored output raises "
                    f"{stored[0] if stored else 'nothing'}; without the frameworks "
                    f"it raised {got[0] if got else 'nothing'}"
                )
                continue
            result["ran"] += 1
            result["exercises_ran"] += exercise
            continue
        if errors:
            error = errors[0]
            detail = (error.evalue or "").splitlines()[0] if error.evalue else ""
            why = ""
            named = set(re.findall(r"\b(\w+)\b", detail))
            if error.ename in ("ModuleNotFoundError", "ImportError") and named & set(BLOCKED):
                why = (
                    " — a framework import in an unmarked cell: move it into the cells that use it and "
                    "mark them `# needs: ...` (or split the cell)"
                )
            name = re.match(r"name '(\w+)' is not defined", detail)
            if error.ename == "NameError" and name:
                defined = [k for k, bound in marked_at.items() if name[1] in bound]
                broken = [k for k, bound in failed_at.items() if name[1] in bound]
                if broken and (not defined or broken[-1] > defined[-1]):
                    why = f" — `{name[1]}` comes from cell {broken[-1]}, which failed (see there)"
                elif defined:
                    why = (
                        f" — `{name[1]}` is defined only by the framework cell {defined[-1]}: compute it in "
                        "an unmarked cell (split that cell) or mark this one"
                    )
            failed_at[index] = _assigned_names(source)
            result["failures"].append(f"{where}{' [exercise]' if exercise else ''} raised {error.ename}: {detail}{why}")
            continue
        stored, got = shown_text(cell.get("outputs", []), sanitizers), shown_text(outputs, sanitizers)
        if got != stored:
            got_lines, stored_lines = got.splitlines(), stored.splitlines()
            line = next(
                k
                for k in range(max(len(got_lines), len(stored_lines)) + 1)
                if k >= min(len(got_lines), len(stored_lines)) or got_lines[k] != stored_lines[k]
            )
            got_at, stored_at = (
                repr(lines[line]) if line < len(lines) else "nothing" for lines in (got_lines, stored_lines)
            )
            result["failures"].append(
                f"{where} printed other text than with the frameworks (its stored output): "
                f"line {line + 1} is {got_at} instead of {stored_at} — does "
                "it use something a framework cell computed?"
            )
            continue
        result["ran"] += 1
        result["exercises_ran"] += exercise
    result["hints"] = sorted(set(result["hints"]))
    return result


def run_chapter(path, timeout=900):
    """Execute one chapter without the frameworks and judge it; returns the result dict (with seconds)."""
    import nbformat
    from nbclient import NotebookClient

    sys.path.insert(0, str(ROOT))
    from momentum_lab import frameworks

    path = pathlib.Path(path)
    original = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    with tempfile.TemporaryDirectory(prefix="numpy-only-") as site:
        pathlib.Path(site, "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        env = {**os.environ, **ENV}
        env["PYTHONPATH"] = os.pathsep.join([site] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.perf_counter()
        try:
            client.execute(env=env)
            crashed = None
        except Exception as exc:  # a dead kernel or a timeout: report it as the chapter's failure
            crashed = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        seconds = time.perf_counter() - start
    probe = "".join(o.get("text", "") for o in nb.cells[0].get("outputs", []) if o.output_type == "stream")
    nb.cells.pop(0)
    result = judge(original, nb, frameworks)
    blocked = sorted(set(re.findall(r"^(\w+) blocked$", probe, flags=re.M)))
    if blocked != sorted(BLOCKED):
        result["failures"].insert(
            0, f"the frameworks were not made unimportable in the kernel: the probe printed {probe!r}"
        )
    if crashed:
        result["failures"].insert(0, f"the run stopped: {crashed}")
    result.update(chapter=path.name, seconds=round(seconds, 1), cached=False, passed=not result["failures"])
    return result


# --- the whole run ---------------------------------------------------------------------------------------


def run(paths, jobs=2, use_cache=True, timeout=900):
    """Results for ``paths`` (cached where possible), in the order given."""
    digest = _library_digest()
    keys = {path: cache_key(path, digest) for path in paths}
    results = {}
    if use_cache:
        for path in paths:
            found = cached_result(path, keys[path])
            if found is not None:
                results[path] = {**found, "cached": True}
    todo = [path for path in paths if path not in results]

    def expected_seconds(path):  # longest first, from the last cached run if there is one
        try:
            return json.loads(_cache_file(path).read_text(encoding="utf-8"))["result"]["seconds"]
        except (OSError, ValueError, KeyError):
            return path.stat().st_size / 1e5

    todo.sort(key=expected_seconds, reverse=True)
    if todo:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))), mp_context=get_context("spawn")) as pool:
            for path, result in zip(todo, pool.map(run_chapter, todo, [timeout] * len(todo))):
                results[path] = result
                if result["passed"]:
                    store_result(path, keys[path], result)
    return [results[path] for path in paths]


def report(results, seconds=None):
    lines = [f"{'chapter':34s} {'code cells':>10s} {'ran':>5s} {'skipped':>8s} {'exercises ran':>14s} {'time':>8s}"]
    for r in results:
        exercises = f"{r['exercises_ran']}/{r['exercises']}"
        time_text = "cached" if r.get("cached") else f"{r['seconds']:.0f} s"
        status = "" if r["passed"] else f"   FAILED ({len(r['failures'])} cells)"
        lines.append(
            f"{r['chapter']:34s} {r['cells']:10d} {r['ran']:5d} {r['skipped']:8d} {exercises:>14s} "
            f"{time_text:>8s}{status}"
        )
        if r["exercises_marked"]:
            lines.append(f"    exercise cells that are framework cells: {r['exercises_marked']}")
    for r in results:
        if r["failures"]:
            lines.append(f"\n{r['chapter']} fails without the frameworks:")
            lines += [f"  - {failure}" for failure in r["failures"]]
            lines += [f"  hint: {hint}" for hint in r["hints"]]
    if seconds is not None:
        lines.append(
            f"\n{len(results)} chapters in {seconds:.0f} s "
            f"({sum(bool(r.get('cached')) for r in results)} from the cache in {CACHE.relative_to(ROOT)})"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="chapters to run (default: every book/NN_*.ipynb)")
    parser.add_argument("--jobs", type=int, default=2, help="chapters run at once (default 2)")
    parser.add_argument("--no-cache", action="store_true", help="run every chapter even if its result is cached")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    paths = [pathlib.Path(p).resolve() for p in args.notebooks] or chapter_notebooks()
    start = time.perf_counter()
    results = run(paths, jobs=args.jobs, use_cache=not args.no_cache, timeout=args.timeout)
    print(report(results, time.perf_counter() - start), flush=True)
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if all(r["passed"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
