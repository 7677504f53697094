"""Issue #15 (first part): another package called autograd is impossible to miss."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_nn_or_viz_over_hips_autograd_says_what_is_in_the_way(tmp_path):
    fake = tmp_path / "site" / "autograd"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('__version__ = "1.7.0"\n\ndef grad(fun):\n    return fun\n')
    for module in ("nn", "viz"):
        result = subprocess.run([sys.executable, "-c", f"import {module}"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120,
                                env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin"})
        assert result.returncode == 1
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("ImportError: backprop-lens (nn, viz) needs backprop-lens's "
                               "engine, but 'import autograd' found HIPS autograd 1.7.0 at ")
        assert "pip uninstall -y autograd && pip install --force-reinstall --no-deps " \
               f"-e {ROOT}" in last  # this checkout is an editable install


def test_our_autograd_is_marked():
    import autograd

    assert autograd.__backprop_lens__ is True
