"""Local AWS: an in-process moto server holding the DynamoDB tables and the secret of template.yaml.

The tables are created from their definitions in template.yaml (key schema, billing mode, TTL), so
code that works against them locally works against the deployed stack. The credentials secret is not
part of the stack (an admin creates it, docs/deploying.md, step 3): locally it is created here, with
local values, and its ARN stands in for the template parameter that carries it.

Moto keeps its state in process-wide backends: a `moto.mock_aws` started in the same process resets
them, tables and secret included. Code that runs next to a LocalAws talks to it over HTTP instead
(the `environment()` below), and `LocalResources.check()` says so when the state was lost.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from devtools.template import DEFAULT_TEMPLATE_PATH, LOCAL_REGION, SamTemplate, resolve

LOCAL_SECRET_NAME = "gladly-bigcommerce/local/credentials"


class _QuietMotoRequestHandler(MotoRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log line per AWS call: they would drown the gateway's and the handlers' logs."""


class _OneRequestAtATime:
    """Runs moto's WSGI app for one request at a time.

    DynamoDB applies a conditional write atomically; moto checks the condition and then writes, with
    nothing between concurrent requests, so two racing `attribute_not_exists` puts can both succeed
    under load. The idempotency records and order locks rely on that atomicity, so the local server
    serialises requests to behave like DynamoDB.
    """

    def __init__(self, app: Any) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:
            # Materialise the body inside the lock: moto computes it lazily in some paths.
            return list(self._app(environ, start_response))


class _QuietThreadedMotoServer(ThreadedMotoServer):
    """moto's ThreadedMotoServer without its per-request access log, with DynamoDB's atomic writes."""

    def _server_entry(self) -> None:
        self._server = make_server(
            self._ip_address,
            self._port,
            _OneRequestAtATime(DomainDispatcherApplication(create_backend_app)),
            threaded=True,
            request_handler=_QuietMotoRequestHandler,
        )
        self._server_ready_event.set()
        self._server.serve_forever()


@dataclass
class LocalAws:
    """A running moto server; `stop()` shuts it down."""

    server: ThreadedMotoServer
    endpoint_url: str
    region: str = LOCAL_REGION

    def environment(self) -> dict[str, str]:
        """Variables that point boto3 (and so Powertools) at this server, with fake credentials."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": "local-testing",
            "AWS_SECRET_ACCESS_KEY": "local-testing",
            "AWS_SESSION_TOKEN": "local-testing",
        }

    def client(self, service_name: str) -> Any:
        """A boto3 client for this server, independent of the process environment."""
        environment = self.environment()
        return boto3.client(
            service_name,
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=environment["AWS_SESSION_TOKEN"],
        )

    def stop(self) -> None:
        self.server.stop()


def start_local_aws(port: int = 0, host: str = "127.0.0.1") -> LocalAws:
    """Start moto in a background thread on `host:port` (0: a free port) and return once it listens."""
    server = _QuietThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    return LocalAws(server=server, endpoint_url=f"http://{bound_host}:{bound_port}")


@dataclass(frozen=True)
class LocalResources:
    """What `create_resources_from_template` made, by the template's names for it."""

    table_names: Mapping[str, str]
    """Logical id in template.yaml (e.g. IdempotencyTable) -> local table name."""
    table_arns: Mapping[str, str]
    secret_parameter: str
    """The template parameter that carries the secret's ARN (CredentialsSecretArn)."""
    secret_arn: str
    aws: LocalAws = field(repr=False)
    template: SamTemplate = field(repr=False)

    def references(self) -> dict[str, str]:
        """Values for the template's `!Ref`/`!GetAtt`s to these resources, for resolving its environment."""
        references = {self.secret_parameter: self.secret_arn, **self.table_names}
        references.update({f"{logical_id}.Arn": arn for logical_id, arn in self.table_arns.items()})
        return references

    def environment(self) -> dict[str, str]:
        """What code outside the gateway needs to use these resources as the functions do.

        The AWS endpoint and fake credentials, and each of the functions' environment variables
        whose template value is a reference to one of these resources (table names, the secret).
        """
        references = self.references()
        environment = self.aws.environment()
        for spec in self.template.functions():
            for name, value in spec.environment.items():
                if isinstance(value, dict) and _referenced_name(value) in references:
                    environment[name] = str(resolve(value, references))
        return environment

    def empty_table(self, logical_id: str) -> None:
        """Delete every item of a table of the template (one whose key is `pk`: the lookup cache)."""
        dynamodb = self.aws.client("dynamodb")
        table = self.table_names[logical_id]
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, ProjectionExpression="pk"):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key={"pk": item["pk"]})

    def check(self) -> None:
        """Raise if the server lost the resources (a `moto.mock_aws` in this process resets moto's state)."""
        existing = set(self.aws.client("dynamodb").list_tables()["TableNames"])
        missing = sorted(set(self.table_names.values()) - existing)
        try:
            self.aws.client("secretsmanager").describe_secret(SecretId=self.secret_arn)
        except ClientError:
            missing.append(self.secret_arn)
        if missing:
            raise RuntimeError(
                f"local AWS resources are gone: {missing}. Something in this process reset moto "
                "(moto.mock_aws): use the moto server fixtures instead."
            )


def create_resources_from_template(
    local_aws: LocalAws,
    secret_value: Mapping[str, Any],
    *,
    template: SamTemplate | None = None,
    name_prefix: str = "local",
    secret_name: str = LOCAL_SECRET_NAME,
) -> LocalResources:
    """Create every DynamoDB table of the template, and the credentials secret with `secret_value`.

    Table names are `<name_prefix>-<LogicalId>`; CloudFormation makes up its own names when deployed,
    and the functions only ever learn them from the environment, so the names do not matter.
    """
    template = template or SamTemplate(DEFAULT_TEMPLATE_PATH)
    dynamodb = local_aws.client("dynamodb")
    table_names: dict[str, str] = {}
    table_arns: dict[str, str] = {}
    for table in template.tables():
        name = f"{name_prefix}-{table.logical_id}"
        description = dynamodb.create_table(
            TableName=name,
            BillingMode=table.billing_mode,
            AttributeDefinitions=[
                {"AttributeName": key.name, "AttributeType": key.attribute_type} for key in table.key_schema
            ],
            KeySchema=[{"AttributeName": key.name, "KeyType": key.key_type} for key in table.key_schema],
        )["TableDescription"]
        if table.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
            )
        table_names[table.logical_id] = name
        table_arns[table.logical_id] = description["TableArn"]

    secret = local_aws.client("secretsmanager").create_secret(
        Name=secret_name, SecretString=json.dumps(dict(secret_value))
    )
    return LocalResources(
        table_names=table_names,
        table_arns=table_arns,
        secret_parameter=template.secret_parameter(),
        secret_arn=secret["ARN"],
        aws=local_aws,
        template=template,
    )


def _referenced_name(value: dict[str, Any]) -> str | None:
    if set(value) == {"Ref"}:
        return str(value["Ref"])
    if set(value) == {"Fn::GetAtt"}:
        return ".".join(str(part) for part in value["Fn::GetAtt"])
    return None
