"""Routes, OAuth scopes, and the request/response objects the API modules work with."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import loads
from devtools.sandbox.store import SandboxStore

T = TypeVar("T")

# OAuth scopes, as BigCommerce names them. A "modify" scope also grants reading.
CUSTOMERS_READ = "store_v2_customers_read_only"
CUSTOMERS = "store_v2_customers"
ORDERS_READ = "store_v2_orders_read_only"
ORDERS = "store_v2_orders"
TRANSACTIONS_READ = "store_v2_transactions_read_only"
TRANSACTIONS = "store_v2_transactions"
MARKETING_READ = "store_v2_marketing_read_only"
MARKETING = "store_v2_marketing"
INFORMATION_READ = "store_v2_information_read_only"
INFORMATION = "store_v2_information"
PRODUCTS_READ = "store_v2_products_read_only"
PRODUCTS = "store_v2_products"
# Channels V3 needs "Channel Settings"; sites, channel sites included, need "Sites & Routes" (docs@24f580c
# docs/start/authentication/api-accounts.mdx, "Store resource scopes": "Sites V3 ... Channels V3 Sites").
CHANNELS_READ = "store_channel_settings_read_only"
CHANNELS = "store_channel_settings"
SITES_READ = "store_sites_read_only"
SITES = "store_sites"
ALL_SCOPES: frozenset[str] = frozenset(
    {
        CUSTOMERS_READ,
        CUSTOMERS,
        ORDERS_READ,
        ORDERS,
        TRANSACTIONS_READ,
        TRANSACTIONS,
        MARKETING_READ,
        MARKETING,
        INFORMATION_READ,
        INFORMATION,
        PRODUCTS_READ,
        PRODUCTS,
        CHANNELS_READ,
        CHANNELS,
        SITES_READ,
        SITES,
    }
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 250
V3_DATE_FILTERS = (
    "date_created",
    "date_created:min",
    "date_created:max",
    "date_modified",
    "date_modified:min",
    "date_modified:max",
)
"""The date filters of v3 lists, which the sandbox does not model."""


@dataclass(frozen=True)
class ApiRequest:
    """A request routed to a handler, with the store and the knobs a handler may need."""

    method: str
    api_path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    api_base: str
    """`{server url}/stores/{store_hash}`: the prefix of resource links in answers."""
    store: SandboxStore
    refund_processing_seconds: float = 0.0
    pause: Callable[[float], None] = field(default=lambda seconds: None)
    phone_in_no_split: bool = False
    """`SandboxServer.phone_in_no_split`: `phone:in` is one literal string, not a comma list."""

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def csv_arg(self, name: str) -> list[str] | None:
        """A comma-separated list (`email:in=a@x.com,b@x.com`), None when absent."""
        value = self.arg(name)
        if value is None:
            return None
        return [part.strip() for part in value.split(",") if part.strip()]

    def int_csv_arg(self, name: str) -> list[int] | None:
        """A comma-separated list of integers (`id:in=4,5,6`), None when absent."""
        values = self.csv_arg(name)
        if values is None:
            return None
        try:
            return [int(value) for value in values]
        except ValueError:
            raise ApiError(
                422, f"Invalid {name}", errors={name: "must be comma-separated integers"}
            ) from None

    def int_arg(self, name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
        value = self.arg(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ApiError(400, f"Invalid {name}", errors={name: "must be an integer"}) from None
        if number < minimum or (maximum is not None and number > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            raise ApiError(400, f"Invalid {name}", errors={name: f"must be {bounds}"})
        return number

    def refuse_filters(self, names: Sequence[str]) -> None:
        """A filter the sandbox does not model is refused, never ignored: 400 in v2, 422 in v3."""
        for name in names:
            if name in self.query:
                if self.api_path.startswith("/v2/"):
                    raise ApiError(400, "Filter not supported by the sandbox", detail=name)
                raise ApiError(422, "Filter not supported by the sandbox", errors={name: "not supported"})

    def page_and_limit(self) -> tuple[int, int]:
        return self.int_arg("page", 1), self.int_arg("limit", DEFAULT_LIMIT, maximum=MAX_LIMIT)

    def json(self) -> Any:
        if not self.body:
            raise ApiError(400, "The request body is empty", detail="Send a JSON body.")
        try:
            return loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "The request body is not valid JSON", detail="Send a JSON body.") from None

    def link(self, resource: str) -> dict[str, str]:
        """A v2 resource link: `{"url": ".../v2/orders/1/products", "resource": "/orders/1/products"}`."""
        return {"url": f"{self.api_base}/v2{resource}", "resource": resource}


@dataclass(frozen=True)
class ApiResponse:
    status: int
    body: Any = None
    """JSON-able content; None means an empty body (204)."""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[ApiRequest], ApiResponse]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    scopes: frozenset[str]
    """Any one of these scopes grants access."""
    shape: ErrorShape


def route(method: str, path: str, handler: Handler, scopes: Sequence[str], shape: ErrorShape) -> Route:
    """`route("GET", "/v2/orders/{order_id}", ...)`: `{name}` matches one path segment of digits."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[0-9]+)", path)
    return Route(method, re.compile(f"^{regex}$"), handler, frozenset(scopes), shape)


def shape_for_path(api_path: str) -> ErrorShape:
    """The error shape for a path no route matched, from the API it would belong to."""
    if api_path.startswith("/v2/"):
        return ErrorShape.V2
    if api_path.startswith("/v3/promotions"):
        return ErrorShape.PROMOTIONS
    return ErrorShape.V3


class Router:
    def __init__(self, routes: Sequence[Route]) -> None:
        self._routes = list(routes)

    def match(self, method: str, api_path: str) -> tuple[Route, dict[str, str]]:
        """The route and its path parameters; 404 for an unknown path, 405 for a wrong method."""
        allowed = []
        for candidate in self._routes:
            found = candidate.pattern.match(api_path)
            if found is None:
                continue
            if candidate.method == method:
                return candidate, found.groupdict()
            allowed.append(candidate.method)
        if allowed:
            raise ApiError(405, "Method not allowed", detail=f"Use {', '.join(sorted(allowed))}.")
        raise ApiError(404, "The requested resource was not found.", detail=f"No resource at {api_path}.")


def paginate(items: Sequence[Any], page: int, limit: int) -> list[Any]:
    start = (page - 1) * limit
    return list(items[start : start + limit])


def v2_list(items: list[Any]) -> ApiResponse:
    """A v2 list: a bare array, or 204 with an empty body when there is nothing."""
    return ApiResponse(200, items) if items else ApiResponse(204)


def v3_page(items: Sequence[T], page: int, limit: int, to_json: Callable[[T], Any]) -> ApiResponse:
    """One page of a v3 collection: `{"data": [...], "meta": {"pagination": ...}}`."""
    shown = paginate(items, page, limit)
    data = [to_json(item) for item in shown]
    return ApiResponse(
        200, {"data": data, "meta": {"pagination": v3_pagination(len(items), len(shown), page, limit)}}
    )


def v3_pagination(total: int, count: int, page: int, limit: int) -> dict[str, Any]:
    """v3 `meta.pagination`, with links as query strings like BigCommerce's."""
    total_pages = max(1, -(-total // limit))
    links = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < total_pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    return {
        "total": total,
        "count": count,
        "per_page": limit,
        "current_page": page,
        "total_pages": total_pages,
        "links": links,
    }
