"""Themes: the sizes and colours of every picture viz makes, chosen for where it is seen.

- ``"notebook"`` (the default): text a Jupyter cell shows at a readable size; a diagram
  wider than the cell scrolls sideways instead of shrinking (see ``Diagram``).
- ``"projector"``: a 10-node graph reads from the back row of a classroom: large type,
  thick wires, high resolution.
- ``"paper"``: compact, for printing.

``viz.set_theme(name)`` changes the default for everything drawn afterwards; ``theme=`` on
a drawing function overrides it for that picture.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    name: str
    node_font: float  # points, gate symbols and names
    wire_font: float  # points, values and gradients on the wires
    pen: float  # line width of wires and gates
    arrow: float  # arrowhead size
    nodesep: float  # inches between nodes of a column
    ranksep: float  # inches between columns
    dpi: int  # pixels per inch of PNG and GIF output
    plot_font: float  # points, matplotlib text
    plot_line: float  # matplotlib line width
    caption_font: float  # points, GIF captions


THEMES = {
    "notebook": Theme("notebook", node_font=14, wire_font=12, pen=1.2, arrow=0.7,
                      nodesep=0.3, ranksep=0.5, dpi=110, plot_font=11, plot_line=1.8,
                      caption_font=13),
    "projector": Theme("projector", node_font=24, wire_font=20, pen=2.5, arrow=1.0,
                       nodesep=0.45, ranksep=0.8, dpi=150, plot_font=18, plot_line=3.0,
                       caption_font=22),
    "paper": Theme("paper", node_font=10, wire_font=9, pen=0.8, arrow=0.6, nodesep=0.2,
                   ranksep=0.4, dpi=300, plot_font=8, plot_line=1.2, caption_font=9),
}

_current = THEMES["notebook"]


def set_theme(name: str) -> Theme:
    """Make ``name`` ("notebook", "projector" or "paper") the default theme; returns it."""
    global _current
    _current = get_theme(name)
    return _current


def get_theme(name: str | Theme | None = None) -> Theme:
    """The theme called ``name`` (the current default for None)."""
    if name is None:
        return _current
    if isinstance(name, Theme):
        return name
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}")
    return THEMES[name]
