"""The Excel template agencies fill for the manual_measures extract (audits, surveys,
training counts): the contract's columns on the first sheet, with data validation from the
partnership's own lists, so what comes back loads.

- the first sheet, ``manual_measures``, is what ingest reads (the first sheet of an .xlsx):
  header row = the contract's columns; dropdowns for measure_id (the declared measures),
  agency (the agency codes and All) and locality (the locality names and All); a date
  for period_end; whole or decimal numbers >= 0 for numerator and value, >= 1 for the
  denominator; source and owner required (an input message says so);
- ``Measures``: each declared measure's id, title, unit, polarity and frequency;
- ``How to fill``: the rules the contract applies (unknown measures, value mismatches);
- ``Lists``: the dropdowns' values (hidden).

openpyxl writes it (a well-kept library for the one thing fastexcel, the reader, does not do).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from data_contracts import extract_contracts

ROWS = 500  # rows prepared with validation (more can be added by copying a row)
HOW_TO = (
    "One row per measure, period, agency and locality.",
    "measure_id: choose from the list (the measures declared in seeds/manual_measures.csv); "
    "any other id is quarantined as unknown_measure.",
    "period_end: the last day of the period the figure covers (e.g. 31/03/2026 for the "
    "quarter January to March 2026).",
    "agency and locality: All for the partnership's own figure. The All row is never worked "
    "out from the others: a survey's total is not the sum of its parts, so enter it.",
    "Audits and surveys: numerator = cases graded good or better (or positive responses), "
    "denominator = cases audited (or responses). The value is computed from them; if you "
    "also give it, it must be the same figure (or it rounded to 0, 1 or 2 decimal places), "
    "or the row is quarantined as value_mismatch.",
    "Counts (sessions held, staff trained): the count in numerator, denominator blank.",
    "A figure with no numerator (copied from a report): give value alone.",
    "source: where the figure comes from; owner: who is accountable for it. Both required.",
    "Save as .xlsx and drop it in the inbox as manual_measures_<anything>.xlsx: it replaces "
    "the previous file, so keep every period in it.",
)


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    unit: str
    polarity: str
    frequency: str


def _list_range(sheet_name: str, column: int, count: int) -> str:
    letter = get_column_letter(column)
    return f"'{sheet_name}'!${letter}$2:${letter}${max(count + 1, 2)}"


def build_template(measures: list[Measure], agencies: list[str],
                   localities: list[str]) -> bytes:
    """The template workbook as .xlsx bytes."""
    columns = extract_contracts()["manual_measures"].columns
    book = Workbook()
    sheet = book.active
    sheet.title = "manual_measures"
    sheet.append([c.name for c in columns])
    bold = Font(bold=True)
    for i, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = bold
        if column.required:
            cell.fill = PatternFill("solid", fgColor="FFDD00")
        sheet.column_dimensions[get_column_letter(i)].width = max(14, len(column.name) + 4)
    sheet.freeze_panes = "A2"

    lists = book.create_sheet("Lists")
    values = {"measure_id": [m.id for m in measures], "agency": ["All", *agencies],
              "locality": ["All", *localities]}
    for col, (name, items) in enumerate(values.items(), start=1):
        lists.cell(row=1, column=col, value=name)
        for row, item in enumerate(items, start=2):
            lists.cell(row=row, column=col, value=item)
    lists.sheet_state = "hidden"

    where = {c.name: get_column_letter(i) for i, c in enumerate(columns, start=1)}

    def validate(column: str, rule: DataValidation) -> None:
        rule.error = rule.error or f"Not a valid {column}: see the 'How to fill' sheet."
        rule.showErrorMessage = True
        rule.showInputMessage = True
        sheet.add_data_validation(rule)
        rule.add(f"{where[column]}2:{where[column]}{ROWS + 1}")

    for col, (name, items) in enumerate(values.items(), start=1):
        validate(name, DataValidation(type="list", formula1=_list_range("Lists", col, len(items)),
                                      allow_blank=False, promptTitle=name,
                                      prompt=f"Choose a {name.replace('_', ' ')} from the list"))
    validate("period_end", DataValidation(
        type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=False,
        promptTitle="period_end", prompt="The last day of the period (a date)"))
    for name, low, prompt in (("numerator", 0, "Cases, responses or the count (0 or more)"),
                              ("denominator", 1, "Cases audited or responses (1 or more); "
                                                 "blank for a count"),
                              ("value", 0, "Optional beside numerator and denominator")):
        validate(name, DataValidation(type="decimal", operator="greaterThanOrEqual",
                                      formula1=str(low), allow_blank=True, promptTitle=name,
                                      prompt=prompt))
    for name in ("source", "owner"):
        validate(name, DataValidation(type="textLength", operator="greaterThan", formula1="0",
                                      allow_blank=False, promptTitle=name,
                                      prompt=f"Required: the figure's {name}"))

    listing = book.create_sheet("Measures")
    listing.append(["id", "title", "unit", "polarity", "frequency"])
    for m in measures:
        listing.append([m.id, m.title, m.unit.lower(), m.polarity.lower(), m.frequency.lower()])
    for cell in listing[1]:
        cell.font = bold
    listing.column_dimensions["A"].width = 32
    listing.column_dimensions["B"].width = 80

    guide = book.create_sheet("How to fill")
    guide.column_dimensions["A"].width = 120
    guide.append(["How to fill the manual measures template"])
    guide["A1"].font = bold
    for line in HOW_TO:
        guide.append([line])

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(f)]


def template_from_seeds(seeds: Path) -> bytes:
    """The template for the partnership whose reference files are in ``seeds``."""
    measures = [Measure(r["id"], r["title"], r["unit"], r["polarity"], r["frequency"])
                for r in _rows(seeds / "manual_measures.csv") if r.get("id")]
    agencies = [r["agency_code"] for r in _rows(seeds / "agencies.csv") if r.get("agency_code")]
    localities = [r["locality_name"] for r in _rows(seeds / "localities.csv")
                  if r.get("locality_name")]
    return build_template(measures, agencies, localities)
