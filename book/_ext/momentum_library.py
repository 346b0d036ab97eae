"""The library on the book's pages: its version, and the settings of the API reference (book/api/).

* ``release`` and ``version`` are the installed library's ``momentum_lab.__version__`` (read from the
  package metadata, whose one source is pyproject.toml), so a page writes ``{{ env.config.release }}``
  (a MyST substitution) and shows the version the book was built with.
* The API pages (written by ``tools/api_pages.py``) are autodoc stubs; their docstrings are Google style
  (``Args:``, ``Returns:``), read by napoleon; not the ``#:`` comments of module constants, whose
  ``"Per landscape: …"`` napoleon would take for a type. References from signatures and docstrings to the
  frameworks' and NumPy's own classes have no target in this book (no intersphinx: the build makes no
  request to another host), so ``nitpick_ignore_regex`` lets them stay plain text under ``-n``; so do
  references to the library's private parts (a name with a leading underscore), which have no page.
* Docstrings are not inherited: a torch ``Module``'s ``forward`` would otherwise show torch's own text.
* A docstring names an object as its module sees it (``:class:`SGD``` in ``momentum_lab.optim.trajectory``),
  while the reference documents it where users import it from (``momentum_lab.optim.SGD``). A reference
  that Sphinx cannot resolve as written is looked up by its last dotted parts among the documented
  objects of the library, the match closest to the referring module winning; one that matches nothing,
  or two objects equally close, stays a warning.
"""

# The library's type aliases (momentum_lab._typing, the tape's Record) appear in signatures by name; they
# are shorthands for NumPy and tuple types, not classes with a page.
ALIASES = r"(Array|ArrayLike|GradFn|Record)"
EXTERNAL = r"(numpy|np|torch|tf|tensorflow|keras|matplotlib|ipywidgets|collections\.abc|typing)(\..*)?"
PRIVATE = r"momentum_lab(\.\w+)*\._\w+(\..*)?"


def _set_version(app, config):
    import momentum_lab

    config.release = config.version = momentum_lab.__version__


def _closest(names, module):
    """The names sharing the longest dotted prefix with ``module``; None unless exactly one does."""
    def shared(name):
        count = 0
        for a, b in zip(name.split("."), (module or "").split(".")):
            if a != b:
                break
            count += 1
        return count

    best = max(map(shared, names))
    winners = [n for n in names if shared(n) == best]
    return winners[0] if len(winners) == 1 else None


def _resolve_short_name(app, env, node, contnode):
    """``missing-reference``: a library object named by its last dotted parts (see the module docstring)."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    if not target or target.startswith("momentum_lab."):
        return None
    domain = env.get_domain("py")
    types = set(domain.objtypes_for_role(node["reftype"]) or ())
    names = sorted({name for name, entry in domain.objects.items()
                    if name.startswith("momentum_lab.") and name.endswith("." + target)
                    and entry.objtype in types and not entry.aliased})
    if not names:
        return None
    full = _closest(names, node.get("py:module"))
    if full is None:
        return None
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], full, node, contnode)


def _napoleon_except_data(app, what, name, obj, options, lines):
    from sphinx.ext.napoleon import _process_docstring

    if what not in ("data", "attribute"):
        _process_docstring(app, what, name, obj, options, lines)


def setup(app):
    from sphinx.ext import napoleon

    for extension in ("sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon"):
        app.setup_extension(extension)
    for listener in list(app.events.listeners["autodoc-process-docstring"]):
        if listener.handler is napoleon._process_docstring:
            app.disconnect(listener.id)
    app.connect("autodoc-process-docstring", _napoleon_except_data)
    app.connect("config-inited", _set_version)
    app.connect("missing-reference", _resolve_short_name)
    app.config.autosummary_generate = False
    app.config.autodoc_member_order = "bysource"
    app.config.autodoc_typehints = "signature"
    app.config.autodoc_preserve_defaults = True
    app.config.autodoc_inherit_docstrings = False
    app.config.napoleon_numpy_docstring = False
    app.config.napoleon_use_rtype = False
    app.config.nitpick_ignore_regex = list(app.config.nitpick_ignore_regex) + [
        (r"py:.*", EXTERNAL),
        (r"py:.*", PRIVATE),
        (r"py:class", ALIASES),
    ]
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
