"""Make a clash with another package called ``autograd`` impossible to miss.

Hosted notebooks often preinstall HIPS ``autograd`` under the same import name as this
project's engine. ``nn`` and ``viz`` call :func:`require_our_autograd` first, so that the
student reads which package is in the way and the one command that fixes it, instead of
``cannot import name 'Node' from 'autograd'``.
"""

from __future__ import annotations

import importlib

FIX = ("pip uninstall -y autograd && pip install --force-reinstall --no-deps backprop-lens"
       " (this removes HIPS autograd from this environment; restart the kernel afterwards)")


def require_our_autograd(who: str) -> None:
    module = importlib.import_module("autograd")
    if getattr(module, "__backprop_lens__", False):
        return
    where = getattr(module, "__file__", None) or "an unknown place"
    version = getattr(module, "__version__", None)
    other = "HIPS autograd" + (f" {version}" if version else "") \
        if hasattr(module, "grad") and not hasattr(module, "Value") else "another package"
    raise ImportError(
        f"{who} needs backprop-lens's engine, but 'import autograd' found {other} at {where}: "
        f"two packages are installed under the name autograd. Fix it with: {FIX}")


require_our_autograd("backprop-lens (nn, viz)")  # on import: nn and viz import this first
