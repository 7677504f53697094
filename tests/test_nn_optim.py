"""Optimizers against their published update rules, pinned step by step; schedules."""

import importlib.util

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import optim

W0 = np.array([1.0, -2.0])
C = np.array([1.0, 3.0])  # loss = Σ c·w², so g = 2·c·w


def run(make, steps=3, kind="tensor"):
    """Positions after each step, minimising Σ c·w² from W0, with Tensor or Value params."""
    if kind == "tensor":
        params = [Tensor(W0.copy(), requires_grad=True)]
    else:
        params = [Value(w) for w in W0]
    opt = make(params)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        if kind == "tensor":
            (params[0] * params[0] * C).sum().backward()
            out.append(params[0].data.copy())
        else:
            Value.sum([c * p * p for c, p in zip(C, params)]).backward()
            out.append(None)
        opt.step()
        out[-1] = params[0].data.copy() if kind == "tensor" else np.array([p.data for p in params])
    return np.array(out)


def test_sgd_by_hand():
    np.testing.assert_allclose(run(lambda p: optim.SGD(p, lr=0.1), 2),
                               [[0.8, -0.8], [0.64, -0.32]])  # w ← w − 0.1·2cw


def test_sgd_momentum_by_hand():
    # v1 = g1 = (2, −12): w = (0.8, −0.8); g2 = (1.6, −4.8): v2 = 0.9 v1 + g2 = (3.4, −15.6)
    np.testing.assert_allclose(run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9), 2),
                               [[0.8, -0.8], [0.46, 0.76]])


def test_sgd_nesterov_and_weight_decay_by_hand():
    # Nesterov: step with g + μv; v1 = g1 = (2, −12) -> step g1 + 0.9 g1 = 1.9 g1
    np.testing.assert_allclose(run(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
                                   1), [[1 - 0.38, -2 + 2.28]])
    # weight decay 0.5 adds 0.5·w to the gradient: (2.5, −13)
    np.testing.assert_allclose(run(lambda p: optim.SGD(p, lr=0.1, weight_decay=0.5), 1),
                               [[0.75, -0.7]])


def test_adam_first_steps_by_hand():
    # step 1: m̂ = g, v̂ = g², so w moves by lr·g/(|g| + eps) = lr·sign(g)
    traj = run(lambda p: optim.Adam(p, lr=0.1), 2)
    np.testing.assert_allclose(traj[0], [0.9, -1.9], atol=1e-7)
    g1, g2 = 2 * C * W0, 2 * C * traj[0]
    m = 0.1 * 0.9 * g1 + 0.1 * g2  # β1 m1 + (1 − β1) g2 with m1 = 0.1 g1
    v = 0.999 * 0.001 * g1**2 + 0.001 * g2**2
    expected = traj[0] - 0.1 * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
    np.testing.assert_allclose(traj[1], expected, atol=1e-12)


def test_rmsprop_adagrad_adadelta_first_step_by_hand():
    g = 2 * C * W0
    np.testing.assert_allclose(run(lambda p: optim.RMSprop(p, lr=0.01), 1)[0],
                               W0 - 0.01 * g / (np.sqrt(0.01 * g**2) + 1e-8))
    np.testing.assert_allclose(run(lambda p: optim.Adagrad(p, lr=0.5), 1)[0],
                               W0 - 0.5 * g / (np.abs(g) + 1e-10))
    delta = np.sqrt(1e-6) / np.sqrt(0.1 * g**2 + 1e-6) * g
    np.testing.assert_allclose(run(lambda p: optim.Adadelta(p, lr=1.0), 1)[0], W0 - delta)


def test_nadam_first_step_by_hand():
    g = 2 * C * W0
    mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008)
    m, v = 0.1 * g, 0.001 * g**2
    denom = np.sqrt(v / 0.001) + 1e-8
    expected = W0 - 0.002 * (1 - mu1) / (1 - mu1) * g / denom \
        - 0.002 * mu2 / (1 - mu1 * mu2) * m / denom
    np.testing.assert_allclose(run(lambda p: optim.Nadam(p), 1)[0], expected, atol=1e-15)
    assert optim.NAdam is optim.Nadam


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
    lambda p: optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01),
    lambda p: optim.Adadelta(p, lr=0.5),
    lambda p: optim.Adam(p, lr=0.05, amsgrad=True, weight_decay=0.01),
    lambda p: optim.Nadam(p, lr=0.05),
])
def test_values_and_tensors_follow_the_same_trajectory(make):
    np.testing.assert_allclose(run(make, 5, "value"), run(make, 5, "tensor"), atol=1e-14)


TORCH = importlib.util.find_spec("torch") is not None


@pytest.mark.skipif(not TORCH, reason="PyTorch is not installed (./dev test installs it)")
@pytest.mark.parametrize(("ours", "theirs", "kwargs"), [
    ("SGD", "SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("RMSprop", "RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", "Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("Adadelta", "Adadelta", {"lr": 0.5, "rho": 0.8}),
    ("Adam", "Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}),
    ("Nadam", "NAdam", {"lr": 0.05, "momentum_decay": 0.01}),
])
def test_same_trajectory_as_pytorch(ours, theirs, kwargs):
    import torch

    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # NAdam keeps its μ product in the default dtype
    try:
        w = torch.tensor(W0.copy(), requires_grad=True)
        opt = getattr(torch.optim, theirs)([w], **kwargs)
        expected = []
        for _ in range(6):
            opt.zero_grad()
            (w * w * torch.tensor(C)).sum().backward()
            opt.step()
            expected.append(w.detach().numpy().copy())
    finally:
        torch.set_default_dtype(default)
    np.testing.assert_allclose(run(lambda p: getattr(optim, ours)(p, **kwargs), 6), expected,
                               rtol=1e-10, atol=1e-12)


def test_schedules():
    def opt():
        return optim.SGD([Value(1.0)], lr=0.1)

    step = optim.StepLR(opt(), step_size=2, gamma=0.5)
    assert [step.step() for _ in range(5)] == pytest.approx([0.1, 0.05, 0.05, 0.025, 0.025])
    exp = optim.ExponentialLR(opt(), gamma=0.9)
    assert [exp.step() for _ in range(3)] == pytest.approx([0.09, 0.081, 0.0729])
    inv = optim.InverseTimeDecay(opt(), decay_rate=1.0)
    assert [inv.step() for _ in range(3)] == pytest.approx([0.05, 0.1 / 3, 0.025])
    o = opt()
    optim.ExponentialLR(o, 0.5).step()
    assert o.lr == 0.05  # the optimizer itself follows the schedule


def test_optimizer_errors():
    with pytest.raises(ValueError, match="SGD got no parameters to optimize"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="parameter 0 is not a Value or a Tensor with requires"):
        optim.Adam([Tensor([1.0])])
    with pytest.raises(ValueError, match="lr must be a finite number >= 0"):
        optim.SGD([Value(1.0)], lr=-1)
    with pytest.raises(ValueError, match="Nesterov momentum needs momentum > 0"):
        optim.SGD([Value(1.0)], nesterov=True)


def test_parameters_without_gradient_are_left_alone_and_dtype_kept():
    a = Tensor(np.ones(2, np.float32), requires_grad=True)
    b = Tensor(np.ones(2, np.float32), requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    (a * 2).sum().backward()
    opt.step()
    assert b.grad is None and (b.data == 1).all()
    assert a.data.dtype == np.float32 and (a.data < 1).all()


def test_optimizer_state_dict_holds_copies_of_its_state():
    w = Tensor(W0.copy(), requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    state = opt.state_dict()
    assert state["lr"] == 0.1 and state["steps"] == 1
    np.testing.assert_allclose(state["state"][0]["m"], 0.1 * 2 * W0)
    state["state"][0]["m"][0] = 99.0
    assert opt.state[0]["m"][0] != 99.0
