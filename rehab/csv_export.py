"""CSV files for download that a spreadsheet program opens safely.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) is read by Excel and LibreOffice as a formula, so a name typed as
``=HYPERLINK(...)`` would run when an administrator opens the export (CSV injection).
Such cells are written with a leading apostrophe, which the programs show as text.
"""

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Excel with Swedish settings splits a CSV file at semicolons (the comma is the decimal
# sign), so the downloads use them; the imports read either.
DELIMITER = ";"


class SafeWriter:
    """``csv.writer`` with every text cell neutralised; numbers are written as they are.
    Cells are separated by semicolons (``DELIMITER``). The file starts with a byte order
    mark, so that Excel reads it as UTF-8 (å, ä and ö)."""

    def __init__(self, stream) -> None:
        stream.write("\ufeff")
        self._writer = csv.writer(stream, delimiter=DELIMITER)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(value) for value in row])
