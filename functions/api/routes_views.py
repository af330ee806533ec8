"""Saved views (issue 13): CRUD, a view's items page by page, and its export as CSV or XLSX."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chalice import Response

from api import render
from api.http import current, decode_cursor, page_body, principal
from api.ops import Call, op
from api.resources import resource
from tandem.domain.errors import TooLarge
from tandem.domain.views import EXPORT_CAP, EXPORT_MAX_BYTES, cell
from tandem.schemas import views as m
from tandem.schemas.common import page_of
from tandem.schemas.items import ItemOut
from tandem.services import saved_views as uc
from tandem.services.tabular import CSV_TYPE, XLSX_TYPE, to_csv, to_xlsx

VIEWS = "views"


def _out(v: Any, _p: Any = None) -> m.ViewOut:
    return m.ViewOut(id=v.id, name=v.name, owner_id=v.owner_id, shared=v.shared, team_id=v.team_id,
                     filters=m.ViewFilters(**v.filters), columns=list(v.columns), sort=v.sort, group_by=v.group_by,
                     created_at=v.created_at, updated_at=v.updated_at, version=v.version)


resource("/v1/views", "views", noun="saved view", out=m.ViewOut, create_model=m.ViewCreate,
         patch_model=m.ViewPatch, list_=uc.list_views, create=uc.create_view, get=uc.get_view,
         update=uc.update_view, delete=uc.delete_view, render_=_out)


@op("GET", "/v1/views/columns", summary="The columns a view may show and what it may be grouped by", tag=VIEWS,
    returns=m.ViewColumnsOut)
def view_columns(call: Call) -> Any:
    columns, groups, default = uc.view_columns(principal(call.request))
    return m.ViewColumnsOut(columns=list(columns), groups=list(groups), default_columns=list(default))


@op("GET", "/v1/views/{id}/items", summary="A page of a saved view's items", tag=VIEWS, query=m.ViewItemsQuery,
    returns=page_of(ItemOut))
def view_items(call: Call, id: str) -> Any:  # noqa: A002 - the path parameter's name
    p = principal(call.request)
    scope = f"{p.user_id}/views/{id}/items"
    _, page = uc.view_items(current().deps, p, id, call.query.limit, decode_cursor(call.query.cursor, scope))
    return page_body(page, lambda i: render.item(i, staff=p.is_staff), scope)


@op("GET", "/v1/views/{id}/export",
    summary=f"Download a saved view with exactly its columns (all pages, at most {EXPORT_CAP:,} rows; "
            "X-Tandem-Truncated: true when cut)",
    tag=VIEWS, query=m.ViewExportQuery, returns=str, media=f"text/csv,{XLSX_TYPE}", errors=(413,))
def export_view(call: Call, id: str) -> Response:  # noqa: A002 - the path parameter's name
    view, rows, truncated = uc.export_rows(current().deps, principal(call.request), id)
    table = ([cell(i, c) for c in view.columns] for i in rows)
    if call.query.format == "xlsx":
        body, media, ext = to_xlsx(view.columns, table, view.name), XLSX_TYPE, "xlsx"
    else:
        body, media, ext = to_csv(view.columns, table), CSV_TYPE, "csv"
    if len(body if isinstance(body, bytes) else body.encode("utf-8")) > EXPORT_MAX_BYTES:
        raise TooLarge("the download would be too large: choose fewer columns or a narrower filter",
                       {"max_bytes": EXPORT_MAX_BYTES})
    name = quote(f"{view.name}.{ext}", safe="")
    headers = {"Content-Type": media, "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
               "Cache-Control": "no-store", "X-Tandem-Truncated": "true" if truncated else "false"}
    return Response(body=body, status_code=200, headers=headers)
