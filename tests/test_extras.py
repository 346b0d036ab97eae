"""``momentum_lab.tf`` and ``momentum_lab.torch`` without their framework: an ImportError that says what to install.

Each case runs in a fresh interpreter where the framework's import is made to fail (``sys.modules[name] =
None`` is how Python marks a module as unimportable), so the test works whether or not the frameworks are
installed here.
"""

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
for name in {blocked!r}:
    sys.modules[name] = None
try:
    import {target}
except ImportError as error:
    print(json.dumps({{"type": type(error).__name__, "name": error.name, "message": str(error),
                      "is_import_error": isinstance(error, ImportError)}}))
else:
    print(json.dumps(None))
"""

CASES = [
    # (blocked modules, what is imported, framework named, extra named)
    (["torch"], "momentum_lab.torch", "PyTorch (module 'torch')", "torch"),
    (["torch"], "momentum_lab.torch.optimizers", "PyTorch (module 'torch')", "torch"),
    (["tensorflow"], "momentum_lab.tf", "TensorFlow (module 'tensorflow')", "tf"),
    (["keras"], "momentum_lab.tf.losses", "Keras 3 (module 'keras')", "tf"),
]


def probe(blocked, target):
    code = PROBE.format(blocked=blocked, target=target)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("blocked, target, framework, extra", CASES, ids=[c[1] for c in CASES])
def test_missing_framework_names_it_and_the_extra(blocked, target, framework, extra):
    error = probe(blocked, target)
    assert error is not None, f"import {target} succeeded with {blocked} unimportable"
    assert error["is_import_error"] and error["type"] == "ModuleNotFoundError"
    assert error["name"] == blocked[0]
    package = ".".join(target.split(".")[:2])
    assert error["message"] == (
        f"{package} needs {framework}, which is not installed. Install the library with its {extra} extra: "
        f'pip install "momentum-lab-course[{extra}]"'
    )


def test_the_numpy_library_imports_without_any_framework():
    code = PROBE.format(blocked=["torch", "tensorflow", "keras"], target="momentum_lab.optim, momentum_lab.losses")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) is None


def test_the_distribution_name_is_the_one_installed():
    from importlib import metadata

    import momentum_lab

    assert metadata.version(momentum_lab.DISTRIBUTION) == momentum_lab.__version__
