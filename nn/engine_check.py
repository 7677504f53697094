"""Make a clash with another package called ``autograd`` impossible to miss.

Hosted notebooks often preinstall HIPS ``autograd`` under the same import name as this
project's engine. Two things can happen when backprop-lens is installed next to it:

- HIPS's package is the one Python finds (an editable install, or HIPS installed after us):
  ``nn`` and ``viz`` raise an ImportError that names the package in the way and the one
  command that fixes it, instead of ``cannot import name 'Node' from 'autograd'``;
- a regular install put our files over HIPS's, in the same folder: ours work, HIPS's no
  longer does, and uninstalling either one later would break the other. That is warned
  about, with the same command.

The command names what backprop-lens was installed from (PEP 610's ``direct_url.json``): a
wheel file, a folder (editable or not), a URL, or the package index.
"""

from __future__ import annotations

import importlib
import json
import warnings
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse


class AutogradClashWarning(UserWarning):
    """HIPS autograd's files and backprop-lens's share one folder."""


def install_source() -> str:
    """What ``pip install`` needs to reinstall backprop-lens the way it was installed."""
    try:
        text = metadata.distribution("backprop-lens").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return "backprop-lens"
    if not text:
        return "backprop-lens"  # from the package index
    try:
        info = json.loads(text)
    except ValueError:
        return "backprop-lens"
    url = info.get("url", "")
    if url.startswith("file://"):
        path = unquote(urlparse(url).path)
        return f"-e {path}" if info.get("dir_info", {}).get("editable") else path
    vcs = info.get("vcs_info", {})
    if vcs:
        return f"'backprop-lens @ {vcs.get('vcs', 'git')}+{url}@{vcs.get('commit_id', '')}'"
    return f"'backprop-lens @ {url}'" if url else "backprop-lens"


def fix() -> str:
    return (f"pip uninstall -y autograd && pip install --force-reinstall --no-deps "
            f"{install_source()} (this removes HIPS autograd from this environment; restart "
            f"the kernel afterwards)")


def require_our_autograd(who: str) -> None:
    module = importlib.import_module("autograd")
    if not getattr(module, "__backprop_lens__", False):
        where = getattr(module, "__file__", None) or "an unknown place"
        version = getattr(module, "__version__", None) or _installed_version("autograd")
        other = "HIPS autograd" + (f" {version}" if version else "") \
            if hasattr(module, "grad") and not hasattr(module, "Value") else "another package"
        raise ImportError(
            f"{who} needs backprop-lens's engine, but 'import autograd' found {other} at "
            f"{where}: two packages are installed under the name autograd. Fix it with: "
            f"{fix()}")
    _warn_if_mixed(Path(module.__file__).resolve().parent)


def _installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _warn_if_mixed(ours: Path) -> None:
    """Warn when HIPS autograd's recorded files live in our package's folder."""
    try:
        hips = metadata.distribution("autograd")
    except metadata.PackageNotFoundError:
        return
    files = hips.files or []
    if not any(str(f).replace("\\", "/") == "autograd/__init__.py"
               and Path(hips.locate_file(f)).resolve().parent == ours for f in files):
        return
    warnings.warn(
        f"HIPS autograd {hips.version} is installed in the same folder as backprop-lens's "
        f"engine ({ours}): installing backprop-lens wrote its files over HIPS's, so HIPS "
        f"autograd no longer works, and uninstalling either package would now break the "
        f"other. backprop-lens works as it is. To keep one package only: {fix()}",
        AutogradClashWarning, stacklevel=3)


require_our_autograd("backprop-lens (nn, viz)")  # on import: nn and viz import this first
