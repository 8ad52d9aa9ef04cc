"""The summary as HR prints it for directors: paper, one page wide at 8 pt or more, repeated headers, title
and page numbers, amounts in a currency, integer chart axis, no float noise, Indonesian tabs, paths from
the folder rolled up; and what LibreOffice makes of it on paper (the text size in the PDF)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess

import openpyxl
import pandas as pd
import pytest
from engines import recalculate_libreoffice as recalculate

from kpi_xl import contract as c
from kpi_xl.errors import KpiFileError
from kpi_xl.rollup.layout import MIN_PRINT_SCALE, PRINT_WIDTH_CHARS, currency_format, summary_sheets
from kpi_xl.rollup.summary import LINE_HEIGHT, header_lines, write_summary

DATE = dt.date(2026, 1, 15)


@pytest.fixture(scope="module", params=["en", "id"])
def printed(request, tmp_path_factory, built_demo):
    """(lang, demo, summary path) of the demo department, written with a fixed date."""
    lang = request.param
    folder = tmp_path_factory.mktemp(f"print-{lang}")
    demo = built_demo(lang)
    out = folder / "summary.xlsx"
    write_summary(demo.result.tables, out, lang, base=demo.scorecards_dir, date=DATE)
    return lang, demo, out


def test_every_sheet_prints_landscape_one_page_wide_with_title_and_page_numbers(printed):
    lang, _, out = printed
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == list(c.SUMMARY_SHEETS_BY_LANG[lang])  # the demo's roster gives potentials
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == \
            ("landscape", 9, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, ws.title
        title = ws.oddHeader.center.text
        assert "Engineering" in title, title
        assert "2025" in title and "2026-01-15" in title, title
        if ws.title != c.SUMMARY_SHEET_NAMES[lang]["9-Box"]:
            assert ws.print_title_rows in ("1:1", "$1:$1"), ws.title


def test_letter_is_an_option_and_other_paper_is_refused(tmp_path, printed):
    lang, demo, _ = printed
    out = write_summary(demo.result.tables, tmp_path / "s.xlsx", lang, paper="Letter")
    assert {ws.page_setup.paperSize for ws in openpyxl.load_workbook(out).worksheets} == {1}
    with pytest.raises(KpiFileError, match="paper 'A3' is not A4 or Letter"):
        write_summary(demo.result.tables, tmp_path / "t.xlsx", lang, paper="A3")


@pytest.mark.parametrize("paper", ["A4", "LETTER"])
def test_shown_columns_fit_one_page_at_8_pt(printed, paper):
    """fitToWidth shrinks the sheet to the page: the shown widths must fit at MIN_PRINT_SCALE (11 pt text
    at 73 % is 8 pt)."""
    lang, demo, _ = printed
    for sheet in summary_sheets(demo.result.tables, lang):
        shown = sum(col.width for col in sheet.columns if not col.hidden)
        assert shown <= PRINT_WIDTH_CHARS[paper] / MIN_PRINT_SCALE, (sheet.name, shown)


def test_headers_wrap_whole_words_inside_their_columns(printed):
    lang, _, out = printed
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets[:6]:
        height = ws.row_dimensions[1].height
        for cell in ws[1]:
            if cell.value is None:
                continue
            width = ws.column_dimensions[cell.column_letter].width
            assert cell.alignment.wrap_text, (ws.title, cell.value)
            longest = max(len(w) for w in str(cell.value).split())
            assert longest * 1.1 + 1 <= width, (ws.title, cell.value, width)
            assert header_lines(str(cell.value), width) * LINE_HEIGHT <= height, (ws.title, cell.value)


def test_amounts_levels_and_numbers_are_formatted_as_hr_reads_them(printed):
    lang, _, out = printed
    wb = openpyxl.load_workbook(out)
    names = c.SUMMARY_SHEET_NAMES[lang]
    summary = wb[names["Summary"]]
    header = [cell.value for cell in summary[1]]
    amount = header.index("Bonus amount" if lang == "en" else "Jumlah bonus") + 1
    assert summary.cell(2, amount).number_format == '"Rp "#,##0' == currency_format("IDR")
    level = summary.cell(2, header.index("Level") + 1)
    assert level.alignment.horizontal == "center"  # never "4Exceeds Target"
    # The file as found under the folder rolled up; the full path in a hidden column.
    shown = header.index("File" if lang == "en" else "Berkas") + 1
    full = header.index("Source file" if lang == "en" else "File sumber") + 1
    assert summary.cell(2, shown).value == os.path.join("2025-Q3", "E001_Rina_Dewi.xlsx")
    assert summary.cell(2, full).value.endswith("E001_Rina_Dewi.xlsx") and len(summary.cell(2, full).value) > 20
    assert summary.column_dimensions[summary.cell(1, full).column_letter].hidden
    details = wb[names["Details"]]
    dheader = [cell.value for cell in details[1]]
    targets = [details.cell(r, dheader.index("Target") + 1) for r in range(2, details.max_row + 1)]
    big = next(t for t in targets if t.value == 1_000_000)
    assert big.number_format == "#,##0"  # 1,000,000 as on the scorecard
    chart = wb[names["Levels"]]._charts[0]
    assert chart.y_axis.majorUnit == 1 and chart.y_axis.number_format.formatCode == "0"
    assert chart.y_axis.delete is False


def test_no_float_noise_for_pandas_readers(printed):
    _, _, out = printed
    for name, frame in pd.read_excel(out, sheet_name=None, engine="openpyxl").items():
        for column in frame.select_dtypes("number"):
            for x in frame[column].dropna():
                assert float(x) == round(float(x), 6), (name, column, x)


def test_a_summary_in_either_language_is_recognised_by_its_sheets():
    for lang, names in c.SUMMARY_SHEETS_BY_LANG.items():
        assert len(names) == len(c.SUMMARY_SHEETS) and len(set(names)) == len(names), lang
        assert all(len(n) <= 31 for n in names)  # Excel's limit for a sheet name
    assert c.SUMMARY_SHEETS_BY_LANG["id"][:3] == ("Ringkasan", "Per KRA", "Level Kinerja")


def _word_heights(pdf, page, pattern):
    box = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [float(m.group(2)) - float(m.group(1)) for m in re.finditer(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">' + pattern + "<", box)]


def test_libreoffice_prints_the_summary_at_8_pt_or_more(printed, soffice, pdftotext, tmp_path):
    """On paper: the first page (the Summary) as LibreOffice prints it, its body text measured against
    the 9 pt page-number footer, which no scaling touches."""
    _, _, out = printed
    (pdf,) = recalculate([out], tmp_path, to="pdf")
    footer = _word_heights(pdf, 1, "(Page|Halaman)")[0]
    body = _word_heights(pdf, 1, "E001")[0]
    assert body / footer * 9 >= 8, (body, footer)
