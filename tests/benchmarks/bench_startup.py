"""Time from process start to the first painted main window, through the real entry point.

Runs `smsconsole` (app.cli.main) in a child process on a fresh store, notes
the first paint of the main window (its frame: menus, toolbar, tabs), the
moment its contents are in (engine and store opened, tabs filled) and the
first paint after that, then closes the window. Uses Xvfb when it
is installed (a real X11 window), else Qt's offscreen platform.

    python tests/benchmarks/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import os, sys, time, json
def process_start():
    # Seconds since boot at process start (clock ticks) against /proc/uptime now; btime in
    # /proc/stat is whole seconds only, so it is not used.
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return time.time() - (uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
t0 = process_start()
import app.ui.application as application
from PySide6.QtCore import QEvent, QObject, QTimer
painted = {}

class FirstPaint(QObject):
    # The first paint of any widget of the main window (tabs, tables, toolbar...), and the
    # first one once its contents are in.
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and obj.isWidgetType() and "filled" not in painted:
            top = obj.window()
            if type(top).__name__ == "MainWindow" and top.isVisible():
                if "t" not in painted:
                    painted["t"] = time.time()
                if top.attached and "attached" in painted:
                    painted["filled"] = time.time()
                    QTimer.singleShot(1000, top.close)  # let the start-up finish, then close
        return False

import app.ui.main_window as main_window
attach = main_window.MainWindow.attach
def timed_attach(self, bridge):
    attach(self, bridge)
    painted["attached"] = time.time()
main_window.MainWindow.attach = timed_attach

make = application.make_qapplication
watcher = FirstPaint()
def make_qapplication(*a, **k):
    app = make(*a, **k)
    app.installEventFilter(watcher)
    return app
application.make_qapplication = make_qapplication
from app.cli import main
rc = main(["--db", sys.argv[1]])
print(json.dumps({"paint_s": painted["t"] - t0, "attached_s": painted["attached"] - t0,
                  "filled_s": painted["filled"] - t0, "rc": rc}))
"""


def run_once(platform: str, display_env: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, **display_env, "HOME": tmp, "XDG_DATA_HOME": tmp, "XDG_STATE_HOME": tmp,
               "XDG_CONFIG_HOME": tmp, "QT_QPA_PLATFORM": platform}
        out = subprocess.run([sys.executable, "-c", CHILD, f"sqlite:///{tmp}/console.db"], env=env,
                             capture_output=True, text=True, timeout=120,
                             cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        if out.returncode != 0:
            raise SystemExit(out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    xvfb = None
    platform, display_env = "offscreen", {}
    if shutil.which("Xvfb"):
        xvfb = subprocess.Popen(["Xvfb", ":97", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        platform, display_env = "xcb", {"DISPLAY": ":97"}
    try:
        run_once(platform, display_env)  # warm the file cache once
        runs = [run_once(platform, display_env) for _ in range(args.runs)]
    finally:
        if xvfb:
            xvfb.terminate()
    print(f"platform: {platform}; runs: {args.runs}")
    for key, what in (("paint_s", "first painted main window (target < 1.0 s)"),
                      ("attached_s", "engine and store opened, tabs filled"),
                      ("filled_s", "first paint with the contents")):
        times = [r[key] for r in runs]
        print(f"process start -> {what}: median {statistics.median(times):.3f} s, "
              f"min {min(times):.3f} s, max {max(times):.3f} s")


if __name__ == "__main__":
    main()
