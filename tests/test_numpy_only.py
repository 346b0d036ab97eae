"""The NumPy-only path: every chapter runs top to bottom with TensorFlow, Keras, PyTorch and JAX unimportable.

``tools/numpy_only.py`` does the work (run it directly to check one chapter while converting it): each
chapter in a kernel whose ``sitecustomize`` blocks the frameworks, two chapters at a time, a passing
chapter's result cached in ``_build/numpy_only/`` under a hash of the notebook and of ``momentum_lab/``.
The first tests check its judgement on small hand-made notebooks (no kernel); the last one runs it on
every chapter. Framework cells must print exactly their one line (``momentum_lab.frameworks``), every other
cell must run and print what it prints with the frameworks (its stored output), and cells tagged
``raises-exception`` must raise the error they raise now.
"""

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from momentum_lab import frameworks

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "numpy_only.py"
CHAPTERS = sorted(ROOT.glob("book/[0-9][0-9]_*.ipynb"))

_spec = importlib.util.spec_from_file_location("numpy_only", TOOL)
numpy_only = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(numpy_only)


def code(source, *tags, text=None, error=None):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})
    if text is not None:
        cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=text))
    if error is not None:
        cell.outputs.append(nbformat.v4.new_output("error", ename=error[0], evalue=error[1], traceback=[]))
    return cell


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code("# setup"),
        code("from momentum_lab import frameworks\nframeworks.enable_framework_cells()"),
        *cells,
    ]
    return nb


TORCH = frameworks.message("torch") + "\n"


def judged(stored_cells, run_cells):
    return numpy_only.judge(notebook(*stored_cells), notebook(*run_cells), frameworks)


def test_a_converted_chapter_passes_and_is_counted():
    stored = [
        code("x = 2\nprint(x)", text="2\n"),
        code("# needs: torch\nimport torch\nprint(torch.tensor(x))", text="tensor(2)\n"),
        code("raise ValueError('shown failing')", "raises-exception", error=("ValueError", "shown failing")),
        code("check(x)", "exercise", text="✅ right\n"),
    ]
    run = [
        code("x = 2\nprint(x)", text="2\n"),
        code(stored[1].source, text=TORCH),
        code(stored[2].source, "raises-exception", error=("ValueError", "shown failing")),
        code("check(x)", "exercise", text="✅ right\n"),
    ]
    result = judged(stored, run)
    assert result["failures"] == []
    assert (result["cells"], result["ran"], result["skipped"]) == (6, 5, 1)
    assert (result["exercises"], result["exercises_ran"]) == (1, 1)


@pytest.mark.parametrize(
    "stored, run, complaint",
    [
        (
            [code("import torch\nprint(1)", text="1\n")],
            [code("import torch\nprint(1)", error=("ModuleNotFoundError", "No module named 'torch'"))],
            r"cell 2 \(`import torch`\) raised ModuleNotFoundError: No module named 'torch' — a framework import",
        ),
        (
            [code("# needs: torch\nimport torch\nt = 1", text=""), code("print(t)", text="1\n")],
            [
                code("# needs: torch\nimport torch\nt = 1", text=TORCH),
                code("print(t)", error=("NameError", "name 't' is not defined")),
            ],
            r"cell 3 .* NameError: name 't' is not defined — `t` is defined only by the framework cell 2",
        ),
        (
            [code("# needs: torch\nimport torch", text="")],
            [code("# needs: torch\nimport torch", error=("ModuleNotFoundError", "No module named 'torch'"))],
            r"is marked `# needs: torch` but raised ModuleNotFoundError",
        ),
        (
            [code("# needs: torch\nx = 1", text="")],
            [code("# needs: torch\nx = 1", text="something else\n")],
            r"is marked `# needs: torch` but showed 'something else\\n'",
        ),
        (
            [code("oops()", "raises-exception", error=("TypeError", "no"))],
            [code("oops()", "raises-exception", error=("NameError", "name 'oops' is not defined"))],
            r"tagged raises-exception and its stored output raises TypeError; "
            r"without the frameworks it raised NameError",
        ),
        (
            [code("print(k)", "exercise", text="3\n")],
            [code("print(k)", "exercise", text="4\n")],
            r"printed other text than with the frameworks .* line 1 is '4' instead of '3'",
        ),
        ([code("# needs: pytorch\nx = 1")], [code("# needs: pytorch\nx = 1")], r"'pytorch'"),
    ],
)
def test_each_kind_of_failure_is_named(stored, run, complaint):
    result = judged(stored, run)
    assert len(result["failures"]) == 1, result["failures"]
    assert re.search(complaint, result["failures"][0]), result["failures"][0]


def test_a_chapter_that_does_not_enable_the_markers_gets_the_hint():
    stored = notebook(code("# needs: torch\nimport torch", text=""))
    stored.cells[1].source = "import numpy as np"
    run = notebook(code("# needs: torch\nimport torch", error=("ModuleNotFoundError", "No module named 'torch'")))
    run.cells[1].source = "import numpy as np"
    result = numpy_only.judge(stored, run, frameworks)
    assert any("enable_framework_cells()" in hint for hint in result["hints"])


def test_stored_output_is_compared_through_the_nbval_sanitizers():
    stored = [code("print(object())", text="<object object at 0x7f3a2b1c0d90>\n")]
    run = [code("print(object())", text="<object object at 0x55d4e3f2a1b0>\n")]
    assert judged(stored, run)["failures"] == []


def test_the_kernel_site_really_blocks_the_frameworks(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(numpy_only.SITECUSTOMIZE)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    probe = subprocess.run(
        [sys.executable, "-c", numpy_only.PROBE + "import numpy, momentum_lab; print('numpy ok')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.split("\n") == [f"{name} blocked" for name in numpy_only.BLOCKED] + ["numpy ok", ""]


def requirement_lines(name):
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_light_requirements_are_the_full_ones_without_the_frameworks():
    package = lambda line: re.split(r"[=<>!~\[; ]", line, maxsplit=1)[0].lower()
    full, light = requirement_lines("requirements.txt"), requirement_lines("requirements-numpy.txt")
    heavy = {"torch", "tensorflow", "keras", "jax", "jaxlib"}
    assert not [line for line in light if package(line) in heavy]
    assert [line for line in full if package(line) not in heavy and line not in light] == []
    assert "jupyterlab" in {package(line) for line in light}


def test_every_chapter_runs_without_the_frameworks(tmp_path):
    """Runs ``tools/numpy_only.py`` over every chapter; its table is printed (see it with ``pytest -s``)."""
    report = tmp_path / "numpy_only.json"
    done = subprocess.run(
        [sys.executable, str(TOOL), "--jobs", "2", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=3600,
        cwd=ROOT,
    )
    print(done.stdout)
    assert report.is_file(), done.stdout + done.stderr
    results = json.loads(report.read_text(encoding="utf-8"))
    assert [r["chapter"] for r in results] == [p.name for p in CHAPTERS]
    failing = [r["chapter"] for r in results if not r["passed"]]
    assert not failing, (
        f"{len(failing)} chapters fail without TensorFlow and PyTorch: {', '.join(failing)}\n" + done.stdout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for r in results:
        assert r["ran"] + r["skipped"] == r["cells"], r
        assert r["exercises_ran"] + len(r["exercises_marked"]) == r["exercises"] >= 1, r


def test_a_message_sent_in_pieces_still_counts():
    cell = code("# needs: torch\nimport torch", text=TORCH[:20])
    cell.outputs.append(nbformat.v4.new_output("stream", name="stdout", text=TORCH[20:]))
    result = judged([code("# needs: torch\nimport torch", text="")], [cell])
    assert result["failures"] == [] and result["skipped"] == 1


def test_names_missing_because_an_earlier_cell_failed_point_to_it():
    stored = [code("import torch\nimport numpy as np"), code("print(np.pi > 3)", text="True\n")]
    run = [
        code(stored[0].source, error=("ModuleNotFoundError", "No module named 'torch'")),
        code(stored[1].source, error=("NameError", "name 'np' is not defined")),
    ]
    first, second = judged(stored, run)["failures"]
    assert "a framework import in an unmarked cell" in first
    assert second.endswith("`np` comes from cell 2, which failed (see there)")
