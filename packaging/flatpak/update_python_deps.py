#!/usr/bin/env python3
"""Write the Flatpak modules for the console's Python dependencies.

    python packaging/flatpak/update_python_deps.py

Writes python3-dependencies.json and python3-build-tools.json beside the
manifest (they are generated, not kept in the repository: run this before
flatpak-builder).

flatpak-builder builds without network access, so every dependency from
pyproject.toml (except PySide6, which the PySide base app provides) is listed
here as a wheel with its download address and sha256, for x86_64 and aarch64.
The addresses and hashes come from pip's own resolver (`pip install --dry-run
--report`), for the runtime's Python (see PYTHON_VERSION). Run it again after
changing the dependencies in pyproject.toml or moving to a newer runtime.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUTPUT = HERE / "python3-dependencies.json"
BUILD_TOOLS_OUTPUT = HERE / "python3-build-tools.json"

#: Python of the runtime (org.kde.Platform 6.8 is built on freedesktop 24.08).
PYTHON_VERSION = "3.12"
ARCHES = {
    "x86_64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "aarch64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
}
#: Provided by io.qt.PySide.BaseApp.
PROVIDED = {"pyside6", "pyside6-essentials", "pyside6-addons", "shiboken6"}
#: Needed to build the console's own wheel inside the sandbox, removed afterwards.
BUILD_TOOLS = ["setuptools>=68", "wheel"]


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def requirements() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    keep = []
    for req in project["dependencies"]:
        name = _normal(req.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].split("~")[0].split("!")[0].strip())
        if name not in PROVIDED:
            keep.append(req)
    return keep


def resolve(reqs: list[str], platforms: list[str]) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [
            sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
            "--only-binary=:all:", "--python-version", PYTHON_VERSION,
            "--implementation", "cp", "--target", str(Path(tmp) / "target"),
            "--report", str(report),
        ]
        for platform in platforms:
            cmd += ["--platform", platform]
        subprocess.run(cmd + reqs, check=True)
        data = json.loads(report.read_text("utf-8"))
    found = []
    for item in data["install"]:
        meta = item["metadata"]
        if _normal(meta["name"]) in PROVIDED:
            continue
        info = item["download_info"]
        if not info["url"].startswith("https://"):
            raise SystemExit(
                f"{meta['name']}: the package index gave {info['url']!r}, not an https address "
                "that flatpak-builder can download; run with a package index that serves files "
                "over https (for example `PIP_CONFIG_FILE=/dev/null`, or `--isolated` pip settings)."
            )
        found.append({
            "name": meta["name"],
            "version": meta["version"],
            "url": info["url"],
            "sha256": info["archive_info"]["hashes"]["sha256"],
        })
    return found


def module(name: str, resolved: dict[str, list[dict]]) -> dict:
    sources: dict[str, dict] = {}
    pins: dict[str, str] = {}
    for arch, items in resolved.items():
        for item in items:
            pins[_normal(item["name"])] = f"{item['name']}=={item['version']}"
            source = sources.setdefault(item["url"], {
                "type": "file", "url": item["url"], "sha256": item["sha256"], "only-arches": [],
            })
            source["only-arches"].append(arch)
    for source in sources.values():
        if sorted(source["only-arches"]) == sorted(ARCHES):
            del source["only-arches"]
    return {
        "name": name,
        "buildsystem": "simple",
        "build-commands": [
            "pip3 install --verbose --no-index --find-links=\"file://${PWD}\" "
            "--prefix=${FLATPAK_DEST} --no-build-isolation " + " ".join(sorted(pins.values()))
        ],
        "sources": sorted(sources.values(), key=lambda s: s["url"]),
    }


def main() -> int:
    reqs = requirements()
    deps = module("python3-dependencies", {arch: resolve(reqs, plats) for arch, plats in ARCHES.items()})
    OUTPUT.write_text(json.dumps(deps, indent=2) + "\n", encoding="utf-8")
    tools = module("python3-build-tools", {arch: resolve(BUILD_TOOLS, plats) for arch, plats in ARCHES.items()})
    tools["cleanup"] = ["*"]
    BUILD_TOOLS_OUTPUT.write_text(json.dumps(tools, indent=2) + "\n", encoding="utf-8")
    print(f"{OUTPUT.name}: {len(deps['sources'])} wheels; {BUILD_TOOLS_OUTPUT.name}: {len(tools['sources'])} wheels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
