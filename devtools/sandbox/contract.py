"""Contract checks: requests and answers validated against BigCommerce's own OpenAPI files.

The OpenAPI files in `reference/bigcommerce/openapi/` that `SPEC_FILES` names (copied into the
repository; `marketing.v2.yml`, which fails strict validation and which we do not call, is not
loaded; `geography.v2.yml`, which fails it the same way, is loaded patched) are read by
openapi-core. An exchange (method, URL, headers and body of the request; status, headers and body
of the answer) is validated as if it had gone to `https://api.bigcommerce.com`: whoever produced
it (the sandbox answering, our client asking) must match the published contract.

Where the published files and BigCommerce's real behaviour (the reference README, "Facts") disagree,
or where a file contradicts itself, the file is patched in memory by exactly one entry of
`KNOWN_DEVIATIONS` (`devtools.sandbox.contract_deviations`), each naming its reason; entries without
a patch record the sandbox's readings where the files are silent. An operation we call that no
reference file describes is listed, with its reason, in `OUTSIDE_CONTRACT`: its exchanges are not
checked. Nothing else is relaxed: no other path, status, field or type escapes validation.

    from devtools.sandbox.contract import Exchange, contract_validator
    problems = contract_validator().check(Exchange(method="GET", url=..., status=200, response_body=...))
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.paths.exceptions import PathError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from devtools.sandbox.contract_deviations import ALL_FILES, KNOWN_DEVIATIONS, Deviation, Spec
from devtools.sandbox.knobs import RequestRecord

REPOSITORY = Path(__file__).resolve().parents[2]
SPEC_DIR = REPOSITORY / "reference" / "bigcommerce" / "openapi"
BIGCOMMERCE_HOST = "https://api.bigcommerce.com"

# Which file describes which path (after /stores/{store_hash}); the first matching prefix wins.
SPEC_FILES: tuple[tuple[str, str], ...] = (
    ("/v3/customers", "customers.v3.yml"),
    ("/v3/orders", "orders.v3.yml"),
    ("/v3/promotions", "promotions.v3.yml"),
    ("/v2/orders", "orders.v2.oas2.yml"),
    ("/v2/order_statuses", "orders.v2.oas2.yml"),
    ("/v2/store", "store_information.v2.yml"),
    ("/v2/time", "store_information.v2.yml"),
    ("/v3/channels", "channels.v3.yml"),
    ("/v3/sites", "sites.v3.yml"),
    ("/v2/countries", "geography.v2.yml"),
)


@dataclass(frozen=True)
class Uncovered:
    """An operation we call that no reference OpenAPI file describes, so nothing can check it."""

    method: str
    api_path: str  # after /stores/{store_hash}, exactly
    reason: str


OUTSIDE_CONTRACT: tuple[Uncovered, ...] = (
    Uncovered(
        "GET",
        "/v3/catalog/products",
        "catalog products API: no reference spec in reference/bigcommerce/openapi; shape and "
        "parameters follow BigCommerce's public docs for GET /v3/catalog/products (bigcommerce/docs "
        "reference/catalog/products_catalog.v3.yml) with include=primary_image",
    ),
    Uncovered(
        "GET",
        "/v2/customer_groups",
        "customer groups (Customers v2): no reference spec provided; shape follows BigCommerce's "
        "public docs for Get All Customer Groups (a bare array, 204 when empty, page and limit)",
    ),
)


# --- exchanges and checking ---------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    """A request and its answer. `url` is absolute; its host is ignored (checked as BigCommerce)."""

    method: str
    url: str
    status: int | None
    """None: the connection was reset, there is no answer to check."""
    request_headers: Mapping[str, str] = field(default_factory=dict)
    request_body: bytes = b""
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: bytes = b""

    @classmethod
    def from_record(cls, record: RequestRecord) -> Exchange:
        query = f"?{record.query_string}" if record.query_string else ""
        return cls(
            method=record.method,
            url=f"{BIGCOMMERCE_HOST}{record.path}{query}",
            status=record.status,
            request_headers=record.headers,
            request_body=record.body,
            response_headers=record.response_headers,
            response_body=record.response_body,
        )


class _Request:
    """An openapi-core request (protocol `openapi_core.protocols.Request`) for an exchange."""

    def __init__(self, exchange: Exchange) -> None:
        split = urlsplit(exchange.url)
        headers = Headers(list(exchange.request_headers.items()))
        self.host_url = BIGCOMMERCE_HOST
        self.path = split.path
        self.method = exchange.method.lower()
        self.body: bytes | None = exchange.request_body or None
        self.content_type = (headers.get("Content-Type") or "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(split.query, keep_blank_values=True)),
            header=headers,
            cookie=ImmutableMultiDict(),
        )


class _Response:
    """An openapi-core response (protocol `openapi_core.protocols.Response`) for an exchange."""

    def __init__(self, exchange: Exchange, status: int) -> None:
        self.status_code = status
        self.headers = Headers(list(exchange.response_headers.items()))
        self.content_type = (self.headers.get("Content-Type") or "").lower()
        self.data: bytes | None = exchange.response_body


class ContractValidator:
    """Loads the specs lazily (about half a second each) and checks exchanges against them."""

    def __init__(
        self, spec_dir: Path = SPEC_DIR, deviations: tuple[Deviation, ...] = KNOWN_DEVIATIONS
    ) -> None:
        self.spec_dir = spec_dir
        self.deviations = deviations
        self._apps: dict[str, OpenAPI] = {}
        self._lock = threading.Lock()

    def spec_file_for(self, path: str) -> str | None:
        """The file describing a full path (`/stores/abc/v3/customers`), None if none does."""
        api_path = _api_path(path)
        return next((file for prefix, file in SPEC_FILES if api_path.startswith(prefix)), None)

    def spec(self, spec_file: str) -> Spec:
        """The file's content with its deviations applied (a fresh copy)."""
        text = (self.spec_dir / spec_file).read_text(encoding="utf-8")
        spec: Spec = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for deviation in self.deviations:
            if deviation.patch is not None and deviation.spec_file in (spec_file, ALL_FILES):
                deviation.patch(spec_file, spec)
        return spec

    def app(self, spec_file: str) -> OpenAPI:
        """The validator for one file. The patched file's own OpenAPI validity is checked by the
        contract tests (`openapi_spec_validator`), not here, to keep each test session fast.
        """
        with self._lock:
            if spec_file not in self._apps:
                config = Config(spec_validator_cls=None)
                self._apps[spec_file] = OpenAPI.from_dict(self.spec(spec_file), config=config)
            return self._apps[spec_file]

    def check(self, exchange: Exchange, *, request: bool = True, response: bool = True) -> list[str]:
        """Every contract problem of the exchange, as readable lines (empty: it conforms).

        With `request=False` (a request sent outside the contract on purpose) an answer whose
        operation the spec lacks cannot be checked and is skipped.
        """
        path = urlsplit(exchange.url).path
        if _outside_contract(exchange.method, path):
            return []
        label = f"{exchange.method} {path} -> {exchange.status or 'no answer'}"
        spec_file = self.spec_file_for(path)
        if spec_file is None:
            return [f"{label}: no BigCommerce spec describes this path"] if request else []
        app = self.app(spec_file)
        openapi_request = _Request(exchange)
        problems = []
        with warnings.catch_warnings():
            # The promotions file uses `allowEmptyValue`; openapi-core warns about it on every request.
            warnings.filterwarnings("ignore", "Use of allowEmptyValue", DeprecationWarning)
            if request:
                try:
                    app.validate_request(openapi_request)
                except OpenAPIError as exc:
                    problems.append(f"{label}: request ({spec_file}): {describe_openapi_error(exc)}")
            if response and exchange.status is not None:
                try:
                    app.validate_response(openapi_request, _Response(exchange, exchange.status))
                except PathError:
                    pass  # no operation to check against: the request side reports it when checked
                except OpenAPIError as exc:
                    problems.append(f"{label}: response ({spec_file}): {describe_openapi_error(exc)}")
        return problems

    def check_record(self, record: RequestRecord) -> list[str]:
        """Check a sandbox exchange. Answers shaped by a planned fault are off-contract by design and
        skipped; the request side is checked unless the test sent it off-contract on purpose.
        """
        response = record.status is not None and record.fault is None
        return self.check(Exchange.from_record(record), request=not record.contract_exempt, response=response)


def _api_path(path: str) -> str:
    """`/stores/abc/v3/customers` -> `/v3/customers`; a path elsewhere stays as it is."""
    parts = path.split("/", 3)
    return "/" + parts[3] if len(parts) == 4 and parts[1] == "stores" else path


def _outside_contract(method: str, path: str) -> bool:
    api_path = _api_path(path).rstrip("/")
    return any(op.method == method.upper() and op.api_path == api_path for op in OUTSIDE_CONTRACT)


def describe_openapi_error(exc: BaseException) -> str:
    """An openapi-core error's kind and each schema error with its location, without echoing whole
    bodies (also used by `devtools.adaptor_contract` for the adaptor's own answers)."""
    cause = exc.__cause__
    schema_errors = list(getattr(cause, "schema_errors", ()) or ())
    if not schema_errors:
        return _shorten(f"{type(exc).__name__}: {cause or exc}")
    lines = [type(exc).__name__]
    for error in schema_errors[:5]:
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        lines.append(f"at {where}: {_shorten(error.message)}")
        lines.extend(f"  - {_shorten(sub.message)}" for sub in (error.context or [])[:3])
    return "; ".join(lines)


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else f"{text[:limit]}..."


@cache
def contract_validator() -> ContractValidator:
    """The process-wide validator (specs are loaded once and kept)."""
    return ContractValidator()
