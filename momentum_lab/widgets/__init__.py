"""Interactive explorers for the chapters (ipywidgets + matplotlib, imported only when a widget is built).

Every widget is thin: a pure compute function that the tests call, a ``*_figure`` function that draws a
static figure for the published page, and a ``*_widget`` builder that wires sliders to both.
"""
