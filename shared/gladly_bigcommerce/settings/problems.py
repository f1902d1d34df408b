"""What a misconfigured deployment says: every offending setting or secret key at once, with its fix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict


class ConfigProblem(BaseModel):
    """One offending setting: ``field`` is the environment variable or secret key, ``fix`` how to mend it."""

    model_config = ConfigDict(frozen=True)

    field: str
    problem: str
    fix: str


class ConfigError(Exception):
    """The deployment is misconfigured; ``problems`` lists every offending field (never a secret value)."""

    def __init__(self, problems: Iterable[ConfigProblem]) -> None:
        self.problems: tuple[ConfigProblem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("a ConfigError needs at least one problem")
        super().__init__("; ".join(f"{item.field}: {item.problem}" for item in self.problems))


def describe_item(location: Sequence[int | str]) -> str:
    """``(1, "attribute")`` -> ``"item 2 attribute: "`` (items counted from 1, as an admin reads them)."""
    parts = [f"item {part + 1}" if isinstance(part, int) else str(part) for part in location]
    return f"{' '.join(parts)}: " if parts else ""
