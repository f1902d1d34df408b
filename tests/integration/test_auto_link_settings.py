"""Auto-link under non-default settings: Auto-Linking Fields email only.

Handlers read their settings once per process, so these run against a gateway of their own
(`configured_gateway`: `make run` in a child process, pointed at this process's sandbox).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer
from devtools.sandbox import seed as demo
from tests.fixtures.gateway import configured_gateway
from tests.integration.test_auto_link_handler import (
    EVENTS,
    event_body,
    gladly_would_link,
    ok_json,
    profile_of,
)

SETTINGS = {"AUTO_LINK_FIELDS": "email"}


@pytest.fixture(scope="module")
def email_only_client(bc_sandbox_server: SandboxServer) -> Iterator[GladlyClient]:
    """A signed client for a gateway deployed with SETTINGS against the test sandbox."""
    with configured_gateway(bc_sandbox_server, SETTINGS) as client:
        yield client


@pytest.mark.parametrize(
    ("event", "customer_id"),
    [
        ("auto-link-disabled-field.json", demo.MARTHA_CUSTOMER_ID),
        ("auto-link-unique-phone.json", demo.DIGITS_ONLY_CUSTOMER_ID),
    ],
)
def test_a_match_on_a_disabled_field_is_explained_and_not_linked(
    email_only_client: GladlyClient, bc_sandbox: SandboxServer, event: str, customer_id: int
) -> None:
    # Given Auto-Linking Fields is email only, and a profile whose phone alone matches a customer
    report = ok_json(email_only_client.send_event(EVENTS / event))
    # Then the endpoint says the one candidate matched on a field that is not enabled
    assert report["kind"] == "ambiguous"
    assert report["enabledFields"] == ["email"]
    assert [candidate["customerRef"] for candidate in report["candidates"]] == [str(customer_id)]
    assert report["candidates"][0]["matchesEnabledField"] is False
    assert report["reasons"][0]["code"] == "only_disabled_fields"
    assert "AUTO_LINK_FIELDS is email" in report["reasons"][0]["detail"]
    # and the lookup answers the candidate without the phone: no Gladly could link it, whatever its fields
    body = event_body(event)
    results = ok_json(email_only_client.post("/lookup", body))["results"]
    assert [result["externalCustomerId"] for result in results] == [str(customer_id)]
    assert "phones" not in results[0]
    assert gladly_would_link(results, profile_of(body), {"email", "phone"}) is None


def test_an_email_match_links_with_name_and_address(
    email_only_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Auto-Linking Fields is email only When Martha's profile is auto-linked by email
    body = event_body("auto-link-unique-email.json")
    (result,) = ok_json(email_only_client.post("/lookup", body))["results"]
    # Then the one result carries her name and address (Gladly decides whether they overwrite its own)
    assert result["externalCustomerId"] == str(demo.MARTHA_CUSTOMER_ID)
    assert result["name"] == "Martha Williams"
    assert result["address"] == "1 Ferry Building, San Francisco, California 94111, US"
    assert gladly_would_link([result], profile_of(body), {"email"}) == str(demo.MARTHA_CUSTOMER_ID)
