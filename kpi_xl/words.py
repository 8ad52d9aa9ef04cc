"""Every word kpi-xl recognises in what people type, in English and Indonesian, and the one way a typed
word or header is normalised before it is looked up.

Scorecards, rosters, role catalogues, `kpi-xl score` CSV files, policy ranges and the cell functions all
look words up here, so "Bobot (%)", "naik" or "ID" mean the same thing on every path. Each path keeps
its own vocabulary (a roster has columns a scorecard has not), but every vocabulary is matched by the
same `match`, after the same `normalise`.

Pure Python: no numpy, no spreadsheet library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import KpiInputError

# --- language ----------------------------------------------------------------------------------------

LANGS = ("en", "id")
DEFAULT_LANG = "en"
_LANG_WORDS = {"en": "en", "english": "en", "inggris": "en", "id": "id", "indonesian": "id",
               "indonesia": "id", "bahasa": "id", "bahasa indonesia": "id"}


def parse_lang(value: Any, name: str = "lang") -> str:
    """The language a value names: "en" or "id", in any case; blank is the default ("en").

    >>> parse_lang("ID"), parse_lang(" en "), parse_lang(None), parse_lang("Indonesia")
    ('id', 'en', 'en', 'id')
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_LANG
    if isinstance(value, str):
        lang = _LANG_WORDS.get(normalise(value))
        if lang is not None:
            return lang
    raise KpiInputError(f"{name} {value!r} is not en or id")


# --- normalising ------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_BRACKET = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")
_YEAR = re.compile(r"\s+(?:19|20)\d\d$")
_BRACKETS = re.compile(r"[\(\[][^\)\]]*[\)\]]")
_PUNCTUATION = re.compile(r"[\s_.\-:/#?()\[\]]+")


def normalise(text: Any) -> str:
    """A typed word as it is looked up: lower case, single spaces, no trailing colon or asterisk.

    >>> normalise("  Skor   Akhir: "), normalise("NAIK"), normalise(None)
    ('skor akhir', 'naik', '')
    """
    if not isinstance(text, str):
        return "" if text is None else normalise(str(text))
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip().rstrip(":*").strip().lower()


def forms(text: str) -> tuple[str, ...]:
    """The forms a header is looked up by, most exact first: as typed (normalised), without a trailing
    bracket ("Gaji (Rp)"), without a trailing year ("Target 2025"), and with punctuation as spaces
    ("Employee_ID").

    >>> forms("Target 2025 (Rp)")
    ('target 2025 (rp)', 'target 2025', 'target', 'target 2025 rp')
    """
    norm = normalise(text)
    out = [norm]
    bare = _BRACKET.sub("", norm).strip()
    if bare and bare != norm:
        out.append(bare)
    undated = _YEAR.sub("", out[-1])
    if undated and undated != out[-1]:
        out.append(undated)
    for plain in (_PUNCTUATION.sub(" ", norm).strip(), _PUNCTUATION.sub(" ", _BRACKETS.sub(" ", norm)).strip()):
        if plain and plain not in out:
            out.append(plain)
    return tuple(out)


Vocabulary = Mapping[str, frozenset[str]]


def vocabulary(fields: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """A field -> words table with every word normalised, so a table may be written naturally."""
    return {key: frozenset(normalise(w) for w in words) for key, words in fields.items()}


def match(text: Any, table: Vocabulary, *, longest: int = 60) -> str | None:
    """The field a header or label names in `table`, or None.

    >>> match("Bobot (%)", SCORECARD_COLUMNS), match("Indikator (KPI)", SCORECARD_COLUMNS)
    ('weight', 'indicator')
    >>> match("Gaji (Rp)", ROSTER_COLUMNS), match("Employee_ID", ROSTER_COLUMNS)
    ('monthly_salary', 'employee_id')
    """
    if not isinstance(text, str) or not text.strip() or len(text) > longest:
        return None
    for form in forms(text):
        for key, words in table.items():
            if form in words:
                return key
    return None


_LANG_SUFFIX = re.compile(r"[\s\-_]*[\(\[]\s*(en|id|english|indonesian|indonesia|inggris)\s*[\)\]]\s*$",
                          re.IGNORECASE)


def split_lang_suffix(text: str) -> tuple[str, str | None]:
    """A header that names its language at the end: ("Indicator", "en") for "Indicator (EN)".

    >>> split_lang_suffix("Indikator [ID]"), split_lang_suffix("Weight")
    (('Indikator', 'id'), ('Weight', None))
    """
    m = _LANG_SUFFIX.search(text)
    if not m:
        return text, None
    return text[: m.start()], parse_lang(m.group(1))


# --- directions, milestones, yes/no ------------------------------------------------------------------

DIRECTIONS = ("higher", "lower", "within", "milestone")

# Every word meaning a direction, the English names included.
DIRECTION_WORDS: dict[str, str] = {
    **{d: d for d in DIRECTIONS},
    "lebih tinggi": "higher", "semakin tinggi semakin baik": "higher", "maksimal": "higher",
    "max": "higher", "maximize": "higher", "higher is better": "higher", "naik": "higher",
    "tinggi": "higher",
    "lebih rendah": "lower", "semakin rendah semakin baik": "lower", "minimal": "lower",
    "min": "lower", "minimize": "lower", "lower is better": "lower", "turun": "lower", "rendah": "lower",
    "rentang": "within", "range": "within", "dalam rentang": "within", "stabil": "within",
    "tonggak": "milestone", "tonggak capaian": "milestone",
}


def direction_of(text: Any) -> str | None:
    """The direction a word names (English or Indonesian), or None.

    >>> direction_of("Naik"), direction_of("LOWER"), direction_of("sideways")
    ('higher', 'lower', None)
    """
    return DIRECTION_WORDS.get(normalise(text)) if isinstance(text, str) else None


# A milestone's actual cell: done / not done (English and Indonesian).
DONE_WORDS = frozenset({"yes", "ya", "y", "done", "selesai", "true", "benar", "sudah"})
NOT_DONE_WORDS = frozenset({"no", "tidak", "n", "not done", "belum", "false", "salah"})

# Yes/no columns of a role catalogue ("can be delegated").
YES_WORDS = frozenset({"yes", "ya", "y", "true", "1", "benar", "bisa"})
NO_WORDS = frozenset({"no", "tidak", "n", "false", "0", "salah", "tidak bisa"})

# A roster's potential rating (for the 9-box).
POTENTIALS = ("low", "medium", "high")
POTENTIAL_WORDS = {
    "low": "low", "l": "low", "1": "low", "rendah": "low",
    "medium": "medium", "med": "medium", "m": "medium", "2": "medium", "sedang": "medium",
    "menengah": "medium",
    "high": "high", "h": "high", "3": "high", "tinggi": "high",
}

# --- headers of each kind of sheet ----------------------------------------------------------------------

# A scorecard's KPI table (hand-made sheets, `kpi-xl score` CSV files). weight, target and actual must
# all be present for a row to be a header row.
SCORECARD_COLUMNS = vocabulary({
    "kra": ("objective", "objectives", "kra", "key result area", "key result areas", "key result",
            "sasaran", "sasaran strategis", "area hasil utama", "area kinerja utama", "tujuan",
            "objective / kra", "kra / objective", "objective/kra", "kra/objective", "perspektif"),
    "indicator": ("indikator (kpi)", "indikator", "indicator", "indicator (kpi)", "kpi", "indikator kinerja",
                  "indikator kinerja utama", "key performance indicator", "kpi indicator", "ukuran kinerja",
                  "indicators", "kpi (indicator)"),
    "unit": ("unit", "satuan", "unit of measure", "uom"),
    "direction": ("direction", "arah", "polaritas", "polarity"),
    "weight": ("bobot", "weight", "weighting", "bobot %", "weight %", "bobot%", "weight%"),
    "target": ("target", "target value", "nilai target"),
    "tolerance": ("tolerance", "toleransi"),
    "due": ("due", "due date", "deadline", "tenggat", "tenggat waktu", "batas waktu", "jatuh tempo"),
    "actual": ("aktual", "actual", "realisasi", "pencapaian", "capaian", "achievement", "actual value",
               "nilai aktual"),
    "score": ("skor", "score", "skor %", "score %", "achievement score", "skor pencapaian"),
    "final": ("skor akhir", "final score", "final", "nilai akhir", "weighted score", "skor tertimbang",
              "skor x bobot", "score x weight"),
})
REQUIRED_COLUMNS = ("weight", "target", "actual")

# A hand-made scorecard's competency table (the final rating's behaviours): competency and supervisor
# rating must both be present for a row to be its header row.
COMPETENCY_COLUMNS = vocabulary({
    "competency": ("kompetensi", "competency", "competencies", "nama kompetensi", "competency name"),
    "behaviour": ("perilaku", "behaviour", "behavior", "perilaku kunci", "key behaviour", "key behavior",
                  "deskripsi", "description"),
    "supervisor": ("nilai atasan", "supervisor rating", "supervisor", "penilaian atasan", "rating atasan",
                   "manager rating", "atasan"),
    "self_rating": ("nilai diri", "self rating", "self-rating", "self", "penilaian diri", "rating diri",
                    "nilai sendiri"),
    "weight": ("bobot", "weight", "bobot %", "weight %", "bobot%", "weight%"),
})
COMPETENCY_REQUIRED = ("competency", "supervisor")

# The calibration workbook HR keeps (`kpi-xl rollup --calibration FILE`): the header row of its first
# sheet with a recognisable one. employee_id and calibrated_level must both be present.
CALIBRATION_COLUMNS = vocabulary({
    "employee_id": ("employee id", "id karyawan", "nik", "nip", "employee no", "staff id"),
    "name": ("name", "nama", "employee name", "nama karyawan"),
    "period": ("period", "periode", "review period", "periode penilaian"),
    "level": ("level", "final level", "level akhir", "level sebelum kalibrasi", "level before calibration"),
    "calibrated_level": ("calibrated level", "level kalibrasi", "level setelah kalibrasi", "new level"),
    "reason": ("reason", "alasan", "calibration reason", "alasan kalibrasi"),
    "by": ("by", "calibrated by", "oleh", "dikalibrasi oleh"),
    "date": ("date", "tanggal", "calibrated on", "tanggal kalibrasi"),
})
CALIBRATION_REQUIRED = ("employee_id", "calibrated_level")

# Header fields above a hand-made scorecard's KPI table.
SCORECARD_FIELDS = vocabulary({
    "employee_id": ("employee id", "id karyawan", "nik", "nip", "no. karyawan", "no karyawan",
                    "nomor karyawan", "employee no", "employee no.", "employee number", "id pegawai",
                    "nomor induk karyawan", "staff id"),
    "name": ("name", "nama", "employee name", "nama karyawan", "employee", "karyawan", "nama pegawai",
             "pegawai"),
    "department": ("department", "departemen", "divisi", "division", "bagian", "unit kerja", "dept",
                   "dept."),
    "supervisor": ("supervisor", "atasan", "atasan langsung", "line manager", "penilai", "reviewer",
                   "manager"),
    "role": ("role", "jabatan", "position", "posisi", "job title", "title"),
    "role_id": ("role id", "id jabatan", "kode jabatan"),
    "period": ("period", "periode", "periode penilaian", "assessment period", "review period"),
})

# The row that closes a KPI table, and the labelled cell below it with the KPI value.
TOTAL_LABELS = frozenset({"total", "jumlah", "total skor", "grand total", "sum"})
TOTAL_PREFIXES = ("total ", "jumlah ", "total:", "jumlah:")
KPI_VALUE_LABELS = frozenset({"nilai kpi", "kpi value", "kpi score", "skor kpi", "nilai kinerja"})


def is_total(text: Any) -> bool:
    """The label of the row that closes a KPI table.

    >>> is_total("TOTAL"), is_total("Total skor KPI"), is_total("Jumlah:"), is_total("Totalitas")
    (True, True, True, False)
    """
    if not isinstance(text, str) or len(text) > 40:
        return False
    norm = normalise(text)
    return norm in TOTAL_LABELS or norm.startswith(TOTAL_PREFIXES)


# A roster's columns.
ROSTER_COLUMNS = vocabulary({
    "employee_id": ("employee id", "employeeid", "emp id", "staff id", "id", "id karyawan", "nik", "nip",
                    "no induk", "nomor induk", "nomor induk karyawan", "employee number", "employee no",
                    "no karyawan", "nomor karyawan"),
    "name": ("name", "employee name", "full name", "nama", "nama karyawan", "nama lengkap", "nama pegawai"),
    "department": ("department", "dept", "departemen", "divisi", "division", "bagian"),
    "supervisor": ("supervisor", "manager", "line manager", "reports to", "atasan", "atasan langsung",
                   "supervisor langsung"),
    "role": ("role", "role id", "job title", "job", "position", "jabatan", "posisi", "peran"),
    "period": ("period", "review period", "periode", "periode penilaian"),
    "monthly_salary": ("monthly salary", "salary", "base salary", "gaji", "gaji bulanan", "gaji pokok",
                       "upah bulanan"),
    "potential": ("potential", "potential rating", "potensi", "nilai potensi"),
})

# A role catalogue's columns (a header may end with its language: "Indicator (EN)").
CATALOGUE_COLUMNS = vocabulary({
    "role_id": ("role id", "role code", "id jabatan", "kode jabatan", "id peran"),
    "role_name": ("role name", "role", "nama jabatan", "jabatan", "nama peran", "peran"),
    "department": ("department", "departemen", "divisi", "division"),
    "description": ("description", "role description", "deskripsi", "deskripsi peran", "deskripsi jabatan"),
    "period": ("period", "periode"),
    "kra": ("kra", "key result area", "objective", "area"),
    "goal": ("goal", "goal it serves", "company goal", "company goal it serves", "tujuan",
             "tujuan perusahaan", "tujuan perusahaan yang didukung"),
    "indicator": ("indicator", "kpi", "indikator", "indikator kpi", "indicator kpi"),
    "unit": ("unit", "satuan"),
    "weight": ("weight", "bobot"),
    "target": ("target",),
    "direction": ("direction", "arah"),
    "tolerance": ("tolerance", "toleransi"),
    "due": ("due", "due date", "tenggat", "batas waktu", "deadline", "tanggal tenggat"),
    "tolerance_or_due": ("tolerance or due date", "tolerance due date", "toleransi atau tenggat",
                         "toleransi tenggat"),
    "method": ("method", "measurement method", "metode", "metode pengukuran"),
    "activity": ("activity", "supporting activity", "aktivitas", "aktivitas pendukung"),
    "task": ("task", "tugas"),
    "frequency": ("frequency", "frekuensi"),
    "duration": ("duration", "duration per task", "durasi", "durasi per tugas"),
    "delegable": ("can be delegated", "delegable", "delegated", "bisa didelegasikan", "dapat didelegasikan"),
    "notes": ("notes", "note", "keterangan", "catatan"),
})

# A policy range on a sheet: the words of its header cells and of its setting rows. A policy header is
# matched by the words it contains ("Label (EN)", "Batas bawah"), not as a whole.
POLICY_LABEL_WORDS = frozenset({"label", "labels", "predikat", "keterangan"})
POLICY_COLUMN_WORDS = {
    "threshold": frozenset({"threshold", "thresholds", "above", "batas", "ambang"}),
    "level": frozenset({"level", "levels", "tingkat"}),
    "bonus": frozenset({"bonus"}),
    "raise": frozenset({"raise", "kenaikan"}),
}
_WORD = re.compile(r"[^a-z]+")


def word_set(text: str) -> set[str]:
    """The plain words of a cell ("Label (EN)" -> {"label", "en"})."""
    return set(_WORD.sub(" ", text.lower()).split())


def policy_column(text: Any) -> str | None:
    """Which policy-range column a header cell names ("label_en" for "Label (EN)"); None if none."""
    if not isinstance(text, str):
        return None
    words = word_set(text)
    if words & POLICY_LABEL_WORDS:
        if words & {"en", "english", "inggris"}:
            return "label_en"
        if words & {"id", "indonesian", "indonesia"}:
            return "label_id"
        return "label"
    for column, names in POLICY_COLUMN_WORDS.items():
        if words & names:
            return column
    return None


def policy_setting(text: Any) -> str | None:
    """Which policy setting a label cell names ("Score cap", "Batas skor", "Lower method"); None if none."""
    if not isinstance(text, str):
        return None
    words = word_set(text)
    if "cap" in words or {"batas", "skor"} <= words or (
            words & {"max", "maximum", "maks", "maksimum", "maksimal"} and words & {"score", "skor"}):
        return "max_score"
    if "lower" in words and words & {"method", "metode"}:
        return "lower_method"
    # The final rating's settings (a scorecard's policy sheet writes them when the policy has a rating block).
    if words & {"weight", "bobot"}:
        for key, names in (("rating_competencies", {"competencies", "competency", "kompetensi"}),
                           ("rating_attendance", {"attendance", "kehadiran"}), ("rating_kpi", {"kpi"})):
            if words & names:
                return key
    if words & {"scale", "skala"}:
        for key, names in (("scale_low", {"lowest", "terendah"}), ("scale_high", {"highest", "tertinggi"}),
                           ("scale_meets", {"meets", "memenuhi"})):
            if words & names:
                return key
    return None
