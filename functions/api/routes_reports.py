"""Time reports, time spent on an item and itemised statements (issue 13), as JSON or downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from chalice import Response

from api.http import current, principal
from api.ops import Call, op, respond
from tandem.domain.time_report import COUNTED, ReportQuery
from tandem.domain.time_tracking import SheetState
from tandem.pages.render import PAGE_CSP, render_page
from tandem.schemas import reports as m
from tandem.services import statements, time_reports
from tandem.services.tabular import CSV_TYPE, XLSX_TYPE, to_csv, to_xlsx

TAG = "reports"
DOWNLOADS = f"application/json,text/csv,{XLSX_TYPE}"


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _download(header: list[str], rows: list[list[Any]], name: str, fmt: str) -> Response:
    """CSV or XLSX (numbers and dates keep their types in XLSX; API Gateway passes it on as binary when the
    request's Accept names the XLSX type)."""
    if fmt == "xlsx":
        body: str | bytes = to_xlsx(header, rows, name)
        media = XLSX_TYPE
    else:
        body, media = to_csv(header, rows), CSV_TYPE
    filename = quote(f"{name}.{fmt}", safe="")
    return Response(body=body, status_code=200, headers={
        "Content-Type": media, "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
        "Cache-Control": "no-store"})


def _group_cell(group_by: str, group: str | None) -> Any:
    """Days and weeks (their Monday) as dates, a month as its first day; anything else as it is."""
    if group is None:
        return None
    if group_by in ("day", "week"):
        return dt.date.fromisoformat(group)
    if group_by == "month":
        return dt.date.fromisoformat(f"{group}-01")
    return group


@op("GET", "/v1/reports/time", summary="Time grouped by portfolio, project, organisation, person, billable, day, "
    "week or month (staff; agents their own), as JSON, CSV or XLSX", tag=TAG, query=m.ReportQuery,
    returns=m.ReportOut, media=DOWNLOADS)
def time_report(call: Call) -> Any:
    q = call.query
    query = ReportQuery(q.group_by, q.date_from, q.date_to, q.user_id, q.project_id, q.portfolio_id,
                        q.organization_id, q.billable, (SheetState(q.state),) if q.state else COUNTED)
    report = time_reports.time_report(current().deps, principal(call.request), query)
    if q.format == "json":
        rows = [m.ReportRow(group=r.group, name=r.name, minutes=r.minutes, billable_minutes=r.billable_minutes,
                            count=r.count) for r in report.rows]
        t = report.total
        out = m.ReportOut(group_by=q.group_by, date_from=q.date_from, date_to=q.date_to, rows=rows,
                          total=m.TimeTotals(minutes=t.minutes, billable_minutes=t.billable_minutes, count=t.count))
        return respond(out, 200, "application/json")
    header = [q.group_by, "name", "minutes", "hours", "billable_minutes", "billable_hours", "count"]
    table = [[_group_cell(q.group_by, r.group), r.name, r.minutes, _hours(r.minutes), r.billable_minutes,
              _hours(r.billable_minutes), r.count] for r in report.rows]
    t = report.total
    table.append([None, "Total", t.minutes, _hours(t.minutes), t.billable_minutes, _hours(t.billable_minutes),
                  t.count])
    span = f"{q.date_from or 'start'}-{q.date_to or 'now'}"
    return _download(header, table, f"time-by-{q.group_by}-{span}", q.format)


@op("GET", "/v1/items/{ref}/time", summary="Time spent on an item: every timesheet but the rejected ones (staff)",
    tag=TAG, returns=m.TimeTotals)
def item_time(call: Call, ref: str) -> Any:
    spent = time_reports.item_time(current().deps, principal(call.request), ref)
    return m.TimeTotals(minutes=spent.minutes, billable_minutes=spent.billable_minutes, count=spent.count)


@op("GET", "/v1/reports/time/statement", summary="An organisation's itemised time of a period (staff; agents their "
    "own lines), as JSON, a printable page, CSV or XLSX", tag=TAG, query=m.StatementQuery, returns=m.StatementOut,
    media=f"application/json,text/html,text/csv,{XLSX_TYPE}", errors=(413,))
def time_statement(call: Call) -> Any:
    q, c = call.query, current()
    p = principal(call.request)
    states = (SheetState(q.state),) if q.state else COUNTED
    st = statements.statement(c.deps, p, q.organization_id, q.date_from, q.date_to, states)
    if q.format == "html":
        tenant = c.deps.repos.tenants.get(p.tenant_id)
        page = render_page("statement", statement=st, tenant_name=tenant.name if tenant else "")
        return Response(body=page, status_code=200, headers={
            "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PAGE_CSP,
            "X-Frame-Options": "DENY", "Cache-Control": "no-store"})
    if q.format == "json":
        lines = [m.StatementLine(date=ln.date, item_ref=ln.item_ref, item_title=ln.item_title,
                                 user=m.StatementUser(id=ln.user_id, name=ln.user_name), minutes=ln.minutes,
                                 billable=ln.billable, note=ln.note) for ln in st.lines]
        out = m.StatementOut(organization=m.StatementOrganization(id=st.organization.id, name=st.organization.name),
                             date_from=st.date_from, date_to=st.date_to, lines=lines,
                             total_minutes=st.total_minutes, billable_minutes=st.billable_minutes)
        return respond(out, 200, "application/json")
    header = ["date", "item_ref", "item_title", "user", "minutes", "hours", "billable", "note"]
    table: list[list[Any]] = [[dt.date.fromisoformat(ln.date), ln.item_ref, ln.item_title, ln.user_name,
                               ln.minutes, _hours(ln.minutes), ln.billable, ln.note] for ln in st.lines]
    table.append([None, "", "Total", "", st.total_minutes, _hours(st.total_minutes), None, ""])
    table.append([None, "", "Billable", "", st.billable_minutes, _hours(st.billable_minutes), True, ""])
    name = f"statement-{st.organization.name}-{st.date_from}-{st.date_to}"
    return _download(header, table, name, q.format)
