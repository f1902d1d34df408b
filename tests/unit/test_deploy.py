"""`make deploy`: the `sam deploy` command line built from a store's parameters file, and Gladly's settings.

There is no AWS on this machine, so the command is checked where it matters: SAM CLI's own argument
parser (the `sam deploy` click command of .venv-sam, with samconfig.toml) must read from it exactly
the file's values, by SAM parameter name, and the stack the file names.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from devtools import deploy
from devtools.template import REPOSITORY_ROOT
from devtools.validate_config import load_template_parameters
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from gladly_bigcommerce.settings.problems import ConfigError

SAM_PYTHON = REPOSITORY_ROOT / ".venv-sam" / "bin" / "python"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gladly-bigcommerce/acme-AbCdEf"
ACME = {
    # variable names and SAM parameter names mixed, as the file may be written
    "DEPLOYMENT_NAME": "Acme Store",
    "StoreHash": "abc123xyz0",
    "SECRET_NAME": SECRET_ARN,
    "SEARCH_RESULTS_ATTRIBUTES": 'name:Full name,email:E-mail "work"',
    "ACTIONS_ENABLED": "refund,cancel",
    "RecentOrders": 20,
    "AUTO_LINK_FIELDS": "",
    "LogLevel": "DEBUG",
    "BASIC_AUTH_USER": "gladly",
}
# What CloudFormation must receive for ACME: every key by parameter name, values as text.
ACME_PARAMETERS = {
    "DeploymentName": "Acme Store",
    "StoreHash": "abc123xyz0",
    "CredentialsSecretArn": SECRET_ARN,
    "SearchResultsAttributes": 'name:Full name,email:E-mail "work"',
    "ActionsEnabled": "refund,cancel",
    "RecentOrders": "20",
    "AutoLinkFields": "",
    "LogLevel": "DEBUG",
    "BasicAuthUser": "gladly",
}

# Parses a `sam deploy` argument list with SAM CLI's own click command and prints what it would deploy
# (`--region` is an AWS option SAM keeps out of these parameters).
_SAM_PARSE = """
import json, sys
from samcli.commands.deploy.command import cli
params = cli.make_context("deploy", sys.argv[1:]).params
keys = ("template_file", "stack_name", "parameter_overrides", "capabilities", "resolve_s3",
        "fail_on_empty_changeset", "confirm_changeset")
print(json.dumps({key: list(value) if isinstance(value, tuple) else value for key, value in params.items()
                  if key in keys}))
"""


def _write(tmp_path: Path, content: dict[str, Any], name: str = "acme.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def _as_sam_reads_it(command: list[str], workspace: Path) -> dict[str, Any]:
    """What `sam deploy` would deploy, run from a copy of the project with a built template in place."""
    assert command[:2] == [deploy.DEFAULT_SAM, "deploy"]
    built = workspace / deploy.BUILT_TEMPLATE
    built.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPOSITORY_ROOT / "template.yaml", built)
    shutil.copy(REPOSITORY_ROOT / "samconfig.toml", workspace / "samconfig.toml")
    parsed = subprocess.run(
        [str(SAM_PYTHON), "-c", _SAM_PARSE, *command[2:]],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert parsed.returncode == 0, parsed.stderr
    result: dict[str, Any] = json.loads(parsed.stdout)
    return result


def test_sam_deploy_receives_exactly_the_files_values_by_parameter_name(tmp_path: Path) -> None:
    # Given a store's parameters file, with variable and parameter names, spaces, quotes and an empty value
    config = _write(tmp_path, ACME)
    # When the deploy command is built from it
    command = deploy.sam_deploy_command(deploy.load_deployment(config))
    # Then SAM CLI's own parser reads from it every value of the file, by parameter name, and nothing else
    deployed = _as_sam_reads_it(command, tmp_path / "project")
    assert deployed["parameter_overrides"] == ACME_PARAMETERS
    # And it deploys the built template to a stack of this store's own, confirming the changeset
    assert deployed["template_file"] == str(tmp_path / "project" / deploy.BUILT_TEMPLATE)
    assert deployed["stack_name"] == "gladly-bigcommerce-acme-store"
    assert deployed["capabilities"] == ["CAPABILITY_IAM"]
    assert deployed["resolve_s3"] is True
    assert deployed["fail_on_empty_changeset"] is False
    assert deployed["confirm_changeset"] is True


def test_two_stores_get_two_stacks_and_stack_overrides_the_name(tmp_path: Path) -> None:
    # Given two stores' files
    acme = _write(tmp_path, ACME)
    globex = _write(tmp_path, {**ACME, "DEPLOYMENT_NAME": "globex"}, "globex.json")
    # Then each gets its own stack, and STACK chooses another
    assert deploy.load_deployment(acme).stack_name == "gladly-bigcommerce-acme-store"
    assert deploy.load_deployment(globex).stack_name == "gladly-bigcommerce-globex"
    command = deploy.sam_deploy_command(deploy.load_deployment(acme, stack="acme-prod"), region="eu-west-1")
    deployed = _as_sam_reads_it(command, tmp_path / "project")
    assert deployed["stack_name"] == "acme-prod"
    assert command[-2:] == ["--region", "eu-west-1"]


def test_samconfig_fixes_no_stack_name_and_no_template_for_deploy() -> None:
    samconfig = tomllib.loads((REPOSITORY_ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    default = samconfig["default"]
    assert "stack_name" not in default["deploy"]["parameters"]
    assert "parameter_overrides" not in default["deploy"]["parameters"]
    # A global template would make sam deploy ship the source directories instead of the build
    assert "template" not in default.get("global", {}).get("parameters", {})


def test_a_file_sam_deploy_cannot_carry_is_refused_with_every_reason(tmp_path: Path) -> None:
    # Given a file with an unknown key, a value with a backslash and no deployment name for the stack
    config = _write(tmp_path, {"StoreHash": "abc\\123", "Colour": "blue"})
    # When it is loaded for deploying
    with pytest.raises(ConfigError) as caught:
        deploy.load_deployment(config)
    # Then every reason is named
    fields = {item.field: item.problem for item in caught.value.problems}
    assert fields["Colour"] == "is not a setting of this adaptor"
    assert "backslash" in fields["StoreHash"]
    assert "is not a CloudFormation stack name" in fields["STACK"]


def test_dry_run_prints_the_command_and_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(tmp_path, ACME)
    # When deploy runs with --dry-run and a sam that cannot run
    status = deploy.main([str(config), "--dry-run", "--sam", str(tmp_path / "no-such-sam")])
    # Then it prints the shell-quoted command, the one deploy would run
    printed = capsys.readouterr().out.strip()
    assert status == 0
    assert printed.startswith(
        f"{tmp_path / 'no-such-sam'} deploy --template-file .aws-sam/build/template.yaml"
    )
    assert '\'SearchResultsAttributes="name:Full name,email:E-mail \\"work\\""\'' in printed


def test_gladly_settings_say_what_to_enter_on_gladlys_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _write(tmp_path, ACME)
    lookup_url = "https://abc.execute-api.us-east-1.amazonaws.com/prod/lookup"
    # When the settings are printed without deploying
    status = deploy.main([str(config), "--gladly-settings", "--lookup-url", lookup_url])
    printed = capsys.readouterr().out
    # Then each field of Gladly's page is given from the file (defaults where it says nothing)
    assert status == 0
    assert f"Lookup URL                 {lookup_url}" in printed
    assert '"gladly_signing_key" value of the credentials secret' in printed
    assert SECRET_ARN in printed
    assert "Search Query Attributes    email (label Email), phone (label Phone)" in printed
    assert 'Search Results Attributes  name (label Full name), email (label E-mail "work")' in printed
    assert "Auto-Linking Fields        none ticked (auto-linking is off)" in printed
    assert "Actions                    refund, cancel" in printed
    assert "Basic Auth                 user gladly" in printed
    assert "/auto-link URL is a diagnostic" in printed


def test_without_a_lookup_url_the_settings_say_where_to_find_it(tmp_path: Path) -> None:
    deployment = deploy.load_deployment(_write(tmp_path, {**ACME, "AUTO_LINK_FIELDS": "email"}))
    printed = deploy.gladly_settings(deployment, None)
    assert "LookupUrl output of stack gladly-bigcommerce-acme-store" in printed
    assert "Auto-Linking Fields        Customer Email" in printed


def test_make_deploy_validates_the_file_first_and_stops_on_a_problem(tmp_path: Path) -> None:
    # Given a file the template would refuse (a secret name instead of its ARN)
    config = _write(tmp_path, {**ACME, "SECRET_NAME": "gladly/acme"})
    # When make deploy runs (a dry run; the virtual environment is taken as it is)
    result = _make_deploy(config)
    # Then validate-config stops it before any sam deploy command is built
    assert result.returncode != 0
    assert "SECRET_NAME: must match" in result.stderr
    assert "sam deploy" not in result.stdout


def test_make_deploy_dry_run_prints_the_command_for_a_valid_file(tmp_path: Path) -> None:
    result = _make_deploy(_write(tmp_path, ACME), "STACK=acme-test")
    assert result.returncode == 0, result.stderr
    assert "OK: the configuration is valid." in result.stdout
    assert "deploy --template-file .aws-sam/build/template.yaml --stack-name acme-test" in result.stdout


def _make_deploy(config: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "deploy", f"CONFIG={config}", "DRY_RUN=1", *arguments],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_documents_every_template_parameter() -> None:
    # Given the Configuration section of the README
    readme = (REPOSITORY_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Configuration\n") : readme.index("## Operating it\n")]
    # Then every parameter of template.yaml is named there, with its variable when it has one
    for parameter in load_template_parameters(REPOSITORY_ROOT / "template.yaml"):
        assert f"`{parameter}`" in section, parameter
    for name, variable in ENVIRONMENT_VARIABLES.items():
        if variable.parameter is not None:
            assert f"`{name}`" in section, name
