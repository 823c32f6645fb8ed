#!/usr/bin/env python3
"""Runs the release binary the way each rendered deploy/k8s workload runs it,
short of a container runtime (none on CI machines):

  - its tifa.toml from the ConfigMap mounted at TIFA_CONFIG, and the
    container's TIFA_* environment, exactly as rendered by kustomize;
  - as the container's runAsUser/runAsGroup (65532), with no capabilities and
    no_new_privs (allowPrivilegeEscalation: false, drop ALL);
  - with every mount but /proc, /sys and /dev remounted read-only in a private
    mount namespace (readOnlyRootFilesystem: true).

Then checks what the probes and users rely on: the server logs that it is
serving within 1 s, a short load through the gRPC port gets no errors,
/metrics answers on the metrics port, and SIGTERM ends it with status 0.

Usage (as root, from the repository root): python3 .ci/run-as-pod.py target/release/tifa
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

WORKLOADS = ["deploy/k8s/base", "deploy/k8s/overlays/production", "deploy/k8s/sidecar"]
MOUNT_AS_POD = r"""
mount --make-rprivate /
awk '{print $2}' /proc/self/mounts | grep -vE '^/(proc|sys|dev)(/|$)' | sort -u |
  while read -r m; do mount -o remount,bind,ro "$m" 2>/dev/null || true; done
if touch /.tifa-write-probe 2>/dev/null; then echo "root is still writable" >&2; exit 70; fi
exec setpriv --reuid "$POD_UID" --regid "$POD_GID" --clear-groups --no-new-privs \
  --inh-caps=-all --bounding-set=-all "$@"
"""


def fail(message):
    sys.exit(f"run-as-pod FAILED: {message}")


def tifa_containers(kustomization):
    rendered = subprocess.run(["kubectl", "kustomize", kustomization], check=True, capture_output=True, text=True).stdout
    docs = [d for d in yaml.safe_load_all(rendered) if d]
    configmaps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    for d in docs:
        if d["kind"] != "Deployment":
            continue
        pod = d["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        for c in pod.get("initContainers", []) + pod.get("containers", []):
            if c["name"] != "tifa":
                continue
            env = {e["name"]: e["value"] for e in c.get("env", []) if "value" in e}
            context = {**pod.get("securityContext", {}), **c.get("securityContext", {})}
            config = None
            for mount in c.get("volumeMounts", []):
                cm = (volumes[mount["name"]].get("configMap") or {}).get("name")
                if cm and env.get("TIFA_CONFIG", "").startswith(mount["mountPath"]):
                    key = os.path.relpath(env["TIFA_CONFIG"], mount["mountPath"])
                    config = configmaps[cm]["data"][key]
            yield f"{kustomization} {d['metadata']['name']}", env, context, config


def port_of(address):
    return int(address.rsplit(":", 1)[1])


def run_workload(binary, name, env, context, config):
    if not context.get("readOnlyRootFilesystem") or context.get("allowPrivilegeEscalation", True):
        fail(f"{name}: expected readOnlyRootFilesystem and no privilege escalation")
    work = tempfile.mkdtemp(prefix="tifa-pod-")
    os.chmod(work, 0o755)
    shutil.copy2(binary, os.path.join(work, "tifa"))
    env = dict(env)
    if config is not None:
        with open(os.path.join(work, "tifa.toml"), "w", encoding="utf-8") as f:
            f.write(config)
        env["TIFA_CONFIG"] = os.path.join(work, "tifa.toml")
    grpc_port, metrics_port = port_of(env["TIFA_SERVER__LISTEN"]), port_of(env["TIFA_METRICS__LISTEN"])
    log_path = os.path.join(work, "server.log")
    command = ["unshare", "--mount", "sh", "-ec", MOUNT_AS_POD, "pod", "env", "-i", "PATH=/usr/bin:/bin"]
    command += [f"{k}={v}" for k, v in env.items()] + [os.path.join(work, "tifa")]
    pod_env = {**os.environ, "POD_UID": str(context["runAsUser"]), "POD_GID": str(context["runAsGroup"])}
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=pod_env)
    try:
        started = time.monotonic()
        while "serving" not in open(log_path).read():
            if server.poll() is not None or time.monotonic() - started > 1.0:
                fail(f"{name}: not serving within 1 s (exit {server.poll()}):\n{open(log_path).read()[-2000:]}")
            time.sleep(0.02)
        # unshare, sh, setpriv and env each exec the next: the server is this pid.
        status_lines = dict(l.split(":", 1) for l in open(f"/proc/{server.pid}/status").read().splitlines())
        uid, cap_eff = status_lines["Uid"].split()[1], status_lines["CapEff"].strip()
        if uid != str(context["runAsUser"]) or int(cap_eff, 16) != 0:
            fail(f"{name}: server runs as uid {uid} with capabilities {cap_eff}")
        report = subprocess.run(
            [binary, "bench", "--addr", f"http://127.0.0.1:{grpc_port}", "--mode", "annotate",
             "--concurrency", "2", "--duration", "2", "--doc-chars", "5000"],
            check=True, capture_output=True, text=True,
        ).stdout
        if not re.search(r"^errors none", report, re.MULTILINE) or not re.search(r"calls [1-9]", report):
            fail(f"{name}: load through the gRPC port failed:\n{report}")
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).read().decode()
        if "tifa_documents_annotated_total" not in metrics:
            fail(f"{name}: /metrics on port {metrics_port} lacks tifa_documents_annotated_total")
        server.terminate()
        status = server.wait(timeout=30)
        if status != 0:
            fail(f"{name}: exit status {status} after SIGTERM")
    finally:
        if server.poll() is None:
            server.kill()
    print(f"{name}: serving as uid {context['runAsUser']} on a read-only root, load OK, /metrics OK, clean exit")
    shutil.rmtree(work, ignore_errors=True)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/tifa")
    if os.geteuid() != 0 or subprocess.run(["unshare", "--mount", "true"]).returncode != 0:
        fail("needs root and mount namespaces (unshare --mount) to imitate the pod")
    for kustomization in WORKLOADS:
        for name, env, context, config in tifa_containers(kustomization):
            run_workload(binary, name, env, context, config)


if __name__ == "__main__":
    main()
