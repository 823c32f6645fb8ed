#!/usr/bin/env python3
"""Runs the builder stage of deploy/Dockerfile without Docker.

CI machines have no Docker engine and no registry to pull the base images,
so the image itself cannot be built there. This script executes the builder
stage's own instructions instead -- WORKDIR, COPY and RUN, read from the
Dockerfile, not restated -- in a scratch directory, with the host's Rust
toolchain standing in for the rust:<version> base image:

  - COPY copies the tracked files (git ls-files) of each source, so build
    output such as target/ is left out as the .dockerignore leaves it out;
  - RUN runs in the stage's WORKDIR with `sh -ec`; the only absolute path
    the stage writes, /out, is redirected into the scratch directory;
  - SCRATCH_TARGET, if set, is linked as the stage's target/ so compiled
    dependencies are reused (CI points it at the main build's target/).

Then it checks what the runtime stage relies on: /out/tifa exists, runs, and
links nothing beyond glibc and libgcc/libstdc++ (what distroless/cc ships).

Usage: python3 .ci/dockerfile-builder.py [deploy/Dockerfile]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

DISTROLESS_CC_LIBS = re.compile(
    r"^(linux-vdso|ld-linux[^ ]*|libc|libm|libdl|librt|libpthread|libgcc_s|libstdc\+\+)\.so"
)


def logical_lines(path):
    """Dockerfile lines with backslash continuations joined, comments dropped."""
    lines, current = [], ""
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not current and line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            current += line
            if current.strip():
                lines.append(current.strip())
            current = ""
    if current.strip():
        lines.append(current.strip())
    return lines


def builder_stage(lines):
    stage, inside = [], False
    for line in lines:
        word = line.split(None, 1)[0].upper()
        if word == "FROM":
            if inside:
                break
            inside = re.search(r"\bAS\s+builder\b", line, re.IGNORECASE) is not None
            continue
        if inside:
            stage.append(line)
    if not stage:
        sys.exit("no `FROM ... AS builder` stage in the Dockerfile")
    return stage


def tracked_files(repo, source):
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", source], cwd=repo, check=True, capture_output=True, text=True
    ).stdout
    return [f for f in out.split("\0") if f]


def copy(repo, root, workdir, args):
    """COPY as Docker does it: a directory's contents go into the destination,
    files into it when it ends with / (or several sources are given)."""
    *sources, dest = args
    dest_dir = os.path.join(root, (dest if dest.startswith("/") else os.path.join(workdir, dest)).lstrip("/"))
    for source in sources:
        files = tracked_files(repo, source)
        if not files:
            sys.exit(f"COPY {source}: no such tracked file or directory")
        is_dir = os.path.isdir(os.path.join(repo, source))
        for f in files:
            if is_dir:
                target = os.path.join(dest_dir, os.path.relpath(f, source.rstrip("/")))
            elif dest.endswith("/") or len(sources) > 1:
                target = os.path.join(dest_dir, os.path.basename(f))
            else:
                target = dest_dir
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(os.path.join(repo, f), target)


def main():
    repo = subprocess.run(["git", "rev-parse", "--show-toplevel"], check=True, capture_output=True, text=True).stdout.strip()
    dockerfile = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, "deploy/Dockerfile")
    stage = builder_stage(logical_lines(dockerfile))
    root = tempfile.mkdtemp(prefix="tifa-docker-builder-")
    workdir = "/"
    for line in stage:
        word, _, rest = line.partition(" ")
        word = word.upper()
        if word == "WORKDIR":
            workdir = rest.strip()
            os.makedirs(os.path.join(root, workdir.lstrip("/")), exist_ok=True)
            cache = os.environ.get("SCRATCH_TARGET")
            if cache:
                os.makedirs(cache, exist_ok=True)
                os.symlink(os.path.abspath(cache), os.path.join(root, workdir.lstrip("/"), "target"))
        elif word == "COPY":
            copy(repo, root, workdir, rest.split())
        elif word == "RUN":
            command = rest.replace("/out/", os.path.join(root, "out") + "/")
            print(f"RUN {rest}", flush=True)
            subprocess.run(["sh", "-ec", command], cwd=os.path.join(root, workdir.lstrip("/")), check=True)
        elif word in ("ENV", "ARG", "LABEL"):
            sys.exit(f"{word} in the builder stage: teach this script about it")
    binary = os.path.join(root, "out", "tifa")
    if not os.access(binary, os.X_OK):
        sys.exit("the builder stage did not produce /out/tifa")
    subprocess.run([binary, "--help"], check=True, capture_output=True)
    linked = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout.split("\n")
    names = [os.path.basename(line.strip().split()[0]) for line in linked if line.strip()]
    foreign = [n for n in names if not DISTROLESS_CC_LIBS.match(n)]
    if foreign:
        sys.exit(f"/out/tifa links libraries distroless/cc does not ship: {foreign}")
    print(f"builder stage OK: {binary} runs and links only {', '.join(sorted(set(names)))}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
