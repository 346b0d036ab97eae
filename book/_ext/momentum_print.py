"""Sphinx extension: the book on paper.

Adds ``book/_static/print/print.css`` to every page with ``media="print"``, so that a page printed from
the browser, and the book's PDF (``tools/book_pdf.py``, ``make pdf``), leave out the navigation, the
buttons and the sidebars, show every solution and every tab, wrap code instead of scrolling it and print
the explorers in the state they are in. ``book/_ext/momentum_book.py`` already serves ``book/_static``.
"""

from pathlib import Path

STYLESHEET = "print/print.css"


def setup(app):
    if not (Path(__file__).resolve().parent.parent / "_static" / STYLESHEET).is_file():
        raise FileNotFoundError(f"book/_static/{STYLESHEET} is missing; the print extension serves it")
    app.add_css_file(STYLESHEET, media="print")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
