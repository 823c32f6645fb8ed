#!/usr/bin/env bash
# Validate the Kubernetes manifests under deploy/k8s.
#
# For every kustomization (base, overlays/*, sidecar, ...):
#   1. render it with `kubectl kustomize DIR`;
#   2. validate every object against the bundled, *strict* Kubernetes JSON
#      schemas with kubernetes-validate (offline), for the oldest Kubernetes
#      version we support (1.30: native sidecars and preStop `sleep` are on by
#      default there) and for the newest version the tool bundles; unknown
#      fields, unknown kinds and schema warnings all fail;
#   3. check tifa-specific invariants on the rendered YAML: gRPC port 50051,
#      metrics port 9464, gRPC probes on 50051 (readiness on
#      tifa.v1.AnnotationService), listen addresses in env and tifa.toml agree,
#      drain timeout fits the grace period, hardened securityContext, native
#      sidecar restartPolicy, Service/HPA/PDB wiring.
#
# Usage: .ci/validate-manifests.sh            (from anywhere in the repo)
# Env:   KUBE_VERSIONS="1.30.0 1.33.0"        override the versions checked
#
# Needs: kubectl (for `kubectl kustomize`), python3 >= 3.11 (tomllib).
# Installs kubernetes-validate with pip if it is missing.
set -euo pipefail

KUBERNETES_VALIDATE_VERSION="1.37.0"
MIN_KUBE_VERSION="1.30.0"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
k8s_dir="${repo_root}/deploy/k8s"
cd "${repo_root}"

die() { echo "validate-manifests: $*" >&2; exit 1; }

command -v kubectl >/dev/null 2>&1 \
  || die "kubectl not found (needed for 'kubectl kustomize'); install kubectl >= 1.27"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "python3 >= 3.11 is required (tomllib)"

if ! python3 -c 'import kubernetes_validate, yaml' >/dev/null 2>&1; then
  echo "validate-manifests: installing kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}"
  python3 -m pip install --quiet --disable-pip-version-check \
    "kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}" \
    || die "pip install kubernetes-validate failed"
fi

latest_bundled="$(python3 -c 'import kubernetes_validate.utils as u; print(u.latest_version())')"
read -r -a kube_versions <<<"${KUBE_VERSIONS:-${MIN_KUBE_VERSION} ${latest_bundled}}"

# Every directory holding a kustomization file, except kustomize Components
# (they only render as part of another kustomization).
mapfile -t kdirs < <(
  find "${k8s_dir}" -type f \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) \
    -exec grep -L '^kind: *Component' {} + | xargs -r -n1 dirname | sort -u
)
[[ ${#kdirs[@]} -gt 0 ]] || die "no kustomization found under ${k8s_dir}"

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

# Semantic checks on one rendered multi-document YAML file.
cat >"${tmp}/check.py" <<'PY'
import sys, tomllib, yaml

GRPC_PORT, METRICS_PORT = 50051, 9464
READY_SERVICE = "tifa.v1.AnnotationService"
path, label = sys.argv[1], sys.argv[2]
# The binary's embedded defaults (src/settings/default.toml): every key a
# manifest sets must exist there with the same type, since tifa rejects
# unknown keys at start-up (serde deny_unknown_fields).
defaults = None
if len(sys.argv) > 3 and sys.argv[3]:
    with open(sys.argv[3], "rb") as f:
        defaults = tomllib.load(f)
docs = [d for d in yaml.safe_load_all(open(path)) if d]
errors = []

def err(where, msg):
    errors.append(f"{where}: {msg}")

def port_of(addr):
    try:
        return int(str(addr).rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None

def is_loopback(addr):
    host = str(addr).rsplit(":", 1)[0]
    return host.startswith("127.") or host in ("localhost", "[::1]")

configmaps = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"}
workloads = [d for d in docs if d.get("kind") in ("Deployment", "StatefulSet", "DaemonSet")]
if not docs:
    err(label, "rendered no objects")

tifa_pod_labels = []
tifa_found = 0
for w in workloads:
    wname = f"{w['kind']}/{w['metadata']['name']}"
    pod = w["spec"]["template"]
    spec = pod["spec"]
    annotations = pod.get("metadata", {}).get("annotations", {}) or {}
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    grace = spec.get("terminationGracePeriodSeconds", 30)
    candidates = [(c, False) for c in spec.get("containers", [])] + \
                 [(c, True) for c in spec.get("initContainers", [])]
    for c, is_init in candidates:
        image = c.get("image", "")
        if c["name"] != "tifa" and not image.split("/")[-1].startswith("tifa"):
            continue
        tifa_found += 1
        where = f"{label} {wname} container {c['name']}"
        if is_init and c.get("restartPolicy") != "Always":
            err(where, "tifa in initContainers must be a native sidecar (restartPolicy: Always)")
        # ports
        ports = {p.get("name"): p for p in c.get("ports", [])}
        if ports.get("grpc", {}).get("containerPort") != GRPC_PORT:
            err(where, f"containerPort named 'grpc' must be {GRPC_PORT}, got {ports.get('grpc')}")
        if "metrics" in ports and ports["metrics"].get("containerPort") != METRICS_PORT:
            err(where, f"containerPort named 'metrics' must be {METRICS_PORT}")
        for name, p in ports.items():
            if name not in ("grpc", "metrics"):
                err(where, f"unexpected container port {name}={p.get('containerPort')}")
        # probes
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            probe = c.get(kind)
            if not probe:
                err(where, f"missing {kind}")
                continue
            g = probe.get("grpc")
            if not g:
                err(where, f"{kind} must be a native gRPC probe")
                continue
            if g.get("port") != GRPC_PORT:
                err(where, f"{kind}.grpc.port must be {GRPC_PORT}, got {g.get('port')}")
        rp = (c.get("readinessProbe") or {}).get("grpc") or {}
        if rp and rp.get("service") != READY_SERVICE:
            err(where, f"readinessProbe.grpc.service must be {READY_SERVICE}")
        # env vs config file
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        if defaults is not None:
            for name in env:
                if not name.startswith("TIFA_") or name == "TIFA_CONFIG":
                    continue
                sec, _, key = name[len("TIFA_"):].lower().partition("__")
                if key not in defaults.get(sec, {}):
                    err(where, f"env {name} names no setting ({sec}.{key})")
        listen, mlisten = env.get("TIFA_SERVER__LISTEN"), env.get("TIFA_METRICS__LISTEN")
        if port_of(listen) != GRPC_PORT:
            err(where, f"TIFA_SERVER__LISTEN must end in :{GRPC_PORT}, got {listen}")
        if port_of(mlisten) != METRICS_PORT:
            err(where, f"TIFA_METRICS__LISTEN must end in :{METRICS_PORT}, got {mlisten}")
        if listen and is_loopback(listen):
            err(where, "gRPC listener on loopback: kubelet gRPC probes connect to the pod IP and would fail")
        if "metrics" in ports and mlisten and is_loopback(mlisten):
            err(where, "metrics containerPort declared but metrics listen on loopback")
        if annotations.get("prometheus.io/scrape") == "true":
            if annotations.get("prometheus.io/port") != str(METRICS_PORT):
                err(where, f"prometheus.io/port annotation must be \"{METRICS_PORT}\"")
            if "metrics" not in ports or (mlisten and is_loopback(mlisten)):
                err(where, "scrape annotation set but metrics not reachable on the pod IP")
        cfg_path = env.get("TIFA_CONFIG")
        if cfg_path != "/etc/tifa/tifa.toml":
            err(where, f"TIFA_CONFIG must be /etc/tifa/tifa.toml, got {cfg_path}")
        mount = next((m for m in c.get("volumeMounts", []) if m.get("mountPath") == "/etc/tifa"), None)
        cm = None
        if not mount:
            err(where, "no volume mounted at /etc/tifa")
        else:
            vol = volumes.get(mount["name"], {})
            cm_name = (vol.get("configMap") or {}).get("name")
            cm = configmaps.get(cm_name)
            if cm is None:
                err(where, f"/etc/tifa volume must be a ConfigMap rendered here, got {cm_name}")
        if cm is not None:
            text = (cm.get("data") or {}).get("tifa.toml")
            if text is None:
                err(where, f"ConfigMap {cm['metadata']['name']} has no tifa.toml key")
            else:
                try:
                    cfg = tomllib.loads(text)
                except tomllib.TOMLDecodeError as e:
                    err(where, f"tifa.toml does not parse: {e}")
                    cfg = {}
                known = {"server", "limits", "concurrency", "log", "resources", "metrics"}
                for section, table in cfg.items():
                    if section not in known or not isinstance(table, dict):
                        err(where, f"tifa.toml: unknown section [{section}]")
                    elif defaults is not None:
                        for key, value in table.items():
                            ref = defaults.get(section, {})
                            if key not in ref:
                                err(where, f"tifa.toml: unknown key {section}.{key}")
                            elif type(value) is not type(ref[key]):
                                err(where, f"tifa.toml: {section}.{key} should be a {type(ref[key]).__name__}")
                s, m = cfg.get("server", {}), cfg.get("metrics", {})
                if "listen" in s and s["listen"] != listen:
                    err(where, f"tifa.toml server.listen {s['listen']} != TIFA_SERVER__LISTEN {listen}")
                if "listen" in m and m["listen"] != mlisten:
                    err(where, f"tifa.toml metrics.listen {m['listen']} != TIFA_METRICS__LISTEN {mlisten}")
                drain = s.get("drain_timeout_secs", 20)
                pre = ((c.get("lifecycle") or {}).get("preStop") or {}).get("sleep", {}).get("seconds", 0)
                if not (pre + drain < grace):
                    err(where, f"preStop sleep {pre}s + drain_timeout_secs {drain}s must be < terminationGracePeriodSeconds {grace}s")
                if cfg.get("log", {}).get("format", "text") not in ("text", "json"):
                    err(where, "log.format must be text or json")
        # security context (container level)
        sc = c.get("securityContext") or {}
        want = {"runAsNonRoot": True, "runAsUser": 65532, "readOnlyRootFilesystem": True,
                "allowPrivilegeEscalation": False}
        for k, v in want.items():
            if sc.get(k) != v:
                err(where, f"securityContext.{k} must be {v}")
        if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
            err(where, "securityContext.capabilities.drop must include ALL")
        seccomp = (sc.get("seccompProfile") or (spec.get("securityContext") or {}).get("seccompProfile") or {})
        if seccomp.get("type") != "RuntimeDefault":
            err(where, "seccompProfile must be RuntimeDefault")
        if "memory" not in ((c.get("resources") or {}).get("limits") or {}):
            err(where, "memory limit missing")
        if "cpu" not in ((c.get("resources") or {}).get("requests") or {}):
            err(where, "cpu request missing (the HPA needs it)")
        if not is_init:
            tifa_pod_labels.append((w, pod["metadata"].get("labels", {})))

if workloads and tifa_found == 0:
    err(label, "no tifa container found in any workload")

def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())

for d in docs:
    kind, name = d.get("kind"), d["metadata"]["name"]
    where = f"{label} {kind}/{name}"
    if kind == "Service":
        sel = d["spec"].get("selector") or {}
        if not any(selects(sel, lbl) for _, lbl in tifa_pod_labels):
            err(where, "selector matches no tifa pod template")
        for p in d["spec"].get("ports", []):
            want = {"grpc": GRPC_PORT, "metrics": METRICS_PORT}.get(p.get("name"))
            if want is None:
                err(where, f"unexpected port {p.get('name')}")
                continue
            if p.get("port") != want or p.get("targetPort") not in (p["name"], want):
                err(where, f"port {p['name']} must be {want} -> targetPort {p['name']}")
            if p["name"] == "grpc" and p.get("appProtocol") != "kubernetes.io/h2c":
                err(where, "grpc port must set appProtocol: kubernetes.io/h2c")
    elif kind == "HorizontalPodAutoscaler":
        ref = d["spec"]["scaleTargetRef"]
        if not any(w["kind"] == ref["kind"] and w["metadata"]["name"] == ref["name"] for w in workloads):
            err(where, f"scaleTargetRef {ref['kind']}/{ref['name']} is not rendered here")
    elif kind == "PodDisruptionBudget":
        sel = (d["spec"].get("selector") or {}).get("matchLabels") or {}
        if not any(selects(sel, lbl) for _, lbl in tifa_pod_labels):
            err(where, "selector matches no tifa pod template")

for e in errors:
    print(f"FAIL {e}")
if errors:
    sys.exit(1)
print(f"OK   {label}: {len(docs)} objects, {tifa_found} tifa container(s); ports/probes/config checks passed")
PY

# Embedded settings defaults, used to reject unknown keys in the ConfigMaps.
defaults_toml="${repo_root}/src/settings/default.toml"
if [[ ! -f "${defaults_toml}" ]]; then
  echo "validate-manifests: ${defaults_toml#"${repo_root}/"} not found; skipping the settings-key check"
  defaults_toml=""
fi

passed=0
failed=0
for dir in "${kdirs[@]}"; do
  rel="${dir#"${repo_root}/"}"
  echo "==> ${rel}"
  out="${tmp}/rendered.yaml"
  if ! kubectl kustomize "${dir}" >"${out}"; then
    echo "FAIL ${rel}: kubectl kustomize failed"
    failed=$((failed + 1))
    continue
  fi
  ok=1
  for v in "${kube_versions[@]}"; do
    # kubernetes-validate exits 0 on WARN (e.g. no schema for a kind), so any
    # WARN/ERROR/FATAL line is treated as a failure as well.
    set +e
    report="$(python3 -m kubernetes_validate --strict -k "${v}" "${out}" 2>&1)"
    rc=$?
    set -e
    sed "s|${out}|${rel}|" <<<"${report}"
    if [[ ${rc} -ne 0 ]] || grep -qE '^(WARN|ERROR|FATAL)' <<<"${report}" \
       || ! grep -q '^INFO ' <<<"${report}"; then
      echo "FAIL ${rel}: schema validation against Kubernetes ${v}"
      ok=0
    fi
  done
  if ! python3 "${tmp}/check.py" "${out}" "${rel}" "${defaults_toml}"; then
    ok=0
  fi
  if [[ ${ok} -eq 1 ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

# The Dockerfile cannot be built here (no engine, no registry), so its
# contract with the manifests is checked statically: non-root final stage,
# the default ports exposed, SIGTERM as stop signal, no HEALTHCHECK, a locked
# release build of the binary the manifests run.
echo "==> deploy/Dockerfile"
if python3 - "${repo_root}/deploy/Dockerfile" "${defaults_toml}" <<'PY'
import re, sys, tomllib
path, defaults = sys.argv[1], sys.argv[2]
lines = []
for raw in open(path).read().replace("\\\n", " ").splitlines():
    line = raw.strip()
    if line and not line.startswith("#"):
        lines.append(line)
instr = [(l.split()[0].upper(), l[len(l.split()[0]):].strip()) for l in lines]
errors = []
stages = [a for i, a in instr if i == "FROM"]
if len(stages) < 2:
    errors.append("expected a multi-stage build")
final = [(i, a) for i, a in instr[max(k for k, (i, _) in enumerate(instr) if i == "FROM"):]]
users = [a for i, a in final if i == "USER"]
if not users or users[-1] in ("root", "0", "0:0"):
    errors.append("the final stage must run as a non-root USER")
cfg = tomllib.load(open(defaults, "rb"))
want = {int(cfg["server"]["listen"].rsplit(":", 1)[1]), int(cfg["metrics"]["listen"].rsplit(":", 1)[1])}
exposed = {int(p.split("/")[0]) for i, a in instr if i == "EXPOSE" for p in a.split()}
if exposed != want:
    errors.append(f"EXPOSE {sorted(exposed)} but the binary listens on {sorted(want)}")
if ("STOPSIGNAL", "SIGTERM") not in instr:
    errors.append("STOPSIGNAL SIGTERM missing (tifa drains on SIGTERM)")
if any(i == "HEALTHCHECK" for i, _ in instr):
    errors.append("HEALTHCHECK present; Kubernetes probes do that")
if not any(i == "RUN" and re.search(r"cargo build --release --locked", a) for i, a in instr):
    errors.append("no locked release build (cargo build --release --locked)")
if not any(i == "ENTRYPOINT" and "tifa" in a for i, a in final):
    errors.append("the final stage has no ENTRYPOINT running tifa")
for e in errors:
    print(f"FAIL deploy/Dockerfile: {e}")
sys.exit(1 if errors else 0)
PY
then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "validate-manifests: ${passed} passed, ${failed} failed"
[[ ${failed} -eq 0 ]]
