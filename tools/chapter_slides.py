"""A reveal.js slide deck for every chapter, made from the chapter as the book renders it.

    python tools/chapter_slides.py [--site _build/html] [--out SITE/slides] [CHAPTER ...]

(``make slides`` builds the book first, then runs this for every chapter.) The deck is made from the
chapter's built page (``SITE/book/NN_name.html``) and its notebook's cell tags, so it follows the chapter
whenever the book is rebuilt: nothing is written twice.

- **A title slide**: the chapter's number and title, its key-idea box, and links to the chapter and to
  its live explorer.
- **One slide per section** (each ``##`` heading): the section's title, its key-idea box (a ``tip``
  admonition, titled "Key idea" in the chapter), its display equations (the first three), its first
  figure with its alt text, and, where the section holds the chapter's explorer, a link to the live
  explorer on the chapter's page. A section with none of these shows its first paragraph. The exercises
  section lists the exercises' titles (the solutions stay in the book).
- **Cell tags steer it** (optional, in the notebook's cell metadata): a code cell tagged ``slide`` puts
  its output (a figure or text) on its section's slide as well; ``no-slide`` keeps a code cell's figure
  off the slides. A markdown cell tagged ``no-slide`` that starts a section (its first line a heading)
  drops that section's slide; tagged ``slide``, it puts the section's opening paragraphs on the slide.

The decks (``SITE/slides/NN.html``, with ``index.html`` listing them) load reveal.js from the book's
``_static/slides/reveal`` (pinned and vendored with its licence by ``tools/vendor_slides_libs.sh``) and
typeset maths with the MathJax in the book's ``_static/mathjax``; figures are the book's own
``_images``. Nothing is loaded from another host, and a deck opens from ``file://`` as well.
"""

import argparse
import copy
import html
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTER_FILE = re.compile(r"^book/(\d\d)_[a-z0-9_]+$")
MAX_EQUATIONS = 3


def chapter_files(toc_file=ROOT / "_toc.yml"):
    """The numbered chapters of ``_toc.yml`` in order: ["book/01_gradient_descent", ...]."""
    import yaml

    toc = yaml.safe_load(pathlib.Path(toc_file).read_text(encoding="utf-8"))
    files = []
    for part in toc.get("parts", []):
        for chapter in part.get("chapters") or []:
            if "file" in chapter and CHAPTER_FILE.match(chapter["file"]):
                files.append(chapter["file"])
    return files


def _text(element):
    clone = copy.copy(element)
    for link in clone.select(".headerlink"):
        link.decompose()
    return " ".join(clone.get_text(" ").split())


def _squash(text):
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def notebook_tags(notebook):
    """Markdown-cell tags by the heading that starts the cell: {squashed heading: set(tags)}."""
    if not notebook.is_file():
        return {}
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    tags = {}
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        cell_tags = set(cell.get("metadata", {}).get("tags", [])) & {"slide", "no-slide"}
        source = "".join(cell.get("source", ""))
        heading = re.match(r"\s*#{1,6}\s+(.+)", source)
        if cell_tags and heading:
            tags[_squash(heading[1])] = cell_tags
    return tags


def _cell_of(element):
    return element.find_parent("div", class_="cell")


def _tagged(element, tag):
    cell = _cell_of(element)
    return cell is not None and f"tag_{tag}" in (cell.get("class") or [])


def _rewrite_links(fragment, page_href):
    """Links of a piece of the chapter, made to work from the slides folder."""
    for a in fragment.select("a[href]"):
        href = a["href"]
        if href.startswith("#"):
            a["href"] = page_href + href
        elif not re.match(r"^[a-z]+:|^/", href):
            a["href"] = "../book/" + href if not href.startswith("../") else href
    for img in fragment.select("img[src]"):
        src = img["src"]
        if not re.match(r"^[a-z]+:|^/|^\.\./", src):
            img["src"] = "../book/" + src
    return fragment


def _figure(img, page_href):
    alt = img.get("alt") or ""
    src = img["src"] if img["src"].startswith("../") else "../book/" + img["src"]
    return f'<figure class="ml-slide-figure"><img src="{html.escape(src)}" alt="{html.escape(alt)}"></figure>'


def _own(section, selector):
    """Elements of a section that are not inside one of its subsections' exercises or solutions."""
    return [
        el
        for el in section.select(selector)
        if not el.find_parent("div", class_="solution") and not el.find_parent("div", class_="exercise")
    ]


def section_slide(section, page_href, tags, explorer_href):
    heading = section.find(["h2"], recursive=False)
    title = _text(heading)
    section_tags = tags.get(_squash(re.sub(r"^[\d.]+\s*", "", title)), set())
    if "no-slide" in section_tags:
        return None
    parts = []
    if section.get("id") == "exercises" or _squash(title).endswith("exercises"):
        items = [f"<li>{html.escape(_text(t))}</li>" for t in section.select("div.exercise > .admonition-title")]
        parts.append(f'<ul class="ml-slide-exercises">{"".join(items)}</ul>')
        parts.append(
            f'<p class="ml-slide-link"><a href="{page_href}#{section["id"]}">The exercises in the '
            f"chapter</a> (solutions in the book)</p>"
        )
        return title, parts
    if "slide" in section_tags:
        for p in section.find_all("p", recursive=False)[:2]:
            parts.append(str(_rewrite_links(copy.copy(p), page_href)))
    for box in _own(section, "div.admonition.tip"):
        parts.append(str(_rewrite_links(copy.copy(box), page_href)))
    for math in _own(section, "div.math")[:MAX_EQUATIONS]:
        parts.append(f'<div class="ml-slide-math">{html.escape(math.get_text())}</div>')
    images = [img for img in _own(section, ".cell_output img") if not _tagged(img, "no-slide")]
    if images:
        parts.append(_figure(images[0], page_href))
    for cell in _own(section, "div.cell.tag_slide"):
        output = cell.select_one(".cell_output")
        if output is None:
            continue
        for img in output.select("img"):
            if not images or img is not images[0]:
                parts.append(_figure(img, page_href))
        for pre in output.select("pre"):
            parts.append(f"<pre>{html.escape(pre.get_text())}</pre>")
    if section.select(".ml-explorer"):
        parts.append(
            f'<p class="ml-slide-link"><a href="{explorer_href}">Open the live explorer</a> '
            f"on the chapter's page (it runs in the browser)</p>"
        )
    if not parts:
        first = section.find("p", recursive=False)
        if first is not None:
            parts.append(str(_rewrite_links(copy.copy(first), page_href)))
    return title, parts


def chapter_deck(site, chapter, notebook=None, book_title="Momentum Lab"):
    """The deck of one chapter: (number, chapter title, number of slides, the deck's HTML)."""
    import bs4

    page = site / f"{chapter}.html"
    soup = bs4.BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.select_one("article")
    top = article.find("section")
    h1 = top.find("h1")
    title = _text(h1)
    number = CHAPTER_FILE.match(chapter)[1]
    page_href = f"../{chapter}.html"
    tags = notebook_tags(notebook if notebook is not None else ROOT / f"{chapter}.ipynb")
    explorer = article.select_one(".ml-explorer")
    explorer_section = explorer.find_parent("section") if explorer is not None else None
    explorer_href = page_href + (f"#{explorer_section['id']}" if explorer_section is not None else "")
    slides = []
    key = next((box for box in top.find_all("div", class_="tip", recursive=False)), None)
    intro = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="ml-slide-book">{html.escape(book_title)}, chapter {int(number)}</p>',
    ]
    if key is not None:
        intro.append(str(_rewrite_links(copy.copy(key), page_href)))
    links = [f'<a href="{page_href}">the chapter</a>']
    if explorer is not None:
        links.append(f'<a href="{explorer_href}">its live explorer</a>')
    intro.append(f'<p class="ml-slide-link">Open {" and ".join(links)}</p>')
    slides.append(("title", intro))
    for section in top.find_all("section", recursive=False):
        if section.find("h2", recursive=False) is None:
            continue
        slide = section_slide(section, page_href, tags, explorer_href)
        if slide is not None:
            slides.append(slide)
    body = []
    for heading, parts in slides:
        if heading == "title":
            body.append(f'<section class="ml-slide-title">{"".join(parts)}</section>')
        else:
            body.append(f"<section><h2>{html.escape(heading)}</h2>{''.join(parts)}</section>")
    return (
        number,
        title,
        len(slides),
        DECK.format(title=html.escape(f"{title} · {book_title} slides"), slides="\n".join(body)),
    )


DECK = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="../_static/slides/reveal/reveal.css">
<link rel="stylesheet" href="../_static/slides/reveal/theme/white.css">
<link rel="stylesheet" href="../_static/slides/slides.css">
<script>
window.MathJax = {{
  tex: {{ macros: {{ R: "\\\\mathbb{{R}}" }} }},
  startup: {{ typeset: false }}
}};
</script>
<script defer src="../_static/mathjax/tex-mml-chtml.js"></script>
<script defer src="../_static/slides/reveal/reveal.js"></script>
<script defer src="../_static/slides/slides.js"></script>
</head>
<body>
<div class="reveal"><div class="slides">
{slides}
</div></div>
</body>
</html>
"""


INDEX = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slides · {book}</title>
<style>body {{ font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}</style>
</head>
<body><h1>{book}: slides for every chapter</h1>
<p>One deck per chapter, made from the chapter itself. Arrow keys move between slides; <kbd>Esc</kbd>
shows them all; <kbd>F</kbd> goes full screen.</p>
<ul>{items}</ul>
<p><a href="../book/instructor_guide.html">Instructor guide</a></p>
</body></html>
"""


def build(site, out=None, chapters=None, toc=ROOT / "_toc.yml", log=print):
    site = pathlib.Path(site).resolve()
    out = pathlib.Path(out) if out else site / "slides"
    if not (site / "_static" / "slides" / "reveal" / "reveal.js").is_file():
        raise SystemExit(f"chapter_slides: {site}/_static/slides/reveal is missing: build the book first (make book)")
    chapters = chapters or chapter_files(toc)
    missing = [c for c in chapters if not (site / f"{c}.html").is_file()]
    if missing:
        raise SystemExit(f"chapter_slides: {site} lacks {', '.join(missing)}: build the book first (make book)")
    out.mkdir(parents=True, exist_ok=True)
    made = []
    for chapter in chapters:
        number, title, count, deck = chapter_deck(site, chapter)
        (out / f"{number}.html").write_text(deck, encoding="utf-8")
        made.append((number, title, count))
        log(f"  slides/{number}.html: {count} slides ({title})")
    items = "".join(f'<li><a href="{n}.html">{html.escape(t)}</a> ({c} slides)</li>' for n, t, c in made)
    (out / "index.html").write_text(INDEX.format(book="Momentum Lab", items=items), encoding="utf-8")
    return made


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", help="chapters as in _toc.yml (book/01_gradient_descent); default all")
    parser.add_argument("--site", default=str(ROOT / "_build" / "html"), help="the built book (default _build/html)")
    parser.add_argument("--out", default=None, help="where the decks go (default SITE/slides)")
    parser.add_argument("--toc", default=str(ROOT / "_toc.yml"))
    args = parser.parse_args(argv)
    chapters = [c.removesuffix(".ipynb").removesuffix(".html") for c in args.chapters]
    made = build(args.site, args.out, chapters or None, toc=args.toc)
    print(f"{len(made)} decks, {sum(c for _, _, c in made)} slides")
    return 0


if __name__ == "__main__":
    sys.exit(main())
