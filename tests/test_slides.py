"""Chapter slide decks (``tools/chapter_slides.py``, ``make slides``): one deck built and opened in Chromium.

The deck of chapter 1 is built from the built book (``_build/html``, or ``MOMENTUM_LAB_SITE``) into a
temporary folder inside a copy of the site's layout, and opened from a server on localhost in Debian's
Chromium, offline: every request to another host is blocked and reported. The test checks that the deck
has a title slide and one slide per section with the chapter's key idea, equations typeset by the book's
MathJax, its first figure loaded, and a link to the live explorer; that there is no console error, no
uncaught exception, no local file that fails to load and no request to another host; and that the arrow
key moves to the next slide. The cell tags that steer a deck are checked on a small page made here.
It skips with a message when the build, Chromium or Playwright is missing.
"""

import functools
import http.server
import json
import os
import pathlib
import shutil
import sys
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = pathlib.Path(os.environ.get("MOMENTUM_LAB_SITE", ROOT / "_build" / "html")).resolve()
CHAPTER = "book/01_gradient_descent"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

sys.path.insert(0, str(ROOT / "tools"))
import chapter_slides  # noqa: E402

pytest.importorskip("bs4", reason="beautifulsoup4 is not installed (it comes with jupyter-book)")


def _chromium():
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _need_site():
    if not (SITE / f"{CHAPTER}.html").is_file():
        pytest.skip(f"no built book at {SITE} (run `make book` first)")
    if not (SITE / "_static" / "slides" / "reveal" / "reveal.js").is_file():
        pytest.skip(f"{SITE} was built before the slides' files existed (run `make book`)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def deck_site(tmp_path_factory):
    """A folder laid out as the site, with links to the site's files, and the chapter 1 deck built in it."""
    _need_site()
    folder = tmp_path_factory.mktemp("site")
    for name in ("_static", "_images", "book"):
        (folder / name).symlink_to(SITE / name, target_is_directory=True)
    made = chapter_slides.build(SITE, out=folder / "slides", chapters=[CHAPTER], log=lambda *_: None)
    return folder, made


def test_the_deck_has_the_chapter_structure(deck_site):
    import bs4

    folder, made = deck_site
    ((number, title, count),) = made
    assert number == "01" and title.startswith("1. ")
    soup = bs4.BeautifulSoup((folder / "slides" / "01.html").read_text(encoding="utf-8"), "html.parser")
    slides = soup.select(".reveal .slides > section")
    page = bs4.BeautifulSoup((SITE / f"{CHAPTER}.html").read_text(encoding="utf-8"), "html.parser")
    sections = [s for s in page.select("article section > section") if s.find("h2", recursive=False)]
    assert count == len(slides) == 1 + len(sections), "a title slide and one slide per section"
    assert slides[0].h1.get_text(strip=True) == title
    text = soup.get_text(" ")
    assert "Key idea" in text
    assert soup.select(".ml-slide-math"), "no display equation on the slides"
    assert soup.select("figure.ml-slide-figure img"), "no figure on the slides"
    explorer = [a for a in soup.select("a[href]") if "live explorer" in a.get_text()]
    assert explorer and explorer[0]["href"].startswith(f"../{CHAPTER}.html#")
    for src in [s["src"] for s in soup.select("[src]")] + [h["href"] for h in soup.select("link[href]")]:
        assert not urllib.parse.urlsplit(src).netloc, f"the deck names another host: {src}"
        assert (folder / "slides" / urllib.parse.urlsplit(src).path).resolve().exists(), f"missing: {src}"


def test_the_deck_opens_offline_without_errors(deck_site):
    folder, _ = deck_site
    chromium = _chromium()
    if chromium is None:
        pytest.skip("Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    external, errors, failed = [], [], []
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800})

            def route(r):
                if urllib.parse.urlsplit(r.request.url).netloc == urllib.parse.urlsplit(base).netloc:
                    return r.continue_()
                external.append(r.request.url)
                return r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(base + "slides/01.html", wait_until="load")
            page.wait_for_function(
                "() => document.documentElement.getAttribute('data-slides-ready') === 'true'", timeout=30_000
            )
            total = page.evaluate("() => Reveal.getTotalSlides()")
            typeset = page.evaluate("() => document.querySelectorAll('mjx-container').length")
            tex_errors = page.evaluate("() => document.querySelectorAll('mjx-merror').length")
            page.screenshot(path=str(folder / "slide-1.png"))
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => Reveal.getIndices().h === 1", timeout=5_000)
            page.screenshot(path=str(folder / "slide-2.png"))
            # the slide with the figure: every image of the deck loaded
            broken = page.evaluate(
                "() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
            )
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    assert external == [], f"requests to other hosts: {external}"
    assert errors == [], f"console errors: {errors}"
    assert failed == [], f"local files that failed to load: {failed}"
    assert broken == [], f"images that did not load: {broken}"
    assert total >= 5
    assert typeset > 0 and tex_errors == 0


def test_cell_tags_steer_the_deck(tmp_path):
    page = tmp_path / "book" / "07_tags.html"
    page.parent.mkdir()
    (tmp_path / "_static" / "slides" / "reveal").mkdir(parents=True)
    (tmp_path / "_static" / "slides" / "reveal" / "reveal.js").write_text("", encoding="utf-8")
    figure = (
        '<div class="cell {tag} docutils container"><div class="cell_output">'
        '<img src="../_images/{name}.png" alt="{name}"></div></div>'
    )
    page.write_text(
        f"""<html><body><article class="bd-article"><section id="ch"><h1>7. Tags</h1>
<section id="kept"><h2>7.1. Kept</h2><p>Opening words.</p>{figure.format(tag="tag_no-slide", name="hidden")}
{figure.format(tag="", name="first")}{figure.format(tag="tag_slide", name="extra")}</section>
<section id="dropped"><h2>7.2. Dropped</h2><p>Not on a slide.</p></section>
</section></article></body></html>""",
        encoding="utf-8",
    )
    notebook = tmp_path / "book" / "07_tags.ipynb"
    cells = [
        {"cell_type": "markdown", "metadata": {"tags": ["slide"]}, "source": ["## Kept\n", "Opening words."]},
        {"cell_type": "markdown", "metadata": {"tags": ["no-slide"]}, "source": "## Dropped\n"},
    ]
    notebook.write_text(json.dumps({"cells": cells}), encoding="utf-8")
    number, title, count, deck = chapter_slides.chapter_deck(tmp_path, "book/07_tags", notebook=notebook)
    assert (number, title, count) == ("07", "7. Tags", 2)
    assert "Dropped" not in deck and "Not on a slide" not in deck
    assert "Opening words." in deck, "a markdown cell tagged slide puts its opening paragraph on the slide"
    assert "first.png" in deck and "extra.png" in deck and "hidden.png" not in deck


def test_instructor_guide_links_every_deck():
    guide = (ROOT / "book" / "instructor_guide.md").read_text(encoding="utf-8")
    for chapter in chapter_slides.chapter_files():
        number = chapter_slides.CHAPTER_FILE.match(chapter)[1]
        assert f'href="../slides/{number}.html"' in guide, f"the instructor guide does not link slides/{number}.html"
    assert 'href="../momentum-lab.pdf"' in guide
    assert 'href="../momentum-lab.pdf"' in (ROOT / "book" / "preface.md").read_text(encoding="utf-8")
