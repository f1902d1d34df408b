"""Geography (v2): BigCommerce's countries and their states, as the shipping-address action reads them."""

from __future__ import annotations

from gladly_bigcommerce.bigcommerce.models.base import ActionApiModel
from gladly_bigcommerce.bigcommerce.values import Text


class Country(ActionApiModel):
    """`GET /v2/countries` item (geography.v2 `country_Full`): the name BigCommerce writes on addresses
    and its ISO 3166 alpha-2 code. Without either it is no country an address can be given."""

    id: int
    country: str
    country_iso2: str


class CountryState(ActionApiModel):
    """`GET /v2/countries/states` item (geography.v2 `countriesState_Full`): a state, its abbreviation
    (`""` when BigCommerce gives none) and its country."""

    id: int
    state: str
    state_abbreviation: Text = ""
    country_id: int
