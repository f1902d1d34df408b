"""Errors in Gladly's REST shape: ``{"errors": [{"attr", "code", "detail", "message"}]}`` with a status.

Logic code raises these when it knows what Gladly should be told; the edge (``edge/errors.py``) turns
them into responses.
Details are read by agents and admins: they never carry PII or secrets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator


class ErrorItem(BaseModel):
    """One entry of Gladly's error list, every key always present (protocol section 6, our rule).

    ``attr`` names the offending field or header, and is ``""`` when no field is at fault (``None`` is
    accepted and stored as ``""``): a client that reads ``attr`` as a string gets one, and a client that
    looks for a field named ``""`` finds none. ``message`` is the human sentence Gladly may show instead
    of ``detail`` (its sample sends both; which one it shows is undocumented), ``detail`` when not given.
    """

    model_config = ConfigDict(frozen=True)

    attr: str = ""
    code: str
    detail: str
    message: str = ""

    @field_validator("attr", mode="before")
    @classmethod
    def _no_field_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    @model_validator(mode="before")
    @classmethod
    def _message_defaults_to_detail(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("message"):
            return {**data, "message": data.get("detail")}
        return data

    def without_field(self) -> ErrorItem:
        """The same error, naming no field."""
        return self.model_copy(update={"attr": ""})


class ErrorBody(BaseModel):
    errors: list[ErrorItem]

    def to_body(self) -> dict[str, Any]:
        """The JSON-ready body: every item with all four keys, ``attr`` included when empty."""
        return self.model_dump(mode="json")


class GladlyError(Exception):
    """An error Gladly should see with ``status`` and ``errors``. Subclasses fix the status."""

    status: ClassVar[int] = 500

    def __init__(self, *errors: ErrorItem) -> None:
        if not errors:
            raise ValueError("a GladlyError needs at least one ErrorItem")
        super().__init__("; ".join(f"{item.attr or '-'}: {item.code}" for item in errors))
        self.errors: tuple[ErrorItem, ...] = errors

    @classmethod
    def of(cls, code: str, detail: str, attr: str | None = None) -> Self:
        """Shorthand for an error with a single item."""
        return cls(ErrorItem(attr=attr, code=code, detail=detail))

    def body(self) -> dict[str, Any]:
        return ErrorBody(errors=list(self.errors)).to_body()


class BadRequest(GladlyError):
    """400: the request is malformed, or (action submit) a field must be corrected and resubmitted."""

    status = 400

    @classmethod
    def from_validation_error(cls, error: ValidationError, prefix: Iterable[str | int] = ()) -> Self:
        """One item per pydantic error, ``attr`` the dotted field path. Input values are not echoed."""
        head = [str(part) for part in prefix]
        items = [
            ErrorItem(
                attr=".".join([*head, *(str(part) for part in detail["loc"])]) or None,
                code=_validation_code(detail["type"]),
                detail=detail["msg"],
            )
            for detail in error.errors(include_url=False, include_input=False)
        ]
        return cls(*items)


class Unauthorized(GladlyError):
    """401: the request's signature or credentials did not check out."""

    status = 401


class NotAcceptable(GladlyError):
    """406: the action cannot succeed (order cancelled, nothing left to refund); Gladly closes the form."""

    status = 406


class BadGateway(GladlyError):
    """502: BigCommerce answered, but not in a way we can use (or refused our credentials)."""

    status = 502


class ServiceUnavailable(GladlyError):
    """503: BigCommerce is unreachable, rate-limited or slow past our deadline, or we are misconfigured."""

    status = 503


def _validation_code(pydantic_type: str) -> str:
    return "missing" if pydantic_type == "missing" else "invalid"
