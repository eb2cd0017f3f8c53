"""Build the compiled kernels of fastreg.

Only the extension modules, the Cython compiler directives (set once, here) and the
compiler flags live in this file; the package metadata is in pyproject.toml.

The build translates the .pyx files to C (Cython, one process per core) and compiles the
C files (one compiler per core), then prints how long each step took. pip shows this
output only with ``pip install -v``.

Environment switches:
    FASTREG_DEBUG=1    build with bounds checking and wraparound on, -O0 and debug
                       information (for debugging); otherwise -O3 and no debug
                       information (the extension modules are stripped on Linux).
                       Cython retranslates only changed .pyx files: after switching,
                       rebuild with `setup.py build_ext --inplace --force` (or delete
                       fastreg/*.c)
    FASTREG_NO_OPENMP=1  build without OpenMP even if the compiler supports it
    FASTREG_BUILD_JOBS=N  Cython and compiler processes (default: the number of cores)
"""
import os
import shutil
import sys
import tempfile
import time

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

if DEBUG:
    COMPILE_FLAGS, LINK_FLAGS = ["-O0", "-g"], []
elif sys.platform == "win32":
    COMPILE_FLAGS, LINK_FLAGS = ["-O3"], []
else:
    # -g0 overrides the -g of Python's own CFLAGS (debug information was 60 % of the
    # installed size); -s strips the symbol table (GNU ld; macOS's linker has no -s)
    COMPILE_FLAGS = ["-O3", "-g0"]
    LINK_FLAGS = ["-s"] if sys.platform.startswith("linux") else []


def _jobs():
    value = os.environ.get("FASTREG_BUILD_JOBS", "")
    return max(1, int(value)) if value.strip() else (os.cpu_count() or 1)


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
    """Cythonize and compile in parallel; add -fopenmp when the compiler accepts it.

    Cythonizing here, not when setup.py is read, keeps ``python -m build --sdist`` (and
    any command that builds no extension) from translating the kernels, and keeps the
    generated .c files out of the sdist.
    """

    def finalize_options(self):
        super().finalize_options()
        if self.parallel is None:          # `setup.py build_ext -j N` still wins
            self.parallel = _jobs()

    def run(self):
        start = time.perf_counter()
        jobs = _jobs()
        print(f"fastreg: translating {len(self.extensions)} Cython modules to C "
              f"({jobs} process{'es' if jobs > 1 else ''}; unchanged ones are skipped)",
              flush=True)
        translated = cythonize(self.extensions, compiler_directives=DIRECTIVES,
                               nthreads=jobs if jobs > 1 else 0, force=self.force)
        # keep setuptools' Extension objects (finalize_options annotated them): take the
        # C sources only
        sources = {ext.name: ext.sources for ext in translated}
        for ext in self.extensions:
            ext.sources = sources[ext.name]
        self._cython_seconds = time.perf_counter() - start
        super().run()

    def build_extensions(self):
        use_openmp = _compiler_supports_openmp(self.compiler)
        mode = "debug (-O0 -g, bounds checks)" if DEBUG else "release (-O3, no debug info)"
        print(f"fastreg: compiling {len(self.extensions)} extension modules, {mode}, "
              f"{'with' if use_openmp else 'without'} OpenMP, {self.parallel} "
              "at a time", flush=True)
        for ext in self.extensions:
            if use_openmp:
                ext.extra_compile_args.append("-fopenmp")
                ext.extra_link_args.append("-fopenmp")
        start = time.perf_counter()
        super().build_extensions()
        print(f"fastreg: Cython took {getattr(self, '_cython_seconds', 0.0):.0f} s, "
              f"the C compiler {time.perf_counter() - start:.0f} s", flush=True)


# The kernel is split by concern into modules that share inline helpers through .pxd
# files and call each other's cdef functions (listed lowest layer first).
KERNELS = [
    "_cd_abort", "_cd_pool", "_cd_passes", "_cd_gram", "_cd_gap", "_cd_inner", "_cd_exact", "_cd_mt_inner",
    "_cd_solver",
    "_cd_entry",
    "_cd_fast", "_cd_multitask",
]


def extension(name):
    return Extension(
        f"fastreg.{name}",
        [f"fastreg/{name}.pyx"],
        depends=["fastreg/_cd_passes.h", "fastreg/_cd_pool.h"],
        include_dirs=[np.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
        extra_compile_args=list(COMPILE_FLAGS),
        extra_link_args=list(LINK_FLAGS),
    )


setup(
    ext_modules=[extension(name) for name in KERNELS] +
    # Ridge's interruptible Cholesky factorization
    [extension("_cholesky")] +
    # Ridge's SVDs / eigendecompositions without the GIL (interruptible waits)
    [extension("_lapack_nogil")] +
    # test-only: Python entry points to the _blas.pxd wrappers (tests/test_blas.py)
    [extension("_blas_check")],
    cmdclass={"build_ext": BuildExt},
)
