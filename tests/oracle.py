"""Independent references for the tests: plain-float functions and central differences.

Nothing here uses the engine, so a wrong derivative in the engine cannot hide here too.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st


def central(fn, x: float, h: float = 1e-6) -> float:
    """(fn(x + h) - fn(x - h)) / (2h), divided by the step actually taken in floating point."""
    up, down = x + h, x - h
    return (fn(up) - fn(down)) / (up - down)


def close(actual: float, expected: float, atol: float = 1e-6, rtol: float = 1e-5) -> bool:
    return abs(actual - expected) <= atol + rtol * abs(expected)


def reals(lo: float, hi: float, avoid: float | None = None, margin: float = 1e-3):
    """Floats in [lo, hi], staying ``margin`` away from a kink at ``avoid``."""
    strategy = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if avoid is None:
        return strategy
    return strategy.filter(lambda x: abs(x - avoid) > margin)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# name -> (call on a Value, the same function on floats, a domain where it is smooth)
UNARY = {
    "exp": (lambda v: v.exp(), math.exp, reals(-30, 30)),
    "log": (lambda v: v.log(), math.log, reals(1e-3, 1e4)),
    "sqrt": (lambda v: v.sqrt(), math.sqrt, reals(1e-3, 1e4)),
    "abs": (lambda v: v.abs(), abs, reals(-100, 100, avoid=0)),
    "tanh": (lambda v: v.tanh(), math.tanh, reals(-10, 10)),
    "sigmoid": (lambda v: v.sigmoid(), _sigmoid, reals(-30, 30)),
    "relu": (lambda v: v.relu(), lambda x: max(0.0, x), reals(-100, 100, avoid=0)),
    "leaky_relu": (lambda v: v.leaky_relu(), lambda x: x if x > 0 else 0.01 * x,
                   reals(-100, 100, avoid=0)),
    "leaky_relu(0.1)": (lambda v: v.leaky_relu(0.1), lambda x: x if x > 0 else 0.1 * x,
                        reals(-100, 100, avoid=0)),
    "elu": (lambda v: v.elu(), lambda x: x if x > 0 else math.exp(x) - 1,
            reals(-30, 30, avoid=0)),
    "elu(0.5)": (lambda v: v.elu(0.5), lambda x: x if x > 0 else 0.5 * (math.exp(x) - 1),
                 reals(-30, 30, avoid=0)),
    "softplus": (lambda v: v.softplus(), lambda x: math.log(1 + math.exp(x)), reals(-30, 30)),
    "arctan": (lambda v: v.arctan(), math.atan, reals(-50, 50)),
    "sin": (lambda v: v.sin(), math.sin, reals(-10, 10)),
    "cos": (lambda v: v.cos(), math.cos, reals(-10, 10)),
    "step": (lambda v: v.step(), lambda x: 1.0 if x >= 0 else 0.0, reals(-10, 10, avoid=0)),
    "sign": (lambda v: v.sign(), lambda x: math.copysign(1.0, x), reals(-10, 10, avoid=0)),
    "clip": (lambda v: v.clip(-1.0, 0.5), lambda x: min(max(x, -1.0), 0.5),
             reals(-3, 3).filter(lambda x: abs(x + 1) > 1e-3 and abs(x - 0.5) > 1e-3)),
    "neg": (lambda v: -v, lambda x: -x, reals(-100, 100)),
    "**2": (lambda v: v**2, lambda x: x**2, reals(-100, 100)),
    "**3": (lambda v: v**3, lambda x: x**3, reals(-20, 20)),
    "**-1": (lambda v: v**-1, lambda x: 1 / x, reals(-100, 100, avoid=0, margin=0.05)),
    "**-2": (lambda v: v**-2, lambda x: x**-2, reals(-100, 100, avoid=0, margin=0.05)),
    "**0.5": (lambda v: v**0.5, math.sqrt, reals(1e-3, 1e4)),
    "**1.7": (lambda v: v**1.7, lambda x: x**1.7, reals(1e-3, 100)),
    "2**x": (lambda v: 2**v, lambda x: 2**x, reals(-30, 30)),
}

# name -> (call on two Values, the same function on floats, domain of a, domain of b)
BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: a + b, reals(-1e3, 1e3), reals(-1e3, 1e3)),
    "-": (lambda a, b: a - b, lambda a, b: a - b, reals(-1e3, 1e3), reals(-1e3, 1e3)),
    "*": (lambda a, b: a * b, lambda a, b: a * b, reals(-1e3, 1e3), reals(-1e3, 1e3)),
    "/": (lambda a, b: a / b, lambda a, b: a / b, reals(-1e3, 1e3),
          reals(-1e3, 1e3, avoid=0, margin=0.05)),
    "**": (lambda a, b: a**b, lambda a, b: a**b, reals(1e-2, 50), reals(-3, 3)),
}
