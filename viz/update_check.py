"""``check_step``: one gradient-descent update checked, with the classic mistakes named.

The rule is w ← w − lr·∂L/∂w. What students write instead, in the order tried:

- ``uphill``: w + lr·g, the step taken up the slope (the sign of the update flipped);
- ``no_lr``: w − g, the learning rate left out;
- ``lr_twice``: w − lr²·g, the learning rate applied twice;
- ``step_only``: ±lr·g, the step without the old weight;
- ``stale``: w − lr·g_prev, the gradient from before the last update (``previous_grad=``);
- ``one_example``: w − lr·g_i, one example's gradient instead of the batch mean
  (``example_grads=``, the gradient of each example);
- ``sum_not_mean``: w − lr·Σ g_i, the batch sum instead of its mean;
- ``other``: none of these.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np

from autograd.language import tr

from .check import (
    CheckReport,
    CheckRow,
    as_text,
    close_enough,
    not_a_number_row,
    read_number,
    unanswered_row,
)


def check_step(answers: Mapping[str, Any], old: Any, grad: Any, lr: float, *,
               previous_grad: Any = None, example_grads: Any = None, rtol: float = 1e-3,
               atol: float = 1e-6) -> CheckReport:
    """Check new weights written by hand after one step of gradient descent.

    ``answers`` maps a name to the student's new value (a number or an array; None is "not
    answered yet"). ``old`` (the weight before the step), ``grad`` (∂L/∂w, the batch mean),
    and the optional ``previous_grad`` and ``example_grads`` are one value for every answer
    or dicts by the answers' names. The right answer is ``old − lr·grad``; a wrong one is
    named as one of the mistakes in this module's docstring, in the current language.
    """
    who = "check_step"
    if not isinstance(answers, Mapping):
        raise TypeError(f"{who}: answers must be a dict of the new values by name, got "
                        f"{type(answers).__name__}")
    if isinstance(lr, bool) or not isinstance(lr, Real) or not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"{who}: lr must be a finite number > 0, got {lr!r}")
    rows = []
    for name, given in answers.items():
        w = _for(old, name, "old", required=True)
        g = _for(grad, name, "grad", required=True)
        if given is None:
            rows.append(unanswered_row(name, "answer", None))
            continue
        if isinstance(given, str):  # typed: "0,5" is 0.5; "abc" is said to be no number
            number = read_number(given)
            if number is None:
                rows.append(not_a_number_row(name, "answer", given, None))
                continue
            given = number
        want = w - lr * g
        if close_enough(given, want, rtol, atol):
            rows.append(CheckRow(name, "answer", given, want, True, None, ""))
            continue
        candidates = _mistakes(w, g, lr, _for(previous_grad, name, "previous_grad"),
                               _for(example_grads, name, "example_grads"))
        mistake, why = next(((m, text) for m, value, text in candidates
                             if close_enough(given, value, rtol, atol)),
                            ("other", tr("w − lr·∂L/∂w = {w} − {lr}·{g} = {want}", w=as_text(w),
                                         lr=f"{lr:g}", g=as_text(g), want=as_text(want))))
        rows.append(CheckRow(name, "answer", given, want, False, mistake,
                             f"{why} ({name} = {as_text(want)})"))
    return CheckReport(rows, None)


def _mistakes(w: Any, g: Any, lr: float, previous: Any, examples: Any) -> list[tuple]:
    """(code, what the student would have written, the sentence) for each known mistake."""
    found = [("uphill", w + lr * g, tr("the step went uphill: the update subtracts lr·∂L/∂w "
                                       "(the gradient points up the slope), it does not add "
                                       "it"))]
    if lr != 1:
        found += [("no_lr", w - g, tr("the learning rate is missing: the step is "
                                      "lr·∂L/∂w, not ∂L/∂w")),
                  ("lr_twice", w - lr * lr * g, tr("the learning rate is applied twice "
                                                   "(lr² instead of lr)"))]
    found += [("step_only", -lr * g, tr("only the step was written: the new weight is the old "
                                        "weight minus lr·∂L/∂w")),
              ("step_only", lr * g, tr("only the step was written: the new weight is the old "
                                       "weight minus lr·∂L/∂w"))]
    if previous is not None:
        found.append(("stale", w - lr * np.asarray(previous, dtype=float), tr(
            "this step uses the gradient from before the last update (stale): compute the "
            "gradient again at the current weights")))
    if examples is not None:
        each = [np.asarray(e, dtype=float) for e in examples]
        found += [("one_example", w - lr * e, tr(
            "this step uses the gradient of example {k} only: the batch's gradient is the "
            "mean over its examples", k=k)) for k, e in enumerate(each)]
        if len(each) > 1:
            found.append(("sum_not_mean", w - lr * sum(each), tr(
                "this step uses the sum of the examples' gradients: the batch's gradient is "
                "their mean (the sum divided by {n})", n=len(each))))
    return found


def _for(given: Any, name: str, what: str, required: bool = False) -> Any:
    """One answer's ``what``: the value itself, or its entry in a dict by name."""
    if given is None and not required:
        return None
    if isinstance(given, Mapping):
        if name not in given:
            if not required:
                return None
            raise KeyError(f"check_step: no {what} value for {name!r}; give {what}= a number "
                           "or a dict with every answer's name")
        given = given[name]
    if what == "example_grads":
        return given if isinstance(given, Sequence | np.ndarray) else None
    return np.asarray(given, dtype=float) if np.ndim(given) else float(given)
