"""The one Chalice app: registers the blueprints and the middleware, nothing else."""

from __future__ import annotations

from chalice import Chalice

from api import api
from chat_socket import chat_socket
from ingest_email import ingest_email
from rules import rules
from tandem.runtime.middleware import install_middleware
from tandem.services.tabular import XLSX_TYPE
from timers import timers

app = Chalice(app_name="tandem")
app.experimental_feature_flags.update(["BLUEPRINTS", "WEBSOCKETS"])  # live chat's socket (chat_socket)
# Saved views download as XLSX: API Gateway must pass that body as binary (base64 in the proxy event).
app.api.binary_types.append(XLSX_TYPE)
install_middleware(app)
app.register_blueprint(api)
app.register_blueprint(ingest_email)
app.register_blueprint(rules)
app.register_blueprint(timers)
app.register_blueprint(chat_socket)
