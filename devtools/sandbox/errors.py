"""Error answers, each in the body shape of the BigCommerce API that gives it.

BigCommerce's APIs disagree about error bodies (see the reference README, "Facts"):

* v2 (orders, store information): a bare list, `[{"status": 404, "message": "..."}]`;
* v3 (customers, orders v3): `{"status", "title", "type", "errors": {field: message}}`;
* the refunds endpoint (`POST /v3/orders/{id}/payment_actions/refunds`) wraps that object in
  `{"data": [...]}`, as its documented 422 does;
* promotions follow their own spec per status: 404 and 422 are `{"errors": [{"status", "title"}]}`,
  400 is `{"status": "400", "title", "type", "detail"}` (status as a string, as documented), 403 and
  405 are `{"status": "403", "title", "error"}`, and every other status (409, 401, 429, 5xx) is
  `{"status": 409, "title", "type", "detail"}`. A duplicate coupon code is a 422.

Handlers raise `ApiError`; the server renders it with the route's `ErrorShape`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

STATUS_CODES_URL = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"


class ErrorShape(enum.Enum):
    """Which API's error body to write."""

    V2 = "v2"
    V3 = "v3"
    REFUNDS = "refunds"
    PROMOTIONS = "promotions"


@dataclass
class ApiError(Exception):
    """An error answer: HTTP status, a short title, optional detail and per-field messages."""

    status: int
    title: str
    detail: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.title}"


def error_body(shape: ErrorShape, error: ApiError) -> Any:
    """The JSON body for `error` in the API's own shape."""
    explanation = "; ".join(
        [*([error.detail] if error.detail else []), *(f"{k}: {v}" for k, v in error.errors.items())]
    )
    message = f"{error.title}: {explanation}" if explanation else error.title
    if shape is ErrorShape.V2:
        return [{"status": error.status, "message": message}]
    v3_body: dict[str, Any] = {"status": error.status, "title": error.title, "type": STATUS_CODES_URL}
    if error.errors or error.detail:
        v3_body["errors"] = dict(error.errors) or {"detail": error.detail}
    if shape is ErrorShape.V3:
        return v3_body
    if shape is ErrorShape.REFUNDS:
        return {"data": [v3_body]}
    return _promotions_body(error)


def _promotions_body(error: ApiError) -> Any:
    detail = error.detail or error.title
    if error.status in (404, 422):
        return {"errors": [{"status": error.status, "title": error.title, "detail": detail}]}
    if error.status == 400:
        return {"status": "400", "title": error.title, "type": STATUS_CODES_URL, "detail": detail}
    if error.status in (403, 405):
        return {"status": str(error.status), "title": error.title, "error": detail}
    return {"status": error.status, "title": error.title, "type": STATUS_CODES_URL, "detail": detail}
