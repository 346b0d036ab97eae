"""momentum_lab.frameworks: marked framework cells print one line instead of failing when a framework is
missing, and run unchanged when it is there.

Availability is faked by filling the module's cache, so these tests import no framework. The last test
runs real cells through a real IPython shell in a subprocess where ``torch`` cannot be imported.
"""

import subprocess
import sys
import textwrap

import pytest

from momentum_lab import frameworks

TF_LINE = "TensorFlow is not installed: this cell compares with Keras; install momentum-lab-course[tf] to run it"
TORCH_LINE = "PyTorch is not installed: this cell compares with PyTorch; install momentum-lab-course[torch] to run it"
BOTH_LINE = (
    "TensorFlow and PyTorch are not installed: this cell compares with Keras and PyTorch; "
    "install momentum-lab-course[tf,torch] to run it"
)


@pytest.fixture
def installed(monkeypatch):
    """Set which frameworks 'import': ``installed(tensorflow=True, torch=False)``."""
    cache = {}
    monkeypatch.setattr(frameworks, "_available", cache)

    def set_installed(tensorflow, torch):
        cache.update({"tensorflow": tensorflow, "keras": tensorflow, "torch": torch})

    return set_installed


def lines(text):
    return text.splitlines(keepends=True)


def run(cell):
    return "".join(frameworks.framework_cell_transformer(lines(cell)))


@pytest.mark.parametrize(
    "names, line",
    [
        (("tensorflow",), TF_LINE),
        (("keras",), TF_LINE),
        (("tensorflow", "keras"), TF_LINE),
        (("torch",), TORCH_LINE),
        (("tensorflow", "torch"), BOTH_LINE),
        (("torch", "keras"), BOTH_LINE),
    ],
)
def test_message(names, line):
    assert frameworks.message(*names) == line


TORCH_CELL = "# needs: torch\nimport torch\n\nprint(torch.ones(2).sum())\n"
BOTH_CELL = "# needs: tensorflow, torch\nimport torch\nimport tensorflow as tf\nprint(1)\n"
PLAIN_CELL = "x = 1\nprint(x)  # needs: torch, but only in a comment further down\n"


@pytest.mark.parametrize(
    "tensorflow, torch, cell, expected",
    [
        (False, False, TORCH_CELL, f"print({TORCH_LINE!r})\n"),
        (True, False, TORCH_CELL, f"print({TORCH_LINE!r})\n"),
        (False, True, TORCH_CELL, TORCH_CELL),
        (False, False, BOTH_CELL, f"print({BOTH_LINE!r})\n"),
        (True, False, BOTH_CELL, f"print({TORCH_LINE!r})\n"),  # names only what is missing
        (False, True, BOTH_CELL, f"print({TF_LINE!r})\n"),
        (True, True, BOTH_CELL, BOTH_CELL),  # everything there: unchanged
        (False, False, PLAIN_CELL, PLAIN_CELL),  # not marked: never touched
        (False, False, "#needs:keras\nimport keras\n", f"print({TF_LINE!r})\n"),
        (False, False, "\n\n  # needs:  torch ,  keras \nimport torch\n", f"print({BOTH_LINE!r})\n"),
        (False, False, "import torch  # needs: torch\n", "import torch  # needs: torch\n"),  # not a marker line
        (False, False, "print(1)\n# needs: torch\n", "print(1)\n# needs: torch\n"),  # not the first line
    ],
)
def test_transformer(installed, tensorflow, torch, cell, expected):
    installed(tensorflow, torch)
    assert run(cell) == expected


def test_transformed_cell_prints_exactly_the_line(installed, capsys):
    installed(False, False)
    exec(compile(run(BOTH_CELL), "<cell>", "exec"), {})
    assert capsys.readouterr().out == BOTH_LINE + "\n"


@pytest.mark.parametrize(
    "cell, match",
    [
        ("# needs:\nx = 1\n", "at least one"),
        ("# needs: , \nx = 1\n", "at least one"),
        ("# needs: pytorch\nx = 1\n", "'pytorch'"),
        ("# needs: torch, jax\nx = 1\n", "'jax'"),
    ],
)
def test_bad_marker_is_an_error_naming_it(installed, cell, match):
    installed(False, False)
    with pytest.raises(ValueError, match=match):
        run(cell)


@pytest.mark.parametrize(
    "call",
    [
        lambda: frameworks.missing(),
        lambda: frameworks.message(),
        lambda: frameworks.available("tf"),
        lambda: frameworks.missing("torch", "mxnet"),
    ],
)
def test_bad_names_raise_value_error(call):
    with pytest.raises(ValueError, match="must"):
        call()


def test_non_string_name_raises_type_error():
    with pytest.raises(TypeError, match="got 3 of type int"):
        frameworks.available(3)


def test_missing_keeps_order_and_asks_once(installed, monkeypatch):
    installed(True, False)
    assert frameworks.missing("torch", "tensorflow", "keras") == ("torch",)
    assert frameworks.missing("tensorflow") == ()
    imported = []
    monkeypatch.setattr(frameworks.importlib, "import_module", lambda name: imported.append(name))
    frameworks._available.clear()
    assert frameworks.available("torch") and frameworks.available("torch")
    assert imported == ["torch"]  # tried once, then cached


def test_import_error_of_any_kind_means_missing(monkeypatch):
    monkeypatch.setattr(frameworks, "_available", {})

    def broken(name):
        raise ImportError(f"libtorch_cpu.so: cannot open shared object file ({name})")

    monkeypatch.setattr(frameworks.importlib, "import_module", broken)
    assert frameworks.available("torch") is False
    assert frameworks.missing("torch", "keras") == ("torch", "keras")


class FakeShell:
    def __init__(self):
        self.input_transformers_post = [str.upper]


def test_enable_registers_once_and_keeps_other_transformers():
    shell = FakeShell()
    assert frameworks.enable_framework_cells(shell) is None
    frameworks.enable_framework_cells(shell)  # the imports cell run twice
    assert shell.input_transformers_post == [str.upper, frameworks.framework_cell_transformer]


def test_enable_outside_ipython_does_nothing():
    assert frameworks.enable_framework_cells() is None


REAL_SHELL = textwrap.dedent("""
    import sys

    class NoTorch:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] == "torch":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, NoTorch())
    from IPython.core.interactiveshell import InteractiveShell
    from momentum_lab import frameworks

    shell = InteractiveShell.instance()
    shell.run_cell("from momentum_lab import frameworks\\nframeworks.enable_framework_cells()")
    frameworks._available["tensorflow"] = frameworks._available["keras"] = True   # pretend, imports nothing
    shell.run_cell("# needs: torch\\nimport torch\\nprint('ran with torch')")
    shell.run_cell("# needs: tensorflow\\nprint('ran with tensorflow')")
    result = shell.run_cell("import torch")
    print("unmarked import fails:", type(result.error_in_exec).__name__)
""")


def test_in_a_real_ipython_shell_without_torch():
    done = subprocess.run([sys.executable, "-c", REAL_SHELL], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = [line for line in done.stdout.splitlines() if not line.startswith(("Traceback", "---", "Cell", "File"))]
    assert TORCH_LINE in printed
    assert "ran with tensorflow" in printed and "ran with torch" not in printed
    assert "unmarked import fails: ModuleNotFoundError" in printed
