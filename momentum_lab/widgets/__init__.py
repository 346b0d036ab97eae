"""Interactive explorers for the chapters (ipywidgets + matplotlib, imported only when a widget is built).

Every widget is thin: a pure compute function that the tests call, a ``*_figure`` function that draws a
static figure for the published page, and a ``*_widget`` builder that wires controls to both. Import
the chapter's module: ``from momentum_lab.widgets.gradient_descent import gd_widget``.
"""
