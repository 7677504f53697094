"""The exercise mode, right for every student (issue #30): answers name their worksheet,
ambiguous blank ids are refused, answers typed as text are read as a person wrote them."""

from __future__ import annotations

import pytest

import viz


@pytest.fixture(autouse=True)
def english():
    viz.set_language("en")
    yield
    viz.set_language("en")


def test_per_student_worksheets_are_graded_against_their_own_numbering():
    ex = viz.random_exercise(3)
    ws_a = viz.worksheet(ex, hide="grads", seed=7)
    ws_b = viz.worksheet(ex, hide="grads", seed=8)
    answers_a = {b.id: b.answer for b in ws_a.blanks}
    assert {b.id: b.node for b in ws_a.blanks} != {b.id: b.node for b in ws_b.blanks}
    with pytest.raises(ValueError, match=r"check: 2 worksheets of this graph number their "
                                         r"blanks differently; say which one the answers are "
                                         r"for: check\(root, grads=\.\.\., worksheet=ws\) or "
                                         r"ws\.check\(answers\)"):
        viz.check(ex, grads=answers_a)
    report = viz.check(ex, grads=answers_a, worksheet=ws_a)
    assert report and len(report) == len(ws_a.blanks)
    assert ws_a.check(answers_a) and len(ws_a.check(answers_a)) == len(answers_a)
    answers_b = {b.id: b.answer for b in ws_b.blanks}
    assert ws_b.check(answers_b)
    assert not ws_b.check(answers_a)  # student A's answers on B's sheet: not B's numbers


def test_the_same_worksheet_drawn_twice_is_not_ambiguous():
    ex = viz.random_exercise(4)
    first = viz.worksheet(ex, hide="grads", seed=1)
    viz.worksheet(ex, hide="grads", seed=1)  # the teacher draws it again: same numbering
    assert viz.check(ex, grads={b.id: b.answer for b in first.blanks})


def test_worksheet_check_sorts_values_and_grads_by_blank():
    ex = viz.random_exercise(5)
    ws = viz.worksheet(ex, hide="both", seed=3)
    answers = {b.id: b.answer for b in ws.blanks}
    report = ws.check(answers)
    assert report and {r.quantity for r in report} == {"value", "grad"}
    with pytest.raises(KeyError, match=r"check: no blank \?99 on this worksheet"):
        ws.check({"?99": 1.0})


def test_another_graphs_worksheet_is_refused():
    ex, other = viz.random_exercise(3), viz.random_exercise(4)
    ws = viz.worksheet(other, hide="grads", seed=1)
    with pytest.raises(ValueError, match=r"check: the worksheet is of another graph"):
        viz.check(ex, grads={"?1": 1.0}, worksheet=ws)


# ---------------------------------------------------------------- answers as text


def test_a_decimal_comma_is_read_as_a_number_everywhere():
    ex = viz.random_exercise(3)
    ws = viz.worksheet(ex, hide="grads", seed=7)
    first = ws.blanks[0]
    typed = f"{first.answer:.6f}".replace(".", ",")
    assert ws.check({first.id: typed}).rows[0].ok
    assert viz.check_answer("0,9518", 0.9518)
    assert viz.check_answer(" 1,5 ", 1.5) and viz.check_answer("-2.25", -2.25)
    assert viz.check_step({"w": "0,5"}, old=1.0, grad=5.0, lr=0.1)


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "", "0.5.1", "1e", "nan"])
def test_text_that_is_not_a_number_is_said_so_never_diagnosed(typed):
    ex = viz.random_exercise(3)
    ws = viz.worksheet(ex, hide="grads", seed=7)
    first = ws.blanks[0]
    row = ws.check({first.id: typed}).rows[0]
    assert not row.ok and row.mistake == "not_a_number"
    assert f"{typed!r} is not a number" in row.explanation
    assert "chain" not in row.explanation and "explain()" not in row.explanation
    row = viz.check_answer(typed, 0.9518).rows[0]
    assert row.mistake == "not_a_number"


# ---------------------------------------------------------------- hints beyond the answer


def test_shapes_truth_tables_and_transposed_matrices_get_a_hint():
    import numpy as np

    from autograd import Tensor

    row = viz.check_answer((10, 64), (64, 10), name="W1").rows[0]
    assert row.mistake == "transposed" and "(64, 10), not (10, 64)" in row.explanation
    row = viz.check_answer((64, 11), (64, 10)).rows[0]
    assert row.mistake == "other" and "axis 1 is wrong" in row.explanation
    row = viz.check_answer([0, 1, 1, 1], [0, 1, 1, 0], name="XOR").rows[0]
    assert row.mistake == "wrong_rows" and "1 of 4 rows are wrong: row 3 (1 → 0)" in \
        row.explanation
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    row = viz.check_answer(W.T, W).rows[0]
    assert row.mistake == "transposed"
    assert viz.check_answer(np.ones((3, 2)), np.ones((2, 3))).rows[0].mistake == "transposed"
    x = Tensor(np.array([[1.0, 2.0], [3.0, 5.0]]), requires_grad=True, label="x")
    w = Tensor(np.array([[0.5, -1.0], [2.0, 0.25]]), requires_grad=True, label="W")
    L = (x @ w).sum()
    L.label = "L"
    want = np.ones((2, 2)) @ np.array([[0.5, -1.0], [2.0, 0.25]]).T  # dL/dx = 1 Wᵀ
    report = viz.check(L, grads={"x": want.T})
    assert report.rows[0].mistake == "transposed"
    viz.set_language("es")
    row = viz.check_answer((10, 64), (64, 10), name="W1").rows[0]
    assert "los ejes están en el otro orden" in row.explanation
