"""Write the solution notebooks of both languages from one bilingual source per lab.

    python notebooks/build.py           write every notebook whose cells differ from its source
    python notebooks/build.py --check   exit 1 if any notebook differs from its source

The two languages are equals: one source (``notebooks/source/NN.lab``) keeps the code once,
so the Spanish and English notebooks can never drift apart, and the prose twice. A source is
plain text:

- the first line names the notebooks: ``%% names 01_the_neuron 01_la_neurona`` (en, es);
- ``%% md`` and ``%% code`` start a cell; ``%% code solution`` and ``%% code hidden`` tag it
  (``notebooks/student.py`` turns ``solution`` cells into exercises and drops ``hidden`` ones);
- inside a cell, lines after ``@en`` or ``@es`` belong to that language only (until the
  other marker, or ``@`` alone for text common to both again), and ``«English|Español»``
  picks a phrase.

A notebook is rewritten only when its cells' sources or tags change, so the outputs of an
executed notebook survive a rebuild that changes nothing; ``./dev notebooks`` then executes
the rewritten ones and makes the student versions.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "es")
_PHRASE = re.compile(r"«([^«»|]*)\|([^«»]*)»")
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


class SourceError(ValueError):
    """A .lab file that does not follow the format (the message names the file and line)."""


def parse(path: Path) -> tuple[dict[str, str], list[tuple[str, list[str], dict[str, str]]]]:
    """The notebook names by language and the cells (type, tags, source by language)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split() if lines else []
    if len(head) != 4 or head[:2] != ["%%", "names"]:
        raise SourceError(f"{path}:1: expected '%% names EN_NAME ES_NAME'")
    names = dict(zip(LANGUAGES, head[2:]))
    cells: list[tuple[str, list[str], dict[str, list[str]]]] = []
    language = None
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("%% "):
            kind, *tags = line[3:].split()
            if kind not in ("md", "code") or not set(tags) <= {"solution", "hidden"}:
                raise SourceError(f"{path}:{number}: unknown cell header {line!r}")
            cells.append((kind, tags, {lang: [] for lang in LANGUAGES}))
            language = None
        elif not cells:
            if line.strip():
                raise SourceError(f"{path}:{number}: text before the first cell")
        elif line.strip() in ("@en", "@es", "@"):
            language = line.strip()[1:] or None
        else:
            for lang in LANGUAGES if language is None else (language,):
                cells[-1][2][lang].append(line)
    out = []
    for kind, tags, text in cells:
        sources = {}
        for lang in LANGUAGES:
            source = "\n".join(text[lang]).strip("\n")
            sources[lang] = _PHRASE.sub(lambda m, k=LANGUAGES.index(lang): m.group(k + 1), source)
        out.append((kind, tags, sources))
    return names, out


def notebook(path: Path, language: str) -> nbformat.NotebookNode:
    """The solution notebook of one language, without outputs."""
    _, cells = parse(path)
    nb = nbformat.v4.new_notebook(metadata={**KERNEL, "backprop_lens": {"language": language}})
    for kind, tags, sources in cells:
        metadata = {"tags": tags} if tags else {}
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(sources[language], metadata=metadata))
    return nb


def target(path: Path, language: str) -> Path:
    names, _ = parse(path)
    return HERE / language / f"{names[language]}.ipynb"


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def sources(root: Path = HERE) -> list[Path]:
    return sorted((root / "source").glob("*.lab"))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in sources():
        for language in LANGUAGES:
            want, out = notebook(path, language), target(path, language)
            if out.exists() and _cells(nbformat.read(out, as_version=4)) == _cells(want):
                continue
            stale.append(out)
            if not check:
                out.parent.mkdir(exist_ok=True)
                nbformat.write(want, out)
                print(f"wrote {out.relative_to(HERE)} (not executed yet)")
    if check and stale:
        print("out of date (run ./dev notebooks): "
              + ", ".join(str(p.relative_to(HERE)) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
