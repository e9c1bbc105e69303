#!/usr/bin/env python3
"""Prints the crashed thread of each test host's .NET crash report (*.crashreport.json) in a folder, a frame a line.

A test host that dies in native code (a fault in libtorch or ONNX Runtime) leaves the test run with nothing
but "Test host process crashed"; the runtime's own crash report (DOTNET_EnableCrashReport, set by
run-tests.sh) holds the stack that says where. Programs the tests start inherit the setting; their reports
are skipped, since a test that starts a program sees it fail (one test makes an app fail at start on purpose).
"""
import json
import pathlib
import sys


def frame_text(frame):
    if frame.get("method_name"):
        return f"{frame['method_name']} ({frame.get('filename', '?')})"
    name = frame.get("unmanaged_name") or frame.get("native_image_offset", "?")
    return f"{name} ({frame.get('native_module') or 'jitted code'})"


def main(folder):
    reports = 0
    for path in sorted(pathlib.Path(folder).glob("*.crashreport.json")):
        payload = json.loads(path.read_text())["payload"]
        process = payload.get("process_name", "")
        if not process.startswith("testhost"):
            continue
        reports += 1
        crashed = [t for t in payload["threads"] if t.get("crashed") == "true"]
        print(f"crash report of {process} ({path.name}), the thread that crashed:")
        for frame in (crashed[0]["stack_frames"] if crashed else [])[:40]:
            print(f"  at {frame_text(frame)}")
    return 0 if reports else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
