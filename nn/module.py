"""``Module``: the base of every layer and model, for Values and Tensors alike.

Parameters are found in the attributes, as in PyTorch: a Value, a Tensor with
``requires_grad``, a Module, or a list or tuple of those, in the order they were assigned.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

import autograd
from autograd import Node, Tensor, Value
from autograd.graph import in_scope


class Module:
    """Base class: subclasses set their parameters and sub-modules as attributes and
    define ``forward``."""

    training: bool = True
    _summary_row = False  # True: summary() shows this module as one row (a layer of neurons)

    def forward(self, *args: Any) -> Any:  # pragma: no cover - every module overrides
        raise NotImplementedError

    def __call__(self, *args: Any) -> Any:
        return in_scope(self, self.forward, *args)  # nodes remember which module made them

    # ---------------------------------------------------------------- what a module holds

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """(dotted name, parameter) pairs, e.g. ``layers.0.W`` or ``neurons.1.w.0``."""
        for name, value in vars(self).items():
            yield from _named(value, prefix + name)

    def parameters(self) -> list[Node]:
        return [p for _, p in self.named_parameters()]

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ("" ) and everything inside it."""
        yield prefix.rstrip("."), self
        for name, value in vars(self).items():
            items = enumerate(value) if isinstance(value, list | tuple) else [(None, value)]
            for i, item in items:
                if isinstance(item, Module):
                    yield from item.named_modules(
                        f"{prefix}{name}." if i is None else f"{prefix}{name}.{i}.")

    def zero_grad(self) -> None:
        """Reset every parameter's gradient (0.0 for a Value, None for a Tensor)."""
        autograd.zero_grad(self.parameters())

    def train(self, mode: bool = True) -> Module:
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        return self.train(False)

    def num_parameters(self) -> int:
        """How many numbers the model learns (seed 003: "how many parameters?")."""
        return sum(_size(p) for p in self.parameters())

    def summary(self) -> str:
        """A table with one row per module that holds parameters (a layer of neurons is one
        row): its parameters' shapes and how many numbers they hold, then the total."""
        modules = list(self.named_modules())
        folded = tuple(f"{name}." for name, m in modules if name and m._summary_row)
        rows = []
        for name, module in modules:
            if module._summary_row and module.parameters():
                params = list(module.named_parameters())
            else:
                params = list(_direct_parameters(module))
                if not params or name.startswith(folded):  # inside a row already shown
                    continue
            rows.append((name or type(self).__name__, type(module).__name__,
                         _shapes(module, params), str(sum(_size(p) for _, p in params))))
        header = ("module", "type", "parameters", "count")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

        def line(cells) -> str:
            return "  ".join(c.ljust(w) if i < 3 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        total = f"total: {self.num_parameters():,} parameters"
        return "\n".join([repr(self), "", line(header), line("-" * w for w in widths),
                          *(line(r) for r in rows), total])

    def __repr__(self) -> str:
        children = [(name, m) for name, m in self._children()]
        extra = self.extra_repr()
        if not children:
            return f"{type(self).__name__}({extra})"
        inner = "".join(f"\n  ({name}): " + repr(m).replace("\n", "\n  ")
                        for name, m in children)
        return f"{type(self).__name__}({extra}{inner}\n)"

    def extra_repr(self) -> str:
        return ""

    def _children(self) -> Iterator[tuple[str, Module]]:
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, list | tuple):
                yield from ((f"{name}.{i}", m) for i, m in enumerate(value)
                            if isinstance(m, Module))

    # ---------------------------------------------------------------- saving and loading

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every parameter as a numpy array, by dotted name."""
        return {name: np.array(p.data) for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``. Missing, unexpected or mis-shaped entries are
        all reported in one error, and then nothing in the model has changed."""
        params = dict(self.named_parameters())
        problems = []
        missing = [name for name in params if name not in state]
        unexpected = [name for name in state if name not in params]
        if missing:
            problems.append(f"missing: {', '.join(missing)}")
        if unexpected:
            problems.append(f"unexpected: {', '.join(unexpected)}")
        new = {}
        for name, p in params.items():
            if name not in state:
                continue
            try:
                array = np.array(state[name], dtype=np.float64 if isinstance(p, Value)
                                 else p.data.dtype)
            except (TypeError, ValueError):
                problems.append(f"{name}: not numbers ({type(state[name]).__name__})")
                continue
            if array.shape != np.shape(p.data):
                problems.append(f"{name}: expected shape {np.shape(p.data)}, got {array.shape}")
            new[name] = array
        if problems:
            raise ValueError("load_state_dict: the state does not fit this model\n  "
                             + "\n  ".join(problems))
        for name, p in params.items():  # only now, when every entry is known to fit
            p.data = float(new[name]) if isinstance(p, Value) else new[name]

    def save(self, path: str | Path) -> None:
        """Write the parameters to a numpy ``.npz`` file (no pickle)."""
        np.savez(path, **self.state_dict())

    def load(self, path: str | Path) -> None:
        """Read parameters written by :meth:`save` into this model (no pickle is read)."""
        with np.load(path, allow_pickle=False) as archive:
            self.load_state_dict({name: archive[name] for name in archive.files})


def _named(value: Any, name: str) -> Iterator[tuple[str, Node]]:
    if isinstance(value, Module):
        yield from value.named_parameters(name + ".")
    elif isinstance(value, Value) or (isinstance(value, Tensor) and value.requires_grad):
        yield name, value
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _named(item, f"{name}.{i}")


def _direct_parameters(module: Module) -> Iterator[tuple[str, Node]]:
    """The parameters a module holds itself, not through a sub-module."""
    for name, value in vars(module).items():
        if not isinstance(value, Module) and not (
                isinstance(value, list | tuple) and any(isinstance(v, Module) for v in value)):
            yield from _named(value, name)


def _shapes(module: Module, params: list[tuple[str, Node]]) -> str:
    if all(isinstance(p, Value) for _, p in params):
        return f"{len(params)} scalars"
    return ", ".join(f"{name} {tuple(p.data.shape)}" for name, p in params)


def _size(p: Node) -> int:
    return 1 if isinstance(p, Value) else int(p.data.size)
