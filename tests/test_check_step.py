"""viz.check_step: an update step w ← w − lr·∂L/∂w checked, naming the classic mistakes
(issue #22, item 10), in English and Spanish."""

from __future__ import annotations

import math

import pytest

import viz

S = 1 / (1 + math.exp(-2.0))  # lab 01: ∂L/∂w2 = σ(z) − y at w2 = b = 1, x = 1, y = 0


@pytest.fixture(autouse=True)
def english():
    viz.set_language("en")
    yield
    viz.set_language("en")


def test_the_right_step_passes():
    report = viz.check_step({"w2_new": 1 - S, "b_new": 1 - S}, old=1.0, grad=S, lr=1.0)
    assert report and [row.mistake for row in report] == [None, None]


CASES = [  # (old, grad, lr, the student's answer, mistake)
    (1.0, S, 1.0, 1 + S, "uphill"),  # the example: 1 + 0.8808
    (1.0, S, 0.5, 1 - S, "no_lr"),
    (1.0, S, 0.5, 1 - 0.25 * S, "lr_twice"),
    (1.0, S, 0.5, -0.5 * S, "step_only"),
    (2.0, -0.3, 0.1, 0.03, "step_only"),
]


@pytest.mark.parametrize(("old", "grad", "lr", "given", "mistake"), CASES)
def test_each_classic_mistake_is_named(old, grad, lr, given, mistake):
    report = viz.check_step({"w": given}, old=old, grad=grad, lr=lr)
    assert not report
    row = report["w"]
    assert row.mistake == mistake, row.explanation
    assert row.expected == pytest.approx(old - lr * grad)


def test_stale_gradient_and_one_example_instead_of_the_mean():
    grads = [0.4, -0.2, 0.1]  # per-example gradients; the batch gradient is their mean
    mean = sum(grads) / 3
    kwargs = dict(old=1.0, grad=mean, lr=0.1, previous_grad=0.7, example_grads=grads)
    assert viz.check_step({"w": 1 - 0.1 * mean}, **kwargs)
    assert viz.check_step({"w": 1 - 0.1 * 0.7}, **kwargs)["w"].mistake == "stale"
    assert viz.check_step({"w": 1 - 0.1 * -0.2}, **kwargs)["w"].mistake == "one_example"
    assert viz.check_step({"w": 1 - 0.1 * sum(grads)}, **kwargs)["w"].mistake == \
        "sum_not_mean"
    assert viz.check_step({"w": 0.123}, **kwargs)["w"].mistake == "other"


def test_per_answer_numbers_and_explanations_in_both_languages():
    answers = {"w2_new": 1 + S, "b_new": 1 - S}
    report = viz.check_step(answers, old={"w2_new": 1.0, "b_new": 1.0},
                            grad={"w2_new": S, "b_new": S}, lr=1.0)
    assert report["w2_new"].mistake == "uphill" and report["b_new"].ok
    assert "uphill" in report["w2_new"].explanation and "0.1192" in str(report)
    viz.set_language("es")
    es = viz.check_step(answers, old=1.0, grad=S, lr=1.0)
    assert "cuesta arriba" in es["w2_new"].explanation
    assert "0,1192" in es["w2_new"].explanation or "0.1192" in es["w2_new"].explanation


def test_unanswered_and_bad_arguments():
    report = viz.check_step({"w": None}, old=1.0, grad=0.5, lr=0.1)
    assert report["w"].mistake == "unanswered" and "0.95" not in str(report)
    with pytest.raises(ValueError, match=r"check_step: lr must be a finite number > 0, got 0"):
        viz.check_step({"w": 1.0}, old=1.0, grad=0.5, lr=0)
    with pytest.raises(KeyError, match=r"check_step: no old value for 'w'; give old= a number "
                                       r"or a dict with every answer's name"):
        viz.check_step({"w": 1.0}, old={"v": 1.0}, grad=0.5, lr=0.1)
    with pytest.raises(TypeError, match=r"check_step: answers must be a dict of the new "
                                        r"values by name, got float"):
        viz.check_step(1.0, old=1.0, grad=0.5, lr=0.1)
