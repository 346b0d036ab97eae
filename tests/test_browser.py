"""Every page of the built book, opened in a real headless Chromium, offline.

The site (``_build/html``, or the folder named by ``MOMENTUM_LAB_SITE``, e.g. ``student/_build/html``) is
served on localhost from a thread; Playwright drives Debian's Chromium (``/usr/bin/chromium``, found on
PATH or named by ``CHROMIUM``). Every request to another host is blocked, as for a reader with the
offline HTML, and each page is checked for:

- no console errors, no uncaught exceptions, no local resource that fails to load, and no request to the
  network except the ipywidgets embed scripts on widget pages (they come from a CDN by design; their
  failure is the case the widget notes cover);
- math typeset by the MathJax shipped in ``_static`` (every ``.math`` element holds an ``mjx-container``,
  no TeX errors);
- every image loaded (``naturalWidth > 0``), with a real alt text or inside a figure with a caption;
- sphinx-design tabs switching on click; exercise-solution dropdowns opening on click;
- widgets degrading to a visible note, next to the static figure drawn by the cell before;
- notebook pages offering their notebook for download (the link resolves to the .ipynb) and, on the main
  build, Binder and Colab buttons that open ``book/NN_name.ipynb``.

``make test`` builds the book before it runs the unit tests, so this test sees the fresh build. It skips
with a message when Chromium, Playwright or the build is missing.
"""

import functools
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import threading
import urllib.parse

import pytest

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAIN_SITE = ROOT / "_build" / "html"
SITE = pathlib.Path(os.environ.get("MOMENTUM_LAB_SITE", MAIN_SITE)).resolve()


def _find_chromium():
    """``$CHROMIUM``, or the first Chromium or Chrome on PATH that runs (Ubuntu's snap stubs do not)."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path is None:
            continue
        try:
            if subprocess.run([path, "--version"], capture_output=True, timeout=30).returncode == 0:
                return path
        except (OSError, subprocess.TimeoutExpired):
            continue
    return None


CHROMIUM = _find_chromium()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


def site_pages():
    if not (SITE / "index.html").is_file():
        return []
    skip = {"_static", "_sources", "_images", "_downloads"}
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                  if not skip.intersection(p.relative_to(SITE).parts))


PAGES = site_pages()


def _skip_reason():
    if not PAGES:
        return f"no built book at {SITE} (run `make book` first)"
    if CHROMIUM is None:
        return "Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)"
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url():
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                   "(pip install -r requirements.txt)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageVisit:
    """One page opened offline, with everything the browser reported while loading it."""

    def __init__(self, browser, base_url, rel):
        self.rel = rel
        self.url = urllib.parse.urljoin(base_url, rel)
        self.local = urllib.parse.urlsplit(base_url).netloc
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.console_errors, self.exceptions, self.external, self.failed_local = [], [], [], []
        self.context.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.exceptions.append(str(exc)))
        self.page.on("response", self._response)
        self.page.goto(self.url, wait_until="load")

    def _route(self, route):
        if urllib.parse.urlsplit(route.request.url).netloc in (self.local, ""):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))

    def _response(self, response):
        if response.status >= 400 and urllib.parse.urlsplit(response.url).netloc == self.local:
            self.failed_local.append(f"{response.status} {response.url}")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url, request):
    target = _redirect_target(request.param)
    if target is not None:  # nothing to render: check that it leads to a page, which is visited itself
        resolved = (SITE / request.param).parent / urllib.parse.urlsplit(target).path
        assert resolved.is_file(), f"{request.param} redirects to a missing page: {target}"
        yield None
        return
    page = PageVisit(browser, base_url, request.param)
    yield page
    page.close()


def _redirect_target(rel):
    """Where a redirect page (Jupyter Book's index.html) sends the reader, or None."""
    text = (SITE / rel).read_text(encoding="utf-8", errors="replace")
    match = re.search(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', text, re.IGNORECASE)
    return match.group(1) if match else None


def _notebook_of(rel):
    """The notebook a page was built from, as a path relative to the book's root, or None."""
    source = pathlib.PurePosixPath(rel).with_suffix(".ipynb").as_posix()
    return source if (SITE / "_sources" / source).is_file() else None


@pytest.mark.parametrize("visit", PAGES or [pytest.param(None, marks=pytest.mark.skip(
    reason=_skip_reason() or "no pages"))], indirect=True, ids=str)
def test_page(visit):
    if visit is None:  # a redirect page, checked by the fixture
        return
    page, rel = visit.page, visit.rel
    problems = []

    # --- network and console ---------------------------------------------------------------------
    widget_scripts = page.evaluate(
        "() => Array.from(document.scripts).filter(s => s.src && s.src.includes('jupyter-widgets')"
        " || (s.src && s.src.includes('require'))).map(s => s.src)")
    has_widgets = page.locator(WIDGET_VIEW).count() > 0
    allowed_external = set(widget_scripts) if has_widgets else set()
    unexpected = [u for u in visit.external if u not in allowed_external]
    if unexpected:
        problems.append(f"requests to the network (offline readers lose them): {unexpected}")
    errors = [text for text, url in visit.console_errors
              if not (url in allowed_external and "Failed to load resource" in text)]
    problems += [f"console error: {e}" for e in errors]
    problems += [f"uncaught exception: {e}" for e in visit.exceptions]
    problems += [f"failed to load: {e}" for e in visit.failed_local]

    # --- math ------------------------------------------------------------------------------------
    n_math = page.locator(".math").count()
    if n_math:
        src = page.evaluate("() => (document.querySelector('script[src*=\"mathjax\"]') || {}).src || ''")
        if not src.startswith(urllib.parse.urljoin(visit.url, "/")):
            problems.append(f"MathJax is not served with the book: {src!r}")
        try:
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                                   timeout=20_000)
            page.evaluate("() => MathJax.startup.promise")
        except Exception as exc:  # reported with the page's other problems
            problems.append(f"MathJax did not start: {str(exc).splitlines()[0]}")
        math = page.evaluate("""() => {
            const all = Array.from(document.querySelectorAll('.math'));
            return {untypeset: all.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60)),
                    errors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.getAttribute('data-mjx-error') || e.textContent)};
        }""")
        if math["untypeset"]:
            problems.append(f"{len(math['untypeset'])} of {n_math} math elements not typeset, e.g. "
                            f"{math['untypeset'][:3]}")
        if math["errors"]:
            problems.append(f"TeX errors: {math['errors'][:5]}")

    # --- images ----------------------------------------------------------------------------------
    images = page.evaluate("""() => Array.from(document.images).map(img => {
        const fig = img.closest('figure');
        return {src: img.getAttribute('src'), alt: img.getAttribute('alt'), loaded: img.complete && img.naturalWidth > 0,
                caption: fig && fig.querySelector('figcaption') ? fig.querySelector('figcaption').textContent.trim() : ''};
    })""")
    for img in images:
        if not img["loaded"]:
            problems.append(f"image did not load: {img['src']}")
        alt = (img["alt"] or "").strip()
        meaningful = alt and not IMAGE_FILE.search(alt) and "_images/" not in alt and alt != img["src"]
        if not meaningful and not img["caption"]:
            problems.append(f"image without alt text or caption: {img['src']} (alt={img['alt']!r}); give "
                            "the cell metadata `mystnb: {image: {alt: ...}}` or a caption after it")

    # --- tabs ------------------------------------------------------------------------------------
    for t in range(page.locator(".sd-tab-set").count()):
        tab_set = page.locator(".sd-tab-set").nth(t)
        labels = tab_set.locator(":scope > label")
        contents = tab_set.locator(":scope > .sd-tab-content")
        for i in range(labels.count()):
            labels.nth(i).click()
            shown = [contents.nth(j).is_visible() for j in range(contents.count())]
            if shown != [j == i for j in range(contents.count())]:
                problems.append(f"tab set {t}: clicking tab {i} shows panels {shown}")

    # --- exercise solutions ----------------------------------------------------------------------
    solutions = page.locator(".solution.dropdown")
    for s in range(solutions.count()):
        solution = solutions.nth(s)
        body = solution.locator(":scope > :not(.admonition-title)").first
        if body.is_visible():
            problems.append(f"solution {s} is visible before it is opened")
            continue
        solution.locator(".toggle-button").first.click()  # the chevron sphinx-togglebutton adds
        try:
            body.wait_for(state="visible", timeout=5_000)
        except Exception:
            problems.append(f"solution {s} does not open when its toggle button is clicked")

    # --- widgets ---------------------------------------------------------------------------------
    widgets = page.evaluate("""(sel) => Array.from(document.querySelectorAll(sel)).map(script => {
        const out = script.parentElement;
        const note = out.querySelector('.ml-widget-fallback');
        let cell = script.closest('.cell'), prev = cell && cell.previousElementSibling;
        while (prev && !prev.classList.contains('cell')) prev = prev.previousElementSibling;
        return {note: !!note && note.offsetHeight > 0, live: out.classList.contains('ml-widget-live'),
                figureBefore: !!prev && !!prev.querySelector('img')};
    })""", WIDGET_VIEW)
    for w, widget in enumerate(widgets):
        if not widget["live"] and not widget["note"]:
            problems.append(f"widget {w} shows neither the widget nor the note: a blank box")
        if not widget["figureBefore"]:
            problems.append(f"widget {w} has no static figure in the cell before it (CONTRIBUTING.md)")

    # --- download and launch buttons -------------------------------------------------------------
    notebook = _notebook_of(rel)
    links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    if notebook:
        downloads = [h for h in links if h.endswith(".ipynb") and "/_sources/" in h]
        if not downloads:
            problems.append("no download link for the page's notebook")
        for href in downloads[:1]:
            response = visit.context.request.get(href)
            if not response.ok or "cells" not in json.loads(response.body()):
                problems.append(f"download link {href} does not give the notebook")
        colab = [h for h in links if "colab.research.google.com" in h]
        binder = [h for h in links if "mybinder.org" in h or "/v2/gh/" in h]
        if SITE == MAIN_SITE and not (colab and binder):
            problems.append(f"missing launch buttons (Colab: {len(colab)}, Binder: {len(binder)})")
        for href in colab:
            if not href.endswith("/" + notebook):
                problems.append(f"Colab button does not open {notebook}: {href}")
        for href in binder:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
            target = (query.get("urlpath") or query.get("labpath") or [""])[0]
            if not target.endswith(notebook):
                problems.append(f"Binder button does not open {notebook}: {href}")

    print(f"{rel}: {n_math} math, {len(images)} images, {page.locator('.sd-tab-set').count()} tab sets, "
          f"{solutions.count()} solutions, {len(widgets)} widgets, notebook={bool(notebook)}")
    assert not problems, f"{rel}:\n  " + "\n  ".join(problems)


def test_widget_note_gives_way_to_a_rendered_widget(browser, base_url):
    """Online, the ipywidgets embed script renders each view next to its script tag; the note must go."""
    page_with_widget = next((rel for rel in PAGES if "widget-view+json" in
                             (SITE / rel).read_text(encoding="utf-8", errors="replace")), None)
    if page_with_widget is None:
        pytest.skip("no page with a widget")
    visit = PageVisit(browser, base_url, page_with_widget)
    try:
        hidden = visit.page.evaluate("""async (sel) => {
            const script = document.querySelector(sel);
            const note = script.parentElement.querySelector('.ml-widget-fallback');
            const before = note.offsetHeight > 0;
            const view = document.createElement('div');  // what the embed script inserts
            view.className = 'widget-subarea';
            script.parentElement.insertBefore(view, script);
            await new Promise(resolve => setTimeout(resolve, 100));
            return {before, after: note.offsetHeight > 0};
        }""", WIDGET_VIEW)
    finally:
        visit.close()
    assert hidden == {"before": True, "after": False}, hidden
