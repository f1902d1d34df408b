"""Store information v2: `GET /v2/store` (domain, currency, formatting) and `GET /v2/time`."""

from __future__ import annotations

import time

from devtools.sandbox.errors import ErrorShape
from devtools.sandbox.routing import INFORMATION, INFORMATION_READ, ApiRequest, ApiResponse, Route, route


def get_store(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        info = request.store.info
        body = {
            "id": request.api_base.rsplit("/", 1)[-1],
            "domain": info.domain,
            "secure_url": info.secure_url,
            "control_panel_base_url": info.control_panel_base_url,
            "status": "live",
            "name": info.name,
            "first_name": "Sandy",
            "last_name": "Box",
            "address": f"{info.name}, 1 Market Street, San Francisco, CA 94105",
            "country": info.country,
            "country_code": info.country_code,
            "phone": info.phone,
            "admin_email": info.admin_email,
            "order_email": info.order_email,
            "timezone": {
                "name": info.timezone_name,
                "raw_offset": -28800,
                "dst_offset": -25200,
                "dst_correction": True,
                "date_format": {
                    "display": "M jS Y",
                    "export": "M jS Y",
                    "extended_display": "M jS Y @ g:i A",
                },
            },
            "language": info.language,
            "currency": info.currency,
            "currency_symbol": info.currency_symbol,
            "decimal_separator": info.decimal_separator,
            "thousands_separator": info.thousands_separator,
            "decimal_places": info.decimal_places,
            "currency_symbol_location": info.currency_symbol_location,
            "weight_units": "Ounces",
            "dimension_units": "Inches",
            "dimension_decimal_places": 2,
            "dimension_decimal_token": ".",
            "dimension_thousands_token": ",",
            "plan_name": "Standard",
            "plan_level": "Standard",
            "plan_is_trial": False,
            "industry": "Apparel",
            "logo": [],
            "is_price_entered_with_tax": False,
            "default_channel_id": 1,
            "active_comparison_modules": [],
            "features": {
                "stencil_enabled": True,
                "sitewidehttps_enabled": True,
                "facebook_catalog_id": "",
                "checkout_type": "optimized",
                "wishlists_enabled": True,
                "graphql_storefront_api_enabled": True,
                "shopper_consent_tracking_enabled": True,
                "multi_storefront_enabled": True,
                "storefront_limits": {"active": 2, "total_including_inactive": 2},
            },
        }
    return ApiResponse(200, body)


def get_time(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, {"time": int(time.time())})


ROUTES: list[Route] = [
    route("GET", "/v2/store", get_store, [INFORMATION_READ, INFORMATION], ErrorShape.V2),
    route("GET", "/v2/time", get_time, [], ErrorShape.V2),
]
