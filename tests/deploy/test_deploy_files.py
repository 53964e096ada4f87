"""The deployment files: Dockerfile (hadolint, build context), the HAProxy configurations
(generated, valid), compose.yaml and the Kubernetes manifests (kubernetes-validate)."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from deploy import haproxy_cfg
from deploy.local_cluster import find_haproxy, free_port
from tests.deploy.dockerignore import context_files

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = sorted((DEPLOY / "k8s").glob("*.yaml"))
K8S_VERSIONS = ["1.30.0", "1.37.0"]  # oldest and newest that kubernetes-validate ships
APP_PACKAGES = ["app_pages", "ui", "backprop_core", "data_io", "viz"]


def _tool(name: str) -> str:
    """A console script installed next to this Python (requirements-dev.txt), or on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: pip install -r requirements-dev.txt")
    return found


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT, **kw)


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


# -- Dockerfile -------------------------------------------------------------------------

def test_hadolint_finds_nothing(tmp_path):
    # A bare HOME and config folder: no user's hadolint.yaml can switch rules off.
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
    version = _run([_tool("hadolint"), "--version"], env=env)
    assert version.returncode == 0 and "Haskell Dockerfile Linter" in version.stdout
    result = _run([_tool("hadolint"), "--no-color", "--failure-threshold", "style",
                   "Dockerfile"], env=env)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_dockerfile_runs_serve_sh_as_a_user_with_a_health_check():
    text = _dockerfile()
    assert re.search(r"^FROM python:3\.11\.\d+-slim-bookworm$", text, re.M), "pin the base"
    user = re.search(r"^USER (\d+)(?::(\d+))?$", text, re.M)
    assert user and int(user.group(1)) != 0, "runs as a numeric non-root user"
    assert re.search(r"^EXPOSE 8501$", text, re.M)
    assert 'CMD ["python", "deploy/healthcheck.py"]' in text
    assert re.search(r'^CMD \["deploy/serve\.sh"\]$', text, re.M)
    assert os.access(DEPLOY / "serve.sh", os.X_OK), "serve.sh must be executable"
    assert _run(["sh", "-n", "deploy/serve.sh"]).returncode == 0


def test_build_context_holds_the_app_and_nothing_else():
    files = context_files(ROOT)
    tracked = _run(["git", "ls-files"]).stdout.split()
    for package in APP_PACKAGES:
        wanted = [f for f in tracked if f.startswith(f"{package}/")]
        assert wanted and set(wanted) <= files, f"{package}/ missing from the image"
    for needed in ["app.py", "requirements.txt", ".streamlit/config.toml", "deploy/serve.sh",
                   "deploy/healthcheck.py"]:
        assert needed in files
    # Every first-party module the app imports is one of those packages.
    first_party = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")}
    imported = set()
    for f in files:
        if f.endswith(".py"):
            imported |= set(re.findall(r"^\s*(?:from|import) (\w+)", (ROOT / f).read_text(),
                                       re.M))
    assert imported & first_party <= set(APP_PACKAGES), imported & first_party
    for left_out in ["tests/", "bench/", ".git/", "static/", ".hypothesis/", "deploy/k8s/",
                     "scripts/", "__pycache__/"]:
        leaked = [f for f in files if f.startswith(left_out) or f"/{left_out}" in f]
        assert not leaked, f"{left_out} is in the build context: {leaked[:5]}"


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        ok = self.path == "/_stcore/health"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b"ok" if ok else b"no")

    def log_message(self, *args) -> None:
        pass


def test_healthcheck_script_says_whether_the_app_answers():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        def check(port: int) -> int:
            env = dict(os.environ, PORT=str(port))
            return _run([sys.executable, "deploy/healthcheck.py"], env=env).returncode

        assert check(server.server_address[1]) == 0
        assert check(free_port()) == 1
    finally:
        server.shutdown()
        server.server_close()


# -- HAProxy ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["haproxy.cfg", "haproxy.compose.cfg"])
def test_haproxy_config_is_the_generators_output_and_valid(name, tmp_path):
    text = (DEPLOY / name).read_text()
    first = text.splitlines()[0]
    prefix = "# Generated by: python deploy/haproxy_cfg.py "
    assert first.startswith(prefix)
    out = _run([sys.executable, "deploy/haproxy_cfg.py", *first[len(prefix):].split()])
    assert out.returncode == 0 and out.stdout == text, f"regenerate deploy/{name}"
    assert "cookie BPSRV insert indirect nocache" in text
    assert "option redispatch" in text and "timeout tunnel 1h" in text
    check = _run([find_haproxy(), "-c", "-f", str(DEPLOY / name)])
    assert check.returncode == 0, check.stdout + check.stderr
    warnings = [w for w in (check.stdout + check.stderr).splitlines() if "[WARNING]" in w]
    # Compose's service names resolve only inside compose's network.
    assert all("could not resolve address 'app" in w for w in warnings), warnings


def test_generator_names_servers_after_their_cookie():
    text = haproxy_cfg.render(haproxy_cfg.loopback_replicas(3, 9000), "127.0.0.1:9100")
    servers = re.findall(r"^    server (\S+) (\S+) cookie (\S+)$", text, re.M)
    assert servers == [("r1", "127.0.0.1:9000", "r1"), ("r2", "127.0.0.1:9001", "r2"),
                       ("r3", "127.0.0.1:9002", "r3")]
    with pytest.raises(ValueError):
        haproxy_cfg.render([], ":80")


# -- compose ----------------------------------------------------------------------------

def test_compose_file_matches_the_balancer_config():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    cfg = (DEPLOY / "haproxy.compose.cfg").read_text()
    servers = re.findall(r"^    server \S+ (\w+):(\d+) cookie", cfg, re.M)
    apps = sorted(name for name in services if name not in ("haproxy", "redis"))
    assert apps == sorted(host for host, _ in servers) and len(apps) >= 2
    assert all(port == str(haproxy_cfg.APP_PORT) for _, port in servers)
    for name in apps:
        app = services[name]
        assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).is_file()
        assert app["image"] == services[apps[0]]["image"]
        assert "ports" not in app, "replicas are reached through the balancer only"
        assert float(app["cpus"]) == 1.0
    lb = services["haproxy"]
    assert re.fullmatch(r"haproxy:\d+\.\d+\.\d+", lb["image"]), "pin HAProxy's image"
    source, target, _mode = lb["volumes"][0].split(":")
    assert (DEPLOY / source).resolve() == DEPLOY / "haproxy.compose.cfg"
    assert target == "/usr/local/etc/haproxy/haproxy.cfg"
    assert "8080:8080" in lb["ports"]
    assert {n: d["condition"] for n, d in lb["depends_on"].items()} == {
        n: "service_healthy" for n in apps}
    redis = services["redis"]  # one class across replicas: every replica has its address
    assert re.fullmatch(r"redis:\d+\.\d+\.\d+", redis["image"]), "pin Redis's image"
    assert "ports" not in redis
    for name in apps:
        assert services[name]["environment"]["BACKPROP_REDIS_URL"] == "redis://redis:6379/0"


# -- Kubernetes -------------------------------------------------------------------------

def _k8s() -> dict[tuple[str, str], dict]:
    docs = [d for f in K8S for d in yaml.safe_load_all(f.read_text()) if d]
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


def test_k8s_manifests_say_what_a_class_needs():
    objs = _k8s()
    app, redis = "backprop-playground", "backprop-redis"
    assert set(objs) == {("Deployment", app), ("Service", app), ("Ingress", app),
                         ("Deployment", redis), ("Service", redis)}
    dep, svc, ing = objs["Deployment", app], objs["Service", app], objs["Ingress", app]
    labels = dep["spec"]["template"]["metadata"]["labels"]
    assert dep["spec"]["replicas"] == 2
    assert dep["spec"]["selector"]["matchLabels"].items() <= labels.items()
    pod = dep["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    uid = re.search(r"^USER (\d+)", _dockerfile(), re.M).group(1)
    assert pod["securityContext"]["runAsUser"] == int(uid)
    (container,) = pod["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": 8501}
    for probe in ("readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == "/_stcore/health" and ports.get(get["port"], get["port"]) == 8501
    assert container["resources"]["requests"] == {"cpu": "1", "memory": "1Gi"}
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert "/app/static" in mounts, "the app writes static/ on a read-only root"
    assert svc["spec"]["selector"].items() <= labels.items()
    assert svc["spec"]["sessionAffinity"] == "ClientIP"
    assert svc["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"] >= 3600
    assert svc["spec"]["ports"][0]["targetPort"] in ("http", 8501)
    notes = ing["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(notes["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    backend = ing["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == svc["metadata"]["name"]
    env = {e["name"]: e["value"] for e in container["env"]}
    rsvc = objs["Service", redis]
    assert env["BACKPROP_REDIS_URL"] == (f"redis://{rsvc['metadata']['name']}:"
                                         f"{rsvc['spec']['ports'][0]['port']}/0")
    assert rsvc["spec"]["selector"].items() <= \
        objs["Deployment", redis]["spec"]["template"]["metadata"]["labels"].items()


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_kubernetes_validate_accepts_the_manifests(version):
    assert K8S
    result = _run([_tool("kubernetes-validate"), "--strict", "-k", version,
                   *map(str, K8S)])
    assert result.returncode == 0, result.stdout + result.stderr
    resources = sum(1 for f in K8S for d in yaml.safe_load_all(f.read_text()) if d)
    assert result.stdout.count("passed") == resources, result.stdout


def test_kubernetes_validate_catches_a_mistake(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((DEPLOY / "k8s" / "deployment.yaml").read_text()
                   .replace("containerPort: 8501", "containerPort: eighty-five-o-one"))
    result = _run([_tool("kubernetes-validate"), "--strict", "-k", K8S_VERSIONS[0], str(bad)])
    assert result.returncode != 0 and "containerPort" in result.stdout + result.stderr
