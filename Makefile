# Momentum Lab. Two commands matter (see README):
#   make book   build the book into _build/html, executing every notebook
#   make test   lint and types + the book under -W + unit tests + strict nbval over every chapter
# Each creates (or reuses) .venv and installs requirements.txt into it.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export CUDA_VISIBLE_DEVICES :=
export PYTHONHASHSEED := 0
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(shell find book -name '*.ipynb' -not -path '*/_build/*' -not -path '*/.ipynb_checkpoints/*' | sort)
# Two workers on CI's two cores; loadscope keeps each notebook in one kernel.
NBVAL_WORKERS ?= 2

.PHONY: book test lint unit nbval book-strict clean bench student student-light numpy-only notebooks preview pdf slides

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

book: $(STAMP)
	$(VENV)/bin/jupyter-book build . --path-output . -W -n --keep-going

# A quick look at the pages: the committed outputs rendered without executing (into $(PREVIEW)/_build/html).
PREVIEW ?= _build/preview
preview: $(STAMP)
	$(PY) tools/preview_book.py --out $(PREVIEW)

# The test command: everything CI checks. The book is built first (make runs prerequisites in order),
# so the browser test in `unit` (tests/test_browser.py) drives the fresh _build/html.
test: lint book-strict unit nbval

# The linter, the formatter (as a check: `ruff format` rewrites) and the type checker, all configured in
# pyproject.toml. .pre-commit-config.yaml runs the same three on each commit.
LINTED := momentum_lab tests benchmarks tools conftest.py
lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest tests -q -n $(NBVAL_WORKERS)

nbval: $(STAMP)
	$(PY) -m pytest --nbval --nbval-sanitize-with .nbval-sanitize.cfg --nbval-current-env \
		-p no:cacheprovider -n $(NBVAL_WORKERS) --dist loadscope -q $(NOTEBOOKS)

book-strict: book

# The book as one PDF (_build/pdf/momentum-lab.pdf, copied into the site as momentum-lab.pdf) and a
# reveal.js deck per chapter (_build/html/slides/NN.html), both made from the built HTML with the
# Chromium of the browser test. Each builds the book first; SITE_READY=1 takes _build/html as it stands
# (CI does, after `make test`). tests/test_pdf.py checks the PDF once it exists.
SITE_DEPS := $(if $(SITE_READY),,book)
pdf: $(STAMP) $(SITE_DEPS)
	$(PY) tools/book_pdf.py

slides: $(STAMP) $(SITE_DEPS)
	$(PY) tools/chapter_slides.py

# Re-execute every chapter notebook in place (commit the result).
notebooks: $(STAMP)
	$(PY) tools/execute_notebooks.py --all

# The student edition: chapters without solutions in student/ (a repository of its own) and its book in
# student/_build/html, built from the stored outputs without executing anything.
student: $(STAMP)
	$(PY) tools/student_edition.py --out student --html

# The light install: requirements-numpy.txt (everything but TensorFlow, Keras and PyTorch) in .venv-light.
LIGHT_VENV  := .venv-light
LIGHT_PY    := $(LIGHT_VENV)/bin/python
LIGHT_STAMP := $(LIGHT_VENV)/.installed

$(LIGHT_STAMP): requirements-numpy.txt pyproject.toml
	test -x $(LIGHT_PY) || $(PYTHON) -m venv $(LIGHT_VENV)
	$(LIGHT_PY) -m pip install --quiet --upgrade pip
	$(LIGHT_PY) -m pip install --quiet -r requirements-numpy.txt
	$(LIGHT_PY) -m pip install --quiet --no-deps -e .
	$(LIGHT_PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(LIGHT_STAMP)

# The student edition built from the light install alone (same output as `make student`).
student-light: $(LIGHT_STAMP)
	$(LIGHT_PY) tools/student_edition.py --out student --html

# Every chapter with the frameworks made unimportable (tests/test_numpy_only.py runs the same).
numpy-only: $(STAMP)
	$(PY) tools/numpy_only.py

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf _build student
