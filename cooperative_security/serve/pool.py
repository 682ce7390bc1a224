"""A pool of query worker processes: each query runs where it can be killed when its time is up.

pyoxigraph cannot cancel a running query, and a query can need any amount of memory or stack. So
no query runs in the server's process: each goes to a worker (:mod:`.worker`), a child that opens
the store read-only under an address-space cap (``RLIMIT_AS``) and a CPU cap (``RLIMIT_CPU``). When
the time limit passes, the server kills the worker (SIGKILL, which frees its CPU and memory at once)
and starts another in its place; a worker that dies of its own (out of memory, stack overflow) is
replaced the same way. The server's memory is then bounded whatever the query: the answers it holds
are capped in bytes, each (``--max-answer``) and together while clients read them (``--max-running`` x
``--max-answer``, :class:`.connections.AnswerBudget`), and everything else a query costs is the worker's.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.context
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from .httperror import HttpError


@dataclass(frozen=True)
class WorkerLimits:
    timeout: float
    memory: int  # bytes of address space per worker; 0 for no cap
    max_answer: int


class WorkerGone(Exception):
    """The worker died while answering (a signal, or its pipe closed)."""


def _context() -> multiprocessing.context.ForkServerContext:
    """Workers are forked from a server process that has imported pyoxigraph and the worker's code once,
    so a replacement starts in a few milliseconds instead of the second a fresh interpreter takes."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cooperative_security.serve.worker"])
    return context


class Worker:
    """One child process and its pipe."""

    def __init__(self, path: str, memory: int, generation: int, start_timeout: float = 60.0,
                 writer: bool = False) -> None:
        from .worker import serve_pipe

        self.generation = generation
        self._killed = False
        ours, theirs = _context().Pipe(duplex=True)
        self.connection = ours
        self.process = _context().Process(target=serve_pipe, args=(theirs, path, memory, writer), daemon=True,
                                          name="coopsec-writer" if writer else "coopsec-query-worker")
        self.process.start()
        theirs.close()
        try:
            ready = self._read(time.monotonic() + start_timeout)
        except BaseException:
            self.kill()
            raise
        if json.loads(ready).get("ready") is not True:
            self.kill()
            error = json.loads(ready).get("error") or ready.decode(errors="replace")
            raise WorkerGone(f"the worker did not start: {error}")

    @property
    def pid(self) -> int:
        return int(self.process.pid or 0)

    @property
    def alive(self) -> bool:
        return not self._killed and self.process.is_alive()

    @property
    def returncode(self) -> int | None:
        return None if self._killed else self.process.exitcode

    def kill(self) -> None:
        if self._killed:
            return
        self._killed = True
        if self.process.exitcode is None:
            try:
                self.process.kill()
            except (ProcessLookupError, OSError):
                pass
        self.process.join()
        self.exitcode = self.process.exitcode
        self.connection.close()
        self.process.close()

    def stop(self, grace: float = 5.0) -> None:
        """Close the pipe: the worker leaves its loop and closes its store; killed if not gone within ``grace``."""
        if self._killed:
            return
        try:
            self.connection.close()
        except OSError:
            pass
        self.process.join(grace)
        self.kill()

    def ask(self, request: dict[str, Any], deadline: float) -> tuple[dict[str, Any], bytes]:
        try:
            self.connection.send_bytes(json.dumps(request).encode())
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise WorkerGone(str(exc)) from None
        header = json.loads(self._read(deadline))
        body = self._read(deadline)
        return header, body

    def _read(self, deadline: float) -> bytes:
        left = deadline - time.monotonic()
        try:
            ready = left > 0 and self.connection.poll(left)
            if ready:
                return self.connection.recv_bytes()
        except (EOFError, OSError) as exc:
            raise WorkerGone(str(exc) or "end of pipe") from None
        raise TimeoutError()


def _death(returncode: int | None, limits: WorkerLimits, what: str = "query") -> HttpError:
    """What a dead worker's exit status tells the client."""
    memory = f"{limits.memory // (1024 * 1024)} MB" if limits.memory else "the machine's memory"
    kept = "; nothing of it was kept" if what == "update" else ""
    if returncode == -signal.SIGSEGV:
        return HttpError(400, f"the {what} crashed its worker (a stack overflow: it nests or chains too many "
                              f"patterns){kept}; simplify it")
    if returncode == -signal.SIGXCPU:
        return HttpError(503, f"the {what} used more CPU time than the server's --timeout "
                              f"({limits.timeout:g} s) and was stopped{kept}; narrow it or add a LIMIT")
    if returncode in (-signal.SIGABRT, -signal.SIGKILL, 134, 137) or returncode is None:
        return HttpError(503, f"the {what} needed more memory than this server gives one {what} ({memory}, the "
                              f"server's --query-memory) and was stopped{kept}; narrow it or add a LIMIT")
    return HttpError(500, f"the {what}'s worker stopped unexpectedly (exit status {returncode}){kept}; "
                          "the server started another")


class WorkerPool:
    """``size`` workers over the store at ``path``; at most ``size`` queries run at once."""

    def __init__(self, path: str | os.PathLike[str], size: int, limits: WorkerLimits) -> None:
        self.path = str(path)
        self.size = size
        self.limits = limits
        self.generation = 0
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._starting = 0
        starters = [threading.Thread(target=self._add, daemon=True) for _ in range(size)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()
        if self._idle.qsize() < size:
            self.close()
            raise OSError(f"cannot start the query workers over {self.path}")

    def _replace_later(self) -> None:
        with self._lock:
            self._starting += 1  # counted before the thread runs: a request arriving now waits for it
        threading.Thread(target=self._add, kwargs={"counted": True}, name="coopsec-worker-start",
                         daemon=True).start()

    def _add(self, attempts: int = 3, counted: bool = False) -> None:
        if not counted:
            with self._lock:
                self._starting += 1
        try:
            self._start(attempts)
        finally:
            with self._lock:
                self._starting -= 1

    def _new_worker(self, attempts: int) -> Worker:
        """A worker over the store as it is now. A start that fails is tried again after a short wait: a
        worker can fail to open the store while the writer reopens it after an update was stopped."""
        for attempt in range(attempts):
            if self._closed:
                raise OSError("the server is stopping")
            try:
                return Worker(self.path, self.limits.memory, self.generation)
            except (OSError, WorkerGone, TimeoutError, ValueError):
                if attempt == attempts - 1:
                    raise
                time.sleep(0.5 * (attempt + 1))
        raise OSError("no attempt to start a worker was made")  # attempts < 1

    def _start(self, attempts: int) -> None:
        if self._closed:
            return
        try:
            worker = self._new_worker(attempts)
        except (OSError, WorkerGone, TimeoutError, ValueError):
            print(f"coopsec serve: could not start a query worker over {self.path}", file=sys.stderr)
            return
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: Worker, replace: bool = True) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if replace and not self._closed:
            self._replace_later()

    def refresh(self) -> None:
        """The store changed (an update): workers opened before now see an old state, so replace them."""
        with self._lock:
            self.generation += 1

    def run(self, request: dict[str, Any], wait: float) -> tuple[dict[str, Any], bytes]:
        """Answer one request in a worker; ``wait`` is how long to wait for a free one."""
        if self._closed:
            raise HttpError(503, "the server is stopping")
        try:
            # a worker being started in place of a killed one is as good as free: wait for it too
            worker = self._idle.get(timeout=wait + (10.0 if self._starting else 0.0))
        except queue.Empty:
            raise HttpError(503, f"the server is busy: {self.size} queries are running (the server's "
                                 "--max-running); retry later") from None
        if worker.generation != self.generation or not worker.alive:
            self._retire(worker, replace=False)
            try:
                worker = self._new_worker(3)
            except (OSError, WorkerGone, TimeoutError, ValueError) as exc:
                self._replace_later()
                raise HttpError(503, f"could not start a query worker ({exc}); retry later") from None
            with self._lock:
                self._all.add(worker)
        request = {**request, "cpu": self.limits.timeout, "max_answer": self.limits.max_answer}
        try:
            header, body = worker.ask(request, time.monotonic() + self.limits.timeout)
        except TimeoutError:
            self._retire(worker)  # SIGKILL: its CPU and memory are free when this returns
            raise HttpError(503, f"the query took longer than {self.limits.timeout:g} s (the server's "
                                 "--timeout) and was stopped; narrow it or add a LIMIT") from None
        except (WorkerGone, ValueError):
            worker.process.join(2)
            code = worker.returncode
            self._retire(worker)
            raise _death(code, self.limits) from None
        self._idle.put(worker)
        return header, body

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


class Writer:
    """The one process that holds the store read-write and runs the updates, one at a time.

    An on-disk store has one writer (RocksDB's lock), so the server itself never opens it for
    writing: this child does, under the same caps as a query worker. An update runs as one
    transaction; when its time is up the child is killed (SIGKILL), which frees its CPU and memory
    at once and commits nothing, so the store stays as it was. The next update starts another child,
    which reopens the store (replaying its log).
    """

    def __init__(self, path: str | os.PathLike[str], limits: WorkerLimits) -> None:
        self.path = str(path)
        self.limits = limits
        self._lock = threading.Lock()
        self._closed = False
        self._worker: Worker | None = None
        try:
            self._worker = Worker(self.path, limits.memory, 0, writer=True)
        except (WorkerGone, TimeoutError, ValueError) as exc:
            raise OSError(f"cannot open the store {self.path} for writing: {exc}") from None

    def run(self, request: dict[str, Any], wait: float) -> tuple[dict[str, Any], bytes]:
        """Run one update; ``wait`` is how long to wait for the update before it to end."""
        if not self._lock.acquire(timeout=wait):
            raise HttpError(503, f"the server is busy with another update (for longer than {wait:g} s); "
                                 "retry later")
        try:
            if self._closed:
                raise HttpError(503, "the server is stopping")
            worker = self._worker
            if worker is None or not worker.alive:
                if worker is not None:
                    worker.kill()
                self._worker = None
                try:
                    worker = self._worker = Worker(self.path, self.limits.memory, 0, writer=True)
                except (OSError, WorkerGone, TimeoutError, ValueError) as exc:
                    raise HttpError(503, f"could not open the store for this update ({exc}); retry later") from None
            request = {**request, "cpu": self.limits.timeout, "max_answer": self.limits.max_answer}
            try:
                return worker.ask(request, time.monotonic() + self.limits.timeout)
            except TimeoutError:
                worker.kill()  # SIGKILL: its CPU and memory are free when this returns; its transaction is lost
                self._worker = None
                raise HttpError(503, f"the update took longer than {self.limits.timeout:g} s (the server's "
                                     "--timeout) and was stopped; nothing of it was kept") from None
            except (WorkerGone, ValueError):
                worker.process.join(2)
                code = worker.returncode
                worker.kill()
                self._worker = None
                raise _death(code, self.limits, "update") from None
        finally:
            self._lock.release()

    def pid(self) -> int | None:
        worker = self._worker
        return worker.pid if worker is not None and worker.alive else None

    def close(self) -> None:
        self._closed = True
        with self._lock:
            if self._worker is not None:
                self._worker.stop()
                self._worker = None


__all__ = ["WorkerPool", "WorkerLimits", "Worker", "Writer"]
