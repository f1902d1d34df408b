"""A local stand-in for the REST API of template.yaml: HTTP in, the real Lambda handlers, HTTP out.

Routes, handlers, timeouts and environment variables are read from template.yaml. Each request
becomes the REST API proxy event (payload version 1.0) that API Gateway would send, the handler is
called in-process with a small fake Lambda context, and its proxy response is checked and written
back the way API Gateway would: a malformed response, an exception or a run past the function's
Timeout becomes `502 {"message": "Internal server error"}`, an unknown route or method
`403 {"message": "Missing Authentication Token"}`.

URLs keep the deployed shape, stage first: `http://127.0.0.1:3000/prod/lookup` stands for
`https://<api>.execute-api.<region>.amazonaws.com/prod/lookup`, so the path Gladly signs is the same
in both places. The event says where it was called as API Gateway's does, from what the gateway knows
itself, never from the request's headers: `requestContext.domainName` is the address it serves on
(`127.0.0.1:3000`), `requestContext.path` `/prod/...`. The handlers build absolute action URLs from
those alone (`edge/request.public_base_url_of`: `http` for a loopback domain name, which API Gateway never
sends), so they lead back here (`http://127.0.0.1:3000/prod/actions/...`) whatever `Host` or
`X-Forwarded-Proto` a caller sends. Handlers
run concurrently in the server's threads, as concurrent Lambda invocations would. Outside the stage,
`/`, `/favicon.ico` and `/__preview/...` serve the agent preview page (devtools/preview), and
`GET /__gateway/info` says which deployment and sandbox this gateway serves (devtools/gateway_info),
both development only and answering only on the gateway's own loopback address.

Handlers read their settings when they are first imported (a cold start), from `os.environ`, which
is the whole process's. So one gateway process is one deployment configuration: `start()` sets the
environment, then imports the handlers; `stop()` restores the environment it found.

With `containers` above 1 (`CONTAINERS=N make run`) each function runs in N worker processes instead,
handed requests in turn (devtools/fleet.py); each answer then names its worker in an
`X-Local-Container` header (`2/4 pid 12345`), which no deployed API sends.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from devtools.gateway_log import MaskingRequestHandler, QuietRequestHandler
from devtools.lambda_local import LambdaHandler, load_handler, run_handler
from devtools.ports import listen
from devtools.template import (
    DEFAULT_TEMPLATE_PATH,
    LOCAL_ACCOUNT_ID,
    LOCAL_REGION,
    SamTemplate,
    TemplateError,
    pseudo_parameters,
    resolve,
)

if TYPE_CHECKING:
    from devtools.fleet import Fleet

LOCAL_API_ID = "localapi01"
LOCAL_DOMAIN_NAME = f"{LOCAL_API_ID}.execute-api.{LOCAL_REGION}.amazonaws.com"
CONTAINER_HEADER = "X-Local-Container"
"""Which worker of a fleet answered (`CONTAINERS=N make run`): `<number>/<of> pid <pid>`."""
PROXY_RESPONSE_KEYS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})


@lru_cache(maxsize=1)
def default_stage() -> str:
    """The stage name template.yaml deploys with its default parameters."""
    return SamTemplate(DEFAULT_TEMPLATE_PATH).stage_name()


def build_event(
    method: str,
    path: str,
    query: str = "",
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    body: bytes = b"",
    *,
    stage: str | None = None,
    source_ip: str = "127.0.0.1",
    request_id: str | None = None,
    now: datetime | None = None,
    scheme: str = "https",
    port: int = 443,
    domain_name: str = LOCAL_DOMAIN_NAME,
) -> dict[str, Any]:
    """The REST API proxy event API Gateway sends for this request.

    `path` is the resource path without the stage (`/lookup`); `query` the raw query string.
    API Gateway adds its forwarding headers (`X-Forwarded-Proto` and `-Port` from `scheme` and `port`,
    which the request came in on, unless the caller sent its own); `headers` keeps the last of repeated
    values and `multiValueHeaders` all of them; empty collections are `null`, as API Gateway sends them.
    `domain_name` is the domain API Gateway received the request on (`requestContext.domainName`): the
    API's own, whatever `Host` header the caller sent.
    """
    stage = stage or default_stage()
    moment = now or datetime.now(UTC)
    request_id = request_id or str(uuid.uuid4())
    header_pairs = list(headers.items() if isinstance(headers, Mapping) else headers)
    header_pairs += _forwarding_headers(header_pairs, source_ip, scheme, port)
    query_pairs = parse_qsl(query, keep_blank_values=True)
    single_headers = dict(header_pairs)
    lower_headers = {name.lower(): value for name, value in header_pairs}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method.upper(),
        "headers": single_headers or None,
        "multiValueHeaders": _multi_value(header_pairs),
        "queryStringParameters": dict(query_pairs) or None,
        "multiValueQueryStringParameters": _multi_value(query_pairs),
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": path,
            "httpMethod": method.upper(),
            "extendedRequestId": request_id,
            "requestTime": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{stage}{path}",
            "accountId": LOCAL_ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": LOCAL_API_ID,
            "requestTimeEpoch": int(moment.timestamp() * 1000),
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": lower_headers.get("user-agent"),
                "user": None,
            },
            "domainName": domain_name,
            "apiId": LOCAL_API_ID,
        },
        # Without BinaryMediaTypes on the API, API Gateway hands every body over as text.
        "body": body.decode("utf-8", errors="replace") if body else None,
        "isBase64Encoded": False,
    }


def _forwarding_headers(
    header_pairs: list[tuple[str, str]], source_ip: str, scheme: str, port: int
) -> list[tuple[str, str]]:
    present = {name.lower() for name, _ in header_pairs}
    added = {
        "X-Forwarded-For": source_ip,
        "X-Forwarded-Port": str(port),
        "X-Forwarded-Proto": scheme,
        "X-Amzn-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]}",
    }
    return [(name, value) for name, value in added.items() if name.lower() not in present]


def _multi_value(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]] | None:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return grouped or None


@dataclass(frozen=True)
class GatewayResponse:
    """What API Gateway answers the client."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _gateway_error(status: int, message: str, error_type: str) -> GatewayResponse:
    return GatewayResponse(
        status=status,
        headers=[("Content-Type", "application/json"), ("x-amzn-ErrorType", error_type)],
        body=json.dumps({"message": message}).encode(),
    )


def _proxy_response(result: Any, request_id: str) -> GatewayResponse | None:
    """The client's response for a handler's return value; None when API Gateway would reject it."""
    if not isinstance(result, dict) or not set(result) <= PROXY_RESPONSE_KEYS:
        return None
    status = result.get("statusCode")
    body = result.get("body")
    headers = result.get("headers") or {}
    multi_value_headers = result.get("multiValueHeaders") or {}
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return None
    if body is not None and not isinstance(body, str):
        return None
    if not isinstance(headers, dict) or not isinstance(multi_value_headers, dict):
        return None
    if not all(isinstance(values, list) for values in multi_value_headers.values()):
        return None
    # API Gateway merges both header maps; a name in multiValueHeaders takes its values from there.
    merged = [(str(name), str(value)) for name, values in multi_value_headers.items() for value in values]
    merged += [(str(name), str(value)) for name, value in headers.items() if name not in multi_value_headers]
    if not any(name.lower() == "content-type" for name, _ in merged):
        merged.append(("Content-Type", "application/json"))
    merged.append(("x-amzn-RequestId", request_id))
    # Without BinaryMediaTypes, API Gateway passes even an isBase64Encoded body on as the text it is.
    return GatewayResponse(status=status, headers=merged, body=(body or "").encode("utf-8"))


def _failed_invocation(function_id: str, what_happened: str) -> GatewayResponse:
    """What API Gateway answers when the Lambda invocation fails: the client learns nothing more."""
    print(f"[local-gateway] {function_id} {what_happened}: answering 502", file=sys.stderr)
    return _gateway_error(502, "Internal server error", "InternalServerErrorException")


class LocalGateway:
    """The REST API of template.yaml on `http://host:port/<stage>/...`, calling the real handlers.

    `parameters` override the template's parameter defaults (by parameter name, e.g. StoreHash);
    `references` give the values of its resources (`LocalResources.references()`: table names, the
    secret ARN); `environment` adds or overrides plain variables (AWS endpoint, Powertools switches).
    """

    def __init__(
        self,
        template_path: Path = DEFAULT_TEMPLATE_PATH,
        *,
        parameters: Mapping[str, str] | None = None,
        references: Mapping[str, str] | None = None,
        environment: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        access_log: bool = True,
        sandbox_url: str | None = None,
        containers: int = 1,
        worker_output: IO[Any] | None = None,
    ) -> None:
        self.template = SamTemplate(template_path)
        self.stage = self.template.stage_name(parameters)
        self._functions = {spec.logical_id: spec for spec in self.template.functions()}
        self._routes = {(route.method, route.path): route.function_id for route in self.template.routes()}
        self.environment = self._resolve_environment(parameters or {}, references or {}, environment or {})
        self._host = host
        self._port = port
        self._access_log = access_log
        self._handlers: dict[str, LambdaHandler] = {}
        self.containers = containers
        """Worker processes per function (1: the handlers run in this process, in its threads)."""
        self._worker_output = worker_output
        self._fleet: Fleet | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._saved_environment: dict[str, str | None] = {}
        self.preview_secret = secrets.token_urlsafe(32)
        """This run's secret of the agent preview's relay: only the page it serves holds it (preview)."""
        self.sandbox_url = sandbox_url
        """The BigCommerce sandbox `make run` started for these handlers (None: another store). Only it
        may be reset on behalf of this gateway (`GET /__gateway/info`, devtools.gateway_info)."""

    def _resolve_environment(
        self, parameters: Mapping[str, str], references: Mapping[str, str], extra: Mapping[str, str]
    ) -> dict[str, str]:
        """The one environment all functions share; two functions disagreeing on a variable is an error."""
        values = {**pseudo_parameters(), **self.template.parameter_values(parameters), **references}
        environment: dict[str, str] = {}
        for spec in self._functions.values():
            for name, value in resolve(dict(spec.environment), values).items():
                if environment.setdefault(name, str(value)) != str(value):
                    raise TemplateError(f"functions disagree on {name}: one local process cannot run both")
        environment.update(extra)
        return environment

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> LocalGateway:
        """Take the port, set the environment, import every handler (their cold start), then serve.

        A port already taken raises `devtools.ports.PortInUse` before anything else is done (werkzeug,
        binding it itself, would print its own message and exit).
        """
        listener = listen(self._host, self._port)
        self._saved_environment = {name: os.environ.get(name) for name in self.environment}
        os.environ.update(self.environment)
        try:
            if self.containers > 1:
                from devtools.fleet import Fleet  # imports this module: only for a fleet

                functions = list(self._functions.values())
                self._fleet = Fleet(functions, self.containers, dict(os.environ), self._worker_output).start()
            else:
                self._handlers = {key: load_handler(spec) for key, spec in self._functions.items()}
            request_handler = MaskingRequestHandler if self._access_log else QuietRequestHandler
            self._server = make_server(
                self._host,
                self._port,
                self._wsgi_app,
                threaded=True,
                request_handler=request_handler,
                fd=listener.fileno(),
            )
        except BaseException:
            self._stop_fleet()
            self._restore_environment()
            raise
        finally:
            listener.close()  # the server holds its own duplicate of the socket
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._stop_fleet()
        self._restore_environment()
        self._server = None
        self._thread = None

    def fleet_pids(self) -> list[int]:
        """The process ids of the fleet's workers (none when the handlers run in this process)."""
        return self._fleet.pids() if self._fleet is not None else []

    def _stop_fleet(self) -> None:
        if self._fleet is not None:
            self._fleet.stop()
            self._fleet = None

    def _restore_environment(self) -> None:
        for name, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environment = {}

    def __enter__(self) -> LocalGateway:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The stage's base URL, e.g. http://127.0.0.1:3000/prod (append /lookup for the Lookup URL)."""
        if self._server is None:
            raise RuntimeError("the gateway is not started")
        return f"http://{self._server.host}:{self._server.port}/{self.stage}"

    # -- requests ------------------------------------------------------------------------------

    def invoke(self, event: dict[str, Any]) -> GatewayResponse:
        """Route a proxy event to its handler and turn the handler's answer into API Gateway's."""
        function_id = self._routes.get((str(event.get("httpMethod")), str(event.get("resource"))))
        if function_id is None:
            return _gateway_error(403, "Missing Authentication Token", "MissingAuthenticationTokenException")
        spec = self._functions[function_id]
        if self._fleet is not None:
            invocation = self._fleet.invoke(function_id, event)
        else:
            handler = self._handlers.get(function_id)
            if handler is None:
                raise RuntimeError("the gateway is not started: handlers are imported by start()")
            invocation = run_handler(handler, spec, event)
        if invocation.failure is not None:
            return _failed_invocation(function_id, invocation.failure)
        response = _proxy_response(invocation.result, event["requestContext"]["requestId"])
        if response is None:
            return _failed_invocation(function_id, "returned a malformed Lambda proxy response")
        if invocation.container is not None:
            response.headers.append((CONTAINER_HEADER, invocation.container))
        return response

    def _wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        answer = self._handle(Request(environ))
        response = Response(answer.body, status=answer.status, headers=answer.headers)
        return response(environ, start_response)

    def _handle(self, request: Request) -> GatewayResponse:
        assert self._server is not None  # serving
        stage_prefix = f"/{self.stage}"
        if not request.path.startswith(stage_prefix + "/"):
            # The agent preview page and the gateway's info (development only) live outside the stage;
            # imported here because they sign or ask with devtools.replay, which imports this module.
            from devtools import gateway_info, preview

            if preview.serves(request.path):
                return preview.handle(request, self)
            if gateway_info.serves(request.path):
                return gateway_info.handle(request, self)
            return _gateway_error(403, "Forbidden", "ForbiddenException")
        resource_path = request.path[len(stage_prefix) :]
        event = build_event(
            request.method,
            resource_path,
            request.query_string.decode("utf-8", errors="replace"),
            list(request.headers.items()),
            request.get_data(),
            stage=self.stage,
            source_ip=request.remote_addr or "127.0.0.1",
            scheme="http",  # served without TLS, unlike API Gateway
            port=self._server.port,
            # Where this gateway serves, as it knows it itself: never the caller's Host header.
            domain_name=f"{self._server.host}:{self._server.port}",
        )
        return self.invoke(event)


def decode_body(event: Mapping[str, Any]) -> bytes:
    """The raw bytes of a proxy event's body."""
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else str(body).encode("utf-8")
