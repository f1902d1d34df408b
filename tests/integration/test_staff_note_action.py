"""The staff-note action end to end: signed requests through the local API Gateway, the real handler,
DynamoDB in moto and the BigCommerce sandbox over HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions import staff_note
from gladly_bigcommerce.actions.machinery import rewrites
from tests.integration.actions_support import (
    answer_after_the_deadline,
    assert_documented_answer,
    assert_every_event_covered,
    detailed,
    error_of,
    open_form,
    rate_limit_once,
    run_concurrently,
    send_event,
    submit,
    submit_new_form,
)

ORDER = seed.UNSHIPPED_ORDER_ID
ORDER_PATH = rf"^/v2/orders/{ORDER}$"
EARLIER_NOTES = "Called 3 May: wants the invoice re-sent  \nDO NOT upgrade shipping — Zoë (warehouse)"
"""Notes a human wrote in the control panel: two lines, a double space before the line break, non-ASCII."""
LINE = re.compile(r"^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC, via Gladly, ref [0-9a-f]{12}\] (?P<note>.*)$")

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def notes_puts(sandbox: SandboxServer) -> list[Any]:
    return sandbox.requests.find("PUT", r"^/v2/orders/\d+$")


def notes_of(sandbox: SandboxServer, order_id: int = ORDER) -> str | None:
    with sandbox.store.lock:
        return sandbox.store.order(order_id).staff_notes


def set_notes(sandbox: SandboxServer, notes: str | None, order_id: int = ORDER) -> None:
    with sandbox.store.lock:
        sandbox.store.order(order_id).staff_notes = notes


def add_note(client: GladlyClient, note: Any) -> requests.Response:
    return submit_new_form(client, "staff_note", {"note": note}, ORDER)


def added_lines(sandbox: SandboxServer, before: str) -> list[str]:
    """The lines the adaptor added after ``before``, which must be kept exactly."""
    notes = notes_of(sandbox) or ""
    assert notes.startswith(before), notes
    return [line for line in notes[len(before) :].split("\n") if line]


def test_the_form_asks_for_one_required_note(gladly_client: GladlyClient) -> None:
    form = open_form(gladly_client, "staff_note", ORDER)
    assert form["title"] == f"Add a staff note to order {ORDER}"
    (section,) = form["sections"]
    assert section["attr"] == "note"
    assert not section["input"].get("optional")
    assert "earlier notes stay as they are" in section["hint"]


def test_a_note_is_appended_with_its_date_and_the_earlier_notes_are_kept_word_for_word(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given an order whose staff notes a human wrote
    set_notes(bc_sandbox, EARLIER_NOTES)
    # When the agent adds a note
    response = add_note(gladly_client, "  Customer asked to leave the parcel at the door ")
    # Then BigCommerce is sent exactly the staff notes: the earlier ones, then one line for the note
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Added a staff note to order {ORDER}"
    assert "earlier notes, kept as they were" in response.json()["detail"]
    (put,) = notes_puts(bc_sandbox)
    assert set(put.json) == {"staff_notes"}
    (line,) = added_lines(bc_sandbox, EARLIER_NOTES + "\n")
    assert put.json["staff_notes"] == f"{EARLIER_NOTES}\n{line}"
    matched = LINE.match(line)
    assert matched is not None, line
    assert matched["note"] == "Customer asked to leave the parcel at the door"


def test_a_note_on_an_order_whose_notes_are_null_is_the_only_line(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given an order created through the API: BigCommerce answers its staff_notes as null
    set_notes(bc_sandbox, None)
    response = add_note(gladly_client, "First note")
    assert response.status_code == 200, response.text
    (line,) = added_lines(bc_sandbox, "")
    assert notes_of(bc_sandbox) == line and line.endswith("] First note")


def test_markup_in_a_note_is_stored_as_typed_and_echoed_escaped(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    set_notes(bc_sandbox, "")
    response = add_note(gladly_client, "<b>fragile</b> & heavy")
    assert response.status_code == 200, response.text
    assert (notes_of(bc_sandbox) or "").endswith("] <b>fragile</b> & heavy")
    assert "Note: &lt;b&gt;fragile&lt;/b&gt; &amp; heavy" in response.json()["detail"]


@pytest.mark.parametrize(
    ("order_id", "customer"),
    [
        (seed.UNSHIPPED_ORDER_ID, seed.MARTHA_CUSTOMER_ID),
        (seed.SHIPPED_ORDER_ID, seed.MARTHA_CUSTOMER_ID),
        (seed.CANCELLED_ORDER_ID, seed.MARTHA_CUSTOMER_ID),
        (seed.FULLY_REFUNDED_ORDER_ID, seed.MARTHA_CUSTOMER_ID),
    ],
)
def test_every_order_takes_a_note_whatever_its_state(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, order_id: int, customer: int
) -> None:
    form = open_form(gladly_client, "staff_note", order_id, customer=str(customer))
    response = submit(gladly_client, form, {"note": "Checked with the courier"})
    assert response.status_code == 200, response.text
    assert (notes_of(bc_sandbox, order_id) or "").endswith("] Checked with the courier")


def test_a_detailed_lookup_offers_a_note_on_every_order(gladly_client: GladlyClient) -> None:
    profile = detailed(gladly_client, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL)
    orders = profile["transactions"]
    assert orders
    for order in orders:
        names = [action["name"] for action in order.get("actions") or []]
        assert "Add staff note" in names, order["orderNumber"]


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("", "missing"),
        ("   ", "missing"),
        (None, "missing"),
        ("x" * 1001, "too_long"),
        ("two\nlines", "invalid_text"),
        ("hidden \u202e text", "invalid_text"),
        ("nul \x00 byte", "invalid_text"),
        (12, "invalid_type"),
        (["a note"], "invalid_type"),
    ],
)
def test_a_bad_note_is_refused_on_its_field_and_nothing_is_written(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, note: Any, code: str
) -> None:
    set_notes(bc_sandbox, EARLIER_NOTES)
    response = add_note(gladly_client, note)
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("note", code)
    assert notes_puts(bc_sandbox) == []
    assert notes_of(bc_sandbox) == EARLIER_NOTES


def test_a_note_that_would_overflow_bigcommerces_staff_notes_is_refused_with_the_room_left(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given notes 20 bytes short of BigCommerce's 65,535 (counted in UTF-8 bytes: "é" is two)
    full = "é" * ((staff_note.STAFF_NOTES_MAX_BYTES - 20) // 2)
    set_notes(bc_sandbox, full)
    # When the agent adds a note that does not fit
    response = add_note(gladly_client, "A note far too long to fit in what is left")
    # Then it is refused on the note, and the notes are as they were
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("note", "too_long")
    assert "can hold 0 more bytes" in error_of(response)["detail"]
    assert notes_puts(bc_sandbox) == [] and notes_of(bc_sandbox) == full


def test_ten_submits_of_one_form_add_the_note_once(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    set_notes(bc_sandbox, EARLIER_NOTES)
    form = open_form(gladly_client, "staff_note", ORDER)
    responses = run_concurrently([lambda: submit(gladly_client, form, {"note": "Double-clicked"})] * 10)
    assert [r.status_code for r in responses] == [200] * 10
    assert len({r.text for r in responses}) == 1
    assert len(notes_puts(bc_sandbox)) == 1
    assert len(added_lines(bc_sandbox, EARLIER_NOTES + "\n")) == 1


def test_ten_agents_adding_notes_at_once_lose_none(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given ten agents with the order's note form open
    set_notes(bc_sandbox, EARLIER_NOTES)
    forms = [open_form(gladly_client, "staff_note", ORDER) for _ in range(10)]
    # When they all submit a different note at the same moment (a submit finding the order busy past
    # its wait is told to submit again, its form open, and does)
    calls = [
        lambda form=form, n=n: submit(gladly_client, form, {"note": f"Note {n}"})
        for n, form in enumerate(forms)
    ]
    responses = run_concurrently(calls)
    for form, response in zip(forms, responses, strict=True):
        while response.status_code == 400 and error_of(response)["code"] == "order_busy":
            response = submit(gladly_client, form, {"note": f"Note {forms.index(form)}"})
        assert response.status_code == 200, response.text
    # Then the earlier notes are kept word for word and every note is there, once
    lines = added_lines(bc_sandbox, EARLIER_NOTES + "\n")
    notes = sorted(m["note"] for m in (LINE.match(line) for line in lines) if m is not None)
    assert notes == sorted(f"Note {n}" for n in range(10))
    assert len(lines) == 10


def test_a_timed_out_note_is_found_on_resubmit_and_not_added_twice(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce writes the notes but answers after the adaptor stopped waiting
    set_notes(bc_sandbox, EARLIER_NOTES)
    answer_after_the_deadline(bc_sandbox, monkeypatch, ORDER_PATH, "PUT")
    form = open_form(gladly_client, "staff_note", ORDER)
    first = submit(gladly_client, form, {"note": "Slow store"})
    # The form stays open (400 naming no field): submitting it again is how the agent finds out
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "outcome_unknown")
    # When the agent submits again Then the note is found in the order's notes and not written again
    retry = submit(gladly_client, form, {"note": "Slow store"})
    assert retry.status_code == 200, retry.text
    assert "not added twice" in retry.json()["detail"]
    assert len(notes_puts(bc_sandbox)) == 1
    assert len(added_lines(bc_sandbox, EARLIER_NOTES + "\n")) == 1


def test_a_note_lost_on_the_way_is_written_again_only_once_it_cannot_arrive(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a write whose connection drops before BigCommerce does anything
    set_notes(bc_sandbox, EARLIER_NOTES)
    bc_sandbox.faults.add(ORDER_PATH, "reset", method="PUT", times=1)
    form = open_form(gladly_client, "staff_note", ORDER)
    assert submit(gladly_client, form, {"note": "Flaky network"}).status_code == 400
    # When the agent submits again at once Then nothing is written while the first write might arrive
    early = submit(gladly_client, form, {"note": "Flaky network"})
    assert early.status_code == 400 and error_of(early)["code"] == "outcome_unknown"
    assert len(notes_puts(bc_sandbox)) == 1
    # When that write can no longer arrive and the notes do not show it
    monkeypatch.setattr(rewrites, "UNCONFIRMED_WRITE_SETTLE_SECONDS", 0.0)
    late = submit(gladly_client, form, {"note": "Flaky network"})
    # Then the note is written, once
    assert late.status_code == 200, late.text
    assert [put.status for put in notes_puts(bc_sandbox)] == [None, 200]
    assert len(added_lines(bc_sandbox, EARLIER_NOTES + "\n")) == 1


def test_a_rate_limited_note_did_nothing_and_the_same_form_adds_it_on_the_next_submit(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    set_notes(bc_sandbox, EARLIER_NOTES)
    rate_limit_once(bc_sandbox, ORDER_PATH, "PUT")
    form = open_form(gladly_client, "staff_note", ORDER)
    first = submit(gladly_client, form, {"note": "Busy store"})
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "upstream_rate_limited")
    assert "no note was added" in error_of(first)["message"]
    assert notes_of(bc_sandbox) == EARLIER_NOTES
    retry = submit(gladly_client, form, {"note": "Busy store"})
    assert retry.status_code == 200, retry.text
    assert [put.status for put in notes_puts(bc_sandbox)] == [429, 200]
    assert len(added_lines(bc_sandbox, EARLIER_NOTES + "\n")) == 1


@pytest.mark.parametrize(
    ("event", "status", "attr", "code"),
    [
        ("staff-note-form", 200, None, None),
        ("staff-note-submit", 200, None, None),
        ("staff-note-submit-empty-note", 400, "note", "missing"),
        ("staff-note-submit-two-lines", 400, "note", "invalid_text"),
        ("staff-note-submit-expired-token", 406, None, "form_expired"),
    ],
)
def test_each_staff_note_event_gets_its_documented_answer(
    gladly_client: GladlyClient, event: str, status: int, attr: str | None, code: str | None
) -> None:
    assert_documented_answer(send_event(gladly_client, event), status, attr, code)


def test_every_staff_note_event_file_is_covered() -> None:
    assert_every_event_covered(__file__, "staff-note-")
