"""Start, reuse and stop the local Kafka + MongoDB-compatible servers, without Docker.

    python -m deploy.local.infra up|down|status|provision

`C360_KAFKA_BOOTSTRAP` / `C360_MONGODB_URI` point at servers someone else runs;
when set, that server is neither started nor stopped here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deploy.local import ferretdb, kafka
from deploy.local.processes import (
    InfraError,
    cache_dir,
    default_run_dir,
    file_lock,
    live_pid,
    log,
    read_endpoint,
    stop_pid,
    wait_ready,
)

__all__ = [
    "Endpoints",
    "InfraError",
    "InfraStatus",
    "ServiceStatus",
    "ensure_infra",
    "infra_status",
    "main",
    "provision",
    "stop_infra",
]


@dataclass(frozen=True)
class Endpoints:
    """How services reach the infrastructure."""

    kafka_bootstrap: str
    mongodb_uri: str

    def env_lines(self) -> str:
        """Shell-friendly form, so `eval "$(python -m deploy.local.infra up)"` works."""
        return f"C360_KAFKA_BOOTSTRAP={self.kafka_bootstrap}\nC360_MONGODB_URI={self.mongodb_uri}"


@dataclass(frozen=True)
class ServiceStatus:
    """One server as seen from here: whose it is and whether it answers."""

    name: str
    endpoint: str
    owner: str  # "env" (named by env var), "ours" (pid file), "foreign" (port answers), "down"
    ready: bool
    pid: int | None
    log: Path | None

    def __str__(self) -> str:
        state = "ready" if self.ready else "NOT ready"
        pid = f" pid={self.pid}" if self.pid else ""
        logs = f" log={self.log}" if self.log and self.owner == "ours" else ""
        return f"{self.name:<8} {self.endpoint:<28} {self.owner:<8} {state}{pid}{logs}"


@dataclass(frozen=True)
class InfraStatus:
    """Printable snapshot for `status`."""

    run_dir: Path
    services: tuple[ServiceStatus, ...]

    def __str__(self) -> str:
        return "\n".join([f"run dir: {self.run_dir}", *(str(s) for s in self.services)])


def _run_dir(run_dir: Path | None) -> Path:
    return (run_dir or default_run_dir()).absolute()


def provision(cache: Path | None = None) -> tuple[Path, Path]:
    """Download/build both servers without starting them (for CI warm-up)."""
    return kafka.provision_kafka(cache), ferretdb.provision_ferretdb(cache)


@dataclass(frozen=True)
class _Service:
    """What ensure/stop/status need to know about one server, whichever it is."""

    name: str
    label: str
    env_var: str
    endpoint: str
    pid_file: Path
    marker: str
    logs: tuple[Path, ...]
    timeout: float
    probe: Callable[[str], bool]
    start: Callable[[], subprocess.Popen[bytes]]


def _services(rd: Path) -> tuple[_Service, _Service]:
    kcfg = kafka.KafkaConfig.from_env(rd)
    fcfg = ferretdb.FerretDBConfig.from_env(rd)
    return (
        _Service(
            "kafka",
            "Kafka",
            "C360_KAFKA_BOOTSTRAP",
            kcfg.bootstrap,
            kcfg.pid_file,
            kafka.MARKER,
            (kcfg.stdout_log, kcfg.server_log),
            kafka.READY_TIMEOUT,
            kafka.kafka_ready_at,
            lambda: kafka.start_kafka(kafka.provision_kafka(), kcfg),
        ),
        _Service(
            "mongodb",
            "FerretDB",
            "C360_MONGODB_URI",
            fcfg.uri,
            fcfg.pid_file,
            ferretdb.MARKER,
            (fcfg.log_file,),
            ferretdb.READY_TIMEOUT,
            ferretdb.mongo_ready,
            lambda: ferretdb.start_ferretdb(ferretdb.provision_ferretdb(), fcfg),
        ),
    )


def _ensure(svc: _Service) -> str:
    """Reuse ours (pid file) or anyone's (port answers), else provision and start; wait by protocol."""
    pid = live_pid(svc.pid_file, svc.marker)
    if pid is not None:
        running_at = read_endpoint(svc.pid_file) or svc.endpoint
        if running_at != svc.endpoint:
            raise InfraError(
                f"our {svc.label} (pid {pid}, {svc.pid_file}) listens on {running_at}, "
                f"not the requested {svc.endpoint}; run `down` first or use another C360_RUN_DIR"
            )
        # Ours and alive: reuse once it answers (another `up` may still be starting it).
        took = wait_ready(svc.label, lambda: svc.probe(svc.endpoint), svc.timeout, None, pid, svc.logs)
        log(f"reusing {svc.label} pid {pid} on {svc.endpoint} (answered in {took:.2f}s)")
        return svc.endpoint
    svc.pid_file.unlink(missing_ok=True)
    if svc.probe(svc.endpoint):
        log(f"{svc.label} already answers on {svc.endpoint} (not started by us); reusing it")
        return svc.endpoint
    proc = svc.start()
    started = time.monotonic()
    wait_ready(svc.label, lambda: svc.probe(svc.endpoint), svc.timeout, proc, None, svc.logs)
    log(f"{svc.label} ready {time.monotonic() - started:.1f}s after start (pid {proc.pid})")
    return svc.endpoint


def ensure_infra(run_dir: Path | None = None) -> Endpoints:
    """Make sure Kafka and MongoDB answer, starting our own only where needed; idempotent.

    `C360_KAFKA_BOOTSTRAP` / `C360_MONGODB_URI`, when set, are returned as-is and nothing
    is started for them. Raises InfraError (with the server's log tail) on failure.
    """
    rd = _run_dir(run_dir)
    rd.mkdir(parents=True, exist_ok=True)
    found: dict[str, str] = {}
    with file_lock(rd / "infra.lock"):
        for svc in _services(rd):
            found[svc.name] = os.environ.get(svc.env_var) or _ensure(svc)
    return Endpoints(kafka_bootstrap=found["kafka"], mongodb_uri=found["mongodb"])


def stop_infra(run_dir: Path | None = None) -> None:
    """Stop only the servers this launcher started (per pid files); env-named ones are never touched."""
    rd = _run_dir(run_dir)
    if not rd.exists():
        return
    with file_lock(rd / "infra.lock"):
        for svc in reversed(_services(rd)):
            stop_pid(svc.label, svc.pid_file, svc.marker)


def infra_status(run_dir: Path | None = None) -> InfraStatus:
    """Who runs what and whether it answers; never starts anything."""
    rd = _run_dir(run_dir)
    services: list[ServiceStatus] = []
    for svc in _services(rd):
        external = os.environ.get(svc.env_var)
        pid = live_pid(svc.pid_file, svc.marker)
        if external:
            services.append(ServiceStatus(svc.name, external, "env", svc.probe(external), None, None))
        elif pid is not None:
            at = read_endpoint(svc.pid_file) or svc.endpoint
            services.append(ServiceStatus(svc.name, at, "ours", svc.probe(at), pid, svc.logs[-1]))
        else:
            ready = svc.probe(svc.endpoint)
            services.append(ServiceStatus(svc.name, svc.endpoint, "foreign" if ready else "down", ready, None, None))
    return InfraStatus(rd, tuple(services))


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.local.infra", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["up", "down", "status", "provision"])
    parser.add_argument(
        "--run-dir", type=Path, default=None, help="data/pid/log folder (default: $C360_RUN_DIR or <repo>/.run)"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            started = time.monotonic()
            endpoints = ensure_infra(args.run_dir)
            log(f"infra up in {time.monotonic() - started:.1f}s")
            print(endpoints.env_lines(), flush=True)
        elif args.command == "down":
            stop_infra(args.run_dir)
        elif args.command == "status":
            status = infra_status(args.run_dir)
            print(status)
            return 0 if all(s.ready for s in status.services) else 1
        else:
            kafka_home, ferret_bin = provision(cache_dir())
            print(f"kafka: {kafka_home}\nferretdb: {ferret_bin}")
    except InfraError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
