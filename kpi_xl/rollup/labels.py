"""The words a hand-made scorecard uses for its columns and header fields, in English and Indonesian.

A label matches after `normalize`: lower case, single spaces, no trailing colon, and either with or
without a trailing bracket ("Bobot (%)" matches "bobot", "Indikator (KPI)" matches itself and
"indikator") or a trailing year ("Target 2025" matches "target", "Realisasi 2025" matches "realisasi").
Keep every synonym in normalized form.
"""

from __future__ import annotations

import re

# KPI table columns. weight, target and actual must all be present for a row to be a header row.
COLUMN_LABELS: dict[str, frozenset[str]] = {
    "kra": frozenset({
        "objective", "objectives", "kra", "key result area", "key result areas", "key result",
        "sasaran", "sasaran strategis", "area hasil utama", "area kinerja utama", "tujuan",
        "objective / kra", "kra / objective", "objective/kra", "kra/objective", "perspektif",
    }),
    "indicator": frozenset({
        "indikator (kpi)", "indikator", "indicator", "indicator (kpi)", "kpi", "indikator kinerja",
        "indikator kinerja utama", "key performance indicator", "kpi indicator", "ukuran kinerja",
        "indicators", "kpi (indicator)",
    }),
    "unit": frozenset({"unit", "satuan", "unit of measure", "uom"}),
    "direction": frozenset({"direction", "arah", "polaritas", "polarity"}),
    "weight": frozenset({"bobot", "weight", "weighting", "bobot %", "weight %", "bobot%", "weight%"}),
    "target": frozenset({"target", "target value", "nilai target"}),
    "tolerance": frozenset({"tolerance", "toleransi"}),
    "due": frozenset({"due", "due date", "deadline", "tenggat", "tenggat waktu", "batas waktu",
                      "jatuh tempo"}),
    "actual": frozenset({"aktual", "actual", "realisasi", "pencapaian", "capaian", "achievement",
                         "actual value", "nilai aktual"}),
    "score": frozenset({"skor", "score", "skor %", "score %", "achievement score", "skor pencapaian"}),
    "final": frozenset({"skor akhir", "final score", "final", "nilai akhir", "weighted score",
                        "skor tertimbang", "skor x bobot", "score x weight"}),
}
REQUIRED_COLUMNS = ("weight", "target", "actual")

# Header fields above the KPI table: a label cell, its value in the next filled cell to the right
# (or "Label: value" in one cell).
HEADER_LABELS: dict[str, frozenset[str]] = {
    "employee_id": frozenset({"employee id", "id karyawan", "nik", "nip", "no. karyawan", "no karyawan",
                              "nomor karyawan", "employee no", "employee no.", "employee number",
                              "id pegawai", "nomor induk karyawan", "staff id"}),
    "name": frozenset({"name", "nama", "employee name", "nama karyawan", "employee", "karyawan",
                       "nama pegawai", "pegawai"}),
    "department": frozenset({"department", "departemen", "divisi", "division", "bagian", "unit kerja",
                             "dept", "dept."}),
    "supervisor": frozenset({"supervisor", "atasan", "atasan langsung", "line manager", "penilai",
                             "reviewer", "manager"}),
    "role": frozenset({"role", "jabatan", "position", "posisi", "job title", "title"}),
    "role_id": frozenset({"role id", "id jabatan", "kode jabatan"}),
    "period": frozenset({"period", "periode", "periode penilaian", "assessment period",
                         "review period"}),
}

# First cell of the row that closes the KPI table (its final column holds the cached total): one of
# these, or a label starting with "total"/"jumlah" ("Total skor KPI", "Jumlah nilai").
TOTAL_LABELS = frozenset({"total", "jumlah", "total skor", "grand total", "sum"})
TOTAL_PREFIXES = ("total ", "jumlah ", "total:", "jumlah:")
# A labelled cell below the table holding the cached KPI value.
KPI_VALUE_LABELS = frozenset({"nilai kpi", "kpi value", "kpi score", "skor kpi", "nilai kinerja"})

# Direction words a hand-made sheet may use, besides the English names.
DIRECTION_WORDS = {
    "lebih tinggi": "higher", "semakin tinggi semakin baik": "higher", "maksimal": "higher",
    "max": "higher", "maximize": "higher", "higher is better": "higher", "naik": "higher",
    "lebih rendah": "lower", "semakin rendah semakin baik": "lower", "minimal": "lower",
    "min": "lower", "minimize": "lower", "lower is better": "lower", "turun": "lower",
    "rentang": "within", "range": "within", "dalam rentang": "within", "stabil": "within",
    "tonggak": "milestone",
}

_SPACES = re.compile(r"\s+")
_BRACKET = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")
_YEAR = re.compile(r"\s+(?:19|20)\d\d$")


def normalize(text: str) -> str:
    """'  Bobot (%) :' -> 'bobot (%)'.

    >>> normalize("  Skor   Akhir: ")
    'skor akhir'
    """
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().rstrip(":*").strip().lower()


def _forms(text: str) -> tuple[str, ...]:
    """'Target 2025 (Rp)' -> ('target 2025 (rp)', 'target 2025', 'target')."""
    norm = normalize(text)
    forms = [norm]
    bare = _BRACKET.sub("", norm).strip()
    if bare and bare != norm:
        forms.append(bare)
    undated = _YEAR.sub("", forms[-1])
    if undated and undated != forms[-1]:
        forms.append(undated)
    return tuple(forms)


def match(text: object, table: dict[str, frozenset[str]]) -> str | None:
    """The field a label names, or None.

    >>> match("Indikator (KPI)", COLUMN_LABELS), match("Bobot (%)", COLUMN_LABELS)
    ('indicator', 'weight')
    """
    if not isinstance(text, str) or not text or len(text) > 60:
        return None
    for form in _forms(text):
        for key, words in table.items():
            if form in words:
                return key
    return None


def is_total(text: object) -> bool:
    """The label of the row that closes a KPI table.

    >>> is_total("TOTAL"), is_total("Total skor KPI"), is_total("Jumlah:"), is_total("Totalitas")
    (True, True, True, False)
    """
    if not isinstance(text, str) or len(text) > 40:
        return False
    norm = normalize(text)
    return norm in TOTAL_LABELS or norm.startswith(TOTAL_PREFIXES)
