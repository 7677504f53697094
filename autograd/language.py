"""The language of everything the library prints or draws: English by default, or Spanish,
the language of the course (``set_language("es")``).

It lives in the lowest layer so that ``nn`` and ``viz`` read it without depending upward;
``viz.set_language`` is the same function. It applies to everything printed or drawn after
the call: report headings (gradcheck, check, explain, summary) and plot labels. The words
are the labs' own (época, pérdida, entrada, salida, retropropagación).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

LANGUAGES = ("en", "es")

_SPANISH = {
    "input": "entrada",
    "output": "salida",
    "numeric": "numérico",
    "by hand": "a mano",
    "abs error": "error abs.",
    "rel error": "error rel.",
    "by hand error": "error a mano",
    "verdict": "veredicto",
    "ok": "bien",
    "≠ numeric": "≠ numérico",
    "passed": "correcto",
    "FAILED": "FALLÓ",
    "gradcheck {result}: autograd agrees with finite differences on {ok} of {n}":
        "gradcheck {result}: autograd coincide con las diferencias finitas en {ok} de {n}",
    "by hand on {ok} of {n}": "a mano en {ok} de {n}",
    "central differences": "diferencias centrales",
    "agree": "coinciden",
    "and": "y",
    "value": "valor",
    "grad": "gradiente",
    "matmul: shapes {a} and {b} do not align ({i} != {j})":
        "matmul: las formas {a} y {b} no encajan ({i} != {j})",
    "matmul: batch shapes {a} and {b} do not broadcast (shapes {sa} and {sb})":
        "matmul: las formas de lote {a} y {b} no se pueden difundir (formas {sa} y {sb})",
    "step": "paso",
    "loss": "pérdida",
    "; {dtypes} inputs checked in float64": "; entradas {dtypes} verificadas en float64",
    "; {n} outputs, checked along {k} random projections":
        "; {n} salidas, verificadas a lo largo de {k} proyecciones al azar",
    "; {n} outputs, every row of the Jacobian checked":
        "; {n} salidas, cada fila del jacobiano verificada",
}

_current = "en"
_PHRASES: dict[str, dict[str, str]] = {"es": dict(_SPANISH)}  # every package's, by English


def add_phrases(code: str, phrases: dict[str, str]) -> None:
    """Teach ``tr`` the ``phrases`` of a package (English -> ``code``): ``nn`` and ``viz``
    register theirs when imported, so that each package keeps the words it says. A phrase
    translated twice, differently, is refused."""
    if code not in LANGUAGES or code == "en":
        raise ValueError(f"add_phrases: {code!r} is not a language to translate into; choose "
                         f"one of {', '.join(c for c in LANGUAGES if c != 'en')}")
    table = _PHRASES.setdefault(code, {})
    for english, said in phrases.items():
        if table.get(english, said) != said:
            raise ValueError(f"add_phrases: {english!r} is already {table[english]!r} in "
                             f"{code}, not {said!r}")
        table[english] = said


def set_language(code: str) -> str:
    """Print and draw in ``code``: "en" (the default) or "es". Returns the language set."""
    global _current
    if code not in LANGUAGES:
        raise ValueError(f"set_language: unknown language {code!r}; choose one of "
                         f"{', '.join(LANGUAGES)}")
    _current = code
    return code


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Print and draw in ``code`` inside the block (English if the library does not speak
    it), then in the language set before."""
    was = _current
    set_language(code if code in LANGUAGES else "en")
    try:
        yield
    finally:
        set_language(was)


def get_language() -> str:
    """The language everything is printed and drawn in now."""
    return _current


def tr(text: str, **values: object) -> str:
    """``text`` in the current language, with ``values`` filled in."""
    if _current != "en":
        text = _PHRASES[_current].get(text, text)
    return text.format(**values) if values else text
