"""The store (v2 store information) and its catalog (v3 products' primary images)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
)

from gladly_bigcommerce.bigcommerce.models.base import (
    ApiModel,
)
from gladly_bigcommerce.bigcommerce.values import (
    Text,
)

# --- catalog (v3) ------------------------------------------------------------------------------


def _object_or_none(value: Any) -> Any:
    """A product without images may answer its `primary_image` as null, `{}` or `[]`: all mean none."""
    return value if isinstance(value, dict) and value else None


class ProductImage(ApiModel):
    """A catalog product image, in the sizes BigCommerce renders it (`""` when a size is missing)."""

    url_thumbnail: Text = ""
    url_standard: Text = ""

    @property
    def card_url(self) -> str | None:
        """The URL for a product beside an order line: the thumbnail, else the standard size.

        Gladly shows the image small, next to the line item; the thumbnail (category-page size) is
        made for that and is the smaller download. The standard (product-page) size is the fallback.
        """
        return self.url_thumbnail.strip() or self.url_standard.strip() or None


class CatalogProduct(ApiModel):
    """`GET /v3/catalog/products?include=primary_image` item: only what the lookup reads."""

    id: int
    primary_image: Annotated[ProductImage | None, BeforeValidator(_object_or_none)] = None


# --- store information (v2) --------------------------------------------------------------------


class StoreTimeZone(ApiModel):
    name: Text = ""


class StoreInfo(ApiModel):
    id: str | None = None
    name: Text = ""
    domain: Text = ""
    secure_url: Text = ""
    control_panel_base_url: str | None = None
    status: str | None = None
    country: Text = ""
    country_code: Text = ""
    currency: Text = ""
    timezone: StoreTimeZone | None = None
