"""What self-paced learners rely on: exercises with hidden solutions, and checkers that know the answer
and the usual ways to miss it.

1. Every chapter notebook (``book/NN_*.ipynb``) ends with at least four sphinx-exercise exercises, each
   with a solution that stays closed until asked for (``{solution}`` or gated ``{solution-start}`` …
   ``{solution-end}``, ``:class: dropdown``), and its cells are tagged as CONTRIBUTING.md says, which is
   what the student edition (tools/student_edition.py) relies on to take the solutions out.
2. Every checker in ``momentum_lab/check/`` whose module declares ``CHECKERS`` (CONTRIBUTING.md,
   "Checkers") accepts its reference answer and names at least three typical mistakes.
"""

import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import nbformat
import pytest

import momentum_lab.check

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(ROOT.glob("book/[0-9][0-9]_*.ipynb"))
MIN_EXERCISES = 4
MIN_MISTAKES = 3

_spec = importlib.util.spec_from_file_location("student_edition", ROOT / "tools" / "student_edition.py")
student_edition = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student_edition)


# --- 1. exercises in the chapters -------------------------------------------------------------------


def exercise_problems(nb):
    """(number of exercises, list of problems) for notebook ``nb``; an empty list means it conforms."""
    problems = []
    exercises, solutions = {}, {}  # label -> cell index
    first_exercise = last_exercise_cell = None
    gated_from = None
    for index, cell in enumerate(nb.cells):
        tags = student_edition.tags(cell)
        found = student_edition.directives(cell.source) if cell.cell_type == "markdown" else []
        names = {d["name"] for d in found}
        where = f"cell {index}"
        inside_gate = gated_from is not None
        for d in found:
            if d["name"] in ("exercise", "exercise-start"):
                label = d["options"].get("label")
                if not label:
                    problems.append(f"{where}: exercise without a :label: (its solution refers to it)")
                elif label in exercises:
                    problems.append(f"{where}: exercise label {label!r} used twice")
                else:
                    exercises[label] = index
            elif d["name"] in ("solution", "solution-start"):
                label = d["arg"]
                if label not in exercises:
                    problems.append(f"{where}: solution for {label!r}, which is not an exercise above it")
                elif label in solutions:
                    problems.append(f"{where}: a second solution for {label!r}")
                solutions[label] = index
                if "dropdown" not in d["options"].get("class", "").split():
                    problems.append(
                        f"{where}: solution for {label!r} is not `:class: dropdown`, so it "
                        "shows open under the exercise"
                    )
                if d["name"] == "solution-start":
                    if inside_gate:
                        problems.append(f"{where}: gated solution opened inside another one")
                    gated_from = index
            elif d["name"] == "solution-end":
                if gated_from is None:
                    problems.append(f"{where}: {{solution-end}} without a {{solution-start}}")
                gated_from = None
        is_exercise = bool(names & {"exercise", "exercise-start"})
        is_solution = bool(names & {"solution", "solution-start", "solution-end"}) or inside_gate
        if is_exercise and is_solution:
            problems.append(
                f"{where}: an exercise and a solution in one cell; give the solution its own "
                "cell, or the student edition cannot remove it without the exercise"
            )
        if is_exercise and "exercise" not in tags:
            problems.append(f"{where}: exercise cell not tagged `exercise`")
        if is_solution and "solution" not in tags:
            problems.append(f"{where}: solution cell not tagged `solution`")
        if is_exercise and first_exercise is None:
            first_exercise = index
        if first_exercise is not None and not is_exercise and not is_solution:
            if cell.cell_type == "code" and "exercise" not in tags:
                problems.append(f"{where}: code cell among the exercises not tagged `exercise`")
            if "solution" in tags:
                problems.append(f"{where}: tagged `solution` but outside any solution")
        if is_exercise or is_solution or "exercise" in tags:
            last_exercise_cell = index
    if gated_from is not None:
        problems.append(f"cell {gated_from}: gated solution never closed with {{solution-end}}")
    for label in exercises.keys() - solutions.keys():
        problems.append(f"exercise {label!r} has no solution")
    if first_exercise is not None:
        # The exercises end the chapter: nothing but exercises and solutions between the first exercise
        # and the last, and after them only closing prose (a summary, further reading).
        for index in range(first_exercise, last_exercise_cell + 1):
            tags = student_edition.tags(nb.cells[index])
            if not tags & {"exercise", "solution"}:
                problems.append(
                    f"cell {index}: untagged cell between exercises; the exercises end the "
                    "chapter (tag it `exercise`, or move it before them)"
                )
        for index in range(last_exercise_cell + 1, len(nb.cells)):
            if nb.cells[index].cell_type == "code":
                problems.append(f"cell {index}: code after the exercises; they end the chapter")
    return len(exercises), problems


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_ends_with_exercises(path):
    count, problems = exercise_problems(nbformat.read(path, as_version=4))
    if count < MIN_EXERCISES:
        problems.insert(0, f"{count} exercises; a chapter ends with at least {MIN_EXERCISES}")
    assert not problems, f"{path.name} (see CONTRIBUTING.md, Exercises):\n  " + "\n  ".join(problems)


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        make = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, metadata={"tags": list(tags)}))
    return nb


GOOD = [
    ("md", "# Title\n\nText.", ()),
    ("code", "x = 1", ()),
    ("md", "## Exercises\n\n```{exercise} One\n:label: e1\n\nDo it.\n```", ("exercise",)),
    ("code", "answer = None\ncheck(answer)", ("exercise",)),
    ("md", "```{solution} e1\n:class: dropdown\n\nLike this.\n```", ("solution",)),
    ("md", "```{exercise} Two\n:label: e2\n\nAgain.\n```", ("exercise",)),
    ("md", "````{solution-start} e2\n:class: dropdown\n````\nRun this:", ("solution",)),
    ("code", "answer = 2", ("solution",)),
    ("md", "````{solution-end}\n````", ("solution",)),
    ("md", "## Summary\n\n- done", ()),
]


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda c: c, None),
        (lambda c: c[:4] + c[5:], "'e1' has no solution"),
        (
            lambda c: c[:4] + [("md", c[4][1].replace(":class: dropdown\n", ""), ("solution",))] + c[5:],
            "not `:class: dropdown`",
        ),
        (lambda c: c[:3] + [("code", c[3][1], ())] + c[4:], "not tagged `exercise`"),
        (lambda c: c[:7] + [("code", "answer = 2", ())] + c[8:], "solution cell not tagged `solution`"),
        (lambda c: c[:8] + c[9:], "never closed"),
        (lambda c: c[:5] + [("md", "An aside.", ())] + c[5:], "untagged cell between exercises"),
        (lambda c: c + [("code", "more = 1", ())], "code after the exercises"),
        (
            lambda c: c[:2] + [("md", c[2][1] + "\n\n" + c[4][1], ("exercise", "solution"))] + c[5:],
            "an exercise and a solution in one cell",
        ),
    ],
    ids=[
        "conforms",
        "no solution",
        "not dropdown",
        "untagged exercise code",
        "untagged gated code",
        "unclosed gate",
        "prose between exercises",
        "code after exercises",
        "exercise and solution together",
    ],
)
def test_exercise_rules_catch(change, expected):
    count, problems = exercise_problems(_notebook(*change(list(GOOD))))
    if expected is None:
        assert problems == [] and count == 2
    else:
        assert any(expected in p for p in problems), problems


# --- 2. checkers ----------------------------------------------------------------------------------------


def check_modules():
    return [
        importlib.import_module(f"momentum_lab.check.{info.name}")
        for info in pkgutil.iter_modules(momentum_lab.check.__path__)
        if not info.name.startswith("_")
    ]


def public_checkers(module):
    return {
        name
        for name, obj in vars(module).items()
        if name.startswith("check_") and inspect.isfunction(obj) and obj.__module__ == module.__name__
    }


MODULES = check_modules()
SPECS = [(module.__name__.rsplit(".", 1)[-1], spec) for module in MODULES for spec in getattr(module, "CHECKERS", ())]


def _spec_id(item):
    module, spec = item
    return f"{module}.{spec.checker.__name__}"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_checker_describes_itself(module):
    assert hasattr(module, "CHECKERS"), (
        f"{module.__name__} declares no CHECKERS (CONTRIBUTING.md, Checkers): its checkers "
        f"{sorted(public_checkers(module))} would go untested"
    )
    registered = {spec.checker.__name__ for spec in module.CHECKERS}
    missing = public_checkers(module) - registered
    assert not missing, f"{module.__name__}: add a CheckerSpec to CHECKERS for {sorted(missing)}"


@pytest.mark.parametrize("item", SPECS, ids=[_spec_id(s) for s in SPECS])
def test_checker_accepts_its_reference(item):
    _, spec = item
    feedback = spec.check(spec.reference)
    assert feedback, f"{spec.checker.__name__} rejects its reference answer: {feedback}"
    assert feedback.mistake is None


@pytest.mark.parametrize("item", SPECS, ids=[_spec_id(s) for s in SPECS])
def test_checker_names_typical_mistakes(item):
    _, spec = item
    assert len(spec.mistakes) >= MIN_MISTAKES, (
        f"{spec.checker.__name__} describes {len(spec.mistakes)} mistakes; list at least {MIN_MISTAKES}"
    )
    wrong = {}
    for name, answer in spec.mistakes.items():
        feedback = spec.check(answer)
        if feedback or feedback.mistake != name:
            wrong[name] = f"passed={feedback.passed}, mistake={feedback.mistake!r}: {feedback.message}"
        elif not feedback.message.strip():
            wrong[name] = "no hint for the learner"
    assert not wrong, f"{spec.checker.__name__} does not recognise: {wrong}"
