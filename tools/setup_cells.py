"""The chapters' first cell: installs the release of the library the chapter was written for.

Every chapter notebook opens with a setup cell that installs ``momentum_lab`` where it is missing (on
Colab, say) and does nothing where it is installed (``make book``, Binder, a clone with ``pip install
-e .``). It installs a pinned release: the git tag ``v<version>`` of the repository, where ``<version>`` is
the one in ``pyproject.toml``. So a reader on Colab gets the library the chapter's outputs were computed
with, not whatever ``main`` holds that day.

    python tools/setup_cells.py           # rewrite the setup cell of every chapter to the current version
    python tools/setup_cells.py --check   # exit 1 and name the chapters whose setup cell differs

Releasing a version: set it in ``pyproject.toml`` and ``CITATION.cff``, move the CHANGELOG's
"Unreleased" section under it, run this tool, commit, and tag that commit ``v<version>``.
``tests/test_setup_cells.py`` checks that the cells, the version and the tag's name agree.
"""

import argparse
import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = "https://github.com/momentum-lab/momentum-lab"
DISTRIBUTION = "momentum-lab-course"
# What a chapter needs besides NumPy on a hosted notebook (Colab brings TensorFlow and PyTorch itself).
EXTRAS = "widgets,data"


def version() -> str:
    """The library's version, from pyproject.toml."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def requirement(release: str) -> str:
    """The pip requirement that installs ``release`` from its tag."""
    return f"{DISTRIBUTION}[{EXTRAS}] @ git+{REPOSITORY}@v{release}"


def setup_source(release: str) -> str:
    """The source of the setup cell for ``release``."""
    return (
        "# Setup: installs the course library where it is missing (on Colab, say): the release this chapter\n"
        f"# was written for, {release}. Does nothing when momentum_lab is already installed.\n"
        "import importlib.util, subprocess, sys\n"
        f'RELEASE = "{requirement(release)}"\n'
        'if importlib.util.find_spec("momentum_lab") is None:\n'
        '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", RELEASE], check=True)'
    )


def chapters() -> list[Path]:
    return sorted(p for p in (ROOT / "book").glob("[0-9][0-9]_*.ipynb"))


def setup_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook's first code cell, which must be the setup cell."""
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    if 'find_spec("momentum_lab")' not in "".join(cell["source"]):
        raise ValueError("the first code cell is not the setup cell (it does not look for momentum_lab)")
    return cell


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report differences instead of rewriting")
    args = parser.parse_args(argv)
    wanted = setup_source(version())
    differ = []
    for path in chapters():
        notebook = nbformat.read(path, as_version=4)
        cell = setup_cell(notebook)
        if cell["source"] == wanted:
            continue
        differ.append(path.name)
        if not args.check:
            cell["source"] = wanted
            nbformat.write(notebook, path)
    if args.check and differ:
        print("setup cell differs from tools/setup_cells.py in: " + ", ".join(differ), file=sys.stderr)
        return 1
    if not args.check:
        print(f"{len(differ)} setup cell(s) rewritten to release {version()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
