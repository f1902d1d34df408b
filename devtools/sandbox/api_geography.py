"""Geography v2: BigCommerce's countries and their states (geography.v2.yml; data: `geography`).

Like every v2 list, countries and states are bare JSON arrays in id order, paged by `page` and
`limit` (50 by default, at most 250: the general v2 rule; the file states neither), and answer `204
No Content` when there is nothing: a page past the last, no match, and the states of a country that
has none (KNOWN_DEVIATIONS `geography-empty-list-204`). An unknown country id is 404 (v2 shape). The
name and code filters match ignoring case (undocumented). Every country carries the link to its
states, whether it has any or not. Scope: Information & Settings (the file's security scheme).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from devtools.sandbox import geography
from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.geography import Country, State
from devtools.sandbox.routing import (
    INFORMATION,
    INFORMATION_READ,
    ApiRequest,
    ApiResponse,
    Route,
    paginate,
    route,
    v2_list,
)

COUNTRY_FILTERS = {"country": "country", "country_iso2": "country_iso2", "country_iso3": "country_iso3"}
STATE_FILTERS = {"state": "state", "state_abbreviation": "state_abbreviation"}
T = TypeVar("T")


def list_countries(request: ApiRequest) -> ApiResponse:
    countries = _filtered(request, geography.countries(), COUNTRY_FILTERS)
    page, limit = request.page_and_limit()
    return v2_list([country_json(request, found) for found in paginate(countries, page, limit)])


def get_country(request: ApiRequest) -> ApiResponse:
    return ApiResponse(200, country_json(request, _country(request)))


def list_country_states(request: ApiRequest) -> ApiResponse:
    states = _filtered(request, _country(request).states, STATE_FILTERS)
    page, limit = request.page_and_limit()
    return v2_list([state_json(state) for state in paginate(states, page, limit)])


def list_all_states(request: ApiRequest) -> ApiResponse:
    states = _filtered(request, geography.all_states(), {})
    page, limit = request.page_and_limit()
    return v2_list([state_json(state) for state in paginate(states, page, limit)])


def _country(request: ApiRequest) -> Country:
    country_id = int(request.params["country_id"])
    found = geography.country(country_id)
    if found is None:
        raise ApiError(404, "The requested resource was not found.", detail=f"No country {country_id}.")
    return found


def _filtered(request: ApiRequest, items: Sequence[T], filters: dict[str, str]) -> list[T]:
    """The items whose fields equal every filter given (ignoring case); 400 for another parameter."""
    if unsupported := sorted(set(request.query) - {"page", "limit", *filters}):
        raise ApiError(400, "Filter not supported by the sandbox", detail=", ".join(unsupported))
    wanted = {
        attribute: value.strip().casefold()
        for parameter, attribute in filters.items()
        if (value := request.arg(parameter)) is not None
    }
    return [
        item
        for item in items
        if all(str(getattr(item, name)).strip().casefold() == value for name, value in wanted.items())
    ]


def country_json(request: ApiRequest, country: Country) -> dict[str, Any]:
    return {
        "id": country.id,
        "country": country.country,
        "country_iso2": country.country_iso2,
        "country_iso3": country.country_iso3,
        "states": request.link(f"/countries/{country.id}/states"),
    }


def state_json(state: State) -> dict[str, Any]:
    return {
        "id": state.id,
        "state": state.state,
        "state_abbreviation": state.state_abbreviation,
        "country_id": state.country_id,
    }


READ = [INFORMATION_READ, INFORMATION]
ROUTES: list[Route] = [
    route("GET", "/v2/countries", list_countries, READ, ErrorShape.V2),
    route("GET", "/v2/countries/states", list_all_states, READ, ErrorShape.V2),
    route("GET", "/v2/countries/{country_id}", get_country, READ, ErrorShape.V2),
    route("GET", "/v2/countries/{country_id}/states", list_country_states, READ, ErrorShape.V2),
]
