"""FerretDB 1.24 (SQLite backend) as our MongoDB stand-in.

Built from the tiny Go module in deploy/local/ferretdb/, which embeds FerretDB;
`go install .../cmd/ferretdb@v1.24.2` would panic at start (no version.txt in the module).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from deploy.local.processes import (
    LOCAL_DIR,
    InfraError,
    cache_dir,
    file_lock,
    log,
    run_tool,
    spawn_detached,
)

FERRETDB_VERSION = "v1.24.2"
GO_MODULE = LOCAL_DIR / "ferretdb"
BINARY_NAME = "c360-ferretdb"
MARKER = BINARY_NAME
"""Substring of the server's command line; used to recognise our pid after a restart."""
READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class FerretDBConfig:
    """Where one FerretDB instance listens and keeps its files; env-tunable for a second instance."""

    host: str
    port: int
    data_dir: Path
    state_dir: Path

    @classmethod
    def from_env(cls, run_dir: Path) -> FerretDBConfig:
        """Defaults under run_dir/ferretdb; C360_MONGODB_PORT etc. override."""
        state = run_dir / "ferretdb"
        env = os.environ.get
        return cls(
            host=env("C360_MONGODB_HOST", "127.0.0.1"),
            port=int(env("C360_MONGODB_PORT", "27017")),
            data_dir=Path(env("C360_FERRETDB_DATA_DIR", str(state / "data"))).absolute(),
            state_dir=state.absolute(),
        )

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.port}/"

    @property
    def pid_file(self) -> Path:
        return self.state_dir / "ferretdb.pid"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "ferretdb.log"


def _source_hash() -> str:
    """Every file the binary is built from: a change to any of them rebuilds it."""
    digest = hashlib.sha256()
    sources = [GO_MODULE / "go.mod", GO_MODULE / "go.sum"]
    sources += sorted(p for p in GO_MODULE.glob("*.go") if not p.name.endswith("_test.go"))
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def provision_ferretdb(cache: Path | None = None) -> Path:
    """Build our FerretDB binary once (rebuilt when the Go sources change); returns its path."""
    home = (cache or cache_dir()) / f"ferretdb-{FERRETDB_VERSION}"
    binary = home / BINARY_NAME
    marker = home / ".complete"
    stamp = f"{FERRETDB_VERSION} {_source_hash()}"
    with file_lock(home.parent / f".ferretdb-{FERRETDB_VERSION}.lock"):
        if marker.exists() and marker.read_text().strip() == stamp and binary.exists():
            return binary
        go = shutil.which("go")
        if go is None:
            raise InfraError("Go (1.24+) is needed to build FerretDB; install it or set C360_MONGODB_URI")
        log(f"building FerretDB {FERRETDB_VERSION} (sqlite) into {binary} (first time takes ~1-2 min) ...")
        started = time.monotonic()
        home.mkdir(parents=True, exist_ok=True)
        marker.unlink(missing_ok=True)
        tmp = home / f"{BINARY_NAME}.tmp"
        env = dict(os.environ)
        # Pure-Go SQLite (modernc), so no C compiler; no VCS stamping (the repo may have no commits).
        env.update(CGO_ENABLED="0", GOFLAGS="-mod=mod -buildvcs=false")
        run_tool([go, "build", "-trimpath", "-o", str(tmp), "."], cwd=GO_MODULE, env=env)
        tmp.replace(binary)
        marker.write_text(stamp + "\n")
        log(f"FerretDB built in {time.monotonic() - started:.1f}s")
    return binary


def start_ferretdb(binary: Path, cfg: FerretDBConfig) -> subprocess.Popen[bytes]:
    """Launch FerretDB detached; it logs to stderr, which lands in ferretdb.log."""
    cfg.state_dir.mkdir(parents=True, exist_ok=True)
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    cmd = [str(binary), f"-listen-addr={cfg.host}:{cfg.port}", f"-data-dir={cfg.data_dir}"]
    log(f"starting FerretDB on {cfg.uri}")
    return spawn_detached(cmd, cfg.log_file, cfg.pid_file, endpoint=cfg.uri)


def mongo_ready(uri: str, timeout: float = 2.0) -> bool:
    """True once the server answers a `ping` command."""
    from pymongo import MongoClient  # lazy: keep `import deploy.local.infra` cheap
    from pymongo.errors import PyMongoError
    from pymongo.uri_parser import parse_uri

    # pymongo retries a refused connection until its timeout; a plain connect fails fast.
    host, port = parse_uri(uri)["nodelist"][0]
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    timeout_ms = int(timeout * 1000)
    client: MongoClient[dict[str, object]] = MongoClient(
        uri,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=timeout_ms,
        directConnection=True,
    )
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()
