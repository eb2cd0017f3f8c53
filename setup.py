"""Build the compiled kernels of fastreg.

Only the extension modules, the Cython compiler directives (set once, here) and the
compiler flags live in this file; the package metadata is in pyproject.toml.

Environment switches:
    FASTREG_DEBUG=1    build with bounds checking and wraparound on (for debugging)
    FASTREG_NO_OPENMP=1  build without OpenMP even if the compiler supports it
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

DEBUG = os.environ.get("FASTREG_DEBUG", "0") == "1"

DIRECTIVES = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "nonecheck": False,
    "cdivision": True,
    "cpow": True,
    "embedsignature": True,
}

BASE_FLAGS = ["-O0", "-g"] if DEBUG else ["-O3"]


def _compiler_supports_openmp(compiler):
    """Try to compile and link a tiny OpenMP program with this compiler."""
    if os.environ.get("FASTREG_NO_OPENMP", "0") == "1" or sys.platform == "win32":
        return False
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(tmp, "omp_test.c")
        with open(src, "w") as f:
            f.write("#include <omp.h>\nint main(void){return omp_get_max_threads() < 1;}\n")
        objs = compiler.compile([src], output_dir=tmp, extra_postargs=["-fopenmp"])
        compiler.link_executable(objs, "omp_test", output_dir=tmp,
                                 extra_postargs=["-fopenmp"])
        return True
    except Exception:
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class BuildExt(build_ext):
    """Add -fopenmp when the compiler accepts it; build without it otherwise."""

    def build_extensions(self):
        use_openmp = _compiler_supports_openmp(self.compiler)
        print(f"fastreg: building {'with' if use_openmp else 'without'} OpenMP")
        for ext in self.extensions:
            if use_openmp:
                ext.extra_compile_args.append("-fopenmp")
                ext.extra_link_args.append("-fopenmp")
        super().build_extensions()


# The single-task kernel is split by concern into modules that share inline helpers
# through .pxd files and call each other's cdef functions (listed lowest layer first).
KERNELS = [
    "_cd_abort", "_cd_passes", "_cd_gram", "_cd_gap", "_cd_inner", "_cd_exact", "_cd_solver",
    "_cd_fast", "_cd_multitask",
]


def extension(name):
    return Extension(
        f"fastreg.{name}",
        [f"fastreg/{name}.pyx"],
        depends=["fastreg/_cd_passes.h"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
        extra_compile_args=list(BASE_FLAGS),
    )


setup(
    ext_modules=cythonize(
        [extension(name) for name in KERNELS] +
        # test-only: Python entry points to the _blas.pxd wrappers (tests/test_blas.py)
        [extension("_blas_check")],
        compiler_directives=DIRECTIVES,
    ),
    cmdclass={"build_ext": BuildExt},
)
