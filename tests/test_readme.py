"""The README as a user meets it: its examples run, its commands exist, it renders.

* Every fenced ``python`` block runs **on its own**, in a fresh Python process started in
  an empty temporary directory (non-interactive matplotlib backend): a user may paste any
  one of them, so none may rely on a name defined by an earlier block. Tracebacks point
  at README.md's own line numbers.
* Every command of a ``bash`` block exists: the program is on PATH or next to this
  Python, ``python path.py`` and ``python -m module`` name a file of the repository or an
  importable module, and ``pip install ".[extra]"`` names extras that pyproject.toml
  defines.
* The README, rendered with markdown-it-py (CommonMark with GitHub's tables), has no
  table row that renders as text (say, rows cut off from their table by a paragraph) and
  no row with more or fewer cells than its header; its local links and #anchors lead
  somewhere.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (the test extra)")

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"


def parse(text):
    return markdown_it.MarkdownIt("commonmark").enable("table").parse(text)


def fences(text, language):
    """[(first code line, 1-based, code)] of the fenced blocks of one language."""
    return [(tok.map[0] + 2, tok.content) for tok in parse(text)
            if tok.type == "fence" and tok.info.strip().split(" ")[0] == language]


def table_problems(text):
    """Lines that look like table rows but render as text, and rows whose cell count
    differs from their header's, as a list of messages with README line numbers."""
    tokens = parse(text)
    problems, in_table = [], set()
    for i, tok in enumerate(tokens):
        if tok.type == "table_open":
            in_table.update(range(tok.map[0], tok.map[1]))
            header, row, section = None, None, None
            for t in tokens[i + 1:]:
                if t.type == "table_close":
                    break
                if t.type in ("thead_open", "tbody_open"):
                    section = t.type
                elif t.type == "tr_open":
                    row, line = 0, t.map[0] + 1
                elif t.type in ("th_open", "td_open"):
                    row += 1
                elif t.type == "tr_close":
                    if section == "thead_open":
                        header = row
                    elif row != header:
                        problems.append(f"line {line}: {row} cells, header has {header}")
    code = set()
    for tok in tokens:
        if tok.type in ("fence", "code_block"):
            code.update(range(tok.map[0], tok.map[1]))
    for number, line in enumerate(text.splitlines()):
        if line.lstrip().startswith("|") and number not in in_table | code:
            problems.append(f"line {number + 1} looks like a table row but is not in a "
                            f"table: {line[:60]!r}")
    # markdown-it fills missing cells and drops extra ones: count them in the source
    for tok in tokens:
        if tok.type == "table_open":
            lines = text.splitlines()[tok.map[0]:tok.map[1]]
            cells = [len(split_row(li)) for li in lines]
            for offset, n in enumerate(cells):
                if n != cells[0]:
                    problems.append(f"line {tok.map[0] + offset + 1}: {n} cells in the "
                                    f"source, header has {cells[0]}")
    return problems


def split_row(line):
    """The cells of a pipe-table source line (escaped pipes and code spans kept)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells, current, in_code = [], "", False
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            current += body[i:i + 2]
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append(current)
            current = ""
        else:
            current += ch
        i += 1
    cells.append(current)
    return cells


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def readme_text():
    assert README.is_file(), f"{README} is missing"
    return README.read_text(encoding="utf-8")


# --- the checkers can fail ---------------------------------------------------------------

def test_fences_finds_blocks_and_lines():
    text = "intro\n```python\na = 1\n```\n```bash\nls\n```\n\n```python\nb = 2\n```\n"
    assert fences(text, "python") == [(3, "a = 1\n"), (10, "b = 2\n")]
    assert fences(text, "bash") == [(6, "ls\n")]


def test_table_checker_finds_a_table_broken_by_a_paragraph():
    good = "| a | b |\n| --- | --- |\n| 1 | 2 |\n| `x \\| y` | 3 |\n"
    assert table_problems(good) == []
    broken = ("| a | b |\n| --- | --- |\n| 1 | 2 |\nA paragraph between the rows.\n\n"
              "| 3 | 4 |\n")
    assert any("line 6" in p for p in table_problems(broken))
    short = "| a | b |\n| --- | --- |\n| 1 |\n| 1 | 2 | 3 |\n"
    problems = table_problems(short)
    assert any("line 3" in p for p in problems) and any("line 4" in p for p in problems)


def test_slug_matches_githubs_anchors():
    assert slug("How it is fast") == "how-it-is-fast"
    assert slug("L1, L2 or elastic net: which one?") == "l1-l2-or-elastic-net-which-one"
    assert slug("Objective and tolerance: the same as scikit-learn") == \
        "objective-and-tolerance-the-same-as-scikit-learn"


# --- the README ---------------------------------------------------------------------------

def test_readme_renders_every_table_row_as_a_row():
    problems = table_problems(readme_text())
    assert not problems, "README.md tables:\n" + "\n".join(problems)


def test_readme_links_lead_somewhere():
    text = readme_text()
    tokens = parse(text)
    anchors = {slug(tokens[i + 1].content) for i, tok in enumerate(tokens)
               if tok.type == "heading_open"}
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    for link in links:
        if re.match(r"^[a-z]+://", link):
            continue
        path, _, anchor = link.partition("#")
        if path:
            assert (REPO / path).exists(), f"README.md links to a missing file: {link}"
        elif anchor:
            assert anchor in anchors, f"README.md links to a missing heading: #{anchor}"


PYTHON_BLOCKS = fences(README.read_text(encoding="utf-8"), "python") if README.is_file() \
    else []


def test_readme_has_python_blocks():
    assert PYTHON_BLOCKS, "README.md has no ```python block to test"


@pytest.mark.parametrize(("start", "code"), PYTHON_BLOCKS,
                         ids=[f"line{start}" for start, _ in PYTHON_BLOCKS])
def test_readme_python_block_runs_on_its_own(start, code, tmp_path):
    # pad with newlines so that tracebacks point at README.md's own line numbers
    script = tmp_path / f"README.md-line{start}.py"
    script.write_text("\n" * (start - 1) + code, encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (f"README.md's python block at line {start} fails on its "
                                  f"own:\n{proc.stderr[-3000:]}")


def commands(code):
    """The commands of a bash block: one per line, comments and continuations handled,
    `a && b` split."""
    joined = re.sub(r"\\\n", " ", code)
    out = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            if "&&" in words:
                k = words.index("&&")
                out.append(words[:k])
                words = words[k + 1:]
            else:
                out.append(words)
                words = []
    return [c for c in out if c]


def test_commands_splits_lines():
    code = "pip install \".[test]\"   # comment\nA=1 pytest -m \"\"\ncd x && \\\n  ls -l\n"
    assert commands(code) == [["pip", "install", ".[test]"], ["A=1", "pytest", "-m", ""],
                              ["cd", "x"], ["ls", "-l"]]


def extras_defined():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return set(project.get("optional-dependencies", {}))


def program_exists(name):
    here = Path(sys.executable).parent
    return shutil.which(name) is not None or (here / name).exists()


def check_command(words):
    """None when the command can run here, else why not."""
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        words = words[1:]                                  # VAR=value prefixes
    if not words:
        return None
    program, args = words[0], words[1:]
    if program == "cd":
        return None
    if program in ("python", "python3"):
        if args[:1] == ["-m"]:
            import importlib.util
            module = args[1]
            if importlib.util.find_spec(module) is None:
                return f"no module {module}"
            return None
        script = next((a for a in args if not a.startswith("-")), None)
        if script and not (REPO / script).is_file():
            return f"no file {script} in the repository"
        return None
    if program == "pip" and args[:1] == ["install"]:
        for arg in args[1:]:
            m = re.match(r"^\.\[([\w,-]+)\]$", arg)
            if m:
                missing = set(m.group(1).split(",")) - extras_defined()
                if missing:
                    return f"pyproject.toml defines no extra {sorted(missing)}"
    if program == "pytest" and "-m" in args:
        expr = args[args.index("-m") + 1]
        text = (REPO / "pyproject.toml").read_text()
        for mark in re.findall(r"[A-Za-z_]\w*", expr):
            if mark not in ("not", "and", "or") and f'"{mark}:' not in text:
                return f"pytest marker {mark!r} is not registered in pyproject.toml"
    if not program_exists(program):
        return f"{program} is not installed"
    return None


def test_check_command_can_fail():
    assert check_command(["python", "no/such/file.py"]) is not None
    assert check_command(["python", "-m", "no_such_module_here"]) is not None
    assert check_command(["pip", "install", ".[no-such-extra]"]) is not None
    assert check_command(["pytest", "-m", "nosuchmarker"]) is not None
    assert check_command(["no-such-program-here"]) is not None
    assert check_command(["FASTREG_DATA=/x", "python", "-m", "fastreg.demo"]) is None


BASH_BLOCKS = fences(README.read_text(encoding="utf-8"), "bash") if README.is_file() \
    else []


@pytest.mark.parametrize(("start", "code"), BASH_BLOCKS,
                         ids=[f"line{start}" for start, _ in BASH_BLOCKS])
def test_readme_bash_block_commands_exist(start, code):
    problems = [f"{' '.join(c)}: {why}" for c in commands(code)
                if (why := check_command(c)) is not None]
    assert not problems, f"README.md's bash block at line {start}:\n" + "\n".join(problems)


def test_reliability_section_names_tests_that_exist():
    """Every test the README's reliability section names (``file.py::test_name``, or
    ``::test_name`` after a file named before it) is a test function of that file."""
    section = readme_text().split("## Reliability", 1)[1].split("\n## ", 1)[0]
    section = " ".join(section.split())          # (names wrapped across lines)
    named, current = [], None
    for file, name in re.findall(r"`(test_\w+\.py)?(?:::(test_\w+))?`", section):
        if file:
            current = file
        if name:
            assert current is not None, name
            named.append((current, name))
    assert len(named) >= 15, named
    for file, name in named:
        source = (REPO / "tests" / file).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.M), f"{file}::{name} is not a test"
