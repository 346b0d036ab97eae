"""Execute chapter notebooks in place, the way CI and the book build will run them.

    python tools/execute_notebooks.py book/01_gradient_descent.ipynb [...]
    python tools/execute_notebooks.py --all

Each notebook runs top to bottom in a fresh kernel in its own folder, with the environment that nbval
and the build use, and is saved with its outputs and widget state (so the published page shows each
widget's first state). Commit the result: strict nbval compares against these stored outputs.
"""

import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "CUDA_VISIBLE_DEVICES": "", "PYTHONHASHSEED": "0"}


def chapter_notebooks():
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def reader_traceback(frames):
    """An intentional error's traceback as the reader needs it: the frames of the reader's own code and
    the exception, without the frames inside installed packages (whose absolute paths name this machine)."""
    kept = [frame for frame in frames if "site-packages" not in frame and str(ROOT) not in frame]
    return kept or frames[-1:]


def execute(path, timeout=1200):
    path = pathlib.Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)  # keep diffs small: no timestamps
        # stderr is framework log noise (TensorFlow's C++ start-up lines); nbval does not compare it and
        # the book drops it (execute.stderr_output: remove), so the stored notebook drops it too.
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
            for output in cell.outputs:
                if output.output_type == "error":
                    output.traceback = reader_traceback(output.traceback)
    nbformat.write(nb, path)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--all", action="store_true", help="every notebook under book/")
    args = parser.parse_args(argv)
    os.environ.update(ENV)
    paths = chapter_notebooks() if args.all else [pathlib.Path(p) for p in args.notebooks]
    if not paths:
        parser.error("name notebooks or pass --all")
    for path in paths:
        seconds = execute(path)
        print(f"{path}: executed in {seconds:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
