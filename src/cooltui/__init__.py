"""cooltui: a keyboard-driven terminal reader and annotator."""

__version__ = "0.1.0"
