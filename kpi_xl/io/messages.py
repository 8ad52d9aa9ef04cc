"""How files and errors are named in messages: a file's name quoted and made printable (`shown_name`),
an error on one line (`short_text`)."""

from __future__ import annotations

import os
import re

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
SURROGATES = re.compile(r"[\ud800-\udfff]")


def shown_name(path: str | os.PathLike[str], limit: int = 80) -> str:
    """A file's name as a message shows it, quoted: control and bidi characters escaped, bytes that are
    no UTF-8 shown as U+FFFD, the middle of a very long name left out (the extension stays).

    >>> print(shown_name("/hr/in/name with\\nnewline.xlsx"))
    'name with\\nnewline.xlsx'
    >>> print(shown_name("a" * 30 + "b" * 200 + ".xlsx", limit=40))
    'aaaaaaaaaaaaaaaaaaaaaaaa…bbbbbbbbbb.xlsx'
    """
    name = SURROGATES.sub("\ufffd", os.path.basename(os.fspath(path)))
    name = _UNSAFE_NAME.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), name)
    if len(name) > limit:
        name = name[: limit - 16] + "…" + name[-15:]  # the end keeps the extension
    return f"'{name}'"


def short_text(what: BaseException | str, limit: int = 120) -> str:
    """An error (or any text) on one line for a message: white space collapsed, at most `limit`
    characters, lone surrogates (from undecodable file names) shown as U+FFFD; an error that says
    nothing is named by its type.

    >>> short_text(ValueError("bad\\n   value")), short_text(KeyError()), short_text("x" * 9, limit=5)
    ('bad value', 'KeyError', 'xxxx…')
    """
    text = " ".join(str(what).split())
    if not text and isinstance(what, BaseException):
        text = type(what).__name__
    return SURROGATES.sub("\ufffd", text if len(text) <= limit else text[: limit - 1] + "…")
