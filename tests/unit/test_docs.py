"""The README and docs/ stay true and reachable (issue 18).

The README is short (a newcomer reads it in ten minutes) and links into docs/ for the depth; every
relative link of both leads to a file, and to a heading of it when it names one. Every number the
README and docs state about template.yaml (functions, reserved concurrency and its sum, memory,
timeouts, alarms, each parameter's default and range) is read here from template.yaml and looked for
in the text, so a change to either without the other fails.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from devtools.template import REPOSITORY_ROOT, load_template
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from tests.unit.test_template import CALLS_PER_ACTION

README = REPOSITORY_ROOT / "README.md"
DOCS = REPOSITORY_ROOT / "docs"
MAX_README_LINES = 250
NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
TIMES, DASH = "\u00d7", "\u2013"  # as the docs write a product and a range
LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")


def documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def text_of(path: Path) -> str:
    """The text as one line per paragraph: a sentence wrapped over lines is found whole."""
    return re.sub(r"\s*\n\s*", " ", path.read_text(encoding="utf-8"))


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {slug(heading) for heading in headings}


def test_the_readme_is_read_in_ten_minutes() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES
    # and it points into docs/ for each kind of depth
    readme = README.read_text(encoding="utf-8")
    for document in (
        "configuration",
        "deploying",
        "operating",
        "how-it-works",
        "architecture",
        "limits",
        "sandbox",
        "testing",
    ):
        assert f"(docs/{document}.md)" in readme, document


@pytest.mark.parametrize("document", documents(), ids=lambda path: path.name)
def test_every_relative_link_leads_to_a_file_and_heading(document: Path) -> None:
    broken = []
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        path_text, _, anchor = target.partition("#")
        path = (document.parent / path_text).resolve() if path_text else document
        if not path.exists():
            broken.append(f"{target}: no such file")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no such heading in {path.name}")
    assert broken == []


def test_the_configuration_reference_documents_every_template_parameter() -> None:
    # Given the configuration reference the README links to
    reference = (DOCS / "configuration.md").read_text(encoding="utf-8")
    # Then every parameter of template.yaml is named there, with its variable when it has one
    for parameter in template()["Parameters"]:
        assert f"`{parameter}`" in reference, parameter
    for name, variable in ENVIRONMENT_VARIABLES.items():
        if variable.parameter is not None:
            assert f"`{name}`" in reference, name


def template() -> dict[str, Any]:
    return load_template(REPOSITORY_ROOT / "template.yaml")


def _plain(value: Any) -> str:
    """A number as the docs write it: ``50`` for 50 or 50.0, ``4.5``."""
    return format(Decimal(str(value)).normalize(), "f")


def test_each_default_in_the_configuration_tables_is_template_yaml_s() -> None:
    parameters = template()["Parameters"]
    rows = re.findall(r"^\| (`[^|]+) \| ([^|]+) \|", (DOCS / "configuration.md").read_text(), re.MULTILINE)
    checked = 0
    for names, default in rows:
        named = [name for name in re.findall(r"`([A-Za-z]+)`", names) if name in parameters]
        said = [value.strip("`") for value in default.strip().split(", ")]
        if default.strip() == "required":
            assert all("Default" not in parameters[name] for name in named), names
        elif default.strip() in ("empty", "from the store"):
            assert all(parameters[name].get("Default") == "" for name in named), names
        else:
            assert [str(parameters[name].get("Default")) for name in named] == said, names
        checked += len(named)
    assert checked == len(parameters)  # every parameter has its row


def _action_calls(reserved: int) -> str:
    """The actions' part of the docs' sum, such as `3 x 2 x 10 + 2 x 3`: alike functions grouped by calls."""
    by_calls: dict[int, int] = {}
    for calls in CALLS_PER_ACTION.values():
        by_calls[calls] = by_calls.get(calls, 0) + 1
    terms = [
        (f"{count} {TIMES} " if count > 1 else "") + f"{reserved} {TIMES} {calls}"
        for calls, count in by_calls.items()
    ]
    return " + ".join(terms)


def test_the_numbers_said_about_template_yaml_are_its_own() -> None:
    document = template()
    parameters, resources = document["Parameters"], document["Resources"]
    functions = {
        name: resource["Properties"]
        for name, resource in resources.items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    reserved: dict[str, list[str]] = {}
    for name, properties in functions.items():
        reserved.setdefault(properties["ReservedConcurrentExecutions"]["Ref"], []).append(name)
    lookup = int(parameters["LookupReservedConcurrency"]["Default"])
    auto_link = int(parameters["AutoLinkReservedConcurrency"]["Default"])
    action = int(parameters["ActionReservedConcurrency"]["Default"])
    actions = len(reserved["ActionReservedConcurrency"])
    at_once = sum(int(parameters[name]["Default"]) * len(users) for name, users in reserved.items())
    alarms = sum(1 for resource in resources.values() if resource["Type"] == "AWS::CloudWatch::Alarm")
    globals_ = document["Globals"]["Function"]
    memory, (architecture,) = globals_["MemorySize"], globals_["Architectures"]
    (action_timeout,) = {functions[name].get("Timeout") for name in reserved["ActionReservedConcurrency"]}
    deadline = parameters["LookupDeadlineSeconds"]
    burst = parameters["ApiThrottlingBurstLimit"]["Default"]
    count = len(functions)
    said = {
        "README.md": [
            f"The stack has {NUMBER_WORDS[count]} functions (lookup, auto-link, and one per action",
            f"{NUMBER_WORDS[alarms]} alarms say what to do",
        ],
        "docs/operating.md": [
            f"(`LookupReservedConcurrency` {lookup}, `AutoLinkReservedConcurrency` {auto_link}, and "
            f"`ActionReservedConcurrency` {action} for each of the {actions} action functions)",
            f"everything running at once makes {lookup} {TIMES} 8 + {auto_link} {TIMES} 8 + "
            f"{_action_calls(action)} = "
            f"{lookup * 8 + auto_link * 8 + action * sum(CALLS_PER_ACTION.values())} calls",
            f"the API's burst limit alone lets {burst} through",
            f"at most {at_once} copies of the {count} functions "
            f"({lookup} + {auto_link} + {actions} {TIMES} {action}), "
            f"{memory} MB each, run at once",
            f"Those {at_once} are reserved",
            f"a concurrency limit of at least {at_once + 100}",
            f"{NUMBER_WORDS[alarms]} alarms, named",
        ],
        "docs/configuration.md": [
            f"(1{DASH}{parameters['LookupReservedConcurrency']['MaxValue']}; [reserved concurrency]",
            f"time a lookup may spend on BigCommerce (at most {_plain(deadline['MaxValue'])})",
        ],
        "docs/deploying.md": [
            f"({memory} MB, {architecture})",
            f"{alarms} alarms and 1 dashboard",
            f"{NUMBER_WORDS[count].capitalize()} functions at {memory} MB each",
            f"{NUMBER_WORDS[count]} functions sharing one layer",
        ],
        "docs/how-it-works.md": [
            f"({_plain(deadline['Default'])} s for a lookup",
            f"the action Lambdas' `Timeout` is {action_timeout} s",
        ],
    }
    missing = {
        name: [sentence for sentence in sentences if sentence not in text_of(REPOSITORY_ROOT / name)]
        for name, sentences in said.items()
    }
    assert missing == {name: [] for name in said}


def test_each_range_in_the_configuration_tables_is_template_yaml_s() -> None:
    parameters = template()["Parameters"]
    rows = re.findall(
        r"^\| (`[^|]+) \| [^|]+ \| ([^|]+) \|", (DOCS / "configuration.md").read_text(), re.MULTILINE
    )
    ranges = 0
    for names, meaning in rows:
        (name,) = [name for name in re.findall(r"`([A-Za-z]+)`", names) if name in parameters][-1:]
        spec = parameters[name]
        for low, high in re.findall(rf"\((\d+){DASH}(\d+)[;)]", meaning):
            assert (low, high) == (_plain(spec["MinValue"]), _plain(spec["MaxValue"])), names
            ranges += 1
        for high in re.findall(r"\(at most ([\d.]+)\)", meaning):
            assert high == _plain(spec["MaxValue"]), names
            ranges += 1
    assert ranges >= 5  # RecentOrders, the lookup deadline and the three reserved concurrencies


def test_the_tours_replay_summary_counts_the_events_there_are() -> None:
    # The tour pastes `make replay RESET=1 EVENT='events/*.json'`'s summary line: it counts every event
    (said,) = re.findall(r"^Summary: (\d+) events", (REPOSITORY_ROOT / "README.md").read_text(), re.MULTILINE)
    assert int(said) == len(list((REPOSITORY_ROOT / "events").glob("*.json")))
