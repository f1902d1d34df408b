"""The sandbox's countries and states (geography.v2.yml), over real HTTP, checked against the file.

The data is BigCommerce's own capture (`devtools.sandbox.geography`): 245 countries, 16 with states.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from devtools.sandbox import INFORMATION_READ, ORDERS_READ, SandboxServer
from tests.fixtures.sandbox import SandboxHttp

UNITED_STATES, JAPAN, UNKNOWN = 226, 107, 999


def data(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_countries_are_a_bare_v2_list_of_50_by_default_paged_to_204(bc_http: SandboxHttp) -> None:
    first = data(bc_http.get("/v2/countries"))
    last = data(bc_http.get("/v2/countries", params={"page": 5}))
    past = bc_http.get("/v2/countries", params={"page": 6})
    every = data(bc_http.get("/v2/countries", params={"limit": 250}))
    assert (len(first), len(last), len(every)) == (50, 45, 245)
    assert (past.status_code, past.content) == (204, b"")
    assert first[0] == {
        "id": 1,
        "country": "Afghanistan",
        "country_iso2": "AF",
        "country_iso3": "AFG",
        "states": {
            "url": f"{bc_http.server.api_base}/v2/countries/1/states",
            "resource": "/countries/1/states",
        },
    }
    assert [c["id"] for c in every] == sorted(c["id"] for c in every)


def test_untidy_codes_come_as_captured(bc_http: SandboxHttp) -> None:
    # BigCommerce's own dump has a carriage return as Antarctica's alpha-3 code, NUL for others
    (antarctica,) = data(bc_http.get("/v2/countries", params={"country_iso2": "AQ"}))
    (mayotte,) = data(bc_http.get("/v2/countries", params={"country": "mayotte"}))
    assert (antarctica["country_iso3"], mayotte["country_iso3"]) == ("\r", "NUL")


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"country_iso2": "gb"}, [225]), ({"country": "Germany"}, [80]), ({"country_iso3": "IND"}, [99])],
)
def test_countries_filter_by_name_and_codes(
    bc_http: SandboxHttp, params: dict[str, str], expected: list[int]
) -> None:
    assert [c["id"] for c in data(bc_http.get("/v2/countries", params=params))] == expected


def test_a_country_and_its_states(bc_http: SandboxHttp) -> None:
    country = data(bc_http.get(f"/v2/countries/{UNITED_STATES}"))
    states = data(bc_http.get(f"/v2/countries/{UNITED_STATES}/states", params={"limit": 250}))
    california = data(
        bc_http.get(f"/v2/countries/{UNITED_STATES}/states", params={"state_abbreviation": "ca"})
    )
    assert (country["country"], country["country_iso2"]) == ("United States", "US")
    # 65 with territories and armed forces: more than one default page of 50
    assert len(states) == 65 and {s["country_id"] for s in states} == {UNITED_STATES}
    assert [(s["state"], s["state_abbreviation"]) for s in california] == [("California", "CA")]


def test_a_country_without_states_answers_204_and_an_unknown_one_404(bc_http: SandboxHttp) -> None:
    japan = bc_http.get(f"/v2/countries/{JAPAN}/states")
    unknown = bc_http.get(f"/v2/countries/{UNKNOWN}")
    unknown_states = bc_http.get(f"/v2/countries/{UNKNOWN}/states")
    assert (japan.status_code, japan.content) == (204, b"")
    assert (unknown.status_code, unknown_states.status_code) == (404, 404)
    assert unknown.json()[0]["status"] == 404


def test_every_state_pages_like_a_v2_list(bc_http: SandboxHttp) -> None:
    first = data(bc_http.get("/v2/countries/states", params={"limit": 250}))
    second = data(bc_http.get("/v2/countries/states", params={"limit": 250, "page": 2}))
    past = bc_http.get("/v2/countries/states", params={"limit": 250, "page": 3})
    assert (len(first), len(second), past.status_code) == (250, 136, 204)
    assert [s["id"] for s in first + second] == list(range(1, 387))


def test_geography_needs_the_information_scope_and_refuses_what_it_does_not_model(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.add_token("orders", [ORDERS_READ])
    bc_sandbox.add_token("information", [INFORMATION_READ])
    assert SandboxHttp(bc_sandbox, token="orders").get("/v2/countries").status_code == 403
    assert SandboxHttp(bc_sandbox, token="information").get("/v2/countries/states").status_code == 200
    with bc_sandbox.off_contract():  # `sort` is no parameter of the file's
        assert bc_http.get("/v2/countries", params={"sort": "country"}).status_code == 400
    assert bc_http.get("/v2/countries", params={"limit": 251}).status_code == 400
