"""Shoppers the agent preview suggests on its empty page, from the sandbox's seed.

Only when the store behind the gateway is the sandbox `make run` started (`LocalGateway.sandbox_url`):
a real store's shoppers are not the preview's to know. Each suggestion is a deep link the page offers
(`/?email=...`, `/?phone=...`), for a Search Query Attribute the deployment has, with what it shows.
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox import DEFAULT_STORE_HASH, JAPAN_STORE_HASH, seed, seed_japan, seed_orders, seed_world

SHOPPERS: dict[str, tuple[tuple[str, str, str], ...]] = {
    DEFAULT_STORE_HASH: (
        (
            "email",
            seed.MARTHA_EMAIL,
            "Martha Williams: 10 orders in USD, EUR and GBP (shipped, refundable, refunded, cancelled)",
        ),
        (
            "phone",
            seed_world.PRIYA.numbers[0],
            f"Priya Sharma, in India: her account stores this number as {seed_world.PRIYA.account_phone}",
        ),
        ("email", seed.GUEST_EMAIL, "a guest shopper: orders, no account"),
        (
            "email",
            seed_orders.OLIVIA_EMAIL,
            "Olivia Options: options, a bundle, an e-book, a gift certificate",
        ),
        ("email", seed.SHARED_EMAIL, "two accounts sharing one email"),
    ),
    JAPAN_STORE_HASH: (("email", seed_japan.HARUKA_EMAIL, "Haruka Sato: orders in yen"),),
}


def shoppers_to_try(store_hash: str, searchable: set[str]) -> list[dict[str, Any]]:
    """The sandbox store's suggested shoppers the deployment can search for (its Search Query Attributes)."""
    return [
        {"attribute": attribute, "value": value, "description": description}
        for attribute, value, description in SHOPPERS.get(store_hash, ())
        if attribute in searchable
    ]
