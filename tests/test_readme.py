"""The README's Python examples run, in order, in one namespace.

Every fenced ```python block of README.md is executed as a user would paste them, one after
the other; a README without any such block is an error (the examples are the user's first
contact with the package, and this test is what keeps them working). Blocks run in a
temporary directory, with a non-interactive matplotlib backend should they plot.
"""
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
OPEN = re.compile(r"^\s*```\s*python\s*$")
CLOSE = re.compile(r"^\s*```\s*$")


def python_blocks(text):
    """[(first line number, code)] of the ```python fences, line numbers 1-based."""
    blocks, current, start = [], None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        if current is None:
            if OPEN.match(line):
                current, start = [], number + 1
        elif CLOSE.match(line):
            blocks.append((start, "\n".join(current) + "\n"))
            current = None
        else:
            current.append(line)
    if current is not None:
        raise AssertionError(f"README.md: the ```python fence opened before line {start} "
                             "is never closed")
    return blocks


def test_parser_finds_blocks_and_lines():
    text = "intro\n```python\na = 1\n```\n```bash\nls\n```\n  ```python\nb = a + 1\n  ```\n"
    assert python_blocks(text) == [(3, "a = 1\n"), (9, "b = a + 1\n")]


def test_readme_examples_run(tmp_path, monkeypatch):
    assert README.is_file(), f"{README} is missing"
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert blocks, "README.md has no ```python block to test"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__readme__"}
    for start, code in blocks:
        # pad with newlines so that tracebacks point at README.md's own line numbers
        exec(compile("\n" * (start - 1) + code, str(README), "exec"), namespace)
