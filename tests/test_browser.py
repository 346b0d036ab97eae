"""Every page of the built book, opened in a real headless Chromium, offline, at a phone and a desktop width.

The site (``_build/html``, or the folder named by ``MOMENTUM_LAB_SITE``, e.g. ``student/_build/html``) is
served on localhost from a thread; Playwright drives Debian's Chromium (``/usr/bin/chromium``, found on
PATH or named by ``CHROMIUM``), with real scrollbars (Playwright hides them by default, which would hide a
missing one). Every request to another host is blocked and reported. Each page is opened cold (a fresh
browser context, nothing cached) at 390 and 1280 CSS px and checked for:

- **network and console**: no request to another host, no console error or uncaught exception, no local
  resource that fails to load; the bytes transferred are recorded (the page weight);
- **math**: typeset by the MathJax shipped in ``_static``, no TeX errors;
- **nothing clipped**: the page does not scroll sideways, and no block (code, output, table, display
  equation, figure, paragraph...) is wider than its box unless it scrolls with a visible scrollbar;
- **no raw TeX** a reader can see (``$``, ``\\frac``, ``\\sqrt``, ``\\(`` ... in rendered text outside
  math and code, in alt texts and in the page title), and no "Exercise Exercise";
- **outputs**: no absolute path of the build machine; an intentional error shows a short readable error
  (the exception and the line that raised it), not a framework traceback;
- **figures**: every image loaded, with a real alt text; text in SVG figures no smaller than 9 CSS px at
  the desktop width; on a phone every figure as wide as the column allows (the figures of a ``panels``
  cell stack rather than shrink side by side); PNG figures at least twice as wide as displayed;
- **navigation**: the visible site-navigation button opens the table of contents (a drawer on a phone,
  the sidebar on a desktop), Escape or a second press closes it, ``aria-expanded`` follows; the
  "contents" button does the same for the page's own table of contents;
- **solutions**: each dropdown opens and closes from anywhere on its header (its title link included),
  without leaving the page, without a console error, and without touching the other dropdowns;
- **tabs**: every tab set switches on click; framework tab sets read NumPy, TensorFlow, PyTorch in that
  order and are synchronised on the page (and, in ``test_framework_choice_follows_the_reader``, across
  pages);
- notebook pages offer their notebook for download and, on the main build, Binder and Colab buttons.

A full-page screenshot of every page at both widths goes to ``_build/screenshots/<width>/`` (next to the
site's ``html`` folder), with a JSON record of what was measured, so a reviewer can look.

``make test`` builds the book before it runs the unit tests, so this test sees the fresh build. It skips
with a message when Chromium, Playwright or the build is missing.
"""

import functools
import http.server
import json
import os
import pathlib
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from benchmarks import _browser

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAIN_SITE = ROOT / "_build" / "html"
SITE = pathlib.Path(os.environ.get("MOMENTUM_LAB_SITE", MAIN_SITE)).resolve()
SCREENSHOTS = SITE.parent / "screenshots"

WIDTHS = (390, 1280)
HEIGHT = {390: 844, 800: 1000, 1280: 900}
DESKTOP_MIN_FONT_PX = 9.0  # the floor for text in a figure at its displayed size on a desktop
FRAMEWORK_ORDER = ["NumPy", "TensorFlow", "PyTorch"]
FRAMEWORK_WORDS = re.compile(r"^(numpy|tensorflow|keras|pytorch|torch|jax)\b", re.IGNORECASE)
RAW_TEX = re.compile(
    r"\$|\\(?:[td]?frac|sqrt|hat|bar|tilde|mathrm|mathbb|mathbf|operatorname|left|right|"
    r"cdot|alpha|beta|eta|kappa|lambda|theta|mu|nabla|partial|le|ge|[()\[\]])(?![A-Za-z])"
)
ALT_TEX = re.compile(
    r"\\|\$|\^|_\{|[{}]|\b[td]?frac|\bhat(?![a-z\s])|\bmathrm|\bmathbb|\boperatorname|"
    r"\bcdot\b|\bvarepsilon\b"
)
BUILD_PATH = re.compile(
    r"(?<![\w.])(?:/(?:home|usr|opt|tmp|work|root|srv|var|Users|private)/\S+|"
    r"[A-Z]:\\\S+)|site-packages|\.venv/|dist-packages"
)
IMAGE_FILE = re.compile(r"\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


# One way to find and start Chromium, shared with the explorer test and the benchmark.
CHROMIUM = _browser.find_chromium()
CHROMIUM_ARGS = _browser.CHROMIUM_ARGS


def site_pages():
    if not (SITE / "index.html").is_file():
        return []
    skip = {"_static", "_sources", "_images", "_downloads", "slides"}
    return sorted(
        p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html") if not skip.intersection(p.relative_to(SITE).parts)
    )


PAGES = site_pages()


def _skip_reason():
    if not PAGES:
        return f"no built book at {SITE} (run `make book` first)"
    if CHROMIUM is None:
        return "Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)"
    return None


def _redirect_target(rel):
    """Where a redirect page (Jupyter Book's index.html) sends the reader, or None."""
    text = (SITE / rel).read_text(encoding="utf-8", errors="replace")
    match = re.search(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', text, re.IGNORECASE)
    return match.group(1) if match else None


CONTENT_PAGES = [rel for rel in PAGES if _redirect_target(rel) is None]


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
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -r requirements.txt)"
    )
    with sync_api.sync_playwright() as playwright:
        # Real scrollbars: a block that scrolls must show the reader that it does.
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, ignore_default_args=["--hide-scrollbars"]
        )
        yield chromium
        chromium.close()


class PageVisit:
    """One page opened cold and offline, with everything the browser reported while loading it."""

    def __init__(self, browser, base_url, rel, width, context=None, typeset=True):
        self.rel, self.width = rel, width
        self.url = urllib.parse.urljoin(base_url, rel)
        self.local = urllib.parse.urlsplit(base_url).netloc
        self.own_context = context is None
        phone = width < 600  # a phone: touch, and scrollbars that overlay the content until it scrolls
        self.context = context or browser.new_context(
            viewport={"width": width, "height": HEIGHT.get(width, 900)}, is_mobile=phone, has_touch=phone
        )
        self.page = self.context.new_page()
        self.console_errors, self.exceptions, self.external, self.failed_local = [], [], [], []
        self.bytes = {}
        self.context.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.exceptions.append(str(exc)))
        self.page.on("response", self._response)
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        self._urls = {}
        self.cdp.on("Network.requestWillBeSent", lambda e: self._urls.__setitem__(e["requestId"], e["request"]["url"]))
        self.cdp.on("Network.loadingFinished", self._finished)
        self.page.goto(self.url, wait_until="load")
        self.math_problems = []
        if typeset:
            self.math_problems = self._wait_for_math()
            # the fonts MathJax and the icons ask for once the page is typeset (counted in the weight)
            self.page.evaluate("() => document.fonts.ready.then(() => true)")

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

    def _finished(self, event):
        url = self._urls.get(event["requestId"], event["requestId"])
        self.bytes[url] = self.bytes.get(url, 0) + int(event.get("encodedDataLength", 0))

    def _wait_for_math(self):
        page, problems = self.page, []
        if not page.locator(".math").count():
            return problems
        src = page.evaluate("() => (document.querySelector('script[src*=\"mathjax\"]') || {}).src || ''")
        if not src.startswith(urllib.parse.urljoin(self.url, "/")):
            problems.append(f"MathJax is not served with the book: {src!r}")
        try:
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20_000)
            page.evaluate("() => MathJax.startup.promise")
        except Exception as exc:  # reported with the page's other problems
            problems.append(f"MathJax did not start: {str(exc).splitlines()[0]}")
        return problems

    def close(self):
        if self.own_context:
            self.context.close()
        else:
            self.page.close()


def _notebook_of(rel):
    """The notebook a page was built from, as a path relative to the book's root, or None."""
    source = pathlib.PurePosixPath(rel).with_suffix(".ipynb").as_posix()
    return source if (SITE / "_sources" / source).is_file() else None


# --- what one evaluation in the page measures ---------------------------------------------------------

AUDIT_JS = r"""
({rawTex, buildPath}) => {
  const RAW_TEX = new RegExp(rawTex), BUILD_PATH = new RegExp(buildPath);
  const main = document.querySelector('main') || document.body;
  const article = document.querySelector('article.bd-article') || main;
  const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const describe = el => {
    const cls = (el.className && el.className.baseVal === undefined ? el.className : '').trim().split(/\s+/)
      .slice(0, 3).join('.');
    const section = el.closest('section[id]');
    return `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''} in #${section ? section.id : '?'}: ` +
           JSON.stringify((el.textContent || el.getAttribute('alt') || '').trim().replace(/\s+/g, ' ').slice(0, 70));
  };
  const out = {};
  const de = document.documentElement;
  out.pageOverflow = Math.max(de.scrollWidth, document.body.scrollWidth) - de.clientWidth;
  out.pastTheEdge = [];
  if (out.pageOverflow > 1) {  // what sticks out (the innermost elements past the window's edge)
    const past = Array.from(document.body.querySelectorAll('*')).filter(el => visible(el)
      && el.getBoundingClientRect().right > de.clientWidth + 1);
    out.pastTheEdge = past.filter(el => !past.some(o => o !== el && el.contains(o))).slice(0, 4)
      .map(el => `${describe(el)} (right edge at ${Math.round(el.getBoundingClientRect().right)} px)`);
  }
  out.title = document.title;

  // Blocks wider than their box, unless they scroll with a visible scrollbar.
  const scrollsVisibly = el => {
    const cs = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(cs.overflowX)) return false;
    const bar = el.offsetHeight - el.clientHeight - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
    // where scrollbars overlay the content (phones), a shadow at the edge shows that there is more
    const cue = cs.backgroundAttachment.split(',').some(a => a.trim() === 'local');
    return (bar > 0 && cs.scrollbarWidth !== 'none') || cue;
  };
  const BLOCKS = 'pre, div.highlight, .cell_output, .output, table, .table-wrapper, ' +
    'mjx-container[display="true"], div.math, .math-wrapper, img, figure, svg, .sd-tab-set, .sd-tab-content, ' +
    '.admonition, .cell, p, li, dl, dd, blockquote, section, .ml-explorer, .bd-article > *';
  const overflowing = [];
  for (const el of article.querySelectorAll(BLOCKS)) {
    if (!visible(el)) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
    if (scrollsVisibly(el)) continue;
    // inside a block that scrolls visibly: the reader can reach it
    let p = el.parentElement, reachable = false;
    while (p && p !== article.parentElement) { if (scrollsVisibly(p)) { reachable = true; break; } p = p.parentElement; }
    if (!reachable) overflowing.push(el);
  }
  // keep the innermost: a code block cut inside its output inside its cell is one problem
  out.clipped = overflowing.filter(el => !overflowing.some(o => o !== el && el.contains(o)))
    .map(el => `${describe(el)} (${el.scrollWidth} px of content in ${el.clientWidth} px)`);
  // things that stick out of the column or the window without being in a scroller
  const col = article.getBoundingClientRect(), viewport = de.clientWidth;
  if (col.right > viewport + 1 || col.left < -1)
    out.outside.push(`the text column spans ${Math.round(col.left)}..${Math.round(col.right)} px in a ${viewport} px window`);
  out.outside = [];
  for (const el of article.querySelectorAll('pre, table, img, mjx-container[display="true"], figure, .highlight')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    let p = el.parentElement, inScroller = false;
    while (p && p !== article) { if (scrollsVisibly(p)) { inScroller = true; break; } p = p.parentElement; }
    if (!inScroller && r.width > 0 && (r.right > Math.min(col.right, viewport) + 2 || r.left < Math.max(col.left, 0) - 2))
      out.outside.push(`${describe(el)} (spans ${Math.round(r.left)}..${Math.round(r.right)} px, column ${Math.round(col.left)}..${Math.round(col.right)})`);
  }

  // Raw TeX in rendered text outside math and code.
  const SKIP = 'mjx-container, script, style, noscript, .cell_input, code, kbd, .highlight:not(.cell_output .highlight), .math';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  out.rawTex = []; out.exerciseExercise = []; out.buildPaths = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest(SKIP) || !visibleish(el)) continue;
    const text = node.textContent;
    const m = text.match(RAW_TEX);
    if (m) out.rawTex.push(`${describe(el)}: …${text.slice(Math.max(0, m.index - 30), m.index + 30).trim()}…`);
  }
  function visibleish(el) {  // rendered, or inside a closed dropdown or another tab a reader can open
    return !el.closest('[hidden], .d-none') && getComputedStyle(el).display !== 'none' || el.closest('.toggle-hidden, .sd-tab-content');
  }
  const bodyText = main.innerText + ' ' + Array.from(document.querySelectorAll('.toggle-hidden, .sd-tab-content'))
    .map(e => e.textContent).join(' ');
  for (const m of bodyText.matchAll(/Exercise\s+Exercise[^\n]{0,20}/g)) out.exerciseExercise.push(m[0]);
  for (const el of article.querySelectorAll('.cell_output, .output')) {
    const m = el.textContent.match(BUILD_PATH);
    if (m) out.buildPaths.push(`${describe(el)}: ${m[0].slice(0, 80)}`);
  }
  out.errors = Array.from(article.querySelectorAll('.output.traceback, .output.error')).map(el => {
    const text = (el.querySelector('pre') || el).textContent.trim();
    return {where: describe(el), text, lines: text.split('\n').length}; });

  // Images: alt text and what the figure check needs.
  const contentWidth = el => { const cs = getComputedStyle(el);
    return el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight); };
  out.images = Array.from(document.images).map(img => {
    const fig = img.closest('figure'), r = img.getBoundingClientRect();
    const panels = img.closest('.tag_panels');
    return {src: img.src, rawSrc: img.getAttribute('src'), alt: img.getAttribute('alt'),
            loaded: img.complete && img.naturalWidth > 0, natural: img.naturalWidth, shown: r.width,
            isFigure: !!(img.closest('.cell_output') || img.closest('article figure')),
            inPanels: !!panels, column: contentWidth(img.closest('.cell_output, figure') || img.parentElement),
            visible: visible(img), where: describe(img),
            caption: fig && fig.querySelector('figcaption') ? fig.querySelector('figcaption').textContent.trim() : ''};
  });

  // Search fields a reader sees at once.
  const fields = Array.from(document.querySelectorAll('input[type="search"], .search-button-field, form.bd-search'))
    .filter(el => visible(el) && !el.closest('dialog') && el.getBoundingClientRect().width > 0);
  // the search page's own form is the page's subject, not page furniture
  out.searchFields = fields.filter(el => !fields.some(o => o !== el && o.contains(el)))
    .filter(el => !(document.body.id === 'search' || location.pathname.endsWith('/search.html')) || !article.contains(el)).length;

  // Tab sets.
  out.tabSets = Array.from(document.querySelectorAll('.sd-tab-set')).map(set => ({
    labels: Array.from(set.querySelectorAll(':scope > label')).map(l => l.textContent.trim()),
    groups: Array.from(set.querySelectorAll(':scope > label')).map(l => l.getAttribute('data-sync-group')),
    ids: Array.from(set.querySelectorAll(':scope > label')).map(l => l.getAttribute('data-sync-id'))}));

  // Tables (the performance page's rules).
  out.tables = Array.from(article.querySelectorAll('table')).map(t => ({
    firstColumn: Array.from(t.querySelectorAll('tbody tr')).map(r => (r.cells[0] || {}).textContent || '').map(s => s.trim()),
    cells: Array.from(t.querySelectorAll('td')).map(c => c.textContent.trim())}));
  return out;
}
"""


def _svg_font_sizes(path):
    """(smallest font size in user units, viewBox width) of an SVG's text, or (None, width) with no text."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return None, None
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    width = float(view_box[2]) if len(view_box) == 4 else float(re.sub(r"[a-z%]+$", "", root.get("width", "0")))
    smallest = None

    def size_of(el, inherited, scale):
        style = el.get("style") or ""
        match = re.search(r"font-size:\s*([\d.]+)(px|pt)?", style) or re.search(
            r"font:\s*(?:\S+\s+)*?([\d.]+)(px|pt)", style
        )
        size = inherited
        if match:
            size = float(match[1]) * (4 / 3 if match[2] == "pt" else 1)
        elif el.get("font-size"):
            size = float(re.sub(r"[a-z]+$", "", el.get("font-size")))
        for sx, sy in re.findall(r"scale\(\s*([-\d.e]+)(?:[\s,]+([-\d.e]+))?\s*\)", el.get("transform") or ""):
            scale *= (abs(float(sx)) * abs(float(sy or sx))) ** 0.5
        return size, scale

    def walk(el, inherited, scale):
        nonlocal smallest
        size, scale = size_of(el, inherited, scale)
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("text", "tspan") and (el.text or "").strip() and size is not None:
            smallest = size * scale if smallest is None else min(smallest, size * scale)
        for child in el:
            walk(child, size, scale)

    walk(root, 16.0, 1.0)
    return smallest, width


def _figure_problems(images, width, record=None):
    """Figures legible where they are shown.

    On a desktop no text in an SVG figure is under 9 CSS px at its displayed size. On a phone every
    figure is as large as the column allows, so the figures of a ``panels`` cell stack instead of
    shrinking side by side (and the reader can zoom into the SVG); the smallest text there is recorded
    for the reviewer. Raster figures carry at least twice the pixels they are shown with.
    """
    desktop = width >= 1000
    problems = []
    for img in images:
        if not (img["isFigure"] and img["visible"] and img["loaded"] and img["shown"] > 0):
            continue
        path = SITE / urllib.parse.unquote(urllib.parse.urlsplit(img["src"]).path.lstrip("/"))
        name = path.name
        room = min(img["natural"], img["column"])
        if not desktop and img["shown"] < room - 2:
            problems.append(
                f"{name}: shown {img['shown']:.0f} px wide where the column has room for "
                f"{room:.0f} px (panels side by side on a phone?)"
            )
        if path.suffix.lower() == ".svg":
            smallest, view_width = _svg_font_sizes(path)
            if smallest is not None and view_width:
                shown = smallest * img["shown"] / view_width
                if record is not None:
                    record.append((name, round(shown, 1)))
                if desktop and shown < DESKTOP_MIN_FONT_PX - 0.05:
                    problems.append(
                        f"{name}: smallest text {shown:.1f} px at {img['shown']:.0f} px wide "
                        f"(floor {DESKTOP_MIN_FONT_PX:g} px)"
                    )
        elif img["natural"] < 2 * img["shown"] - 1:
            problems.append(
                f"{name}: raster {img['natural']} px shown at {img['shown']:.0f} px "
                f"(needs SVG or at least 2x, {2 * img['shown']:.0f} px)"
            )
    return problems


def _save(visit, audit, problems):
    folder = SCREENSHOTS / str(visit.width)
    folder.mkdir(parents=True, exist_ok=True)
    stem = visit.rel.replace("/", "__").removesuffix(".html")
    try:
        visit.page.screenshot(path=str(folder / f"{stem}.png"), full_page=True)
    except Exception as exc:  # a screenshot that fails is reported, not fatal
        problems.append(f"screenshot failed: {str(exc).splitlines()[0]}")
    heavy = sorted(visit.bytes.items(), key=lambda kv: -kv[1])[:8]
    record = {
        "page": visit.rel,
        "width": visit.width,
        "bytes": sum(visit.bytes.values()),
        "requests": len(visit.bytes),
        "heaviest": heavy,
        "problems": problems,
        "counts": {
            "clipped": len(audit["clipped"]) + len(audit["outside"]),
            "page_overflow": audit["pageOverflow"] > 1,
            "raw_tex": len(audit["rawTex"]),
            "external": len(visit.external),
        },
        "smallest_figure_text_px": audit.get("figureText", []),
    }
    (folder / f"{stem}.json").write_text(json.dumps(record, indent=1), encoding="utf-8")


# --- interactive checks -------------------------------------------------------------------------------

NAV_STATE_JS = """(kind) => {
    const shown = el => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
      && el.getBoundingClientRect().width > 50;
    const button = Array.from(document.querySelectorAll(`.${kind}-toggle`)).find(b => b.getClientRects().length > 0
      && getComputedStyle(b).visibility !== 'hidden');
    const modal = document.getElementById(`pst-${kind}-sidebar-modal`);
    const sidebar = document.getElementById(`pst-${kind}-sidebar`);
    return {button: !!button, expanded: button ? button.getAttribute('aria-expanded') : null,
            open: !!modal && modal.open && shown(modal) && modal.querySelectorAll('a').length > 0,
            docked: shown(sidebar) && !(modal && modal.open),
            hasToc: !!document.querySelector('#pst-page-toc-nav a, .bd-toc-nav a')};
}"""


def _navigation_problems(page, width):
    """The visible navigation buttons open and close what they name; aria-expanded follows.

    The first press of each button is a real click (Playwright checks that it is visible and not
    covered); the rest are keys and synthetic presses, to keep the test fast.
    """
    problems = []
    for kind, name in (("primary", "site navigation"), ("secondary", "contents")):
        state = page.evaluate(NAV_STATE_JS, kind)
        if kind == "secondary" and not state["hasToc"]:
            continue
        if not state["button"]:
            if not state["docked"]:
                problems.append(f"no visible button opens the {name}, and it is not shown beside the text")
            continue
        button = page.locator(f".{kind}-toggle:visible").first
        if state["docked"] and kind == "primary":
            # a desktop: the button folds the sidebar away and brings it back
            button.click()
            try:
                page.wait_for_function(f"() => !({NAV_STATE_JS})('primary').docked", timeout=3_000)
            except Exception:
                problems.append(f"the {name} button does not fold the sidebar away")
                continue
            folded = page.evaluate(NAV_STATE_JS, kind)
            page.evaluate(
                "() => document.querySelector('.primary-toggle:not([hidden])') && "
                "Array.from(document.querySelectorAll('.primary-toggle')).find(b => b.getClientRects().length).click()"
            )
            try:
                page.wait_for_function(f"() => ({NAV_STATE_JS})('primary').docked", timeout=3_000)
            except Exception:
                problems.append(f"a second press of the {name} button does not bring the sidebar back")
            back = page.evaluate(NAV_STATE_JS, kind)
            if folded["expanded"] != "false" or back["expanded"] != "true":
                problems.append(
                    f"the {name} button's aria-expanded does not follow the sidebar "
                    f"({folded['expanded']!r} folded, {back['expanded']!r} shown)"
                )
            continue
        if state["docked"]:
            continue  # shown beside the text; its button (if any) has nothing to open
        button.click()
        try:
            page.wait_for_function(f"() => ({NAV_STATE_JS})('{kind}').open", timeout=3_000)
        except Exception:
            problems.append(f"the visible {name} button does not open a drawer with links")
            continue
        if page.evaluate(NAV_STATE_JS, kind)["expanded"] != "true":
            problems.append(f"the {name} drawer is open but its button does not say aria-expanded=true")
        page.keyboard.press("Escape")
        try:  # the dialog's close event comes a task later
            page.wait_for_function(
                f"() => {{ const s = ({NAV_STATE_JS})('{kind}'); return !s.open && s.expanded === 'false'; }}",
                timeout=2_000,
            )
        except Exception:
            pass
        after = page.evaluate(NAV_STATE_JS, kind)
        if after["open"]:
            problems.append(f"Escape does not close the {name} drawer")
            page.evaluate(f"() => document.getElementById('pst-{kind}-sidebar-modal').close()")
        elif after["expanded"] != "false":
            problems.append(f"the {name} drawer is closed but its button says aria-expanded={after['expanded']!r}")
        # the keyboard opens it too, and a press on the backdrop closes it
        page.evaluate(
            f"() => Array.from(document.querySelectorAll('.{kind}-toggle'))"
            ".find(b => b.getClientRects().length).focus()"
        )
        page.keyboard.press("Enter")
        try:
            page.wait_for_function(f"() => ({NAV_STATE_JS})('{kind}').open", timeout=3_000)
        except Exception:
            problems.append(f"Enter on the focused {name} button does not open the drawer")
            continue
        closed = page.evaluate(f"""() => {{
            const modal = document.getElementById('pst-{kind}-sidebar-modal'), box = modal.getBoundingClientRect();
            const x = box.left > 20 ? 5 : innerWidth - 5;  // the side the drawer does not cover
            modal.dispatchEvent(new MouseEvent('click', {{bubbles: true, clientX: x, clientY: 300}}));
            return !modal.open; }}""")
        try:
            page.wait_for_function(f"() => ({NAV_STATE_JS})('{kind}').expanded === 'false'", timeout=2_000)
        except Exception:
            problems.append(f"the {name} drawer closed by a press outside it leaves aria-expanded=true")
        if not closed:
            problems.append(f"a press outside the {name} drawer does not close it")
            page.evaluate(f"() => document.getElementById('pst-{kind}-sidebar-modal').close()")
    return problems


SOLUTIONS_JS = """() => {
    const items = Array.from(document.querySelectorAll('.solution.dropdown, .admonition.dropdown'));
    const shown = item => {  // what the reader sees (one layout)
        const body = item.querySelector(':scope > :not(.admonition-title)');
        return !!body && body.getClientRects().length > 0 && getComputedStyle(body).visibility !== 'hidden'
          && body.getBoundingClientRect().height > 0; };
    // the pressed dropdown by what is shown; the others by their state (no layout for each)
    const open = (s) => items.map((item, i) => i === s ? shown(item) : !item.classList.contains('toggle-hidden'));
    const press = el => el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
    const problems = [], url = location.href;
    items.forEach((item, s) => {
        const title = item.querySelector(':scope > .admonition-title');
        const before = open(s);
        if (before[s]) { problems.push(`solution ${s} is open before it is pressed`); return; }
        // where a reader presses: the title's text (or link), the chevron's drawing, the bar itself
        const targets = [title.querySelector('a, span') || title, title.querySelector('.toggle-button svg *') || title, title];
        targets.forEach((target, t) => {
            const was = open(s)[s];
            press(target);
            const now = open(s);
            if (now[s] === was) problems.push(`solution ${s} does not ${was ? 'close' : 'open'} when its header is pressed on ${target.tagName.toLowerCase()}${target.className && target.className.baseVal === undefined ? '.' + target.className : ''}`);
            const others = now.map((v, i) => i !== s && v !== before[i] ? i : -1).filter(i => i >= 0);
            if (others.length) problems.push(`pressing solution ${s} changed solutions ${others}`);
        });
        if (open(s)[s]) press(title);  // leave it closed
        if (location.href !== url) problems.push(`pressing solution ${s}'s header leaves for ${location.href}`);
    });
    return {problems, count: items.length};
}"""


def _solution_problems(visit):
    """Each solution dropdown opens and closes from anywhere on its header, alone, staying on the page.

    The first is pressed with a real click on its title (Playwright checks that the header is visible
    and takes the click); then every dropdown is pressed on its title text, its chevron and its bar.
    """
    page, problems = visit.page, []
    solutions = page.locator(".solution.dropdown, .admonition.dropdown")
    if not solutions.count():
        return problems, 0
    url = page.url
    first = solutions.first.locator(":scope > .admonition-title")
    before = page.evaluate(SOLUTIONS_STATE_JS)
    first.click()
    page.wait_for_timeout(50)
    after = page.evaluate(SOLUTIONS_STATE_JS)
    if not after[0]:
        problems.append("solution 0 does not open when its title is clicked")
    if page.url != url:
        problems.append(f"clicking solution 0's title leaves the page for {page.url}")
        page.goto(url)
    elif after[0]:
        first.click()
    if any(a != b for a, b in zip(after[1:], before[1:])):
        problems.append("clicking solution 0 changed other solutions")
    result = page.evaluate(SOLUTIONS_JS)
    return problems + result["problems"], result["count"]


SOLUTIONS_STATE_JS = """() => Array.from(document.querySelectorAll('.solution.dropdown, .admonition.dropdown')).map(s => {
    const body = s.querySelector(':scope > :not(.admonition-title)');
    return !!body && body.getClientRects().length > 0 && getComputedStyle(body).visibility !== 'hidden'
      && body.getBoundingClientRect().height > 0; })"""


def _tab_problems(page, tab_sets):
    problems = []
    sets = page.locator(".sd-tab-set")
    for t, info in enumerate(tab_sets):
        labels, groups = info["labels"], info["groups"]
        framework = [FRAMEWORK_WORDS.match(label) is not None for label in labels]
        if sum(framework) >= 2 or "framework" in groups:
            if labels != [f for f in FRAMEWORK_ORDER if f in labels] or not set(labels) <= set(FRAMEWORK_ORDER):
                problems.append(
                    f"framework tab set {t} reads {labels}; expected labels from {FRAMEWORK_ORDER} in that order"
                )
            if any(g != "framework" for g in groups):
                problems.append(
                    f"framework tab set {t} ({labels}) is not in the synchronised group "
                    f"'framework' (sync groups {groups})"
                )
        tab_set = sets.nth(t)
        label_nodes = tab_set.locator(":scope > label")
        contents = tab_set.locator(":scope > .sd-tab-content")
        for i in range(label_nodes.count()):
            if not label_nodes.nth(i).is_visible():
                continue
            label_nodes.nth(i).click()
            shown = [contents.nth(j).is_visible() for j in range(contents.count())]
            if shown != [j == i for j in range(contents.count())]:
                problems.append(f"tab set {t}: clicking tab {i} shows panels {shown}")
    # on the page: choosing a framework in one set selects it in every other
    framework_sets = [t for t, info in enumerate(tab_sets) if "framework" in info["groups"]]
    if len(framework_sets) >= 2:
        first = sets.nth(framework_sets[0]).locator(":scope > label")
        pick = first.nth(first.count() - 1)
        chosen = pick.get_attribute("data-sync-id")
        pick.click()
        selected = page.evaluate("""() => Array.from(document.querySelectorAll('.sd-tab-set')).map(set => {
            const input = set.querySelector(':scope > input:checked');
            const label = input && input.nextElementSibling;
            return label ? [label.getAttribute('data-sync-group'), label.getAttribute('data-sync-id')] : null; })""")
        for t in framework_sets:
            ids = tab_sets[t]["ids"]
            if chosen in ids and selected[t] and selected[t][1] != chosen:
                problems.append(
                    f"choosing {chosen} in framework tab set {framework_sets[0]} leaves set {t} on {selected[t][1]}"
                )
    return problems


# --- the tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "rel", CONTENT_PAGES or [pytest.param(None, marks=pytest.mark.skip(reason=_skip_reason() or "no pages"))]
)
def test_page(browser, base_url, rel, width):
    visit = PageVisit(browser, base_url, rel, width)
    try:
        page, problems = visit.page, list(visit.math_problems)
        audit = page.evaluate(AUDIT_JS, {"rawTex": RAW_TEX.pattern, "buildPath": BUILD_PATH.pattern})

        # network and console
        if visit.external:
            problems.append(f"requests to another host (offline readers lose them): {visit.external[:5]}")
        problems += [f"console error: {text}" for text, _ in visit.console_errors]
        problems += [f"uncaught exception: {e}" for e in visit.exceptions]
        problems += [f"failed to load: {e}" for e in visit.failed_local]
        if n_math := page.locator(".math").count():
            math = page.evaluate("""() => ({
                untypeset: Array.from(document.querySelectorAll('.math')).filter(m => !m.querySelector('mjx-container'))
                  .map(m => m.textContent.slice(0, 60)),
                errors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.getAttribute('data-mjx-error') || e.textContent)})""")
            if math["untypeset"]:
                problems.append(
                    f"{len(math['untypeset'])} of {n_math} math elements not typeset, e.g. {math['untypeset'][:3]}"
                )
            if math["errors"]:
                problems.append(f"TeX errors: {math['errors'][:5]}")

        # nothing clipped
        if audit["pageOverflow"] > 1:
            problems.append(f"the page scrolls sideways by {audit['pageOverflow']} px: {audit['pastTheEdge']}")
        problems += [f"clipped: {c}" for c in audit["clipped"]]
        problems += [f"sticks out of the column: {c}" for c in audit["outside"]]

        # raw TeX, titles, "Exercise Exercise"
        problems += [f"raw TeX in the text: {c}" for c in audit["rawTex"]]
        parts = [p.strip() for p in audit["title"].split("\u2014")]
        if len(parts) != len(set(parts)) or RAW_TEX.search(audit["title"]):
            problems.append(f"page title reads {audit['title']!r}")
        problems += [f"duplicated word in an exercise title: {e!r}" for e in audit["exerciseExercise"]]
        if audit["searchFields"] > 1:
            problems.append(f"{audit['searchFields']} search fields shown at once")

        # outputs
        problems += [f"build-machine path in an output: {p}" for p in audit["buildPaths"]]
        for error in audit["errors"]:
            last = error["text"].splitlines()[-1] if error["text"] else ""
            if (
                error["lines"] > 12
                or not re.match(r"[\w.]*(Error|Exception|Exit|Interrupt)\b", last)
                or not re.search(r"\bline \d+", error["text"])
            ):
                problems.append(
                    f"error output is not a short readable error ({error['lines']} lines; it should "
                    f"end with the exception and name the line that raised it): {error['where']}"
                )

        # images and figures
        for img in audit["images"]:
            if not img["loaded"]:
                problems.append(f"image did not load: {img['rawSrc']}")
            alt = (img["alt"] or "").strip()
            meaningful = alt and not IMAGE_FILE.search(alt) and "_images/" not in alt and alt != img["rawSrc"]
            if not meaningful and not img["caption"]:
                problems.append(f"image without alt text or caption: {img['rawSrc']} (alt={img['alt']!r})")
            if alt and (match := ALT_TEX.search(alt)):
                problems.append(
                    f"TeX in alt text ({match[0]!r}): …{alt[max(0, match.start() - 40) : match.end() + 30]!r}…"
                )
        figure_text = []
        figure_problems = _figure_problems(audit["images"], width, figure_text)
        problems += [f"figure not legible: {p}" for p in figure_problems]
        audit["figureText"] = figure_text

        # performance-style tables
        for t, table in enumerate(audit["tables"]):
            bad = [c for c in table["cells"] if re.fullmatch(r"0\.0*\s*×", c)]
            if bad:
                problems.append(f"table {t} prints ratios without enough digits: {bad[:3]}")
            if rel.endswith("performance.html"):
                labels = [x for x in table["firstColumn"] if x]
                repeated = sorted({x for x in labels if labels.count(x) > 1})
                if repeated:
                    problems.append(f"table {t} repeats row labels {repeated[:3]}")

        _save(visit, audit, problems[:])  # the screenshot shows the page as loaded, before any clicking

        # interactive: navigation, solutions, tabs
        n_errors, n_exceptions = len(visit.console_errors), len(visit.exceptions)
        problems += _navigation_problems(page, width)
        solution_problems, n_solutions = _solution_problems(visit)
        problems += solution_problems
        problems += _tab_problems(page, audit["tabSets"])

        # download and launch buttons
        notebook = _notebook_of(rel)
        links = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        if notebook and width == WIDTHS[-1]:
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
        problems += [f"console error after a click: {text}" for text, _ in visit.console_errors[n_errors:]]
        problems += [f"uncaught exception after a click: {e}" for e in visit.exceptions[n_exceptions:]]

        print(
            f"{rel} @ {width}px: {sum(visit.bytes.values()) / 1024:.0f} KiB in {len(visit.bytes)} requests, "
            f"{n_math} math, {len(audit['images'])} images, {len(audit['tabSets'])} tab sets, "
            f"{n_solutions} dropdowns, {len(problems)} problems"
        )
        assert not problems, f"{rel} at {width} px:\n  " + "\n  ".join(problems)
    finally:
        visit.close()


@pytest.mark.parametrize("rel", ["book/01_gradient_descent.html", "book/preface.html", "book/bibliography.html"])
def test_navigation_on_a_tablet(browser, base_url, rel):
    """At 800 px (a tablet) the sidebars are drawers: the visible buttons open and close them."""
    if rel not in CONTENT_PAGES:
        pytest.skip(f"{rel} is not in this build")
    visit = PageVisit(browser, base_url, rel, 800)
    try:
        problems = _navigation_problems(visit.page, 800)
        problems += [f"console error: {text}" for text, _ in visit.console_errors]
        problems += [f"uncaught exception: {e}" for e in visit.exceptions]
        assert not problems, f"{rel} at 800 px:\n  " + "\n  ".join(problems)
    finally:
        visit.close()


def test_framework_choice_follows_the_reader(browser, base_url):
    """A framework picked in one chapter's tabs is the one shown in the next chapter's tabs."""
    with_tabs = [
        rel
        for rel in CONTENT_PAGES
        if 'data-sync-group="framework"' in (SITE / rel).read_text(encoding="utf-8", errors="replace")
    ]
    with_any_framework_tabs = [
        rel
        for rel in CONTENT_PAGES
        if re.search(
            r'class="sd-tab-label"[^>]*>\s*(NumPy|TensorFlow|PyTorch|Keras)',
            (SITE / rel).read_text(encoding="utf-8", errors="replace"),
        )
    ]
    assert len(with_tabs) >= 2 or len(with_any_framework_tabs) < 2, (
        f"pages with framework tabs {with_any_framework_tabs} do not use the synchronised group 'framework'"
    )
    if len(with_tabs) < 2:
        pytest.skip("fewer than two pages have framework tabs")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        first = PageVisit(browser, base_url, with_tabs[0], 1280, context=context, typeset=False)
        label = first.page.locator('label.sd-tab-label[data-sync-group="framework"]:visible').last
        chosen = label.get_attribute("data-sync-id")
        label.click()
        first.close()
        problems = []
        for rel in with_tabs[1:]:
            later = PageVisit(browser, base_url, rel, 1280, context=context, typeset=False)
            shown = later.page.evaluate("""() => Array.from(document.querySelectorAll('.sd-tab-set')).map(set => {
                const input = set.querySelector(':scope > input:checked'), label = input && input.nextElementSibling;
                const ids = Array.from(set.querySelectorAll(':scope > label')).map(l => l.getAttribute('data-sync-id'));
                return label && label.getAttribute('data-sync-group') === 'framework' ? [label.getAttribute('data-sync-id'), ids] : null;
            }).filter(Boolean)""")
            for t, (selected, ids) in enumerate(shown):
                if chosen in ids and selected != chosen:
                    problems.append(
                        f"{rel}: framework tab set {t} shows {selected} after {chosen} was chosen on {with_tabs[0]}"
                    )
            later.close()
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_search_summaries_show_no_tex(browser, base_url):
    """The snippets under search results are text a reader can read, not TeX source."""
    if "search.html" not in CONTENT_PAGES:
        pytest.skip("no search page")
    problems, seen = [], 0
    for query in ("step size", "momentum", "Hessian", "loss"):
        visit = PageVisit(browser, base_url, f"search.html?q={urllib.parse.quote(query)}", 1280)
        try:
            page = visit.page
            try:
                page.wait_for_function(
                    "() => document.querySelectorAll('#search-results li p.context').length >= "
                    "Math.min(5, document.querySelectorAll('#search-results li').length) && "
                    "document.querySelectorAll('#search-results li').length > 0",
                    timeout=15_000,
                )
                page.wait_for_timeout(300)
            except Exception:
                problems.append(f"no search results with summaries for {query!r}")
                continue
            for text in page.locator("#search-results li p.context").all_inner_texts():
                seen += 1
                match = RAW_TEX.search(text)
                if match:
                    problems.append(f"{query!r}: …{text[max(0, match.start() - 30) : match.start() + 30]}…")
            problems += [f"console error: {text}" for text, _ in visit.console_errors]
        finally:
            visit.close()
    assert seen > 0 or problems, "no summaries were checked"
    assert not problems, f"{len(problems)} search summaries show TeX:\n  " + "\n  ".join(problems[:20])
