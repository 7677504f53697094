"""Issue #12 (first part): viz.check diagnoses a student's gradients node by node."""

from __future__ import annotations

import numpy as np
import pytest

import viz
from autograd import Tensor, Value


def seed_000():
    """Seed 000's gradient example: w = (1, 1), b = 1, input (0, 1), target 0, BCE."""
    w1, w2, b = Value(1.0, label="w1"), Value(1.0, label="w2"), Value(1.0, label="b")
    z = w1 * 0.0 + w2 * 1.0 + b
    z.label = "z"
    p = z.sigmoid()
    p.label = "p"
    L = -(1 - p).log()
    L.label = "L"
    return L, (w1, w2, b, z, p)


def test_right_answers_make_a_truthy_report_and_nothing_changes():
    L, (w1, w2, b, z, p) = seed_000()
    s = p.data
    report = viz.check(L, values={"z": 2.0, "p": s}, grads={"w2": s, "b": s, "z": s,
                                                             "p": 1 / (1 - s)})
    assert report and report.first_wrong is None and len(report) == 6
    assert all(n.grad == 0.0 for n in (w1, w2, b, z, p, L))  # .grad untouched


def test_seed_000s_sigma_prime_applied_twice_is_an_extra_factor():
    L, _ = seed_000()
    report = viz.check(L, grads={"w2": 0.09247804})  # the lab's hand-written number
    row = report["w2"]
    assert not report and row.mistake == "extra_factor"
    assert "σ′ is applied twice" in row.explanation and "0.8808" in row.explanation
    assert report.first_wrong is row


def test_sign_missing_path_and_missing_factor():
    x = Value(2.0, label="x")
    a = x * 3.0
    a.label = "a"
    c = x.tanh()
    c.label = "c"
    y = a + c * 2.0  # x feeds two places
    y.label = "y"
    dx = 3.0 + 2.0 * (1 - np.tanh(2.0) ** 2)
    report = viz.check(y, grads={"x": -dx})
    assert report["x"].mistake == "sign"
    report = viz.check(y, grads={"x": 3.0})
    assert report["x"].mistake == "missing_path" and "through c" in report["x"].explanation
    t = x.sigmoid()
    t.label = "t"
    out = t * 5.0
    s = 1 / (1 + np.exp(-2.0))
    report = viz.check(out, grads={"x": s * (1 - s)})  # σ′ alone, without the 5 from above
    assert report["x"].mistake == "missing_factor"
    assert "local derivative" in report["x"].explanation


def test_a_wrong_upstream_gradient_is_named_first_and_what_follows_is_propagated():
    L, (*_, p) = seed_000()
    s = p.data
    wrong_p = 2.0  # the student's ∂L/∂p (the right one is 1/(1 − p))
    report = viz.check(L, grads={"p": wrong_p, "z": wrong_p * s * (1 - s)})
    assert report.first_wrong.label == "p"
    assert report["z"].mistake == "propagated"
    assert [r.label for r in report.rows] == ["p", "z"]  # backward order: loss first


def test_tensor_answers_and_unknown_labels():
    W = Tensor([[1.0, -2.0]], requires_grad=True, label="W")
    out = (W * 3.0).sum()
    out.label = "out"
    report = viz.check(out, grads={"W": np.array([[3.0, 3.0]])})
    assert report
    assert viz.check(out, grads={W: np.array([[-3.0, -3.0]])})["W"].mistake == "sign"
    with pytest.raises(KeyError, match="no node labelled 'V'"):
        viz.check(out, grads={"V": 1.0})


def test_report_prints_as_a_table_and_renders_as_html():
    L, _ = seed_000()
    report = viz.check(L, grads={"w2": 0.09247804, "b": 0.8808})
    text = str(report)
    assert text.startswith("check: 1 of 2 answers right")
    assert "wrong: one factor too many" in text
    assert "<table>" in report._repr_html_()


def test_a_checked_diagram_marks_right_and_wrong_answers():
    L, (*_, p) = seed_000()
    report = viz.check(L, grads={"w2": 0.09247804, "b": 0.8808, "p": 1 / (1 - p.data)})
    source = viz.draw_graph(L, check=report).source
    assert source.count('<font color="#005a9c">✓') == 2
    assert '<font color="#b34000"><b>✗</b> ∂ 0.09248 → 0.8808</font>' in source
    assert source.count("#fdebd0") == 1  # the first wrong answer, highlighted
    assert "<svg" in viz.draw_graph(L, check=report).pipe(format="svg").decode()


def test_a_worksheet_hides_exactly_what_was_asked_and_its_key_shows_it(tmp_path):
    from viz.diagram import fmt

    L, (*_, p) = seed_000()
    sheet = viz.worksheet(L, hide="grads")
    assert [blank.quantity for blank in sheet.blanks] == ["grad"] * len(sheet.blanks)
    import re

    red = re.findall(r'<font color="#c0392b">([^<]*)</font>', sheet.graph.source)
    ids = {blank.id for blank in sheet.blanks}
    assert red and set(red) <= ids | {"1"}  # every gradient drawn is a blank (or the seed 1)
    for blank in sheet.blanks:
        assert f"{blank.id}<" in sheet.graph.source or f"{blank.id}</" in sheet.graph.source
        assert f"{blank.id} = {fmt(blank.answer)}" in sheet.key.source
    assert "2.127" in sheet.graph.source  # values are not hidden when only grads are
    both = viz.worksheet(L, hide="both")
    assert "2.127" not in both.graph.source and "0.8808" not in both.graph.source
    sheet_path, key_path = sheet.save(tmp_path / "sheet.svg")
    assert sheet_path.name == "sheet.svg" and key_path.name == "sheet-key.svg"
    assert "?1" in sheet_path.read_text() and "<svg" in key_path.read_text()
    assert len(viz.worksheet(L, hide=[p]).blanks) == 2  # p's value and its gradient


def test_check_takes_a_worksheets_blank_ids():
    L, _ = seed_000()
    sheet = viz.worksheet(L, hide="grads", seed=7)
    right = {blank.id: blank.answer for blank in sheet.blanks}
    assert viz.check(L, grads=right)
    first = sheet.blanks[0]
    wrong = viz.check(L, grads={first.id: -first.answer})
    assert wrong.rows[0].mistake == "sign" and wrong.rows[0].label.startswith(first.id)
    with pytest.raises(KeyError, match=r"no blank \?99"):
        viz.check(L, grads={"?99": 1.0})


def test_random_exercises_are_the_same_for_a_seed_and_differ_across_seeds():
    from autograd import forward_order

    def shape(root):
        return [(n.op, n.label, n.data) for n in forward_order(root)]

    assert shape(viz.random_exercise(11)) == shape(viz.random_exercise(11))
    shapes = {str(shape(viz.random_exercise(seed))) for seed in range(20)}
    assert len(shapes) == 20
    for seed in range(20):
        root = viz.random_exercise(seed, size=6)
        nodes = forward_order(root)
        leaves = [n for n in nodes if not n.parents]
        assert root.label == "L" and all(n.label for n in nodes)
        assert all((v * 2).is_integer() and v != 0 for v in (n.data for n in leaves))
        consumers = {}
        for n in nodes:
            for parent in n.parents:
                consumers[id(parent)] = consumers.get(id(parent), 0) + 1
        assert max(consumers.values()) >= 2  # fan-out: one gradient is a sum
    with pytest.raises(ValueError, match="unknown ops"):
        viz.random_exercise(1, ops=("log",))


def test_check_ops_blames_the_wrong_op_and_passes_right_ones():
    import autograd

    x = Value(1.5, label="x")
    right = autograd.value_op(x.data**3, "cube", [x], [3 * x.data**2], forward=lambda a: a**3)
    wrong = autograd.value_op(x.data**3, "cube", [x], [2 * x.data**2], forward=lambda a: a**3)
    y = (right + wrong.tanh()) * 2.0
    report = autograd.check_ops(y)
    assert not report and [r.node for r in report.wrong] == [wrong]
    assert report.wrong[0].numeric == pytest.approx(3 * 1.5**2, rel=1e-6)
    assert sum(r.ok is True for r in report.rows) >= 4  # the built-in ops and the right cube
    assert x.grad == 0.0 and x.data == 1.5
    marked = viz.draw_graph(y, check=report).source
    assert marked.count("#f5b7b1") == 1 and "✗ ∂/∂input 0: 4.5 recorded, 6.75 measured" in marked
    blind = autograd.value_op(x.data**3, "cube", [x], [3 * x.data**2])  # no forward=
    unchecked = autograd.check_ops(blind * 1.0)
    assert not unchecked and unchecked.not_checkable[0].node is blind  # never a pass


def test_check_ops_on_tensors_finds_a_wrong_vjp():
    import autograd

    t = Tensor([0.3, -1.2, 2.0], requires_grad=True)

    def softmax(a):
        e = np.exp(a - a.max())
        return e / e.sum()

    s = softmax(t.data)
    wrong = autograd.tensor_op(s, "softmax", [t], [lambda g: s * (g - g.mean())],
                               forward=softmax)
    right = autograd.tensor_op(s, "softmax", [t], [lambda g: s * (g - (g * s).sum())],
                               forward=softmax)
    assert not autograd.check_ops((wrong * 2.0).sum())
    assert autograd.check_ops(((right * 2.0).exp()).sum())


def test_seed_001s_stale_weight_is_diagnosed_with_lr():
    import math

    def sig(t):
        return 1 / (1 + math.exp(-t))

    x, y, lr = 1.0, 1.0, 0.5
    w1, w_out = Value(0.4, label="w1"), Value(-0.7, label="w_out")
    h = (w1 * x).sigmoid()
    h.label = "h"
    out = (w_out * h).sigmoid()
    out.label = "ŷ"
    E = 0.5 * (out - y) ** 2
    # by hand, in plain floats: the true gradients, and ∂E/∂w1 after w_out moved first
    hv = sig(0.4 * x)
    yv = sig(-0.7 * hv)
    d_out = (yv - y) * yv * (1 - yv)
    moved = -0.7 - lr * d_out * hv
    yv2 = sig(moved * hv)
    stale = (yv2 - y) * yv2 * (1 - yv2) * moved * hv * (1 - hv) * x
    report = viz.check(E, grads={"w1": stale}, lr=lr)
    row = report["w1"]
    assert row.mistake == "stale" and "w_out had already been moved" in row.explanation
    assert viz.check(E, grads={"w1": stale})["w1"].mistake == "other"  # without lr: unknown


def test_seed_001s_loop_the_old_error_with_the_new_weight_is_stale():
    w1, b1 = Value(0.5, label="w1"), Value(0.1, label="b1")
    w_out, b_out = Value(0.4, label="w_out"), Value(0.2, label="b_out")
    x = Value(50.0, label="x")
    E = 0.5 * ((w_out * (w1 * x + b1).relu() + b_out) - 300.0) ** 2
    d, lr = 0.4 * 25.1 + 0.2 - 300, 1e-5
    w_out_new = 0.4 - lr * d * 25.1  # the lab updates w_out, then backpropagates through it
    report = viz.check(E, grads={"w1": d * w_out_new * 50}, lr=lr)
    assert report["w1"].mistake == "stale" and "w_out" in report["w1"].explanation
    assert report["w1"].given / report["w1"].expected == pytest.approx(1.18, abs=0.005)


def test_mistakes_on_small_tensors_and_nothing_changes():
    x = Tensor([0.5, -1.0], requires_grad=True, label="x")
    s = x.sigmoid()
    s.label = "s"
    y = (s * 3.0).sum() + (x * 2.0).sum()  # x feeds two places
    y.label = "y"
    sv = 1 / (1 + np.exp(-x.data))
    local = sv * (1 - sv)
    true = 3.0 * local + 2.0
    assert viz.check(y, grads={"x": true})
    assert viz.check(y, grads={"x": 3.0 * local})["x"].mistake == "missing_path"
    assert x.grad is None and np.array_equal(x.data, [0.5, -1.0])
    z = x * 2.0
    out = (z.sigmoid() * 3.0).sum()
    sz = 1 / (1 + np.exp(-2.0 * x.data))
    twice = 3.0 * (sz * (1 - sz)) ** 2 * 2.0  # σ′ applied twice, elementwise
    assert viz.check(out, grads={"x": twice})["x"].mistake == "extra_factor"


# ---------------------------------------------------------------- student notebooks (#14)


def test_an_unanswered_blank_is_said_so_and_does_not_count_as_a_mistake():
    L, (_, _, b, _, p) = seed_000()
    report = viz.check(L, grads={"w2": None, "b": p.data})
    assert not report and report.first_wrong is None
    assert report["w2"].mistake == "unanswered" and report["w2"].verdict == "not answered"
    assert "replace None" in report["w2"].explanation
    assert "1 of 2 answers right (1 not answered yet)" in report.summary()
    assert report["w2"].expected is None  # a blank does not give the answer away
    assert list(report.marks()) == [id(b)]  # nothing drawn for the blank


def test_check_answer_checks_numbers_arrays_shapes_and_words():
    assert viz.check_answer(0.5000004, 0.5)
    assert not viz.check_answer(0.6, 0.5)
    report = viz.check_answer({"W1": (3, 2), "b1": [0.0, 1.0]}, {"W1": (3, 2), "b1": [0, 1, 2]})
    assert report["W1"].ok and not report["b1"].ok
    assert report["b1"].explanation == "the shape is (2,), it should be (3,)"
    assert viz.check_answer([3, 2], (3, 2)) and not viz.check_answer((2, 3), (3, 2))
    assert viz.check_answer("linear", "linear") and not viz.check_answer(True, False)
    blank = viz.check_answer(None, 1.0, name="lr")
    assert blank["lr"].mistake == "unanswered" and not blank
    with pytest.raises(KeyError, match="no question named W9"):
        viz.check_answer({"W9": 1}, {"W1": 1})


def test_explanations_follow_the_language():
    from autograd import set_language

    L, _ = seed_000()
    set_language("es")
    try:
        row = viz.check(L, grads={"w2": 0.09247804})["w2"]
        assert row.explanation.startswith("un factor de más: σ′ se aplica dos veces")
        blank = viz.check_answer(None, 1.0)
        assert blank.rows[0].explanation.startswith("sin responder todavía")
    finally:
        set_language("en")
    assert viz.check(L, grads={"w2": 0.09247804})["w2"].explanation.startswith("one factor")


def test_a_wrong_gradient_through_a_convolution_is_diagnosed_without_a_crash():
    """The ops above a conv's filter have other shapes than the filter: no factor of theirs
    can be tried element by element (this crashed with a broadcasting error)."""
    import autograd

    image = np.arange(16.0).reshape(1, 1, 4, 4) / 40
    w = Tensor(np.ones((1, 1, 2, 2)), requires_grad=True, label="W")
    L = autograd.conv2d(Tensor(image), w).tanh().sum()
    right = viz.check(L, grads={"W": w.data * 0})  # wrong on purpose
    assert not right and right["W"].mistake == "other"
    L.backward()
    assert viz.check(L, grads={"W": w.grad})
