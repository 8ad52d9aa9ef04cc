"""Reading workbooks in worker processes, so that no file can stop a rollup.

`read_workbook` already turns anything a file raises into an issue for that file (a reader library's
panic, which is a `BaseException`, included). What no `except` can catch is a process that dies: native
code that aborts (an allocation failure inside the reader library), the operating system killing a
process that grew too large. Here each worker process reads one file at a time, handed to it by the
parent over its own pipe, so the parent always knows which file each worker holds. When a worker dies,
the file it was reading becomes one error row ("reading this file stopped the reader"), a new worker
takes its place, and the other files are read as usual.

The parent waits on every worker's pipe and on every worker's process sentinel at once
(`multiprocessing.connection.wait`), so a death is noticed at once, without polling.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from ..io.preflight import DEFAULT_LIMITS, ERROR, Limits
from .model import Issue, WorkbookRead
from .read import read_workbook

Progress = Callable[[int, int], None]

DIED = ("reading this file stopped the spreadsheet reader (the process reading it ended: {how}); "
        "the other files were read. Open it in Excel, save it again as .xlsx and send it again")


def _serve(conn: Connection, limits: Limits) -> None:
    """A worker: read each path the parent sends, answer with its `WorkbookRead`; None ends it."""
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        index, path = job
        conn.send((index, read_workbook(path, limits)))


class _Worker:
    def __init__(self, context: Any, limits: Limits) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, limits), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[int, str] | None = None

    def give(self, job: tuple[int, str]) -> None:
        self.job = job
        self.conn.send(job)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"stopped by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"stopped by signal {-exitcode}"
    return f"exit code {exitcode}"


def read_isolated(files: Sequence[str], *, jobs: int, progress: Progress | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> Iterator[WorkbookRead]:
    """`read_workbook` of every file in `jobs` worker processes, yielded in input order as soon as the
    files before it are done; a worker that dies costs only the file it was reading."""
    total = len(files)
    waiting: dict[int, WorkbookRead] = {}  # read out of turn (at most one per worker), until its turn
    turn = 0
    todo = list(enumerate(files))
    todo.reverse()  # pop() from the end hands out files in input order
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    workers = [_Worker(context, limits) for _ in range(min(jobs, total))]
    done = 0
    try:
        for worker in workers:
            if todo:
                worker.give(todo.pop())
        while done < total:
            busy = [w for w in workers if w.job is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in list(busy):
                result = None
                if worker.conn in ready or worker.process.sentinel in ready:
                    try:
                        result = worker.conn.recv() if worker.conn.poll() else None
                    except (EOFError, OSError):
                        result = None  # the pipe closed: the worker died
                    if result is None and worker.process.is_alive():
                        continue  # woken by another worker; nothing from this one yet
                if result is not None:
                    index, read = result
                    waiting[index] = read
                    worker.job = None
                    if todo:
                        worker.give(todo.pop())
                elif worker.process.sentinel in ready or not worker.process.is_alive():
                    worker.process.join()
                    index, path = worker.job  # type: ignore[misc]
                    dead = WorkbookRead(path)
                    dead.issues.append(Issue(path, "", "", ERROR, DIED.format(how=_how(worker.process.exitcode))))
                    waiting[index] = dead
                    worker.conn.close()
                    replacement = _Worker(context, limits)
                    workers[workers.index(worker)] = replacement
                    if todo:
                        replacement.give(todo.pop())
                else:
                    continue
                done += 1
                if progress is not None:
                    progress(done, total)
            while turn in waiting:
                yield waiting.pop(turn)
                turn += 1
    finally:
        for worker in workers:
            worker.stop()
