"""A throwaway Virtuoso Open Source 7 (Debian's `virtuoso-opensource`) on 127.0.0.1, for tests and the benchmark.

Each instance gets its own database directory and ini file, listens on free loopback
ports only (SQL and HTTP) and is stopped and deleted afterwards. Its SPARQL endpoint is
`/sparql`; `/sparql-auth` (updates) and `/sparql-graph-crud-auth` (Graph Store Protocol)
take HTTP digest authentication as `dba` with the password `dba` of a new database.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BINARY = "virtuoso-t"
USER, PASSWORD = "dba", "dba"  # a new database's administrator; the instance is loopback-only and thrown away
INSTALL_HINT = "apt-get install -y virtuoso-opensource"

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 40
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {dir}
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
MaxClientConnections = 40
ServerThreads = 40
MaxKeepAlives = 40
KeepAliveTimeout = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 60
"""


def terminate(process: subprocess.Popen, timeout: float) -> None:
    """SIGTERM, as a service manager would; SIGKILL if it has not ended after `timeout` seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def version() -> str:
    out = subprocess.run([BINARY, "-?"], capture_output=True, text=True, timeout=20)
    lines = (out.stdout + out.stderr).splitlines()
    return "Virtuoso Open Source " + next((x.strip() for x in lines if x.startswith("Version")), "(version unknown)")


def available() -> bool:
    return shutil.which(BINARY) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Virtuoso:
    process: subprocess.Popen
    directory: Path
    http_port: int
    owns_directory: bool

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return f"{self.base_url}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/sparql-auth"

    @property
    def graph_store_url(self) -> str:
        return f"{self.base_url}/sparql-graph-crud-auth"

    def log(self) -> str:
        path = self.directory / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        terminate(self.process, 30)
        if self.owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def start(directory: Path | None = None, memory_mb: int = 400, timeout: float = 120) -> Virtuoso:
    """A new database in `directory` (a temporary one by default), answering SPARQL on a free port."""
    owns = directory is None
    directory = Path(tempfile.mkdtemp(prefix="xianan-virtuoso-")) if directory is None else directory
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    buffers = memory_mb * 1024 // 8 * 2 // 3  # 8 KiB pages, two thirds of the memory, as Virtuoso's guide advises
    ini = directory / "virtuoso.ini"
    ini.write_text(
        INI.format(
            dir=directory, sql_port=sql_port, http_port=http_port, buffers=buffers, dirty_buffers=buffers * 3 // 4
        ),
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [BINARY, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Virtuoso(process, directory, http_port, owns)
    deadline = time.monotonic() + timeout
    probe = f"{server.sparql_url}?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = server.log()
            server.stop()
            raise RuntimeError(f"virtuoso-t exited with {process.returncode}:\n{log[-3000:]}")
        try:
            with urllib.request.urlopen(probe, timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    log = server.log()
    server.stop()
    raise RuntimeError(f"virtuoso-t did not answer within {timeout:.0f} s:\n{log[-3000:]}")
