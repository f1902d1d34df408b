"""Catalog v3, products only: `GET /v3/catalog/products` with `id:in`, `include=primary_image` and
`include_fields`, paged like every v3 list.

No reference OpenAPI file covers the catalog (see `contract.OUTSIDE_CONTRACT`): the shape follows
BigCommerce's public docs for Get All Products. The sandbox's catalog is minimal
(`records.CatalogProduct`), so a product answers its id, name, type, SKU, price and availability,
and its one image is the primary image, rendered in BigCommerce's four sizes. `include_fields` keeps
the id and the fields it names; an included sub-resource is answered whether it is named there or
not. Sandbox rule (no public source says): a product without an image answers `primary_image: null`.
Filters and includes the sandbox does not model answer 422 "not supported by the sandbox" rather than
being ignored.
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import money_v3
from devtools.sandbox.records import CatalogProduct
from devtools.sandbox.routing import (
    PRODUCTS,
    PRODUCTS_READ,
    ApiRequest,
    ApiResponse,
    Route,
    route,
    v3_page,
)

PARAMETERS = frozenset({"id:in", "include", "include_fields", "page", "limit"})
INCLUDES = frozenset({"primary_image"})
# BigCommerce renders every product image in these sizes (the CDN path names the size).
IMAGE_SIZES = {
    "url_zoom": "1280x1280",
    "url_standard": "500x659",
    "url_thumbnail": "100x100",
    "url_tiny": "44x44",
}
ORIGINAL_SIZE_SEGMENT = "/stencil/original/"


def list_products(request: ApiRequest) -> ApiResponse:
    if unsupported := sorted(set(request.query) - PARAMETERS):
        errors = {name: "not supported by the sandbox" for name in unsupported}
        raise ApiError(422, "Filter not supported by the sandbox", errors=errors)
    include = set(request.csv_arg("include") or [])
    if unknown := include - INCLUDES:
        detail = f"not supported by the sandbox: {', '.join(sorted(unknown))}"
        raise ApiError(422, "Include not supported by the sandbox", errors={"include": detail})
    fields = request.csv_arg("include_fields")
    ids = request.int_csv_arg("id:in")
    page, limit = request.page_and_limit()
    with request.store.lock:
        products = sorted(request.store.catalog.values(), key=lambda product: product.id)
        if ids is not None:
            wanted = set(ids)
            products = [product for product in products if product.id in wanted]
        return v3_page(products, page, limit, lambda product: product_json(product, include, fields))


def product_json(product: CatalogProduct, include: set[str], fields: list[str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": product.id,
        "name": product.name,
        "type": "physical",
        "sku": product.sku,
        "price": money_v3(product.price),
        "is_visible": True,
        "availability": "available",
    }
    if fields is not None:
        body = {name: value for name, value in body.items() if name == "id" or name in fields}
    if "primary_image" in include:
        body["primary_image"] = _image_json(product) if product.image_url else None
    return body


def _image_json(product: CatalogProduct) -> dict[str, Any]:
    sized = {
        name: product.image_url.replace(ORIGINAL_SIZE_SEGMENT, f"/stencil/{size}/", 1)
        for name, size in IMAGE_SIZES.items()
    }
    return {
        "id": product.id,
        "product_id": product.id,
        "is_thumbnail": True,
        "sort_order": 0,
        "description": "",
        **sized,
    }


ROUTES: list[Route] = [
    route("GET", "/v3/catalog/products", list_products, [PRODUCTS_READ, PRODUCTS], ErrorShape.V3),
]
