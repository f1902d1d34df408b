"""`make validate-config` (devtools/validate_config.py): every problem of settings, secret and template
at once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.validate_config import main
from gladly_bigcommerce.settings.environment import VARIABLE_OF_PARAMETER
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError
from gladly_bigcommerce.settings.secret import AdaptorSecret
from tests.unit.test_settings import REQUIRED, SECRET

REPOSITORY = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


@pytest.mark.parametrize("parameters_file", ["parameters.example.json", "parameters.local.json"])
def test_the_shipped_parameter_files_are_valid(
    parameters_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = REPOSITORY / "config"
    secret_file = _write(tmp_path, "secret.json", SECRET)
    exit_code = main(["--parameters", str(config / parameters_file), "--secret", str(secret_file)])
    output = capsys.readouterr().out
    assert exit_code == 0
    assert output.startswith("OK")
    assert "gladly_signing_key: set" in output
    # the tables template.yaml names are no setting of a parameters file, so they are not listed
    assert "TABLE_NAME" not in output


def test_the_example_secret_is_refused_for_each_of_its_placeholders(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given config/secret.example.json as it ships, copied and not yet filled in
    config = REPOSITORY / "config"
    # When validate-config checks it beside valid parameters
    exit_code = main(
        [
            "--parameters",
            str(config / "parameters.example.json"),
            "--secret",
            str(config / "secret.example.json"),
        ]
    )
    # Then each of its three values is refused as a placeholder, with what to put there instead
    error = capsys.readouterr().err
    assert exit_code == 1
    assert error.startswith("The configuration has 3 problems:")
    for key in ("client_id", "access_token", "gladly_signing_key"):
        assert f'  {key} is still a placeholder, not a real value. Set "{key}" in the credentials' in error
    assert (
        "the signing key you generate (openssl rand -hex 32) and enter as the Signing Key on Gladly's app "
        "settings page" in error
    )


@pytest.mark.parametrize("value", ["<paste the token here>", "...", "\u2026", " <x> "])
def test_a_placeholder_is_no_credential(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        AdaptorSecret.from_mapping({**SECRET, "access_token": value})
    assert [(item.field, item.problem) for item in caught.value.problems] == [
        ("access_token", "is still a placeholder, not a real value")
    ]


def test_the_local_parameters_point_at_the_sandbox() -> None:
    local = json.loads((REPOSITORY / "config" / "parameters.local.json").read_text(encoding="utf-8"))
    settings = AdaptorSettings.from_env(local)
    assert (settings.store_hash, settings.api_base) == ("sandbox", "http://127.0.0.1:3001")


def test_the_cli_lists_every_problem_of_parameters_and_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given parameters with a mistake, and a secret lacking a key
    parameters_file = _write(tmp_path, "parameters.json", {**REQUIRED, "RECENT_ORDERS": 0, "Typo": "x"})
    secret_file = _write(
        tmp_path, "secret.json", {"client_id": "client-id-123456", "access_token": "access-token-abcdef"}
    )
    # When the CLI checks them
    exit_code = main(["--parameters", str(parameters_file), "--secret", str(secret_file)])
    # Then it fails, naming each problem, and prints no secret value
    captured = capsys.readouterr()
    assert exit_code == 1
    assert "  Typo is not a setting of this adaptor. Use one of DEPLOYMENT_NAME, " in captured.err
    assert '  gladly_signing_key is missing from the secret. Set "gladly_signing_key"' in captured.err
    assert "access-token-abcdef" not in captured.err + captured.out


def test_the_cli_accepts_sam_parameter_names_and_json_scalars(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parameters_file = _write(
        tmp_path,
        "parameters.json",
        {
            "DeploymentName": "acme",
            "StoreHash": "store-abc123xyz0",
            "CredentialsSecretArn": "gladly/acme",
            "RecentOrders": 5,
            "ActionsEnabled": True,
        },
    )
    assert main(["--parameters", str(parameters_file)]) == 0
    output = capsys.readouterr().out
    assert "RECENT_ORDERS=5" in output
    assert "ACTIONS_ENABLED=cancel,discount,refund" in output


@pytest.mark.parametrize("key", ["OVERWRITE_EXISTING_VALUES", "OverwriteExistingValues"])
def test_a_parameters_file_with_overwrite_existing_values_is_told_the_setting_moved_to_gladly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    # Given an old parameters file that still sets the adaptor's former copy of the setting
    parameters_file = _write(tmp_path, "parameters.json", {**REQUIRED, key: "true"})
    # When the CLI checks it
    exit_code = main(["--parameters", str(parameters_file)])
    # Then it fails and says where the setting lives now, not just that the key is unknown
    error = capsys.readouterr().err
    assert exit_code == 1
    assert f"{key} has moved to Gladly: " in error
    assert "'Overwrite Existing Values' checkbox on Gladly's app settings page" in error
    assert "is not a setting of this adaptor" not in error


def test_without_a_file_the_cli_reads_the_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([], environ=REQUIRED) == 0
    assert main([], environ={}) == 1
    assert "  DEPLOYMENT_NAME is required. Set DEPLOYMENT_NAME to " in capsys.readouterr().err


def test_a_missing_parameters_file_is_said_to_be_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "stores" / "acme.json"
    assert main(["--parameters", str(missing)]) == 1
    assert capsys.readouterr().err == (
        "The configuration has 1 problem:\n"
        f"  {missing} does not exist. Give the path of the parameters file, from this folder or absolute "
        "(copy config/parameters.example.json to start one).\n"
    )


@pytest.mark.parametrize(
    ("content", "where", "mistake"),
    [
        (
            '{\n  "DEPLOYMENT_NAME": "acme",\n  "STORE_HASH": "abc123xyz0",\n}\n',
            "line 4, column 1",
            "a comma after the last item",
        ),
        (
            "{\n  'DEPLOYMENT_NAME': 'acme'\n}",
            "line 2, column 3",
            "a single quote where JSON takes a double quote",
        ),
        ('{"DEPLOYMENT_NAME": "acme" "STORE_HASH": "x"}', "line 1, column 28", "expecting ',' delimiter"),
        ("{not json", "line 1, column 2", "expecting property name enclosed in double quotes"),
        ("", "line 1, column 1", "expecting value"),
    ],
)
def test_a_json_mistake_is_reported_with_its_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, where: str, mistake: str
) -> None:
    # Given a parameters file with a mistake typed by hand
    broken = tmp_path / "acme.json"
    broken.write_text(content, encoding="utf-8")
    # When validate-config reads it
    assert main(["--parameters", str(broken)]) == 1
    # Then it names the file, the line and column, and the usual cause; not the text a missing file gets
    error = capsys.readouterr().err
    assert f"  {broken} is not valid JSON at {where} ({mistake}). Correct the file at that place" in error
    assert "does not exist" not in error


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("[1, 2]", "holds a JSON array, not an object"),
        ('"acme"', "holds a JSON string, not an object"),
        (
            '{"STORE_HASH": "abc", "STORE_HASH": "def"}',
            "gives STORE_HASH twice (JSON keeps only the last, silently)",
        ),
    ],
)
def test_a_file_that_is_json_but_no_settings_object_says_what_it_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, problem: str
) -> None:
    path = tmp_path / "acme.json"
    path.write_text(content, encoding="utf-8")
    assert main(["--parameters", str(path)]) == 1
    assert f"  {path} {problem}. " in capsys.readouterr().err


def test_a_setting_given_by_both_its_names_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parameters_file = _write(
        tmp_path, "parameters.json", {**REQUIRED, "RecentOrders": "5", "RECENT_ORDERS": "7"}
    )
    assert main(["--parameters", str(parameters_file)]) == 1
    assert (
        "  RECENT_ORDERS sets RECENT_ORDERS a second time (the file gives it as RecentOrders too). "
        "Keep one of RecentOrders and RECENT_ORDERS in the file." in capsys.readouterr().err
    )


@pytest.mark.parametrize("key", ["IDEMPOTENCY_TABLE_NAME", "ORDER_LOCKS_TABLE_NAME"])
def test_the_table_names_template_yaml_sets_are_not_taken_from_a_parameters_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    # Given a parameters file naming a table (sam deploy would not pass it on: no template parameter)
    parameters_file = _write(tmp_path, "parameters.json", {**REQUIRED, key: "my-table"})
    # When validate-config checks it
    assert main(["--parameters", str(parameters_file)]) == 1
    # Then it is refused, saying template.yaml names the tables
    assert (
        f"  {key} is set by template.yaml from the table the stack creates, not by a parameters file. "
        f"Remove {key} from the parameters file" in capsys.readouterr().err
    )


def test_a_missing_secret_file_is_reported_beside_the_settings_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parameters_file = _write(tmp_path, "parameters.json", {**REQUIRED, "RECENT_ORDERS": "0"})
    assert main(["--parameters", str(parameters_file), "--secret", str(tmp_path / "secret.json")]) == 1
    error = capsys.readouterr().err
    assert error.startswith("The configuration has 2 problems:")
    assert f"  {tmp_path / 'secret.json'} does not exist. Give the path of the secret file" in error
    assert "  RECENT_ORDERS must be at least 1. " in error


def test_the_cli_lists_every_problem_of_every_stage_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a file with an unknown key, bad settings, values template.yaml refuses and basic auth on,
    # and a secret without the signing key or the basic auth password
    parameters_file = _write(
        tmp_path,
        "parameters.json",
        {
            "DeploymentName": "acme",
            "StoreHash": "abc123xyz0",
            "SECRET_NAME": "gladly/acme",  # a name: the template takes only an ARN
            "Colour": "blue",  # unknown key
            "RECENT_ORDERS": "99",  # settings: at most 50
            "ACTIONS_ENABLED": "refund,teleport",  # settings: no such action
            "DEFAULT_PHONE_REGION": "us",  # template: ^[A-Z]{2}$
            "LogLevel": "LOUD",  # template-only parameter: AllowedValues
            "StageName": "prod-1",  # template-only parameter: AllowedPattern
            "LogRetentionInDays": "8",  # template-only parameter: AllowedValues
            "BASIC_AUTH_USER": "gladly",
        },
    )
    secret_file = _write(
        tmp_path, "secret.json", {"client_id": "client-id-1", "access_token": "access-token-1"}
    )
    # When validate-config checks them against template.yaml
    exit_code = main(
        [
            "--parameters",
            str(parameters_file),
            "--secret",
            str(secret_file),
            "--template",
            str(REPOSITORY / "template.yaml"),
        ]
    )
    # Then every problem of every stage is listed in the one run
    error = capsys.readouterr().err
    assert exit_code == 1
    assert error.startswith("The configuration has 10 problems:")
    for expected in (
        "Colour is not a setting of this adaptor.",
        "RECENT_ORDERS must be at most 50.",
        "ACTIONS_ENABLED must be 'refund', 'cancel', 'discount', 'staff_note', 'store_credit' or "
        "'shipping_address' (item 2).",
        "SECRET_NAME must be the full ARN of a Secrets Manager secret (template.yaml, CredentialsSecretArn).",
        "DEFAULT_PHONE_REGION must be two capital letters, a region code such as US, GB or DE (template",
        "LogLevel must be one of DEBUG, INFO, WARNING, ERROR (template.yaml).",
        "StageName must be letters, digits and underscores only (template.yaml).",
        "LogRetentionInDays must be one of 1, 3, 5",
        "gladly_signing_key is missing from the secret.",
        "basic_auth_password is missing from the secret although BASIC_AUTH_USER is set.",
    ):
        assert expected in error, expected
    assert "access-token-1" not in error


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("DeploymentName", "x" * 65, "DEPLOYMENT_NAME must be at most 64 characters long."),
        # the name is written into the dashboard's JSON body: a quote would break it
        (
            "DeploymentName",
            'Acme "Store"',
            "DEPLOYMENT_NAME must be letters, digits, spaces, dots, underscores",
        ),
        ("LookupDeadlineSeconds", "0.05", "LOOKUP_DEADLINE_SECONDS must be at least 0.1 (template.yaml,"),
        ("DiscountMaxAmount", "1e3", "DISCOUNT_MAX_AMOUNT must be a positive decimal amount such as 50"),
        ("ApiThrottlingRateLimit", "0", "ApiThrottlingRateLimit must be at least 1 (template.yaml)."),
        ("ApiThrottlingBurstLimit", "many", "ApiThrottlingBurstLimit must be a number (template.yaml)."),
    ],
)
def test_what_the_template_refuses_is_refused_before_deploying(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, problem: str
) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gladly/acme-AbCdEf"
    required = {name: text for name, text in REQUIRED.items() if VARIABLE_OF_PARAMETER.get(key) != name}
    parameters_file = _write(tmp_path, "parameters.json", {**required, "SECRET_NAME": arn, key: value})
    template = str(REPOSITORY / "template.yaml")
    assert main(["--parameters", str(parameters_file), "--template", template]) == 1
    assert problem in capsys.readouterr().err


def test_the_example_parameters_pass_the_templates_constraints(capsys: pytest.CaptureFixture[str]) -> None:
    example = REPOSITORY / "config" / "parameters.example.json"
    assert main(["--parameters", str(example), "--template", str(REPOSITORY / "template.yaml")]) == 0
    assert capsys.readouterr().out.startswith("OK")


def test_a_problem_between_settings_is_reported_beside_the_problems_of_single_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a file with a bad setting, and a default expiry longer than the maximum (both readable)
    parameters_file = _write(
        tmp_path,
        "parameters.json",
        {
            **REQUIRED,
            "RECENT_ORDERS": "0",
            "DISCOUNT_DEFAULT_EXPIRY_DAYS": "400",
            "DISCOUNT_MAX_EXPIRY_DAYS": "365",
        },
    )
    # When validate-config checks it
    exit_code = main(["--parameters", str(parameters_file)])
    # Then one run names both: the bad setting and the two that disagree
    errors = capsys.readouterr().err
    assert exit_code == 1
    assert "The configuration has 2 problems:" in errors
    assert "  RECENT_ORDERS must be at least 1. " in errors
    assert "  DISCOUNT_DEFAULT_EXPIRY_DAYS is longer than DISCOUNT_MAX_EXPIRY_DAYS. " in errors
