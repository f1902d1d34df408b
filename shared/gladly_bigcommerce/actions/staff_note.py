"""The staff-note action: add a note to an order's staff notes, every earlier note kept word for word.

Offered on every order. The form (signed ``GET actions/staff_note?orderId=..&customer=..``) asks for the
note: required, one line of at most ``fields.MAX_VALUE_LENGTH`` (1,000) characters, no control or
text-direction characters (``fields.check_text``).

BigCommerce keeps an order's staff notes as one text, which ``PUT /v2/orders/{id}`` replaces whole
(orders.v2 ``order_Put.staff_notes``, at most 65,535: counted here in UTF-8 bytes, the stricter reading,
reference FACTS.md). So a note is added by reading the text, appending one line and writing it all
back (``machinery/rewrites.py``), under the order's lock (``exactly_once.submit_order_action``: no two
notes of ours interleave, so none is lost):

    <the notes as they were>
    [2026-05-01 14:03 UTC, via Gladly, ref 3f2a9c1b4d5e] Customer asked to leave the parcel at the door

The date is the submit's, in UTC. Gladly's requests do not say which agent sent them (the protocol
reference and Gladly's public developer documentation name no such header; an action's own request
headers are signed but not listed), so the line names none: Gladly's conversation timeline shows who
acted. ``ref`` is the submit's fingerprint in the audit line (``audit.token_fingerprint``): it ties
the note to its audit line, and makes the line unique, so a submit repeated after a timeout finds its
note among the order's notes instead of adding it twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.audit import token_fingerprint
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.errors import Refusal, WriteGuidance
from gladly_bigcommerce.actions.machinery.exactly_once import (
    begin_attempt,
    finish_attempt,
    submit_order_action,
)
from gladly_bigcommerce.actions.machinery.fields import (
    FormField,
    Text,
    echoed,
    read_submit,
    text_field,
)
from gladly_bigcommerce.actions.machinery.forms import order_action_form
from gladly_bigcommerce.actions.machinery.rewrites import earlier_write, read_back
from gladly_bigcommerce.actions.machinery.route import ActionRoute
from gladly_bigcommerce.actions.machinery.tokens import FormToken
from gladly_bigcommerce.actions.orders import OrderActionQuery, load_order
from gladly_bigcommerce.bigcommerce.models import Order
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable
from gladly_bigcommerce.gladly.models import ActionForm, ActionResult
from gladly_bigcommerce.settings.model import ActionName

ACTION: ActionName = "staff_note"
NOTE = "note"
STAFF_NOTES_MAX_BYTES = 65535
"""orders.v2 ``staff_notes`` ``maxLength: 65535`` (api-specs PR #598), counted in UTF-8 bytes."""


def staff_note_fields() -> list[FormField]:
    """The staff-note form's one field: rendered by the form, read by the submit."""
    return [
        text_field(
            NOTE,
            "Note",
            Text(missing="Write the note to add."),
            hint="Added to the order's staff notes in BigCommerce, with today's date; earlier notes stay "
            "as they are. Staff see it, the shopper does not.",
            placeholder="e.g. Customer asked to leave the parcel at the door",
        )
    ]


def staff_note_form(context: ActionContext, query: OrderActionQuery) -> ActionForm:
    """The note to add to the order's staff notes (every order has them)."""
    order = load_order(context.client, query, deadline=context.deadline)
    return order_action_form(
        context, ACTION, query, f"Add a staff note to order {order.id}", "Add note", staff_note_fields()
    )


class NoteSnapshot(BaseModel):
    """What a note attempt appends: its whole line, unique by its ref."""

    model_config = ConfigDict(frozen=True)

    line: str
    note: str


def submit_staff_note(
    context: ActionContext, query: OrderActionQuery, values: Mapping[str, Any]
) -> ActionResult:
    """Append the note exactly once per form, under the order's lock (see the module docstring)."""

    def note_once(token: FormToken, attempt: Attempt | None) -> SubmitAnswer:
        note = read_submit(staff_note_fields(), values).text(NOTE)
        order = load_order(context.client, query, deadline=context.deadline)
        notes = _known_notes(order)
        if attempt is not None:
            snapshot = NoteSnapshot.model_validate(attempt.snapshot)
            what = f"the staff notes of order {order.id}"
            if earlier_write(context, attempt, written=snapshot.line in notes, redoable=True, what=what):
                return finish_attempt(context, attempt, _added(order.id, snapshot, notes, recovered=True))
            return _append(context, order.id, notes, snapshot, token, replacing=attempt)
        line = f"[{context.now:%Y-%m-%d %H:%M} UTC, via Gladly, ref {token_fingerprint(str(token))}] {note}"
        return _append(context, order.id, notes, NoteSnapshot(line=line, note=note), token, replacing=None)

    return submit_order_action(context, query.subject(ACTION), query.token, values, note_once)


def _known_notes(order: Order) -> str:
    """The order's staff notes as BigCommerce answered them (``null``: none); 406 when the answer did not
    say, since writing the notes back without them would erase them."""
    if "staff_notes" not in order.model_fields_set:
        raise NotAcceptable.of(
            "staff_notes_unknown",
            f"BigCommerce did not say what the staff notes of order {order.id} are now, so no note was added "
            "(writing them back would erase them). Try again in a minute.",
        )
    return order.staff_notes


def appended(notes: str, line: str) -> str:
    """``notes`` as they are, then ``line`` on a line of its own."""
    if not notes:
        return line
    return f"{notes}{'' if notes.endswith(chr(10)) else chr(10)}{line}"


def _append(
    context: ActionContext,
    order_id: int,
    notes: str,
    snapshot: NoteSnapshot,
    token: FormToken,
    *,
    replacing: Attempt | None,
) -> SubmitAnswer:
    """Journal the note, write the notes with it once, and answer what BigCommerce then keeps."""
    after = appended(notes, snapshot.line)
    if len(after.encode("utf-8")) > STAFF_NOTES_MAX_BYTES:
        room = STAFF_NOTES_MAX_BYTES - len(appended(notes, snapshot.line[: -len(snapshot.note)]).encode())
        raise BadRequest.of(
            "too_long",
            f"The staff notes of order {order_id} can hold {max(room, 0)} more bytes of text "
            f"(BigCommerce keeps at most {STAFF_NOTES_MAX_BYTES:,}): shorten the note.",
            attr=NOTE,
        )
    attempt = begin_attempt(context, ACTION, token, snapshot, order_id=order_id, replacing=replacing)
    written = context.write(
        lambda deadline: context.client.update_staff_notes(order_id, after, deadline=deadline),
        guidance=WriteGuidance(
            not_done=f"no note was added to order {order_id}",
            unconfirmed=f"the note on order {order_id}",
            checked="the order's notes are read",
        ),
        forget=attempt,
        refused=Refusal("note_refused", "the note", "No note was added.", attr=NOTE),
    )
    kept = written.staff_notes if "staff_notes" in written.model_fields_set else None
    if kept is None or snapshot.line not in kept:
        read = read_back(
            context,
            lambda deadline: context.client.get_order(
                order_id, include_consignments=False, deadline=deadline
            ),
            what="staff_notes",
        )
        kept = read.staff_notes if read is not None and "staff_notes" in read.model_fields_set else None
    return finish_attempt(context, attempt, _added(order_id, snapshot, kept))


def _added(
    order_id: int, snapshot: NoteSnapshot, kept: str | None, *, recovered: bool = False
) -> SubmitAnswer:
    """200: the note as added, and whether BigCommerce's notes show it."""
    if kept is not None and snapshot.line in kept:
        shown = (
            "BigCommerce's staff notes of the order now hold it, after the earlier notes, kept as they were."
        )
    else:
        shown = (
            "BigCommerce took the notes but its answer does not show this note: check the order's staff "
            "notes in BigCommerce."
        )
    detail = [f"Note: {echoed(snapshot.note)}", shown]
    if recovered:
        detail.append("(Confirmed after an earlier timeout: the note was not added twice.)")
    audit = {
        "note_length": str(len(snapshot.note)),
        "verified": "true" if kept is not None and snapshot.line in kept else "false",
    }
    return SubmitAnswer.success(f"Added a staff note to order {order_id}", "\n".join(detail), audit=audit)


ROUTE = ActionRoute(ACTION, OrderActionQuery, staff_note_form, submit_staff_note)
"""The staff-note Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
