"""Check the sdist and the wheel that `python -m build` made (used by .ci/run).

    python .ci/check_dist.py DIST_DIR

The sdist must hold what the tests need to run from it unpacked and the licence, and no
generated C file; the wheel the licence in its metadata, no C file and extension modules
without debug information. Prints the sizes; exits non-zero with the reasons otherwise.
"""
import sys
import tarfile
import zipfile
from pathlib import Path

SDIST_NEEDS = [
    "LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "setup.py", "MANIFEST.in",
    "tests/conftest.py", "tests/reference.py", "fastreg/__init__.py",
    "fastreg/_cd_fast.pyx", "fastreg/_cd_passes.h", "fastreg/_cd_problem.pxd",
    "fastreg/_blas.pxd", "docs/guide/details.md",
]


def main(dist):
    problems = []
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        sys.exit(f"expected one sdist and one wheel in {dist}, found {sdists + wheels}")
    sdist, wheel = sdists[0], wheels[0]

    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for need in SDIST_NEEDS:
        if need not in names:
            problems.append(f"sdist: {need} is missing")
    # every test module and every file next to them (data the tests read) is in it
    for path in Path("tests").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and \
                path.as_posix() not in names:
            problems.append(f"sdist: {path.as_posix()} is missing")
    for path in Path("fastreg").glob("*"):
        if path.suffix in (".py", ".pyx", ".pxd", ".h") and path.as_posix() not in names:
            problems.append(f"sdist: {path.as_posix()} is missing")
    problems += [f"sdist: generated {n} included" for n in sorted(names)
                 if n.endswith((".c", ".so"))]

    with zipfile.ZipFile(wheel) as zf:
        infos = zf.infolist()
        wnames = [i.filename for i in infos]
        if not any(n.endswith(".dist-info/licenses/LICENSE") for n in wnames):
            problems.append("wheel: no .dist-info/licenses/LICENSE")
        meta = next(n for n in wnames if n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode()
        if "License-Expression: BSD-3-Clause" not in text:
            problems.append("wheel: METADATA has no License-Expression: BSD-3-Clause")
        problems += [f"wheel: generated {n} included" for n in wnames if n.endswith(".c")]
        sos = [i for i in infos if i.filename.endswith((".so", ".pyd"))]
        if not sos:
            problems.append("wheel: no extension module")
        for info in sos:
            if b".debug_info" in zf.read(info.filename):
                problems.append(f"wheel: {info.filename} has debug information")
        unpacked = sum(i.file_size for i in infos)
        so_size = sum(i.file_size for i in sos)

    print(f"sdist {sdist.name}: {sdist.stat().st_size / 1e6:.2f} MB, {len(names)} files")
    print(f"wheel {wheel.name}: {wheel.stat().st_size / 1e6:.2f} MB, unpacked "
          f"{unpacked / 1e6:.2f} MB ({len(sos)} extension modules: {so_size / 1e6:.2f} MB)")
    if problems:
        sys.exit("\n".join(problems))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
