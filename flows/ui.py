"""A Prefect server that belongs to the project: `make ui` / `make ui-stop`.

State lives in `.prefect-server/` (git-ignored): the server's PREFECT_HOME
(its SQLite database), its log, its pid and its API URL. The server runs in a
process group of its own and is stopped by that pid, never by name.
`akhbar run` and `akhbar serve` find the URL here and report to this server.
"""
from __future__ import annotations

import argparse
import atexit
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flows import config

STATE_DIR = config.REPO_ROOT / ".prefect-server"
PID_FILE = STATE_DIR / "server.pid"
URL_FILE = STATE_DIR / "api_url"
LOG_FILE = STATE_DIR / "server.log"

SERVER_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # Write task-run events in batches, or a big run's events stall the API.
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_pid() -> int | None:
    try:
        return int(PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return None


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def running_api_url() -> str | None:
    """The project server's API URL when it is up, else None."""
    pid = _read_pid()
    if pid is None or not _alive(pid) or not URL_FILE.exists():
        return None
    return URL_FILE.read_text().strip() or None


def start(host: str, port: int, wait_s: float = 120.0) -> str:
    url = running_api_url()
    if url:
        print(f"Prefect server already running (pid {_read_pid()}): {url.removesuffix('/api')}")
        return url
    STATE_DIR.mkdir(exist_ok=True)
    api_url = f"http://{host}:{port}/api"
    env = {**os.environ, **SERVER_ENV, "PREFECT_HOME": str(STATE_DIR / "home")}
    env.pop("PREFECT_API_URL", None)
    prefect = Path(sys.executable).with_name("prefect")
    with open(LOG_FILE, "ab") as log:
        proc = subprocess.Popen([str(prefect), "server", "start", "--host", host, "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)
    PID_FILE.write_text(str(proc.pid))
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Prefect server exited with {proc.returncode}; see {LOG_FILE}")
        if healthy(api_url):
            URL_FILE.write_text(api_url)
            print(f"Prefect UI: http://{host}:{port}  (API {api_url}, pid {proc.pid}, log {LOG_FILE})")
            print("`akhbar run` now reports here; `make ui-stop` stops it.")
            return api_url
        time.sleep(0.5)
    stop()
    raise SystemExit(f"Prefect server did not answer on {api_url} within {wait_s:.0f}s; see {LOG_FILE}")


def _die_with_parent() -> None:
    """In the child, before exec: ask the kernel to SIGTERM it when its parent dies (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_temporary_server(wait_s: float = 120.0) -> str:
    """A Prefect API server for this process alone; returns its API URL.

    What Prefect does on its own when no server is configured, with one
    difference: the server is tied to this process. It is stopped when the
    process exits, and the kernel stops it when the process is killed, even by
    SIGKILL (Prefect's own temporary server is then left running, adopted by
    init). Its log goes to `$PREFECT_HOME/temporary-server.log`.
    """
    home = Path(os.environ.get("PREFECT_HOME", config.REPO_ROOT / ".prefect"))
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **SERVER_ENV, "PREFECT_HOME": str(home), "PREFECT_UI_ENABLED": "0",
           "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    deadline = time.monotonic() + wait_s
    with open(home / "temporary-server.log", "ab") as log:
        for _ in range(5):  # another process may take the port between choosing and binding it
            port = _free_port()
            proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
                 "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                preexec_fn=_die_with_parent)
            atexit.register(_stop_process, proc)
            api_url = f"http://127.0.0.1:{port}/api"
            while time.monotonic() < deadline and proc.poll() is None:
                if healthy(api_url, timeout=1.0):
                    return api_url
                time.sleep(0.1)
            _stop_process(proc)
            if time.monotonic() >= deadline:
                break
    raise SystemExit(f"the temporary Prefect server did not start; see {home / 'temporary-server.log'}")


def _stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop(wait_s: float = 20.0) -> None:
    pid = _read_pid()
    if pid is None or not _alive(pid):
        print("no Prefect server of this project is running")
    else:
        os.killpg(pid, signal.SIGTERM)  # the server and the workers it started
        deadline = time.monotonic() + wait_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
        print(f"stopped Prefect server (pid {pid})")
    for path in (PID_FILE, URL_FILE):
        path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flows.ui")
    parser.add_argument("action", choices=["start", "stop", "url"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4200)
    args = parser.parse_args(argv)
    if args.action == "start":
        start(args.host, args.port)
    elif args.action == "stop":
        stop()
    else:
        print(running_api_url() or "not running")


if __name__ == "__main__":
    main()
