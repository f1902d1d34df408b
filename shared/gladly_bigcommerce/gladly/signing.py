"""Verification of Gladly's request signature (protocol section 4), plus basic auth and static headers.

Gladly signs every request with an HMAC over a canonical form of the request. We only ever verify;
the dev-only signer in ``devtools/signer.py`` reuses the pure functions below so both sides build the
canonical request the same way. Everything works on the raw body bytes, before any JSON parsing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import parse_qsl, quote, urlencode

SIGNING_ALGORITHM = "hmac-sha256"
AUTHORIZATION_HEADER = "gladly-authorization"
TIME_HEADER = "gladly-time"
BASIC_AUTH_HEADER = "authorization"
GLADLY_TIME_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = timedelta(minutes=5)

SignatureErrorCode = Literal[
    "missing_header", "bad_format", "stale_time", "bad_signature", "unsigned_time", "bad_credentials"
]

_GLADLY_TIME_PATTERN = re.compile(r"^\d{8}T\d{6}Z$")
_SIGNATURE_PATTERN = re.compile(r"^[0-9a-fA-F]{64}$")


class SignatureError(Exception):
    """A request failed authentication: ``attr`` names the header, ``code`` says what failed.

    The detail never quotes header values: they are credentials or could be.
    """

    def __init__(self, attr: str, code: SignatureErrorCode, detail: str) -> None:
        super().__init__(f"{attr}: {code}: {detail}")
        self.attr = attr
        self.code: SignatureErrorCode = code
        self.detail = detail


@dataclass(frozen=True)
class GladlyAuthorization:
    """The parsed ``Gladly-Authorization`` header."""

    algorithm: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def signed_headers_line(self) -> str:
        return ";".join(self.signed_headers)


def parse_authorization(value: str) -> GladlyAuthorization:
    """Parse ``SigningAlgorithm=hmac-sha256, SignedHeaders=a;b, Signature=<hex>``."""
    parts: dict[str, str] = {}
    for item in value.split(","):
        key, separator, part_value = item.strip().partition("=")
        if not separator or not key or key in parts:
            raise _bad_authorization("is not a comma-separated list of Key=Value pairs")
        parts[key] = part_value.strip()
    missing = [key for key in ("SigningAlgorithm", "SignedHeaders", "Signature") if key not in parts]
    if missing:
        raise _bad_authorization(f"lacks {', '.join(missing)}")
    if parts["SigningAlgorithm"].lower() != SIGNING_ALGORITHM:
        raise _bad_authorization(f"SigningAlgorithm must be {SIGNING_ALGORITHM}")
    signed_headers = tuple(name.strip().lower() for name in parts["SignedHeaders"].split(";"))
    if not all(signed_headers):
        raise _bad_authorization("SignedHeaders holds an empty header name")
    if not _SIGNATURE_PATTERN.match(parts["Signature"]):
        raise _bad_authorization("Signature must be 64 hexadecimal characters")
    return GladlyAuthorization(
        algorithm=SIGNING_ALGORITHM,
        signed_headers=signed_headers,
        signature=parts["Signature"].lower(),
    )


def parse_gladly_time(value: str) -> datetime:
    """Parse ``YYYYMMDDTHHMMSSZ`` (UTC) into an aware datetime."""
    if not _GLADLY_TIME_PATTERN.match(value):
        raise SignatureError(TIME_HEADER, "bad_format", "Gladly-Time must look like 20190213T214016Z (UTC).")
    try:
        return datetime.strptime(value, GLADLY_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError(TIME_HEADER, "bad_format", "Gladly-Time is not a valid date and time.") from None


def format_gladly_time(moment: datetime) -> str:
    """Format an aware datetime the way Gladly-Time carries it."""
    return moment.astimezone(UTC).strftime(GLADLY_TIME_FORMAT)


def sorted_encoded_query(query: str) -> str:
    """The query line of the "sorted and encoded" candidate: pairs sorted, RFC 3986 percent-encoding."""
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return urlencode(pairs, quote_via=quote)


def path_and_query_candidates(path: str, query: str) -> list[tuple[str, str]]:
    """Every (path line, query line) pair our rule accepts, most likely first, without duplicates.

    The sources disagree on how a URL's query enters the canonical request, so we accept any of:
    path + sorted encoded query; path + raw query; path?query + raw query; path?query + empty line.
    """
    if not query:
        return [(path, "")]
    full_path = f"{path}?{query}"
    candidates = [
        (path, sorted_encoded_query(query)),
        (path, query),
        (full_path, query),
        (full_path, ""),
    ]
    return list(dict.fromkeys(candidates))


def canonical_request(
    *,
    method: str,
    path: str,
    query_line: str,
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    body: bytes,
) -> str:
    """Build the canonical request. ``headers`` must be keyed by lowercase name and hold every signed one."""
    header_lines = [f"{name}:{headers[name].strip()}" for name in signed_headers]
    return "\n".join(
        [
            method.upper(),
            path,
            query_line,
            *header_lines,
            "",
            ";".join(signed_headers),
            hashlib.sha256(body).hexdigest(),
        ]
    )


def string_to_sign(gladly_time: str, canonical: str) -> str:
    return "\n".join([SIGNING_ALGORITHM, gladly_time, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])


def day_key(signing_key: str, gladly_time: str) -> bytes:
    """HMAC of the day (``YYYYMMDD``) keyed by the signing key as UTF-8 text (never base64-decoded)."""
    return hmac.new(signing_key.encode("utf-8"), gladly_time[:8].encode("utf-8"), hashlib.sha256).digest()


def compute_signature(*, signing_key: str, gladly_time: str, canonical: str) -> str:
    """The lowercase hex signature of a canonical request."""
    message = string_to_sign(gladly_time, canonical).encode("utf-8")
    return hmac.new(day_key(signing_key, gladly_time), message, hashlib.sha256).hexdigest()


def lowercase_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names are case-insensitive: key them by lowercase name."""
    return {name.lower(): value for name, value in headers.items()}


def verify_gladly_request(
    *,
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    signing_key: str,
    now: datetime,
    alternative_paths: Sequence[str] = (),
) -> None:
    """Raise ``SignatureError`` unless the request carries a valid, fresh Gladly signature.

    ``alternative_paths`` are other spellings of the same URL path (API Gateway reports the path with
    and without the stage); a signature over any of them is accepted.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    lower = lowercase_headers(headers)
    authorization_value = lower.get(AUTHORIZATION_HEADER)
    if authorization_value is None:
        raise SignatureError(
            AUTHORIZATION_HEADER, "missing_header", "The Gladly-Authorization header is missing."
        )
    time_value = lower.get(TIME_HEADER)
    if time_value is None:
        raise SignatureError(TIME_HEADER, "missing_header", "The Gladly-Time header is missing.")
    authorization = parse_authorization(authorization_value)
    if TIME_HEADER not in authorization.signed_headers:
        raise SignatureError(AUTHORIZATION_HEADER, "unsigned_time", "SignedHeaders must include gladly-time.")
    for name in authorization.signed_headers:
        if name not in lower:
            raise SignatureError(name, "missing_header", f"The signed header {name} is missing.")
    gladly_time = time_value.strip()
    signed_at = parse_gladly_time(gladly_time)
    if abs(now - signed_at) > MAX_CLOCK_SKEW:
        raise SignatureError(
            TIME_HEADER, "stale_time", "Gladly-Time is more than 5 minutes away from the server's clock."
        )
    matched = False
    for candidate_path in dict.fromkeys([path, *alternative_paths]):
        for path_line, query_line in path_and_query_candidates(candidate_path, query):
            canonical = canonical_request(
                method=method,
                path=path_line,
                query_line=query_line,
                headers=lower,
                signed_headers=authorization.signed_headers,
                body=body,
            )
            expected = compute_signature(
                signing_key=signing_key, gladly_time=gladly_time, canonical=canonical
            )
            # No early exit: every candidate costs the same whichever one matches.
            matched |= hmac.compare_digest(expected, authorization.signature)
    if not matched:
        raise SignatureError(
            AUTHORIZATION_HEADER,
            "bad_signature",
            "The signature does not match this request and signing key.",
        )


def check_basic_auth(headers: Mapping[str, str], user: str, password: str) -> None:
    """Raise ``SignatureError`` unless ``Authorization: Basic`` carries exactly this user and password."""
    value = lowercase_headers(headers).get(BASIC_AUTH_HEADER)
    if value is None:
        raise SignatureError(
            BASIC_AUTH_HEADER, "missing_header", "The Authorization (basic auth) header is missing."
        )
    scheme, _, encoded = value.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise SignatureError(
            BASIC_AUTH_HEADER, "bad_format", "The Authorization header must use the Basic scheme."
        )
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(
            BASIC_AUTH_HEADER, "bad_format", "The basic auth credentials are not valid base64."
        ) from None
    given_user, separator, given_password = decoded.partition(b":")
    user_ok = hmac.compare_digest(given_user, user.encode("utf-8"))
    password_ok = hmac.compare_digest(given_password, password.encode("utf-8"))
    if not (separator and user_ok and password_ok):
        raise SignatureError(
            BASIC_AUTH_HEADER, "bad_credentials", "The basic auth user or password is wrong."
        )


def check_static_headers(headers: Mapping[str, str], expected: Mapping[str, str]) -> None:
    """Raise ``SignatureError`` unless every configured static header is present with its exact value."""
    lower = lowercase_headers(headers)
    for name, expected_value in expected.items():
        header = name.lower()
        value = lower.get(header)
        if value is None:
            raise SignatureError(header, "missing_header", f"The configured header {header} is missing.")
        if not hmac.compare_digest(value.strip().encode("utf-8"), expected_value.strip().encode("utf-8")):
            raise SignatureError(
                header, "bad_credentials", f"The configured header {header} has the wrong value."
            )


def _bad_authorization(problem: str) -> SignatureError:
    return SignatureError(AUTHORIZATION_HEADER, "bad_format", f"The Gladly-Authorization header {problem}.")
