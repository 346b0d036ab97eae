"""Property-based test of the whole public API: valid arguments give finite results of the documented
shape and dtype; invalid ones raise ValueError or TypeError whose message names the argument.

The contract is the issue "Nothing silent". The registry (``_api_cases``, ``_api_specs_numpy``,
``_api_specs_frameworks``) maps every public function and class to a spec: a strategy of valid keyword
arguments, a check of the result, and the invalid mutations that apply (complex/bool/object/string arrays,
None, a wrong shape, NaN where it is not allowed, flags given as strings or ints, hyperparameters out of
range, degenerate settings). ``test_every_public_name_has_a_spec`` fails when a public name has neither a
spec nor a reasoned exclusion, so a new function cannot slip through.

Each spec gives two tests. ``test_valid`` draws arguments and checks the results. ``test_invalid`` draws
valid arguments and applies every mutation of the spec to each draw; it collects every mutation that did
not raise as the contract says (another exception, no exception, a message that does not name the
argument) and fails once with the full list, so one run shows everything left to fix.

Hypothesis runs derandomized with no example database (no ``.hypothesis`` folder) and no deadline. The
number of cases tried per module is printed at the end of the run and written, with the failures, to
``_build/properties/report.json``. The Keras and torch forms are marked ``frameworks`` and use fewer
examples.
"""

from __future__ import annotations

import importlib
import json
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, configuration, given, settings
from hypothesis import strategies as st

import _api_cases as cases
from _api_specs_frameworks import REGISTRY as FRAMEWORK_REGISTRY
from _api_specs_numpy import REGISTRY as NUMPY_REGISTRY

REPORT = Path(__file__).resolve().parents[1] / "_build" / "properties" / "report.json"
SPECS = NUMPY_REGISTRY.specs + FRAMEWORK_REGISTRY.specs
EXCLUDED = {**NUMPY_REGISTRY.excluded, **FRAMEWORK_REGISTRY.excluded}

#: cases tried per public module: {"losses": {"specs": n, "valid": n, "invalid": n}}
COUNTS: dict[str, dict[str, int]] = defaultdict(lambda: {"specs": 0, "valid": 0, "invalid": 0})
FAILURES: list[dict[str, str]] = []
_START = time.perf_counter()


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
    )


class _Summary:
    """Prints the per-module counts at the end of the run (registered by the module fixture)."""

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not COUNTS:
            return
        tr = terminalreporter
        tr.section("public API properties: cases tried per module")
        tr.write_line(f"{'module':<26}{'specs':>7}{'valid':>9}{'invalid':>9}")
        for module in sorted(COUNTS):
            c = COUNTS[module]
            tr.write_line(f"{module:<26}{c['specs']:>7}{c['valid']:>9}{c['invalid']:>9}")
        total = {k: sum(c[k] for c in COUNTS.values()) for k in ("specs", "valid", "invalid")}
        tr.write_line(f"{'total':<26}{total['specs']:>7}{total['valid']:>9}{total['invalid']:>9}")
        tr.write_line(f"{len(FAILURES)} failing cases; report: {REPORT}")


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Any:
    """Write the report and register the summary after the module's tests. While they run, hypothesis keeps
    its caches (source constants, Unicode tables; there is no example database) under ``_build/properties``
    instead of a ``.hypothesis`` folder in the working tree."""
    configuration.set_hypothesis_home_dir(REPORT.parent / "hypothesis")
    try:
        yield
    finally:
        configuration.set_hypothesis_home_dir(None)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - _START, 1),
                "modules": {m: COUNTS[m] for m in sorted(COUNTS)},
                "total": {k: sum(c[k] for c in COUNTS.values()) for k in ("specs", "valid", "invalid")},
                "failures": FAILURES,
            },
            indent=2,
        )
        + "\n"
    )
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("public-api-properties-summary"):
        plugins.register(_Summary(), "public-api-properties-summary")


# ----------------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------------


def _fresh(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A copy of the arguments whose arrays are copied (optimizers and some helpers work in place)."""
    out = {}
    for k, v in kwargs.items():
        if isinstance(v, np.ndarray):
            v = v.copy()
        elif isinstance(v, list) and all(isinstance(e, np.ndarray) for e in v):
            v = [e.copy() for e in v]
        out[k] = v
    return out


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 4:
            return f"{value.dtype}{list(value.shape)}={np.array2string(value, precision=3, separator=',')}"
        return f"{value.dtype}{list(value.shape)}"
    if type(value).__name__ in ("Tensor", "Variable") and hasattr(value, "data"):
        return f"Tensor({_describe(np.asarray(value.data))})"
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return f"{type(value).__name__} of {len(value)}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_describe(v) for v in value) + "]"
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def _describe_kwargs(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_describe(v)}" for k, v in kwargs.items())


def _call(spec: cases.Spec, kwargs: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return spec.call(_fresh(kwargs))


def _framework(spec: cases.Spec) -> None:
    if spec.frameworks == "tensorflow":
        pytest.importorskip("tensorflow")
        pytest.importorskip("keras")
    elif spec.frameworks == "torch":
        pytest.importorskip("torch")


def _params(kind: str) -> list[Any]:
    out = []
    for spec in SPECS:
        if kind == "invalid" and not spec.bad:
            continue
        marks = [pytest.mark.frameworks] if spec.frameworks else []
        out.append(pytest.param(spec, id=spec.target.removeprefix("momentum_lab."), marks=marks))
    return out


# ----------------------------------------------------------------------------------------------------
# Coverage: every public callable has a spec or a reasoned exclusion
# ----------------------------------------------------------------------------------------------------


def _public(modules: tuple[str, ...]) -> list[str]:
    names = []
    for module in modules:
        names += cases.public_names(module)
    return names


def _uncovered(
    public: list[str], specs: list[cases.Spec] | None = None, exclusions: dict[str, str] | None = None
) -> list[str]:
    """The names of ``public`` that no spec covers and no exclusion names (compared by object identity, so
    a re-export such as ``models.train`` is covered by the spec of ``training.train``)."""
    specs = SPECS if specs is None else specs
    exclusions = EXCLUDED if exclusions is None else exclusions
    covered = set()
    for spec in specs:
        for target in (spec.target, *spec.also):
            try:
                covered.add(cases.canonical(cases.resolve(target)))
            except (ImportError, AttributeError):
                continue
            covered.add(target)
    excluded = set(exclusions)
    for target in exclusions:
        try:
            excluded.add(cases.canonical(cases.resolve(target)))
        except (ImportError, AttributeError):
            continue
    missing = []
    for name in public:
        obj = cases.resolve(name)
        if name in covered or name in excluded or cases.canonical(obj) in covered | excluded:
            continue
        missing.append(name)
    return missing


def test_every_public_name_has_a_spec_or_an_exclusion() -> None:
    modules = cases.NUMPY_MODULES
    for package in cases.SUBPACKAGES:
        modules += tuple(cases.submodules(package))
    missing = _uncovered(_public(modules))
    assert not missing, (
        f"{len(missing)} public names have neither a spec nor a reasoned exclusion in tests/_api_specs_numpy.py: "
        + ", ".join(missing)
    )


def test_the_coverage_check_finds_a_name_without_spec() -> None:
    """Dropping one spec (or one exclusion) makes its public name, and its re-export, uncovered."""
    public = [
        "momentum_lab.losses.huber",
        "momentum_lab.training.train",
        "momentum_lab.models.train",
        "momentum_lab.optim.Optimizer",
    ]
    assert _uncovered(public) == []
    fewer = [s for s in SPECS if s.target not in ("momentum_lab.losses.huber", "momentum_lab.models.train")]
    assert _uncovered(public, specs=fewer) == [
        "momentum_lab.losses.huber",
        "momentum_lab.training.train",
        "momentum_lab.models.train",
    ]
    kept = {k: v for k, v in EXCLUDED.items() if k != "momentum_lab.optim.Optimizer"}
    assert _uncovered(public, exclusions=kept) == ["momentum_lab.optim.Optimizer"]


@pytest.mark.frameworks
def test_every_framework_name_has_a_spec_or_an_exclusion() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("tensorflow")
    missing = _uncovered(_public(cases.FRAMEWORK_MODULES))
    assert not missing, (
        f"{len(missing)} public names of momentum_lab.tf/torch have no spec in tests/_api_specs_frameworks.py: "
        + ", ".join(missing)
    )


def test_every_exclusion_is_a_public_name_with_a_reason() -> None:
    """An exclusion must name something that exists and say why (so stale entries do not pile up)."""
    for target, reason in NUMPY_REGISTRY.excluded.items():
        assert len(reason) > 20, f"exclusion of {target} gives no reason"
        cases.resolve(target)


def test_the_message_check_is_strict_for_short_names() -> None:
    assert cases.names_argument("a and b must broadcast; got a.shape=(2,) and b.shape=(3,)", "a")
    assert not cases.names_argument("operands could not be broadcast together with shapes (2,) (3,)", "a")
    assert not cases.names_argument("x must be a real number", "a")
    assert cases.names_argument("label_smoothing must be in [0, 1]; got label_smoothing=1.5", "label_smoothing")
    assert not cases.names_argument("smoothing must be in [0, 1]", "label_smoothing")


# ----------------------------------------------------------------------------------------------------
# Valid and invalid cases
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", _params("valid"))
def test_valid(spec: cases.Spec) -> None:
    _framework(spec)
    COUNTS[spec.module]["specs"] += 1
    problems: dict[str, str] = {}

    @_settings(spec.examples)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        kwargs = data.draw(spec.valid, label="kwargs")
        COUNTS[spec.module]["valid"] += 1
        try:
            result = _call(spec, kwargs)
        except Exception as exc:  # every failure is collected, then reported together
            problems.setdefault(f"raised {type(exc).__name__}", f"{exc} [with {_describe_kwargs(kwargs)}]")
            return
        if not spec.allow_nonfinite:
            bad = cases.all_finite(result)
            if bad:
                problems.setdefault("non-finite result", f"{bad[:3]} [with {_describe_kwargs(kwargs)}]")
                return
        if spec.check is not None:
            try:
                spec.check(kwargs, result)
            except AssertionError as exc:
                problems.setdefault("wrong result", f"{exc} [with {_describe_kwargs(kwargs)}]")

    run()
    for what, detail in problems.items():
        FAILURES.append({"target": spec.target, "case": "valid", "argument": "-", "kind": what, "what": detail})
    assert not problems, "\n".join(f"{spec.target} valid arguments: {k}: {v}" for k, v in problems.items())


def _invalid_outcome(spec: cases.Spec, bad: cases.Bad, kwargs: dict[str, Any]) -> str | None:
    """None when the call raised ValueError/TypeError naming the argument(s); else what happened."""
    mutated = bad.apply(kwargs)
    try:
        result = _call(spec, mutated)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        missing = [n for n in bad.expected_names if not any(cases.names_argument(message, alt) for alt in n.split("|"))]
        if missing:
            return f"{type(exc).__name__} not naming {', '.join(missing)}: {message[:200]}"
        return None
    except Exception as exc:
        return f"raised {type(exc).__name__}: {str(exc)[:200]}"
    return (
        f"no error; returned {_describe(result) if not hasattr(result, 'shape') else _describe(cases.value_of(result))}"
    )


@pytest.mark.parametrize("spec", _params("invalid"))
def test_invalid(spec: cases.Spec) -> None:
    _framework(spec)
    problems: dict[tuple[str, str], str] = {}

    @_settings(spec.invalid_examples)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        kwargs = data.draw(spec.valid, label="kwargs")
        for bad in spec.bad:
            COUNTS[spec.module]["invalid"] += 1
            if (bad.arg, bad.kind) in problems:
                continue
            outcome = _invalid_outcome(spec, bad, kwargs)
            if outcome is not None:
                problems[(bad.arg, bad.kind)] = outcome

    run()
    for (arg, kind), what in problems.items():
        FAILURES.append({"target": spec.target, "case": "invalid", "argument": arg, "kind": kind, "what": what})
    assert not problems, (
        f"{len(problems)} invalid inputs of {spec.target} not refused as the contract says:\n"
        + "\n".join(f"  {arg} <- {kind}: {what}" for (arg, kind), what in problems.items())
    )


def test_registry_targets_resolve() -> None:
    """Every NumPy spec names a public object (a typo would otherwise test nothing)."""
    for spec in NUMPY_REGISTRY.specs:
        importlib.import_module(spec.target.rpartition(".")[0].split(".", 2)[0])
        assert cases.resolve(spec.target) is not None
