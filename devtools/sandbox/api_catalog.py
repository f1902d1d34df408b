"""Catalog v3, products only: `GET /v3/catalog/products` with `id:in`, `include=primary_image` and
`include_fields`, paged like every v3 list.

No reference OpenAPI file covers the catalog (see `contract.OUTSIDE_CONTRACT`): the shape follows
BigCommerce's public docs for Get All Products. The sandbox's catalog is minimal
(`records.CatalogProduct`), so a product answers its id, name, type, SKU, price and availability,
and its one image is the primary image, rendered in BigCommerce's four sizes. `include_fields` keeps
the id and the fields it names, and takes only the product fields its documented enum lists
(bigcommerce/docs `reference/catalog/products_catalog.v3.yml`, `IncludeFieldsParam`): a
sub-resource such as `primary_image` is asked for with `include` (`IncludeParamBase`), so naming one
in `include_fields` is a 422 here. Sandbox rules (no public source says): an included sub-resource is
answered whether `include_fields` is given or not; a product without an image answers
`primary_image: null`.
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
# The product fields `include_fields` documents (products_catalog.v3.yml, IncludeFieldsParam) that the
# sandbox's minimal products have; the documented others are accepted and simply absent here.
DOCUMENTED_INCLUDE_FIELDS = frozenset(
    {
        "name", "type", "sku", "description", "weight", "width", "depth", "height", "price",
        "cost_price", "retail_price", "sale_price", "map_price", "tax_class_id", "product_tax_code",
        "calculated_price", "categories", "brand_id", "option_set_id", "option_set_display",
        "inventory_level", "inventory_warning_level", "inventory_tracking", "reviews_rating_sum",
        "reviews_count", "total_sold", "fixed_cost_shipping_price", "is_free_shipping", "is_visible",
        "is_featured", "related_products", "warranty", "bin_picking_number", "layout_file", "upc",
        "mpn", "gtin", "date_last_imported", "search_keywords", "availability",
        "availability_description", "condition", "is_condition_shown", "order_quantity_minimum",
        "order_quantity_maximum", "page_title", "meta_keywords", "meta_description", "date_created",
        "date_modified", "view_count", "preorder_release_date", "preorder_message",
        "is_preorder_only", "is_price_hidden", "price_hidden_label", "custom_url", "base_variant_id",
        "open_graph_type", "open_graph_title", "open_graph_description",
        "open_graph_use_meta_description", "open_graph_use_product_name", "open_graph_use_image",
    }
)  # fmt: skip
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
    if undocumented := sorted(set(fields or []) - DOCUMENTED_INCLUDE_FIELDS):
        detail = f"not a product field: {', '.join(undocumented)} (sub-resources go in include)"
        raise ApiError(422, "Invalid include_fields", errors={"include_fields": detail})
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
