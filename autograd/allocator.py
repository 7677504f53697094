"""Keeping the memory a training step frees for the next step (glibc's malloc settings).

A CNN step makes and drops tens of megabytes of arrays (im2col matrices, activations,
gradients). By default glibc hands large freed blocks back to the operating system, and the
next step pays a page fault per 4 KiB to get them back: measured on this project's CNN
benchmark, 6,300 faults a step and 44-52 ms instead of 19 ms. Raising two of malloc's
thresholds keeps such blocks in the process for the next step, which then faults none: the
same speed as a pool of buffers managed by hand (which this replaces), with none of its code
in the ops.

The image ops call :func:`keep_freed_memory` the first time they run. It changes nothing
when the thresholds were set already (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``
or ``GLIBC_TUNABLES`` in the environment) or where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import os
import platform

MMAP_THRESHOLD = 256 << 20  # blocks below this come from the heap, not from mmap ...
TRIM_THRESHOLD = 512 << 20  # ... and stay in it until this much is free at its top
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")

_in_effect: bool | None = None  # None: not tried yet


def keep_freed_memory() -> bool:
    """Set glibc's thresholds (once per process) so that freed blocks up to
    :data:`MMAP_THRESHOLD` are kept for reuse; returns whether they are in effect."""
    global _in_effect
    if _in_effect is None:
        _in_effect = _set_thresholds()
    return _in_effect


def _set_thresholds() -> bool:
    if any(name in os.environ for name in _USER_SETTINGS):
        return False  # the user chose
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
