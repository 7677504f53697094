"""The blanks of worksheets: what each numbered blank asks for, and the numberings drawn for
each graph, so that ``viz.check(root, grads={"?3": …})`` reads answers by blank id. Kept
apart from :mod:`viz.worksheet` (which draws the sheets and checks them with
:mod:`viz.check`) so that the two do not import each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograd import Node


@dataclass(frozen=True)
class Blank:
    """One number left for the student: its id (``"?3"``), the node's label, which quantity
    (``"value"`` or ``"grad"``), and the answer."""

    id: str
    label: str
    quantity: str
    answer: Any
    node: Any = None



# the numberings of blanks drawn for each graph, so that check(root, grads={"?3": …}) knows
# the blanks when only one numbering exists (and refuses to guess when several do)
_SHEETS: dict[int, tuple[Node, dict[tuple, dict[str, Blank]]]] = {}
_KEEP = 64


def blanks_of(root: Node, sheet: Any = None) -> dict[str, Blank]:
    """The blanks answers keyed ``"?k"`` refer to: ``sheet``'s, or the one numbering drawn
    for ``root`` (empty if none). Several different numberings of one graph (a worksheet per
    student, each with its seed) make the ids ambiguous: that is an error, never a guess."""
    if sheet is not None:
        if not (hasattr(sheet, "blanks") and hasattr(sheet, "root")):  # a viz.Worksheet
            raise TypeError(f"check: worksheet must be a Worksheet, got {type(sheet).__name__}")
        if sheet.root is not root:
            raise ValueError("check: the worksheet is of another graph than the one checked")
        return {b.id: b for b in sheet.blanks}
    found = _SHEETS.get(id(root))
    if found is None or found[0] is not root:
        return {}
    numberings = list(found[1].values())
    if len(numberings) > 1:
        raise ValueError(f"check: {len(numberings)} worksheets of this graph number their "
                         "blanks differently; say which one the answers are for: "
                         "check(root, grads=..., worksheet=ws) or ws.check(answers)")
    return numberings[0]


def remember(root: Node, blanks: list[Blank]) -> None:
    """Note a numbering of ``root``'s blanks (a worksheet drawn for it)."""
    known = _SHEETS.get(id(root))
    if known is None or known[0] is not root:
        if len(_SHEETS) >= _KEEP:
            _SHEETS.pop(next(iter(_SHEETS)))
        known = _SHEETS[id(root)] = (root, {})
    numbering = tuple((b.id, id(b.node), b.quantity) for b in blanks)
    known[1][numbering] = {b.id: b for b in blanks}
