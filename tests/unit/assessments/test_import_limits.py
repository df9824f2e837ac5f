"""Files built to exhaust a worker are refused before they are read in full."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.utils import translation

from assessments import imports
from rehab import spreadsheets

from .test_import import GORAN, HEADER, MARTA, check, csv_bytes, row

pytestmark = pytest.mark.django_db


def workbook_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_member(content: bytes, name: str, change) -> bytes:
    """The workbook with one zip member's text changed by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == name:
                data = change(data.decode()).encode()
            target.writestr(info.filename, data)
    return buffer.getvalue()


def english_file_errors(content: bytes, name: str) -> list[str]:
    with translation.override("en"):
        return [str(message) for message in check(content, name=name).file_errors]


def test_a_declared_dimension_of_the_whole_sheet_is_ignored():
    content = rewrite_member(
        workbook_bytes([HEADER, row(MARTA)]),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml),
    )
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")

    table = spreadsheets.read_xlsx(content, limits=imports.LIMITS)

    assert len(table.header) == 11
    assert table.rows == [(2, [*row(MARTA)[:-1], None])]
    assert check(content, name="cases.xlsx").errors == []


def test_a_million_empty_rows_after_the_table_are_not_read():
    empty_rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t> </t></is></c></row>'
        for n in range(3, 3 + 5_000)
    )
    content = rewrite_member(
        workbook_bytes([HEADER, row(MARTA)]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            "</sheetData>",
            empty_rows + '<row r="1048576"><c r="A1048576" '
            't="inlineStr"><is><t>late</t></is></c></row></sheetData>',
        ),
    )

    table = spreadsheets.read_xlsx(content, limits=imports.LIMITS)

    # Reading stopped after 1 000 blank rows: the lone cell in the last row was never reached.
    assert table.rows == [(2, [*row(MARTA)[:-1], None])]


def test_blank_rows_do_not_count_toward_the_row_limit():
    limits = spreadsheets.Limits(max_rows=2)
    content = b"a;b\r\n1;2\r\n" + b";\r\n" * 500 + b"3;4\r\n"
    table = spreadsheets.read_csv(content, limits=limits)
    assert [number for number, _values in table.rows] == [2, 503]


def test_more_rows_than_the_limit_are_refused_in_a_workbook():
    limits = spreadsheets.Limits(max_rows=3)
    content = workbook_bytes([["a"], [1], [2], [3], [4]])
    with pytest.raises(spreadsheets.TooManyRows):
        spreadsheets.read_xlsx(content, limits=limits)


def test_a_value_beyond_the_column_limit_is_refused():
    workbook_row = row(MARTA) + [""] * 200 + ["x"]
    errors = english_file_errors(workbook_bytes([HEADER, workbook_row]), "cases.xlsx")
    assert errors == [
        "Row 2 has values in more than 100 columns. Remove the columns that are not part of "
        "the import format."
    ]
    csv_row = ";".join(row(GORAN) + [""] * 200 + ["x"]).encode()
    errors = english_file_errors(csv_bytes([]) + csv_row + b"\r\n", "cases.csv")
    assert errors[0].startswith("Row 2 has values in more than 100 columns.")


def test_blank_cells_beyond_the_column_limit_are_dropped():
    content = workbook_bytes([HEADER + [None] * 150, row(MARTA) + [None] * 150])
    report = check(content, name="cases.xlsx")
    assert report.file_errors == []
    assert len(report.importable_rows) == 1


@pytest.mark.parametrize("name", ["cases.xlsx", "cases.csv"])
def test_a_cell_longer_than_ten_thousand_characters_is_refused(name):
    values = row(MARTA, first="M" * 10_001)
    content = workbook_bytes([HEADER, values]) if name.endswith("xlsx") else csv_bytes([values])
    assert english_file_errors(content, name) == [
        "A cell in row 2 holds more than 10 000 characters. No column of the import takes "
        "that much text."
    ]


def test_a_csv_field_beyond_the_csv_modules_own_limit_is_a_long_cell_not_a_crash():
    content = csv_bytes([]) + b'"' + b"x" * 200_000 + b'";1\r\n'
    with pytest.raises(spreadsheets.CellTooLong):
        spreadsheets.read_csv(content, limits=imports.LIMITS)


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    # One cell of 60 MB packs into about 60 KB.
    content = rewrite_member(
        workbook_bytes([HEADER, row(MARTA)]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("Märta", "M" * (60 * 1024 * 1024)),
    )
    assert len(content) < 200_000

    errors = english_file_errors(content, "cases.xlsx")

    assert errors == [
        "The workbook unpacks to far more than its file size. Open it in Excel, delete "
        "everything outside the table, save it and try again."
    ]


def test_a_tightly_packed_member_below_the_size_limit_is_refused():
    limits = spreadsheets.Limits(max_compression_ratio=50)
    content = rewrite_member(
        workbook_bytes([HEADER, row(MARTA)]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("Märta", "M" * (5 * 1024 * 1024)),
    )
    with pytest.raises(spreadsheets.TooLargeUnpacked):
        spreadsheets.read_xlsx(content, limits=limits)


def test_utf16_without_a_byte_order_mark_is_an_encoding_problem():
    content = csv_bytes([row(MARTA)], encoding="utf-16-le")
    assert not content.startswith(b"\xff\xfe")
    assert english_file_errors(content, "cases.csv") == [
        "The file seems to be UTF-16; save it as UTF-8 or as Excel."
    ]


def test_utf16_with_a_byte_order_mark_still_reads():
    report = check(csv_bytes([row(MARTA)], encoding="utf-16"))
    assert report.file_errors == []
    assert len(report.importable_rows) == 1


def test_one_number_under_two_names_in_one_file_is_an_error_on_the_second_row(officer):
    content = csv_bytes(
        [
            row(MARTA, "Märta", "Åberg"),
            row(GORAN, "Göran", "Öhman"),
            row(MARTA, "Maria", "Åberg", received="2026-03-02"),
            row(MARTA, "MÄRTA", "Aberg", received="2026-03-03"),
        ]
    )
    with translation.override("en"):
        report = check(content)
        errors = [(number, column, str(message)) for number, column, message in report.errors]

    assert errors == [
        (
            4,
            "personnummer",
            "The personnummer is also on row 2, under another name; check the number or the name.",
        )
    ]
    assert [row.row_number for row in report.importable_rows] == [2, 3, 5]
    result = imports.import_rows(report=report, actor=officer, only_valid=True)
    assert (result.created_citizens, result.created_applications) == (2, 3)


def test_csv_lines_may_end_in_crlf_cr_or_lf_and_a_quoted_cell_may_span_lines():
    sheet = spreadsheets.read_csv(b'a;b\r\n"x\r\ny";1\rz;2\nw;3')
    assert sheet.header == ["a", "b"]
    assert sheet.rows == [(2, ["x\r\ny", "1"]), (3, ["z", "2"]), (4, ["w", "3"])]


def test_a_streamed_csv_hands_out_the_same_rows():
    content = b"a;b\r\n1;2\r\n\r\n3;4\r\n"
    streamed = spreadsheets.stream_csv(content)
    assert streamed.header == ["a", "b"]
    assert (
        list(streamed.rows)
        == spreadsheets.read_csv(content).rows
        == [
            (2, ["1", "2"]),
            (4, ["3", "4"]),
        ]
    )
