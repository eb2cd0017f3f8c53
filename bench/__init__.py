"""fastreg's benchmark suite: `python -m bench --quick` (see README.md)."""
