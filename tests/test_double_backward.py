"""Issue #26: gradients of gradients. With create_graph=True every gradient is a node, so it
can be differentiated again. Every op of the table, on Value and on Tensor, is checked at
second order against PyTorch's double backward and against central differences of the
first derivative; a few at third order; and a test fails when an op has no derivative that
can be recorded (graph_vjp)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd
from autograd import Tensor, Value, grad, ops
from tests.test_op_table import BINARY, ELEMENTWISE, OTHER_ROWS, call, ids, smooth_range

torch = pytest.importorskip("torch")
EPS = 1e-5


def _points(op, params, n, seed):
    """n inputs in the op's smooth range, away from its kinks."""
    lo, hi, kinks = smooth_range(op, params)
    lo = lo + 0.05 if lo == 0.0 else lo
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < n:
        x = rng.uniform(lo, hi)
        if all(abs(x - k) > 0.05 for k in kinks):
            found.append(x)
    return np.array(found)


def _torch_op(op):
    from tests.test_op_table import _torch_fn

    return _torch_fn(op)


# ---------------------------------------------------------------- Value: d²/dx², d³/dx³

@pytest.mark.parametrize("op_params", ELEMENTWISE, ids=ids)
def test_every_elementwise_op_on_value_has_the_right_second_derivative(op_params):
    op, params = op_params
    fn = _torch_op(op)
    for x0 in _points(op, params, 3, seed=len(op.name)):
        x = Value(x0)
        (g,) = grad(call(op, x, params), [x], create_graph=True)
        (h,) = grad(g, [x])
        xt = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        (gt,) = torch.autograd.grad(fn(xt, *params.values()), xt, create_graph=True)
        ht = torch.autograd.grad(gt, xt)[0].item() if gt.requires_grad else 0.0
        assert g.data == pytest.approx(gt.item(), rel=1e-12, abs=1e-12), (op.name, x0)
        assert h == pytest.approx(ht, rel=1e-9, abs=1e-12), (op.name, x0)

        def first(v):  # the first derivative, by backprop, at v
            xv = Value(v)
            call(op, xv, params).backward()
            return xv.grad

        numeric = (first(x0 + EPS) - first(x0 - EPS)) / (2 * EPS)
        assert h == pytest.approx(numeric, rel=1e-5, abs=1e-6), (op.name, x0)


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.name)
def test_binary_ops_on_value_have_the_right_hessian(op):
    a0, b0 = 1.3, 0.7
    a, b = Value(a0), Value(b0)
    y = getattr(a, op.method)(b)
    ga, gb = grad(y, [a, b], create_graph=True)
    rows = [grad(g, [a, b]) for g in (ga, gb)]
    at, bt = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (a0, b0))
    gat, gbt = torch.autograd.grad(_torch_op(op)(at, bt), (at, bt), create_graph=True)
    expected = [[torch.autograd.grad(g, t, retain_graph=True, allow_unused=True)[0]
                 if g.requires_grad else None for t in (at, bt)] for g in (gat, gbt)]
    for row, want in zip(rows, expected):
        for got, w in zip(row, want):
            assert got == pytest.approx(0.0 if w is None else w.item(), rel=1e-12, abs=1e-12)


def test_third_order_on_values():
    x0 = 0.7
    x = Value(x0)
    y = (x * x * x).sin() + x.exp() * x.tanh() + x.sigmoid() / (1 + x * x)
    (g,) = grad(y, [x], create_graph=True)
    (h,) = grad(g, [x], create_graph=True)
    (t,) = grad(h, [x], create_graph=True)
    (f,) = grad(t, [x])
    xt = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    yt = (xt ** 3).sin() + xt.exp() * xt.tanh() + xt.sigmoid() / (1 + xt * xt)
    found = []
    d = yt
    for _ in range(4):
        (d,) = torch.autograd.grad(d, xt, create_graph=True)
        found.append(d.item())
    assert [g.data, h.data, t.data, f] == pytest.approx(found, rel=1e-10)
    assert autograd.derivative_order(g) == 1 and autograd.derivative_order(t) == 3


def test_backward_with_create_graph_fills_grad_with_nodes():
    x = Value(2.0, label="x")
    y = x ** 3
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 12.0
    first = x.grad
    x.grad = 0.0
    first.backward()
    assert x.grad == 12.0  # d/dx 3x² = 6x
    t = Tensor([1.0, 2.0], requires_grad=True)
    (t ** 3).sum().backward(create_graph=True)
    assert isinstance(t.grad, Tensor)
    np.testing.assert_array_equal(t.grad.data, [3.0, 12.0])


def test_without_create_graph_nothing_changes():
    x = Value(2.0)
    (g,) = grad(x ** 3, [x])
    assert g.__class__ is float and g == 12.0
    t = Tensor([1.0, 2.0], requires_grad=True)
    (gt,) = grad((t ** 3).sum(), [t])
    assert gt.__class__ is np.ndarray


# ---------------------------------------------------------------- Tensor: H·v against PyTorch


def _hvp_against_torch(ours, theirs, arrays, seed=0):
    """y = Σ f(x)·R; the gradient's product with S, differentiated again, for every input:
    ours against PyTorch's double backward and against central differences of backprop's
    first derivative along S."""
    rng = np.random.default_rng(seed)
    inputs = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    out = ours(*inputs)
    R = rng.standard_normal(out.shape)
    S = [rng.standard_normal(a.shape) for a in arrays]
    y = (out * R).sum()
    firsts = grad(y, inputs, create_graph=True)
    z = sum(((g * s).sum() for g, s in zip(firsts, S)), Tensor(0.0))
    seconds = grad(z, inputs)
    tensors = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    yt = (theirs(*tensors) * torch.tensor(R)).sum()
    gts = torch.autograd.grad(yt, tensors, create_graph=True, allow_unused=True)
    zt = sum((g * torch.tensor(s)).sum() for g, s in zip(gts, S) if g is not None)
    hts = (torch.autograd.grad(zt, tensors, allow_unused=True) if zt.requires_grad
           else [None] * len(tensors))
    for ours_h, theirs_h, a in zip(seconds, hts, arrays):
        want = np.zeros(a.shape) if theirs_h is None else theirs_h.numpy(force=True)
        np.testing.assert_allclose(ours_h, want, rtol=1e-9, atol=1e-10)

    def first_along(k, step):  # backprop's first derivatives at x + step·S
        moved = [Tensor(a + step * s, requires_grad=True) for a, s in zip(arrays, S)]
        return [g for g in grad((ours(*moved) * R).sum(), moved)][k]

    for k, ours_h in enumerate(seconds):
        numeric = (first_along(k, EPS) - first_along(k, -EPS)) / (2 * EPS)
        np.testing.assert_allclose(ours_h, numeric, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op_params", ELEMENTWISE, ids=ids)
def test_every_elementwise_op_on_tensor_matches_pytorchs_double_backward(op_params):
    op, params = op_params
    x = _points(op, params, 6, seed=1).reshape(2, 3)
    fn = _torch_op(op)
    with np.errstate(all="ignore"):
        _hvp_against_torch(lambda t: call(op, t, params), lambda t: fn(t, *params.values()), [x])


@pytest.mark.parametrize("op", BINARY, ids=lambda op: op.name)
def test_binary_ops_on_tensor_with_broadcasting(op):
    rng = np.random.default_rng(2)
    for sa, sb in [((2, 3), (2, 3)), ((2, 3), (3,)), ((1, 3), (2, 1)), ((), (2,))]:
        a, b = rng.uniform(0.4, 2.0, sa), rng.uniform(0.4, 2.0, sb)
        _hvp_against_torch(lambda x, y: getattr(x, op.method)(y), _torch_op(op), [a, b])


def _composite(f):
    """f(x)² · something nonlinear: so that the gradient of f's gradient is not zero."""
    return lambda *xs: f(*xs) ** 2


def test_the_other_ops_match_pytorchs_double_backward():
    import torch.nn.functional as F

    from nn.losses import cross_entropy

    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4))
    checks = []
    for axis in (0, -1, 1):
        checks.append((lambda t, a=axis: t.softmax(a), lambda t, a=axis: torch.softmax(t, a)))
        checks.append((lambda t, a=axis: t.log_softmax(a),
                       lambda t, a=axis: torch.log_softmax(t, a)))
    for name in ("sum", "mean", "max", "min"):
        for axis in (None, 0, (1, 2)):
            for keep in (False, True):
                dim = (0, 1, 2) if axis is None else axis
                theirs = {"max": torch.amax, "min": torch.amin}.get(name)
                checks.append((
                    _composite(lambda t, n=name, a=axis, k=keep: getattr(t, n)(axis=a,
                                                                                keepdims=k)),
                    _composite(lambda t, n=name, d=dim, k=keep, f=theirs:
                               (f(t, dim=d, keepdim=k) if f else
                                getattr(t, n)(dim=d, keepdim=k)))))
    rows = np.array([0, -1, 0])
    checks += [
        (_composite(lambda t: t.reshape(4, -1)), _composite(lambda t: t.reshape(4, -1))),
        (_composite(lambda t: t.transpose(2, 0, 1)), _composite(lambda t: t.permute(2, 0, 1))),
        (_composite(lambda t: t[rows]), _composite(lambda t: t[torch.tensor(rows)])),
        (_composite(lambda t: t[1, :, ::-2]),
         _composite(lambda t: t[1, :, torch.tensor([3, 1])])),
        (_composite(lambda t: autograd.pad(t, ((0, 0), (1, 2), (0, 1)))),
         _composite(lambda t: F.pad(t, (0, 1, 1, 2)))),
        (_composite(lambda t: autograd.concatenate([t, t * 2], axis=1)),
         _composite(lambda t: torch.cat([t, t * 2], dim=1))),
        (_composite(lambda t: autograd.stack([t, t.tanh()], axis=-1)),
         _composite(lambda t: torch.stack([t, t.tanh()], dim=-1))),
    ]
    for ours, theirs in checks:
        _hvp_against_torch(ours, theirs, [x])
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2))
    for sa, sb in [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4)),
                   ((4, 2, 3), (3, 2))]:
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        _hvp_against_torch(_composite(lambda p, q: p @ q), _composite(lambda p, q: p @ q), [a, b])
    cond = rng.random((3, 4)) > 0.5
    pair = [rng.standard_normal((3, 4)), rng.standard_normal((4,))]
    _hvp_against_torch(_composite(lambda p, q: autograd.where(cond, p, q)),
                       _composite(lambda p, q: torch.where(torch.tensor(cond), p, q)), pair)
    for name in ("maximum", "minimum"):
        _hvp_against_torch(_composite(lambda p, q, n=name: getattr(autograd, n)(p, q)),
                           _composite(lambda p, q, n=name: getattr(torch, n)(p, q)), pair)
    z, y = rng.standard_normal((5, 4)), np.array([0, 3, 1, 1, 2])
    _hvp_against_torch(lambda t: cross_entropy(t, y),
                       lambda t: F.cross_entropy(t, torch.tensor(y)), [z])
    soft = rng.dirichlet(np.ones(4), size=5)
    _hvp_against_torch(lambda t: cross_entropy(t, soft),
                       lambda t: F.cross_entropy(t, torch.tensor(soft)), [z])


def test_a_small_network_to_third_order():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5, 3))
    W = Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    V = Tensor(rng.standard_normal((4, 1)), requires_grad=True)
    L = ((X @ W).tanh() @ V).sigmoid().mean()
    (gw,) = grad(L, [W], create_graph=True)
    s = (gw * gw).sum()
    (hw,) = grad(s, [W], create_graph=True)
    (tw,) = grad(hw.sum(), [W])
    Wt = torch.tensor(W.data, requires_grad=True)
    Vt = torch.tensor(V.data)
    Lt = ((torch.tensor(X) @ Wt).tanh() @ Vt).sigmoid().mean()
    (gwt,) = torch.autograd.grad(Lt, Wt, create_graph=True)
    (hwt,) = torch.autograd.grad((gwt * gwt).sum(), Wt, create_graph=True)
    (twt,) = torch.autograd.grad(hwt.sum(), Wt)
    np.testing.assert_allclose(tw, twt.numpy(), rtol=1e-9, atol=1e-12)


def test_every_op_in_the_table_can_be_differentiated_twice():
    missing = sorted(name for name, op in ops.OPS.items() if op.graph_vjp is None)
    assert missing == [], f"ops with no derivative as recorded ops: {missing}"


def test_an_op_without_a_recordable_derivative_is_named():
    x = Value(1.0)
    y = autograd.value_op(math.sin(1.0), "my_sin", [x], [math.cos(1.0)])
    with pytest.raises(NotImplementedError, match="create_graph: the op 'my_sin' has no "
                                                  "derivative that can be recorded"):
        grad(y, [x], create_graph=True)
    assert OTHER_ROWS  # (the other rows are all tried above)


def test_convolution_and_pooling_match_pytorchs_double_backward():
    import torch.nn.functional as F

    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 6, 5))
    w, b = rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    for stride, padding in [(1, 0), ((2, 1), 1), (2, (0, 1))]:
        _hvp_against_torch(
            _composite(lambda a, f, c, s=stride, p=padding: autograd.conv2d(a, f, c, s, p)),
            _composite(lambda a, f, c, s=stride, p=padding: F.conv2d(a, f, c, s, p)),
            [x, w, b])
    _hvp_against_torch(_composite(lambda a, f: autograd.conv2d(a, f)),
                       _composite(lambda a, f: F.conv2d(a, f)), [x, w])
    for kernel, stride in [(2, None), ((2, 3), (1, 2)), (3, 1)]:
        _hvp_against_torch(
            _composite(lambda a, k=kernel, s=stride: autograd.avg_pool2d(a, k, s)),
            _composite(lambda a, k=kernel, s=stride: F.avg_pool2d(a, k, s)), [x])
        _hvp_against_torch(
            _composite(lambda a, k=kernel, s=stride: autograd.max_pool2d(a, k, s)),
            _composite(lambda a, k=kernel, s=stride: F.max_pool2d(a, k, s)), [x])


# ---------------------------------------------------------------- hessian, hvp, gradgradcheck


def test_hessian_of_values_and_tensors_against_pytorch():
    f = lambda x, y: x ** 2 * y + (x * y).sin()  # noqa: E731
    x, y = Value(1.0), Value(2.0)
    H = autograd.hessian(f, [x, y])
    xt, yt = (torch.tensor(v, dtype=torch.float64) for v in (1.0, 2.0))
    Ht = torch.autograd.functional.hessian(lambda a, b: a ** 2 * b + (a * b).sin(), (xt, yt))
    np.testing.assert_allclose(H, [[float(Ht[i][j]) for j in range(2)] for i in range(2)],
                               rtol=1e-12)
    rng = np.random.default_rng(0)
    a, w = rng.standard_normal(3), rng.standard_normal((3, 2))
    ta, tw = Tensor(a, requires_grad=True), Tensor(w, requires_grad=True)
    g = lambda p, q: ((p @ q).tanh() ** 2).sum()  # noqa: E731
    H = autograd.hessian(g, [ta, tw])
    Ht = torch.autograd.functional.hessian(lambda p, q: ((p @ q).tanh() ** 2).sum(),
                                           (torch.tensor(a), torch.tensor(w)))
    full = np.block([[Ht[0][0].numpy().reshape(3, 3), Ht[0][1].numpy().reshape(3, 6)],
                     [Ht[1][0].numpy().reshape(6, 3), Ht[1][1].numpy().reshape(6, 6)]])
    np.testing.assert_allclose(H, full, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


def test_hvp_is_the_hessian_times_v_without_the_matrix():
    rng = np.random.default_rng(1)
    a, w = rng.standard_normal(3), rng.standard_normal((3, 2))
    ta, tw = Tensor(a, requires_grad=True), Tensor(w, requires_grad=True)
    g = lambda p, q: ((p @ q).sigmoid() ** 3).sum()  # noqa: E731
    va, vw = rng.standard_normal(3), rng.standard_normal((3, 2))
    ha, hw = autograd.hvp(g, [ta, tw], [va, vw])
    H = autograd.hessian(g, [ta, tw])
    expected = H @ np.concatenate([va, vw.ravel()])
    np.testing.assert_allclose(np.concatenate([ha, hw.ravel()]), expected, rtol=1e-10)
    x = Value(0.5)
    (h,) = autograd.hvp(lambda v: v.exp() * v, [x], [2.0])
    assert h == pytest.approx(2.0 * (2 + 0.5) * math.exp(0.5), rel=1e-12)


def test_hessian_and_hvp_refuse_what_they_cannot_do():
    big = Tensor(np.zeros(autograd.MAX_HESSIAN + 1), requires_grad=True)
    with pytest.raises(ValueError, match=r"hessian: the inputs hold 1001 numbers, a 1001×1001 "
                                         r"matrix; the limit is 1000 \(use hvp"):
        autograd.hessian(lambda t: t.sum(), [big])
    t = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=r"hessian: f must return one number, got shape \(3,\)"):
        autograd.hessian(lambda p: p * 2, [t])
    with pytest.raises(ValueError, match=r"hvp: v\[0\] has shape \(2,\), inputs\[0\] has shape "
                                         r"\(3,\)"):
        autograd.hvp(lambda p: p.sum(), [t], [np.ones(2)])
    with pytest.raises(ValueError, match="hessian: inputs\\[0\\] does not require grad"):
        autograd.hessian(lambda p: p.sum(), [Tensor(np.ones(2))])


def test_gradgradcheck_passes_right_second_derivatives_and_catches_a_wrong_one():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    report = autograd.gradgradcheck(lambda a, b: a ** 2 * b + (a * b).sin(), [x, y])
    assert report and len(report) == 4
    assert report.summary().startswith("gradgradcheck passed")
    assert [r.output for r in report.rows] == ["∂/∂x", "∂/∂y", "∂/∂x", "∂/∂y"]
    H = autograd.hessian(lambda a, b: a ** 2 * b + (a * b).sin(), [x, y])
    assert [r.analytic for r in report.rows] == pytest.approx([H[0, 0], H[1, 0], H[0, 1],
                                                               H[1, 1]], rel=1e-12)
    # an op whose recorded second derivative is wrong (σ' taken as σ(1+σ)) is caught
    original = ops.OPS["sigmoid"]
    bad = lambda g, node: (g * (node * (1 + node)),)  # noqa: E731
    ops.OPS["sigmoid"] = ops.replace(original, graph_vjp=bad)
    try:
        t = Tensor(np.array([0.3, -0.4]), requires_grad=True)
        failed = autograd.gradgradcheck(lambda p: p.sigmoid().sum(), [t])
        assert not failed and failed.summary().startswith("gradgradcheck FAILED")
        with pytest.raises(autograd.GradcheckError, match="second-derivative check failed"):
            autograd.gradgradcheck(lambda p: p.sigmoid().sum(), [t], raise_on_fail=True)
    finally:
        ops.OPS["sigmoid"] = original
    assert autograd.gradgradcheck(lambda p: p.sigmoid().sum(), [t])


def test_enable_grad_records_inside_no_grad():
    x = Value(2.0)
    with autograd.no_grad():
        assert not (x * x).parents
        with autograd.enable_grad():
            y = x * x
    assert y.parents


# ---------------------------------------------------------------- drawn


def test_a_gradients_graph_is_drawn_with_its_backward_gates_in_red():
    import viz
    from viz.diagram import RED

    x, w = Value(0.5, label="x"), Value(2.0, label="w")
    y = (w * x).sigmoid()
    (g,) = grad(y, [w], create_graph=True)
    forward = {id(n) for n in autograd.forward_order(y)}
    source = viz.draw_graph(g).source
    backward_gates = [n for n in autograd.forward_order(g) if n.parents and id(n) not in forward]
    assert backward_gates and all(autograd.derivative_order(n) == 1 for n in backward_gates)
    assert all(autograd.derivative_order(n) == 0 for n in autograd.forward_order(y))
    red = [line for line in source.splitlines() if f' color="{RED}"' in line and "label=" in line
           and "->" not in line and "backward_legend" not in line]
    assert len(red) == len(backward_gates)  # every backward gate red, no forward one
    assert "red gates: the backward pass, recorded (create_graph=True)" in source
    assert "backward_legend" not in viz.draw_graph(y).source  # a forward graph: no legend
    (h,) = grad(g, [w], create_graph=True)
    assert autograd.derivative_order(h) == 2
    assert 'penwidth=2.2' in viz.draw_graph(h).source  # the second pass: bolder
    page = viz.explore(g)  # the explorer opens a gradient's graph too, red gates and all
    assert page.fragment.count(f'stroke="{RED.lower()}"') + page.fragment.count(
        f'stroke="{RED}"') >= len(backward_gates)


def test_a_loss_whose_inside_the_backward_pass_reads_is_drawn_expanded():
    import viz
    from nn import losses

    w = Value(0.3, label="w")
    y = (w * 2.0).sigmoid()
    L = losses.mse([y], [1.0])
    assert ">MSE<" in viz.draw_graph(L).source or "label=MSE" in viz.draw_graph(L).source
    (g,) = grad(L, [w], create_graph=True)  # reads the MSE's n and its difference
    source = viz.draw_graph(g).source
    assert "label=MSE" not in source and ">MSE<" not in source
    assert source.count('color="#c0392b"') >= 3  # its backward gates, drawn
