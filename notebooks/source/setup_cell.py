# «Setup: this cell checks that backprop-lens is installed where the notebook runs (your|Preparación: esta celda verifica que backprop-lens esté instalado donde corre el cuaderno (su»
# «computer, JupyterLab, Colab or another hosted notebook). If it is not, it installs the wheel|computadora, JupyterLab, Colab u otro cuaderno en línea). Si no lo está, instala el archivo»
# «file your teacher handed out (backprop_lens-*.whl, put beside this notebook or one folder up),|wheel que le dio su docente (backprop_lens-*.whl, puesto junto a este cuaderno o una carpeta más arriba),»
# «after removing the unrelated HIPS "autograd" package that hosted images often preinstall.|después de quitar el paquete "autograd" de HIPS, que no tiene relación y suelen traer los cuadernos en línea.»
import glob
import importlib.util
import subprocess
import sys

_spec = importlib.util.find_spec("autograd")
_ours = _spec is not None and "__backprop_lens__" in open(_spec.origin, encoding="utf-8").read()
if not _ours:
    _wheels = sorted(glob.glob("backprop_lens-*.whl") + glob.glob("../backprop_lens-*.whl"))
    if not _wheels:
        raise RuntimeError("«backprop-lens is not installed, and no backprop_lens-*.whl is beside this notebook: put the wheel here, or run: pip install <the wheel>|backprop-lens no está instalado y no hay ningún backprop_lens-*.whl junto a este cuaderno: ponga el wheel aquí, o ejecute: pip install <el wheel>»")
    if _spec is not None:  # «HIPS autograd: removed, then our files put back whole|autograd de HIPS: se quita y se vuelven a poner nuestros archivos completos»
        subprocess.check_call([sys.executable, "-m", "pip", "uninstall", "-y", "-q", "autograd"])
    _pip = [sys.executable, "-m", "pip", "install", "-q"]
    subprocess.check_call([*_pip, "--force-reinstall", "--no-deps", _wheels[-1]])  # «our files, whole|nuestros archivos, completos»
    subprocess.check_call([*_pip, _wheels[-1]])  # «and what they need, if missing|y lo que necesitan, si falta»
    importlib.invalidate_caches()
import autograd, nn, viz  # noqa: E401,F401
print("«backprop-lens is ready|backprop-lens está listo»:", autograd.__file__.rsplit("autograd", 1)[0])
