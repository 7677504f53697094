"""The backward pass recomputed wire by wire from :func:`autograd.edge_grad`, the per-wire
rule the diagrams, ``explain`` and the exercise checks use: the tests hold ``backward()``
to these numbers exactly, so what the pictures show is what the engine computes."""

from __future__ import annotations

from typing import Any

from autograd import Node, edge_grad, forward_order


def wire_by_wire(root: Node, seed: Any) -> dict[int, Any]:
    """d root / d node for every node ``root`` depends on (by ``id``), each the sum over the
    wires leaving the node of ``edge_grad``, children taken newest first (the order in which
    ``backward()`` adds them, so the sums are the same numbers, not just close ones)."""
    grads: dict[int, Any] = {id(root): seed}
    for child in reversed(forward_order(root)):
        g = grads.get(id(child))
        if g is None:
            continue
        for i, parent in enumerate(child.parents):
            part = edge_grad(child, i, g)
            if part is not None:
                total = grads.get(id(parent))
                grads[id(parent)] = part if total is None else total + part
    return grads
