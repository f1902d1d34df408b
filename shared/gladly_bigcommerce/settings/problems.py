"""What a misconfigured deployment says: every offending setting or secret key at once, with its fix.

Every problem reads as two sentences, the same wherever it is shown (a ``configuration_error`` answer,
``make validate-config``, ``make deploy``, ``make check-store``): the field, what is wrong with it, and
how to mend it, e.g. ``RECENT_ORDERS must be at most 50. Set RECENT_ORDERS to a whole number from 1 to
50.`` So ``problem`` is a predicate that follows the field's name (``is empty``, ``must be at most 50``)
and ``fix`` a whole sentence; ``sentence`` joins them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict


class ConfigProblem(BaseModel):
    """One offending setting: ``field`` is the environment variable or secret key (or the file) at fault,
    ``problem`` what is wrong, said after the field's name, ``fix`` the sentence that says how to mend it."""

    model_config = ConfigDict(frozen=True)

    field: str
    problem: str
    fix: str

    @property
    def sentence(self) -> str:
        """``RECENT_ORDERS must be at most 50. Set RECENT_ORDERS to a whole number from 1 to 50.``"""
        return f"{self.field} {self.problem.rstrip('.')}. {self.fix}"


class ConfigError(Exception):
    """The deployment is misconfigured; ``problems`` lists every offending field (never a secret value)."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("a ConfigError needs at least one problem")
        super().__init__("; ".join(f"{item.field} {item.problem}" for item in self.problems))


def describe_item(location: Sequence[int | str]) -> str:
    """Where in a list or object the problem is, after the problem: ``(1, "attribute")`` -> ``" (item 2,
    attribute)"`` (items counted from 1, as an admin reads them); ``""`` for the value itself."""
    parts = [f"item {part + 1}" if isinstance(part, int) else str(part) for part in location]
    return f" ({', '.join(parts)})" if parts else ""


def count_problems(count: int) -> str:
    """``1 problem``, ``2 problems``."""
    return f"{count} problem" if count == 1 else f"{count} problems"


def problem_lines(heading: str, problems: Iterable[ConfigProblem]) -> str:
    """A command's report of ``problems``: ``heading``, then one indented sentence each."""
    return "\n".join([heading, *(f"  {item.sentence}" for item in problems)]) + "\n"
