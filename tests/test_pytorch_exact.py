"""Issue #29: optimizers PyTorch-exact per parameter (a parameter with no gradient on some
steps keeps its own step count, as torch.optim's state does), with state_dict carrying it
mid-training; Sequential refusing a misfit layer when it is built, leaving nothing built;
and a second backward() adding into a Tensor leaf's .grad in place, as PyTorch does."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor
from nn import optim

torch = pytest.importorskip("torch")

SETTINGS = [
    ("SGD", "SGD", {"lr": 0.1}),
    ("SGD", "SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("RMSprop", "RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", "Adagrad", {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1}),
    ("Adadelta", "Adadelta", {"lr": 0.5, "rho": 0.8}),
    ("Adam", "Adam", {"lr": 0.1}),
    ("Adam", "Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.01}),
    ("Nadam", "NAdam", {"lr": 0.05, "momentum_decay": 0.01}),
]
# which of the two parameters gets a gradient at each step (A, B)
PATTERN = [(True, False), (True, True), (False, True), (True, True), (True, False),
           (True, True)]
START = [np.array([1.0, -0.5]), np.array([3.0])]


def _grads(step: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A gradient that depends on the weights: that of Σ (k+1)·w² + w."""
    return 2 * (step + 1) * a + 1.0, 2 * (step + 1) * b - 0.5


def _ours(name, kwargs, steps=None, state=None, weights=None):
    steps = range(len(PATTERN)) if steps is None else steps
    params = [Tensor((w if weights is None else weights[k]).copy(), requires_grad=True)
              for k, w in enumerate(START)]
    opt = getattr(optim, name)(params, **kwargs)
    if state is not None:
        opt.load_state_dict(state)
    path = []
    for step in steps:
        ga, gb = _grads(step, params[0].data, params[1].data)
        for p, g, has in zip(params, (ga, gb), PATTERN[step]):
            p.grad = g if has else None
        opt.step()
        path.append([p.data.copy() for p in params])
    return path, opt, params


def _theirs(name, kwargs):
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        params = [torch.tensor(w.copy(), requires_grad=True) for w in START]
        opt = getattr(torch.optim, name)(params, **kwargs)
        path = []
        for step, pattern in enumerate(PATTERN):
            a, b = (p.detach().numpy() for p in params)
            for p, g, has in zip(params, _grads(step, a, b), pattern):
                p.grad = torch.tensor(g) if has else None
            opt.step()
            path.append([p.detach().numpy().copy() for p in params])
        return path
    finally:
        torch.set_default_dtype(default)


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), SETTINGS,
                         ids=[f"{o}-{i}" for i, (o, _, _) in enumerate(SETTINGS)])
def test_steps_with_missing_gradients_match_torch_optim(ours, theirs, kwargs):
    path, _, _ = _ours(ours, kwargs)
    expected = _theirs(theirs, kwargs)
    for step, (got, want) in enumerate(zip(path, expected)):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-14, err_msg=f"step {step}")


def test_the_issues_example_adam():
    A, B = Tensor([1.0], requires_grad=True), Tensor([3.0], requires_grad=True)
    opt = optim.Adam([A, B], lr=0.1)
    A.grad = np.array([1.0])
    opt.step()
    A.grad, B.grad = np.array([1.0]), np.array([1.0])
    opt.step()
    At, Bt = (torch.tensor([v], dtype=torch.float64, requires_grad=True) for v in (1.0, 3.0))
    topt = torch.optim.Adam([At, Bt], lr=0.1)
    At.grad = torch.tensor([1.0], dtype=torch.float64)
    topt.step()
    At.grad, Bt.grad = (torch.tensor([1.0], dtype=torch.float64) for _ in range(2))
    topt.step()
    assert B.data[0] == pytest.approx(Bt.item(), abs=1e-15)
    assert B.data[0] == pytest.approx(2.9, abs=1e-7)  # a count shared by A and B gave 2.92559


@pytest.mark.parametrize(("ours", "theirs", "kwargs"), SETTINGS,
                         ids=[f"{o}-{i}" for i, (o, _, _) in enumerate(SETTINGS)])
def test_a_save_and_load_mid_training_resumes_exactly(ours, theirs, kwargs):
    whole, _, _ = _ours(ours, kwargs)
    first, opt, params = _ours(ours, kwargs, steps=range(3))
    state = opt.state_dict()
    steps = [s.get("step") for s in state["state"]]
    assert steps == [2, 2]  # A had gradients at steps 0 and 1, B at 1 and 2
    rest, _, _ = _ours(ours, kwargs, steps=range(3, len(PATTERN)), state=state,
                       weights=[p.data for p in params])
    for got, want in zip(first + rest, whole):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_sequential_refuses_a_misfit_layer_when_it_is_built():
    first = nn.Dense(4, input_dim=2)
    with pytest.raises(ValueError, match=r"Sequential: layer 1: Dense\(3 -> 5\) expects "
                                         r"inputs of width 3, but the layer before it gives 4"):
        nn.Sequential(first, nn.Dense(5, input_dim=3))
    model = nn.Sequential(nn.Dense(4, input_dim=2))
    with pytest.raises(ValueError, match=r"Sequential: layer 1: Dense\(3 -> 5\) expects "
                                         r"inputs of width 3, but the layer before it gives 4"):
        model.add(nn.Dense(5, input_dim=3))
    assert len(model) == 1  # nothing added
    images = nn.Sequential(nn.Conv2D(8, 3, input_shape=(1, 8, 8)))
    with pytest.raises(ValueError, match=r"Sequential: layer 1: Conv2D\(4, 3×3, stride=1\) "
                                         r"expects images with 3 channel\(s\), but the layer "
                                         r"before it gives 8"):
        images.add(nn.Conv2D(4, 3, input_shape=(3, 6, 6)))


def test_a_refused_sequential_leaves_the_layers_it_was_given_unbuilt():
    later = nn.Dense(6)  # built from the layer before it when added: must be undone
    with pytest.raises(ValueError):
        nn.Sequential(nn.Dense(4, input_dim=2), later, nn.Dense(5, input_dim=3))
    assert not later.built
    nn.Sequential(nn.Dense(3, input_dim=2), later)  # and usable again
    assert later.built and later.nin == 3


def test_a_second_backward_adds_into_a_tensor_leafs_grad_in_place_as_pytorch():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    g = x.grad
    (x * x).sum().backward()
    assert x.grad is g  # the same array, accumulated in place
    np.testing.assert_array_equal(g, [4.0, 8.0])
    xt = torch.tensor([1.0, 2.0], requires_grad=True)
    (xt * xt).sum().backward()
    gt = xt.grad
    (xt * xt).sum().backward()
    np.testing.assert_array_equal(gt.numpy(), g)  # PyTorch's does the same
