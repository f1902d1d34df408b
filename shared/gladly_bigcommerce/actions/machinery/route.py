"""What an action declares to be served: its name, the query its URLs carry, its form and its submit.

The edge routes a signed ``GET`` of the action's URL to ``form`` and a ``POST`` to ``submit``
(``edge/actions.py``); an action module declares one ``ActionRoute`` and its Lambda serves it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from gladly_bigcommerce.gladly.models import ActionForm, ActionResult
from gladly_bigcommerce.settings.model import ActionName

if TYPE_CHECKING:
    from gladly_bigcommerce.actions.machinery.context import ActionContext

Query = TypeVar("Query", bound=BaseModel)


@dataclass(frozen=True)
class ActionRoute(Generic[Query]):
    """An action as the edge serves it."""

    name: ActionName
    query: type[Query]
    """The model of the query string of the form and submit URLs (covered by Gladly's signature)."""
    form: Callable[[ActionContext, Query], ActionForm]
    """The form to render (``GET``), or a raised refusal (406)."""
    submit: Callable[[ActionContext, Query, Mapping[str, Any]], ActionResult]
    """The submit (``POST``) of the form's values, exactly once per form."""
