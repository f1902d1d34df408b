"""One-time form tokens: the key that makes an action's submit exactly-once.

Every rendered action form carries a fresh token in its ``actionUrl``. Gladly signs the submit
request including its query string, so the token comes back exactly as we issued it; it needs no
signature of its own. It holds its issue time so that a form left open past ``FORM_TOKEN_MAX_AGE``
is refused instead of acting on stale amounts, and so that a token can never outlive the
idempotency record that remembers its answer (``IDEMPOTENCY_RECORD_TTL`` is much longer): a replay
of an old submit can therefore never run a second time.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable

TOKEN_PARAMETER = "token"
FORM_TOKEN_MAX_AGE = timedelta(hours=2)
IDEMPOTENCY_RECORD_TTL = timedelta(days=2)
"""How long a submit's answer is remembered; far beyond a token's life, clock skew included."""

_CLOCK_SKEW = timedelta(minutes=5)
_NONCE_BYTES = 24
_TOKEN_PATTERN = re.compile(r"^(?P<issued>\d{10})\.(?P<nonce>[A-Za-z0-9_-]{32})$")


class FormToken(BaseModel):
    """A form's one-time token: ``<issued unix seconds>.<32 random url-safe characters>``."""

    model_config = ConfigDict(frozen=True)

    issued_at: datetime
    nonce: str

    @classmethod
    def issue(cls, now: datetime) -> FormToken:
        """A new token for a form rendered at ``now`` (192 random bits: unguessable, never reused)."""
        return cls(issued_at=now.replace(microsecond=0), nonce=secrets.token_urlsafe(_NONCE_BYTES))

    @classmethod
    def parse(cls, raw: str | None, *, now: datetime, max_age: timedelta = FORM_TOKEN_MAX_AGE) -> FormToken:
        """The token of a submit's query string.

        Raises ``BadRequest`` when it is missing or malformed (not a URL we rendered) and
        ``NotAcceptable`` when the form is too old: Gladly then closes it and the agent opens a fresh
        one, which shows what can be done now.
        """
        match = _TOKEN_PATTERN.match(raw or "")
        if match is None:
            raise BadRequest.of(
                "invalid_token",
                "The submit URL lacks a valid form token; open the action's form again.",
                attr=TOKEN_PARAMETER,
            )
        token = cls(
            issued_at=datetime.fromtimestamp(int(match["issued"]), tz=UTC),
            nonce=match["nonce"],
        )
        age = now - token.issued_at
        if age > max_age or age < -_CLOCK_SKEW:
            minutes = int(max_age.total_seconds() // 60)
            raise NotAcceptable.of(
                "form_expired",
                f"This form is more than {minutes} minutes old; open the action again to see what can "
                "be done now.",
                attr=TOKEN_PARAMETER,
            )
        return token

    def __str__(self) -> str:
        return f"{int(self.issued_at.timestamp())}.{self.nonce}"
