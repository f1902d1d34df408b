"""Customer settings v3: store-wide (`/v3/customers/settings`) and per channel (`.../channels/{id}`).

A channel's settings answer `null` where the channel has no override of the store-wide value ("`null`
value configuration indicates that there is no override provided for a given channel"), and
`allow_global_logins`, whether accounts with `channel_ids: null` may log in there (true by default on
channel 1 only). The demo store's second storefront refuses global logins, which lets one email have
an account on each storefront (KNOWN_DEVIATIONS `customer-email-per-channel`). A PUT changes the
members sent; on a channel, `null` removes the override. An unknown channel is 404. Scope: Customers,
the only one customers.v3.yml names (read-only for the GETs: undocumented, the plausible reading).
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox.channels import ChannelCustomerSettings, CustomerSettings
from devtools.sandbox.errors import ErrorShape
from devtools.sandbox.inputs import CustomerSettingsIn, parse_body
from devtools.sandbox.routing import CUSTOMERS, CUSTOMERS_READ, ApiRequest, ApiResponse, Route, route


def get_settings(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        return ApiResponse(200, {"data": settings_json(request.store.customer_settings), "meta": {}})


def update_settings(request: ApiRequest) -> ApiResponse:
    data = parse_body(CustomerSettingsIn, request.json(), status=422)
    with request.store.lock:
        request.store.update_customer_settings(data)
        return ApiResponse(200, {"data": settings_json(request.store.customer_settings), "meta": {}})


def get_channel_settings(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        settings = request.store.channel_settings(int(request.params["channel_id"]))
        return ApiResponse(200, {"data": settings_json(settings), "meta": {}})


def update_channel_settings(request: ApiRequest) -> ApiResponse:
    data = parse_body(CustomerSettingsIn, request.json(), status=422)
    with request.store.lock:
        settings = request.store.update_channel_settings(int(request.params["channel_id"]), data)
        return ApiResponse(200, {"data": settings_json(settings), "meta": {}})


def settings_json(settings: CustomerSettings | ChannelCustomerSettings) -> dict[str, Any]:
    body: dict[str, Any] = {
        "privacy_settings": {
            name: getattr(settings, name)
            for name in (
                "ask_shopper_for_tracking_consent",
                "ask_shopper_for_tracking_consent_on_checkout",
                "policy_url",
            )
        },
        "customer_group_settings": {
            "guest_customer_group_id": settings.guest_customer_group_id,
            "default_customer_group_id": settings.default_customer_group_id,
        },
    }
    if isinstance(settings, ChannelCustomerSettings):
        body["allow_global_logins"] = settings.allow_global_logins
    return body


ROUTES: list[Route] = [
    route("GET", "/v3/customers/settings", get_settings, [CUSTOMERS_READ, CUSTOMERS], ErrorShape.V3),
    route("PUT", "/v3/customers/settings", update_settings, [CUSTOMERS], ErrorShape.V3),
    route(
        "GET",
        "/v3/customers/settings/channels/{channel_id}",
        get_channel_settings,
        [CUSTOMERS_READ, CUSTOMERS],
        ErrorShape.V3,
    ),
    route(
        "PUT",
        "/v3/customers/settings/channels/{channel_id}",
        update_channel_settings,
        [CUSTOMERS],
        ErrorShape.V3,
    ),
]
