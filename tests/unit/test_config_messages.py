"""Every message `make validate-config` prints reads as a sentence (issue 18, item 5).

A problem is said as two sentences: the field and what is wrong with it, then how to mend it
(`RECENT_ORDERS must be at most 50. Set RECENT_ORDERS to a whole number from 1 to 50.`). The same
sentence is a `configuration_error`'s `detail`, and `make deploy` and `make check-store` print it.
The messages are collected here from bad values of every setting, every template-only parameter,
every secret key and every kind of broken file, then from arbitrary text (hypothesis), and each is
checked for the shape of a sentence: no pydantic wording, no label such as `Fix:`, no doubled or
stray punctuation, brackets and quotes that close.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devtools import validate_config
from devtools.validate_config import load_template_parameters, main, validate_files
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem
from tests.unit.test_settings import REQUIRED, SECRET

REPOSITORY = Path(__file__).resolve().parents[2]
TEMPLATE = REPOSITORY / "template.yaml"
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gladly/acme-AbCdEf"
BAD_VALUES = [
    "",
    " ",
    "x",
    "-1",
    "0",
    "1.5",
    "1e3",
    "nan",
    "inf",
    "999999",
    "http://shop.example.com",
    "https://shop.example.com/?q=1",
    "email,fax",
    "email:Email,email:Mail",
    "refund,teleport",
    'Acme "Store"',
    "x" * 300,
]
# Words of a library or of a form, not of a sentence an admin reads.
FORBIDDEN = (
    "Fix:",
    "Input should",
    "String should",
    "Value error",
    "problem(s)",
    "..",
    " .",
    ",.",
    ":.",
    ";.",
    ".).",
    ". .",
    "  ",
)
# Python's None leaking into a message; SnapStart's value None, in its list or named as a value, is a word.
LEAKED_NONE = re.compile(r"(?<!, )(?<!the value )\bNone\b")
PAIRS = {"(": ")", "[": "]", "{": "}"}


def sentence_problems(item: ConfigProblem) -> list[str]:
    """What keeps `item` from reading as two sentences (none when it does)."""
    problems = []
    if not re.fullmatch(r"\S+", item.field):
        problems.append("the field is not one name")
    if not re.match(r"[a-z]", item.problem):
        problems.append("the problem does not go on from the field's name in lower case")
    if item.problem.endswith((".", ":", ",")):
        problems.append("the problem ends with punctuation of its own")
    if not re.match(r"[A-Z]", item.fix) or not item.fix.endswith("."):
        problems.append("the fix is not a sentence (a capital first, a full stop last)")
    text = item.sentence
    problems += [f"has {word!r}" for word in FORBIDDEN if word in text]
    if LEAKED_NONE.search(text):
        problems.append("has Python's None")
    for opening, closing in PAIRS.items():
        if text.count(opening) != text.count(closing):
            problems.append(f"{opening}{closing} do not pair")
    if text.count("`") % 2 or text.count('"') % 2:
        problems.append("a quote does not close")
    return problems


@pytest.fixture
def _template_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # validate-config reads template.yaml on each run; these tests run it hundreds of times over one file.
    parameters = load_template_parameters(TEMPLATE)
    monkeypatch.setattr(validate_config, "load_template_parameters", lambda path: parameters)


def problems_of(parameters: dict[str, Any] | None, secret: Any, tmp_path: Path) -> list[ConfigProblem]:
    """Every problem validate-config finds in these files (checked against template.yaml)."""
    parameters_path = secret_path = None
    if parameters is not None:
        parameters_path = tmp_path / "parameters.json"
        parameters_path.write_text(json.dumps(parameters), encoding="utf-8")
    if secret is not None:
        secret_path = tmp_path / "secret.json"
        secret_path.write_text(json.dumps(secret), encoding="utf-8")
    try:
        validate_files(parameters_path, secret_path, {}, TEMPLATE)
    except ConfigError as error:
        return list(error.problems)
    return []


def _assert_sentences(problems: list[ConfigProblem]) -> None:
    bad = {item.sentence: found for item in problems if (found := sentence_problems(item))}
    assert bad == {}


@pytest.mark.usefixtures("_template_read_once")
def test_the_problems_of_every_setting_read_as_sentences(tmp_path: Path) -> None:
    found: list[ConfigProblem] = []
    for name, variable in ENVIRONMENT_VARIABLES.items():
        for value in BAD_VALUES:
            found += problems_of({**REQUIRED, "SECRET_NAME": ARN, name: value}, None, tmp_path)
        found += problems_of({**REQUIRED, "SECRET_NAME": ARN, name: ["a list"]}, None, tmp_path)
        if variable.default is None:
            found += problems_of({key: text for key, text in REQUIRED.items() if key != name}, None, tmp_path)
    found += problems_of({**REQUIRED, "DISCOUNT_DEFAULT_EXPIRY_DAYS": "400"}, None, tmp_path)
    found += problems_of({**REQUIRED, "Colour": "blue", "OverwriteExistingValues": "true"}, None, tmp_path)
    found += problems_of({**REQUIRED, "RecentOrders": "5", "RECENT_ORDERS": "5"}, None, tmp_path)
    assert len({item.field for item in found}) >= 20  # nearly every setting had something to say
    _assert_sentences(found)


@pytest.mark.usefixtures("_template_read_once")
def test_the_problems_of_every_template_parameter_read_as_sentences(tmp_path: Path) -> None:
    found: list[ConfigProblem] = []
    for parameter in load_template_parameters(TEMPLATE):
        for value in BAD_VALUES:
            found += problems_of({**REQUIRED, "SECRET_NAME": ARN, parameter: value}, None, tmp_path)
    assert {"LogLevel", "StageName", "AlarmEmail", "LogsKmsKeyArn", "SnapStart"} <= {
        item.field for item in found
    }
    _assert_sentences(found)


@pytest.mark.parametrize(
    "secret",
    [
        {},
        {"client_id": "", "access_token": " ", "gladly_signing_key": 7},
        {**SECRET, "static_headers": {"X-Key": 7}},
        {**SECRET, "static_headers": "X-Key: 7"},
        {**SECRET, "basic_auth_password": "<the password>"},
        {"client_id": "<x>", "access_token": "...", "gladly_signing_key": "\u2026"},
        ["not", "an", "object"],
    ],
)
@pytest.mark.usefixtures("_template_read_once")
def test_the_problems_of_the_secret_read_as_sentences(tmp_path: Path, secret: Any) -> None:
    found = problems_of({**REQUIRED, "BASIC_AUTH_USER": "gladly"}, secret, tmp_path)
    found += problems_of(REQUIRED, {**SECRET, "basic_auth_password": "hunter2-long"}, tmp_path)
    assert found
    _assert_sentences(found)


@pytest.mark.parametrize(
    "content",
    ['{"A": 1,}', "{'A': 1}", "", "[1]", "null", '{"STORE_HASH": "a", "STORE_HASH": "b"}', b"\xff\xfe{}"],
)
@pytest.mark.usefixtures("_template_read_once")
def test_the_problems_of_a_broken_file_read_as_sentences(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "acme.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    found = []
    for parameters, secret in ((path, None), (None, path), (tmp_path / "missing.json", tmp_path)):
        try:
            validate_files(parameters, secret, {}, TEMPLATE)
        except ConfigError as error:
            found += error.problems
    assert len(found) >= 3
    _assert_sentences(found)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from([name for name, v in ENVIRONMENT_VARIABLES.items() if v.parameter]),
    value=st.text(max_size=40),
)
def test_whatever_text_a_setting_holds_its_problem_reads_as_a_sentence(name: str, value: str) -> None:
    try:
        AdaptorSettings.from_env({**REQUIRED, name: value})
    except ConfigError as error:
        _assert_sentences(list(error.problems))


def test_the_cli_prints_each_problem_as_its_sentence_under_a_counted_heading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parameters = tmp_path / "parameters.json"
    parameters.write_text(
        json.dumps({**REQUIRED, "RECENT_ORDERS": "0", "LogLevel": "LOUD"}), encoding="utf-8"
    )
    assert main(["--parameters", str(parameters), "--template", str(TEMPLATE)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "The configuration has 3 problems:",
        "  RECENT_ORDERS must be at least 1. Set RECENT_ORDERS to a whole number from 1 to 50.",
        "  SECRET_NAME must be the full ARN of a Secrets Manager secret (template.yaml, "
        "CredentialsSecretArn). "
        "Set SECRET_NAME to the ARN of the credentials secret, as `aws secretsmanager describe-secret "
        "--secret-id NAME --query ARN` prints it (docs/deploying.md, step 4).",
        "  LogLevel must be one of DEBUG, INFO, WARNING, ERROR (template.yaml). "
        "Set LogLevel to what template.yaml allows for it (Log level of the functions).",
    ]


def test_the_warning_of_a_valid_configuration_reads_as_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parameters = tmp_path / "parameters.json"
    parameters.write_text(
        json.dumps({**REQUIRED, "SEARCH_RESULTS_ATTRIBUTES": "name:Name,points:Points"}), encoding="utf-8"
    )
    assert main(["--parameters", str(parameters)]) == 0
    (warning,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Warning: ")]
    assert warning == (
        "Warning: SEARCH_RESULTS_ATTRIBUTES lists points, which the adaptor does not fill: Gladly shows "
        "empty columns for them. Use only email, externalCustomerId, name, orderNumber, orderStatus, phone, "
        "storefronts to fill every column."
    )


def test_every_pattern_of_template_yaml_is_explained_as_a_predicate() -> None:
    # CloudFormation shows a parameter's ConstraintDescription in place of its pattern; validate-config
    # says it after the setting's name, so each must read on from it ("must be ...").
    for name, spec in load_template_parameters(TEMPLATE).items():
        if "AllowedPattern" in spec:
            assert str(spec.get("ConstraintDescription", "")).startswith("must "), name
