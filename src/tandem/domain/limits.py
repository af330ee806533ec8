"""Every size limit of the product, declared once: the API models, the domain checks and the docs read them here.

Sizes are in characters (Unicode code points) unless they say bytes. They keep every stored record well under
DynamoDB's 400 KB per item, so a client gets a clear 413/422 instead of a failed write.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta

BODY_BYTES = 1024 * 1024  # a request body; more is 413
ITEM_BYTES = 300_000  # what an item's own content may take as UTF-8 JSON (DynamoDB's item limit is 400 KB)
DEPTH = 16  # JSON nesting; deeper is 400 before any handler runs
ID = 64  # ids, keys, handles
NAME = 200  # names of people, teams, projects, types, rules
TITLE = 500
EMAIL = 254  # RFC 5321's limit for a forward path
DESCRIPTION = 20_000
MESSAGE = 50_000
FILENAME = 255
TAG = 100
URL = 2048
LIST = 100  # entries of a list (assignees, tags, domains, members, form fields, actions ...)
FIELD_TEXT = 10_000  # one answer of a custom field
PASSWORD = 1024
TOKEN = 4096
DOMAIN = 253
JSON_PATH = 500  # a JSONPath-like expression of an inbound webhook's mapping
SEARCH = 200  # the words of a search box (`q`); domain/search_text.py checks the rest (a word to look for)
PREDECESSORS = 50  # an item's finish-to-start predecessors (domain/planning.py)

Id = Annotated[str, Meta(min_length=1, max_length=ID)]
Name = Annotated[str, Meta(min_length=1, max_length=NAME)]
Title = Annotated[str, Meta(min_length=1, max_length=TITLE)]
Email = Annotated[str, Meta(min_length=3, max_length=EMAIL)]
Description = Annotated[str, Meta(max_length=DESCRIPTION)]
MessageText = Annotated[str, Meta(max_length=MESSAGE)]
Filename = Annotated[str, Meta(min_length=1, max_length=FILENAME)]
Tag = Annotated[str, Meta(min_length=1, max_length=TAG)]
Url = Annotated[str, Meta(max_length=URL)]
Password = Annotated[str, Meta(min_length=1, max_length=PASSWORD)]
Token = Annotated[str, Meta(min_length=1, max_length=TOKEN)]
Domain = Annotated[str, Meta(min_length=1, max_length=DOMAIN)]
JsonPath = Annotated[str, Meta(min_length=1, max_length=JSON_PATH)]
SearchText = Annotated[str, Meta(max_length=SEARCH)]
Date = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}", max_length=40)]
Ids = Annotated[list[Id], Meta(max_length=LIST)]
ItemRef = Annotated[str, Meta(pattern=r"^[TKtk]-\d{1,12}$", max_length=20)]
Predecessors = Annotated[list[ItemRef], Meta(max_length=PREDECESSORS)]
Tags = Annotated[list[Tag], Meta(max_length=LIST)]
ShortText = Annotated[str, Meta(max_length=NAME)]
FieldText = Annotated[str, Meta(max_length=FIELD_TEXT)]
# One answer of a custom form field: what the form's field type allows is checked by the domain (item_types).
FieldValue = FieldText | int | float | bool | None | Annotated[list[ShortText], Meta(max_length=LIST)]
Answers = Annotated[dict[Id, FieldValue], Meta(max_length=LIST)]
Percent = Annotated[int, Meta(ge=0, le=100)]
Points = Annotated[float, Meta(ge=0, le=1_000_000)]
Json = Any  # free-form JSON: bounded by BODY_BYTES and DEPTH only
SUMMARY = 4000
Summary = Annotated[str, Meta(max_length=SUMMARY)]  # descriptions of projects, portfolios
Principal = Annotated[str, Meta(min_length=1, max_length=ID + 5)]  # "user:<id>" or "team:<id>"
Principals = Annotated[list[Principal], Meta(max_length=LIST)]
