"""One-time form tokens: the key that makes an action's submit exactly-once, bound to what it was issued for.

Every rendered action form carries a fresh token in its ``actionUrl``:
``<issued unix seconds>.<32 random url-safe characters>.<mac>``. Gladly signs the submit request
including its query string, but a signature only proves Gladly sent the URL, not that we issued this
token for it: a signed request can carry the token of order A on the URL of order B. So the token
proves, by itself, what it was issued for. ``mac`` is a truncated HMAC-SHA256 over the deployment
(its name and store hash), the action, the order, the customer, the issue time and the nonce, keyed
with a key *derived* from the Gladly signing key in the secret (never the signing key itself). A
submit whose route, order or customer is not what its token proves, or whose token we never issued,
is refused with 400 before anything is looked up: no journal, idempotency record, lock or BigCommerce
call. (Rotating the signing key therefore closes the forms open at that moment: they are reopened.)

The issue time makes a form left open past ``FORM_TOKEN_MAX_AGE`` expire instead of acting on stale
amounts, and keeps a token from outliving the idempotency record that remembers its answer
(``IDEMPOTENCY_RECORD_TTL`` is much longer): a replay of an old submit can never run a second time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable

TOKEN_PARAMETER = "token"
FORM_TOKEN_MAX_AGE = timedelta(hours=2)
IDEMPOTENCY_RECORD_TTL = timedelta(days=2)
"""How long a submit's answer is remembered; far beyond a token's life, clock skew included."""
TOKEN_KEY_LABEL = b"gladly-bigcommerce form-token v1"
"""What the token key is derived for: HMAC-SHA256(signing key, label). A new label retires every token."""

_CLOCK_SKEW = timedelta(minutes=5)
_NONCE_BYTES = 24
_MAC_BYTES = 16
"""128 bits of HMAC-SHA256: guessing one is hopeless, and the URL stays short."""
_TOKEN_PATTERN = re.compile(r"^(?P<issued>\d{10})\.(?P<nonce>[A-Za-z0-9_-]{32})\.(?P<mac>[A-Za-z0-9_-]{22})$")


@dataclass(frozen=True)
class FormSubject:
    """What a form is for: the action, and the order and customer as its URL names them.

    ``customer`` is the URL's ``customer`` parameter exactly as the adaptor wrote it (None when the URL
    has none): the token is issued for that text and checked against it. ``item`` names the one thing
    of the order the form is about, when it is about one (``address-42``: one of the order's shipping
    addresses), as the action's URL names it; None for forms about the whole order or customer.
    """

    action: str
    order_id: int | None
    customer: str | None
    item: str | None = None

    def mismatch(self) -> BadRequest:
        """The refusal of a token that was not issued for this subject (or not by us). No field is at
        fault, so it names none; the agent reopens the action from the order or profile."""
        what = "order" if self.order_id is not None else "customer"
        return BadRequest.of(
            "form_not_for_this",
            f"This form was opened for another {what} (or not by this adaptor), so nothing was done. "
            "Open the action again.",
        )


class FormToken(BaseModel):
    """A form's one-time token, as issued (``issue``) or as read from a submit (``FormTokens.check``)."""

    model_config = ConfigDict(frozen=True)

    issued_at: datetime
    nonce: str
    mac: str

    def __str__(self) -> str:
        return f"{int(self.issued_at.timestamp())}.{self.nonce}.{self.mac}"


@dataclass(frozen=True)
class FormTokens:
    """Issues and checks the form tokens of one deployment."""

    deployment_name: str
    store_hash: str
    _key: bytes = field(repr=False)

    @classmethod
    def of(cls, signing_key: str, *, deployment_name: str, store_hash: str) -> FormTokens:
        """The tokens of a deployment, keyed by a key derived from its Gladly ``signing_key``."""
        key = hmac.new(signing_key.encode("utf-8"), TOKEN_KEY_LABEL, hashlib.sha256).digest()
        return cls(deployment_name, store_hash, key)

    def issue(self, subject: FormSubject, *, now: datetime) -> FormToken:
        """A new token for a form about ``subject`` rendered at ``now`` (192 random bits, never reused)."""
        issued_at = now.astimezone(UTC).replace(microsecond=0)
        nonce = secrets.token_urlsafe(_NONCE_BYTES)
        return FormToken(issued_at=issued_at, nonce=nonce, mac=self._mac(subject, issued_at, nonce))

    def check(
        self,
        raw: str | None,
        subject: FormSubject,
        *,
        now: datetime,
        max_age: timedelta = FORM_TOKEN_MAX_AGE,
    ) -> FormToken:
        """The token of a submit about ``subject``, once it is known to be ours, for it, and fresh.

        ``BadRequest`` when it is missing or malformed (on ``token``: not a URL we rendered), or not
        issued by this deployment for ``subject`` (naming no field); ``NotAcceptable`` when the form is
        too old: Gladly then closes it and the agent opens a fresh one, which shows what can be done now.
        """
        match = _TOKEN_PATTERN.match(raw or "")
        if match is None:
            raise BadRequest.of(
                "invalid_token",
                "The submit URL lacks a valid form token; open the action's form again.",
                attr=TOKEN_PARAMETER,
            )
        issued_at = datetime.fromtimestamp(int(match["issued"]), tz=UTC)
        expected = self._mac(subject, issued_at, match["nonce"])
        if not hmac.compare_digest(expected.encode("ascii"), match["mac"].encode("ascii")):
            raise subject.mismatch()
        age = now - issued_at
        if age > max_age or age < -_CLOCK_SKEW:
            minutes = int(max_age.total_seconds() // 60)
            raise NotAcceptable.of(
                "form_expired",
                f"This form is more than {minutes} minutes old; open the action again to see what can "
                "be done now.",
                attr=TOKEN_PARAMETER,
            )
        return FormToken(issued_at=issued_at, nonce=match["nonce"], mac=match["mac"])

    def _mac(self, subject: FormSubject, issued_at: datetime, nonce: str) -> str:
        # A JSON array, not a joined string: no customer text can shift the fields' boundaries. The item
        # comes last, and only when there is one: the tokens of forms without one are what they were.
        fields: list[str | int | None] = [
            self.deployment_name,
            self.store_hash,
            subject.action,
            subject.order_id,
            subject.customer,
            int(issued_at.timestamp()),
            nonce,
        ]
        if subject.item is not None:
            fields.append(subject.item)
        message = json.dumps(fields, separators=(",", ":")).encode("ascii")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
