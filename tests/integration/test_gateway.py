"""The local API gateway and local AWS: what handlers receive, how answers come back, what moto holds.

Most tests run the gateway on a small template of their own with an echo handler, so they pin the
gateway's behaviour whatever the product's handlers do; the last ones check the real template.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from devtools import replay
from devtools.aws import LocalResources
from devtools.gateway import LocalGateway, build_event
from devtools.gateway_log import formatted_log_line
from devtools.ports import PortInUse
from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer
from devtools.signer import event_query_string
from devtools.template import REPOSITORY_ROOT, SamTemplate
from gladly_bigcommerce.gladly.signing import SignatureError, verify_gladly_request

EVENTS = REPOSITORY_ROOT / "events"
ECHO_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Setting:
    Type: String
  Stage:
    Type: String
    Default: test
Globals:
  Function:
    Runtime: python3.12
    Handler: app.lambda_handler
    Timeout: 1
    MemorySize: 256
    Environment:
      Variables:
        ECHO_SETTING: !Ref Setting
        ECHO_TABLE: !Ref EchoTable
        ECHO_TABLE_URL: !Sub https://${AWS::Region}.example/${EchoTable}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Stage
  EchoFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: echo/
      Events:
        Get:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /echo, Method: GET}
        Post:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /echo, Method: POST}
  EchoTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""

ECHO_HANDLER = """\
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time


def lambda_handler(event, context):
    mode = (event.get("queryStringParameters") or {}).get("mode")
    if mode == "raise":
        raise RuntimeError("the handler failed")
    if mode == "malformed":
        return {"statusCode": 200, "body": {"a dict": "is not a string"}}
    if mode == "extra-key":
        return {"statusCode": 200, "body": "{}", "unexpected": True}
    if mode == "slow":
        time.sleep(1.05)
    variables = ("ECHO_SETTING", "ECHO_TABLE", "ECHO_TABLE_URL", "ECHO_LOCAL")
    return {
        "statusCode": 201,
        "headers": {"X-Single": "one", "X-Both": "from headers"},
        "multiValueHeaders": {"X-Multi": ["a", "b"], "X-Both": ["from multiValueHeaders"]},
        "body": json.dumps(
            {
                "event": event,
                "environment": {name: os.environ.get(name) for name in variables},
                "context": {
                    "function_name": context.function_name,
                    "memory_limit_in_mb": context.memory_limit_in_mb,
                    "invoked_function_arn": context.invoked_function_arn,
                    "aws_request_id": context.aws_request_id,
                    "remaining_ms": context.get_remaining_time_in_millis(),
                },
            }
        ),
    }
"""

API_GATEWAY_EVENT_KEYS = {
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
    "body",
    "isBase64Encoded",
}
API_GATEWAY_REQUEST_CONTEXT_KEYS = {
    "resourceId",
    "resourcePath",
    "httpMethod",
    "extendedRequestId",
    "requestTime",
    "path",
    "accountId",
    "protocol",
    "stage",
    "domainPrefix",
    "requestTimeEpoch",
    "requestId",
    "identity",
    "domainName",
    "apiId",
}


def echo_api(root: Path, *, access_log: bool = False, port: int = 0) -> LocalGateway:
    """A gateway (not started) for the echo API, written under ``root``."""
    (root / "template.yaml").write_text(ECHO_TEMPLATE)
    (root / "echo").mkdir()
    (root / "echo" / "app.py").write_text(ECHO_HANDLER)
    return LocalGateway(
        root / "template.yaml",
        parameters={"Setting": "from-a-parameter"},
        references={"EchoTable": "local-EchoTable"},
        environment={"ECHO_LOCAL": "a local override"},
        access_log=access_log,
        port=port,
    )


@pytest.fixture(scope="module")
def echo_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGateway]:
    with echo_api(tmp_path_factory.mktemp("echo-api")) as gateway:
        yield gateway


def _echo(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    echoed: dict[str, Any] = response.json()
    return echoed


def test_a_request_becomes_the_rest_api_proxy_event(echo_gateway: LocalGateway) -> None:
    # Given a POST with a query string (a repeated key), headers and a JSON body
    body = b'{"lookupLevel":"BASIC","query":{"email":"a@example.com"}}'
    started_ms = int(time.time() * 1000)
    # When it goes through the gateway
    response = requests.post(
        f"{echo_gateway.url}/echo?orderId=42&tag=a&tag=b&empty=",
        data=body,
        headers={"Content-Type": "application/json", "Gladly-Time": "20260101T000000Z"},
        timeout=5,
    )
    # Then the handler gets the event API Gateway sends, field for field
    event = _echo(response)["event"]
    assert set(event) == API_GATEWAY_EVENT_KEYS
    assert set(event["requestContext"]) == API_GATEWAY_REQUEST_CONTEXT_KEYS
    assert event["resource"] == "/echo"
    assert event["path"] == "/echo"
    assert event["httpMethod"] == "POST"
    assert event["body"] == body.decode()
    assert event["isBase64Encoded"] is False
    assert event["queryStringParameters"] == {"orderId": "42", "tag": "b", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"orderId": ["42"], "tag": ["a", "b"], "empty": [""]}
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["headers"]["Content-Type"] == "application/json"
    assert event["headers"]["Gladly-Time"] == "20260101T000000Z"
    assert event["multiValueHeaders"]["Gladly-Time"] == ["20260101T000000Z"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-")
    # And it says where it was called, as API Gateway does: host and port, stage path, and (the local
    # gateway serving plain HTTP) the scheme, from which handlers build URLs that lead back here
    port = echo_gateway.url.split(":")[2].split("/")[0]
    assert event["headers"]["X-Forwarded-Proto"] == "http"
    assert event["headers"]["X-Forwarded-Port"] == port
    context = event["requestContext"]
    assert context["domainName"] == f"127.0.0.1:{port}"
    assert context["path"] == "/test/echo"
    assert context["resourcePath"] == "/echo"
    assert context["httpMethod"] == "POST"
    assert context["stage"] == "test"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == event["headers"]["User-Agent"]
    assert started_ms - 1000 <= context["requestTimeEpoch"] <= int(time.time() * 1000)
    assert context["accountId"].isdigit() and len(context["accountId"]) == 12


def test_where_the_event_says_it_was_called_is_the_gateways_own_address_never_the_callers_host(
    echo_gateway: LocalGateway,
) -> None:
    # Given a request whose Host and forwarding headers a caller forged
    forged = {
        "Host": "attacker.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "attacker.example",
    }
    # When it goes through the gateway
    event = _echo(requests.get(f"{echo_gateway.url}/echo", headers=forged, timeout=5))["event"]
    # Then requestContext names the address the gateway serves on, as API Gateway names its own domain
    port = echo_gateway.url.split(":")[2].split("/")[0]
    assert event["requestContext"]["domainName"] == f"127.0.0.1:{port}"
    assert event["headers"]["Host"] == "attacker.example"  # passed on as a header, and nothing more


def test_the_access_log_writes_a_web_server_error_line_masked(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the echo API behind a gateway that writes its access log
    gateway = echo_api(tmp_path, access_log=True)
    # When a client sends a request line the web server cannot read (four words), carrying a guest's email
    line = b"GET /test/echo?customer=guest:a@example.com&token=17.abc extra HTTP/1.1\r\n\r\n"
    with caplog.at_level(logging.INFO, logger="werkzeug"), gateway:
        host, port = gateway.url.split("//")[1].split("/")[0].split(":")
        with socket.create_connection((host, int(port)), timeout=5) as connection:
            connection.sendall(line)
            answer = connection.recv(4096)
    # Then the server answers 400 and its error line is logged, formatted, with the query values masked
    assert answer.split(b" ")[1] == b"400", answer
    messages = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    (error_line,) = [message for message in messages if "code 400" in message]
    assert "Bad request syntax" in error_line and "customer=***&token=***" in error_line
    assert "a@example.com" not in "\n".join(messages)
    # And logging never failed on the way (it prints "--- Logging error ---" when a line cannot be built)
    assert "Logging error" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("format", "args", "line"),
    [
        ("code %d, message %s", (400, "Bad request"), "code 400, message Bad request"),
        ("code %d, message %s", ("400", "Bad"), "code %d, message %s '400' 'Bad'"),
        ("100% done", (), "100% done"),
        ("%s %s", ("one",), "%s %s 'one'"),
    ],
    ids=["as-the-server-logs", "wrong-type", "a-percent-sign-without-arguments", "too-few-arguments"],
)
def test_an_access_log_line_is_always_formatted(format: str, args: tuple[Any, ...], line: str) -> None:
    assert formatted_log_line(format, args) == line


def test_a_bare_get_has_nulls_where_api_gateway_puts_them(
    echo_gateway: LocalGateway,
) -> None:
    event = _echo(requests.get(f"{echo_gateway.url}/echo", timeout=5))["event"]
    assert event["httpMethod"] == "GET"
    assert event["body"] is None
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None


def test_build_event_is_the_event_the_server_delivers(echo_gateway: LocalGateway) -> None:
    # Given the same request built without a server, and sent through it
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    port = int(echo_gateway.url.split(":")[2].split("/")[0])
    built = build_event("POST", "/echo", "a=1", headers, b"{}", stage="test", scheme="http", port=port)
    delivered = _echo(requests.post(f"{echo_gateway.url}/echo?a=1", data=b"{}", headers=headers, timeout=5))[
        "event"
    ]
    # Then they agree on everything but what is unique to one request
    for per_request in ("requestId", "extendedRequestId", "requestTime", "requestTimeEpoch", "domainName"):
        built["requestContext"].pop(per_request)
        delivered["requestContext"].pop(per_request)
    built["requestContext"]["identity"].pop("userAgent")
    delivered["requestContext"]["identity"].pop("userAgent")
    assert {key: value for key, value in delivered.items() if "eaders" not in key} == {
        key: value for key, value in built.items() if "eaders" not in key
    }
    for name, value in built["headers"].items():
        if name != "X-Amzn-Trace-Id":
            assert delivered["headers"][name] == value


def test_invoke_runs_a_handler_without_http(echo_gateway: LocalGateway) -> None:
    response = echo_gateway.invoke(build_event("GET", "/echo", "x=1", {}, b"", stage="test"))
    assert response.status == 201
    assert response.json()["event"]["queryStringParameters"] == {"x": "1"}


def test_the_handler_sees_the_template_environment_and_a_lambda_context(echo_gateway: LocalGateway) -> None:
    echoed = _echo(requests.get(f"{echo_gateway.url}/echo", timeout=5))
    assert echoed["environment"] == {
        "ECHO_SETTING": "from-a-parameter",
        "ECHO_TABLE": "local-EchoTable",
        "ECHO_TABLE_URL": "https://us-east-1.example/local-EchoTable",
        "ECHO_LOCAL": "a local override",
    }
    context = echoed["context"]
    assert context["function_name"] == "local-EchoFunction"
    assert context["memory_limit_in_mb"] == 256
    assert context["invoked_function_arn"].endswith(":function:local-EchoFunction")
    assert 0 < context["remaining_ms"] <= 1000


def test_the_proxy_response_headers_are_merged_like_api_gateway(echo_gateway: LocalGateway) -> None:
    response = requests.get(f"{echo_gateway.url}/echo", timeout=5)
    assert response.status_code == 201
    assert response.headers["X-Single"] == "one"
    assert response.headers["X-Multi"] == "a, b"
    assert response.headers["X-Both"] == "from multiValueHeaders"
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["x-amzn-RequestId"]


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("POST", "/test/nowhere", 403, "Missing Authentication Token"),
        ("DELETE", "/test/echo", 403, "Missing Authentication Token"),
        ("GET", "/other-stage/echo", 403, "Forbidden"),
        ("GET", "/echo", 403, "Forbidden"),
    ],
)
def test_unknown_routes_get_api_gateways_answer(
    echo_gateway: LocalGateway, method: str, path: str, status: int, message: str
) -> None:
    base = echo_gateway.url.removesuffix("/test")
    response = requests.request(method, base + path, timeout=5)
    assert response.status_code == status
    assert response.json() == {"message": message}


@pytest.mark.parametrize("mode", ["raise", "malformed", "extra-key", "slow"])
def test_a_failed_invocation_is_a_bare_502(echo_gateway: LocalGateway, mode: str) -> None:
    # Given a handler that raises, answers a malformed proxy response, or outlives its 1 s Timeout
    response = requests.get(f"{echo_gateway.url}/echo?mode={mode}", timeout=5)
    # Then the client learns nothing but that it failed, as from API Gateway
    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}
    assert "the handler failed" not in response.text


def test_stop_restores_the_environment(tmp_path: Path, echo_gateway: LocalGateway) -> None:
    assert os.environ["ECHO_SETTING"] == "from-a-parameter"
    (tmp_path / "echo").mkdir()
    (tmp_path / "echo" / "app.py").write_text(ECHO_HANDLER)
    (tmp_path / "template.yaml").write_text(ECHO_TEMPLATE)
    second = LocalGateway(
        tmp_path / "template.yaml",
        parameters={"Setting": "second"},
        references={"EchoTable": "t"},
        access_log=False,
    )
    with second:
        assert os.environ["ECHO_SETTING"] == "second"
    assert os.environ["ECHO_SETTING"] == "from-a-parameter"


def test_a_taken_port_is_said_before_the_environment_changes(tmp_path: Path) -> None:
    # Given a port another program holds
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        taken = holder.getsockname()[1]
        gateway = echo_api(tmp_path, port=taken)
        before = dict(os.environ)
        # When a gateway is started on it, it says so (no message of werkzeug's, no exit)
        with pytest.raises(PortInUse) as raised:
            gateway.start()
    # Then before anything was done: the process environment is as it was, no handler was imported
    assert raised.value.port == taken
    assert dict(os.environ) == before
    assert gateway._handlers == {}


# -- local AWS, from the real template ------------------------------------------------------------


def test_moto_holds_the_tables_of_the_template(local_aws: LocalResources) -> None:
    dynamodb = local_aws.aws.client("dynamodb")
    for table in SamTemplate().tables():
        name = local_aws.table_names[table.logical_id]
        description = dynamodb.describe_table(TableName=name)["Table"]
        assert description["KeySchema"] == [
            {"AttributeName": key.name, "KeyType": key.key_type} for key in table.key_schema
        ]
        assert description["BillingModeSummary"]["BillingMode"] == table.billing_mode
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": table.ttl_attribute}


def test_moto_holds_the_credentials_secret(local_aws: LocalResources) -> None:
    secrets = local_aws.aws.client("secretsmanager")
    value = json.loads(secrets.get_secret_value(SecretId=local_aws.secret_arn)["SecretString"])
    assert set(value) == {"client_id", "access_token", "gladly_signing_key"}


def test_aws_env_points_the_functions_variables_at_moto(aws_env: LocalResources) -> None:
    assert os.environ["SECRET_NAME"] == aws_env.secret_arn
    assert os.environ["IDEMPOTENCY_TABLE_NAME"] == aws_env.table_names["IdempotencyTable"]
    assert os.environ["ORDER_LOCKS_TABLE_NAME"] == aws_env.table_names["OrderLocksTable"]
    # A client made from the environment alone reaches moto
    tables = boto3.client("dynamodb").list_tables()["TableNames"]
    assert os.environ["ORDER_LOCKS_TABLE_NAME"] in tables


# -- signed requests: the replay client --------------------------------------------------------------


def _verify(event: dict[str, Any], signing_key: str) -> None:
    """Check the echoed event's signature the way the handlers do, over the path Gladly called."""
    verify_gladly_request(
        method=event["httpMethod"],
        path=event["requestContext"]["path"],
        query=event_query_string(event),
        headers=event["headers"],
        body=(event["body"] or "").encode(),
        signing_key=signing_key,
        now=datetime.now(UTC),
    )


def test_the_client_signs_what_the_handler_receives(echo_gateway: LocalGateway) -> None:
    # Given Gladly's client with a signing key
    client = GladlyClient(echo_gateway.url, "a-test-key")
    # When it posts a lookup and gets an action form with a query string
    posted = _echo(client.post("/echo", {"lookupLevel": "BASIC", "query": {"email": "a@example.com"}}))[
        "event"
    ]
    fetched = _echo(client.get("/echo?orderId=7&customerId=3"))["event"]
    # Then both verify with that key against the event the handler got, and not with another
    for event in (posted, fetched):
        _verify(event, "a-test-key")
        with pytest.raises(SignatureError):
            _verify(event, "another-key")
    assert posted["body"] == '{"lookupLevel":"BASIC","query":{"email":"a@example.com"}}'
    assert fetched["queryStringParameters"] == {"orderId": "7", "customerId": "3"}


def test_the_client_follows_an_absolute_url_exactly_as_given(echo_gateway: LocalGateway) -> None:
    # Given a client whose own base URL leads nowhere, and an absolute URL the API handed out
    client = GladlyClient("http://127.0.0.1:9/unused", "a-test-key")
    url = f"{echo_gateway.url}/echo?customer=guest%3Aa%40example.com&token=1700000000.abc"
    # When it GETs and POSTs that URL
    fetched = _echo(client.get(url))["event"]
    posted = _echo(client.post(url, {"reason": "x"}))["event"]
    # Then both reached it, query intact, signed over the path and query as sent
    for event in (fetched, posted):
        assert event["requestContext"]["path"] == "/test/echo"
        assert event["queryStringParameters"] == {
            "customer": "guest:a@example.com",
            "token": "1700000000.abc",
        }
        _verify(event, "a-test-key")


def test_a_built_event_is_api_gateways_https_by_default() -> None:
    event = build_event("GET", "/lookup", stage="prod")
    assert (event["headers"]["X-Forwarded-Proto"], event["headers"]["X-Forwarded-Port"]) == ("https", "443")


def test_an_event_file_is_replayed_re_signed(echo_gateway: LocalGateway, tmp_path: Path) -> None:
    # Given an event file recorded long ago, with API Gateway's own headers in it
    recorded = build_event(
        "POST",
        "/echo",
        "",
        {"Host": "abc.execute-api.us-east-1.amazonaws.com", "Content-Type": "application/json"},
        b'{"lookupLevel":"BASIC","query":{}}',
        stage="prod",
    )
    event_file = tmp_path / "echo-basic.json"
    event_file.write_text(json.dumps(recorded))
    # When it is replayed
    event = _echo(GladlyClient(echo_gateway.url, "a-test-key").send_event(event_file))["event"]
    # Then it arrives with its body and a fresh, valid signature over the local URL
    assert event["body"] == recorded["body"]
    assert event["headers"]["Host"].startswith("127.0.0.1:")
    _verify(event, "a-test-key")


def test_a_bad_signature_event_is_signed_now_with_a_wrong_key(
    echo_gateway: LocalGateway, tmp_path: Path
) -> None:
    # Given a bad-signature event recorded long ago
    headers = {"Gladly-Time": "20190213T214016Z", "Gladly-Authorization": "SigningAlgorithm=hmac-sha256, x"}
    recorded = build_event("POST", "/echo", "", headers, b"{}", stage="prod")
    event_file = tmp_path / "lookup-bad-signature.json"
    event_file.write_text(json.dumps(recorded))
    # When it is replayed
    event = _echo(GladlyClient(echo_gateway.url, "a-test-key").send_event(event_file))["event"]
    # Then it carries a fresh time (never stale) and a signature by another key than the deployment's
    assert event["headers"]["Gladly-Time"] != "20190213T214016Z"
    _verify(event, "a-test-key" + replay.WRONG_SIGNING_KEY_SUFFIX)
    with pytest.raises(SignatureError):
        _verify(event, "a-test-key")


def test_replay_prints_the_status_and_the_json_body(
    echo_gateway: LocalGateway,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    event_file = tmp_path / "echo.json"
    event_file.write_text(json.dumps(build_event("GET", "/echo", "", {}, b"", stage="prod")))
    monkeypatch.setenv("GATEWAY_URL", echo_gateway.url)
    assert replay.main([str(event_file)]) == 0
    output = capsys.readouterr().out
    assert "HTTP 201" in output
    assert '"httpMethod": "GET"' in output


# -- the real template and handlers -------------------------------------------------------------------


def test_every_route_of_the_template_reaches_its_handler(
    gateway: LocalGateway, bc_sandbox: SandboxServer
) -> None:
    # Given an unsigned request to each route of template.yaml
    for route in SamTemplate().routes():
        response = requests.request(route.method, f"{gateway.url}{route.path}", data=b"{}", timeout=10)
        # Then the handler, not API Gateway, refuses it: Gladly's 401 error shape
        assert response.status_code == 401, (route, response.text)
        assert response.json()["errors"], route


def test_an_unknown_route_of_the_real_api_is_refused_by_the_gateway(gateway: LocalGateway) -> None:
    response = requests.post(f"{gateway.url}/customers/lookup", data=b"{}", timeout=10)
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


def test_a_replayed_event_is_answered_through_handler_sandbox_and_moto(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the manual-search event Gladly sends for an email of the demo store
    # When it is replayed, re-signed, through the gateway (what `make replay` does)
    response = gladly_client.send_event(EVENTS / "lookup-manual-search-email.json")
    # Then the handler verified it with the key from the moto secret and found the customer in the sandbox
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [result["emails"] for result in results] == [[{"original": "martha.williams@example.com"}]]


def test_a_bad_signature_event_is_refused(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    response = gladly_client.send_event(EVENTS / "lookup-bad-signature.json")
    assert response.status_code == 401
    assert not bc_sandbox.requests.snapshot(), "nothing may reach BigCommerce for a refused request"


# -- the entry points: make run, make replay ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_make_run_serves_what_make_replay_sends_and_stops_on_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given `make run` started on free ports
    gateway_port, sandbox_port = _free_port(), _free_port()
    environment = {
        **os.environ,
        "GATEWAY_PORT": str(gateway_port),
        "SANDBOX_PORT": str(sandbox_port),
        "PYTHONUNBUFFERED": "1",
    }
    log_file = tmp_path / "run.log"
    with log_file.open("w") as output:
        running = subprocess.Popen(
            [sys.executable, "-m", "devtools.run"],
            cwd=REPOSITORY_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "Ctrl-C stops everything" not in log_file.read_text():
            assert running.poll() is None, log_file.read_text()
            assert time.monotonic() < deadline, "make run did not come up"
            time.sleep(0.1)
        assert f"http://127.0.0.1:{gateway_port}/prod/lookup" in log_file.read_text()
        # When `make replay` sends the example event
        monkeypatch.delenv("GATEWAY_URL", raising=False)
        monkeypatch.setenv("GATEWAY_PORT", str(gateway_port))
        exit_status = replay.main([str(EVENTS / "lookup-manual-search-email.json")])
        # Then it prints the lookup answered from the sandbox
        printed = capsys.readouterr().out
        assert exit_status == 0, printed
        assert "HTTP 200" in printed
        assert "martha.williams@example.com" in printed
    finally:
        # And Ctrl-C stops everything cleanly
        running.send_signal(signal.SIGINT)
        exit_code = running.wait(timeout=30)
    assert exit_code == 0, log_file.read_text()
    assert "Stopping." in log_file.read_text()
