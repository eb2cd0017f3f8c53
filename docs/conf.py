"""Sphinx configuration of fastreg's documentation site.

Build (after ``pip install ".[docs]"``, from the repository's root)::

    sphinx-build -W --keep-going -b html docs docs/_build/html

fastreg is imported as installed (the compiled kernels are needed to run the
gallery), never from the source folder. Generated files (``docs/_build``,
``docs/generated``, ``docs/auto_examples``) are not committed.
"""
import os
from pathlib import Path

import fastreg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

project = "fastreg"
author = "the fastreg developers"
copyright = "the fastreg developers"
release = fastreg.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "examples/README.txt", "**.ipynb_checkpoints"]
templates_path = ["_templates"]

# the API reference: one page per public name (docs/generated/, made at build time)
autosummary_generate = True
autodoc_typehints = "none"           # the types are in the numpydoc Parameters
numpydoc_show_class_members = False  # members are listed by the class template
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# the gallery: docs/examples/*.py run at build time, their figures kept (matplotlib's
# non-interactive backend, as on a machine without a display)
os.environ.setdefault("MPLBACKEND", "Agg")


def _data_dir():
    """The shared data folder the riboflavin example needs, or None (then that
    example is left out of the gallery): found as fastreg finds it, or next to
    this repository."""
    from fastreg.datasets import find_data_dir
    return find_data_dir() or find_data_dir(ROOT.parent / "shared" / "data")


_DATA = _data_dir()
if _DATA is not None:
    os.environ["FASTREG_DATA"] = str(_DATA)     # the examples run in docs/examples/

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py" if _DATA is not None else r"riboflavin",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "show_memory": False,
    "doc_module": ("fastreg",),
    "backreferences_dir": "generated/backreferences",
    "matplotlib_animations": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"fastreg {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"index": [], "changelog": []}
html_static_path = []
html_show_sourcelink = False

CHANGELOG = ROOT / "CHANGELOG.md"


def _changelog(app, docname, source):
    """docs/changelog.md shows the repository's CHANGELOG.md when there is one."""
    if docname == "changelog":
        if CHANGELOG.is_file():
            app.env.note_dependency(str(CHANGELOG))
            source[0] = CHANGELOG.read_text(encoding="utf-8")


def _skip_member(app, what, name, obj, skip, options):
    """On the estimators' pages, the methods fastreg defines (``fit``, ``predict``,
    ``score``, ...), not scikit-learn's generic ones (``get_params``,
    ``set_fit_request``, ...), nor ``path`` (the path function, documented once)."""
    if what == "class":
        func = obj.fget if isinstance(obj, property) else obj
        module = getattr(func, "__module__", None) or ""
        if name == "path" or not module.startswith("fastreg"):
            return True
    return None


def setup(app):
    app.connect("source-read", _changelog)
    app.connect("autodoc-skip-member", _skip_member)
