"""Generate the Python stubs (messages, gRPC, and .pyi types) from the .proto files.

The stubs are committed so a clean clone imports without a build step, and
`--check` regenerates into a scratch folder and fails on any difference, so
nobody edits them by hand and nobody forgets to regenerate.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc  # type: ignore[import-untyped]

PROTO_ROOT = Path(__file__).resolve().parent
PACKAGE = "customer360"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi", "__init__.py")


def _proto_files() -> list[Path]:
    return sorted((PROTO_ROOT / PACKAGE).rglob("*.proto"))


def _generate_into(out_dir: Path) -> None:
    include = str(Path(protoc.__file__).resolve().parent / "_proto")
    files = [str(p.relative_to(PROTO_ROOT)) for p in _proto_files()]
    scripts = Path(sys.executable).parent
    args = [
        "protoc",
        f"--plugin=protoc-gen-mypy={scripts / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={scripts / 'protoc-gen-mypy_grpc'}",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        f"--mypy_out={out_dir}",
        f"--mypy_grpc_out={out_dir}",
        *files,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    for package_dir in [out_dir / PACKAGE, *(out_dir / PACKAGE).rglob("*")]:
        if package_dir.is_dir():
            (package_dir / "__init__.py").write_text('"""Generated from proto/; do not edit."""\n')


def _generated_files(root: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(root)): p
        for p in (root / PACKAGE).rglob("*")
        if p.is_file() and p.name.endswith(GENERATED_SUFFIXES)
    }


def _differences(expected_root: Path, actual_root: Path) -> list[str]:
    expected, actual = _generated_files(expected_root), _generated_files(actual_root)
    problems = [f"missing: {name}" for name in sorted(expected.keys() - actual.keys())]
    problems += [f"stale: {name}" for name in sorted(actual.keys() - expected.keys())]
    problems += [
        f"differs: {name}"
        for name in sorted(expected.keys() & actual.keys())
        if not filecmp.cmp(expected[name], actual[name], shallow=False)
    ]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if committed stubs drift")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch_root = Path(scratch)
        _generate_into(scratch_root)
        if options.check:
            problems = _differences(scratch_root, PROTO_ROOT)
            for problem in problems:
                print(f"generated stubs drifted, run `make gen`: {problem}", file=sys.stderr)
            return 1 if problems else 0
        for name, path in _generated_files(PROTO_ROOT).items():
            if name not in _generated_files(scratch_root):
                path.unlink()
        for name, path in _generated_files(scratch_root).items():
            target = PROTO_ROOT / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
