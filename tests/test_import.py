"""`import momentum_lab` loads NumPy only: frameworks, plotting and widgets load where they are used."""

import subprocess
import sys

HEAVY = ("tensorflow", "torch", "keras", "matplotlib", "ipywidgets", "jax", "scipy")

PROBE = """
import sys
import {modules}
heavy = {heavy!r}
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


def loaded_heavy_modules(*modules):
    code = PROBE.format(modules=", ".join(modules), heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_import_momentum_lab_imports_numpy_only():
    assert loaded_heavy_modules("momentum_lab") == []


def test_numpy_only_submodules_stay_light():
    # Every submodule that a from-scratch chapter uses, plus the lazily loaded framework packages.
    import pkgutil

    import momentum_lab

    names = ["momentum_lab.tf", "momentum_lab.torch"]
    for info in pkgutil.walk_packages(momentum_lab.__path__, "momentum_lab."):
        top = info.name.split(".")[1]
        if top in {"tf", "torch", "widgets", "plotting"}:
            continue
        names.append(info.name)
    assert loaded_heavy_modules(*names) == [], names


def test_submodules_are_reachable_as_attributes():
    import momentum_lab

    assert momentum_lab.landscapes.Rosenbrock().value([1.0, 1.0]) == 0.0
    assert "landscapes" in dir(momentum_lab)
