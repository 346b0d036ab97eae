"""Write the student edition of the book: the same chapters with every solution taken out.

    python tools/student_edition.py                 # notebooks and pages into student/
    python tools/student_edition.py --html          # ... and build student/_build/html
    python tools/student_edition.py --repository-url https://github.com/org/course-student --branch main

``make student`` runs the second form. The output folder is a complete repository that can be published
on its own (for Binder, Colab or nbgitpuller links): the book's pages and chapter notebooks, the
``momentum_lab`` library (the checkers need it), ``requirements.txt``, ``runtime.txt``, ``postBuild``, and a
``_config.yml`` and ``_toc.yml`` derived from the main ones.

What changes in a notebook (see CONTRIBUTING.md, "Exercises"):

- removed: every cell tagged ``solution``; every ``{solution}`` directive (wherever it is, tagged or not);
  every gated solution, from the cell holding ``{solution-start}`` to the one holding ``{solution-end}``;
- kept: exercises and the learner's code cells with their checkers, whose outputs (and execution counts)
  are cleared so that learners see a fresh cell;
- everything else is unchanged, outputs included: the student book is built from these stored outputs
  with execution off, which keeps it fast.

Pages listed in ``INSTRUCTOR_ONLY`` are left out, with their entries in the table of contents. Without
``--repository-url`` the launch and repository buttons are switched off, since they would open the
notebooks with solutions from the main repository.
"""

import argparse
import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTOR_ONLY = {"book/instructor_guide"}
# Files that make the student folder a repository Binder (repo2docker) can run.
REPO_FILES = ("requirements.txt", "runtime.txt", "postBuild", "pyproject.toml", "references.bib")
IGNORE = shutil.ignore_patterns("_build", ".ipynb_checkpoints", "__pycache__", "*.pyc", "*.egg-info")

_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\{(?P<name>[a-z][\w-]*)\}[ \t]*(?P<arg>.*)$")


class SolutionMarkupError(ValueError):
    """A notebook's solution markup cannot be taken apart safely (e.g. an unclosed gated solution)."""


# --- reading MyST directives ---------------------------------------------------------------------------


def directives(text):
    """The top-level MyST directive blocks in ``text``, in order.

    Each is a dict: ``name`` (e.g. ``"solution"``), ``arg``, ``options`` (the ``:key: value`` lines),
    ``body``, and ``start``/``end``, the line span ``lines[start:end]`` it occupies (``end`` is after the
    closing fence, or the end of the text if the fence is never closed, as MyST does).
    """
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        match = _OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        options = {}
        while j < len(lines) and (m := re.match(r"^\s*:([\w-]+):\s*(.*)$", lines[j])):
            options[m[1]] = m[2].strip()
            j += 1
        body_start = j
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        end = min(j + 1, len(lines))
        found.append(
            {
                "name": match["name"],
                "arg": match["arg"].strip(),
                "options": options,
                "body": "\n".join(lines[body_start:j]),
                "start": i,
                "end": end,
            }
        )
        i = end
    return found


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def _remove_spans(text, spans):
    lines = text.splitlines()
    keep = [line for k, line in enumerate(lines) if not any(a <= k < b for a, b in spans)]
    return "\n".join(keep).strip("\n")


def strip_solution_text(text):
    """``text`` without its ``{solution}`` blocks (gated solutions are handled per cell)."""
    spans = [(d["start"], d["end"]) for d in directives(text) if d["name"] == "solution"]
    return _remove_spans(text, spans) if spans else text


# --- the notebook transformation ----------------------------------------------------------------------


def student_notebook(nb):
    """Return a copy of notebook ``nb`` with its solutions removed (see the module docstring)."""
    nb = copy.deepcopy(nb)
    cells, gated = [], None  # gated: index of the cell that opened a gated solution
    for index, cell in enumerate(nb.cells):
        found = directives(cell.source) if cell.cell_type == "markdown" else []
        names = [d["name"] for d in found]
        if gated is not None:
            if "solution-end" in names:
                gated = None
                end = next(d for d in found if d["name"] == "solution-end")["end"]
                rest = "\n".join(cell.source.splitlines()[end:]).strip("\n")
                if rest and "solution" not in tags(cell):
                    cell.source = strip_solution_text(rest)
                    cells.append(cell)
            continue
        if "solution-start" in names:
            start = next(d for d in found if d["name"] == "solution-start")
            before = "\n".join(cell.source.splitlines()[: start["start"]])
            after = [d for d in found if d["start"] >= start["end"]]
            if any(d["name"] == "solution-end" for d in after):  # opened and closed in this cell
                end = next(d for d in after if d["name"] == "solution-end")["end"]
                rest = "\n".join(cell.source.splitlines()[end:])
                text = (before + "\n" + rest).strip("\n")
            else:
                gated, text = index, before.strip("\n")
            if text.strip() and "solution" not in tags(cell):
                cell.source = strip_solution_text(text)
                cells.append(cell)
            continue
        if "solution" in tags(cell):
            continue
        if cell.cell_type == "markdown" and "solution" in names:
            cell.source = strip_solution_text(cell.source)
            if not cell.source.strip():
                continue
        if cell.cell_type == "code" and "exercise" in tags(cell):
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        cells.append(cell)
    if gated is not None:
        raise SolutionMarkupError(
            f"cell {gated} opens a gated solution ({{solution-start}}) that no later cell closes with {{solution-end}}"
        )
    nb.cells = cells
    return nb


def student_markdown(text):
    """A markdown page without its solutions (``{solution}`` blocks and gated ranges)."""
    found = directives(text)
    spans, start = [], None
    for d in found:
        if d["name"] == "solution":
            spans.append((d["start"], d["end"]))
        elif d["name"] == "solution-start":
            start = d["start"]
        elif d["name"] == "solution-end" and start is not None:
            spans.append((start, d["end"]))
            start = None
    if start is not None:
        raise SolutionMarkupError("a gated solution ({solution-start}) is never closed")
    return _remove_spans(text, spans) + "\n" if spans else text


# --- the edition ----------------------------------------------------------------------------------------


def student_config(config, repository_url=None, branch=None):
    config = copy.deepcopy(config)
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config.setdefault("execute", {})["execute_notebooks"] = "off"  # stored outputs, no kernel
    html = config.setdefault("html", {})
    if repository_url:
        config["repository"] = {**config.get("repository", {}), "url": repository_url, "branch": branch or "main"}
    else:
        config.pop("launch_buttons", None)
        config.pop("repository", None)
        html["use_repository_button"] = False
        html["use_issues_button"] = False
        html["use_edit_page_button"] = False
    return config


def student_toc(toc):
    def keep(entry):
        return entry.get("file") not in INSTRUCTOR_ONLY

    toc = copy.deepcopy(toc)
    parts = []
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part.get("chapters", []) if keep(c)]
        if part["chapters"]:
            parts.append(part)
    if "parts" in toc:
        toc["parts"] = parts
    if "chapters" in toc:
        toc["chapters"] = [c for c in toc["chapters"] if keep(c)]
    return toc


def _write_yaml(path, data, source):
    header = f"# Generated by tools/student_edition.py from {source}; edit that file, not this one.\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _copy_included_files(root, out):
    """Copy files outside ``book/`` that pages pull in with ``{include}`` or ``{literalinclude}``."""
    pages = [(p, p.read_text(encoding="utf-8")) for p in (root / "book").rglob("*.md")]
    for path in (root / "book").rglob("*.ipynb"):
        if ".ipynb_checkpoints" not in path.parts:
            nb = nbformat.read(path, as_version=4)
            pages += [(path, c.source) for c in nb.cells if c.cell_type == "markdown"]
    for page, text in pages:
        for d in directives(text):
            if d["name"] in ("include", "literalinclude") and d["arg"]:
                target = (page.parent / d["arg"]).resolve()
                if target.is_file() and target.is_relative_to(root.resolve()):
                    destination = out / target.relative_to(root.resolve())
                    if not destination.exists():
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(target, destination)


def write_edition(out, *, root=ROOT, repository_url=None, branch=None):
    """Write the student edition of the book at ``root`` into ``out``; return the notebooks written."""
    root, out = Path(root), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for child in out.iterdir():  # start clean, but keep _build for incremental rebuilds
        if child.name != "_build":
            shutil.rmtree(child) if child.is_dir() else child.unlink()

    shutil.copytree(root / "book", out / "book", ignore=IGNORE)
    if (root / "momentum_lab").is_dir():
        shutil.copytree(root / "momentum_lab", out / "momentum_lab", ignore=IGNORE)
    for name in REPO_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, out / name)
    for doc in INSTRUCTOR_ONLY:
        for suffix in (".md", ".ipynb"):
            (out / doc).with_suffix(suffix).unlink(missing_ok=True)

    _copy_included_files(root, out)

    notebooks = []
    for path in sorted((out / "book").rglob("*.ipynb")):
        try:
            nb = student_notebook(nbformat.read(path, as_version=4))
        except SolutionMarkupError as exc:
            raise SolutionMarkupError(f"{path.relative_to(out)}: {exc}") from None
        nbformat.write(nb, path)
        notebooks.append(path)
    for path in sorted((out / "book").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        stripped = student_markdown(text)
        if stripped != text:
            path.write_text(stripped, encoding="utf-8")

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    _write_yaml(out / "_config.yml", student_config(config, repository_url, branch), "_config.yml")
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    _write_yaml(out / "_toc.yml", student_toc(toc), "_toc.yml")
    (out / "README.md").write_text(
        "# Momentum Lab: student edition\n\n"
        "The chapters of Momentum Lab with the exercises but without their solutions. Each exercise\n"
        "cell ends with a checker that tells you whether your answer is right and, if not, what to look\n"
        "at. Run the notebooks in `book/` after `pip install -r requirements.txt && pip install -e .`.\n\n"
        "Generated by `make student` (tools/student_edition.py); do not edit by hand.\n",
        encoding="utf-8",
    )
    return notebooks


def build_html(out):
    """Build the student book into ``out/_build/html`` from the stored outputs (no execution)."""
    command = [
        sys.executable,
        "-c",
        "from jupyter_book.cli.main import main; main()",
        "build",
        str(out),
        "--path-output",
        str(out),
        "-W",
        "-n",
        "--keep-going",
    ]
    subprocess.run(command, check=True)
    return Path(out) / "_build" / "html"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(ROOT), help="the book to convert (default: this repository)")
    parser.add_argument("--out", default=str(ROOT / "student"), help="output folder (default: student/)")
    parser.add_argument("--html", action="store_true", help="also build the student book's HTML")
    parser.add_argument(
        "--repository-url",
        help="where the student edition is published; enables the launch buttons (Binder, Colab) for it",
    )
    parser.add_argument("--branch", default="main", help="branch of --repository-url (default: main)")
    args = parser.parse_args(argv)
    notebooks = write_edition(args.out, root=args.root, repository_url=args.repository_url, branch=args.branch)
    print(f"student edition: {len(notebooks)} notebooks in {args.out}")
    if args.html:
        try:
            print(f"student book: {build_html(args.out)}")
        except subprocess.CalledProcessError:
            print("student book: the build failed; see the warnings above", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
