"""Exercise mode: check a student's backprop node by node and say what went wrong.

``check(root, values=..., grads=...)`` compares the numbers a student wrote for each node
(its forward value, its gradient ∂root/∂node) with the engine's, and for every wrong
gradient names the classic mistake it is, in the order a teacher would try them:

- ``sign``: the right number with the wrong sign;
- ``missing_path``: the node feeds several places and only some paths were added up;
- ``missing_factor``: a factor of the chain is missing (the local derivative alone, or the
  upstream gradient alone);
- ``extra_factor``: one local derivative too many (seed 000's σ′ applied twice);
- ``other``: none of these explains it.

A wrong answer that is right *given the student's own wrong gradient further up* is marked
``propagated``: fix the first wrong one (``report.first_wrong``) and it may follow.
The engine's gradients are computed here with ``backward_pass``; ``.grad`` is not touched.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import Node, backward_pass, edge_grad, forward_order, ops, replay
from autograd import consumers as graph_consumers
from autograd.language import tr

from .blanks import blanks_of
from .diagram import fmt, gate_names

MISTAKES = ("sign", "missing_path", "missing_factor", "extra_factor", "stale", "transposed",
            "other")
UNANSWERED = "unanswered"  # the answer is still None (a student notebook's blank)
# each mistake as words for the report (the codes stay the data: CheckRow.mistake)
MISTAKE_WORDS = {
    "sign": "the sign", "missing_path": "a path missing", "missing_factor": "a factor missing",
    "extra_factor": "one factor too many", "stale": "a stale weight",
    "propagated": "carried from a wrong one above", "transposed": "transposed",
    "shape": "the shape", "wrong_rows": "some rows", "not_a_number": "not a number",
    "uphill": "a step uphill", "no_lr": "the learning rate missing",
    "lr_twice": "the learning rate twice", "step_only": "the step alone",
    "one_example": "one example's gradient", "sum_not_mean": "a sum, not a mean",
    "other": "other"}
# Right and wrong: blue and a dark vermillion, told apart under protanopia and deuteranopia
# (and by their marks, ✓ and a bold ✗), each at 4.5:1 or more on white (7.1:1 and 5.8:1)
RIGHT_COLOUR, WRONG_COLOUR = "#005a9c", "#b34000"
_RECORDING: ContextVar[list | None] = ContextVar("_RECORDING", default=None)


@contextmanager
def recording() -> Iterator[list]:
    """Collect every report :func:`check`, :func:`check_answer` and
    :func:`viz.check_step` make inside the block, in order: the grader reads a check
    cell's verdicts this way, whatever the cell prints or returns."""
    made: list = []
    token = _RECORDING.set(made)
    try:
        yield made
    finally:
        _RECORDING.reset(token)


@dataclass
class CheckRow:
    """One answer: which node and quantity, the number given and the right one, and what
    went wrong (``mistake`` is None for a right answer)."""

    label: str
    quantity: str  # "value" or "grad"
    given: Any
    expected: Any
    ok: bool
    mistake: str | None
    explanation: str
    node: Any = None  # the node the answer is about

    @property
    def verdict(self) -> str:
        if self.mistake == UNANSWERED:
            return tr("not answered")
        if self.ok:
            return tr("right")
        return f"{tr('wrong')}: {tr(MISTAKE_WORDS.get(self.mistake, self.mistake))}"


class CheckReport:
    """The result of :func:`check`: truthy only when every answer is right. ``root`` is the
    graph's output for a report of :func:`check` (None for :func:`check_answer`)."""

    def __init__(self, rows: list[CheckRow], first_wrong: CheckRow | None,
                 root: Node | None = None) -> None:
        self.rows = rows
        self.first_wrong = first_wrong
        self.root = root
        made = _RECORDING.get()
        if made is not None:
            made.append(self)

    def __bool__(self) -> bool:
        return all(row.ok for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, label: str) -> CheckRow:
        for row in self.rows:
            if row.label == label:
                return row
        raise KeyError(f"no answer for {label!r}; answered: {[r.label for r in self.rows]}")

    def marks(self) -> dict[int, dict]:
        """How :func:`viz.draw_graph` marks the answers (``draw_graph(root, check=report)``):
        a green ✓ or an orange ✗ with the expected number under each answered node's first
        wire, the first wrong one filled."""
        found: dict[int, dict] = {}
        for row in self.rows:
            if row.node is None or row.mistake == UNANSWERED:
                continue
            mark = found.setdefault(id(row.node), {"note": ""})
            symbol_ = "∂" if row.quantity == "grad" else tr("value")
            if row.ok:
                text = (f'<font color="{RIGHT_COLOUR}">✓ {symbol_} '
                        f"{html.escape(as_text(row.given))}</font>")
            elif row.mistake == NOT_A_NUMBER:  # nothing to compare: the answer stays unsaid
                text = (f'<font color="{WRONG_COLOUR}"><b>✗</b> {symbol_} '
                        f"{html.escape(as_text(row.given))} ?</font>")
            else:
                text = (f'<font color="{WRONG_COLOUR}"><b>✗</b> {symbol_} '
                        f"{html.escape(as_text(row.given))} → "
                        f"{html.escape(as_text(row.expected))}</font>")
            mark["note"] = f'{mark["note"]}<br/>{text}' if mark["note"] else text
            if row is self.first_wrong:
                mark["fill"] = "#fdebd0"
        return found

    def summary(self) -> str:
        right = sum(row.ok for row in self.rows)
        text = tr("check: {right} of {n} answers right", right=right, n=len(self.rows))
        blank = sum(row.mistake == UNANSWERED for row in self.rows)
        if blank:
            text += tr(" ({n} not answered yet)", n=blank)
        if self.first_wrong is not None:
            text += tr("; the first wrong one, nearest the loss, is the {quantity} of {label}: "
                       "fix it first", quantity=tr(self.first_wrong.quantity),
                       label=self.first_wrong.label)
        return text

    def _table(self) -> tuple[list[str], list[list[str]]]:
        header = [tr(h) for h in ("node", "quantity", "given", "expected", "verdict",
                                  "explanation")]
        body = [[r.label, tr(r.quantity), as_text(r.given), as_text(r.expected), r.verdict,
                 r.explanation] for r in self.rows]
        return header, body

    def __str__(self) -> str:
        header, body = self._table()
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(5)]
        lines = [self.summary(),
                 "  ".join(h.ljust(w) for h, w in zip(header, widths)) + "  " + header[5]]
        for row in body:
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[5])
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        header, body = self._table()
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        rows = []
        for row, cells in zip(self.rows, body):
            colour = RIGHT_COLOUR if row.ok else WRONG_COLOUR
            rows.append("<tr>" + "".join(
                f'<td style="color:{colour if i == 4 else "inherit"}">{html.escape(c)}</td>'
                for i, c in enumerate(cells)) + "</tr>")
        return (f"<p>{html.escape(self.summary())}</p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")


def check(root: Node, values: Mapping[Any, Any] | None = None,
          grads: Mapping[Any, Any] | None = None, rtol: float = 1e-3,
          atol: float = 1e-6, lr: float | None = None, worksheet: Any = None) -> CheckReport:
    """Check a student's forward values and gradients of the graph of ``root``.

    ``values`` and ``grads`` map nodes to numbers (arrays for Tensor nodes); a node is given
    by its label (``"z1"``) or by the node itself. An answer is right when
    ``|given − expected| ≤ atol + rtol·|expected|``. The gradients are computed here (backward
    from ``root``, seed 1); ``.grad`` and ``.data`` are left as they were.

    With ``lr``, a wrong gradient is also tried as ``stale``: the gradient computed after
    one parameter was already moved by one gradient step of that learning rate (seed 001's
    loop updates ``w_out`` before it backpropagates through it). Graphs of Values only.

    Answers keyed by a worksheet's blank ids (``"?3"``) are read against ``worksheet``, or,
    when it is not given, against the one numbering drawn for this graph; if several
    worksheets of the graph number their blanks differently, the ids are ambiguous and
    refused (``Worksheet.check`` names its sheet itself). An answer may be text as a person
    types it, with a decimal comma (``"0,9518"``); text that is not a number is said so,
    never diagnosed as a mistake of backprop.
    """
    if not isinstance(root, Node):
        raise TypeError(f"check needs the Value or Tensor the answers are about, got "
                        f"{type(root).__name__}")
    nodes = forward_order(root)
    token = _GATES.set(gate_names(nodes))
    try:
        return _check(root, nodes, values, grads, rtol, atol, lr, worksheet)
    finally:
        _GATES.reset(token)


def _check(root: Node, nodes: list[Node], values: Mapping[Any, Any] | None,
           grads: Mapping[Any, Any] | None, rtol: float, atol: float, lr: float | None,
           worksheet: Any) -> CheckReport:

    by_label = _labels(nodes)
    uses_blanks = any(isinstance(key, str) and key.startswith("?")
                      for answers in (values, grads) for key in answers or {})
    blanks = blanks_of(root, worksheet) if uses_blanks or worksheet is not None else {}
    for quantity, answers in (("value", values), ("grad", grads)):
        for key in answers or {}:
            if isinstance(key, str) and key.startswith("?"):
                if key not in blanks:
                    where = "on this worksheet" if worksheet is not None else \
                        "on the worksheet of this graph"
                    raise KeyError(f"check: no blank {key} {where}; its blanks are "
                                   f"{', '.join(blanks) or 'none'}")
                if blanks[key].quantity != quantity:
                    raise ValueError(f"check: blank {key} asks for the {blanks[key].quantity} "
                                     f"of {blanks[key].label}; give it in "
                                     f"{blanks[key].quantity}s=")
                by_label = {**by_label, key: blanks[key].node}
    unreadable: list[tuple[str, str, Any, Node]] = []  # text that is not a number
    values, grads = (_read_answers(answers, quantity, by_label, nodes, unreadable)
                     for quantity, answers in (("value", values), ("grad", grads)))
    passed = backward_pass(root)
    expected = {id(n): g for n, g in passed}
    order = {id(n): k for k, (n, _) in enumerate(passed)}  # backward order: loss first
    consumers = graph_consumers(nodes)
    given_grads = {id(node): (key, v, node) for key, v in (grads or {}).items()
                   if v is not None for node in [_node(key, by_label, nodes)]}
    rows: list[tuple[int, CheckRow]] = [
        (order.get(id(node), 0), not_a_number_row(_name(node, key), quantity, text, node))
        for key, quantity, text, node in unreadable]
    for quantity, answers in (("value", values), ("grad", grads)):
        for key, value in (answers or {}).items():
            if value is None:  # a blank: said so, never diagnosed, its answer not shown
                node = _node(key, by_label, nodes)
                rows.append((order.get(id(node), 0), unanswered_row(_name(node, key), quantity,
                                                                    node)))
    for key, value in (values or {}).items():
        if value is None:
            continue
        node = _node(key, by_label, nodes)
        ok = close_enough(value, node.data, rtol, atol)
        rows.append((order.get(id(node), 0), CheckRow(
            _name(node, key), "value", value, node.data, ok, None if ok else "other",
            "" if ok else tr("the forward value of {name} is {want}", name=_name(node, key),
                             want=as_text(node.data)),
            node)))
    wrong_grads: list[tuple[int, CheckRow]] = []
    for node_id, (key, given, node) in given_grads.items():
        name = _name(node, key)
        want = expected[node_id]
        if close_enough(given, want, rtol, atol):
            rows.append((order[node_id], CheckRow(name, "grad", given, want, True, None, "",
                                                  node)))
            continue
        mistake, why = _diagnose(node, given, want, expected, consumers, rtol, atol)
        if mistake == "other" and lr is not None:
            stale = _stale(root, nodes, node, given, expected, lr, rtol, atol)
            if stale is not None:
                mistake, why = "stale", tr(
                    "this is ∂L/∂{name} computed after {stale} had already been moved by one "
                    "step (lr = {lr}): compute every gradient first, with the old weights, then "
                    "update them all (∂L/∂{name} = {want})", name=name, stale=stale,
                    lr=f"{lr:g}", want=as_text(want))
        upstream = _from_student_upstream(node, given_grads, expected, consumers)
        if (upstream is not None and close_enough(given, upstream, rtol, atol)
                and mistake == "other"):
            mistake = "propagated"
            why = tr("consistent with the gradients you gave further up, but one of those is "
                     "wrong, so this one is too (it should be {want})", want=as_text(want))
        row = CheckRow(name, "grad", given, want, False, mistake, why, node)
        rows.append((order[node_id], row))
        wrong_grads.append((order[node_id], row))
    rows.sort(key=lambda item: item[0])
    out = root.label or "out"  # every ∂ names the output checked: ∂E/∂b1 when the loss is E
    for _, row in rows:
        row.explanation = row.explanation.replace("∂L/∂", f"∂{out}/∂")
    first = min(wrong_grads, key=lambda item: item[0])[1] if wrong_grads else None
    return CheckReport([row for _, row in rows], first, root)


def check_answer(given: Any, expected: Any, name: str = "answer", rtol: float = 1e-3,
                 atol: float = 1e-6) -> CheckReport:
    """Check answers that are not about a graph node: a number, an array, a shape, a word.

    ``given`` and ``expected`` are one answer each, or dicts of answers by name (every name
    of ``expected`` is checked). Numbers and arrays are right within ``atol + rtol·|expected|``;
    shapes (tuples of ints), strings and booleans must be equal. ``None`` is "not answered
    yet" (the blank of a student notebook). Returns the same report as :func:`check`.
    """
    if isinstance(expected, Mapping):
        if not isinstance(given, Mapping):
            raise TypeError(f"check_answer: expected answers for {', '.join(map(str, expected))}"
                            f"; give a dict with those names, got {type(given).__name__}")
        unknown = sorted(set(map(str, given)) - set(map(str, expected)))
        if unknown:
            raise KeyError(f"check_answer: no question named {', '.join(unknown)}; the "
                           f"questions are {', '.join(map(str, expected))}")
        pairs = [(str(k), given.get(k), v) for k, v in expected.items()]
    else:
        pairs = [(name, given, expected)]
    return CheckReport([_answer_row(label, g, want, rtol, atol) for label, g, want in pairs],
                       None)


def _answer_row(label: str, given: Any, want: Any, rtol: float, atol: float) -> CheckRow:
    if given is None:
        return unanswered_row(label, "answer", None)
    if isinstance(given, str) and not isinstance(want, str):
        number = read_number(given)
        if number is None:
            return not_a_number_row(label, "answer", given, None)
        given = number
    exact = isinstance(want, (str, bool, tuple)) or (
        isinstance(want, list) and all(isinstance(v, (str, bool)) for v in want))
    if exact:
        ok = (tuple(given) if isinstance(given, (list, tuple)) and isinstance(want, tuple)
              else given) == want
        if ok:
            return CheckRow(label, "answer", given, want, True, None, "")
        mistake, why = _shape_mistake(given, want) if isinstance(want, tuple) else \
            ("other", tr("the answer is {want}", want=as_text(want)))
        return CheckRow(label, "answer", given, want, False, mistake, why)
    if close_enough(given, want, rtol, atol):
        return CheckRow(label, "answer", given, want, True, None, "")
    g_shape, w_shape = np.shape(given), np.shape(want)
    if g_shape != w_shape:
        if len(g_shape) >= 2 and g_shape[:-2] + g_shape[-2:][::-1] == w_shape and \
                close_enough(np.swapaxes(np.asarray(given, dtype=float), -1, -2), want, rtol, atol):
            return CheckRow(label, "answer", given, want, False, "transposed",
                            _transposed_hint(w_shape))
        return CheckRow(label, "answer", given, want, False, "shape", tr(
            "the shape is {given}, it should be {want}", given=g_shape, want=w_shape))
    rows = _wrong_rows(given, want, rtol, atol)
    if rows is not None:
        return CheckRow(label, "answer", given, want, False, "wrong_rows", rows)
    if len(w_shape) >= 2 and close_enough(np.swapaxes(np.asarray(given, dtype=float), -1, -2), want,
                                          rtol, atol):
        return CheckRow(label, "answer", given, want, False, "transposed",
                        _transposed_hint(w_shape))
    return CheckRow(label, "answer", given, want, False, "other",
                    tr("the answer is {want}", want=as_text(want)))


def _shape_mistake(given: Any, want: tuple) -> tuple[str, str]:
    """A wrong shape: its axes swapped, or which axis differs."""
    try:
        got = tuple(given)
    except TypeError:
        return "other", tr("the answer is {want}", want=as_text(want))
    if len(got) == len(want) == 2 and got[::-1] == want:
        return "transposed", tr(
            "the axes are in the other order: {want}, not {given} (rows first: a matrix "
            "that maps n inputs to m outputs as x @ W has shape (n, m))", want=want, given=got)
    if len(got) == len(want) > 2 and sorted(got) == sorted(want):
        return "transposed", tr(
            "the axes are in another order: {want}, not {given} (images here are channels "
            "first: (channels, height, width))", want=want, given=got)
    if len(got) != len(want):
        return "other", tr("{want} has {n} axes, this has {k}: {given}", want=want,
                           n=len(want), k=len(got), given=got)
    axes = [str(k) for k, (a, b) in enumerate(zip(got, want)) if a != b]
    return "other", tr("axis {axes} is wrong: the shape is {want}", axes=", ".join(axes),
                       want=want)


def _transposed_hint(shape: tuple) -> str:
    return tr("these are the right numbers, transposed: row i, column j of the answer is "
              "row j, column i of yours (shape {want})", want=shape)


def _wrong_rows(given: Any, want: Any, rtol: float, atol: float) -> str | None:
    """For a table (a truth table, one output per example): which rows are wrong."""
    g, w = np.asarray(given, dtype=float), np.asarray(want, dtype=float)
    if w.ndim != 1 or w.size < 2 or w.size > 64:
        return None
    bad = [k for k in range(w.size) if not abs(g[k] - w[k]) <= atol + rtol * abs(w[k])]
    if len(bad) == w.size:
        return None
    rows = ", ".join(f"{k} ({as_text(g[k])} → {as_text(w[k])})" for k in bad)
    return tr("{n} of {total} rows are wrong: row {rows}", n=len(bad), total=w.size, rows=rows)


NOT_A_NUMBER = "not_a_number"  # an answer typed as text that is not a number


def read_number(text: str) -> float | None:
    """A number as a person types it: ``0.9518``, ``0,9518`` (a decimal comma, as Spanish
    writes it), ``−2`` (a real minus sign), ``1.5e-3``; None for anything else ("1,2,3",
    "abc", "nan")."""
    cleaned = text.strip().replace("−", "-").replace(" ", "")
    if re.fullmatch(r"[+-]?\d*,\d+([eE][+-]?\d+)?", cleaned):
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?inf", cleaned):
        return None
    return float(cleaned)


def _read_answers(answers: Mapping[Any, Any] | None, quantity: str, by_label: dict,
                  nodes: list, unreadable: list) -> dict | None:
    """The answers with text read as numbers; text that is not one goes to ``unreadable``."""
    if answers is None:
        return None
    read = {}
    for key, given in answers.items():
        if isinstance(given, str):
            number = read_number(given)
            if number is None:
                unreadable.append((key, quantity, given, _node(key, by_label, nodes)))
                continue
            given = number
        read[key] = given
    return read


def not_a_number_row(label: str, quantity: str, text: str, node: Any) -> CheckRow:
    """The row for an answer typed as text that is not a number (never diagnosed)."""
    return CheckRow(label, quantity, text, None, False, NOT_A_NUMBER,
                    tr("{given} is not a number: write it with digits and a decimal point or "
                       "comma (0.9518 or 0,9518)", given=repr(text)), node)


def unanswered_row(label: str, quantity: str, node: Any) -> CheckRow:
    """The row for an answer left as None (not a mistake)."""
    return CheckRow(label, quantity, None, None, False, UNANSWERED,
                    tr("not answered yet: replace None by your answer"), node)


# ---------------------------------------------------------------- what went wrong


def _diagnose(node: Node, given: Any, want: Any, expected: dict, consumers: dict,
              rtol: float, atol: float) -> tuple[str, str]:
    """The first mistake, in the order sign, missing_path, missing_factor, extra_factor, that
    explains ``given``, with a sentence that names the nodes."""
    name = _name(node, None)
    w = np.asarray(want, dtype=float)

    def close(a: Any) -> bool:
        return close_enough(given, a, rtol, atol)

    if w.ndim >= 2 and np.shape(given) in (w.shape, w.shape[:-2] + w.shape[-2:][::-1]):
        swapped = np.swapaxes(np.asarray(given, dtype=float), -1, -2)
        if close_enough(swapped, w, rtol, atol):  # (given itself is not: it was checked)
            return "transposed", _transposed_hint(w.shape) + f" (∂L/∂{name})"
    if np.any(w != 0) and close(-w):
        return "sign", tr("the sign is wrong: ∂L/∂{name} = {want}; check the sign of each "
                          "local derivative (a subtraction's second input gets the gradient "
                          "times −1)", name=name, want=as_text(want))
    parts = [(child, i, edge_grad(child, i, expected[id(child)]))
             for child, i in consumers.get(id(node), [])]
    parts = [p for p in parts if p[2] is not None]
    if 1 < len(parts) <= 10:
        for r in range(1, len(parts)):
            for subset in itertools.combinations(range(len(parts)), r):
                if close(sum(parts[k][2] for k in subset)):
                    left_out = [_name(parts[k][0], None) for k in range(len(parts))
                                if k not in subset]
                    return "missing_path", tr(
                        "{name} feeds {n} nodes and its gradient is the sum over all of them; "
                        "the paths through {left_out} are missing (∂L/∂{name} = {want})",
                        name=name, n=len(parts), left_out=", ".join(left_out), want=as_text(want))
    for child, i, _ in parts:
        upstream = expected[id(child)]
        local = _local(child, i, upstream)
        if local is not None and np.any(local != 1) and close(local) and not close(want):
            return "missing_factor", tr(
                "you gave the local derivative ∂{child}/∂{name} = {formula} only; multiply by "
                "the gradient arriving from the loss, ∂L/∂{child} = {upstream}",
                child=_name(child, None), name=name, formula=_formula(child, i),
                upstream=as_text(upstream))
        if len(parts) == 1 and _fits(upstream, w) and np.any(upstream != want) \
                and close(upstream):
            return "missing_factor", tr(
                "you gave the gradient arriving at {child} only; multiply by its local "
                "derivative ∂{child}/∂{name} = {formula}", child=_name(child, None), name=name,
                formula=_formula(child, i))
    factors = _factors_above(node, expected, consumers)
    for child, i, factor in factors:
        if _fits(factor, w) and np.any(factor != 1) and close(w * factor):
            return "extra_factor", tr(
                "one factor too many: {op}′ is applied twice (an extra ∂{child}/∂{parent} = "
                "{formula} = {factor}); ∂L/∂{name} = {want}", op=_op_name(child),
                child=_name(child, None), parent=_name(child.parents[i], None),
                formula=_formula(child, i), factor=as_text(factor), name=name, want=as_text(want))
    for child, i, factor in factors:
        if _fits(factor, w) and np.all(factor != 0) and np.any(factor != 1) \
                and close(w / factor):
            return "missing_factor", tr(
                "a factor of the chain is missing: ∂{child}/∂{parent} = {formula} = {factor}; "
                "∂L/∂{name} = {want}", child=_name(child, None),
                parent=_name(child.parents[i], None), formula=_formula(child, i),
                factor=as_text(factor), name=name, want=as_text(want))
    return "other", tr("∂L/∂{name} = {want}; write the chain rule path by path (explain())",
                       name=name, want=as_text(want))


def _stale(root: Node, nodes: list[Node], node: Node, given: Any, expected: dict, lr: float,
           rtol: float, atol: float) -> str | None:
    """The name of the parameter which, moved by −lr·∂L/∂p first, gives ``given`` as the
    gradient of ``node``; None if none does (or the graph cannot be replayed)."""
    if len(nodes) > 5000 or not all(isinstance(n.data, float) for n in nodes):
        return None
    params = [n for n in nodes if not n.parents and n.requires_grad and n is not node]
    order = [n for n, _ in backward_pass(root)]
    for p in params[:200]:
        moved = p.data - lr * expected[id(p)]
        if close_enough(given, _chain_with(order, root, node, p, moved), rtol, atol):
            return _name(p, None)  # the lab's loop: the old forward, the new weight
        replayed = replay(nodes, {id(p): moved})
        if replayed is None:
            return None
        new_root, new_node = replayed[id(root)], replayed.get(id(node))
        if new_node is None:
            continue
        grads = {id(n): g for n, g in backward_pass(new_root)}
        if close_enough(given, grads.get(id(new_node), 0.0), rtol, atol):
            return _name(p, None)
    return None


def _chain_with(order: list[Node], root: Node, node: Node, p: Node, moved: float) -> float:
    """∂root/∂node by the chain rule over the recorded forward pass, but with ``p``'s new
    value wherever a local derivative is ``p`` (the other operand of a ×)."""
    from autograd import local_derivative

    g = {id(root): 1.0}
    for n in order:
        gn = g.get(id(n), 0.0)
        for i, parent in enumerate(n.parents):
            local = local_derivative(n, i)
            if n.op == "*" and len(n.parents) == 2 and n.parents[1 - i] is p:
                local = moved
            g[id(parent)] = g.get(id(parent), 0.0) + local * gn
    return g.get(id(node), 0.0)


def _factors_above(node: Node, expected: dict, consumers: dict) -> list[tuple]:
    """Every local derivative on a path from ``node`` to the root, as (child, input, value)."""
    found, seen, frontier = [], set(), [node]
    while frontier:
        current = frontier.pop()
        for child, i in consumers.get(id(current), []):
            if (id(child), i) in seen:
                continue
            seen.add((id(child), i))
            local = _local(child, i, expected[id(child)])
            if local is not None:
                found.append((child, i, local))
            frontier.append(child)
    return found


def _local(child: Node, i: int, upstream: Any) -> Any:
    """d child / d input i as a number (or, for an elementwise array op, an array)."""
    if isinstance(child.data, float):
        from autograd import local_derivative

        return local_derivative(child, i)
    op = ops.lookup(child.op)
    if op is None or op.kind not in ("elementwise", "binary"):
        return None
    ones = np.ones_like(child.data)
    value = edge_grad(child, i, ones)
    if value is None or np.shape(value) != np.shape(ones):
        return None
    return value


def _from_student_upstream(node: Node, given: dict, expected: dict, consumers: dict) -> Any:
    """∂L/∂node computed from the gradients the student gave for its consumers (the right
    ones where the student gave none): what a consistent student would write here."""
    total, used_student = 0.0, False
    for child, i in consumers.get(id(node), []):
        upstream = expected[id(child)]
        if id(child) in given:
            upstream = np.asarray(given[id(child)][1], dtype=float)
            used_student = True
        contribution = edge_grad(child, i, upstream if not isinstance(child.data, float)
                                 else float(upstream))
        if contribution is None:
            continue
        total = total + contribution
    return total if used_student else None


# ---------------------------------------------------------------- names and numbers


def _labels(nodes: list[Node]) -> dict[str, Node]:
    found: dict[str, Node] = {}
    twice = set()
    for node in nodes:
        if node.label:
            if node.label in found:
                twice.add(node.label)
            found[node.label] = node
    for label in twice:
        found.pop(label)
    return found


def _node(key: Any, by_label: dict[str, Node], nodes: list[Node]) -> Node:
    if isinstance(key, Node):
        if not any(n is key for n in nodes):
            raise ValueError("check: an answer is for a node that is not in this graph")
        return key
    if isinstance(key, str):
        if key in by_label:
            return by_label[key]
        labels = sorted(by_label)
        raise KeyError(f"check: no node labelled {key!r} (or the label is used twice); "
                       f"labelled nodes: {', '.join(labels) or 'none'}")
    raise TypeError(f"check: answers are keyed by a node or its label, got "
                    f"{type(key).__name__}")


def _name(node: Node, key: Any) -> str:
    if isinstance(key, str) and key.startswith("?") and node.label:
        return f"{key} ({node.label})"
    if isinstance(key, str):
        return key
    if node.label:
        return node.label
    if node.op:  # an unlabelled gate: as the diagram numbers it (×₁, ×₂)
        return (_GATES.get() or {}).get(id(node)) or ops.symbol(node.op)
    return as_text(node.data)


def _op_name(node: Node) -> str:
    return ops.symbol(node.op)


# the gates' names (×₁, ×₂) of the graph being checked, for the explanations
_GATES: ContextVar[dict[int, str] | None] = ContextVar("check_gates", default=None)


def _formula(child: Node, i: int) -> str:
    args = {"a": _name(child.parents[0], None),
            "b": _name(child.parents[1], None) if len(child.parents) > 1 else ""}
    return ops.formula(child.op, i, **args) or f"∂{ops.symbol(child.op)}"


def _fits(factor: Any, w: np.ndarray) -> bool:
    """Whether a factor of the chain can multiply the gradient ``w`` element by element: a
    number, or an array of its shape (not the output of an op that changes shapes)."""
    shape = np.shape(factor)
    return shape == () or shape == w.shape


def close_enough(given: Any, want: Any, rtol: float, atol: float) -> bool:
    """Whether an answer (a number or an array) is within the tolerances of the right one."""
    try:
        g = np.asarray(given, dtype=float)
    except (TypeError, ValueError):
        return False
    w = np.asarray(want, dtype=float)
    return g.shape == w.shape and bool(np.all(np.abs(g - w) <= atol + rtol * np.abs(w)))


def as_text(x: Any) -> str:
    """A number, an array or a blank as a report shows it."""
    if x is None:
        return "—"
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, list) and len(x) > 6 and all(isinstance(v, (int, float)) for v in x):
        x = np.asarray(x, dtype=float)
    if isinstance(x, np.ndarray) and x.ndim:
        return "[" + ", ".join(fmt(v, 4) for v in x.ravel()[:6]) + (", …]" if x.size > 6 else "]")
    try:
        return fmt(x, 4)
    except (TypeError, ValueError):
        return repr(x)
