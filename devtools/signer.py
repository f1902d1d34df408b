"""Sign requests the way Gladly does, for tests, replays and the local gateway. Development only.

It reuses the canonical-request functions of ``gladly_bigcommerce.gladly.signing`` so the signer and
the verifier cannot drift apart; nothing in ``shared/`` or ``functions/`` may import this module.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from gladly_bigcommerce.edge.request import raw_query_from_event
from gladly_bigcommerce.gladly.signing import (
    AUTHORIZATION_HEADER,
    SIGNING_ALGORITHM,
    TIME_HEADER,
    canonical_request,
    compute_signature,
    format_gladly_time,
    lowercase_headers,
    sorted_encoded_query,
)


def sign_request(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    signing_key: str,
    at: datetime | None = None,
    signed_headers: Iterable[str] | None = None,
) -> dict[str, str]:
    """Return ``headers`` (lowercased) plus ``gladly-time`` and ``gladly-authorization``.

    By default every given header and ``gladly-time`` are signed. The query line is the sorted and
    encoded candidate of protocol section 4.
    """
    moment = at or datetime.now(UTC)
    gladly_time = format_gladly_time(moment)
    signed = lowercase_headers(headers)
    signed.pop(AUTHORIZATION_HEADER, None)
    signed[TIME_HEADER] = gladly_time
    if signed_headers is None:
        names = sorted(signed)
    else:
        names = sorted({name.lower() for name in signed_headers} | {TIME_HEADER})
    canonical = canonical_request(
        method=method,
        path=path,
        query_line=sorted_encoded_query(query),
        headers=signed,
        signed_headers=names,
        body=body,
    )
    signature = compute_signature(signing_key=signing_key, gladly_time=gladly_time, canonical=canonical)
    signed[AUTHORIZATION_HEADER] = (
        f"SigningAlgorithm={SIGNING_ALGORITHM}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return signed


def event_query_string(event: Mapping[str, Any]) -> str:
    """The query string of an API Gateway REST event, rebuilt as the verifier rebuilds it."""
    return raw_query_from_event(event)


def sign_event(
    event: Mapping[str, Any],
    *,
    signing_key: str,
    at: datetime | None = None,
    signed_path: str | None = None,
) -> dict[str, Any]:
    """A copy of an API Gateway REST proxy event whose headers carry a valid Gladly signature.

    ``signed_path`` is the path Gladly would have called (e.g. with the ``/Prod`` stage); it defaults
    to the event's ``path``.
    """
    signed_event = copy.deepcopy(dict(event))
    raw_body = signed_event.get("body") or ""
    encoded = bool(signed_event.get("isBase64Encoded"))
    body = base64.b64decode(raw_body) if encoded else raw_body.encode("utf-8")
    headers = sign_request(
        method=signed_event["httpMethod"],
        path=signed_path or signed_event["path"],
        query=event_query_string(signed_event),
        headers=signed_event.get("headers") or {},
        body=body,
        signing_key=signing_key,
        at=at,
    )
    signed_event["headers"] = headers
    signed_event["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    return signed_event
