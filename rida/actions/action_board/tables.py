"""The filtered dashboard as files: CSV, XLSX, JSON and a plain-text table.

Every writer takes the dashboard's items (:class:`rida.actions.action_board.query.Item`) and gives
bytes. :data:`WRITERS` maps a format name to its writer; :func:`write` adds ``ics`` (a
VCALENDAR whose links need the instance's address), and ``rida actions --format`` offers
exactly :data:`FORMATS`.

CSV is for French Excel: UTF-8 with a byte order mark, ``;`` between fields, dates
``JJ/MM/AAAA``. In CSV and XLSX text cells are neutralised
(:func:`rida.util.spreadsheet.neutralise`: no formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from rida.actions.action_board.query import Item
from rida.actions.numbering import reference
from rida.meetings.people import label
from rida.render import ACTION_KIND_LABELS, ACTION_STATUS_LABELS
from rida.util.spreadsheet import neutralise

Writer = Callable[[Sequence[Item]], bytes]

HEADERS = (
    "N°",
    "Action",
    "Type",
    "Porteur",
    "Organisation",
    "Échéance",
    "Statut",
    "En retard",
    "Série",
    "Réunion",
    "Date de la réunion",
    "Ligne RIDA",
    "Adresse",
)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "table": "text/plain; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


def action_path(item: Item) -> str:
    """Where the action is shown: its meeting's compte-rendu, at the action."""
    return f"/reunions/{item.meeting_id}#action-{item.action.id}"


def cells(item: Item) -> list[Any]:
    """One line of the CSV and XLSX tables (dates as dates, text neutralised)."""
    a, owner = item.action, item.owner
    values = [
        reference(item.meeting_id, a.position),
        a.title,
        ACTION_KIND_LABELS.get(a.kind, a.kind),
        label(owner) if owner else "",
        owner.entity if owner else "",
        a.due_date,
        ACTION_STATUS_LABELS.get(a.status, a.status),
        "oui" if item.overdue else "non",
        item.series,
        item.meeting_title,
        item.meeting_date,
        item.row_number,
        action_path(item),
    ]
    return [neutralise(v) for v in values]


def to_csv(items: Sequence[Item]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for item in items:
        writer.writerow(
            [
                "" if v is None else f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else v
                for v in cells(item)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


XLSX_HEADERS = (*HEADERS, "Dernier commentaire")
# Column widths (characters), in XLSX_HEADERS order.
XLSX_WIDTHS = (8, 60, 16, 32, 18, 12, 10, 10, 24, 36, 14, 10, 50, 60)


def to_xlsx(
    items: Sequence[Item],
    *,
    base_url: str = "",
    notes: Mapping[int, Any] | None = None,
) -> bytes:
    """One sheet « Actions »: a bold, frozen header with an autofilter, set column widths,
    dates as dates; « Adresse » an absolute link under ``base_url`` (a real hyperlink);
    « Dernier commentaire » the ``notes`` (see
    :func:`rida.actions.action_board.report.latest_notes`) of each action, if given."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Actions")
    for i, width in enumerate(XLSX_WIDTHS, start=1):  # before any row (write-only)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold, link_font = Font(bold=True), Font(color="0563C1", underline="single")
    wrap = Alignment(wrap_text=True, vertical="top")
    header = []
    for title in XLSX_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    address = HEADERS.index("Adresse")
    for item in items:
        row = []
        values = cells(item)
        if base_url:
            values[address] = base_url.rstrip("/") + action_path(item)
        note = (notes or {}).get(item.action.id or 0)
        values.append(neutralise(note.text) if note is not None else "")
        for k, value in enumerate(values):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            if k == address and base_url:
                cell.hyperlink = value
                cell.font = link_font
            if k in (1, len(values) - 1):
                cell.alignment = wrap
            row.append(cell)
        sheet.append(row)
    last = get_column_letter(len(XLSX_HEADERS))
    sheet.auto_filter.ref = f"A1:{last}{len(items) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def json_dict(item: Item) -> dict[str, Any]:
    """``number``: the action's number in its meeting (« Action 2 »); ``reference``:
    ``12/2`` (meeting 12, action 2), as ``rida action set-status`` takes it; ``owner``:
    the owner's label (``Mathieu SLOSAR (ANS)``, an organisation's name) or
    null; ``meeting``: the id of the meeting the action comes from; ``rida``: the number of
    its RIDA row in that meeting, or null."""
    a = item.action
    return {
        "id": a.id,
        "number": a.position + 1,
        "reference": reference(item.meeting_id, a.position),
        "title": a.title,
        "kind": a.kind,
        "owner": label(item.owner) if item.owner else None,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "status": a.status,
        "meeting": item.meeting_id,
        "rida": item.row_number,
    }


def to_json(items: Sequence[Item]) -> bytes:
    return (json.dumps([json_dict(i) for i in items], ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8"
    )


def to_table(items: Sequence[Item]) -> bytes:
    """One line per action: reference (``12/2``), due date, status, owner, title — series,
    action N of meeting."""
    lines = []
    for item in items:
        a = item.action
        due = f"{a.due_date:%d/%m/%Y}" if a.due_date else "—"
        late = " EN RETARD" if item.overdue else ""
        owner = label(item.owner) if item.owner else "(sans porteur)"
        lines.append(
            f"{reference(item.meeting_id, a.position):>8}  {due:<10}  "
            f"{ACTION_STATUS_LABELS.get(a.status, a.status):<7}"
            f"{late}  {owner} : {a.title} — {item.series}, action {a.position + 1} de "
            f"« {item.meeting_title} » du {item.meeting_date:%d/%m/%Y}"
        )
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _xlsx(items: Sequence[Item]) -> bytes:
    return to_xlsx(items)


WRITERS: dict[str, Writer] = {"table": to_table, "json": to_json, "csv": to_csv, "xlsx": _xlsx}
FORMATS = (*WRITERS, "ics")


def write(fmt: str, items: Sequence[Item], *, base_url: str) -> bytes:
    """``items`` in the format ``fmt`` (one of :data:`FORMATS`); ``ics`` links each action
    to its page under ``base_url``."""
    if fmt == "ics":
        from rida.actions.calendar_feed import ics_of_items  # icalendar, only when asked

        return ics_of_items(items, base_url=base_url)
    if fmt == "xlsx":
        return to_xlsx(items, base_url=base_url)
    return WRITERS[fmt](items)
