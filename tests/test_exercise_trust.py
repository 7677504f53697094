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


# ---------------------------------------------------------------- marks everyone can read

# Machado, Oliveira and Fernandes (2009), severity 1, in linear RGB
PROTANOPIA = [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
              [-0.003882, -0.048116, 1.051998]]
DEUTERANOPIA = [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881]]


def _linear(rgb):
    import numpy as np

    c = np.asarray(rgb, dtype=float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _contrast_on_white(rgb) -> float:
    luminance = float(_linear(rgb) @ [0.2126, 0.7152, 0.0722])
    return 1.05 / (luminance + 0.05)


def _lab(linear):
    import numpy as np

    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / [0.95047, 1.0, 1.08883]
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_right_and_wrong_marks_stay_apart_under_colour_blindness(tmp_path):
    import numpy as np
    from PIL import Image

    from autograd import Value

    w, x = Value(1.5, label="w"), Value(-2.0, label="x")
    L = (w * x).tanh()
    L.label = "L"
    report = viz.check(L, grads={"w": float(1 - np.tanh(-3.0) ** 2) * -2.0, "x": 0.5})
    assert [r.ok for r in report] == [True, False] or [r.ok for r in report] == [False, True]
    png = viz.save(viz.draw_graph(L, check=report), tmp_path / "marks.png")
    pixels = np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3)
    colours = {tuple(int(v) for v in row) for row in np.unique(pixels, axis=0)}
    from viz.check import RIGHT_COLOUR, WRONG_COLOUR

    def rgb(hex_colour):
        return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))

    right, wrong = rgb(RIGHT_COLOUR), rgb(WRONG_COLOUR)
    assert right in colours and wrong in colours  # both marks drawn, in their colours
    for colour in (right, wrong):
        assert _contrast_on_white(colour) >= 4.5, colour
    for name, matrix in (("normal", np.eye(3)), ("protanopia", PROTANOPIA),
                         ("deuteranopia", DEUTERANOPIA)):
        seen = [_lab(np.clip(np.asarray(matrix) @ _linear(c), 0, 1)) for c in (right, wrong)]
        assert np.linalg.norm(seen[0] - seen[1]) > 40, name  # ΔE*ab: clearly two colours
    marks = report.marks()
    notes = " ".join(m["note"] for m in marks.values())
    assert "✓" in notes and "<b>✗</b>" in notes  # and apart by symbol and weight too


def test_every_explanation_names_the_output_checked_and_no_input():
    from autograd import Value

    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    E = (a - b) * a
    E.label = "E"
    right = -1.0 * 2.0  # ∂E/∂b = −a
    report = viz.check(E, grads={"b": -right})
    row = report["b"]
    assert row.mistake == "sign" and "∂E/∂b" in row.explanation and "∂L/" not in row.explanation
    assert "∂/∂b" not in row.explanation  # the hint names no variable of the student's graph
    viz.set_language("es")
    assert "∂E/∂b" in viz.check(E, grads={"b": -right})["b"].explanation


def test_two_gates_of_one_kind_are_told_apart_everywhere_with_the_same_names():
    from autograd import Value

    x, w, b = Value(2.0, label="x"), Value(-1.0, label="w"), Value(0.5, label="b")
    L = (x * w) * b  # two × gates, unlabelled
    L.label = "L"
    source = viz.draw_graph(L).source
    assert source.count('label="×"') == 2  # one unlabelled ×, and L's, named by its wire
    y = (x * w) * (b * x)
    y.label = "y"
    source = viz.draw_graph(y).source
    assert 'label="×₁"' in source and 'label="×₂"' in source  # two unlabelled: numbered
    text = str(viz.explain(y, w))
    assert "×₁" in text and "×₂" not in text.split("\n")[1]
    report = viz.check(y, grads={"w": 99.0})
    assert "×" not in report["w"].explanation or "×₁" in report["w"].explanation
