"""Independent references for the tests: plain-float functions and central differences.

Nothing here uses the engine, so a wrong derivative in the engine cannot hide here too.
"""

from __future__ import annotations

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
