"""Build the book from the notebooks' committed outputs, without executing them: a quick look at pages.

    python tools/preview_book.py [--out DIR]      # default: _build/preview (the site is DIR/_build/html)

The real build (``make book``) executes every notebook; this one renders what is stored, so a change to
the page (stylesheet, extension, markdown) can be seen in a minute instead of several. It runs the same
configuration with ``execute_notebooks: off`` and warnings as errors (``--keep-going`` reports them all).
"""

import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]


def preview_config(text):
    """``_config.yml`` with execution off and its relative paths made absolute (the copy lives elsewhere)."""
    text = text.replace("execute_notebooks: cache", 'execute_notebooks: "off"')
    text = re.sub(r"(?m)^(logo:\s*)(book/\S+)", lambda m: m[1] + str(ROOT / m[2]), text)
    text = re.sub(r"(?m)^(\s+- )(references\.bib)$", lambda m: m[1] + str(ROOT / m[2]), text)
    return re.sub(r"(?m)^(\s+\w+:\s*)(book/_ext)$", lambda m: m[1] + str(ROOT / m[2]), text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "_build" / "preview"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        config = pathlib.Path(folder) / "_config.yml"
        config.write_text(preview_config((ROOT / "_config.yml").read_text(encoding="utf-8")), encoding="utf-8")
        command = [
            str(pathlib.Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(ROOT),
            "--config",
            str(config),
            "--path-output",
            args.out,
            "-W",
            "-n",
            "--keep-going",
        ]
        return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
