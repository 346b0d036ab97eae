"""The wheel, built from a clean copy of the repository, installs with each extra and works.

What this proves, and what it does not:

* The wheel is built from ``git archive HEAD`` (what a fresh clone holds; uncommitted changes are not in
  it) with this environment's setuptools, and its contents and metadata are checked: the package and
  ``py.typed`` are in it, tests and chapters are not, the licence file, the extras, the URLs and
  ``requires-python`` are declared, and the version is the one CITATION.cff gives.
* For each extra, the wheel is installed with ``pip install --no-deps`` into a fresh virtual environment.
  The extra's dependencies are not downloaded: they are taken from the project's ``.venv``, but only
  those in the extra's dependency *closure* (the extra's requirements, then theirs, recursively, with
  markers evaluated), and only after checking that each installed version satisfies every specifier on
  the way. A finder appended to the fresh interpreter's ``sys.meta_path`` exposes exactly those
  distributions (their modules and their metadata) and nothing else of ``.venv``, so a dependency that
  an extra forgot to declare makes its smoke test fail with ``ModuleNotFoundError``, as it would after a
  real ``pip install "momentum-lab-course[extra]"``. What is not exercised is pip's resolver downloading
  those versions from the index.
* Each smoke test runs in the fresh interpreter: the NumPy core computes a gradient-descent run and names
  the ``[torch]`` extra when PyTorch is missing; ``[torch]`` steps ``HeavyBall`` against
  ``torch.optim.SGD``; ``[tf]`` steps the Keras ``HeavyBall`` against ``keras.optimizers.SGD``;
  ``[widgets]`` builds chapter 1's widget; ``[data]`` loads the digits; ``[book]`` imports Jupyter Book,
  JupyterLab and nbconvert; ``[test]`` imports pytest, nbval, hypothesis, ruff and mypy.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

requirements_module = pytest.importorskip("packaging.requirements")
utils = pytest.importorskip("packaging.utils")

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "momentum-lab-course"
EXTRAS = ("tf", "torch", "widgets", "data", "book", "test")


def _run(*args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built from ``git archive HEAD`` in a temporary folder."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to take a clean copy from")
    setuptools_version = metadata.version("setuptools")
    assert int(setuptools_version.split(".")[0]) >= 77, f"needs setuptools>=77; got {setuptools_version}"
    tmp = tmp_path_factory.mktemp("wheel")
    source, dist = tmp / "source", tmp / "dist"
    source.mkdir()
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        str(dist),
        str(source),
    )
    (built,) = dist.glob("*.whl")
    return built


def read_metadata(wheel):
    """The wheel's METADATA as an email.message.Message (the format importlib.metadata reads)."""
    import email

    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return email.message_from_bytes(archive.read(name))


def test_wheel_contents(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    version = read_metadata(wheel)["Version"]
    assert {name.split("/")[0] for name in names} == {"momentum_lab", f"momentum_lab_course-{version}.dist-info"}
    packages = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "momentum_lab").rglob("__init__.py")}
    assert packages <= {str(Path(n).parent) for n in names}, "a subpackage is missing from the wheel"
    assert "momentum_lab/py.typed" in names
    assert any(re.fullmatch(r"momentum_lab_course-[^/]+\.dist-info/licenses/LICENSE", n) for n in names)
    assert not any(n.endswith((".ipynb", "conftest.py")) or n.startswith(("tests/", "book/")) for n in names)


def test_wheel_metadata(wheel):
    meta = read_metadata(wheel)
    assert meta["Name"] == DISTRIBUTION
    assert meta["License-Expression"] == "MIT" and meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.11"
    assert set(meta.get_all("Provides-Extra")) == set(EXTRAS)
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(urls)
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Programming Language :: Python :: 3.11" in classifiers
    assert meta["Author"]
    # the extras pin the frameworks the course is tested against; an unpinned torch pulls GB of CUDA wheels
    requires = [requirements_module.Requirement(r) for r in meta.get_all("Requires-Dist")]
    (torch_requirement,) = [r for r in requires if r.name == "torch"]
    assert str(torch_requirement.specifier) == "==2.13.0"
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(r'^version: "([^"]+)"$', citation, re.M).group(1) == meta["Version"]


# ---------------------------------------------------------------------------------------------------------
# The dependency closure of an extra, taken from .venv


def _installed():
    """normalised name -> Distribution, for every distribution of this interpreter (the project's .venv)."""
    found = {}
    for dist in metadata.distributions():
        name = utils.canonicalize_name(dist.metadata["Name"])
        found.setdefault(name, dist)
    return found


def _top_level_names(dist):
    """The importable top-level names a distribution installs (from its RECORD, and top_level.txt if any)."""
    names = set((dist.read_text("top_level.txt") or "").split())
    for file in dist.files or ():
        first = file.parts[0]
        if first in {"..", "__pycache__"} or first.endswith((".dist-info", ".egg-info", ".data")):
            continue
        if len(file.parts) == 1:
            if not first.endswith((".py", ".so", ".pyd")):
                continue
            first = first.split(".")[0]
        names.add(first)
    return names


def closure(requirement, own_requires, installed):
    """What ``requirement`` needs, as ({normalised name: Distribution}, [unmet requirements]).

    ``own_requires`` are the wheel's Requires-Dist lines, followed for a self-reference such as
    ``momentum-lab-course[tf,torch]``; every other distribution's requirements come from ``installed``.
    """
    needed, problems = {}, []
    stack, seen = [requirement], set()
    while stack:
        requirement = requirements_module.Requirement(stack.pop())
        name = utils.canonicalize_name(requirement.name)
        key = (name, tuple(sorted(requirement.extras)))
        if key in seen:
            continue
        seen.add(key)
        if name == DISTRIBUTION:
            dist_requires = own_requires
        else:
            dist = installed.get(name)
            if dist is None:
                problems.append(f"{requirement} is not installed")
                continue
            version = dist.version
            if not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{requirement} is not satisfied by the installed {name} {version}")
            needed[name] = dist
            dist_requires = dist.requires or []
        for text in dist_requires:
            child = requirements_module.Requirement(text)
            wanted = [{"extra": e} for e in requirement.extras] or [{"extra": ""}]
            if child.marker is None or any(child.marker.evaluate(env) for env in wanted):
                stack.append(text)
    return needed, problems


# Placed in the fresh environment's site-packages and run at start-up (by a .pth line): it makes the
# listed distributions of .venv importable, and visible to importlib.metadata, and nothing else of .venv.
CLOSURE_FINDER = '''
import importlib.machinery, importlib.metadata, json, pathlib, re, sys

_CONFIG = json.loads(pathlib.Path(__file__).with_suffix(".json").read_text())
_SITE, _MODULES, _DISTS = _CONFIG["site"], set(_CONFIG["modules"]), _CONFIG["dists"]


class ExtraClosureFinder:
    """Top-level modules of the extra's dependency closure, found in .venv; their metadata likewise."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if path is None and name in _MODULES:
            return importlib.machinery.PathFinder.find_spec(name, [_SITE])
        return None

    @classmethod
    def find_distributions(cls, context=importlib.metadata.DistributionFinder.Context()):
        wanted = None if context.name is None else re.sub(r"[-_.]+", "-", context.name).lower()
        for name, path in _DISTS.items():
            if wanted is None or wanted == name:
                yield importlib.metadata.PathDistribution(pathlib.Path(path))


sys.meta_path.append(ExtraClosureFinder)
'''


def fresh_environment(tmp, wheel, extra):
    """A new virtual environment holding the wheel, and .venv's part that ``extra`` needs."""
    requested = f"{DISTRIBUTION}[{extra}]" if extra else DISTRIBUTION
    needed, problems = closure(requested, read_metadata(wheel).get_all("Requires-Dist"), _installed())
    assert not problems, f"{requested}: " + "; ".join(problems)
    venv = tmp / f"venv-{extra or 'core'}"
    _run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    python = venv / "bin" / "python"
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(python),
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        str(wheel),
    )
    site = Path(_run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    modules = set()
    for dist in needed.values():
        modules |= _top_level_names(dist)
    modules -= set(sys.stdlib_module_names)
    config = {
        "site": sysconfig.get_path("purelib"),
        "modules": sorted(modules),
        "dists": {name: str(dist._path) for name, dist in needed.items()},
    }
    (site / "_extra_closure.py").write_text(CLOSURE_FINDER)
    (site / "_extra_closure.json").write_text(json.dumps(config))
    (site / "_extra_closure.pth").write_text("import _extra_closure\n")
    return python, needed


COMMON = """
import importlib, pathlib, sys
import momentum_lab
# the wheel's copy, not the working tree's
assert pathlib.Path(momentum_lab.__file__).is_relative_to(pathlib.Path(sys.prefix)), momentum_lab.__file__
assert momentum_lab.__version__ == {version!r}, momentum_lab.__version__

def missing(module):
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        return str(error)
    raise AssertionError(f"{{module}} imports, but is outside this extra")
"""

SMOKE = {
    "": """
        import numpy as np
        from momentum_lab import landscapes
        from momentum_lab.optim import gradient_descent
        bowl = landscapes.quadratic_bowl(condition_number=10)
        path = gradient_descent(bowl.grad, x0=[-1.5, 1.5], lr=0.5, steps=40)
        assert path.shape == (41, 2) and np.linalg.norm(path[-1]) < np.linalg.norm(path[0])
        message = missing("momentum_lab.torch")
        assert 'pip install "momentum-lab-course[torch]"' in message, message
        assert 'momentum-lab-course[tf]' in missing("momentum_lab.tf")
        missing("matplotlib")
    """,
    "torch": """
        import torch
        from momentum_lab.torch.optimizers import HeavyBall
        ours, theirs = (torch.tensor([1.0, -2.0], requires_grad=True) for _ in range(2))
        pairs = ((ours, HeavyBall([ours], lr=0.1, momentum=0.9)),
                 (theirs, torch.optim.SGD([theirs], lr=0.1, momentum=0.9)))
        for p, opt in pairs:
            for _ in range(3):
                opt.zero_grad()
                (p ** 2).sum().backward()
                opt.step()
        assert torch.equal(ours, theirs), (ours, theirs)
        missing("tensorflow")
    """,
    "tf": """
        import keras
        import numpy as np
        from momentum_lab.tf.optimizers import HeavyBall
        runs = []
        for opt in (HeavyBall(0.1, momentum=0.9), keras.optimizers.SGD(0.1, momentum=0.9)):
            x = keras.Variable(np.array([1.0, -2.0]))
            for _ in range(3):
                opt.apply_gradients([(2 * x, x)])
            runs.append(np.array(x))
        np.testing.assert_array_equal(*runs)
        missing("torch")
    """,
    "widgets": """
        import matplotlib
        matplotlib.use("Agg")
        import ipywidgets
        from momentum_lab.widgets.gradient_descent import gd_widget
        widget = gd_widget()
        assert isinstance(widget, ipywidgets.Widget), type(widget)
        missing("torch")
    """,
    "data": """
        from momentum_lab.data import load_digits
        X_train, y_train, X_test, y_test = load_digits()
        assert X_train.shape[1] == 64 and len(X_train) + len(X_test) == 1797
        assert 0 <= X_train.min() and X_train.max() <= 1
        missing("matplotlib")
    """,
    "book": """
        import importlib.util
        import jupyter_book, jupyterlab, nbconvert, myst_nb, sphinx_exercise, sphinx_proof
        from jupyter_book.cli.main import main
        for module in ("tensorflow", "keras", "torch", "sklearn", "matplotlib", "ipywidgets", "ipykernel"):
            assert importlib.util.find_spec(module) is not None, module
        missing("pytest")
    """,
    "test": """
        import pytest, nbval, hypothesis, xdist, ruff, mypy.api, playwright
        missing("torch")
    """,
}


@pytest.mark.parametrize(
    "extra",
    [
        "",
        pytest.param("torch", marks=pytest.mark.frameworks),
        pytest.param("tf", marks=pytest.mark.frameworks),
        "widgets",
        "data",
        "book",
        "test",
    ],
    ids=lambda e: e or "core",
)
def test_installs_with_extra_and_passes_its_smoke_test(extra, wheel, tmp_path):
    python, needed = fresh_environment(tmp_path, wheel, extra)
    code = COMMON.format(version=read_metadata(wheel)["Version"]) + textwrap.dedent(SMOKE[extra])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env |= {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "MPLBACKEND": "Agg"}
    _run(str(python), "-c", code, cwd=tmp_path, env=env)
    if extra:
        declared = {
            utils.canonicalize_name(requirements_module.Requirement(r).name)
            for r in read_metadata(wheel).get_all("Requires-Dist")
            if f'extra == "{extra}"' in r
        }
        assert declared <= set(needed) | {DISTRIBUTION}
