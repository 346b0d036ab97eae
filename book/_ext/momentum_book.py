"""Sphinx extension for the Momentum Lab book: what the published and the offline HTML need.

Loaded by ``_config.yml`` (``sphinx.local_extensions``); ``tests/test_browser.py`` checks the result in
Chromium. It does three things (the live explorers that replace the notebooks' widgets are
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
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "pi": "π",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "omega": "ω", "Delta": "Δ",
    "Sigma": "Σ", "nabla": "∇", "partial": "∂", "cdot": "·", "times": "×", "le": "≤", "leq": "≤",
    "ge": "≥", "geq": "≥", "ne": "≠", "approx": "≈", "infty": "∞", "to": "→", "in": "∈",
    "sum": "Σ", "sqrt": "√", "star": "*", "top": "ᵀ", "ell": "ℓ", "lVert": "‖", "rVert": "‖",
    "pm": "±", "vert": "|", "lvert": "|", "rvert": "|", "mid": "|", "ldots": "…", "cdots": "…",
    **{name: name + " " for name in ("sin", "cos", "tan", "log", "ln", "exp", "max", "min", "tanh")},
}


def _tex_to_text(tex):
    """A readable approximation of inline TeX for alt text: ``\\beta = 0.5`` -> ``β = 0.5``."""
    def wrap(part):
        return part if re.fullmatch(r"[\w.]+", part) else f"({part})"

    tex = re.sub(r"\\(?:d|t)?frac\{([^{}]*)\}\{([^{}]*)\}", lambda m: f"{wrap(m[1])}/{wrap(m[2])}", tex)
    tex = re.sub(r"\\([A-Za-z]+)", lambda m: _TEX_SYMBOLS.get(m[1], "" if m[1] in
                 ("left", "right", "mathrm", "text", "operatorname", "mathbf", "mathbb", "mathcal",
                  "boldsymbol", "quad", "qquad") else m[1]), tex)
    return re.sub(r"[{}]|\\[,;! ]", "", tex).replace("\\", "")


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


def setup(app):
    app.connect("config-inited", configure)
    app.connect("html-page-context", dedupe_scripts)
    app.add_css_file("momentum.css")
    app.add_js_file("momentum.js", loading_method="defer")
    app.add_post_transform(FigureAltText)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
