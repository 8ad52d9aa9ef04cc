"""Writing files safely: whole or not at all, with the permissions any other new file would get.

`atomic_write(path, write)` lets `write` fill a temporary file in the target's own folder, flushes it
to disk and renames it over the target in one step (`os.replace`), so a crash, a full disk or a
refused input never leaves half a scorecard, and a reader never sees one. The temporary file is
removed when anything fails.

Why not `tempfile.mkstemp`: it creates the file with mode 0600, and a rename keeps that mode, so
every scorecard or summary written through it could be opened by its owner only. Here the temporary
file is created with 0666, which the operating system narrows by the process's umask exactly as it
does for any new file (0644 with the usual umask 022); a file being replaced keeps its own mode.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEMP_PREFIX = ".kpi-xl-"  # hidden on Unix; a leftover one is easy to recognise


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Call `write(temporary_path)`, then put the finished file at `path` in one rename.

    The temporary file sits in the same folder (a rename within one file system is atomic) and keeps
    the target's suffix (some writers choose the format from it). An existing file at `path` is
    replaced and keeps its mode; a new one gets the umask's default. Errors (OSError from the
    system, anything `write` raises) propagate after the temporary file is removed.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> atomic_write(folder / "note.txt", lambda p: p.write_text("ok")).read_text()
    'ok'
    >>> sorted(p.name for p in folder.iterdir())
    ['note.txt']
    """
    target = Path(path)
    folder = target.parent
    mode = _existing_mode(target)
    fd, temp = _create_temp(folder, target.suffix)
    try:
        os.close(fd)
        write(temp)
        _flush_to_disk(temp)
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _flush_folder(folder)
    return target


def _existing_mode(target: Path) -> int | None:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return None


def _create_temp(folder: Path, suffix: str) -> tuple[int, Path]:
    """A new, empty, uniquely named file; 0666 narrowed by the umask, like any file a program makes."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{suffix}"
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"{folder}: no free temporary file name")  # 100 random names taken: not expected


def _flush_to_disk(temp: Path) -> None:
    # Without this a power cut right after the rename can leave an empty file under the final name.
    with open(temp, "r+b") as f:  # Windows flushes only a handle opened for writing
        os.fsync(f.fileno())


def _flush_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); folders cannot be opened this way on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_yaml(path: str | os.PathLike[str], what: str, error: type[Exception], source: str | None = None) -> Any:
    """Parse a YAML file HR edits (a policy, a role). Problems raise `error` naming the file (`source`,
    default its name), the line where the YAML breaks, and `what` the file was meant to be."""
    p = Path(path)
    source = source or p.name
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{p}: {what} not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"{p}: cannot read the {what} ({e})") from None
    import yaml  # for start-up speed: only where YAML is read (writing files needs no parser)

    # libyaml's safe loader when PyYAML has it: the same rules, ten times faster (kpi-xl roles parses ten
    # role files before it prints). A broken file is parsed again by PyYAML's own loader, whose messages
    # ("expected ',' or ']', but got '<stream end>'") are the ones HR sees whichever loader is installed.
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe
    except yaml.YAMLError:
        pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise error(f"{source}: not valid YAML{at}: {getattr(e, 'problem', e)}") from None


def save_workbook(workbook: Any, path: str | os.PathLike[str], what: str, error: type[Exception]) -> Path:
    """Save an openpyxl workbook whole or not at all; `error` names the file and `what` it is."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise error(f"{target}: folder {folder} does not exist")
    try:
        return atomic_write(target, workbook.save)
    except OSError as e:
        raise error(f"{target}: cannot write the {what} ({e.strerror or e})") from None
