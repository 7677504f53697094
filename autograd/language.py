"""The language of everything the library prints or draws: English by default, or Spanish,
the language of the course (``set_language("es")``).

It lives in the lowest layer so that ``nn`` and ``viz`` read it without depending upward;
``viz.set_language`` is the same function. It applies to everything printed or drawn after
the call: report headings (gradcheck, check, explain, summary) and plot labels. The words
are the labs' own (época, pérdida, entrada, salida, retropropagación).
"""

from __future__ import annotations

LANGUAGES = ("en", "es")

_SPANISH = {
    # gradcheck
    "input": "entrada", "output": "salida", "numeric": "numérico", "by hand": "a mano",
    "abs error": "error abs.", "rel error": "error rel.", "by hand error": "error a mano",
    "verdict": "veredicto", "ok": "bien", "≠ numeric": "≠ numérico", "passed": "correcto",
    "FAILED": "FALLÓ", "gradcheck {result}: autograd agrees with finite differences on {ok} of "
    "{n}": "gradcheck {result}: autograd coincide con las diferencias finitas en {ok} de {n}",
    "by hand on {ok} of {n}": "a mano en {ok} de {n}",
    "central differences": "diferencias centrales", "agree": "coinciden", "and": "y",
    # viz.check
    "check: {right} of {n} answers right": "check: {right} de {n} respuestas correctas",
    "; the first wrong one, nearest the loss, is the {quantity} of {label}: fix it first":
        "; la primera incorrecta, la más cercana a la pérdida, es {quantity} de {label}: "
        "corrígela primero",
    "node": "nodo", "quantity": "magnitud", "given": "dada", "expected": "esperada",
    "explanation": "explicación", "right": "correcta", "wrong": "incorrecta",
    "value": "valor", "grad": "gradiente",
    # explain
    "{n} path(s) from {leaf} to {root}": "{n} camino(s) de {leaf} a {root}",
    "path": "camino", "product": "producto", "sum over paths": "suma sobre los caminos",
    "backprop gives": "la retropropagación da",
    "({n} factor(s) of 1 from + not written: a + passes its gradient on unchanged; "
    "explain(..., full=True) writes them)":
        "({n} factor(es) 1 de + sin escribir: un + pasa su gradiente sin cambiarlo; "
        "explain(..., full=True) los escribe)",
    # Module.summary
    "module": "módulo", "type": "tipo", "parameters": "parámetros", "count": "cantidad",
    "total: {n} parameters": "total: {n} parámetros", "{n} scalars": "{n} escalares",
    # plots
    "epoch": "época", "loss": "pérdida", "accuracy": "exactitud", "train": "entrenamiento",
    "validation": "validación", "derivative": "derivada",
}

_current = "en"


def set_language(code: str) -> str:
    """Print and draw in ``code``: "en" (the default) or "es". Returns the language set."""
    global _current
    if code not in LANGUAGES:
        raise ValueError(f"set_language: unknown language {code!r}; choose one of "
                         f"{', '.join(LANGUAGES)}")
    _current = code
    return code


def get_language() -> str:
    """The language everything is printed and drawn in now."""
    return _current


def tr(text: str, **values: object) -> str:
    """``text`` in the current language, with ``values`` filled in."""
    if _current == "es":
        text = _SPANISH.get(text, text)
    return text.format(**values) if values else text
