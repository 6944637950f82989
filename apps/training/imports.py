"""Reading and checking a CSV of completed training before anything is written.

A trainer or coordinator uploads a file (from an outside provider, or a class sign-in sheet) for
the responders of their organization. `validate_import` reads the whole file and returns a report:
every problem with its row and column, notes (ignored columns, rows already recorded) and the rows
that would be created. It never writes; `services.records_import` writes only a report without
problems. Lookups are set-based: three queries whatever the number of rows.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from apps.accounts.models import Organization, User
from apps.accounts.roles import Role

from .models import Course, TrainingRecord


def max_bytes() -> int:
    return settings.TRAINING_IMPORT_MAX_BYTES


def max_rows() -> int:
    return settings.TRAINING_IMPORT_MAX_ROWS


@dataclass(frozen=True)
class Column:
    key: str
    required: bool
    aliases: tuple[str, ...]


# Header names are matched after lower-casing and turning "_" and "-" into spaces.
COLUMNS = (
    Column("email", True, ("email", "e mail", "email address", "responder email", "responder")),
    Column("course_code", True, ("course code", "course", "code")),
    Column("completed_on", True, ("completed on", "completion date", "date completed", "completed")),
    Column("expires_on", False, ("expires on", "expiry date", "expiration date", "expires", "valid until")),
    Column("certificate_number", False, ("certificate number", "certificate no", "certificate", "card number")),
)
ALIASES = {alias: column.key for column in COLUMNS for alias in column.aliases}
MAX_LENGTHS = {"email": 254, "course_code": 32, "certificate_number": 64}
# Long enough for any real cell, far below csv's own limit (which raises on the whole file).
MAX_CELL = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. `row` is the file's line (the header is row 1); None: the whole file."""

    message: str
    code: str
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class ImportRow:
    row: int
    email: str
    course_code: str
    completed_on: date | None
    expires_on: date | None
    certificate_number: str
    responder: User | None = None
    course: Course | None = None
    # "create", or "skip" when the same record exists already.
    action: str = "create"

    def as_dict(self) -> dict:
        return {"row": self.row, "email": self.email, "responder": self.responder.pk if self.responder else None,
                "responder_name": self.responder.get_full_name() if self.responder else "",
                "course_code": self.course.code if self.course else self.course_code,
                "course_title": self.course.title if self.course else "",
                "completed_on": self.completed_on, "expires_on": self.expires_on,
                "certificate_number": self.certificate_number, "action": self.action}


@dataclass
class ImportReport:
    organization: Organization
    file_sha256: str
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    created: list[TrainingRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_create(self) -> list[ImportRow]:
        return [r for r in self.rows if r.action == "create"]

    @property
    def skipped(self) -> list[ImportRow]:
        return [r for r in self.rows if r.action == "skip"]

    def error(self, message: str, code: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(message=message, code=code, row=row, column=column))

    def note(self, message: str, code: str, row: int | None = None, column: str | None = None) -> None:
        self.notes.append(Problem(message=message, code=code, row=row, column=column))

    def summary(self) -> str:
        if self.problems:
            return _("The file was not imported: correct the problems listed and upload it again.")
        return _("Records to create: %(create)s. Already recorded (skipped): %(skip)s.") % {
            "create": len(self.to_create), "skip": len(self.skipped)}


def template_csv() -> str:
    """The header and one example row, for the downloadable template."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in COLUMNS])
    writer.writerow(["responder@example.org", "cpr", "2026-01-31", "", "AHA-123456"])
    return out.getvalue()


def _short(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _normalize_header(cell: str) -> str:
    return " ".join(cell.replace("_", " ").replace("-", " ").strip().lower().split())


# --- the file as a whole -------------------------------------------------------------------------

def _decode(content: bytes, report: ImportReport) -> str | None:
    save_hint = _("In Excel choose File › Save As › “CSV UTF-8 (Comma delimited)”; in other programs save "
                  "it as CSV with the UTF-8 encoding.")
    if content.startswith(b"PK\x03\x04"):
        report.error(_("This is a spreadsheet workbook (XLSX), not a CSV file.") + " " + save_hint, "spreadsheet")
        return None
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.error(_("The file is UTF-16 text, not UTF-8.") + " " + save_hint, "not_utf8")
        return None
    if b"\x00" in content:
        # UTF-16 without a byte-order mark looks like text with a NUL after every letter.
        if content[1::2].count(0) > len(content) // 4 or content[0::2].count(0) > len(content) // 4:
            report.error(_("The file is UTF-16 text, not UTF-8.") + " " + save_hint, "not_utf8")
        else:
            report.error(_("The file contains NUL bytes: it is not a CSV text file (is it a binary file?)."),
                         "binary")
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        report.error(_("The file is not UTF-8 text (row %(row)s has a character in another encoding, such as "
                       "Latin-1 or Windows-1252).") % {"row": line} + " " + save_hint, "not_utf8", row=line)
        return None
    bad = re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        report.error(_("Row %(row)s contains control characters: this does not look like a CSV text file.")
                     % {"row": line}, "binary", row=line)
        return None
    return text


def _header(first_line: str) -> tuple[str, list[str]]:
    """(delimiter, header cells): a comma unless a semicolon or tab is what finds the columns
    (Excel in many European locales saves "CSV" with semicolons)."""
    best = (",", next(csv.reader([first_line]), []))
    for delimiter in (",", ";", "\t"):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        known = {ALIASES.get(_normalize_header(c)) for c in cells} - {None}
        if {c.key for c in COLUMNS if c.required} <= known:
            return delimiter, cells
    return best


def _read(text: str, report: ImportReport) -> tuple[dict[str, int], int, list[tuple[int, list[str]]]] | None:
    """(column key → index, header width, [(row number, cells)]) or None with the problem in the report."""
    if not text.strip():
        report.error(_("The file is empty."), "empty")
        return None
    first_line = text.lstrip("\r\n").splitlines()[0]
    delimiter, _cells = _header(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    limit = max_rows()
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank lines, and the ",,,," rows spreadsheets leave at the end
            if header is None:
                header = cells
                continue
            if len(rows) >= limit:
                report.error(_("The file has more than %(max)s data rows; split it into smaller files.")
                             % {"max": number_format(limit, force_grouping=True)}, "too_many_rows")
                return None
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        report.error(_("Row %(row)s is not valid CSV (%(error)s). Check its quotation marks.")
                     % {"row": reader.line_num, "error": exc}, "malformed_csv", row=reader.line_num)
        return None
    if header is None:
        report.error(_("The file is empty."), "empty")
        return None

    columns: dict[str, int] = {}
    ignored = []
    for index, cell in enumerate(header):
        key = ALIASES.get(_normalize_header(cell))
        if key is None:
            if cell.strip():
                ignored.append(_short(cell.strip(), 40))
            continue
        if key in columns:
            report.error(_("The column “%(column)s” appears twice in the header.") % {"column": key},
                         "duplicate_column", row=1, column=key)
            return None
        columns[key] = index
    missing = [c.key for c in COLUMNS if c.required and c.key not in columns]
    if missing:
        report.error(_("Required columns are missing: %(columns)s. The first row must name the columns "
                       "(download the template).") % {"columns": ", ".join(missing)}, "missing_columns", row=1)
        return None
    if ignored:
        report.note(_("These columns are not used and were ignored: %(columns)s.") % {"columns": ", ".join(ignored)},
                    "ignored_columns", row=1)
    if not rows:
        report.error(_("The file has a header row but no data rows."), "header_only")
        return None
    return columns, len(header), rows


# --- each row ------------------------------------------------------------------------------------

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
OTHER_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")


def _parse_date(value: str, report: ImportReport, row: int, column: str) -> date | None:
    match = ISO_DATE.match(value)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            report.error(_("“%(value)s” is not a real date.") % {"value": _short(value)}, "invalid_date", row, column)
            return None
    other = OTHER_DATE.match(value)
    if other:
        first, second, _year = (int(part) for part in other.groups())
        if first <= 12 and second <= 12 and first != second:
            report.error(_("“%(value)s” is ambiguous (day and month could be either way round). Write dates as "
                           "YYYY-MM-DD, for example 2026-03-04.") % {"value": _short(value)},
                         "ambiguous_date", row, column)
        else:
            report.error(_("Write dates as YYYY-MM-DD, for example 2026-03-04 (not “%(value)s”).")
                         % {"value": _short(value)}, "invalid_date", row, column)
        return None
    report.error(_("“%(value)s” is not a date; write dates as YYYY-MM-DD, for example 2026-03-04.")
                 % {"value": _short(value)}, "invalid_date", row, column)
    return None



def _parse_row(number: int, cells: list[str], columns: dict[str, int], width: int,
               report: ImportReport) -> ImportRow:
    if any(c.strip() for c in cells[width:]):
        # Usually a comma inside an unquoted value, which shifts every cell after it.
        report.error(_("This row has more cells than the header has columns (a comma inside a value must be "
                       "quoted)."), "extra_cells", number)
    values = {}
    for column in COLUMNS:
        index = columns.get(column.key)
        value = cells[index].strip() if index is not None and index < len(cells) else ""
        limit = MAX_LENGTHS.get(column.key, MAX_CELL)
        if len(value) > limit:
            report.error(_("Too long: at most %(max)s characters.") % {"max": limit}, "too_long", number,
                         column.key)
            values[column.key] = None
            continue
        if column.required and not value:
            report.error(_("This value is required."), "required", number, column.key)
        values[column.key] = value
    email = (values["email"] or "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            report.error(_("“%(value)s” is not an email address.") % {"value": _short(values["email"])},
                         "invalid_email", number, "email")
            email = ""
    completed = (_parse_date(values["completed_on"], report, number, "completed_on")
                 if values["completed_on"] else None)
    expires = _parse_date(values["expires_on"], report, number, "expires_on") if values["expires_on"] else None
    if completed and expires and expires < completed:
        report.error(_("The expiry date is before the completion date."), "expiry_before_completion", number,
                     "expires_on")
    return ImportRow(row=number, email=email, course_code=(values["course_code"] or "").lower(),
                     completed_on=completed, expires_on=expires,
                     certificate_number=values["certificate_number"] or "")


def validate_import(*, content: bytes, organization: Organization, by: User, today: date) -> ImportReport:
    """Read and check the whole file for `organization`. Writes nothing."""
    report = ImportReport(organization=organization, file_sha256=hashlib.sha256(content).hexdigest())
    if not content:
        report.error(_("The file is empty."), "empty")
        return report
    if len(content) > max_bytes():
        report.error(_("The file is larger than %(mb)s MB; split it into smaller files.")
                     % {"mb": max(1, max_bytes() // (1024 * 1024))}, "too_large")
        return report
    text = _decode(content, report)
    if text is None:
        return report
    read = _read(text, report)
    if read is None:
        return report
    columns, width, raw_rows = read
    rows = [_parse_row(number, cells, columns, width, report) for number, cells in raw_rows]

    # Set-based lookups: one query each, whatever the number of rows.
    emails = {r.email for r in rows if r.email}
    responders = {u.email.lower(): u for u in User.objects.annotate(email_lower=Lower("email")).filter(
        email_lower__in=emails, is_active=True, memberships__organization=organization,
        memberships__role=Role.RESPONDER, memberships__is_active=True).distinct()} if emails else {}
    codes = {r.course_code for r in rows if r.course_code}
    courses = {c.code.lower(): c for c in Course.objects.annotate(code_lower=Lower("code")).filter(
        code_lower__in=codes)} if codes else {}

    seen: dict[tuple, int] = {}
    for r in rows:
        if r.email:
            r.responder = responders.get(r.email)
            if r.responder is None:
                # The same words for someone of another organization: the file must not reveal who exists.
                report.error(_("No responder of %(organization)s has the email “%(email)s”.")
                             % {"organization": organization.name, "email": _short(r.email)},
                             "unknown_responder", r.row, "email")
            elif r.responder.pk == by.pk:
                report.error(_("You cannot import your own training: another trainer or coordinator must record it."),
                             "own_record", r.row, "email")
        if r.course_code:
            r.course = courses.get(r.course_code)
            if r.course is None:
                report.error(_("No course has the code “%(code)s” (see the course catalog).")
                             % {"code": _short(r.course_code)}, "unknown_course", r.row, "course_code")
            elif not r.course.is_active:
                report.error(_("The course “%(code)s” is no longer offered.") % {"code": r.course.code},
                             "inactive_course", r.row, "course_code")
        if r.completed_on:
            if r.completed_on > today:
                report.error(_("The completion date cannot be in the future."), "future_date", r.row, "completed_on")
            elif r.course is not None:
                allowed = r.course.expiry_for(r.completed_on)
                if r.expires_on is None:
                    r.expires_on = allowed
                elif allowed is not None and r.expires_on > allowed:
                    report.error(_("The expiry date is later than the course allows (%(date)s for a completion "
                                   "on this date).") % {"date": allowed.isoformat()}, "expiry_too_late", r.row,
                                 "expires_on")
        if r.responder and r.course and r.completed_on:
            key = (r.responder.pk, r.course.pk, r.completed_on)
            if key in seen:
                report.error(_("The same record as row %(row)s (same person, course and completion date).")
                             % {"row": seen[key]}, "duplicate_row", r.row)
            else:
                seen[key] = r.row

    if seen:
        existing = set(TrainingRecord.objects.filter(
            organization=organization, responder_id__in={k[0] for k in seen}, course_id__in={k[1] for k in seen},
            completed_on__in={k[2] for k in seen}).exclude(status=TrainingRecord.Status.REJECTED)
            .values_list("responder_id", "course_id", "completed_on"))
        for r in rows:
            key = (r.responder.pk, r.course.pk, r.completed_on) if r.responder and r.course and r.completed_on else None
            if key in existing:
                r.action = "skip"
                report.note(_("Already recorded for this person (same course and completion date); this row will be "
                              "skipped."), "already_recorded", r.row)
    report.rows = rows
    if report.ok and not report.to_create:
        report.error(_("Every row is already recorded: there is nothing to import."), "nothing_to_import")
    order = {column.key: index for index, column in enumerate(COLUMNS)}
    report.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, len(order))))
    return report
