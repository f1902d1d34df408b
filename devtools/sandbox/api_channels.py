"""Channels v3 and Sites v3: the store's sales channels, and the site (URL) of each storefront.

`GET /v3/channels` always lists channel 1, the default storefront (its site is 1000); filters
`available`, `status:in`, `type:in`, `platform:in` and `include=currencies`; the date filters answer
422 "not supported by the sandbox" rather than being ignored. `POST /v3/channels` answers 200 as
documented. `GET /v3/sites?channel_id:in=1,2` gives every storefront's URL in one call.

Rules the files leave open (KNOWN_DEVIATIONS): a channel without a site answers its `/site` with 404,
like an unknown channel (`channel-without-site-404`). Scopes (api-accounts.mdx): channels need
Channel Settings, sites and channel sites Sites & Routes (`routing`). A site's URL is answered as the
merchant entered it, with or without a trailing slash (the demo store has both), so a client joining
paths must normalise. A site's `urls` lists its primary and canonical URL; the default site lists a
checkout URL too, the others none ("When `false`, the checkout domain falls back to the default
channel's primary URL", `is_checkout_url_customized`).

`GET /v3/sites` pages with `page` and `limit` like the other lists, but its `meta.pagination` is the
one sites.v3.yml documents for it (`Meta`: `offset`, `limit`, `total_items`), not the usual v3 one;
sparse mode drops `meta` altogether, so a client should page until a page comes back short.
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox.channels import AVAILABLE_STATUSES, DEFAULT_SITE_ID, ICON_URL, Channel, Site
from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import date_v3
from devtools.sandbox.inputs import ChannelCreateIn, SiteIn, parse_body
from devtools.sandbox.routing import (
    CHANNELS,
    CHANNELS_READ,
    SITES,
    SITES_READ,
    V3_DATE_FILTERS,
    ApiRequest,
    ApiResponse,
    Route,
    paginate,
    route,
    v3_page,
)

URL_TYPES = frozenset({"primary", "canonical", "checkout"})


# --- channels -----------------------------------------------------------------------------------


def list_channels(request: ApiRequest) -> ApiResponse:
    request.refuse_filters(V3_DATE_FILTERS)
    with_currencies = _with_currencies(request)
    available = request.arg("available")
    if available not in (None, "true", "false"):
        raise ApiError(422, "Invalid available", errors={"available": "must be true or false"})
    wanted = {
        name: set(values)
        for name in ("status", "type", "platform")
        if (values := request.csv_arg(f"{name}:in"))
    }

    def matches(channel: Channel) -> bool:
        if available is not None and (channel.status in AVAILABLE_STATUSES) != (available == "true"):
            return False
        return all(getattr(channel, name) in values for name, values in wanted.items())

    page, limit = request.page_and_limit()
    with request.store.lock:
        channels = sorted((c for c in request.store.channels.values() if matches(c)), key=lambda c: c.id)
        return v3_page(channels, page, limit, lambda c: channel_json(c, with_currencies))


def get_channel(request: ApiRequest) -> ApiResponse:
    with_currencies = _with_currencies(request)
    with request.store.lock:
        channel = request.store.channel(int(request.params["channel_id"]))
        return ApiResponse(200, {"data": channel_json(channel, with_currencies), "meta": {}})


def create_channel(request: ApiRequest) -> ApiResponse:
    data = parse_body(ChannelCreateIn, request.json(), status=422)
    with request.store.lock:
        channel = request.store.create_channel(data)
        return ApiResponse(200, {"data": channel_json(channel, False), "meta": {}})


def _with_currencies(request: ApiRequest) -> bool:
    include = request.arg("include")
    if include not in (None, "", "currencies"):
        raise ApiError(422, "Invalid include", errors={"include": "only currencies can be included"})
    return include == "currencies"


def channel_json(channel: Channel, with_currencies: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": channel.id,
        "name": channel.name,
        "type": channel.type,
        "platform": channel.platform,
        "status": channel.status,
        "external_id": channel.external_id,
        "is_listable_from_ui": channel.is_listable_from_ui,
        "is_visible": channel.is_visible,
        "date_created": date_v3(channel.date_created),
        "date_modified": date_v3(channel.date_modified),
        "icon_url": ICON_URL.format(platform=channel.platform),
    }
    if with_currencies:
        body["currencies"] = {
            "channel_id": channel.id,
            "enabled_currencies": list(channel.currencies),
            "default_currency": channel.currencies[0],
        }
    return body


# --- sites --------------------------------------------------------------------------------------


def get_channel_site(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        site = request.store.site_of(int(request.params["channel_id"]))
        return ApiResponse(200, {"data": site_json(site), "meta": {}})


def create_channel_site(request: ApiRequest) -> ApiResponse:
    data = parse_body(SiteIn, request.json(), status=422)
    channel_id = int(request.params["channel_id"])
    if data.channel_id is not None and data.channel_id != channel_id:
        raise ApiError(
            422, "Invalid channel_id", errors={"channel_id": "differs from the channel in the path"}
        )
    with request.store.lock:
        site = request.store.create_site(channel_id, data.url)
        return ApiResponse(200, {"data": site_json(site), "meta": {}})


def update_channel_site(request: ApiRequest) -> ApiResponse:
    data = parse_body(SiteIn, request.json(), status=422)
    with request.store.lock:
        site = request.store.update_site(int(request.params["channel_id"]), data.url)
        return ApiResponse(200, {"data": site_json(site), "meta": {}})


def list_sites(request: ApiRequest) -> ApiResponse:
    channel_ids = request.int_csv_arg("channel_id:in")
    url_types = request.csv_arg("url_type:in")
    if url_types is not None and (unknown := set(url_types) - URL_TYPES):
        raise ApiError(
            422, "Invalid url_type:in", errors={"url_type:in": f"unknown: {', '.join(sorted(unknown))}"}
        )
    page, limit = request.page_and_limit()
    with request.store.lock:
        sites = [
            site_json(site)
            for site in sorted(request.store.sites.values(), key=lambda site: site.id)
            if channel_ids is None or site.channel_id in channel_ids
        ]
    if url_types is not None:
        sites = [site for site in sites if any(url["type"] in url_types for url in site["urls"])]
    meta = {"pagination": {"offset": (page - 1) * limit, "limit": limit, "total_items": len(sites)}}
    return ApiResponse(200, {"data": paginate(sites, page, limit), "meta": meta})


def site_json(site: Site) -> dict[str, Any]:
    created, updated = date_v3(site.created_at), date_v3(site.updated_at)
    kinds = ("primary", "canonical", "checkout") if site.id == DEFAULT_SITE_ID else ("primary", "canonical")
    return {
        "id": site.id,
        "url": site.url,
        "channel_id": site.channel_id,
        "created_at": created,
        "updated_at": updated,
        "urls": [
            {"url": site.url, "type": kind, "created_at": created, "updated_at": updated} for kind in kinds
        ],
        "is_checkout_url_customized": False,
    }


CHANNELS_READING = [CHANNELS_READ, CHANNELS]
SITES_READING = [SITES_READ, SITES]
ROUTES: list[Route] = [
    route("GET", "/v3/channels", list_channels, CHANNELS_READING, ErrorShape.V3),
    route("POST", "/v3/channels", create_channel, [CHANNELS], ErrorShape.V3),
    route("GET", "/v3/channels/{channel_id}", get_channel, CHANNELS_READING, ErrorShape.V3),
    route("GET", "/v3/channels/{channel_id}/site", get_channel_site, SITES_READING, ErrorShape.V3),
    route("POST", "/v3/channels/{channel_id}/site", create_channel_site, [SITES], ErrorShape.V3),
    route("PUT", "/v3/channels/{channel_id}/site", update_channel_site, [SITES], ErrorShape.V3),
    route("GET", "/v3/sites", list_sites, SITES_READING, ErrorShape.V3),
]
