"""Sphinx configuration of the backprop-lens site: ``./dev docs`` (``--serve`` to browse).

Why Sphinx, MyST and myst-nb with the PyData theme: the library's docstrings are written in
reStructuredText with Sphinx roles (``:func:`check```, ``:class:`Value```), which autodoc
renders and cross-links as they are; myst-nb renders the lab notebooks with the outputs the
test suite executes (never re-running them here) and executes the guides' code cells, so
every example on the site runs; and the PyData theme is the one numpy, pandas and
scikit-learn use, so the site looks like the documentation students meet next. The two
languages are two trees of pages (``es/`` mirrors the English pages) with a switch on every
page, rather than gettext catalogues: the Spanish pages are written, not translated
strings.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

project = "backprop-lens"
author = "the backprop-lens authors"
copyright = "2026, the backprop-lens authors"
# sphinx-mathjax-offline ships MathJax with the site: it opens without a network (a
# classroom, the tests' headless browser), formulas included
extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx_copybutton",
              "sphinx_design", "sphinx-mathjax-offline"]
templates_path = ["_templates"]
html_static_path = ["_static"]
# the student versions are downloads (labs.md links them), not pages
exclude_patterns = ["_build", "jupyter_execute", "labs/*/student", "**/.ipynb_checkpoints"]
html_theme = "pydata_sphinx_theme"
html_title = "backprop-lens"
html_theme_options = {
    "navbar_end": ["language-switch", "navbar-icon-links"],
    "secondary_sidebar_items": ["page-toc"],
    "show_prev_next": False,
    "header_links_before_dropdown": 5,
    "navigation_with_keys": False,
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
html_context = {"default_mode": "light"}  # the diagrams are drawn on white
html_css_files = ["site.css"]
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}
# The labs are executed by the test suite (tests/test_notebooks.py) and committed with their
# outputs: shown as they are. The guides' code cells run at every build.
nb_execution_mode = "force"
nb_execution_excludepatterns = ["labs/*/*.ipynb"]
nb_execution_timeout = 120
nb_execution_raise_on_error = True
nb_execution_show_tb = True
suppress_warnings = ["mystnb.unknown_mime_type"]

# ---------------------------------------------------------------- the labs, copied in

LABS = HERE / "labs"


def copy_labs() -> None:
    """The committed notebooks (solutions and student versions) into ``labs/``, refusing one
    that holds an error output: a lab that failed is not published."""
    for language in ("en", "es"):
        target = LABS / language
        if target.exists():
            shutil.rmtree(target)
        (target / "student").mkdir(parents=True)
        for source in sorted((ROOT / "notebooks" / language).glob("*.ipynb")):
            notebook = json.loads(source.read_text(encoding="utf-8"))
            for cell in notebook["cells"]:
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "error":
                        raise RuntimeError(f"docs: {source.relative_to(ROOT)} holds an error "
                                           f"output ({output.get('ename')}); run ./dev "
                                           "notebooks")
            shutil.copy(source, target / source.name)
            student = source.parent / "student" / source.name
            if student.exists():
                shutil.copy(student, target / "student" / source.name)


copy_labs()

# ---------------------------------------------------------------- the language switch

# English page -> Spanish page; pages without a Spanish twin switch to the Spanish home.
TWINS = {
    "index": "es/index",
    "getting-started": "es/primeros-pasos",
    "labs": "es/tps",
    "guides/drawing": "es/guias/dibujar",
    "guides/checking": "es/guias/verificar",
    "guides/worksheets": "es/guias/hojas",
    "guides/grading": "es/guias/corregir",
    "guides/training": "es/guias/entrenamiento",
    "guides/higher-order": "es/guias/derivadas-segundas",
    "guides/pytorch": "es/guias/pytorch",
}


def _lab_twins() -> dict[str, str]:
    names = {}
    for source in sorted((ROOT / "notebooks" / "source").glob("*.lab")):
        head = source.read_text(encoding="utf-8").splitlines()[0].split()
        names[f"labs/en/{head[2]}"] = f"labs/es/{head[3]}"
    return names


TWINS.update(_lab_twins())
BACK = {es: en for en, es in TWINS.items()}


def _switch(app, pagename, templatename, context, doctree) -> None:
    if pagename.startswith(("es/", "labs/es/")):
        other, label, lang = BACK.get(pagename, "index"), "English", "es"
    else:
        other, label, lang = TWINS.get(pagename, "es/index"), "Español", "en"
    context["language_switch"] = (context["pathto"](other), label)
    context["page_language"] = lang


def setup(app):
    app.connect("html-page-context", _switch)
