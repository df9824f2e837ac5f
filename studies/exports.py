"""The results tables as CSV and XLSX. Text cells that look like formulas are written as
text in both (``rehab.csv_export.neutralise``), since a question or a name could start
with "="."""

from openpyxl import Workbook
from openpyxl.styles import Font

from rehab.csv_export import SafeWriter, neutralise

from .results import Table


def write_csv(stream, tables: list[Table]) -> None:
    writer = SafeWriter(stream)
    for n, table in enumerate(tables):
        if n:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.header)
        for row in table.rows:
            writer.writerow(row)


def write_xlsx(stream, tables: list[Table]) -> None:
    """One sheet, the tables one below the other as in the CSV."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Resultat"
    bold = Font(bold=True)
    for n, table in enumerate(tables):
        if n:
            sheet.append([])
        sheet.append([neutralise(table.title)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.append([neutralise(value) for value in table.header])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([neutralise(value) for value in row])
    workbook.save(stream)
