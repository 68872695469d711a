"""Every use of Textual's private internals, fenced in: one module per upstream class.

The reader, the article list and the scrolling mixin take shortcuts past Textual's public API
where it offers no way to be fast enough (the README's Performance section says how fast), and
the app binds the scheme's keys on itself. Each module here names the private attributes of its
class that it relies on, and the Textual version they were read in; the widgets, the tests and
the benchmarks call the small functions and classes it gives, and nothing else in cooltui
touches those names.

Before widening the textual pin in pyproject.toml, run `pytest -m upstream`: the contract tests
that check each shortcut against Textual's own drawing and painting. A failure, or an
AttributeError raised from here, names the module to read the new Textual against.
"""
