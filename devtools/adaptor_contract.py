"""Check the adaptor's answers against its own OpenAPI file, `openapi/adaptor.yaml`. Development only.

The tests' signed client (`tests/fixtures/gateway.py`) passes every answer it receives through
`AdaptorContract.check_response`, and the fuzzer (`devtools/fuzz.py`) checks each of its answers the
same way. An answer is checked against the operation of its route and method: status documented,
headers and body as the file describes them (errors in Gladly's shape, every item with `attr`, `code`,
`detail` and `message`). Requests are not checked: tests send malformed ones on purpose, and what
matters is that the answer to anything is one the file allows.

Answers of API Gateway itself to a route or method the API does not have (`403 Missing Authentication
Token`) are outside the file and skipped; a handler crash becomes API Gateway's `502 Internal server
error` on a documented route and is reported, being no answer the file allows.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from devtools.sandbox.contract import describe_openapi_error

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "adaptor.yaml"
# Answers are checked as if served by the file's `make run` server: only route and method matter.
_CHECKED_HOST = "http://127.0.0.1:3000"
_CHECKED_BASE_PATH = "/prod"


@dataclass(frozen=True)
class Answer:
    """One request and its answer, as the checker needs them."""

    method: str
    route: str
    """The API's resource path, without stage or base path: `/lookup`, `/actions/refund`."""
    query: str
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def label(self) -> str:
        return f"{self.method} {self.route} -> {self.status}"


class _Request:
    """An openapi-core request (protocol `openapi_core.protocols.Request`): only what finds the operation."""

    def __init__(self, answer: Answer) -> None:
        self.host_url = _CHECKED_HOST
        self.path = _CHECKED_BASE_PATH + answer.route
        self.method = answer.method.lower()
        self.body: bytes | None = None
        self.content_type = "application/json"
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(answer.query, keep_blank_values=True)),
            header=Headers(),
            cookie=ImmutableMultiDict(),
        )


class _Response:
    """An openapi-core response (protocol `openapi_core.protocols.Response`)."""

    def __init__(self, answer: Answer) -> None:
        self.status_code = answer.status
        self.headers = Headers(list(answer.headers.items()))
        self.content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        self.data: bytes | None = answer.body


class AdaptorContract:
    """The adaptor's OpenAPI file, loaded once, and the checks of answers against it."""

    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        self.spec: dict[str, Any] = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
        # The file's own validity is asserted by tests/contract/test_adaptor_openapi.py, once.
        self._app = OpenAPI.from_dict(self.spec, config=Config(spec_validator_cls=None))
        self._lock = threading.Lock()

    def operations(self) -> list[tuple[str, str]]:
        """Every (METHOD, route) the file describes."""
        return [
            (method.upper(), route)
            for route, item in self.spec["paths"].items()
            for method in item
            if method in ("get", "post", "put", "patch", "delete")
        ]

    def documents(self, method: str, route: str) -> bool:
        return (method.upper(), route) in self.operations()

    def check(self, answer: Answer) -> list[str]:
        """Every way the answer departs from the file (empty: it conforms)."""
        if not self.documents(answer.method, answer.route):
            return []
        problems = []
        with self._lock:  # openapi-core's validators are not documented as thread-safe
            try:
                self._app.validate_response(_Request(answer), _Response(answer))
            except OpenAPIError as error:
                problems.append(f"{answer.label}: {describe_openapi_error(error)}")
        problems += [f"{answer.label}: {problem}" for problem in gladly_error_shape_problems(answer)]
        return problems

    def check_response(self, response: requests.Response, base_url: str) -> list[str]:
        """Check a `requests` answer to a request on the API whose stage URL is `base_url`."""
        answer = answer_of(response, base_url)
        return [] if answer is None else self.check(answer)


def answer_of(response: requests.Response, base_url: str) -> Answer | None:
    """The answer as the checker sees it; None when the URL is not on the API's stage URL."""
    base_path = urlsplit(base_url).path.rstrip("/")
    url = urlsplit(response.url)
    if not url.path.startswith(base_path + "/"):
        return None
    return Answer(
        method=str(response.request.method or "GET"),
        route=url.path[len(base_path) :],
        query=url.query,
        status=response.status_code,
        headers=dict(response.headers),
        body=response.content,
    )


def gladly_error_shape_problems(answer: Answer) -> list[str]:
    """Gladly's error shape, checked apart from the file so that no edit of the file can relax it:
    an error answer is `{"errors": [...]}`, at least one item, each with the four keys as strings."""
    if answer.status < 400:
        return []
    try:
        document = json.loads(answer.body)
    except ValueError:
        return ["an error answer that is not JSON"]
    errors = document.get("errors") if isinstance(document, dict) else None
    if not isinstance(errors, list) or not errors:
        return ["an error answer without a non-empty `errors` list"]
    problems = []
    for index, item in enumerate(errors):
        keys = ("attr", "code", "detail", "message")
        if not isinstance(item, dict) or any(not isinstance(item.get(key), str) for key in keys):
            problems.append(f"errors[{index}] lacks one of {', '.join(keys)} as a string")
    return problems


@cache
def adaptor_contract() -> AdaptorContract:
    """The process-wide checker (the file is loaded once)."""
    return AdaptorContract()
