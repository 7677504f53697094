"""``viz.save``: one function that writes every picture the library makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphviz

from .diagram import save as save_diagram
from .explore import Explorer
from .render import DOT_TIMEOUT
from .worksheet import Worksheet

_PLOT_FORMATS = (".png", ".svg", ".pdf")


def save(picture: Any, path: str | Path, timeout: float | None = DOT_TIMEOUT) -> Path:
    """Write ``picture`` to ``path``, the format taken from the extension.

    - a diagram (``draw_graph``, ``draw_network``, a frame of ``backward_steps``):
      .svg, .png, .pdf or .dot, drawn by ``dot`` within ``timeout`` seconds;
    - a :class:`Worksheet`: its sheet with the blanks (``Worksheet.save`` writes the key too);
    - an :class:`Explorer`: .html, one self-contained page;
    - a plot (a matplotlib Figure, or the Axes a ``viz.plot_*`` function returns): .png,
      .svg or .pdf.
    """
    suffix = Path(str(path)).suffix.lower()
    if isinstance(picture, Worksheet):
        return save_diagram(picture.graph, path, timeout)
    if isinstance(picture, Explorer):
        if suffix != ".html":
            raise ValueError(f"save: an explorer is written as .html, got {suffix!r}")
        return picture.save(path)
    figure = _figure(picture)
    if figure is not None:
        path = Path(path)
        if suffix not in _PLOT_FORMATS:
            raise ValueError(f"save: a plot is written as .png, .svg or .pdf, got {suffix!r}")
        if not path.parent.is_dir():
            raise FileNotFoundError(f"save: the folder {path.parent} does not exist")
        figure.savefig(path, bbox_inches="tight")
        return path
    if not isinstance(picture, graphviz.Digraph | graphviz.Graph | graphviz.Source):
        raise TypeError("save: expected a diagram from draw_graph, draw_network or "
                        "backward_steps, a worksheet, an explorer or a plot, got "
                        f"{type(picture).__name__}")
    return save_diagram(picture, path, timeout)


def _figure(picture: Any) -> Any:
    """The matplotlib Figure of a Figure or an Axes, or None (matplotlib is imported only if
    it is already in use)."""
    import sys

    if "matplotlib" not in sys.modules:
        return None
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if isinstance(picture, Axes):
        return picture.figure
    return picture if isinstance(picture, Figure) else None
