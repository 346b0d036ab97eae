"""pytest configuration shared by the unit tests and by nbval over the chapter notebooks."""

import os

# Kernels started by nbval inherit this environment: quiet TensorFlow, no GPU probing, fixed hashing.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("PYTHONHASHSEED", "0")

collect_ignore_glob = ["_build/*", ".venv/*", "student/*"]


def pytest_collectstart(collector):
    """Strict nbval, minus stderr and SVG figures.

    TensorFlow's C++ log lines reach a notebook's stored stderr when it runs in Jupyter but not under
    pytest, so stderr cannot be compared. Figures are SVG (``plotting.use_course_style``), and an SVG
    carries its creation date and random element ids, so like PNG figures (which nbval never compares)
    they are skipped. Every other text output (stdout, results, errors) is compared.
    """
    is_notebook = getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb"
    if is_notebook and hasattr(collector, "skip_compare"):
        collector.skip_compare = tuple(collector.skip_compare) + ("stderr", "image/svg+xml")
