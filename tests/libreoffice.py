"""LibreOffice's part of tests/engines.py, under the names older tests import."""

from engines import find_soffice, recalculate_libreoffice as recalculate  # noqa: F401

__all__ = ["find_soffice", "recalculate"]
