"""DOMNode: bindings added to one node.

Relies on this private part of `textual.dom.DOMNode`, as of Textual 8.2.8:
- `_bindings`: the node's BindingsMap, made from its class's BINDINGS when it is created.

Textual has no public way to bind keys on one instance: App.bind() does it, but its docs say it
"may be private or removed", and it skips the key names BINDINGS get ("?" is "question_mark"
there), so a label on a punctuation key would never fire.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode


def add_bindings(node: DOMNode, bindings: Sequence[Binding]) -> None:
    """Add bindings to one node, after its class's BINDINGS."""
    node._bindings = BindingsMap.merge([node._bindings, BindingsMap(bindings)])
