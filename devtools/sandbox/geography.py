"""BigCommerce's countries and their states, as `/v2/countries` answers them (geography.v2.yml).

The data is a real capture: `reference/bigcommerce/countries.json`, copied unchanged from
bigcommerce/bigcommerce-for-wordpress (commit 0d90f6bc3f8c1bcc1a724f0ff905dfe447907af5, 2018-10-30,
`assets/data/countries.json`), which BigCommerce's own WordPress plugin wrote from
`GET /countries?limit=250` and `GET /countries/{id}/states?limit=250` of a live store
(`src/BigCommerce/CLI/Update_Country_Cache.php`). Its `states` is the plugin's: the list of the
country's states, or `null` when the store had none for it. As captured, 245 countries (ids 1 to
248 with gaps) of which 16 have states (386 in all; the United States 65, territories and armed
forces included; Japan, France and the United Kingdom none), and untidy ISO 3166 alpha-3 codes:
`"NUL"` for nine countries and a carriage return (`"\\r"`) for Antarctica, Heard Island and the US
Minor Outlying Islands. The sandbox serves it as it is. Every store has the same list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COUNTRIES_FILE = Path(__file__).resolve().parents[2] / "reference" / "bigcommerce" / "countries.json"


@dataclass(frozen=True)
class State:
    id: int
    state: str
    state_abbreviation: str
    country_id: int


@dataclass(frozen=True)
class Country:
    id: int
    country: str
    country_iso2: str
    country_iso3: str
    states: tuple[State, ...]


@cache
def countries() -> tuple[Country, ...]:
    """Every country, in id order."""
    raw = json.loads(COUNTRIES_FILE.read_text(encoding="utf-8"))
    found = [
        Country(
            id=item["id"],
            country=item["country"],
            country_iso2=item["country_iso2"],
            country_iso3=item["country_iso3"],
            states=tuple(
                sorted((State(**state) for state in item["states"] or ()), key=lambda state: state.id)
            ),
        )
        for item in raw
    ]
    return tuple(sorted(found, key=lambda country: country.id))


def country(country_id: int) -> Country | None:
    return next((found for found in countries() if found.id == country_id), None)


def by_iso2(code: str) -> Country | None:
    """The country of an ISO 3166 alpha-2 code, ignoring case."""
    wanted = code.strip().upper()
    return next((found for found in countries() if found.country_iso2 == wanted), None)


def by_name(name: str) -> Country | None:
    """The country BigCommerce names so, ignoring case."""
    wanted = name.strip().casefold()
    return next((found for found in countries() if found.country.casefold() == wanted), None)


def country_name(code: str) -> str:
    """BigCommerce's name of a country (`"GB"` -> "United Kingdom"); the code itself if unknown."""
    found = by_iso2(code)
    return found.country if found else code.upper()


def all_states() -> tuple[State, ...]:
    """Every state of every country, in id order."""
    return tuple(sorted((state for found in countries() for state in found.states), key=lambda s: s.id))
