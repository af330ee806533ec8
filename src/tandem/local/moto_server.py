"""The emulated AWS account of the local stack: moto's threaded server, the table, buckets and SES identities.

The server runs inside this process, so moto's backends (SES's sent mail, for the outbox) are readable
directly; everything Tandem itself does goes over HTTP to the server, exactly as it would to AWS.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

from tandem.local.sigv4_guard import Credentials, SigV4Guard, new_credentials

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
BUCKET_ENV = {
    "inbound": ("TANDEM_INBOUND_BUCKET", "tandem-inbound"),
    "attachments": ("TANDEM_ATTACHMENT_BUCKET", "tandem-attachments"),
    "portal": ("TANDEM_PORTAL_BUCKET", "tandem-portal"),
}


def bucket_names() -> dict[str, str]:
    """The local bucket of each role (inbound mail, attachments, portal), from the environment."""
    return {role: os.environ.get(env, default) for role, (env, default) in BUCKET_ENV.items()}


def set_aws_environment(endpoint: str | None = None, credentials: Credentials | None = None) -> None:
    """This run's credentials and region for the emulated account; the endpoint once the server is up."""
    if credentials is not None:
        os.environ["AWS_ACCESS_KEY_ID"] = credentials.access_key
        os.environ["AWS_SECRET_ACCESS_KEY"] = credentials.secret_key
    os.environ["AWS_DEFAULT_REGION"] = REGION
    os.environ["AWS_REGION"] = REGION
    os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    if endpoint:
        os.environ["TANDEM_AWS_ENDPOINT"] = endpoint


@dataclass
class MotoStack:
    """A running moto server and the boto3 clients the local tooling uses (not Tandem's own clients)."""

    server: Any
    endpoint: str
    table_name: str
    credentials: Credentials

    def client(self, service: str) -> Any:
        """A client signing with this run's key (explicitly: a session made earlier may hold other ones)."""
        import boto3

        return boto3.client(
            service,
            region_name=REGION,
            endpoint_url=self.endpoint,
            aws_access_key_id=self.credentials.access_key,
            aws_secret_access_key=self.credentials.secret_key,
        )

    def stop(self) -> None:
        self.server.stop()


def _serial(base: type, credentials: Credentials) -> type:
    """moto's backends are not safe under concurrent requests (the API, the stream poller and the scheduler all
    call at once): serve one request at a time, each one fully, on the server's threads; and only requests
    signed with this run's key (sigv4_guard)."""
    import threading

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    class SerialMotoServer(base):  # type: ignore[misc,valid-type]
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            lock = threading.Lock()

            def one_at_a_time(environ: dict, start_response: Any) -> list[bytes]:
                with lock:
                    return list(app(environ, start_response))

            self._server = make_server(
                self._ip_address,
                self._port,
                SigV4Guard(one_at_a_time, credentials),
                True,
                request_handler=MotoRequestHandler,
            )
            self._server_ready_event.set()
            self._server.serve_forever()

    return SerialMotoServer


def start_moto(table_name: str = "tandem") -> MotoStack:
    """Start moto on a free port of 127.0.0.1 (answering only this run's key), point the environment at it,
    create the table and buckets."""
    from moto.server import ThreadedMotoServer

    from tandem.local import moto_speedups

    credentials = new_credentials()  # per run: nobody else on this machine can talk to the server
    set_aws_environment(credentials=credentials)
    moto_speedups.install()
    server = _serial(ThreadedMotoServer, credentials)(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    set_aws_environment(endpoint)
    stack = MotoStack(server, endpoint, table_name, credentials)
    create_resources(stack)
    return stack


def table_models() -> Any:
    """The module declaring the table's PynamoDB model."""
    from tandem.dal import table

    return table


def create_resources(stack: MotoStack) -> None:
    """The table (from the models: stream, indexes, TTL), the buckets and the mail root's SES identity."""
    records = table_models()
    records.configure(stack.table_name, host=stack.endpoint, region=REGION)
    records.create_table(wait=True)
    s3 = stack.client("s3")
    for name in bucket_names().values():
        s3.create_bucket(Bucket=name)
    verify_domain(os.environ.get("TANDEM_MAIL_DOMAIN", "tandem.local"))


def stream_arn(stack: MotoStack) -> str:
    """The table's latest stream ARN."""
    return stack.client("dynamodb").describe_table(TableName=stack.table_name)["Table"]["LatestStreamArn"]


# --------------------------------------------------------------------------- SES identities

_verified: set[str] = set()
_verify_lock = threading.Lock()


def ses_backend() -> Any:
    """moto's SES backend of the local account (the server runs in this process)."""
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT_ID][REGION]


def verify_domain(domain: str) -> None:
    """Verify a sending domain in moto's SES (moto checks the exact domain: a parent does not cover subdomains)."""
    domain = domain.strip().lower()
    with _verify_lock:
        if domain in _verified:
            return
        ses_backend().verify_domain(domain)
        _verified.add(domain)


def install_sender_verification() -> None:
    """Let every tenant domain send: verify the sender's domain the first time moto sees it.

    AWS verifies each tenant's domain once at onboarding; locally tenants are created at any moment (sign-up
    over the API), so the emulator treats any domain under the mail root as verified.
    """
    from moto.ses.models import SESBackend

    if getattr(SESBackend, "_tandem_patched", False):
        return
    root = os.environ.get("TANDEM_MAIL_DOMAIN", "tandem.local").lower()
    original = SESBackend._is_verified_address

    def _is_verified_address(self: Any, source: str) -> bool:
        if original(self, source):
            return True
        domain = source.rsplit("@", 1)[-1].strip(" >").lower()
        if domain == root or domain.endswith("." + root):
            self.verify_domain(domain)
            return True
        return False

    SESBackend._is_verified_address = _is_verified_address
    SESBackend._tandem_patched = True
