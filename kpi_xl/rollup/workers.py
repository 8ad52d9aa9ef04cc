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
from collections import deque
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
    """A worker: read each path of every batch the parent sends, answering file by file with its
    `WorkbookRead` (so the parent knows which file a dying worker held); None ends it."""
    while True:
        try:
            jobs = conn.recv()
        except EOFError:
            return
        if jobs is None:
            return
        for index, path in jobs:
            conn.send((index, read_workbook(path, limits)))


class _Worker:
    def __init__(self, context: Any, limits: Limits) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, limits), daemon=True)
        self.process.start()
        child.close()
        self.jobs: deque[tuple[int, str]] = deque()  # handed over, not answered yet, in order

    def give(self, jobs: list[tuple[int, str]]) -> None:
        self.jobs.extend(jobs)
        try:
            self.conn.send(jobs)
        except (OSError, ValueError):
            pass  # it died idle: its sentinel says so, and these files go to its replacement

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


# Files handed to a worker at a time. A worker gets its next batch while it still reads the last one,
# so it never waits for the parent, which is busy folding each file in (`Scorecards.add`).
BATCH = 8


def batch_size(files: int, workers: int) -> int:
    """Files per batch: `BATCH`, fewer in a small run, so that every worker gets a share."""
    return max(1, min(BATCH, files // (4 * max(workers, 1))))


def read_isolated(files: Sequence[str], *, jobs: int, progress: Progress | None = None,
                  limits: Limits = DEFAULT_LIMITS) -> Iterator[WorkbookRead]:
    """`read_workbook` of every file in `jobs` worker processes, yielded in input order as soon as the
    files before it are done; a worker that dies costs only the file it was reading (the files it
    held after that one are read by another)."""
    total = len(files)
    waiting: dict[int, WorkbookRead] = {}  # read out of turn, until its turn
    turn = 0
    todo = deque(enumerate(files))
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    workers = [_Worker(context, limits) for _ in range(min(jobs, total))]
    batch = batch_size(total, len(workers))

    def top_up(worker: _Worker) -> None:
        while todo and len(worker.jobs) <= batch:
            worker.give([todo.popleft() for _ in range(min(batch, len(todo)))])

    done = 0
    try:
        for worker in workers:
            top_up(worker)
        while done < total:
            busy = [w for w in workers if w.jobs]
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                answered = 0
                closed = False  # its pipe closed: it died (a closed pipe also "polls" as ready)
                if worker.conn in ready:
                    try:
                        while worker.jobs and worker.conn.poll():
                            index, read = worker.conn.recv()
                            expected, path = worker.jobs.popleft()
                            assert index == expected, (index, expected)
                            waiting[index] = read
                            answered += 1
                    except (EOFError, OSError):
                        closed = True
                # Dead once everything it sent before dying is taken (a result still in the pipe counts).
                if worker.jobs and (closed or ((worker.process.sentinel in ready or not worker.process.is_alive())
                                               and not worker.conn.poll())):
                    worker.process.join()
                    index, path = worker.jobs.popleft()  # the file it was reading when it died
                    dead = WorkbookRead(path)
                    dead.issues.append(Issue(path, "", "", ERROR, DIED.format(how=_how(worker.process.exitcode))))
                    waiting[index] = dead
                    answered += 1
                    todo.extendleft(reversed(worker.jobs))  # the files after it: read by another worker
                    worker.conn.close()
                    replacement = _Worker(context, limits)
                    workers[workers.index(worker)] = replacement
                    worker = replacement
                top_up(worker)
                for _ in range(answered):
                    done += 1
                    if progress is not None:
                        progress(done, total)
            while turn in waiting:
                yield waiting.pop(turn)
                turn += 1
    finally:
        for worker in workers:
            worker.stop()
