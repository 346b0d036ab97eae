"""The API reference (book/api/) has one page per public module, as tools/api_pages.py writes them."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Writing the pages imports every module, momentum_lab.tf and momentum_lab.torch included.
pytestmark = pytest.mark.frameworks


def test_pages_are_up_to_date():
    pytest.importorskip("sphinx")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "api_pages.py"), "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_reference_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    assert "- file: book/api/index" in toc and "- glob: book/api/momentum_lab*" in toc
