"""Sphinx extension: the book's explorers run live on the published page, with no kernel.

In a notebook, an explorer is an ipywidgets widget (``gd_widget()`` ...), which needs a running Python
kernel. On the page, this extension puts in the widget's place a live explorer, the script
``book/_static/explorers/NAME.js`` built on ``core.js``, which computes in the reader's browser what the
library's compute function computes (``tests/test_explorers.py`` checks that the numbers agree).

1. **Which explorer.** A code cell whose output is a widget view and whose source calls a widget builder
   declared in ``momentum_lab.widgets.web`` (``loss_widget("classification")``) is matched to that
   explorer; the literal arguments of the call give its starting parameters. A widget that no explorer
   declares is a build warning, so ``-W`` builds fail until it has one.
2. **What the page gets.** The widget view is replaced by ``<div class="ml-explorer"
   data-explorer="NAME" data-params="{...}">`` with a ``<noscript>`` note; the pages that show an
   explorer load ``explorers/vendor/*.js`` (d3-array and d3-contour, pinned, their licence beside
   them), ``explorers/core.js``, the explorers' own scripts and, where an explorer needs numbers the
   browser cannot compute (a data set drawn by NumPy's generator), ``explorers/data/NAME.js``, written
   at build time from the library. The saved widget state (80–150 KB a page) is not embedded.
3. **Everything is local.** Nothing is loaded from another host, and the scripts are classic scripts
   (no modules, no fetch), so the pages also work from ``file://``.
"""

import ast
import html
import json
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
STATIC = Path(__file__).resolve().parent.parent / "_static"
VENDOR = ("vendor/d3-array.min.js", "vendor/d3-contour.min.js")
SHARED = ("core.js", "landscapes.js")


def _widget_call(source):
    """The last call of a ``*_widget`` function in ``source``: ``(name, args, kwargs)``, or None.

    Arguments that are not literals (a variable, an expression) are left out.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name and name.endswith("_widget"):
                args, kwargs = [], {}
                for arg in node.args:
                    try:
                        args.append(ast.literal_eval(arg))
                    except ValueError:
                        break
                for keyword in node.keywords:
                    try:
                        kwargs[keyword.arg] = ast.literal_eval(keyword.value)
                    except ValueError:
                        continue
                found = (name, tuple(args), kwargs)
    return found


def _cell_source(cell):
    for child in cell.children:
        if isinstance(child, nodes.container) and child.get("nb_element") == "cell_code_source":
            return child.astext()
    return ""


def explorer_html(name, params):
    return (
        f'<div class="ml-explorer" data-explorer="{html.escape(name)}" '
        f"data-params='{html.escape(json.dumps(params), quote=True)}'>"
        '<noscript><p class="ml-explorer-noscript">This explorer runs in your browser: turn on '
        "JavaScript to move it, or open the chapter's notebook (launch buttons at the top of the page) "
        "to use its ipywidgets version. The figure above shows its first state.</p></noscript></div>"
    )


class LiveExplorers(SphinxPostTransform):
    """Replace each widget view by the live explorer that mirrors it (see the module docstring)."""

    default_priority = 3  # before myst-nb's SelectMimeType (4) picks one mime type of the bundle
    formats = ("html",)

    def run(self, **kwargs):
        from momentum_lab.widgets import web

        declared = web.by_widget()
        names = self.document.get("ml_explorers", [])
        for bundle in list(self.document.findall(
                lambda n: isinstance(n, nodes.container) and n.get("nb_element") == "mime_bundle")):
            if not any(child.get("mime_type") == WIDGET_VIEW for child in bundle.children):
                continue
            cell = bundle
            while cell is not None and cell.get("nb_element") != "cell_code":
                cell = cell.parent
            call = _widget_call(_cell_source(cell)) if cell is not None else None
            explorer = declared.get(call[0]) if call else None
            if explorer is None:
                logger.warning(
                    "widget output with no live explorer for the page (widget call: %s): declare one in "
                    "an EXPLORERS dict of momentum_lab.widgets (see momentum_lab/widgets/web.py)",
                    call[0] if call else "none found", location=bundle, type="momentum", subtype="explorer",
                )
                continue
            params = explorer.page_params(call[1], call[2])
            bundle.replace_self(nodes.raw("", explorer_html(explorer.name, params), format="html"))
            if explorer.name not in names:
                names.append(explorer.name)
        if names:
            self.document["ml_explorers"] = names


def _data_files(app):
    """Write ``explorers/data/NAME.js`` for every explorer that needs precomputed numbers."""
    from momentum_lab.widgets import web

    target = Path(app.outdir) / "_static" / "explorers" / "data"
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in web.explorer_names():
        data = web.page_data(name)
        if data is None:
            continue
        body = json.dumps(data, separators=(",", ":"), allow_nan=False)
        (target / f"{name}.js").write_text(
            "// Written by book/_ext/momentum_explorers.py from momentum_lab at build time: do not edit.\n"
            f"(window.momentumLab = window.momentumLab || {{}}).data = window.momentumLab.data || {{}};\n"
            f"window.momentumLab.data[{json.dumps(name)}] = {body};\n",
            encoding="utf-8",
        )
        written[name] = True
    landscape_data = web.landscape_data()
    (target / "landscapes.js").write_text(
        "// Written by book/_ext/momentum_explorers.py from momentum_lab.landscapes: do not edit.\n"
        "(window.momentumLab = window.momentumLab || {}).data = window.momentumLab.data || {};\n"
        f"window.momentumLab.data.landscapes = {json.dumps(landscape_data, separators=(',', ':'))};\n",
        encoding="utf-8",
    )
    return written


def page_scripts(app, pagename, templatename, context, doctree):
    """Give a page with explorers their scripts; drop the widget state no page needs any more."""
    scripts = context.get("script_files")
    if scripts:
        scripts[:] = [s for s in scripts
                      if getattr(s, "attributes", {}).get("type") != WIDGET_STATE]
    names = doctree.get("ml_explorers") if doctree is not None else None
    if not names:
        return
    data = getattr(app, "ml_explorer_data", None)
    if data is None:
        data = app.ml_explorer_data = _data_files(app)
    files = [f"explorers/{v}" for v in VENDOR] + ["explorers/data/landscapes.js"]
    files += [f"explorers/{s}" for s in SHARED]
    for name in names:
        if name in data:
            files.append(f"explorers/data/{name}.js")
        files.append(f"explorers/{name}.js")
    for filename in files:
        app.add_js_file(filename, priority=600)
    app.add_css_file("explorers/explorers.css")


def setup(app):
    app.add_post_transform(LiveExplorers)
    app.connect("html-page-context", page_scripts, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
