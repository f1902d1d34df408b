"""Store hash normalisation: admins paste whatever they have at hand, the client needs the bare hash.

A store hash is the short lowercase id in `https://store-<hash>.mybigcommerce.com` and in
`https://api.bigcommerce.com/stores/<hash>/v3/...`. Admins copy one of those URLs, the hash with
its `store-` prefix, or the hash itself; all of them name the same store.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Real hashes are about 10 characters; 20 leaves room while rejecting a pasted access token or
# client id (about 30 characters of the same alphabet), which must never be used as a URL part.
_HASH = re.compile(r"[a-z0-9]{1,20}")
_STORE_HOST = re.compile(r"store-([a-z0-9]+)\.mybigcommerce\.com")
_API_HOST = "api.bigcommerce.com"

HASH_HELP = (
    "a BigCommerce store hash is the short lowercase id (letters and digits, typically 10 characters, "
    "e.g. 'abc123xyz0') found in https://store-<hash>.mybigcommerce.com or "
    "https://api.bigcommerce.com/stores/<hash>/"
)


class InvalidStoreHash(ValueError):
    """The value is not a store hash nor a URL that contains one (the value itself is never echoed)."""

    def __init__(self) -> None:
        super().__init__(f"invalid store hash: {HASH_HELP}")


def normalize_store_hash(value: str) -> str:
    """Return the bare store hash from a hash, `store-<hash>`, a control panel URL or an API URL."""
    text = value.strip().lower() if isinstance(value, str) else ""
    looks_like_url = "/" in text or "." in text
    candidate = _hash_from_url(text) if looks_like_url else text.removeprefix("store-")
    if candidate is None or not _HASH.fullmatch(candidate):
        raise InvalidStoreHash()
    return candidate


def _hash_from_url(text: str) -> str | None:
    url = urlsplit(text if "://" in text else f"https://{text}")
    if url.scheme not in ("http", "https"):
        return None
    host = url.hostname or ""
    store_host = _STORE_HOST.fullmatch(host)
    if store_host:
        return store_host.group(1)
    if host == _API_HOST:
        parts = [part for part in url.path.split("/") if part]
        if len(parts) >= 2 and parts[0] == "stores":
            return parts[1]
    return None
