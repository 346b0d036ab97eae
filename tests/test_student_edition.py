"""The student edition (``make student``, tools/student_edition.py) drops every solution and keeps the
exercises, their checkers and the rest of each chapter.

Small hand-made notebooks pin down each form a solution can take; the real chapters are then converted
into a temporary folder, checked for any line of solution text, and executed top to bottom with nbclient
(the body of a chapter is unchanged, so what this adds over nbval is that the exercise cells still run
once the solutions they might have leant on are gone). A tiny book is built to HTML to check the student
build itself: execution off, no solution in any page.
"""

import copy
import importlib.util
import os
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("book/[0-9][0-9]_*.ipynb"))

_spec = importlib.util.spec_from_file_location("student_edition", ROOT / "tools" / "student_edition.py")
se = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(se)


def cell(kind, source, *tags, outputs=None):
    if kind == "md":
        return nbformat.v4.new_markdown_cell(source, metadata={"tags": list(tags)})
    made = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})
    made.outputs = outputs or []
    made.execution_count = 7 if outputs else None
    return made


def out(text):
    return [nbformat.v4.new_output("stream", name="stdout", text=text)]


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def text_of(nb):
    """Everything a reader of the notebook can see: sources and text outputs."""
    parts = []
    for c in nb.cells:
        parts.append(c.source)
        for o in c.get("outputs", []):
            parts.append(o.get("text", ""))
            parts.extend(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


EVERY_FORM = notebook(
    cell("md", "# Chapter\n\nBody text $x$."),
    cell("code", "x = 1\nprint(x)", outputs=out("1\n")),
    cell("md", "## Exercises\n\n```{exercise} One\n:label: e1\n\nWrite it.\n```", "exercise"),
    cell("code", "answer = None\ncheck(answer)", "exercise", outputs=out("❌ not yet\n")),
    cell("md", "```{solution} e1\n:class: dropdown\n\nSECRET-A, tagged.\n```", "solution"),
    cell(
        "md",
        "```{exercise} Two\n:label: e2\n\nThink.\n```\n\n```{solution} e2\n:class: dropdown\n\n"
        "SECRET-B, untagged and sharing a cell.\n```",
        "exercise",
    ),
    cell("md", "````{solution-start} e3\n:class: dropdown\n````\nSECRET-C opens the gate.", "solution"),
    cell("code", "answer = 42  # SECRET-D", "solution", outputs=out("SECRET-E printed\n")),
    cell("md", "SECRET-F between the code cells.", "solution"),
    cell("code", "print('SECRET-G')", outputs=out("SECRET-G\n")),  # untagged, but inside the gate
    cell("md", "````{solution-end}\n````", "solution"),
    cell("md", "```{solution-start} e4\n```\nSECRET-H in a one-cell gate.\n```{solution-end}\n```\n\nKept after."),
    cell("md", "SECRET-I: tagged, no directive.", "solution"),
    cell("md", "## Summary\n\nKept."),
)


def test_every_form_of_solution_goes():
    student = se.student_notebook(EVERY_FORM)
    assert "SECRET" not in text_of(student)
    assert "SECRET" in text_of(EVERY_FORM)  # the input is not modified


def test_exercises_checkers_and_the_rest_stay():
    student = se.student_notebook(EVERY_FORM)
    text = text_of(student)
    for kept in (
        "Body text $x$.",
        "{exercise} One",
        "{exercise} Two",
        "Think.",
        "check(answer)",
        "Kept after.",
        "## Summary",
    ):
        assert kept in text
    body = student.cells[1]
    assert body.outputs == EVERY_FORM.cells[1].outputs and body.execution_count == 7
    exercise = next(c for c in student.cells if c.source.startswith("answer = None"))
    assert exercise.outputs == [] and exercise.execution_count is None
    nbformat.validate(student)


@pytest.mark.parametrize(
    "source",
    [
        "```{solution-start} e1\n```\nno end",
        "```{solution-start} e1\n:class: dropdown\n```",
    ],
)
def test_an_unclosed_gate_is_an_error(source):
    with pytest.raises(se.SolutionMarkupError, match="solution-start"):
        se.student_notebook(notebook(cell("md", source, "solution"), cell("code", "x = 1", "solution")))


def test_markdown_pages_lose_their_solutions_too():
    page = (
        "# Page\n\n```{exercise}\n:label: p1\n\nQ?\n```\n\n```{solution} p1\n:class: dropdown\n\nSECRET\n```\n\n"
        "```{solution-start} p1\n```\nSECRET too\n```{solution-end}\n```\n\nEnd.\n"
    )
    student = se.student_markdown(page)
    assert "SECRET" not in student and "Q?" in student and "End." in student


def test_directives_read_nested_fences():
    text = "````{solution} e1\n:class: dropdown\n\n```python\nx = 1\n```\n````\nafter"
    (found,) = se.directives(text)
    assert found["name"] == "solution" and found["arg"] == "e1"
    assert found["options"] == {"class": "dropdown"} and "x = 1" in found["body"]
    assert se.strip_solution_text(text) == "after"


def test_files_that_pages_include_come_along(tmp_path):
    root = tmp_path / "root"
    (root / "book").mkdir(parents=True)
    (root / "results").mkdir()
    (root / "results" / "table.md").write_text("| a |\n|---|\n| 1 |\n")
    (root / "book" / "page.md").write_text("# Page\n\n```{include} ../results/table.md\n```\n")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy2(ROOT / name, root / name)
    se.write_edition(tmp_path / "out", root=root)
    assert (tmp_path / "out" / "results" / "table.md").read_text().startswith("| a |")


def test_config_and_toc():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    student = se.student_config(config)
    assert student["execute"]["execute_notebooks"] == "off"
    assert "launch_buttons" not in student and "repository" not in student
    assert student["title"].endswith("(student edition)")
    assert config["execute"]["execute_notebooks"] != "off"  # the main config is not modified
    published = se.student_config(config, "https://github.com/org/course-student", "main")
    assert published["repository"]["url"] == "https://github.com/org/course-student"
    assert published["launch_buttons"] == config["launch_buttons"]
    toc = {
        "root": "book/preface",
        "parts": [
            {"caption": "Foundations", "chapters": [{"file": "book/01_gradient_descent"}]},
            {"caption": "Instructors", "chapters": [{"file": "book/instructor_guide"}]},
        ],
    }
    assert se.student_toc(toc)["parts"] == toc["parts"][:1]


# --- the real chapters -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    se.write_edition(out)
    return out


def solution_lines(nb):
    """Lines of solution text (sources and outputs) that appear nowhere else in the notebook."""
    inside, outside = [], []
    gated = False
    for c in nb.cells:
        found = se.directives(c.source) if c.cell_type == "markdown" else []
        names = {d["name"] for d in found}
        in_solution = "solution" in se.tags(c) or gated or "solution-start" in names
        gated = (gated or "solution-start" in names) and "solution-end" not in names
        text = text_of(notebook(c)).splitlines()
        if in_solution:
            inside += text
        else:
            bodies = [d["body"] for d in found if d["name"] == "solution"]
            inside += [line for body in bodies for line in body.splitlines()]
            outside += text
    common = {line.strip() for line in outside}
    return {
        line.strip()
        for line in inside
        if len(line.strip()) >= 12 and line.strip() not in common and not line.strip().startswith(("```", ":"))
    }


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_no_solution_text_survives(edition, chapter):
    original = nbformat.read(chapter, as_version=4)
    student = nbformat.read(edition / chapter.relative_to(ROOT), as_version=4)
    nbformat.validate(student)
    seen = {line.strip() for line in text_of(student).splitlines()}
    leaked = sorted(solution_lines(original) & seen)
    assert not leaked, f"solution text left in the student {chapter.name}: {leaked[:5]}"
    count = lambda nb, name: sum(
        d["name"] == name for c in nb.cells if c.cell_type == "markdown" for d in se.directives(c.source)
    )
    assert count(student, "exercise") == count(original, "exercise") >= 1
    assert count(student, "solution") == count(student, "solution-start") == 0
    for c in student.cells:
        if c.cell_type == "code" and "exercise" in se.tags(c):
            assert c.outputs == [], "exercise cells start empty in the student edition"


def test_edition_is_a_repository(edition):
    for name in ("_config.yml", "_toc.yml", "requirements.txt", "momentum_lab/__init__.py", "book"):
        assert (edition / name).exists(), name
    assert not (edition / "book" / "instructor_guide.md").exists()
    config = yaml.safe_load((edition / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_student_notebook_runs(edition, chapter):
    from nbclient import NotebookClient

    path = edition / chapter.relative_to(ROOT)
    nb = nbformat.read(path, as_version=4)
    env = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0"}
    os.environ.update(env)
    # Cells tagged raises-exception may raise (nbclient's own rule); any other error fails the test.
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()


# --- the student build --------------------------------------------------------------------------------


def test_student_book_builds_without_solutions(tmp_path):
    """A one-chapter book through the whole pipeline: edition, then HTML with execution off."""
    book = tmp_path / "book_root"
    (book / "book").mkdir(parents=True)
    for name in ("_config.yml", "references.bib"):
        shutil.copy2(ROOT / name, book / name)
    for folder in ("_ext", "_static", "images"):
        shutil.copytree(ROOT / "book" / folder, book / "book" / folder)
    (book / "book" / "preface.md").write_text("# Preface\n\nMath: $a^2$.\n")
    nb = copy.deepcopy(EVERY_FORM)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, book / "book" / "01_demo.ipynb")
    (book / "_toc.yml").write_text(
        yaml.safe_dump(
            {
                "format": "jb-book",
                "root": "book/preface",
                "parts": [{"caption": "Chapters", "numbered": True, "chapters": [{"file": "book/01_demo"}]}],
            }
        )
    )
    out = tmp_path / "student"
    se.write_edition(out, root=book)
    html = se.build_html(out)
    page = (html / "book" / "01_demo.html").read_text()
    assert "Write it." in page and "exercise" in page
    assert "SECRET" not in page and 'class="solution' not in page
    assert not list(html.rglob("*.ipynb")) or all("SECRET" not in p.read_text() for p in html.rglob("*.ipynb"))
    assert (html / "_static" / "mathjax" / "tex-mml-chtml.js").is_file()
