"""The API's shapes: typed models (msgspec) for every body, query and response, decoded and encoded in one place.

Models whose shape exists in the domain are derived from the domain dataclass (see `derive.py`), so a field is
declared once; the OpenAPI document is generated from these models and the route table (functions/api/spec.py).
"""
