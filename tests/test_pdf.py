"""The book's PDF (``make pdf``, ``tools/book_pdf.py``): checked as a reader would find it.

Runs when ``_build/pdf/momentum-lab.pdf`` exists (CI builds it after ``make test`` and then runs this
file; ``MOMENTUM_LAB_PDF`` names another one) and skips with a message otherwise. It reads the PDF's text
with pypdf and checks: the file name and title; a sensible number of pages; a title page and a table of
contents whose page numbers point at the pages where the chapters start; every page of ``_toc.yml``
present with its title; every chapter's solutions in the appendix; page numbers on the pages; no "??"
left by an unresolved reference; no raw TeX (``$``, ``\\frac``, ``\\sqrt``, ``\\(`` ...) in the text;
no link to the local server that printed it; and the build's own record (``momentum-lab.json``) lists
no problem (no request to another host, no console or MathJax error, nothing cut at the page edge).
"""

import json
import os
import pathlib
import re
import sys
import unicodedata

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PDF = pathlib.Path(os.environ.get("MOMENTUM_LAB_PDF", ROOT / "_build" / "pdf" / "momentum-lab.pdf"))
RAW_TEX = re.compile(
    r"\$|\\(?:[td]?frac|sqrt|hat|bar|tilde|mathrm|mathbb|mathbf|operatorname|left|right|"
    r"cdot|alpha|beta|eta|kappa|lambda|theta|mu|nabla|partial|le|ge|[()\[\]])(?![A-Za-z])"
)

pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed (pip install -r requirements.txt)")
if not PDF.is_file():
    pytest.skip(f"no PDF at {PDF} (run `make pdf` first)", allow_module_level=True)

sys.path.insert(0, str(ROOT / "tools"))
import book_pdf  # noqa: E402


@pytest.fixture(scope="module")
def reader():
    return pypdf.PdfReader(str(PDF))


@pytest.fixture(scope="module")
def texts(reader):
    # NFKC: the ligatures of the print ("ﬀ", "ﬁ") read as their letters
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split()) for page in reader.pages]


@pytest.fixture(scope="module")
def record():
    path = PDF.with_suffix(".json")
    assert path.is_file(), f"{path} is missing: the PDF's build record is written beside it"
    return json.loads(path.read_text(encoding="utf-8"))


def _squash(text):
    return re.sub(r"\W+", "", text).lower()


def test_file_name_title_and_size(reader, record):
    assert PDF.name == "momentum-lab.pdf"
    title = reader.metadata.title or ""
    assert title.startswith("Momentum Lab"), f"PDF title {title!r}"
    assert "projectnamenotset" not in title.lower()
    # 15 pages of text and 10 chapters of 10-25 pages each: far fewer means pages went missing, far more
    # that something printed wrongly (a page per line, a figure per page)
    assert 120 <= len(reader.pages) <= 600, f"{len(reader.pages)} pages"
    assert record["pages"] == len(reader.pages)


def test_title_page_and_contents(texts, record):
    assert "Momentum Lab" in texts[0] and "authors" in texts[0], texts[0][:200]
    contents = " ".join(texts[1:6])
    assert "Contents" in contents
    chapters = [d for d in record["documents"] if d["kind"] == "chapter"]
    squashed = [_squash(t) for t in texts]
    for doc in chapters:
        # the contents list the document with the page it starts on, and that page shows its title
        line = re.escape(doc["title"]).replace(r"\ ", r"\s*")
        match = re.search(line + r"[\s.]*(\d+)", contents)
        assert match, f"{doc['title']!r} is not in the table of contents"
        page = int(match[1])
        assert page == doc["first_page"], (
            f"contents give page {page} for {doc['title']!r}, it starts on {doc['first_page']}"
        )
        assert _squash(doc["title"])[:40] in squashed[page - 1], f"page {page} does not show {doc['title']!r}"


def test_every_page_of_the_book_is_in_it(texts, record):
    documents = book_pdf.toc_documents(PDF.parent.parent / "html") if (PDF.parent.parent / "html").is_dir() else None
    printed = [d["file"] for d in record["documents"] if d["kind"] == "chapter"]
    if documents is not None:
        assert printed == [d["file"] for d in documents], "the PDF does not follow _toc.yml"
    whole = _squash(" ".join(texts))
    for title in record["chapter_titles"]:
        assert _squash(title) in whole, f"chapter title {title!r} not in the PDF's text"
    numbered = [t for t in record["chapter_titles"] if re.match(r"\d+\.\s", t)]
    assert len(numbered) >= 10, f"numbered chapters: {numbered}"
    for number in range(1, len(numbered) + 1):
        assert any(t.startswith(f"{number}. ") for t in numbered), f"chapter {number} is missing"


def test_solutions_are_in_the_appendix(texts, record):
    solutions = [d for d in record["documents"] if d["kind"] == "solutions"]
    chapters = [d for d in record["documents"] if d["kind"] == "chapter" and re.match(r"\d+\.\s", d["title"])]
    assert len(solutions) == len(chapters)
    last_chapter_page = max(d["first_page"] + d["pages"] - 1 for d in record["documents"] if d["kind"] == "chapter")
    for doc in solutions:
        assert doc["first_page"] > last_chapter_page, "solutions are an appendix after the book"
        first = texts[doc["first_page"] - 1]
        assert "Solutions" in first and "Solution to Exercise" in first, first[:200]
    chapter_text = " ".join(texts[:last_chapter_page])
    assert "Solution to Exercise" not in chapter_text, "a solution was left in its chapter"
    assert chapter_text.count("Solution in the appendix") >= 4 * len(chapters)


def test_pages_are_numbered(texts):
    for number in (2, 10, len(texts) // 2, len(texts)):
        assert re.search(rf"(?:^|\s){number}$", texts[number - 1]), f"page {number} does not end with its number"


def test_no_unresolved_references_or_raw_tex(texts):
    for number, text in enumerate(texts, 1):
        assert "??" not in text, f"page {number}: unresolved reference: ...{text[max(0, text.find('??') - 60) :][:120]}"
        match = RAW_TEX.search(text)
        assert match is None, f"page {number}: raw TeX {match[0]!r}: ...{text[max(0, match.start() - 60) :][:120]}"


def test_links_stay_in_the_book_or_go_to_real_sites(reader, record):
    for number, page in enumerate(reader.pages, 1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            assert not re.match(r"https?://(127\.0\.0\.1|localhost)", uri), f"page {number}: link {uri}"
    assert record["links"]["internal_links"] > 100


def test_build_saw_no_problem(record):
    assert record["problems"] == [], "\n".join(record["problems"])
