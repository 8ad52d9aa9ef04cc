"""Every sentence `kpi-xl` prints on the console, in English and Indonesian, and counted nouns ("1 file",
"2 files"; Indonesian has one form: "2 berkas").

Words that also head workbook columns (status names, "KPI value") come from the workbook's own
vocabulary where one exists (`kpi_xl.rollup.layout`); these are the console's own. Pure Python, so
`kpi-xl --help` stays fast.
"""

from __future__ import annotations

# key -> (English, Indonesian); {name} fields are filled by `say`.
SENTENCES: dict[str, tuple[str, str]] = {
    # roles
    "roles_title": ("Built-in roles", "Jabatan bawaan"),
    "col_id": ("id", "id"),
    "col_role": ("role", "jabatan"),
    "col_department": ("department", "departemen"),
    "col_period": ("period", "periode"),
    "col_kras": ("KRAs", "KRA"),
    "col_kpis": ("KPIs", "KPI"),
    "roles_hint": ("Show one with: kpi-xl roles show ID", "Tampilkan satu jabatan: kpi-xl roles show ID"),
    "roles_hint_narrow": ("Show one (department, period, KPIs) with: kpi-xl roles show ID",
                          "Tampilkan satu jabatan (departemen, periode, KPI): kpi-xl roles show ID"),
    "role_heading": ("{name} ({id}) - {department}, period: {period}",
                     "{name} ({id}) - {department}, periode: {period}"),
    "col_kra": ("KRA", "KRA"),
    "col_indicator": ("indicator", "indikator"),
    "col_unit": ("unit", "satuan"),
    "col_direction": ("direction", "arah"),
    "col_weight": ("weight", "bobot"),
    "col_target": ("target", "target"),
    "total": ("total", "total"),
    "done_by": ("done by {date}", "selesai paling lambat {date}"),
    "supporting": ("Supporting activities: {activities}", "Aktivitas pendukung: {activities}"),
    "roles_written": ("{roles} written to {path}", "{roles} ditulis ke {path}"),
    # check
    "check_error": ("error: {message}", "error: {message}"),
    "checked": ("{roles} checked: {errors}, {warnings}", "{roles} diperiksa: {errors}, {warnings}"),
    # score
    "col_row": ("#", "#"),
    "col_actual": ("actual", "aktual"),
    "col_score": ("score", "skor"),
    "col_final": ("final", "skor akhir"),
    "blank": ("(blank)", "(kosong)"),
    "kpi_value": ("KPI value: {value}%", "Nilai KPI: {value}%"),
    "level": ("Level: {level} ({label})", "Level: {level} ({label})"),
    "bonus": ("Bonus: {multiple} x monthly salary", "Bonus: {multiple} x gaji sebulan"),
    "bonus_amount": ("Bonus: {multiple} x monthly salary = {amount}", "Bonus: {multiple} x gaji sebulan = {amount}"),
    "raise": ("Raise: {raise_}", "Kenaikan gaji: {raise_}"),
    "weights_note": ("Note: the weights sum to {total}, not 100; the KPI value divides by their sum",
                     "Catatan: jumlah bobot {total}, bukan 100; nilai KPI dibagi dengan jumlah itu"),
    "incomplete": ("Status: incomplete (blank actuals count as 0 until they are reported)",
                   "Status: belum lengkap (aktual kosong dihitung 0 sampai dilaporkan)"),
    "not_started": ("Status: not started (no actual reported yet): no KPI value, level or bonus until one is",
                    "Status: belum dimulai (belum ada aktual): belum ada nilai KPI, level atau bonus"),
    "salary_not_number": ("{value!r} is not an amount (e.g. 8500000 or 8.500.000)",
                          "{value!r} bukan jumlah uang (misalnya 8500000 atau 8.500.000)"),
    # template
    "scorecard_written": ("Scorecard written: {path}", "Scorecard ditulis: {path}"),
    "roster_run": ("{written} written{kept}, {refused} refused (in {folder})",
                   "{written} ditulis{kept}, {refused} ditolak (di {folder})"),
    "kept_suffix": (", {kept} kept", ", {kept} dibiarkan"),
    "exists": ("exists, not overwritten; use --overwrite", "sudah ada, tidak ditimpa; pakai --overwrite"),
    # rollup
    "summary_title": ("Department summary", "Ringkasan departemen"),
    "more_scorecards": ("... and {n} more scorecards (all of them are on the Summary sheet)",
                        "... dan {n} scorecard lagi (semuanya ada di sheet Ringkasan)"),
    "files_found": ("Files found: {n} ({parts})", "File ditemukan: {n} ({parts})"),
    "with_scorecards": ("{n} with scorecards", "{n} berisi scorecard"),
    "not_read": ("{n} could not be read", "{n} tidak dapat dibaca"),
    "skipped": ("{files} skipped", "{files} dilewati"),
    "scorecards_read": ("Scorecards read: {n} ({parts})", "Scorecard dibaca: {n} ({parts})"),
    "n_complete": ("{n} complete", "{n} lengkap"),
    "n_incomplete": ("{n} incomplete", "{n} belum lengkap"),
    "n_with_errors": ("{n} with errors", "{n} dengan error"),
    "n_not_started": ("{n} not started", "{n} belum dimulai"),
    "levels": ("Levels: {levels}", "Level: {levels}"),
    "level_count": ("level {level}: {n}", "level {level}: {n}"),
    "not_counted": (" (not counted: {parts})", " (tidak dihitung: {parts})"),
    "issues": ("Issues: {parts}", "Masalah: {parts}"),
    "see_issues": (" (see the Issues sheet)", " (lihat sheet Masalah)"),
    "unreadable": ("Files that could not be read: {n}", "File yang tidak dapat dibaca: {n}"),
    "no_scorecard": ("{n} read, no scorecard in it", "{n} terbaca, tanpa scorecard"),
    "duplicates": ("Scorecards sent twice: {n} (no bonus for any copy; see the Issues sheet)",
                   "Scorecard terkirim dua kali: {n} (tidak ada bonus untuk salinannya; lihat sheet Masalah)"),
    "missing": ("Missing: {employees} without a scorecard", "Belum punya scorecard: {employees}"),
    "see_missing": (" (see the Missing sheet)", " (lihat sheet Belum Ada Scorecard)"),
    "inputs_missing": ("Inputs not found: {n}", "Masukan tidak ditemukan: {n}"),
    "not_reconciled": ("WARNING: the file counts do not add up; please report this",
                       "PERINGATAN: jumlah file tidak cocok; mohon laporkan ini"),
    "summary_at": ("Summary: {path}", "Ringkasan: {path}"),
    "calibration_starter": ("Calibration file written for HR to fill (calibrated level, reason, by, date): {path}",
                            "File kalibrasi dibuat untuk diisi HR (level kalibrasi, alasan, oleh, tanggal): {path}"),
    "calibrations_applied": ("Calibrated levels applied: {n}", "Level kalibrasi diterapkan: {n}"),
    "lenient": ("lenient", "longgar"),
    "harsh": ("harsh", "ketat"),
    "supervisor_flags": ("Supervisors flagged on the Calibration sheet: {names}",
                         "Atasan yang ditandai di sheet Kalibrasi: {names}"),
    "budget_line": ("Bonus budget {budget}: total at policy multiples {total}; factor that fits it {factor:.4f}",
                    "Anggaran bonus {budget}: total sesuai kelipatan kebijakan {total}; faktor agar sesuai {factor:.4f}"),
    "budget_fitted": ("Every bonus amount was multiplied by {factor:.4f} to fit the budget (--fit-budget)",
                      "Setiap jumlah bonus dikalikan {factor:.4f} agar sesuai anggaran (--fit-budget)"),
    "periods_line": ("Periods: {periods}; annual {year}: {employees} ({improving} improving, {declining} "
                     "declining; see the Periods sheet)",
                     "Periode: {periods}; tahunan {year}: {employees} ({improving} membaik, {declining} menurun; "
                     "lihat sheet Periode)"),
    "reading": ("Reading scorecards", "Membaca scorecard"),
    "making": ("Scorecards", "Scorecard"),
    # demo
    "demo_made": ("Demo department in {folder}: roster {roster}, {scorecards} in {dir}/",
                  "Departemen demo di {folder}: roster {roster}, {scorecards} di {dir}/"),
    "demo_open": ("Open {path} to see every sheet; run it yourself with:",
                  "Buka {path} untuk melihat semua sheet; jalankan sendiri dengan:"),
    # excel
    "wrote": ("wrote {path}", "ditulis {path}"),
    "kept_file": ("kept {path} (it exists: --overwrite replaces it)",
                  "dibiarkan {path} (sudah ada: --overwrite menggantinya)"),
    "next_classic": ("Next: follow {path}", "Berikutnya: ikuti {path}"),
    "next_lite": ("Next: paste main.py and requirements.txt into the xlwings Lite task pane",
                  "Berikutnya: tempel main.py dan requirements.txt ke panel tugas xlwings Lite"),
    "next_console": ("Next: open kpi_console.xlsm in Excel (xlwings add-in installed), fill in the Console sheet, "
                     "then xlwings tab > Run main",
                     "Berikutnya: buka kpi_console.xlsm di Excel (add-in xlwings terpasang), isi sheet Console, "
                     "lalu tab xlwings > Run main"),
}

# noun -> (English singular, English plural, Indonesian)
NOUNS: dict[str, tuple[str, str, str]] = {
    "file": ("file", "files", "file"),
    "role": ("role", "roles", "jabatan"),
    "error": ("error", "errors", "error"),
    "warning": ("warning", "warnings", "peringatan"),
    "info": ("info", "info", "info"),
    "row": ("row", "rows", "baris"),
    "scorecard": ("scorecard", "scorecards", "scorecard"),
    "existing file": ("existing file", "existing files", "file lama"),
    "employee": ("roster employee", "roster employees", "karyawan roster"),
    "scorecard file": ("scorecard file", "scorecard files", "file scorecard"),
    "lock file": ("lock file", "lock files", "file kunci Excel"),
    "other file": ("other file", "other files", "file lain"),
}

# A role's period and a KPI's direction, as the role files name them, on screen in Indonesian.
ROLE_WORDS_ID = {"annual": "tahunan", "semiannual": "semesteran", "quarterly": "triwulanan",
                 "monthly": "bulanan", "higher": "naik", "lower": "turun", "within": "rentang",
                 "milestone": "tonggak"}


def say(key: str, lang: str, **values: object) -> str:
    """A console sentence in `lang` ("en" or "id").

    >>> say("kpi_value", "id", value="98.50")
    'Nilai KPI: 98.50%'
    """
    text = SENTENCES[key][1 if lang == "id" else 0]
    return text.format(**values) if values else text


def count(n: int, noun: str, lang: str) -> str:
    """A number and its noun, singular or plural: "1 file", "2 files", "2 file" in Indonesian.

    >>> count(1, "error", "en"), count(3, "error", "en"), count(1234, "role", "id")
    ('1 error', '3 errors', '1,234 jabatan')
    """
    one, many, indonesian = NOUNS[noun]
    return f"{n:,} {indonesian if lang == 'id' else one if n == 1 else many}"


def role_word(word: str, lang: str) -> str:
    """A role's period or a KPI's direction in `lang` ("annual" is "tahunan"); other words as they are."""
    return ROLE_WORDS_ID.get(word, word) if lang == "id" else word
