"""Spreadsheet exports (CSV and XLSX) for staff, made safe to open.

Every export goes through ``export_response``, which neutralises each cell that a spreadsheet
program would run as a formula (OWASP's CSV injection): text a nominator or juror wrote can
begin with ``=``, ``+``, ``-`` or ``@``.
"""

import re

import tablib
from django.http import HttpResponse

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

_PLAIN_NUMBER = re.compile(r"[+-]?[\d\s()-]*")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    A phone number like +358 40 123 4567 is left as it is.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "=@\t\r" or (value[0] in "+-" and not _PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def export_response(dataset: tablib.Dataset, *, file_format: str, filename: str) -> HttpResponse:
    """The dataset as a download in ``file_format`` (a key of EXPORT_FORMATS), every cell
    neutralised, never cached."""
    safe = tablib.Dataset(
        *([spreadsheet_safe(value) for value in row] for row in dataset),
        headers=dataset.headers,
        title=dataset.title,
    )
    content = safe.export(file_format)
    if file_format == "csv":
        content = "\ufeff" + content  # a BOM so that Excel reads ä and ö right
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response
