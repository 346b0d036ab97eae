"""The whole book as one PDF, printed from the built HTML by the headless Chromium the tests already use.

    python tools/book_pdf.py [--site _build/html] [--out _build/pdf/momentum-lab.pdf] [--no-copy]

``make pdf`` builds the book and then runs this. Every page of ``_toc.yml`` is opened in order, offline,
from a server on localhost, laid out with the book's print stylesheet (``book/_static/print/print.css``)
at the width of an A4 page, typeset by the book's own MathJax, its explorer drawn in the state the page
starts in, and printed by Chromium (``page.pdf``). The solutions of each chapter are taken out of it and
printed in an appendix, one section per chapter, each titled with the exercise it solves and linked to it;
each exercise says where its solution is. pypdf then puts the pages behind a title page and a table of
contents with page numbers, numbers every page, turns the links between pages of the book into links
inside the PDF (a link to a page outside the book, such as a notebook download, is dropped; links to
other sites are kept) and adds bookmarks for the parts, chapters and sections.

The PDF goes to ``--out`` (PDF page N carries the printed number N), beside it a JSON record of what was
printed (pages per document, the time taken, every problem seen) and, unless ``--no-copy``, a copy into
the site as ``momentum-lab.pdf``, where the preface links it. The build fails (exit 1, the problems
listed) on a request to another host, a console error, a MathJax error, a local file that does not load,
or a block that runs past the edge of the page, where paper would cut it.
"""

import argparse
import datetime
import functools
import html
import http.server
import io
import json
import pathlib
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# A4 with the margins of print.css: 210 mm - 2 x 15 mm of text width, in CSS pixels (96 per inch).
TEXT_WIDTH_PX = round((210 - 30) / 25.4 * 96)
VIRTUAL = "/__book_pdf__/"  # pages this script serves itself (title page, contents, page numbers)
SOLUTIONS_QUERY = "solutions"  # ?solutions on a chapter's address: the appendix version of the page


def toc_documents(site, toc_file=ROOT / "_toc.yml"):
    """The book's pages in reading order: [{"file", "part", "numbered"}] from ``_toc.yml``.

    ``file`` entries and their ``sections`` in order; a ``glob`` entry gives the built pages it matches,
    sorted, as Sphinx orders them; ``url`` entries (links to other sites) are not pages of the book.
    """
    import yaml

    toc = yaml.safe_load(pathlib.Path(toc_file).read_text(encoding="utf-8"))
    documents, seen = [], set()

    def add(entries, caption, numbered):
        for entry in entries:
            if "file" in entry:
                files = [entry["file"]]
            elif "glob" in entry:
                files = sorted(
                    p.relative_to(site).with_suffix("").as_posix() for p in site.glob(entry["glob"] + ".html")
                )
            else:
                files = []
            for name in files:
                name = re.sub(r"\.(md|ipynb|rst)$", "", name)
                if name not in seen:
                    seen.add(name)
                    documents.append({"file": name, "part": caption, "numbered": numbered})
            add(entry.get("sections") or [], caption, numbered)

    add([{"file": toc["root"]}], None, False)
    for part in toc.get("parts", []):
        add(part.get("chapters") or [], part.get("caption"), bool(part.get("numbered")))
    add(toc.get("chapters") or [], None, False)
    return documents


def book_config(root=ROOT):
    import yaml

    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# --- in the page --------------------------------------------------------------------------------------

# Waits until the page is ready to print: MathJax has typeset it, the fonts are in, every explorer has
# mounted and drawn. Returns the MathJax errors it finds.
READY_JS = """async () => {
  if (document.querySelector('.math') || document.querySelector('mjx-container')) {
    const start = Date.now();
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
      if (Date.now() - start > 20000) return ['MathJax did not start'];
      await new Promise(r => setTimeout(r, 50));
    }
    await MathJax.startup.promise;
  }
  const start = Date.now();
  while ([...document.querySelectorAll('.ml-explorer')].some(e => e.getAttribute('data-mounted') !== 'true')) {
    if (Date.now() - start > 20000) return ['an explorer did not mount'];
    await new Promise(r => setTimeout(r, 50));
  }
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [...document.querySelectorAll('mjx-merror, .MathJax_Error')].map(e => 'MathJax error: ' + e.textContent);
}"""

# Prepares a chapter for the book: in "chapter" mode the solutions leave the page and each exercise says
# where its solution is; in "solutions" mode only the solutions stay, titled, each linking to its
# exercise. Then every element with an id gets a link to it (an invisible one), so that Chromium writes a
# named destination for it into the PDF. Returns the page's title and its sections with their ids.
PREPARE_JS = """([mode, appendixUrl, chapterUrl]) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('article');
  const h1 = article.querySelector('h1');
  const text = el => { const c = el.cloneNode(true); c.querySelectorAll('.headerlink').forEach(x => x.remove());
                       return c.textContent.replace(/\\s+/g, ' ').trim(); };
  const title = h1 ? text(h1) : document.title;
  const solutions = [...article.querySelectorAll('div.solution')];
  // the exercise a solution solves: the nearest exercise before it (the page's script turns the link
  // of the solution's title into plain text)
  const exerciseOf = sol => {
    const ref = sol.querySelector('.admonition-title a[href^="#"]');
    if (ref) return article.querySelector(ref.getAttribute('href'));
    const all = [...article.querySelectorAll('div.exercise, div.solution')];
    for (let i = all.indexOf(sol) - 1; i >= 0; i--) if (all[i].matches('div.exercise')) return all[i];
    return null;
  };
  if (mode === 'chapter') {
    for (const sol of solutions) {
      {
        const exercise = exerciseOf(sol);
        if (exercise) {
          const note = document.createElement('p');
          note.className = 'ml-print-solution-note';
          const a = document.createElement('a');
          a.href = appendixUrl + '#' + sol.id;
          a.textContent = 'Solution in the appendix';
          note.append(a, '.');
          exercise.append(note);
        }
      }
      sol.remove();
    }
  } else {
    const kept = document.createElement('section');
    kept.id = 'ml-print-solutions';
    const heading = document.createElement('h1');
    heading.textContent = 'Solutions for ' + title;
    kept.append(heading);
    for (const sol of solutions) {
      const exercise = exerciseOf(sol);
      const ref = sol.querySelector('.admonition-title a[href^="#"], .admonition-title .ml-solution-of');
      if (exercise && exercise.id && ref) {
        const a = document.createElement('a');
        a.href = chapterUrl + '#' + exercise.id;
        a.append(...ref.childNodes);
        ref.replaceChildren(a);
      }
      kept.append(sol);
    }
    article.replaceChildren(kept);
  }
  const sections = [];
  for (const s of article.querySelectorAll('section[id]')) {
    const h = s.querySelector(':scope > h1, :scope > h2');
    if (h) sections.push({id: s.id, level: +h.tagName[1], title: text(h)});
  }
  if (mode !== 'chapter')
    for (const sol of article.querySelectorAll('div.solution[id]')) {
      const h = sol.querySelector('.admonition-title');
      sections.push({id: sol.id, level: 2, title: h ? text(h) : sol.id});
    }
  const anchors = document.createElement('div');
  anchors.setAttribute('aria-hidden', 'true');
  anchors.style.cssText = 'position:absolute;left:0;top:0;width:1px;height:1px;overflow:hidden;opacity:0';
  const ids = new Set([...article.querySelectorAll('[id]')].map(e => e.id).filter(Boolean));
  for (const id of ids) {
    const a = document.createElement('a');
    a.href = '#' + encodeURIComponent(id);
    a.textContent = '.';
    anchors.append(a);
  }
  document.body.prepend(anchors);
  return {title, sections, ids: [...ids], solutions: solutions.length};
}"""

# Blocks that run past the right edge of the text, where paper would cut them: what is measured is the
# element's right edge against the text width, and the width of any box that still scrolls.
CUT_JS = """(width) => {
  const article = document.querySelector('article.bd-article') || document.querySelector('article');
  const out = [];
  const left = article.getBoundingClientRect().left;
  const sel = 'pre, table, img, svg, mjx-container, .math, .cell_output, .ml-explorer, p, li, dl, figure, .admonition, .sd-tab-set';
  for (const el of article.querySelectorAll(sel)) {
    if (el.closest('.ml-print-skip')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || getComputedStyle(el).visibility === 'hidden') continue;
    const style = getComputedStyle(el);
    const scrolls = (style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
    if (r.right - left > width + 1 || scrolls) {
      let where = el;
      while (where && !where.id) where = where.parentElement;
      out.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''}`
               + ` ${Math.round(r.right - left)} px wide (text width ${width} px) in #${where ? where.id : '?'}: `
               + el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 60));
    }
  }
  return out;
}"""

PRINT_EXTRA_CSS = """
.ml-print-solution-note { font-size: 0.9em; font-style: italic; margin: 0.4em 0 0 0; }
#jb-print-docs-body { display: none !important; }
#ml-print-solutions > h1 { font-size: 1.6rem; }
#ml-print-solutions div.solution { margin: 0 0 1.2em 0; }
"""


# --- pages of our own ---------------------------------------------------------------------------------

PAGE_CSS = """
@page { size: A4; margin: 0; }
html, body { margin: 0; padding: 0; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; }
.sheet { box-sizing: border-box; width: 210mm; height: 296.5mm; padding: 16mm 15mm 18mm 15mm;
         break-after: page; overflow: hidden; position: relative; }
.sheet:last-child { break-after: auto; }
"""


def title_page_html(config, subtitle, built):
    logo = "/_static/logo.svg"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(config["title"])}</title>
<style>{PAGE_CSS}
.title {{ display: flex; flex-direction: column; justify-content: center; text-align: center; }}
.title img {{ width: 42mm; margin: 0 auto 12mm auto; }}
.title h1 {{ font-size: 34pt; margin: 0 0 6mm 0; }}
.title .subtitle {{ font-size: 14pt; margin: 0 20mm 24mm 20mm; line-height: 1.4; }}
.title .by {{ font-size: 12pt; margin-bottom: 40mm; }}
.title .small {{ font-size: 9pt; color: #444; line-height: 1.5; }}
</style></head><body><div class="sheet title">
<img src="{logo}" alt="">
<h1>{html.escape(config["title"])}</h1>
<div class="subtitle">{html.escape(subtitle)}</div>
<div class="by">{html.escape(config.get("author", ""))}</div>
<div class="small">{html.escape(built)}<br>Text: CC BY 4.0 · Code: MIT<br>
The published book has live explorers; this print shows each in its first state.</div>
</div></body></html>"""


def contents_html(entries):
    """entries: [(level, title, page)] with level 0 a part caption, 1 a chapter, 2 a section."""
    rows = []
    for level, title, page in entries:
        number = "" if page is None else str(page)
        rows.append(
            f'<div class="l{level}"><span class="t">{html.escape(title)}</span>'
            f'<span class="d"></span><span class="n">{number}</span></div>'
        )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contents</title>
<style>
@page {{ size: A4; margin: 16mm 15mm 18mm 15mm; }}
body {{ font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #111; font-size: 10pt; margin: 0; }}
h1 {{ font-size: 22pt; margin: 0 0 8mm 0; }}
div {{ display: flex; align-items: baseline; break-inside: avoid; }}
.t {{ flex: 0 1 auto; }}
.d {{ flex: 1 1 auto; border-bottom: 1px dotted #999; margin: 0 2mm; min-width: 5mm; }}
.n {{ flex: 0 0 auto; font-variant-numeric: tabular-nums; }}
.l0 {{ font-weight: 700; font-size: 11pt; margin-top: 5mm; }}
.l0 .d {{ border: none; }}
.l1 {{ font-weight: 600; margin-top: 2mm; }}
.l2 {{ padding-left: 7mm; font-size: 9pt; color: #333; margin-top: 0.6mm; }}
</style></head><body><h1>Contents</h1>{"".join(rows)}</body></html>"""


def page_numbers_html(labels):
    sheets = "".join(
        f'<div class="sheet"><div class="f"><span>{html.escape(left)}</span><span>{number}</span></div></div>'
        for number, left in labels
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>page numbers</title>
<style>{PAGE_CSS}
.f {{ position: absolute; left: 15mm; right: 15mm; bottom: 8mm; display: flex; justify-content: space-between;
      font-size: 8pt; color: #555; }}
</style></head><body>{sheets}</body></html>"""


# --- the PDF ------------------------------------------------------------------------------------------


def _dest_page(reader, dest):
    try:
        return reader.get_destination_page_number(dest)
    except Exception:
        return None


class Part:
    """One printed document (a page of the book, or a chapter's solutions) and what is known about it."""

    def __init__(self, key, url, label, pdf_bytes, info):
        import pypdf

        self.key, self.url, self.label, self.info = key, url, label, info
        self.reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
        self.pages = len(self.reader.pages)
        self.first = None  # 0-based index in the book, set when laid out
        self.dests = {}
        for name, dest in self.reader.named_destinations.items():
            page = _dest_page(self.reader, dest)
            if page is not None:
                top = dest.get("/Top") if hasattr(dest, "get") else None
                self.dests[urllib.parse.unquote(str(name).lstrip("/"))] = (page, top)

    def target(self, fragment):
        """(page index in the book, top) of an id in this document; its first page if unknown."""
        page, top = self.dests.get(urllib.parse.unquote(fragment or ""), (0, None))
        return self.first + page, top


def _links(part):
    """Each link annotation of a printed document: (page in it, rect, uri or None, named dest or None)."""
    found = []
    for number, page in enumerate(part.reader.pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            rect = [float(v) for v in annot["/Rect"]]
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            uri = dest = None
            if action is not None and action.get("/S") == "/URI":
                uri = str(action.get("/URI"))
            elif action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            elif "/Dest" in annot:
                dest = annot["/Dest"]
            if dest is not None and not isinstance(dest, str):
                dest = dest.get_object()
                target = _dest_page(part.reader, dest) if not isinstance(dest, str) else None
                dest = ("page", target) if target is not None else None
            found.append((number, rect, uri, dest))
    return found


def _visible_link(rect):
    return rect[2] - rect[0] > 2 and rect[3] - rect[1] > 2


def assemble(parts, front, back_label, outline, numbers_pdf, metadata, out):
    """Put the printed documents together: pages, links, bookmarks, page numbers, metadata."""
    import pypdf
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = pypdf.PdfWriter()
    for doc in front:
        for page in doc.reader.pages:
            writer.add_page(page, excluded_keys=("/Annots",))
    for part in parts:
        for page in part.reader.pages:
            writer.add_page(page, excluded_keys=("/Annots",))
    by_path = {}
    for part in parts:
        by_path.setdefault(urllib.parse.urlsplit(part.url).path, {})[part.key[1]] = part
    kept = dropped = internal = 0
    for part in front + parts:
        for number, rect, uri, dest in _links(part):
            if not _visible_link(rect):
                continue  # the invisible links that only make Chromium write named destinations
            page_index = part.first + number
            target = None
            if dest is not None:
                if isinstance(dest, tuple):
                    target = (part.first + dest[1], None)
                else:
                    target = part.target(str(dest).lstrip("/"))
            elif uri is not None:
                split = urllib.parse.urlsplit(uri)
                if split.hostname in ("127.0.0.1", "localhost"):
                    mode = SOLUTIONS_QUERY if split.query == SOLUTIONS_QUERY else "chapter"
                    doc = by_path.get(split.path, {}).get(mode)
                    if doc is None and split.path.endswith("/"):
                        doc = by_path.get(split.path + "index.html", {}).get(mode)
                    if doc is None:
                        dropped += 1
                        continue
                    target = doc.target(split.fragment)
                else:
                    writer.add_annotation(page_index, Link(rect=rect, url=uri))
                    kept += 1
                    continue
            if target is None:
                continue
            top = target[1]
            fit = Fit.xyz(top=float(top)) if top is not None else Fit.fit()
            writer.add_annotation(page_index, Link(rect=rect, target_page_index=target[0], fit=fit))
            internal += 1
    # page numbers, stamped from a document of footers printed by Chromium
    numbers = pypdf.PdfReader(io.BytesIO(numbers_pdf))
    if len(numbers.pages) != len(writer.pages):
        raise RuntimeError(f"page-number sheets: {len(numbers.pages)} for {len(writer.pages)} pages")
    for page, stamp in zip(writer.pages, numbers.pages):
        page.merge_page(stamp)
        page.compress_content_streams()
    # bookmarks
    parents = {}
    for level, title, page_index in outline:
        parent = parents.get(level - 1)
        item = writer.add_outline_item(title=title, page_number=page_index, parent=parent)
        parents[level] = item
        for deeper in [k for k in parents if k > level]:
            del parents[deeper]
    # the documents were printed one by one: fonts and images they share are written once
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.add_metadata(metadata)
    writer.page_mode = "/UseOutlines"
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as handle:
        writer.write(handle)
    return {"external_links": kept, "internal_links": internal, "dropped_links": dropped}


def built_line(root=ROOT):
    try:
        line = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%h %cs"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.split()
        return f"Printed from commit {line[0]} of {line[1]}"
    except (OSError, subprocess.SubprocessError, IndexError):
        return f"Printed on {datetime.date.today().isoformat()}"


def subtitle_from_preface(site, root_file):
    text = (site / f"{root_file}.html").read_text(encoding="utf-8", errors="replace")
    match = re.search(r"<strong>(.*?)</strong>", text, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match[1])).strip() if match else ""


def find_chromium():
    import os

    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def build(site, out, copy=True, toc=ROOT / "_toc.yml", log=print):
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    site = pathlib.Path(site).resolve()
    documents = toc_documents(site, toc)
    missing = [d["file"] for d in documents if not (site / f"{d['file']}.html").is_file()]
    if missing:
        raise SystemExit(f"book_pdf: {site} lacks {', '.join(missing)}: build the book first (make book)")
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit("book_pdf: Chromium not found (apt-get install chromium, or set CHROMIUM=/path/to/chrome)")
    config = book_config()
    problems, virtual = [], {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    local = urllib.parse.urlsplit(base).netloc

    def route(request_route):
        url = urllib.parse.urlsplit(request_route.request.url)
        if url.netloc != local:
            problems.append(f"request to another host: {request_route.request.url}")
            return request_route.abort()
        if url.path.startswith(VIRTUAL):
            return request_route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=virtual[url.path[len(VIRTUAL) :]]
            )
        return request_route.continue_()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": TEXT_WIDTH_PX, "height": 1100})
            context.route("**/*", route)

            def print_page(url, label, prepare=None):
                page = context.new_page()
                page.emulate_media(media="print", color_scheme="light")
                page.on(
                    "console",
                    lambda m: problems.append(f"{label}: console {m.type}: {m.text}") if m.type == "error" else None,
                )
                page.on("pageerror", lambda exc: problems.append(f"{label}: uncaught {exc}"))
                page.on(
                    "response", lambda r: problems.append(f"{label}: {r.status} {r.url}") if r.status >= 400 else None
                )
                page.goto(url, wait_until="load")
                problems.extend(f"{label}: {p}" for p in page.evaluate(READY_JS))
                info = {}
                if prepare is not None:
                    page.add_style_tag(content=PRINT_EXTRA_CSS)
                    info = page.evaluate(PREPARE_JS, prepare)
                    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                    problems.extend(f"{label}: cut: {c}" for c in page.evaluate(CUT_JS, TEXT_WIDTH_PX))
                pdf = page.pdf(prefer_css_page_size=True, print_background=True)
                page.close()
                return pdf, info

            parts = []
            for doc in documents:
                url = urllib.parse.urljoin(base, f"{doc['file']}.html")
                appendix = url + "?" + SOLUTIONS_QUERY
                t0 = time.monotonic()
                pdf, info = print_page(url, doc["file"], ["chapter", appendix, url])
                part = Part((doc["file"], "chapter"), url, info["title"], pdf, info)
                part.doc = doc
                parts.append(part)
                log(f"  {doc['file']}: {part.pages} pages ({time.monotonic() - t0:.1f} s)")
            solution_parts = []
            for part in list(parts):
                if not part.info.get("solutions"):
                    continue
                url = part.url + "?" + SOLUTIONS_QUERY
                pdf, info = print_page(url, part.key[0] + " (solutions)", ["solutions", url, part.url])
                sol = Part((part.key[0], SOLUTIONS_QUERY), url, part.label, pdf, info)
                sol.doc = part.doc
                solution_parts.append(sol)
            log(f"  solutions: {sum(p.pages for p in solution_parts)} pages for {len(solution_parts)} chapters")
            all_parts = parts + solution_parts

            # front matter: title page, then contents; the contents are laid out until their length
            # (and so every page number after them) stops changing
            subtitle = subtitle_from_preface(site, documents[0]["file"])
            virtual["title.html"] = title_page_html(config, subtitle, built_line())
            title_pdf, _ = print_page(urllib.parse.urljoin(base, VIRTUAL + "title.html"), "title page")
            title = Part(("title", "front"), "", "title", title_pdf, {})
            title.first = 0
            contents_pages = 1
            for _ in range(4):
                first = title.pages + contents_pages
                for part in all_parts:
                    part.first = first
                    first += part.pages
                entries, outline = contents_entries(parts, solution_parts)
                virtual["contents.html"] = contents_html(entries)
                contents_pdf, _ = print_page(urllib.parse.urljoin(base, VIRTUAL + "contents.html"), "contents")
                contents = Part(("contents", "front"), "", "contents", contents_pdf, {})
                if contents.pages == contents_pages:
                    break
                contents_pages = contents.pages
            contents.first = title.pages
            total = title.pages + contents.pages + sum(p.pages for p in all_parts)
            labels = [(n + 1, "") for n in range(title.pages)]
            labels += [(title.pages + n + 1, f"{config['title']} · Contents") for n in range(contents.pages)]
            for part in all_parts:
                name = part.label if part.key[1] == "chapter" else f"Solutions · {part.label}"
                labels += [(part.first + n + 1, f"{config['title']} · {name}") for n in range(part.pages)]
            virtual["numbers.html"] = page_numbers_html(labels)
            numbers_pdf, _ = print_page(urllib.parse.urljoin(base, VIRTUAL + "numbers.html"), "page numbers")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()

    outline = [(1, "Title page", 0), (1, "Contents", title.pages)] + outline
    metadata = {
        "/Title": f"{config['title']}: {subtitle}" if subtitle else config["title"],
        "/Author": config.get("author", ""),
        "/Subject": "An open course on how neural networks are optimized",
        "/Creator": "Momentum Lab tools/book_pdf.py (Chromium and pypdf)",
    }
    out = pathlib.Path(out)
    log(f"  printed in {time.monotonic() - started:.1f} s; assembling")
    links = assemble(all_parts, [title, contents], None, outline, _blank_title_number(numbers_pdf), metadata, out)
    record = {
        "pdf": str(out),
        "pages": total,
        "bytes": out.stat().st_size,
        "seconds": round(time.monotonic() - started, 1),
        "documents": [
            {"file": p.key[0], "kind": p.key[1], "title": p.label, "first_page": p.first + 1, "pages": p.pages}
            for p in all_parts
        ],
        "chapter_titles": [p.label for p in parts],
        "links": links,
        "problems": problems,
    }
    out.with_suffix(".json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if copy:
        shutil.copy2(out, site / out.name)
    return record


def _blank_title_number(numbers_pdf):
    """The page-number sheets with the title page's footer removed (the title page is not numbered)."""
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(numbers_pdf))
    writer = pypdf.PdfWriter()
    blank = pypdf.PageObject.create_blank_page(
        width=reader.pages[0].mediabox.width, height=reader.pages[0].mediabox.height
    )
    writer.add_page(blank)
    for page in reader.pages[1:]:
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def contents_entries(parts, solution_parts):
    """The table of contents ([(level, title, printed page)]) and the bookmarks ([(level, title, index)])."""
    entries, outline, part_caption = [], [], object()
    for part in parts:
        caption = part.doc["part"]
        if caption != part_caption and caption:
            entries.append((0, caption, None))
            outline.append((1, caption, part.first))
        part_caption = caption
        level = 2 if caption else 1
        entries.append((1, part.label, part.first + 1))
        outline.append((level, part.label, part.first))
        for section in part.info.get("sections", []):
            if section["level"] == 2:
                page, _ = part.target(section["id"])
                entries.append((2, section["title"], page + 1))
                outline.append((level + 1, section["title"], page))
    if solution_parts:
        entries.append((0, "Appendix: solutions to the exercises", None))
        outline.append((1, "Appendix: solutions to the exercises", solution_parts[0].first))
        for part in solution_parts:
            entries.append((1, part.label, part.first + 1))
            outline.append((2, part.label, part.first))
    return entries, outline


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", default=str(ROOT / "_build" / "html"), help="the built book (default _build/html)")
    parser.add_argument("--out", default=str(ROOT / "_build" / "pdf" / "momentum-lab.pdf"))
    parser.add_argument("--no-copy", action="store_true", help="do not copy the PDF into the site")
    parser.add_argument("--toc", default=str(ROOT / "_toc.yml"), help="the table of contents the site was built from")
    args = parser.parse_args(argv)
    record = build(args.site, args.out, copy=not args.no_copy, toc=args.toc)
    print(f"{record['pdf']}: {record['pages']} pages, {record['bytes'] / 1e6:.1f} MB, {record['seconds']} s")
    for problem in record["problems"]:
        print(f"  problem: {problem}")
    return 1 if record["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
