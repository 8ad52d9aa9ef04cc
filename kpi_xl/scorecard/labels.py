"""The words on a scorecard's sheets, in English and Indonesian, and how numbers are written in them.

Sheet names come from `kpi_xl.contract` (readers find the sheets by them); every other word is here.
"""

from __future__ import annotations

from .. import contract as C

LANGS = ("en", "id")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        **{f"sheet_{k}": v for k, v in C.SHEET_NAMES["en"].items()},
        "title": "KPI Scorecard",
        "instructions": "Type your results in the yellow Actual cells. Scores, the KPI value, the level and "
                        "the rewards are calculated from the Policy sheet.",
        "employee_name": "Employee name", "employee_id": "Employee ID", "department": "Department",
        "supervisor": "Supervisor", "role": "Role", "role_id": "Role ID", "period": "Period",
        "cycle": "Review cycle", "description": "Role description",
        "no": "No.", "kra": "KRA", "indicator": "Indicator (KPI)", "unit": "Unit", "direction": "Direction",
        "weight": "Weight", "target": "Target", "tolerance": "Tolerance", "due": "Due date", "actual": "Actual",
        "score": "Score", "final": "Final score", "total": "TOTAL",
        "kpi_value": "KPI value", "level": "Performance level", "label": "Rating",
        "bonus": "Bonus (× monthly salary)", "raise": "Salary raise", "reported": "Rows reported",
        "reported_of": " of {n}",
        "signoff": "Sign-off", "signoff_employee": "Employee", "signoff_supervisor": "Supervisor",
        "signoff_name": "Name", "signoff_signature": "Signature", "signoff_date": "Date",
        "legend": "How it is calculated",
        "legend_directions": "Direction: higher = more is better (actual ÷ target × 100) · lower = less is "
                             "better · within = target ± tolerance scores 100 · milestone = type 1 or yes when "
                             "done, or the completion date (on or before the due date).",
        "legend_value": "KPI value = total final score ÷ total weight × 100. A blank actual counts as 0 "
                        "until it is reported.",
        "legend_levels": "Levels: ",
        # Messages a score cell shows where the core refuses the row.
        "msg_not_number": "actual is not a number", "msg_target_blank": "target is blank",
        "msg_target_zero": "target is 0", "msg_tolerance": "tolerance is below 0",
        "msg_target_text": "target is not a number", "msg_tolerance_text": "tolerance is not a number",
        "msg_ratio": "actual must be above 0", "msg_weights_zero": "weights sum to 0",
        "msg_days": "working days must be above 0",
        # Data validation.
        "dv_title": "Actual", "dv_prompt": "Target: {target}. {how}", "dv_error_title": "Not a number",
        "dv_error": "Type a number (the actual result for the period).",
        "dv_milestone_prompt": "Due {due}. Type 1 or yes when done, 0 or no when not, or the completion date.",
        "dv_milestone_error": "Type 1, yes, 0, no or the completion date.",
        "how_higher": "More is better.", "how_lower": "Less is better.",
        "how_within": "Within ± {tolerance} scores 100.",
        # KRA record.
        "kra_title": "KRA record", "kra_intro": "The agreed Key Result Areas, their KPIs, how they are "
                                                "measured and their targets (reviewed with the supervisor).",
        "goal": "Company goal it serves", "method": "Measurement method", "target_text": "Target",
        "activities": "Supporting activities", "reviewed_on": "Reviewed on", "next_review": "Next review",
        "done_by": "done by {due}",
        # Task inventory.
        "tasks_title": "Task inventory", "tasks_intro": "Everything the role does, how often and how long it "
                                                       "takes, and what can be delegated.",
        "task": "Task", "frequency": "Frequency", "duration": "Duration per task",
        "delegable": "Can be delegated", "notes": "Notes", "yes": "Yes", "no_word": "No",
        # Policy.
        "policy_title": "Scoring policy", "policy_source": "Source: {source}. The scorecard's formulas read "
                                                          "this sheet.",
        # Header words the cell functions' policy_from_range recognises (level, above, label, bonus, raise).
        "pol_level": "Level", "pol_above": "Above (KPI value, exclusive)", "pol_label": "Label",
        "pol_bonus": "Bonus (× monthly salary)", "pol_raise": "Salary raise",
        "pol_max": "Score cap (blank: none)", "pol_lower": "Lower method (difference or ratio)",
        "pol_done": "Milestone words for done", "pol_not_done": "Milestone words for not done",
        "pol_marker": "kpi-xl scorecard contract version",
        "pol_weight_kpi": "Final rating weight: KPI result", "pol_weight_competencies": "Final rating weight: competencies",
        "pol_weight_attendance": "Final rating weight: attendance", "pol_scale_low": "Competency scale: lowest rating",
        "pol_scale_high": "Competency scale: highest rating",
        "pol_scale_meets": "Competency scale: rating that meets expectations",
        # Competencies sheet and the final rating.
        "comp_title": "Competencies", "comp_intro": "The employee rates each competency (self-rating), then the "
                                                    "supervisor (the rating that counts). Pick a rating from the list.",
        "comp_scale": "Scale: {scale}. {meets} = meets expectations = 100 %.",
        "comp_name": "Competency", "comp_description": "Expected behaviour", "comp_weight": "Weight",
        "comp_self": "Self-rating", "comp_supervisor": "Supervisor rating", "comp_percent": "Score (%)",
        "comp_comment": "Comment", "comp_result": "Competency result (all rated)",
        "dv_rating_title": "Rating", "dv_rating_prompt": "Pick a rating from {low} to {high}.",
        "dv_rating_error": "Pick a rating from the list ({low} to {high}).",
        "final_title": "Final rating", "final_kpi": "KPI result", "final_competencies": "Competency result",
        "final_present": "Days present", "final_days": "Working days", "final_attendance": "Attendance",
        "final_rating": "Final rating", "final_how": "Final rating = {parts}, banded like the KPI value. It stays "
                                                     "blank until every competency has a supervisor rating.",
        "final_part_kpi": "KPI result", "final_part_competencies": "competencies",
        "final_part_attendance": "attendance",
        "dv_days_title": "Days", "dv_days_error": "Type a number of days (0 or more).",
    },
    "id": {
        **{f"sheet_{k}": v for k, v in C.SHEET_NAMES["id"].items()},
        "title": "Kartu Penilaian KPI",
        "instructions": "Isi hasil Anda di sel Aktual yang berwarna kuning. Skor, nilai KPI, tingkat kinerja "
                        "dan imbalan dihitung dari lembar Kebijakan.",
        "employee_name": "Nama karyawan", "employee_id": "ID karyawan", "department": "Departemen",
        "supervisor": "Atasan langsung", "role": "Jabatan", "role_id": "ID jabatan", "period": "Periode",
        "cycle": "Siklus penilaian", "description": "Deskripsi peran",
        "no": "No.", "kra": "KRA", "indicator": "Indikator (KPI)", "unit": "Satuan", "direction": "Arah",
        "weight": "Bobot", "target": "Target", "tolerance": "Toleransi", "due": "Tenggat", "actual": "Aktual",
        "score": "Skor", "final": "Skor akhir", "total": "TOTAL",
        "kpi_value": "Nilai KPI", "level": "Tingkat kinerja", "label": "Kriteria",
        "bonus": "Bonus (× gaji sebulan)", "raise": "Kenaikan gaji", "reported": "Baris terisi",
        "reported_of": " dari {n}",
        "signoff": "Pengesahan", "signoff_employee": "Karyawan", "signoff_supervisor": "Atasan",
        "signoff_name": "Nama", "signoff_signature": "Tanda tangan", "signoff_date": "Tanggal",
        "legend": "Cara menghitung",
        "legend_directions": "Arah: higher = makin tinggi makin baik (aktual ÷ target × 100) · lower = makin "
                             "rendah makin baik · within = target ± toleransi bernilai 100 · milestone = isi 1 "
                             "atau ya bila selesai, atau tanggal selesai (paling lambat tenggat).",
        "legend_value": "Nilai KPI = total skor akhir ÷ total bobot × 100. Aktual yang kosong dihitung 0 "
                        "sampai diisi.",
        "legend_levels": "Tingkat: ",
        "msg_not_number": "aktual bukan angka", "msg_target_blank": "target kosong",
        "msg_target_zero": "target bernilai 0", "msg_tolerance": "toleransi di bawah 0",
        "msg_target_text": "target bukan angka", "msg_tolerance_text": "toleransi bukan angka",
        "msg_ratio": "aktual harus di atas 0", "msg_weights_zero": "total bobot 0",
        "msg_days": "hari kerja harus di atas 0",
        "dv_title": "Aktual", "dv_prompt": "Target: {target}. {how}", "dv_error_title": "Bukan angka",
        "dv_error": "Ketik angka (hasil aktual untuk periode ini).",
        "dv_milestone_prompt": "Tenggat {due}. Ketik 1 atau ya bila selesai, 0 atau tidak bila belum, atau "
                               "tanggal selesai.",
        "dv_milestone_error": "Ketik 1, ya, 0, tidak, atau tanggal selesai.",
        "how_higher": "Makin tinggi makin baik.", "how_lower": "Makin rendah makin baik.",
        "how_within": "Dalam ± {tolerance} bernilai 100.",
        "kra_title": "Catatan KRA", "kra_intro": "KRA yang disepakati, KPI-nya, metode pengukuran dan "
                                                 "targetnya (ditinjau bersama atasan).",
        "goal": "Tujuan perusahaan yang didukung", "method": "Metode pengukuran", "target_text": "Target",
        "activities": "Aktivitas pendukung", "reviewed_on": "Ditinjau pada", "next_review": "Tinjauan berikutnya",
        "done_by": "selesai paling lambat {due}",
        "tasks_title": "Inventaris Tugas", "tasks_intro": "Semua tugas jabatan ini, frekuensi dan durasinya, "
                                                         "serta tugas yang bisa didelegasikan.",
        "task": "Tugas", "frequency": "Frekuensi", "duration": "Durasi per tugas",
        "delegable": "Bisa didelegasikan", "notes": "Keterangan", "yes": "Ya", "no_word": "Tidak",
        "policy_title": "Kebijakan penilaian", "policy_source": "Sumber: {source}. Rumus di kartu KPI membaca "
                                                               "lembar ini.",
        "pol_level": "Tingkat (nilai)", "pol_above": "Batas bawah (nilai KPI di atas)",
        "pol_label": "Predikat (kriteria)", "pol_bonus": "Bonus (× gaji sebulan)", "pol_raise": "Kenaikan gaji",
        "pol_max": "Batas skor (kosong: tanpa batas)", "pol_lower": "Metode lower (difference atau ratio)",
        "pol_done": "Kata milestone untuk selesai", "pol_not_done": "Kata milestone untuk belum selesai",
        "pol_marker": "Versi kontrak kartu kpi-xl",
        "pol_weight_kpi": "Bobot penilaian akhir: hasil KPI", "pol_weight_competencies": "Bobot penilaian akhir: kompetensi",
        "pol_weight_attendance": "Bobot penilaian akhir: kehadiran", "pol_scale_low": "Skala kompetensi: nilai terendah",
        "pol_scale_high": "Skala kompetensi: nilai tertinggi",
        "pol_scale_meets": "Skala kompetensi: nilai memenuhi harapan",
        "comp_title": "Kompetensi", "comp_intro": "Karyawan menilai setiap kompetensi (penilaian diri), lalu atasan "
                                                  "(nilai yang dihitung). Pilih nilai dari daftar.",
        "comp_scale": "Skala: {scale}. {meets} = memenuhi harapan = 100 %.",
        "comp_name": "Kompetensi", "comp_description": "Perilaku yang diharapkan", "comp_weight": "Bobot",
        "comp_self": "Penilaian diri", "comp_supervisor": "Penilaian atasan", "comp_percent": "Skor (%)",
        "comp_comment": "Catatan", "comp_result": "Hasil kompetensi (semua dinilai)",
        "dv_rating_title": "Nilai", "dv_rating_prompt": "Pilih nilai {low} sampai {high}.",
        "dv_rating_error": "Pilih nilai dari daftar ({low} sampai {high}).",
        "final_title": "Penilaian akhir", "final_kpi": "Hasil KPI", "final_competencies": "Hasil kompetensi",
        "final_present": "Hari hadir", "final_days": "Hari kerja", "final_attendance": "Kehadiran",
        "final_rating": "Nilai akhir", "final_how": "Nilai akhir = {parts}, dikelompokkan seperti nilai KPI. "
                                                    "Kosong sampai setiap kompetensi dinilai atasan.",
        "final_part_kpi": "hasil KPI", "final_part_competencies": "kompetensi",
        "final_part_attendance": "kehadiran",
        "dv_days_title": "Hari", "dv_days_error": "Ketik jumlah hari (0 atau lebih).",
    },
}

PERIOD_WORDS = {
    "en": {"monthly": "Monthly", "quarterly": "Quarterly", "semiannual": "Semiannual", "annual": "Annual"},
    "id": {"monthly": "Bulanan", "quarterly": "Triwulanan", "semiannual": "Semesteran", "annual": "Tahunan"},
}


def format_number(value: float, lang: str) -> str:
    """A number as a scorecard in `lang` writes it in text.

    >>> format_number(1500000.5, "id")
    '1.500.000,5'
    """
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang == "id":  # Indonesian: 1.000.000,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
