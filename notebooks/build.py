"""Write the solution notebooks of both languages from one bilingual source per lab.

    python notebooks/build.py           write every notebook whose cells differ from its source
    python notebooks/build.py --check   exit 1 if any notebook differs from its source

The two languages are equals: one source (``notebooks/source/NN.lab``) keeps the code once,
so the Spanish and English notebooks can never drift apart, and the prose twice. A source is
plain text:

- the first line names the notebooks: ``%% names 01_the_neuron 01_la_neurona`` (en, es);
- ``%% md`` and ``%% code`` start a cell; ``%% code solution ID [points=N]`` and
  ``%% code hidden`` tag it (``notebooks/student.py`` turns ``solution`` cells into exercises
  and drops ``hidden`` ones). ``ID`` names the exercise for the grader (``python -m viz
  grade``): it goes in the cell's metadata (``backprop_lens.exercise``, with ``points``,
  default 1), and the next code cell that is not hidden, the one that checks the answer,
  gets ``backprop_lens.check = ID``;
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
    cells: list[tuple[str, list[str], dict, dict[str, list[str]]]] = []
    language = None
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("%% "):
            kind, *tags = line[3:].split()
            meta: dict = {}
            if kind == "code" and tags[:1] == ["solution"]:
                meta = _exercise(tags[1:], path, number)
                tags = ["solution"]
            if kind not in ("md", "code") or not set(tags) <= {"solution", "hidden"}:
                raise SourceError(f"{path}:{number}: unknown cell header {line!r}")
            cells.append((kind, tags, meta, {lang: [] for lang in LANGUAGES}))
            language = None
        elif not cells:
            if line.strip():
                raise SourceError(f"{path}:{number}: text before the first cell")
        elif line.strip() in ("@en", "@es", "@"):
            language = line.strip()[1:] or None
        else:
            for lang in LANGUAGES if language is None else (language,):
                cells[-1][3][lang].append(line)
    out = []
    checking = None  # the exercise whose check cell comes next
    for kind, tags, meta, text in cells:
        sources = {}
        for lang in LANGUAGES:
            source = "\n".join(text[lang]).strip("\n")
            sources[lang] = _PHRASE.sub(lambda m, k=LANGUAGES.index(lang): m.group(k + 1), source)
        if meta:
            checking = meta["exercise"]
        elif checking and kind == "code" and "hidden" not in tags:
            meta, checking = {"check": checking}, None
        out.append((kind, tags, meta, sources))
    return names, out


def _exercise(words: list[str], path: Path, number: int) -> dict:
    """The grader's metadata of ``%% code solution ID [points=N]``."""
    if not words or "=" in words[0]:
        raise SourceError(f"{path}:{number}: a solution cell needs an exercise id: "
                          "'%% code solution ID [points=N]'")
    meta: dict = {"exercise": words[0]}
    for word in words[1:]:
        key, _, value = word.partition("=")
        try:
            points = float(value)
        except ValueError:
            points = 0
        if key != "points" or not points > 0:
            raise SourceError(f"{path}:{number}: expected points=N (N > 0), got {word!r}")
        meta["points"] = int(points) if points.is_integer() else points
    return meta


def notebook(path: Path, language: str) -> nbformat.NotebookNode:
    """The solution notebook of one language, without outputs."""
    _, cells = parse(path)
    nb = nbformat.v4.new_notebook(metadata={**KERNEL, "backprop_lens": {
        "language": language, "lab": path.stem}})
    for kind, tags, meta, sources in cells:
        metadata = {"tags": tags} if tags else {}
        if meta:
            metadata["backprop_lens"] = meta
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        nb.cells.append(make(sources[language], metadata=metadata))
    return nb


def target(path: Path, language: str) -> Path:
    names, _ = parse(path)
    return HERE / language / f"{names[language]}.ipynb"


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def _metadata(nb: nbformat.NotebookNode) -> list:
    return [nb.metadata.get("backprop_lens")] + [c.metadata.get("backprop_lens")
                                                  for c in nb.cells]


def sources(root: Path = HERE) -> list[Path]:
    return sorted((root / "source").glob("*.lab"))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path in sources():
        for language in LANGUAGES:
            want, out = notebook(path, language), target(path, language)
            have = nbformat.read(out, as_version=4) if out.exists() else None
            if have is not None and _cells(have) == _cells(want):
                if _metadata(have) == _metadata(want):
                    continue
                if not check:  # the grader's metadata only: the outputs stay
                    have.metadata["backprop_lens"] = want.metadata["backprop_lens"]
                    for cell, new in zip(have.cells, want.cells):
                        cell.metadata.pop("backprop_lens", None)
                        cell.metadata.update(new.metadata)
                    nbformat.write(have, out)
                    print(f"wrote {out.relative_to(HERE)} (metadata)")
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
