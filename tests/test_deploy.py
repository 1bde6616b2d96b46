"""The shipped deployment files (deploy/, Procfile) are valid and agree with the code and each
other: Caddy and nginx accept their configurations, systemd its units, every command they
run exists, and they all point at the one address gunicorn listens on."""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from server.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("humiao-*.service")) + sorted(DEPLOY.glob("humiao-*.timer"))
UPSTREAM = "127.0.0.1:8000"


def _needs(tool: str) -> str:
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None)
    if path is None:
        pytest.skip(f"{tool} is not installed (scripts/test.sh installs it)")
    return path


def _exec_lines() -> list[tuple[str, list[str]]]:
    """(where, argv) of every command the units and the Procfile run."""
    found = []
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if re.match(r"Exec(Start|StartPre|StartPost|Reload)=", line):
                found.append((unit.name, shlex.split(line.split("=", 1)[1])))
    for line in (ROOT / "Procfile").read_text().splitlines():
        kind, command = line.split(":", 1)
        found.append((f"Procfile {kind}", shlex.split(command)))
    return found


def test_every_humiao_command_the_units_and_procfile_run_exists():
    seen = set()
    for where, argv in _exec_lines():
        if Path(argv[0]).name != "humiao":
            continue
        command = main
        for word in argv[1:]:
            if word.startswith("-"):
                break
            assert word in command.commands, f"{where}: humiao has no command {word!r}"
            command = command.commands[word]
            seen.add(word)
    assert {"refresh", "backup", "db", "upgrade"} <= seen


def test_gunicorn_serves_the_wsgi_app_on_the_address_the_proxies_use():
    targets = []
    for where, argv in _exec_lines():
        if Path(argv[0]).name != "gunicorn":
            continue
        module, attribute = argv[-1].split(":")
        source = ROOT / (module.replace(".", "/") + ".py")
        assigned = {
            target.id
            for node in ast.parse(source.read_text()).body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert attribute in assigned, f"{where}: {argv[-1]} names nothing"
        targets.append((where, argv))
    assert {where for where, _ in targets} == {"humiao-web.service", "Procfile web"}
    web = dict(targets)["humiao-web.service"]
    assert web[web.index("--bind") + 1] == UPSTREAM
    # Workers come from WEB_CONCURRENCY, which gunicorn reads itself: no count written in.
    assert not any("--workers" in argv or "-w" in argv for _, argv in targets)
    for caddyfile in ("Caddyfile", "Caddyfile.intranet"):
        assert f"reverse_proxy {{$HUMIAO_UPSTREAM:{UPSTREAM}}}" in (DEPLOY / caddyfile).read_text()
    assert f"server {UPSTREAM};" in (DEPLOY / "nginx.conf").read_text()


def test_the_environment_example_names_every_setting_the_server_reads():
    config = (ROOT / "server" / "config.py").read_text()
    read = set(re.findall(r"os\.environ\.get\(\"([A-Z_]+)\"", config))
    read |= set(re.findall(r"for k in \(([^)]*)\)", config)[0].replace('"', "").replace(" ", "").split(","))
    read -= {"TEST_DATABASE_URL"}
    example = (DEPLOY / "humiao.env.example").read_text()
    named = set(re.findall(r"^([A-Z_]+)=", example, re.M))
    assert read - named == set(), "settings missing from deploy/humiao.env.example"
    assert named - read == {"WEB_CONCURRENCY"}, "the example names settings nothing reads"
    for unit in DEPLOY.glob("humiao-*.service"):
        assert "EnvironmentFile=/etc/humiao/humiao.env" in unit.read_text(), unit.name


def test_systemd_accepts_the_units(tmp_path):
    analyze = _needs("systemd-analyze")
    # Units point at /opt/humiao/venv; here that is the running interpreter's environment.
    bin_dir = Path(sys.executable).parent
    for unit in UNITS:
        text = unit.read_text().replace("/opt/humiao/venv/bin/", f"{bin_dir}/")
        (tmp_path / unit.name).write_text(text)
    done = subprocess.run(
        [analyze, "verify", "--man=no", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    problems = [line for line in (done.stdout + done.stderr).splitlines() if "humiao" in line]
    assert done.returncode == 0 and problems == [], "\n".join(problems)


@pytest.mark.parametrize("caddyfile", ["Caddyfile", "Caddyfile.intranet"])
def test_caddy_accepts_the_caddyfiles(caddyfile, tmp_path):
    caddy = _needs("caddy")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", str(DEPLOY / caddyfile)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0 and "Valid configuration" in done.stdout + done.stderr, done.stderr[-2000:]


def _self_signed(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "humiao.example.cn")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


def test_nginx_accepts_the_site(tmp_path):
    nginx = _needs("nginx")
    _self_signed(tmp_path)
    site = (DEPLOY / "nginx.conf").read_text().replace("/etc/ssl/humiao/", f"{tmp_path}/")
    (tmp_path / "humiao.conf").write_text(site)
    (tmp_path / "main.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/humiao.conf;\n}}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "main.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr
