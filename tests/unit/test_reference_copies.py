"""The copied BigCommerce files are the published ones, byte for byte (reference/README.md).

Each file's git blob id is the one its source repository holds at the commit the README names
(`bigcommerce/docs` 24f580ca6d2981728b7ed70a2049e00fc602c335, folder `reference/`; the countries from
`bigcommerce/bigcommerce-for-wordpress` 0d90f6bc3f8c1bcc1a724f0ff905dfe447907af5): an edit, even a
line ending, fails here. Behaviour is patched in KNOWN_DEVIATIONS instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "reference" / "bigcommerce"
BLOBS = {
    "openapi/channels.v3.yml": "6f9f988fe6af41fae4def6441acd841205d016b0",
    "openapi/customers.v3.yml": "a4af2e25bd02c79f567e5af4e3ee6fe2f115704e",
    "openapi/geography.v2.yml": "e9be690bf5d65c1329bf1b907bdd8a1c4da7ee5e",
    "openapi/marketing.v2.yml": "cff94188b71e1fdf9fadbdeef0e32ade76c09410",
    "openapi/orders.v2.oas2.yml": "cd274f3c151af6bd6ef5dc4fe623a8ec7e4734b6",
    "openapi/orders.v3.yml": "a61881a7f473acba3d4d3bf4c346fb65be38cf6f",
    "openapi/promotions.v3.yml": "40e7dfbbda9ba41b50a56dcbd7dd05af38974773",
    "openapi/sites.v3.yml": "a2ba33ff313e74be432a15d461072c02f23f262e",
    "openapi/store_information.v2.yml": "58a2d55a8023c56c08fdae1fda0acd6533a0f994",
    "countries.json": "1cd479534295315af52222399f60940e5fd8adff",
}


def git_blob_id(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


@pytest.mark.parametrize("name", sorted(BLOBS))
def test_the_copy_is_the_published_file(name: str) -> None:
    assert git_blob_id((REFERENCE / name).read_bytes()) == BLOBS[name]


def test_every_openapi_file_is_pinned() -> None:
    assert {f"openapi/{path.name}" for path in (REFERENCE / "openapi").glob("*.yml")} == {
        name for name in BLOBS if name.startswith("openapi/")
    }
