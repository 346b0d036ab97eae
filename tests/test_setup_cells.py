"""Each chapter's first cell installs the pinned release of the library, the one pyproject.toml names.

A reader on Colab runs the setup cell; it must install the library the chapter's outputs were computed
with (the tag ``v<version>``), never an unpinned ``main``. ``tools/setup_cells.py`` writes the cell.
"""

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import setup_cells  # noqa: E402

CHAPTERS = setup_cells.chapters()


def test_the_chapters_are_found():
    assert len(CHAPTERS) >= 13 and CHAPTERS[0].name == "01_gradient_descent.ipynb"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_setup_cell_installs_the_pinned_release(path):
    notebook = nbformat.read(path, as_version=4)
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert first_code.source == setup_cells.setup_source(setup_cells.version()), (
        f"{path.name}: run python tools/setup_cells.py"
    )
    # what pip is given: a requirement pinned to the version's tag, in a cell that is valid Python
    tree = ast.parse(first_code.source)
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    (spec,) = [s for s in strings if "git+" in s]
    assert re.fullmatch(r"momentum-lab-course\[[a-z,]+\] @ git\+https://github\.com/[\w-]+/[\w-]+@v\d+\.\d+\.\d+", spec)
    assert spec.endswith("@v" + setup_cells.version())
    assert not first_code.outputs, f"{path.name}: the setup cell prints nothing where the library is installed"


def test_the_release_is_the_one_the_metadata_and_changelog_name():
    release = setup_cells.version()
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r'^version: "([^"]+)"$', citation, re.M).group(1) == release
    import momentum_lab

    assert momentum_lab.__version__ == release
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(release)}\]?", changelog, re.M), f"CHANGELOG.md has no section for {release}"
    # the instructor guide's line for a hub image names the same release
    guide = (ROOT / "book" / "instructor_guide.md").read_text(encoding="utf-8")
    assert setup_cells.requirement(release) in guide.replace("\n", " ")


def test_the_check_mode_names_a_stale_cell(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "book"
    stale.mkdir()
    notebook = nbformat.read(CHAPTERS[0], as_version=4)
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    first_code.source = first_code.source.replace("@v", "@main-was-")
    nbformat.write(notebook, stale / CHAPTERS[0].name)
    monkeypatch.setattr(setup_cells, "ROOT", tmp_path)
    monkeypatch.setattr(setup_cells, "version", lambda: "0.1.0")
    assert setup_cells.main(["--check"]) == 1
    assert CHAPTERS[0].name in capsys.readouterr().err
    assert setup_cells.main([]) == 0
    assert setup_cells.main(["--check"]) == 0
