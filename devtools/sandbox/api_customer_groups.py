"""Customer groups v2: `GET /v2/customer_groups`, the names behind customers' `customer_group_id`.

No reference OpenAPI file covers it (see `contract.OUTSIDE_CONTRACT`): the shape follows
BigCommerce's public docs for Get All Customer Groups. Like every v2 list it is a bare JSON array,
ordered by id, paged by `page` and `limit`, and answers `204 No Content` when there is nothing (no
groups, a page past the last). The sandbox keeps a group's id, name and default flag; every group
sees all categories and has no discount rules. The name, date and guest filters answer 400 "not
supported by the sandbox" rather than being ignored.
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.records import CustomerGroup
from devtools.sandbox.routing import (
    CUSTOMERS,
    CUSTOMERS_READ,
    ApiRequest,
    ApiResponse,
    Route,
    paginate,
    route,
    v2_list,
)

PARAMETERS = frozenset({"page", "limit"})


def list_customer_groups(request: ApiRequest) -> ApiResponse:
    if unsupported := sorted(set(request.query) - PARAMETERS):
        raise ApiError(400, "Filter not supported by the sandbox", detail=", ".join(unsupported))
    page, limit = request.page_and_limit()
    with request.store.lock:
        groups = sorted(request.store.customer_groups.values(), key=lambda group: group.id)
        return v2_list([customer_group_json(group) for group in paginate(groups, page, limit)])


def customer_group_json(group: CustomerGroup) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "is_default": group.is_default,
        "category_access": {"type": "all"},
        "discount_rules": [],
        "is_group_for_guests": False,
    }


ROUTES: list[Route] = [
    route("GET", "/v2/customer_groups", list_customer_groups, [CUSTOMERS_READ, CUSTOMERS], ErrorShape.V2),
]
