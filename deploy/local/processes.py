"""Process plumbing shared by the Kafka and FerretDB launchers.

Servers are started detached (own session) so a Ctrl-C in the terminal that ran
`up` (or a pytest run) does not take them down; they are found again through pid
files, and a pid is only trusted when /proc shows it is still *our* server.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
"""Repository root, derived from this file so checkouts anywhere work."""

LOCAL_DIR = Path(__file__).resolve().parent
"""deploy/local: holds the pom, the log4j2 config and the FerretDB Go module."""


class InfraError(RuntimeError):
    """A server could not be provisioned, started or reached."""


def cache_dir() -> Path:
    """Where downloads and builds live; outside the repo so clones share them."""
    env = os.environ.get("C360_CACHE_DIR")
    return Path(env) if env else Path.home() / ".cache" / "customer360"


def default_run_dir() -> Path:
    """Where data, pid files and logs live; `<repo>/.run` unless overridden."""
    env = os.environ.get("C360_RUN_DIR")
    return Path(env) if env else REPO_ROOT / ".run"


def log(msg: str) -> None:
    """Progress goes to stderr so stdout stays machine-readable (`up` output)."""
    print(f"[c360-infra] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialise concurrent launchers (e.g. parallel test workers) on one file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


_ANSI = re.compile(rb"\x1b\[[0-9;]*[A-Za-z]")


def run_tool(cmd: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> None:
    """Run a build tool, relaying its output to stderr; raise on failure.

    ANSI codes are stripped: Debian's Maven 3.8 prints bare colour resets even with -B -q.
    """
    log("$ " + " ".join(cmd))
    try:
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    except FileNotFoundError as exc:
        raise InfraError(f"{cmd[0]} not found on PATH: {exc}") from exc
    assert proc.stdout is not None
    with proc.stdout:
        for raw in proc.stdout:
            line = _ANSI.sub(b"", raw).rstrip()
            if line:
                sys.stderr.write(line.decode(errors="replace") + "\n")
                sys.stderr.flush()
    if proc.wait() != 0:
        raise InfraError(f"command failed with exit code {proc.returncode}: {' '.join(cmd)}")


def _proc_state(pid: int) -> str | None:
    """Single-letter state from /proc/<pid>/stat, or None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def pid_alive(pid: int) -> bool:
    """True for a running process; zombies (exited, not yet reaped) count as dead."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own child
    state = _proc_state(pid)
    return state is not None and state not in ("Z", "X")


def pid_matches(pid: int, marker: str) -> bool:
    """Guard against pid reuse: the command line must contain our marker."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return marker.encode() in cmdline


def read_pid(pid_file: Path) -> int | None:
    """Pid from a pid file, or None if missing or garbage."""
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def live_pid(pid_file: Path, marker: str) -> int | None:
    """Pid of our server if the pid file names a live process that is really it.

    Servers are started with the pid file's folder as working directory, so checking
    /proc/<pid>/cwd too tells this instance's server from another run dir's.
    """
    pid = read_pid(pid_file)
    if pid is None or not pid_alive(pid) or not pid_matches(pid, marker):
        return None
    try:
        cwd = Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None
    return pid if cwd == pid_file.parent.resolve() else None


def endpoint_file(pid_file: Path) -> Path:
    """Sidecar of the pid file recording where that server listens (ports may come from env)."""
    return pid_file.with_suffix(".endpoint")


def read_endpoint(pid_file: Path) -> str | None:
    """Endpoint our server was started with, if recorded."""
    try:
        return endpoint_file(pid_file).read_text().strip() or None
    except OSError:
        return None


def spawn_detached(
    cmd: Sequence[str], log_file: Path, pid_file: Path, endpoint: str, env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server in its own session (immune to the caller's Ctrl-C), output to log_file.

    Its working directory is the pid file's folder, which `live_pid` relies on.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    if log_file.exists():  # keep one previous run; error tails then show only this run
        log_file.replace(log_file.with_name(log_file.name + ".1"))
    with open(log_file, "wb") as out:
        out.write(f"===== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen(
            list(cmd),
            cwd=pid_file.parent,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    pid_file.write_text(f"{proc.pid}\n")
    endpoint_file(pid_file).write_text(endpoint + "\n")
    return proc


def tail(path: Path, lines: int = 30) -> str:
    """Last lines of a log file for error messages, with Java stack frames elided."""
    try:
        data = path.read_bytes()[-64 * 1024 :]
    except OSError:
        return f"(no log at {path})"
    kept: list[str] = []
    for line in data.decode(errors="replace").splitlines():
        if line.startswith(("\tat ", "\t... ")):
            if not kept or kept[-1] != "\t...":
                kept.append("\t...")
        else:
            kept.append(line)
    return "\n".join(kept[-lines:])


def wait_ready(
    name: str,
    probe: Callable[[], bool],
    timeout: float,
    proc: subprocess.Popen[bytes] | None,
    pid: int | None,
    logs: Sequence[Path],
) -> float:
    """Poll `probe` until it passes; fail fast if the server died. Returns seconds waited."""
    start = time.monotonic()
    delay = 0.1
    while True:
        if probe():
            return time.monotonic() - start
        died = (proc is not None and proc.poll() is not None) or (
            proc is None and pid is not None and not pid_alive(pid)
        )
        elapsed = time.monotonic() - start
        if died or elapsed > timeout:
            why = "exited" if died else f"not ready after {timeout:.0f}s"
            if proc is not None and proc.returncode is not None:
                why += f" (exit code {proc.returncode})"
            tails = "\n".join(f"--- tail of {p} ---\n{tail(p)}" for p in logs)
            raise InfraError(f"{name} {why}.\n{tails}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


def stop_pid(name: str, pid_file: Path, marker: str, timeout: float = 30.0) -> bool:
    """SIGTERM our server, SIGKILL after `timeout`; always drop the pid file. True if one was stopped."""
    pid = live_pid(pid_file, marker)
    stopped = False
    if pid is not None:
        log(f"stopping {name} (pid {pid})")
        _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_alive(pid):
            log(f"{name} ignored SIGTERM for {timeout:.0f}s, sending SIGKILL")
            _signal(pid, signal.SIGKILL)
            while pid_alive(pid):
                time.sleep(0.05)
        stopped = True
    pid_file.unlink(missing_ok=True)
    endpoint_file(pid_file).unlink(missing_ok=True)
    return stopped


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            raise
