"""Runs the official ONNX checker (full check, with shape inference) on each file given."""
import sys

import onnx

failed = 0
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print(f"{path}: ok (onnx {onnx.__version__} checker, full check)")
    except Exception as error:  # the checker raises several types; report every one the same way
        print(f"{path}: {type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        failed += 1
sys.exit(1 if failed or len(sys.argv) < 2 else 0)
