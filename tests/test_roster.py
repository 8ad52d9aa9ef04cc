"""Reading rosters: English and Indonesian headers, .xlsx and .csv, row numbers, refused rows."""

from __future__ import annotations

import openpyxl
import pytest

from kpi_xl import KpiFileError
from kpi_xl.roster import Employee, RosterProblem, parse_potential, parse_salary, read_roster


def _xlsx(path, rows, title="Roster"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_english_csv(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text(
        "Employee ID,Name,Department,Supervisor,Role,Period,Monthly salary,Potential\n"
        "E-01, Rina Dewi ,Marketing,Budi Santoso,digital-marketing-specialist,2026,\"10,000,000\",High\n"
        "E-02,Andi,Sales,Budi Santoso,sales-manager,2026-Q1,,\n",
        encoding="utf-8")
    roster = read_roster(p)
    assert roster.problems == []
    assert roster.employees == [
        Employee("E-01", "Rina Dewi", "Marketing", "Budi Santoso", "digital-marketing-specialist", "2026",
                 10_000_000.0, "high", 2),
        Employee("E-02", "Andi", "Sales", "Budi Santoso", "sales-manager", "2026-Q1", None, None, 3),
    ]
    assert roster.source == "roster.csv"


def test_indonesian_xlsx_with_a_title_above_the_header(tmp_path):
    p = _xlsx(tmp_path / "karyawan.xlsx", [
        ["Daftar Karyawan 2026"],
        [],
        ["NIK", "Nama", "Departemen", "Atasan", "Jabatan", "Periode", "Gaji bulanan", "Potensi"],
        [1001, "Siti", "Keuangan", "Ani", "finance-manager", 2026, 12_500_000, "tinggi"],
        [None, None, None, None, None, None, None, None],
        [1002.0, "Joko", "TI", "Ani", "it-manager", "2026", "Rp 9.750.000", 2],
        [1003, "Dewi", "TI", "Ani", "software-engineer", "2026", "8.000.000,50", "Rendah"],
    ])
    roster = read_roster(p)
    assert roster.problems == []
    assert [(e.employee_id, e.name, e.role, e.period, e.monthly_salary, e.potential, e.row)
            for e in roster.employees] == [
        ("1001", "Siti", "finance-manager", "2026", 12_500_000.0, "high", 4),
        ("1002", "Joko", "it-manager", "2026", 9_750_000.0, "medium", 6),
        ("1003", "Dewi", "software-engineer", "2026", 8_000_000.5, "low", 7),
    ]


def test_semicolon_csv_with_bom_and_optional_columns_missing(tmp_path):
    p = tmp_path / "r.csv"
    p.write_bytes("\ufeffID Karyawan;Nama Karyawan;Jabatan\n7;Ana;hr-manager\n".encode("utf-8"))
    (e,) = read_roster(p).employees
    assert (e.employee_id, e.name, e.department, e.supervisor, e.period, e.monthly_salary, e.potential) == (
        "7", "Ana", "", "", "", None, None)


def test_header_aliases():
    from kpi_xl.roster import _find_header

    rows = [(1, ["Staff ID", "Full name", "Dept.", "Reports to", "Job title", "Review period", "Salary",
                 "Potential rating"])]
    _, columns = _find_header(rows)
    assert columns == {"employee_id": 0, "name": 1, "department": 2, "supervisor": 3, "role": 4, "period": 5,
                       "monthly_salary": 6, "potential": 7}


REFUSED = (
    "Employee ID,Name,Role,Monthly salary,Potential\n"
    "1,Ana,hr-manager,1000,low\n"          # line 2: fine
    ",Budi,hr-manager,,\n"                  # 3: blank ID
    "3,,hr-manager,,\n"                     # 4: blank name
    "4,Cici,,,\n"                           # 5: blank role
    ",,,,\n"                                # 6: blank line, skipped
    "1,Dedi,it-manager,,\n"                 # 7: ID used twice
    "6,Eka,it-manager,lots,\n"              # 8: salary no number
    "7,Fajar,it-manager,-5,\n"              # 9: salary below 0
    "8,Gita,it-manager,,superb\n"           # 10: potential unknown
    "9,,,,\n"                               # 11: name and role blank
    "10,Hadi,it-manager,5e6,M\n"            # 12: fine
)


def test_refused_rows_are_reported_by_row_and_the_rest_read_on(tmp_path):
    p = tmp_path / "roster.csv"
    p.write_text(REFUSED, encoding="utf-8")
    roster = read_roster(p)
    assert [(e.employee_id, e.row) for e in roster.employees] == [("1", 2), ("10", 12)]
    assert roster.employees[1].potential == "medium"
    assert [(p.row, p.message) for p in roster.problems] == [
        (3, "employee ID is blank"),
        (4, "name is blank"),
        (5, "role is blank"),
        (7, "employee ID '1' is also on row 2"),
        (8, "monthly salary 'lots' is not a number"),
        (9, "monthly salary -5 is below 0"),
        (10, "potential 'superb' is not a potential rating (low/medium/high, 1-3, rendah/sedang/tinggi)"),
        (11, "name and role are blank"),
    ]
    assert str(roster.problems[0]) == "row 3: employee ID is blank"
    assert roster.problems[3] == RosterProblem(7, "employee ID '1' is also on row 2", "1")


@pytest.mark.parametrize("content,message", [
    ("Name,Role\nAna,hr-manager\n", "roster.csv: row 1: no column for employee ID (the header needs employee ID, "
                                    "name and role, e.g. NIK | Nama | Jabatan)"),
    ("NIK,Nama\n1,Ana\n", "roster.csv: row 1: no column for role (the header needs employee ID, name and role, "
                          "e.g. NIK | Nama | Jabatan)"),
    ("a,b,c\n1,2,3\n", "roster.csv: no header row with employee ID, name and role columns in the first 10 rows "
                       "(e.g. Employee ID | Name | Role, or NIK | Nama | Jabatan)"),
    ("", "roster.csv: no header row with employee ID, name and role columns in the first 10 rows "
         "(e.g. Employee ID | Name | Role, or NIK | Nama | Jabatan)"),
])
def test_unusable_roster_files(tmp_path, content, message):
    p = tmp_path / "roster.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(KpiFileError) as info:
        read_roster(p)
    assert str(info.value) == message


def test_wrong_kind_of_file(tmp_path):
    with pytest.raises(KpiFileError, match=r"roster\.txt: not a roster file \(expected .xlsx, .xlsm, .xls, .ods, .csv\)"):
        read_roster(tmp_path / "roster.txt")
    with pytest.raises(KpiFileError, match="roster file not found"):
        read_roster(tmp_path / "missing.xlsx")
    with pytest.raises(KpiFileError, match="is a folder, not a roster file"):
        read_roster(tmp_path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(KpiFileError, match=r"^.broken\.xlsx. is a CSV or text file with a \.xlsx name"):
        read_roster(broken)


def test_the_first_sheet_with_a_header_is_read(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Notes"])
    wb.active.append(["This workbook lists our staff"])
    ws = wb.create_sheet("Staff")
    ws.append(["NIP", "Nama Lengkap", "Posisi"])
    ws.append(["A1", "Ana", "hr-manager"])
    wb.save(tmp_path / "staff.xlsx")
    (e,) = read_roster(tmp_path / "staff.xlsx").employees
    assert (e.employee_id, e.name, e.role, e.row) == ("A1", "Ana", "hr-manager", 2)


def test_ods_roster_through_calamine(tmp_path, soffice):
    from engines import recalculate_libreoffice as recalculate

    source = _xlsx(tmp_path / "r.xlsx", [["Title"], ["NIK", "Nama", "Jabatan"], [5, "Ana", "hr-manager"]])
    (ods,) = recalculate([source], tmp_path / "ods", to="ods")
    (e,) = read_roster(ods).employees
    assert (e.employee_id, e.name, e.row) == ("5", "Ana", 3)


@pytest.mark.parametrize("value,expected", [
    (None, None), ("", None), (5_000_000, 5_000_000.0), ("5000000", 5_000_000.0), ("Rp 5.000.000", 5_000_000.0),
    ("IDR 5,000,000.25", 5_000_000.25), ("5.000.000,75", 5_000_000.75), ("7500000,5", 7_500_000.5),
    ("1.5", 1.5), (float("nan"), None),
])
def test_parse_salary(value, expected):
    assert parse_salary(value) == expected


@pytest.mark.parametrize("value", ["lots", "Rp", True, "inf"])
def test_parse_salary_refuses(value):
    with pytest.raises(ValueError):
        parse_salary(value)


@pytest.mark.parametrize("value,expected", [
    ("Low", "low"), ("rendah", "low"), (1, "low"), ("1", "low"), (2.0, "medium"), ("Sedang", "medium"),
    ("menengah", "medium"), ("H", "high"), ("TINGGI", "high"), (3, "high"), (None, None), ("  ", None),
])
def test_parse_potential(value, expected):
    assert parse_potential(value) == expected


@pytest.mark.parametrize("text, employees", [
    # A title row above a semicolon header (Indonesian Excel's CSV), with fewer cells than the header.
    ("Daftar Karyawan 2026;;\nNIK;Nama;Jabatan;Gaji bulanan\n1001;Rina Dewi;hr-manager;8.500.000\n"
     "1002;Budi, S.E.;sales-manager;7.000.000\n", [("1001", "Rina Dewi", 8_500_000.0, 3), ("1002", "Budi, S.E.", 7e6, 4)]),
    # A title with a comma in it, and a note line, above a semicolon table.
    ("Daftar Karyawan, PT Maju\nCatatan: gaji per bulan\nNIK;Nama;Jabatan;Gaji bulanan\n1001;Rina;hr-manager;8,5\n",
     [("1001", "Rina", 8.5, 4)]),
    # Tab-separated, with a title row.
    ("Roster 2026\t\nNIK\tNama\tJabatan\n1001\tRina\thr-manager\n", [("1001", "Rina", None, 3)]),
    # Plain comma CSV with quoted commas.
    ('NIK,Nama,Jabatan,Gaji\n1001,"Dewi, S.Kom.",hr-manager,"8,500,000"\n', [("1001", "Dewi, S.Kom.", 8_500_000.0, 2)]),
])
def test_csv_with_title_rows_and_any_delimiter(tmp_path, text, employees):
    p = tmp_path / "roster.csv"
    p.write_text(text, encoding="utf-8")
    roster = read_roster(p)
    assert roster.problems == []
    assert [(e.employee_id, e.name, e.monthly_salary, e.row) for e in roster.employees] == employees


@pytest.mark.parametrize("text, message", [
    ("NIK;Nama;Jabatan\n", "roster.csv: no employees below the header row (row 1): add one row per employee"),
    ("Daftar Karyawan 2026;;\nNIK;Nama;Jabatan\n;;\n\n",
     "roster.csv: no employees below the header row (row 2): add one row per employee"),
])
def test_a_roster_without_employees_is_refused(tmp_path, text, message):
    p = tmp_path / "roster.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(KpiFileError) as e:
        read_roster(p)
    assert str(e.value) == message
