"""Who may call: Gladly's signature always; basic auth and static headers when the deployment sets them."""

from __future__ import annotations

from datetime import datetime

from gladly_bigcommerce.edge.request import GladlyRequest
from gladly_bigcommerce.gladly.signing import (
    check_basic_auth,
    check_static_headers,
    verify_gladly_request,
)
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.secret import (
    AdaptorSecret,
)


def authenticate(
    request: GladlyRequest, settings: AdaptorSettings, secret: AdaptorSecret, *, now: datetime
) -> None:
    """Signature always; basic auth and static headers when the deployment configures them."""
    verify_gladly_request(
        method=request.method,
        path=request.signed_paths[0],
        alternative_paths=request.signed_paths[1:],
        query=request.query,
        headers=request.headers,
        body=request.body,
        signing_key=secret.gladly_signing_key.get_secret_value(),
        now=now,
    )
    if settings.basic_auth_user and secret.basic_auth_password is not None:
        check_basic_auth(
            request.headers, settings.basic_auth_user, secret.basic_auth_password.get_secret_value()
        )
    if secret.static_headers:
        check_static_headers(request.headers, secret.static_header_values())
