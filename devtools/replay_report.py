"""What `make replay` prints: each event's name before its answer, the answers short, a summary.

One event: its answer whole (pretty JSON). Several (`EVENT='events/*.json'`, 90-odd files): each answer
on one line, cut at `LINE_LIMIT` characters, so the run reads in a screen or two; `VERBOSE=1` prints
every answer whole. Then one summary line per event: its name, the status and the error code(s).
A `401 bad_signature` of an event whose name does not ask for one says which key signed it, and that
the expected one is on `make run`'s banner.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import requests

from devtools.gateway_log import mask_query_values

LINE_LIMIT = 300
"""Characters of an answer shown on its one line when several events are replayed."""


@dataclass(frozen=True)
class Replayed:
    """One event's outcome, as the summary lists it."""

    name: str
    status: int
    codes: tuple[str, ...]
    signature_refused: bool


def error_codes(body: Any) -> tuple[str, ...]:
    """The `code` of each error in a Gladly error body (none for any other answer)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ()
    return tuple(str(item.get("code")) for item in errors if isinstance(item, dict) and item.get("code"))


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


def answer_text(body: Any, *, whole: bool) -> str:
    """The answer as printed: pretty JSON when whole, else one line cut at LINE_LIMIT characters."""
    if whole:
        return json.dumps(body, indent=2, ensure_ascii=False) if not isinstance(body, str) else body
    line = json.dumps(body, ensure_ascii=False) if not isinstance(body, str) else " ".join(body.split())
    if len(line) <= LINE_LIMIT:
        return line
    return f"{line[:LINE_LIMIT]}… ({len(line)} characters; VERBOSE=1 prints whole answers)"


@dataclass
class ReplayReport:
    """Prints a replay as it goes (`start`, `answer`), then its summary (`finish`)."""

    signing_key: str
    """How the key the replay signs with is named (devtools.replay.describe_signing_key)."""
    whole: bool
    out: TextIO = field(default_factory=lambda: sys.stdout)
    replayed: list[Replayed] = field(default_factory=list)

    def start(self, event_file: Path) -> None:
        print(f"{chr(10) if self.whole else ''}== {event_file}", file=self.out, flush=True)

    def answer(self, event_file: Path, response: requests.Response, *, named_for_refusal: bool) -> None:
        body = _body(response)
        codes = error_codes(body)
        refused = response.status_code == 401 and "bad_signature" in codes and not named_for_refusal
        self.replayed.append(Replayed(event_file.name, response.status_code, codes, refused))
        target = urlsplit(mask_query_values(str(response.url)))
        request = f"{response.request.method} {target.path}{f'?{target.query}' if target.query else ''}"
        print(f"   {request} -> HTTP {response.status_code} {response.reason}", file=self.out)
        print(
            answer_text(body, whole=self.whole) if self.whole else f"   {answer_text(body, whole=False)}",
            file=self.out,
        )
        if refused:
            print(self.signature_hint(), file=self.out)

    def signature_hint(self) -> str:
        return (
            "   !! Refused for its signature, though its name does not ask for that: this replay signed "
            f"with {self.signing_key}. The key the deployment expects is on `make run`'s banner (its "
            "Signing key line): give it as GLADLY_SIGNING_KEY=... make replay."
        )

    def finish(self) -> None:
        """The summary, one line per event (when there were several)."""
        if len(self.replayed) < 2:
            return
        width = max(len(item.name) for item in self.replayed)
        print(f"\nSummary: {len(self.replayed)} events (name, status, error code)", file=self.out)
        for item in self.replayed:
            line = f"  {item.name:<{width}}  {item.status}  {','.join(item.codes) or '-'}"
            if item.signature_refused:
                line += "  <- signed with another key than the deployment's: see above"
            print(line.rstrip(), file=self.out)
        self.out.flush()
