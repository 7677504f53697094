"""``Module``: the base of every layer and model, for Values and Tensors alike.

Parameters are found in the attributes, as in PyTorch: a Value, a Tensor with
``requires_grad``, a Module, or a list, tuple or dict (with string keys) of those, in the
order they were assigned. A Tensor without ``requires_grad`` (a frozen weight, a mask) is
not trained but is saved, as PyTorch saves buffers.
"""

from __future__ import annotations

import html
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

import autograd
from autograd import Node, Tensor, Value
from autograd.graph import in_scope
from autograd.language import tr


class Module:
    """Base class: subclasses set their parameters and sub-modules as attributes and
    define ``forward``."""

    training: bool = True
    _summary_row = False  # True: summary() shows this module as one row (a layer of neurons)
    biases: tuple[str, ...] = ()  # the attributes that hold biases: not weights, no L2

    def forward(self, *args: Any) -> Any:  # pragma: no cover - every module overrides
        raise NotImplementedError

    _forward_hooks: tuple = ()  # hook(module, args, output) after each call; none by default

    # ---------------------------------------------------------------- shapes (Sequential's rule)
    # One example's shape: an int (a width) for flat data, (channels, height, width) for
    # images; None where unknown.

    built = True  # False for a layer that makes its weights from its input and has none yet
    input_shape: Any = None  # the input shape the module was made for, if it knows one
    input_hint = ""  # what a first layer that is not built must be told (Dense: input_dim=)

    def build(self, input_shape: Any) -> None:  # pragma: no cover - layers that are not built
        raise NotImplementedError  # when made override it

    def output_shape(self, input_shape: Any) -> Any:
        """One example's output shape for inputs of ``input_shape`` (None: unknown), as
        Keras's ``compute_output_shape``; a ValueError says why such inputs do not fit.
        This default keeps the shape, as every elementwise module (an activation) does."""
        return input_shape

    def __call__(self, *args: Any) -> Any:
        out = in_scope(self, self.forward, *args)  # nodes remember which module made them
        if self._forward_hooks:
            for hook in self._forward_hooks:
                hook(self, args, out)
        return out

    def register_forward_hook(self, hook: Callable[[Module, tuple, Any], None]) -> HookHandle:
        """Call ``hook(module, args, output)`` after every call of this module, as PyTorch's
        ``register_forward_hook`` (an ``nn.Recorder`` listens to layers this way); returns a
        handle whose ``remove()`` stops it."""
        if not callable(hook):
            raise TypeError(f"register_forward_hook: hook must be a function of (module, args, "
                            f"output), got {type(hook).__name__}")
        self._forward_hooks = (*self._forward_hooks, hook)
        return HookHandle(self, hook)

    # ---------------------------------------------------------------- what a module holds

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """(dotted name, parameter) pairs, e.g. ``layers.0.W`` or ``neurons.1.w.0``: every
        Value, and every Tensor with ``requires_grad``."""
        for name, node in self.named_tensors(prefix):
            if node.requires_grad:
                yield name, node

    def named_tensors(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """Every Value and Tensor the module holds, trained or not (what ``state_dict`` saves)."""
        for name, value in vars(self).items():
            if not name.startswith("_"):
                yield from _named(value, prefix + name)

    def parameters(self) -> list[Node]:
        return [p for _, p in self.named_parameters()]

    def weights(self) -> list[Node]:
        """The parameters whose role is a weight, not a bias: what ``fit(l2=…)`` decays.

        Decided by role, not by name: each module class lists its bias attributes in
        ``biases`` (``Linear`` and ``Neuron`` say ``("b",)``); a module that lists none has
        only weights.
        """
        found = []
        for _, module in self.named_modules():
            for name, p in _direct_parameters(module):
                if name.split(".")[0] not in module.biases:
                    found.append(p)
        return found

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, module) for this module ("" ) and everything inside it."""
        yield prefix.rstrip("."), self
        for name, value in vars(self).items():
            for path, item in _items(value, prefix + name):
                if isinstance(item, Module):
                    yield from item.named_modules(path + ".")

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

    def summary(self) -> Summary:
        """A table with one row per module that holds parameters (a layer of neurons is one
        row): its parameters' shapes and how many numbers they hold, then the total.

        It is text (print it, search it), and shows as a table when it is the last line of
        a Jupyter cell: plain text in a terminal, an HTML table in a notebook."""
        modules = list(self.named_modules())
        folded = tuple(f"{name}." for name, m in modules if name and m._summary_row)
        outputs = self._output_shapes()  # a Sequential knows each layer's output shape
        rows = []
        for name, module in modules:
            if module._summary_row and module.parameters():
                params = list(module.named_parameters())
            else:
                params = list(_direct_parameters(module))
                if (not params and name not in outputs) or name.startswith(folded):
                    continue  # no parameters, or inside a row already shown
            row = (name or type(self).__name__, type(module).__name__,
                   _shapes(module, params), str(sum(_size(p) for _, p in params)))
            if outputs:
                shape = outputs.get(name)
                shown = "?" if shape is None else str(shape if isinstance(shape, tuple)
                                                      else (shape,))
                row = (*row[:2], shown, *row[2:])
            rows.append(row)
        names = ("module", "type", "output shape", "parameters", "count") if outputs else \
            ("module", "type", "parameters", "count")
        header = tuple(tr(h) for h in names)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        last = len(header) - 1

        def line(cells) -> str:
            return "  ".join(c.ljust(w) if i < last else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        total = tr("total: {n} parameters", n=f"{self.num_parameters():,}")
        text = "\n".join([repr(self), "", line(header), line("-" * w for w in widths),
                          *(line(r) for r in rows), total])
        return Summary(text, header, rows, total)

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

    def _output_shapes(self) -> dict[str, Any]:
        """Output shapes by module name, for ``summary()``; only containers know them."""
        return {}

    def _repr_html_(self) -> str:
        """In Jupyter: the structure, then the table of parameters (``summary()``)."""
        return f"<pre>{html.escape(repr(self))}</pre>{self.summary()._repr_html_()}"

    def _children(self) -> Iterator[tuple[str, Module]]:
        for name, value in vars(self).items():
            yield from ((path, m) for path, m in _items(value, name) if isinstance(m, Module))

    # ---------------------------------------------------------------- saving and loading

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every Value and Tensor the module holds (parameters and frozen tensors)
        as a numpy array, by dotted name."""
        return {name: np.array(p.data) for name, p in self.named_tensors()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every Value and Tensor from ``state``. Missing, unexpected or mis-shaped entries
        are all reported in one error, and then nothing in the model has changed."""
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: expected a dict of arrays by name, got "
                            f"{type(state).__name__}")
        params = dict(self.named_tensors())
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
            given = np.asarray(state[name])
            if given.dtype.kind not in "fiub":
                problems.append(f"{name}: not numbers (dtype {given.dtype})")
                continue
            array = np.array(given, dtype=np.float64 if isinstance(p, Value) else p.data.dtype)
            if array.shape != np.shape(p.data):
                problems.append(f"{name}: expected shape {np.shape(p.data)}, got {array.shape}")
            new[name] = array
        if problems:
            raise ValueError("load_state_dict: the state does not fit this model\n  "
                             + "\n  ".join(problems))
        for name, p in params.items():  # only now, when every entry is known to fit
            p.data = float(new[name]) if isinstance(p, Value) else new[name]

    def save(self, path: str | Path) -> Path:
        """Write :meth:`state_dict` to a numpy ``.npz`` file (no pickle) and return its path;
        ``.npz`` is added to a name without it, as numpy does. The file is written whole
        (to a temporary file, then renamed) or not at all."""
        path = _npz(path)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"save: the folder {path.parent} does not exist")
        partial = path.with_name(path.name + ".partial")
        try:
            with open(partial, "wb") as f:
                np.savez(f, **self.state_dict())
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return path

    def load(self, path: str | Path) -> None:
        """Read a file written by :meth:`save` into this model (``w`` finds ``w.npz``, as
        ``save("w")`` wrote it). No pickle is ever read; a file that is not such an archive,
        or does not fit the model, is an error that names it, and the model is unchanged."""
        self.load_state_dict(read_npz(path))


def read_npz(path: str | Path) -> dict[str, np.ndarray]:
    """The arrays of a ``.npz`` archive of numbers, or an error that names the file and says
    what is wrong with it. Object arrays (pickles) are refused, never loaded."""
    path = Path(path)
    if not path.is_file() and path.suffix != ".npz":
        path = _npz(path)  # save("w") wrote w.npz
    if not path.is_file():
        raise FileNotFoundError(f"load: {path} does not exist")
    name = path.name
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic.startswith(b"\x93NUMPY"):
        raise ValueError(f"load: {name} holds one array (a .npy file), not a .npz archive of "
                         "named parameters written by save()")
    if not magic.startswith(b"PK"):
        raise ValueError(f"load: {name} is not a .npz archive (a zip file written by save())")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {}
            for key in archive.files:
                try:
                    arrays[key] = archive[key]
                except ValueError:  # numpy refuses an object array when pickles are off
                    raise ValueError(f"load: {name}: {key} holds Python objects, not numbers; "
                                     "this reader does not load them") from None
                dtype = arrays[key].dtype
                if dtype.kind not in "fiub":  # text or dates: name the file, not the model
                    what = "text" if dtype.kind in "US" else f"{dtype} values"
                    raise ValueError(f"load: {name}: {key} holds {what} (dtype {dtype.str}), "
                                     "not numbers")
            return arrays
    except (zipfile.BadZipFile, EOFError, OSError, KeyError) as error:
        raise ValueError(f"load: {name} is damaged or truncated ({error})") from None


def _npz(path: str | Path) -> Path:
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")


class Summary(str):
    """``Module.summary()``: the table as text, which Jupyter shows as an HTML table (and a
    terminal as the text itself, not as an escaped string)."""

    def __new__(cls, text: str, header: tuple, rows: list, total: str) -> Summary:
        made = super().__new__(cls, text)
        made.header, made.rows, made.total = header, rows, total
        return made

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"<p>{html.escape(self.total)}</p>")


def _named(value: Any, name: str) -> Iterator[tuple[str, Node]]:
    """Every Value and Tensor inside ``value``, with its dotted name."""
    for path, item in _items(value, name):
        if isinstance(item, Module):
            yield from item.named_tensors(path + ".")
        elif isinstance(item, Value | Tensor):
            yield path, item


def _items(value: Any, name: str) -> Iterator[tuple[str, Any]]:
    """``value`` itself, or what a list, tuple or dict holds (recursively), with names."""
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _items(item, f"{name}.{i}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{name}: dict keys must be strings to name what they hold, "
                                f"got {key!r}")
            yield from _items(item, f"{name}.{key}")
    else:
        yield name, value


def _direct_parameters(module: Module) -> Iterator[tuple[str, Node]]:
    """The parameters a module holds itself, not through a sub-module."""
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        for path, item in _items(value, name):
            if isinstance(item, Value) or (isinstance(item, Tensor) and item.requires_grad):
                yield path, item


def _shapes(module: Module, params: list[tuple[str, Node]]) -> str:
    if not params:
        return "—"
    if all(isinstance(p, Value) for _, p in params):
        return tr("{n} scalars", n=len(params))
    return ", ".join(f"{name} {tuple(p.data.shape)}" for name, p in params)


def _size(p: Node) -> int:
    return 1 if isinstance(p, Value) else int(p.data.size)


class HookHandle:
    """What :meth:`Module.register_forward_hook` returns: ``remove()`` takes the hook off."""

    def __init__(self, module: Module, hook: Callable) -> None:
        self.module, self.hook = module, hook

    def remove(self) -> None:
        """Stop calling the hook (a second call does nothing)."""
        module = self.module
        hooks = tuple(h for h in module._forward_hooks if h is not self.hook)
        if hooks:
            module._forward_hooks = hooks
        elif "_forward_hooks" in vars(module):
            del module._forward_hooks  # back to the class's empty default: no cost per call
