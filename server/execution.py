"""Where a query runs: in a process of its own that can be killed, so that the time limit really stops the work.

pyoxigraph cannot cancel a query and a thread cannot be killed; a process can. Each
server worker keeps a small pool of query processes, forked after the store is loaded
(its memory shared copy-on-write), each answering one query at a time over a pipe. A
query still running at the time limit has its process killed (SIGKILL) and replaced,
and the client gets 503; other requests go on in the other processes meanwhile. A
process that dies on its own (past its memory limit, an engine crash) is replaced too.

Forks come from a single-threaded "forker" process, started with the pool, never from
the threaded server worker: a child forked there could inherit a lock another thread
holds. When its server worker goes away (closes the socket, or dies) the forker kills
its query processes, collects them, and exits.

A query still running after a second is moved to a lower CPU priority (nice 10), so
that the short queries of other clients keep their speed next to it.

In a query process, before any query:
- the network is cut: it moves to a network namespace of its own, where nothing can be
  reached (when the kernel allows it; the guard refuses SERVICE before this anyway);
- its address space may grow by `memory_mb` at most (RLIMIT_AS), and the kernel's OOM
  killer picks it before the server;
- SIGTERM and SIGINT are ignored: its server worker decides when it ends, so a server
  that drains on SIGTERM lets the queries in flight finish.

    QueryJob ─▶ Executor.run ─▶ QueryOutcome (status, media type, body or message)

`InlineExecutor` runs the query in the request's own thread (max_concurrent = 0): no
time limit; for measuring what the processes cost, and for debugging.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import heapq
import itertools
import logging
import math
import os
import pickle
import queue
import resource
import select
import signal
import socket
import threading
import time
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import NoReturn

from flask import Flask, current_app

from xianan_kg.query.syntax import describe_engine_error
from xianan_kg.store.base import AnswerWriteError, LocalStore, QueryEvaluationError, QuerySyntaxError
from xianan_kg.store.choice import is_endpoint

from .limits import QueryLimits, ResultTooLarge, write_answer
from .negotiation import NotAcceptable, negotiate
from .results import aliases_for

log = logging.getLogger(__name__)
EXTENSION = "xianan_kg.execution"
IGNORED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2)
CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
SLOW_AFTER, SLOW_NICE = 1.0, 10  # a query still running after 1 s runs at nice 10: short queries keep their speed


@dataclass(frozen=True)
class QueryJob:
    """One query as the protocol layer read it; hashable, so it can key a cache."""

    query: str
    default_graphs: tuple[str, ...] | None  # None: the service's default (every graph)
    named_graphs: tuple[str, ...] | None
    base_iri: str | None
    accept: str | None  # the client's Accept header: the format is chosen once the query form is known


@dataclass(frozen=True)
class QueryOutcome:
    """A complete answer (status 200, media type, body) or a refusal (status, message for the client)."""

    status: int
    body: bytes = b""
    media_type: str = ""
    message: str = ""


def refusal(status: int, message: str) -> QueryOutcome:
    return QueryOutcome(status, message=message)


def not_acceptable_message(exc: NotAcceptable) -> str:
    return f"Not Acceptable: {exc}. Ask for one of them in the Accept header."


def cancelled_message(limits: QueryLimits) -> str:
    return (
        f"Service Unavailable: the query was cancelled after {limits.timeout:g} s, the time limit of this "
        "endpoint, and its work stopped. Make it more selective (fewer unbound patterns, a LIMIT) or "
        "download the data (/dump) and query it yourself."
    )


def died_message(limits: QueryLimits) -> str:
    return (
        f"Service Unavailable: the query was stopped: it needed more than {limits.memory_mb} MiB of memory, "
        "the limit of this endpoint, or its engine failed on it. Make it more selective (fewer unbound patterns)."
    )


BUSY = "Service Unavailable: every query process of this server worker is busy; try again in a few seconds."
PREEMPTED = (
    "Service Unavailable: the query was cancelled to make room for another client's: every query process was "
    "busy, and this one had run longest for the client that had used the most query time. Try again later, "
    "or make it more selective."
)
PREEMPT_AFTER = 0.25  # s a query waits for a free process before the slow query of the greediest client is cancelled


def answer_job(store: LocalStore, job: QueryJob, limits: QueryLimits) -> QueryOutcome:
    """Run one job on the store and write its answer within the limits; any fault of the query is a 4xx outcome."""
    try:
        answer = store.execute(
            job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs, base_iri=job.base_iri
        )
        media_type = negotiate(job.accept, answer.media_types, aliases_for(answer.form))
        return QueryOutcome(200, write_answer(answer, media_type, limits), media_type)
    except QuerySyntaxError as exc:
        return refusal(400, f"Bad Request: {describe_engine_error(job.query, str(exc))}")
    except QueryEvaluationError as exc:
        return refusal(400, f"Bad Request: {exc}")
    except NotAcceptable as exc:
        return refusal(406, not_acceptable_message(exc))
    except AnswerWriteError as exc:
        return refusal(406, f"Not Acceptable: {exc}; ask for another format, e.g. text/turtle")
    except ResultTooLarge as exc:
        return refusal(400, f"Bad Request: {exc}")
    except (ValueError, OSError, SyntaxError, RuntimeError) as exc:  # pyoxigraph, failing while it evaluates
        return refusal(400, f"Bad Request: the query could not be evaluated: {exc}")


class Executor(ABC):
    """Runs QueryJobs for one server process."""

    @abstractmethod
    def run(self, job: QueryJob, priority: float = 0.0) -> QueryOutcome: ...

    def close(self) -> None:  # noqa: B027 - most executors own nothing to stop
        """Stop whatever runs queries."""


class InlineExecutor(Executor):
    """The query in the request's own thread: no process, no time limit."""

    def __init__(self, store: LocalStore, limits: QueryLimits) -> None:
        self.store, self.limits = store, limits

    def run(self, job: QueryJob, priority: float = 0.0) -> QueryOutcome:
        return answer_job(self.store, job, self.limits)


# --- inside a query process ---


def cut_network() -> bool:
    """Move this (single-threaded) process to an empty network namespace; False where the kernel refuses."""
    unshare = getattr(ctypes.CDLL(None, use_errno=True), "unshare", None)  # Linux only
    if unshare is None:
        return False
    if unshare(CLONE_NEWNET) == 0:
        return True
    uid, gid = os.getuid(), os.getgid()  # unprivileged: a user namespace first, mapping ourselves to ourselves
    if unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        try:
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
        except OSError:
            pass
    return True


def _cap_memory(memory_mb: int) -> None:
    """Let the address space grow by `memory_mb` beyond what it maps now (most of it shared with the server)."""
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
    except OSError:  # no /proc: no limit but time
        return
    limit = mapped + memory_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write("1000")  # the first to go if the machine runs out of memory
    except OSError:
        pass


def serve_queries(conn: Connection, store: LocalStore, limits: QueryLimits, isolate: bool) -> NoReturn:
    """A query process: answer jobs from `conn` one at a time until its server worker closes the pipe."""
    if isolate and not cut_network():
        os.write(2, b"xianan-kg: query process: no network namespace available; SERVICE is refused by the guard\n")
    _cap_memory(limits.memory_mb)
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        try:
            outcome = answer_job(store, job, limits)
        except MemoryError:
            outcome = refusal(503, died_message(limits))
        except Exception as exc:  # a bug, not the query's fault: reported as such, and the process replaced
            outcome = refusal(500, f"Internal Server Error: the query process failed: {type(exc).__name__}")
        try:
            conn.send_bytes(pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL))
        except MemoryError:
            conn.send_bytes(pickle.dumps(refusal(503, died_message(limits))))


# --- the forker ---


def _reap(children: set[int]) -> None:
    """Collect the query processes that have ended (killed by their server worker at a time limit)."""
    while children:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)


def _forker_main(requests: socket.socket, child_main: Callable[[Connection], NoReturn]) -> NoReturn:
    """Fork a query process for every socket sent over `requests`; when it closes, end them all and exit.

    The forker reaps its children itself (an init that reaps orphans cannot be counted on),
    so a pid it still holds is always one of its own query processes."""
    children: set[int] = set()
    try:
        for signum in IGNORED_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # its children are collected with waitpid
        signal.set_wakeup_fd(-1)
        gc.freeze()  # objects shared with the server stay untouched by the children's collector
        while True:
            _reap(children)
            if not select.select([requests], [], [], 1.0)[0]:
                continue
            message, fds, _, _ = socket.recv_fds(requests, 1, 1)
            if not message or not fds:
                break
            pid = os.fork()
            if pid == 0:  # a query process: it must never return into this loop
                try:
                    requests.close()
                    child_main(Connection(fds[0]))
                finally:
                    os._exit(1)
            children.add(pid)
            os.close(fds[0])
            requests.sendall(pid.to_bytes(4, "little"))
    except BaseException:
        traceback.print_exc()
    finally:
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        for pid in children:
            os.waitpid(pid, 0)
    os._exit(0)


@dataclass
class QueryProcess:
    pid: int
    conn: Connection
    yielding: bool = False  # running at a lower CPU priority (a long query)

    def yield_cpu(self) -> None:
        """Let short queries go first: a query that runs long is niced."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, SLOW_NICE)
            self.yielding = True
        except OSError:
            pass

    def restore_cpu(self) -> bool:
        """Back to the normal CPU priority; False where that is not allowed (an unprivileged user cannot)."""
        if self.yielding:
            try:
                os.setpriority(os.PRIO_PROCESS, self.pid, 0)
                self.yielding = False
            except OSError:
                return False
        return True

    def stop(self) -> None:
        """SIGKILL, leaving the pipe to the request that waits on it: it reads the end, then kills (closes) it.
        Closing a pipe another greenlet waits on would abort gevent's event loop."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.stop()
        self.conn.close()


class Forker:
    """A single-threaded child that forks query processes on request; see the module's docstring."""

    def __init__(self, child_main: Callable[[Connection], NoReturn], close_fds: Sequence[int] = ()) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            ours.close()
            for fd in close_fds:  # e.g. the server's listening sockets
                try:
                    os.close(fd)
                except OSError:
                    pass
            _forker_main(theirs, child_main)
        theirs.close()
        self.pid, self._socket, self._lock = pid, ours, threading.Lock()

    def spawn(self) -> QueryProcess:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        for end in (ours, theirs):  # gevent's sockets are non-blocking underneath; a Connection's reads must block
            os.set_blocking(end.fileno(), True)
        with self._lock:
            try:
                socket.send_fds(self._socket, [b"f"], [theirs.fileno()])
                reply = b""
                while len(reply) < 4:
                    chunk = self._socket.recv(4 - len(reply))
                    if not chunk:
                        raise OSError("the forker of query processes is gone")
                    reply += chunk
            finally:
                theirs.close()
        return QueryProcess(int.from_bytes(reply, "little"), Connection(ours.detach()))

    def close(self) -> None:
        """End the forker and, with it, every query process it forked."""
        self._socket.close()  # the forker's cue: it kills and collects its query processes, then exits
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    return
            except ChildProcessError:
                return
            time.sleep(0.01)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def query_process_main(store: LocalStore, limits: QueryLimits, isolate: bool) -> Callable[[Connection], NoReturn]:
    return lambda conn: serve_queries(conn, store, limits, isolate)


class ProcessPool(Executor):
    """`max_concurrent` query processes for one server worker, one query each at a time (see the module)."""

    def __init__(
        self,
        store: LocalStore,
        limits: QueryLimits,
        *,
        isolate: bool,
        close_fds: Sequence[int] = (),
        forker: Forker | None = None,
    ):
        self.limits = limits
        self._child_main = query_process_main(store, limits, isolate)
        self._close_fds = tuple(close_fds)
        self._forker = forker or Forker(self._child_main, self._close_fds)
        self._forker_lock = threading.Lock()
        self._idle: queue.LifoQueue[QueryProcess] = queue.LifoQueue()  # the last used first: its caches are warm
        self._waiting: list[tuple[float, int]] = []  # (priority, arrival) of the requests waiting for a process
        self._arrivals = itertools.count()
        self._turn = threading.Condition()
        self._running: dict[int, tuple[QueryProcess, float, float]] = {}  # pid -> (process, start, priority)
        self._preempted: set[int] = set()
        self._running_lock = threading.Lock()
        self._closed = False
        for _ in range(limits.max_concurrent):
            self._idle.put(self._spawn())

    def _spawn(self) -> QueryProcess:
        try:
            return self._forker.spawn()
        except OSError:  # the forker was killed: start another one
            with self._forker_lock:
                self._forker.close()
                self._forker = Forker(self._child_main, self._close_fds)
            return self._forker.spawn()

    def _acquire(self, priority: float) -> QueryProcess | None:
        """A free process, given to the waiting request whose client used the least query time first; after
        PREEMPT_AFTER s of waiting, the slow query of a greedier client is cancelled to free one."""
        ticket = (priority, next(self._arrivals))
        deadline = time.monotonic() + self.limits.timeout
        preempt_at = time.monotonic() + PREEMPT_AFTER
        with self._turn:
            heapq.heappush(self._waiting, ticket)
            try:
                while True:
                    if self._waiting[0] == ticket:
                        try:
                            return self._idle.get_nowait()
                        except queue.Empty:
                            pass
                    now = time.monotonic()
                    if now >= deadline:
                        return None
                    if now >= preempt_at:  # again and again: a query becomes slow, or greedier, as it runs
                        preempt_at = deadline if self._preempt(priority) else now + PREEMPT_AFTER / 2
                    self._turn.wait(min(deadline, preempt_at) - now)
            finally:
                self._waiting.remove(ticket)
                heapq.heapify(self._waiting)
                self._turn.notify_all()

    def _release(self, process: QueryProcess) -> None:
        self._idle.put(process)
        with self._turn:
            self._turn.notify_all()

    def run(self, job: QueryJob, priority: float = 0.0) -> QueryOutcome:
        """Run `job`; `priority` is its client's query time used: when every process is busy, the slow query of
        a client that used more is cancelled for it (a well-behaved client waits a fraction of a second)."""
        process = self._acquire(priority)
        if process is None:
            return refusal(503, BUSY)
        pid = process.pid
        with self._running_lock:
            self._running[pid] = (process, time.monotonic(), priority)
        try:
            outcome = self._ask(process, job)
        except BaseException:
            process.kill()
            process = None
            raise
        finally:
            with self._running_lock:
                self._running.pop(pid, None)
                self._preempted.discard(pid)
            if process is not None and (outcome.status >= 500 or not process.restore_cpu()):
                process.kill()  # cancelled, dead, in doubt or niced for good: a fresh process takes its place
                process = None
            self._release(process or self._spawn())
        return outcome

    def _ask(self, process: QueryProcess, job: QueryJob) -> QueryOutcome:
        try:
            process.conn.send_bytes(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            if not self._answered_in_time(process):
                log.warning(
                    "query cancelled after %g s (process %d killed): %.200r",
                    self.limits.timeout,
                    process.pid,
                    job.query,
                )
                return refusal(503, cancelled_message(self.limits))
            return pickle.loads(process.conn.recv_bytes())
        except (EOFError, OSError):
            with self._running_lock:
                preempted = process.pid in self._preempted
                self._preempted.discard(process.pid)
            if preempted:
                return refusal(503, PREEMPTED)
            log.warning("query process %d died on a query: %.200r", process.pid, job.query)
            return refusal(503, died_message(self.limits))

    def _preempt(self, priority: float) -> bool:
        """Cancel the slow query (past SLOW_AFTER) of the client that used the most query time, this query's time
        so far included, if that is more than `priority`; short queries and better-behaved clients are never
        cancelled. Whether one was."""
        now = time.monotonic()
        with self._running_lock:
            candidates = [  # a running query counts toward its client's use: (used + running so far, pid)
                (p + now - start, pid)
                for pid, (_, start, p) in self._running.items()
                if p + now - start > priority and now - start > SLOW_AFTER and pid not in self._preempted
            ]
            if not candidates:
                return False
            _, pid = max(candidates)
            victim = self._running[pid][0]
            self._preempted.add(pid)
        log.warning("query process %d cancelled for a client that used less query time", pid)
        victim.stop()
        return True

    def _answered_in_time(self, process: QueryProcess) -> bool:
        """Whether the answer is ready within the time limit; past SLOW_AFTER s the query yields the CPU."""
        first = min(SLOW_AFTER, self.limits.timeout)
        if readable(process.conn, first):
            return True
        process.yield_cpu()
        return readable(process.conn, self.limits.timeout - first)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._forker.close()


def readable(conn: Connection, seconds: float) -> bool:
    """Whether `conn` has data (or its end) within `seconds`. `select.poll` is looked up at each call, so under
    gunicorn's gevent worker (which patches `select`) the wait lets the worker's other connections go on;
    `Connection.poll` would block them all, its selector being bound when multiprocessing was imported."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    return bool(poller.poll(max(0, math.ceil(seconds * 1000))))


# --- one executor per process of the app ---


class ExecutionSlot:
    """The executor of the current process: made on first use in each process (gunicorn forks after create_app)."""

    def __init__(self, store: LocalStore, limits: QueryLimits, isolate: bool) -> None:
        self.store, self.limits, self.isolate = store, limits, isolate
        self._executor: Executor | None = None
        self._pid = -1
        self._lock = threading.Lock()
        self._forker: tuple[int, Forker] | None = None  # (pid of its server worker, forker) made by prefork

    def prefork(self, close_fds: Sequence[int] = ()) -> None:
        """Start this process's forker now, before a gevent worker patches the standard library (gunicorn's
        post_fork): its query processes are then plain processes, as under gthread."""
        if self.limits.max_concurrent > 0:
            forker = Forker(query_process_main(self.store, self.limits, self.isolate), close_fds)
            self._forker = (os.getpid(), forker)

    def start(self, close_fds: Sequence[int] = ()) -> Executor:
        with self._lock:
            if self._pid != os.getpid():
                if self.limits.max_concurrent <= 0:
                    self._executor = InlineExecutor(self.store, self.limits)
                else:
                    forker = self._forker[1] if self._forker and self._forker[0] == os.getpid() else None
                    self._executor = ProcessPool(
                        self.store, self.limits, isolate=self.isolate, close_fds=close_fds, forker=forker
                    )
                    atexit.register(self._executor.close)
                self._pid = os.getpid()
            assert self._executor is not None  # made above in this process
            return self._executor

    def get(self) -> Executor:
        executor = self._executor
        return executor if executor is not None and self._pid == os.getpid() else self.start()

    def stop(self) -> None:
        with self._lock:
            if self._executor is not None and self._pid == os.getpid():
                self._executor.close()
            self._executor, self._pid = None, -1


def init_app(app: Flask, store: LocalStore, limits: QueryLimits, store_spec: str) -> ExecutionSlot:
    """Give the app its execution slot; the network is cut in query processes unless the store is remote."""
    slot = ExecutionSlot(store, limits, isolate=not is_endpoint(store_spec))
    app.extensions[EXTENSION] = slot
    return slot


def execution_slot(app: Flask) -> ExecutionSlot:
    return app.extensions[EXTENSION]


def run_query(job: QueryJob, priority: float = 0.0) -> QueryOutcome:
    """Run a job with the current app's executor (in this process)."""
    return execution_slot(current_app).get().run(job, priority)
