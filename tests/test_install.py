"""Issue #15: the package builds as a wheel and an sdist, installs from the wheel file in a
fresh venv, and a clash with HIPS autograd (installed first, as hosted notebooks do) is
impossible to miss and fixed by the README's recipe, after which the demo runs."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HIPS = "autograd==1.9.1"  # the HIPS package on PyPI that shares our import name


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a command outside the checkout (whose autograd/, nn/ and viz/ folders would
    otherwise shadow the installed packages: `python -c` puts the cwd first on sys.path)."""
    return subprocess.run([str(a) for a in args], cwd=cwd or Path("/"), capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("src") / "backprop-lens"  # a clean copy: no .venv, out/
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "out", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info"))
    built = run(sys.executable, "-m", "build", "--outdir", out, source)
    assert built.returncode == 0, built.stderr[-2000:]
    return out


def test_the_wheel_holds_the_three_packages_and_the_sdist_the_sources(dist):
    wheel = next(dist.glob("backprop_lens-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert {n.split("/")[0] for n in names if not n.startswith("backprop_lens")} == \
        {"autograd", "nn", "viz"}
    assert "nn/engine_check.py" in names and "autograd/ops.py" in names
    assert {"viz/pages/explorer.html", "viz/pages/explorer.js", "viz/pages/explorer.css"} <= \
        set(names)  # the explorer's page, read at run time
    # the grader's pages, and the two files it runs as they are (a script and a kernel's codec)
    assert {"viz/pages/feedback.html", "viz/pages/class_report.html", "viz/pages/grading.css",
            "viz/grading/limits.py", "viz/grading/plain.py"} <= set(names)
    assert 'Requires-Dist: jupyter_client>=8; extra == "grade"' in metadata  # an extra only
    assert "Requires-Dist: jupyter_client>=8\n" not in metadata
    for requirement in ("numpy", "graphviz", "matplotlib", "tqdm"):
        assert f"Requires-Dist: {requirement}" in metadata
    assert "Requires-Dist: torch" not in metadata.split("Provides-Extra")[0]  # an extra
    sdist = next(dist.glob("backprop_lens-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        members = {m.split("/", 1)[1] for m in archive.getnames() if "/" in m}
    assert {"pyproject.toml", "README.md", "autograd/graph.py", "viz/check.py"} <= members


def test_hips_autograd_first_then_the_readme_recipe_then_the_demo(dist, tmp_path):
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv).returncode == 0
    python, pip = venv / "bin" / "python", [venv / "bin" / "python", "-m", "pip", "-q"]
    wheel = next(dist.glob("backprop_lens-*.whl"))
    assert run(*pip, "install", HIPS).returncode == 0  # what the hosted image has
    assert run(*pip, "install", wheel).returncode == 0  # what the student types

    # A regular install wrote our files over HIPS's: ours work, and it is said loudly.
    mixed = run(python, "-c", "import nn, viz; print('imported')")
    assert mixed.returncode == 0 and "imported" in mixed.stdout
    assert "AutogradClashWarning: HIPS autograd 1.9.1 is installed in the same folder" in \
        mixed.stderr
    recipe = f"pip uninstall -y autograd && pip install --force-reinstall --no-deps {wheel}"
    assert recipe in mixed.stderr

    # The README's recipe, as the warning prints it (pip run from the venv).
    for command in recipe.split(" && "):
        words = command.split()
        assert run(python, "-m", *words).returncode == 0, command
    clean = run(python, "-W", "error", "-c", "import nn, viz, autograd; "
                "print(autograd.__backprop_lens__)")
    assert clean.returncode == 0 and clean.stdout.strip() == "True", clean.stderr
    assert run(*pip, "show", "autograd").returncode != 0  # HIPS is gone, as README says
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "demo.py", work)
    demo = run(python, "demo.py", cwd=work)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert (work / "out" / "neuron.svg").exists() and (work / "out" / "xor_network.svg").exists()

    # Without the recipe: HIPS installed over us is the one Python finds; nn says so.
    assert run(*pip, "install", "--force-reinstall", "--no-deps", HIPS).returncode == 0
    broken = run(python, "-c", "import nn")
    assert broken.returncode == 1
    last = broken.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: backprop-lens (nn, viz) needs backprop-lens's engine, "
                           "but 'import autograd' found HIPS autograd 1.9.1 at ")
    assert recipe in last

    # A student notebook's first cell, run where HIPS is found first and the wheel was
    # handed out beside the notebook: it puts backprop-lens back, as the recipe does.
    spec = importlib.util.spec_from_file_location("student", ROOT / "notebooks" / "student.py")
    student = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(student)
    lab = tmp_path / "lab"
    lab.mkdir()
    shutil.copy(wheel, lab)
    (lab / "setup.py").write_text(student.setup_cell("en"), encoding="utf-8")
    setup = run(python, "setup.py", cwd=lab)
    assert setup.returncode == 0, setup.stderr[-2000:]
    assert "backprop-lens is ready:" in setup.stdout
    assert run(python, "-W", "error", "-c", "import nn, viz", cwd=lab).returncode == 0
    again = run(python, "setup.py", cwd=lab)  # now there: nothing to install
    assert again.returncode == 0 and "backprop-lens is ready:" in again.stdout
    (lab / next(lab.glob("*.whl")).name).unlink()
    assert run(*pip, "uninstall", "-y", "backprop-lens").returncode == 0
    missing = run(python, "setup.py", cwd=lab)
    assert missing.returncode == 1 and "no backprop_lens-*.whl is beside this notebook" in \
        missing.stderr


@pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None,
                    reason="needs the checkout to be a git repository")
def test_the_readmes_git_install_command_installs_the_committed_packages(tmp_path):
    """README: `pip install "git+file://$PWD"` in a clone (pip 23 and newer)."""
    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv).returncode == 0
    python = venv / "bin" / "python"
    done = run(python, "-m", "pip", "install", "-q", "--no-deps",
               f"git+file://{ROOT}")
    assert done.returncode == 0, done.stderr[-2000:]
    found = run(python, "-c", "import importlib.util as u; print(u.find_spec('viz').origin, "
                "u.find_spec('autograd').origin)")
    assert found.returncode == 0 and str(venv) in found.stdout, found.stdout + found.stderr
    site = Path(found.stdout.split()[0]).parent
    assert (site / "pages" / "explorer.js").exists()
