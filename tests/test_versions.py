"""A value changed after it was used is never mixed into a gradient (issue #22, item 5).

As PyTorch's version counters: ``backward`` (and ``grad``, and the pictures of the backward
pass) refuses when an input of a recorded operation was changed after the operation used
it, naming the node; a change made before the forward pass, or after the backward pass,
is the normal training loop and passes.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
import viz
from autograd import Tensor, Value, backward_pass, grad, no_grad

CHANGED = r"backward: the data of {name} was changed after .* used it"


def test_the_issue_example_is_refused_and_names_the_tensor():
    a = Tensor([1.0, 2.0], requires_grad=True, label="a")
    y = (a * a).sum()
    a.data[0] = 100.0
    with pytest.raises(RuntimeError, match=CHANGED.format(name="a")):
        y.backward()
    assert a.grad is None  # nothing was filled


@pytest.mark.parametrize("change", [
    lambda a: a.data.__setitem__(1, 5.0),
    lambda a: a.data.fill(0.0),
    lambda a: np.copyto(a.data, [3.0, 4.0]),
    lambda a: setattr(a, "data", np.array([3.0, 4.0])),
    lambda a: a.data.__isub__(0.5),  # what `a.data -= 0.5` does before setting it back
])
def test_every_way_of_changing_a_tensor_is_seen(change):
    a = Tensor([1.0, 2.0], requires_grad=True, label="a")
    y = (a * 3.0).exp().sum()
    change(a)
    with pytest.raises(RuntimeError, match=CHANGED.format(name="a")):
        y.backward()


def test_augmented_assignment_and_an_unlabelled_intermediate():
    a = Tensor([1.0, 2.0], requires_grad=True)
    h = a.tanh()
    y = (h * h).sum()
    h.data -= 1.0  # an intermediate node changed: its consumer's gradient would be wrong
    with pytest.raises(RuntimeError, match=r"backward: the data of the output of tanh "
                                           r"\(shape \(2,\)\) was changed after \* used it"):
        y.backward()


def test_values_too():
    w = Value(1.5, label="w")
    y = w * w + 1
    w.data = 3.0
    with pytest.raises(RuntimeError, match=CHANGED.format(name="w")):
        y.backward()
    with pytest.raises(RuntimeError, match=CHANGED.format(name="w")):
        grad(y, [w])
    with pytest.raises(RuntimeError, match=CHANGED.format(name="w")):
        backward_pass(y)
    with pytest.raises(RuntimeError, match=CHANGED.format(name="w")):
        list(viz.backward_steps(y))
    v = Value(2.0, label="v")
    z = (v * 2).tanh()
    v.data += 0.1
    with pytest.raises(RuntimeError, match=CHANGED.format(name="v")):
        z.backward()
    assert w.grad == 0.0 and v.grad == 0.0


def test_an_optimizer_step_between_forward_and_backward_is_refused():
    model = nn.Sequential(nn.Dense(3, "tanh", input_dim=2, seed=0), nn.Dense(1))
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    X = np.array([[0.5, -1.0], [1.0, 2.0]])
    loss = (model(X) ** 2).mean()
    for p in model.parameters():
        p.grad = np.ones_like(p.data)
    opt.step()  # the weights change before backward: the student's bug
    with pytest.raises(RuntimeError, match=r"backward: the data of .* was changed"):
        loss.backward()


def test_the_normal_training_loop_and_reads_pass():
    # changes before the forward pass, or after backward, are the training loop itself
    a = Tensor([1.0, 2.0], requires_grad=True, label="a")
    a.data[0] = 3.0
    y = (a * a).sum()
    print(a.data, np.asarray(a), a.numpy().sum())  # reading changes nothing
    _ = a.data * 2
    y.backward()
    assert np.array_equal(a.grad, [6.0, 4.0])
    a.data -= 0.1 * a.grad
    y2 = (a * a).sum()
    y2.backward()
    np.testing.assert_allclose(a.grad, [6.0, 4.0] + 2 * (np.array([3.0, 2.0]) - 0.1 *
                                                          np.array([6.0, 4.0])))
    w = Value(1.0)
    for _ in range(3):  # a scalar loop, as the labs write it
        loss = (w * 2.0 - 1.0) ** 2
        w.grad = 0.0
        loss.backward()
        w.data -= 0.1 * w.grad
    expected = 1.0
    for _ in range(3):  # the same loop in plain floats: d/dw (2w - 1)^2 = 4(2w - 1)
        expected -= 0.1 * 4 * (2 * expected - 1)
    assert w.data == pytest.approx(expected, rel=1e-12)


def test_an_unchanged_value_written_back_and_a_change_to_an_unrelated_node_pass():
    a = Tensor([1.0, 2.0], requires_grad=True)
    other = Tensor([5.0], requires_grad=True)
    y = (a * a).sum()
    other.data = np.array([6.0])  # not in y's graph
    a.data[0] = a.data[0]  # read twice, written with the same number: unchanged content
    y.backward()
    assert np.array_equal(a.grad, [2.0, 4.0])


def test_models_trained_with_fit_and_gradcheck_are_unaffected():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    model = nn.Sequential(nn.Dense(4, "tanh", input_dim=2, seed=1), nn.Dense(1, "sigmoid"))
    history = nn.fit(model, X, y, loss=nn.losses.binary_cross_entropy, epochs=3,
                     optimizer=nn.optim.SGD(model.parameters(), lr=0.5), verbose=False)
    assert len(history.history["loss"]) == 3
    from autograd import gradcheck

    x = Tensor([0.3, -0.2], requires_grad=True)
    out = (x * x).sum()  # recorded before gradcheck nudges x and puts it back
    assert gradcheck(lambda t: (t * t).sum(), [x])
    out.backward()  # gradcheck restored x exactly: nothing changed
    assert np.allclose(x.grad, [0.6, -0.4])


def test_under_no_grad_nothing_is_recorded_so_nothing_is_checked():
    a = Tensor([1.0], requires_grad=True)
    with no_grad():
        b = a * 2.0
    a.data[0] = 7.0
    assert b.data[0] == 2.0  # a plain result, no graph
