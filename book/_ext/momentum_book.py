"""Sphinx extension for the Momentum Lab book: what the published and the offline HTML need.

Loaded by ``_config.yml`` (``sphinx.local_extensions``); ``tests/test_browser.py`` checks the result in
Chromium. It does five things (the live explorers that replace the notebooks' widgets are
``momentum_explorers.py``):

1. **Offline MathJax.** When ``mathjax_path`` is a relative path under ``mathjax/`` (ours is
   ``mathjax/tex-mml-chtml.js``), the MathJax 3 distribution installed from PyPI by
   ``sphinx-mathjax-offline`` (see requirements.txt) is copied into ``_static/mathjax``, so the pages
   typeset math with no CDN. Only what that entry point loads is copied: the combined file, the TeX
   and MathML extensions it can autoload, the CHTML fonts, and the menu and accessibility components.
2. **Alt text for notebook figures.** Every image a code cell outputs gets an ``alt``: the one given in
   the cell metadata (``mystnb: image: alt:``, handled by myst-nb), or else the caption that follows the
   figure (the first sentence of the next markdown paragraph, skipping code cells without figures), or
   else the title set in the cell's code. An image with none of these is reported as a warning naming
   the notebook and cell, so ``-W`` builds fail until it gets one; so is a figure next to a widget in
   the same cell's outputs (a pyplot figure the widget left open, shown twice to readers).
3. **A clean console.** It serves ``book/_static`` (``momentum.css``, ``momentum.js``) and works around
   two errors every page logged: the theme's colour mode left unset, and an inline script of
   sphinx-thebe that Sphinx 7.4 includes twice.
4. **Short errors.** A cell that raises on purpose shows the exception and the line of the cell that
   raised it, not the IPython traceback through framework internals with the build machine's paths.
5. **A lighter page.** Font Awesome is cut to the icons the pages use (three small fonts instead of a
   1.5 MB script and 300 KB of fonts), the search index is loaded by the search page only, and the
   root page's title is not "Momentum Lab — Momentum Lab".

The alt texts turn TeX into readable text (``_tex_to_text``); ``momentum.js`` does the same for the
snippets on the search page, opens the navigation drawers from the visible buttons, and makes each
solution's whole header its toggle.
"""

import re
import shutil
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "_static"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Parts of the MathJax distribution that ``tex-mml-chtml.js`` (or ``tex-chtml.js``) may load at run time.
MATHJAX_PARTS = ("input/tex", "input/mml", "output/chtml", "ui", "a11y", "sre", "adaptors")


def mathjax_source():
    """The folder of the MathJax 3 distribution installed by the ``sphinx-mathjax-offline`` package."""
    try:
        dist = metadata.distribution("sphinx-mathjax-offline")
    except metadata.PackageNotFoundError:
        return None
    folder = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    return folder if folder.is_dir() else None


def copy_mathjax(app, exception):
    path = app.config.mathjax_path or ""
    if exception is not None or app.builder.format != "html" or not path.startswith("mathjax/"):
        return
    source = mathjax_source()
    if source is None or not (source / path.removeprefix("mathjax/")).is_file():
        raise RuntimeError(
            f"mathjax_path is {path!r}, but no MathJax is installed to copy from: "
            "pip install -r requirements.txt (package sphinx-mathjax-offline)"
        )
    target = Path(app.outdir) / "_static" / "mathjax"
    target.mkdir(parents=True, exist_ok=True)
    entry = path.removeprefix("mathjax/")
    shutil.copy2(source / entry, target / entry)
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)


def configure(app, config):
    """Serve ``book/_static``; start pages in the reader's colour mode."""
    if str(STATIC) not in [str(Path(app.confdir, p).resolve()) for p in config.html_static_path]:
        config.html_static_path.append(str(STATIC))
    # pydata-sphinx-theme reads the colour mode from the template context; left unset it is "", which
    # logs "Got invalid theme mode" on a reader's first visit.
    config.html_context.setdefault("default_mode", "auto")


def dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline scripts from a page.

    Sphinx 7.4 adds a body-only script registered after the builder started (sphinx-thebe's
    ``const THEBE_JS_URL = ...``) twice, once as ``None`` and once as ``''``, and the second copy throws
    "Identifier 'THEBE_JS_URL' has already been declared" on every page.
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        if hasattr(script, "filename"):
            key = (script.filename or "", tuple(sorted(script.attributes.items())))
        else:  # a plain string in other Sphinx versions
            key = (str(script), ())
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


# --- figure alt text --------------------------------------------------------------------------------

_TITLE = re.compile(r"""(?:set_title|suptitle|title)\(\s*(?:r|f)?(["'])(.+?)\1""")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


_TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "nabla": "∇", "partial": "∂", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "∼", "propto": "∝", "infty": "∞",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "mapsto": "↦", "in": "∈", "sum": "Σ", "prod": "Π",
    "int": "∫", "star": "*", "ast": "*", "top": "ᵀ", "ell": "ℓ", "lVert": "‖", "rVert": "‖",
    "Vert": "‖", "|": "‖", "pm": "±", "mp": "∓", "vert": "|", "lvert": "|", "rvert": "|", "mid": "|",
    "ldots": "…", "cdots": "…", "dots": "…", "langle": "⟨", "rangle": "⟩", "circ": "∘", "odot": "⊙",
    "otimes": "⊗", "prime": "′", "forall": "∀", "exists": "∃", "emptyset": "∅", "subset": "⊂",
    "cup": "∪", "cap": "∩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "equiv": "≡",
    "ll": "≪", "gg": "≫", "quad": " ", "qquad": " ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ",
    "{": "{", "}": "}", "%": "%", "_": "_", "#": "#", "&": "&",
    **{name: name for name in ("sin", "cos", "tan", "log", "ln", "exp", "max", "min", "tanh", "arg",
                               "argmin", "argmax", "det", "tr", "sign", "softmax", "lim", "sup", "inf")},
}
# Commands whose argument is shown as it is (fonts, text, sizing) or that draw nothing.
_TEX_DROP = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "mathrm",
             "text", "textrm", "textit", "textbf", "mathit", "operatorname", "mathbf", "mathbb",
             "mathcal", "mathsf", "mathtt", "boldsymbol", "bm", "displaystyle", "textstyle", "limits",
             "nolimits", "mathop", "label", "tag", "nonumber", "notag"}
# Accents, shown with a combining character after their argument.
_TEX_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
                "tilde": "\u0303", "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308",
                "vec": "\u20d7"}
_SUPERSCRIPTS = dict(zip("0123456789+-−=()niTkt*′", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱᵀᵏᵗ*′"))
_SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))


def _tex_group(tex, i):
    """The argument of a TeX command that starts at ``tex[i]``: (argument, index after it)."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth, j = 0, i
        while j < len(tex):
            depth += {"{": 1, "}": -1}.get(tex[j], 0)
            if depth == 0:
                return tex[i + 1:j], j + 1
            j += 1
        return tex[i + 1:], len(tex)
    if tex[i] == "\\":
        match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        return match[0], i + len(match[0])
    return tex[i], i + 1


def _script(text, table, word):
    """``text`` in Unicode super- or subscripts where every character has one, else ``word(text)``."""
    text = text.strip()
    if text and all(c in table for c in text):
        return "".join(table[c] for c in text)
    return f"{word}({text})" if len(text) > 1 else f"{word}{text}"


def _tex_to_text(tex):
    """Readable text for TeX, for alt texts and search snippets: ``\\hat\\theta_k^2`` -> ``θ̂ₖ²``.

    Greek letters and operators become their Unicode characters, fractions ``a/b``, accents combining
    marks, sub- and superscripts Unicode where every character has one (else ``_(...)``-free words:
    ``x sub max``), font and sizing commands disappear. ``book/_static/momentum.js`` does the same for
    the snippets on the search page; keep the two in step.
    """
    out, i = [], 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            name, i = match[1], i + len(match[0])
            if name in ("frac", "tfrac", "dfrac", "cfrac"):
                top, i = _tex_group(tex, i)
                bottom, i = _tex_group(tex, i)
                top, bottom = _tex_to_text(top).strip(), _tex_to_text(bottom).strip()
                wrap = lambda part: part if re.fullmatch(r"[\w.′*]+", part) else f"({part})"
                out.append(f"{wrap(top)}/{wrap(bottom)}")
            elif name == "sqrt":
                arg, i = _tex_group(tex, i)
                arg = _tex_to_text(arg).strip()
                out.append("√" + (arg if re.fullmatch(r"[\w.′*]+", arg) else f"({arg})"))
            elif name in _TEX_ACCENTS:
                arg, i = _tex_group(tex, i)
                out.append(_tex_to_text(arg) + _TEX_ACCENTS[name])
            elif name in _TEX_DROP:
                if name in ("label", "tag"):
                    _, i = _tex_group(tex, i)
            elif name in _TEX_SYMBOLS:
                out.append(_TEX_SYMBOLS[name])
            else:
                out.append(name)
        elif c in "^_":
            arg, i = _tex_group(tex, i + 1)
            arg = _tex_to_text(arg)
            out.append(_script(arg, _SUPERSCRIPTS, " to the power ") if c == "^"
                       else _script(arg, _SUBSCRIPTS, " sub "))
        elif c in "{}":
            i += 1
        elif c == "~":
            out.append(" ")
            i += 1
        elif c == "-":
            out.append("−")
            i += 1
        else:
            out.append(c)
            i += 1
    return re.sub(r"  +", " ", "".join(out))


def _plain_text(node):
    """The text of ``node`` with its inline math made readable."""
    parts = []
    for child in node.findall(lambda n: isinstance(n, (nodes.Text, nodes.math)), include_self=False):
        if isinstance(child, nodes.math):
            parts.append(_tex_to_text(child.astext()))
        elif not isinstance(child.parent, nodes.math):
            parts.append(str(child))
    return "".join(parts)


def _first_sentence(text, limit=250):
    text = " ".join(text.split())
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _is_code_cell(node):
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def _caption_after(cell):
    """The paragraph that follows ``cell``, skipping code cells that draw no figure of their own."""
    parent = cell.parent
    if parent is None:
        return None
    siblings = parent.children[parent.index(cell) + 1:]
    for node in siblings:
        if _is_code_cell(node) and not any(True for _ in node.findall(nodes.image)):
            continue
        if isinstance(node, nodes.paragraph):
            return _first_sentence(_plain_text(node))
        return None
    return None


def _title_in_source(cell):
    for source in cell.children:
        if source.get("nb_element") == "cell_code_source":
            match = _TITLE.search(source.astext())
            if match and "{" not in match.group(2):
                return f"Plot: {match.group(2)}"
    return None


class FigureAltText(SphinxPostTransform):
    """Give every image that a notebook cell outputs an alt text (see the module docstring)."""

    default_priority = 20  # after myst-nb has chosen the image among the output's mime types
    formats = ("html",)

    def run(self, **kwargs):
        for cell in list(self.document.findall(_is_code_cell)):
            images = list(cell.findall(nodes.image))
            if images and any(WIDGET_VIEW in raw.astext() for raw in cell.findall(nodes.raw)):
                logger.warning(
                    "cell %s outputs a widget and also a figure: the widget's figure leaked into the "
                    "cell (draw it on a matplotlib.figure.Figure, not a pyplot figure, or close it)",
                    cell.get("cell_index", "?"), location=cell, type="momentum", subtype="widget",
                )
                continue
            for image in images:
                if image.get("alt"):
                    continue
                figure = image.parent if isinstance(image.parent, nodes.figure) else None
                caption = next(iter(figure.findall(nodes.caption)), None) if figure else None
                alt = (_first_sentence(_plain_text(caption)) if caption is not None else None) \
                    or _caption_after(cell) or _title_in_source(cell)
                if alt:
                    image["alt"] = alt
                else:
                    logger.warning(
                        "figure without alt text or caption in cell %s: add cell metadata "
                        "`mystnb: {image: {alt: ...}}` or a caption in the markdown cell after it",
                        cell.get("cell_index", "?"), location=cell, type="momentum", subtype="alt",
                    )


# --- short, readable errors --------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FRAME = re.compile(r"^(?:Cell In\s*\[\d*\]|Input In \[\d*\]|<ipython-input-[^>]*>),\s*line (\d+)")
_ARROW = re.compile(r"^-*>\s*(\d+)\s?(.*)$")
_ABSOLUTE = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s:'\"()]+[/\\])+([^\s:'\"()/\\]+)")


def short_traceback(text):
    """The exception and the reader's line that raised it, from an IPython traceback.

    Returns ``None`` when ``text`` is not a traceback this recognises. Paths lose their folders, so no
    build-machine path is shown; frames inside libraries are left out.
    """
    lines = [_ANSI.sub("", line).rstrip() for line in text.splitlines()]
    frame_line, code = None, None
    for i, line in enumerate(lines):
        match = _CELL_FRAME.match(line.strip())
        if match:
            frame_line = match[1]
            for follow in lines[i + 1:]:
                arrow = _ARROW.match(follow.strip())
                if arrow:
                    frame_line, code = arrow[1], arrow[2].strip()
                    break
                if not follow.strip():
                    break
            break
    # the exception: the last block of lines after the last frame, starting at "Name: message"
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start = end - 1
    while start > 0 and lines[start - 1].strip() and not _ARROW.match(lines[start - 1].strip()) \
            and not lines[start - 1].startswith((" ", "File ", "Cell In")):
        start -= 1
    exception = [line for line in lines[start:end] if line.strip()]
    if not exception or not re.match(r"^[\w.]+(?::|$)", exception[0]) or frame_line is None:
        return None
    exception = [_ABSOLUTE.sub(lambda m: m[1], line) for line in exception]
    where = f"line {frame_line} of the cell" + (f":  {code}" if code else "")
    return "\n".join([f"The cell raised an error at {where}", *exception])


class ShortTracebacks(SphinxPostTransform):
    """Show an intentional error (a cell tagged ``raises-exception``) as its exception and the reader's line.

    myst-nb prints the whole IPython traceback: frames inside TensorFlow or the library, each with the
    build machine's absolute path, cut at the right edge. Readers need what the cell shows: which line
    raised what. The notebook keeps its full traceback (strict nbval compares that, not the page).
    """

    default_priority = 21
    formats = ("html",)

    def run(self, **kwargs):
        for block in list(self.document.findall(nodes.literal_block)):
            if "traceback" not in block.get("classes", []):
                continue
            short = short_traceback(block.astext())
            if short is None:
                continue
            new = nodes.literal_block(short, short, language="text",
                                      classes=[c for c in block["classes"] if c != "traceback"]
                                      + ["error", "ml-error"])
            block.replace_self(new)


# --- page titles ------------------------------------------------------------------------------------

def page_title(app, pagename, templatename, context, doctree):
    """The root page is titled "Momentum Lab", not "Momentum Lab — Momentum Lab"."""
    title = re.sub(r"<[^>]+>", "", context.get("title") or "").strip()
    docstitle = (context.get("docstitle") or "").strip()
    if title and title == docstitle:
        # Sphinx's layout appends " — docstitle" whenever docstitle is set; the theme's logo takes its
        # alt text from it, so that is given explicitly.
        logo = dict(context.get("theme_logo") or {})
        logo.setdefault("alt_text", f"{docstitle} - Home")
        context["theme_logo"] = logo
        context["docstitle"] = ""


# --- Font Awesome: only the icons the pages use -------------------------------------------------------

_FA_STYLES = {"fa-solid": "solid", "fas": "solid", "fa-regular": "regular", "far": "regular",
              "fa-brands": "brands", "fab": "brands"}
_FA_FONTS = {"solid": "fa-solid-900", "regular": "fa-regular-400", "brands": "fa-brands-400"}
_FA_NOT_ICONS = {"fa-lg", "fa-xs", "fa-sm", "fa-fw", "fa-2x", "fa-spin", "fa-pulse", "fa-solid",
                 "fa-regular", "fa-brands", "fa-layers"}


def _used_icons(outdir):
    """{style: set of icon names} from the class attributes of the pages and the theme's scripts."""
    used = {style: set() for style in _FA_FONTS}
    sources = [p for p in outdir.rglob("*.html") if "_static" not in p.parts]
    sources += [p for p in (outdir / "_static" / "scripts").glob("*.js") if p.name != "fontawesome.js"]
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace")
        for classes in re.findall(r"""class(?:List)?\s*=\s*["'`]([^"'`]*\bfa-[^"'`]*)["'`]""", text):
            words = classes.split()
            style = next((_FA_STYLES[w] for w in words if w in _FA_STYLES), "solid")
            used[style].update(w[3:] for w in words if w.startswith("fa-") and w not in _FA_NOT_ICONS)
    return used


def subset_icon_fonts(app, exception):
    """Serve Font Awesome as three small fonts holding only the glyphs the book shows.

    pydata-sphinx-theme loads Font Awesome whole: a 1.5 MB script that swaps every icon for an SVG,
    and up to three webfonts (300 KB) for the icons its stylesheet draws (admonitions, links). The
    stylesheet alone draws every icon from the fonts, so the script is emptied, and each font is cut
    to the glyphs that the pages' icons and the theme's stylesheets name (fontTools, installed with
    matplotlib). If fontTools is missing the theme's files are left as they are.
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    css_path = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    fonts = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    script = outdir / "_static" / "scripts" / "fontawesome.js"
    if not css_path.is_file() or not fonts.is_dir() or not script.is_file():
        return
    try:
        from fontTools import subset
    except ImportError:
        logger.info("fontTools not installed: Font Awesome is served whole")
        return
    css = css_path.read_text(encoding="utf-8")
    glyph = {}  # icon name -> code point, from the rules `.fa-name:before{content:"\\f0c9"}`
    for selectors, code in re.findall(r"([^{}]+)\{content:\"\\([0-9a-f]{2,5})\"\}", css):
        for name in re.findall(r"\.fa-([a-z0-9-]+):+before", selectors):
            glyph[name] = int(code, 16)
    codes = {style: set() for style in _FA_FONTS}
    used = _used_icons(outdir)
    for style, names in used.items():
        codes[style].update(glyph[name] for name in names if name in glyph)
    # the stylesheet's rule for each of the 2,000 icons, kept for the icons the pages show (86 KB less)
    wanted = set().union(*used.values())

    def keep_used(match):
        names = [n for n in re.findall(r"\.fa-([a-z0-9-]+):+before", match[1]) if n in wanted]
        return ",".join(f".fa-{n}:before" for n in names) + match[2] if names else ""

    css = re.sub(r"((?:\.fa-[a-z0-9-]+:+before,?)+)(\{content:\"[^\"]*\"\})", keep_used, css)
    # glyphs the stylesheets draw themselves (admonition and link icons) in whichever font
    static_css = "".join(p.read_text(encoding="utf-8", errors="replace")
                         for p in (outdir / "_static").rglob("*.css"))
    drawn = {ord(c) for c in re.findall(r"[\ue000-\uf8ff]", static_css)}
    drawn |= {int(code, 16) for code in re.findall(r"--pst-icon-[a-z-]+:\s*\"\\([0-9a-f]{4,5})\"", static_css)}
    for style in codes:
        codes[style] |= drawn
    for style, stem in _FA_FONTS.items():
        source = fonts / f"{stem}.ttf"
        target = fonts / f"{stem}.subset.woff"
        if not source.is_file():
            continue
        options = subset.Options()
        options.flavor = "woff"
        options.drop_tables += ["FFTM"]
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(codes[style]))
        subsetter.subset(font)
        subset.save_font(font, str(target), options)
        css = re.sub(rf"src:url\(\.\./vendor/fontawesome/webfonts/{stem}\.woff2\)[^;}}]*",
                     f'src:url(../vendor/fontawesome/webfonts/{stem}.subset.woff) format("woff")', css)
        for suffix in (".woff2", ".ttf"):
            (fonts / f"{stem}{suffix}").unlink(missing_ok=True)
    css_path.write_text(css, encoding="utf-8")
    script.write_text("/* Font Awesome's SVG script is not needed: the theme's stylesheet draws every icon "
                      "from the subset fonts in vendor/fontawesome/webfonts (book/_ext/momentum_book.py). */\n",
                      encoding="utf-8")
    script.with_suffix(".js.map").unlink(missing_ok=True)


_SEARCH_SCRIPTS = re.compile(r'[ \t]*<script src="(?:\.\./)*(?:_static/searchtools\.js|_static/language_data\.js|'
                             r'searchindex\.js)"></script>\n?')


def drop_search_scripts(app, exception):
    """Load Sphinx's search index only on the search page.

    pydata-sphinx-theme adds ``searchtools.js``, ``language_data.js`` and ``searchindex.js`` (140 KB) to
    every page for its search-as-you-type field. With that option off (the default) the search field
    only sends the reader to ``search.html``, which loads them itself.
    """
    if exception is not None or app.builder.format != "html":
        return
    if str(getattr(app.builder, "theme_options", {}).get("search_as_you_type", False)).lower() == "true":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        if "_static" in page.parts or page.name == "search.html":
            continue
        text = page.read_text(encoding="utf-8")
        if "search_as_you_type = true" in text:
            continue
        trimmed = _SEARCH_SCRIPTS.sub("", text)
        if trimmed != text:
            page.write_text(trimmed, encoding="utf-8")


def setup(app):
    app.connect("config-inited", configure)
    app.connect("html-page-context", dedupe_scripts)
    app.connect("html-page-context", page_title)
    app.add_css_file("momentum.css")
    app.add_js_file("momentum.js", loading_method="defer")
    app.add_post_transform(FigureAltText)
    app.add_post_transform(ShortTracebacks)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", subset_icon_fonts)
    app.connect("build-finished", drop_search_scripts)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
