"""`make deploy CONFIG=stores/acme.json [STACK=...]`: deploy the settings `make validate-config` checked.

One parameters file per store (the JSON object `make validate-config CONFIG=...` reads, keyed by
variable or SAM parameter name) is the one place a deployment's settings live. This module turns it
into the `sam deploy` command line, so what was checked is what ships:

- `--parameter-overrides` holds every key of the file by its SAM parameter name (variable names are
  mapped through `ENVIRONMENT_VARIABLES`); parameters the file leaves out keep the template's default;
- `--stack-name` is STACK, or `gladly-bigcommerce-<DeploymentName>`, so a second store gets a stack of
  its own instead of replacing the first (samconfig.toml fixes no stack name);
- `--template-file .aws-sam/build/template.yaml`: what `sam build` made, never the source template;
- `--resolve-s3` (SAM's managed bucket for the code), `--capabilities CAPABILITY_IAM` (the functions'
  roles), `--confirm-changeset` (you see what changes and say yes), `--no-fail-on-empty-changeset`
  (redeploying unchanged settings is not an error). The command says all of it: with an explicit
  template file, sam reads no samconfig.toml.

After a successful deploy it prints what to enter on Gladly's settings page, with the Lookup URL from
the stack's outputs. `--dry-run` prints the command without running it; `--gladly-settings` prints the
settings page without deploying (the Lookup URL from `--lookup-url`, else the stack's output if AWS
answers, else where to find it).

    python -m devtools.deploy stores/acme.json [--stack NAME] [--region REGION]
        [--dry-run | --gladly-settings [--lookup-url URL]]
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from devtools.template import DEFAULT_TEMPLATE_PATH
from devtools.validate_config import load_template_parameters, read_parameters
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from gladly_bigcommerce.settings.model import enabled_actions
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem

DEFAULT_SAM = ".venv-sam/bin/sam"
BUILT_TEMPLATE = ".aws-sam/build/template.yaml"
"""What `sam build` made: the template whose code holds the layer's dependencies."""
STACK_PREFIX = "gladly-bigcommerce-"
CAPABILITIES = ("CAPABILITY_IAM",)
LOOKUP_URL_OUTPUT = "LookupUrl"
_STACK_NAME = re.compile(r"^[A-Za-z][-A-Za-z0-9]{0,127}$")


@dataclass(frozen=True)
class Deployment:
    """One store's deployment as its parameters file describes it."""

    parameters: dict[str, str]
    """Every value of the file by SAM parameter name (what `--parameter-overrides` gets)."""
    stack_name: str

    def setting(self, variable: str) -> str:
        """A setting by variable name as deployed: the file's value, else the variable's default."""
        spec = ENVIRONMENT_VARIABLES[variable]
        if spec.parameter is not None and spec.parameter in self.parameters:
            return self.parameters[spec.parameter]
        return spec.default or ""


def load_deployment(
    config: Path, *, stack: str | None = None, template: Path = DEFAULT_TEMPLATE_PATH
) -> Deployment:
    """Read the parameters file; `ConfigError` for unknown keys, values sam cannot pass, a bad stack name.

    The settings themselves are `make validate-config`'s to check (make deploy runs it first).
    """
    parameters_file = read_parameters(config, load_template_parameters(template))
    problems = list(parameters_file.problems)
    parameters = parameters_file.parameter_overrides()
    for name, value in parameters.items():
        if "\\" in value:
            # sam deploy's `Key="value"` syntax has no escape for a backslash before a quote or space.
            problems.append(
                ConfigProblem(
                    field=name, problem="contains a backslash, which sam deploy cannot pass", fix="Remove it."
                )
            )
    stack_name = stack or default_stack_name(parameters.get("DeploymentName", ""))
    if not _STACK_NAME.match(stack_name):
        problems.append(
            ConfigProblem(
                field="STACK",
                problem=f"{stack_name!r} is not a CloudFormation stack name",
                fix="Give STACK=<letters, digits and '-', starting with a letter, at most 128 characters>.",
            )
        )
    if problems:
        raise ConfigError(problems)
    return Deployment(parameters, stack_name)


def default_stack_name(deployment_name: str) -> str:
    """`gladly-bigcommerce-<DeploymentName>`, the name reduced to what a stack name allows."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", deployment_name).strip("-").lower()
    return (STACK_PREFIX + slug)[:128] if slug else ""


def override(name: str, value: str) -> str:
    """One `--parameter-overrides` item: `Name="value"`, quotes escaped as sam deploy reads them."""
    return f'{name}="{value.replace(chr(34), chr(92) + chr(34))}"'


def sam_deploy_command(
    deployment: Deployment, *, sam: str = DEFAULT_SAM, region: str | None = None
) -> list[str]:
    """The exact `sam deploy` argument list for this deployment (run after `sam build`)."""
    command = [sam, "deploy", "--template-file", BUILT_TEMPLATE, "--stack-name", deployment.stack_name]
    if deployment.parameters:
        command += [
            "--parameter-overrides",
            *(override(name, value) for name, value in sorted(deployment.parameters.items())),
        ]
    command += [
        "--resolve-s3",
        "--capabilities",
        *CAPABILITIES,
        "--confirm-changeset",
        "--no-fail-on-empty-changeset",
    ]
    if region:
        command += ["--region", region]
    return command


def gladly_settings(deployment: Deployment, lookup_url: str | None) -> str:
    """What to enter on Gladly's settings page for this deployment, field by field."""
    secret = deployment.parameters.get("CredentialsSecretArn", "<the secret's ARN>")
    auto_link = deployment.setting("AUTO_LINK_FIELDS").strip()
    actions = enabled_actions(deployment.setting("ACTIONS_ENABLED"))
    basic_auth_user = deployment.setting("BASIC_AUTH_USER").strip()
    url = lookup_url or (
        f"the {LOOKUP_URL_OUTPUT} output of stack {deployment.stack_name}: "
        f"aws cloudformation describe-stacks --stack-name {deployment.stack_name} "
        f"--query \"Stacks[0].Outputs[?OutputKey=='{LOOKUP_URL_OUTPUT}'].OutputValue\" --output text"
    )
    lines = [
        "Enter on Gladly's settings page for this app (Settings > Apps):",
        f"  Name                       {deployment.setting('DEPLOYMENT_NAME')}",
        f"  Lookup URL                 {url}",
        '  Signing Key                the "gladly_signing_key" value of the credentials secret',
        f"                             {secret}",
        "                             (the key you generated, e.g. `openssl rand -hex 32`; Gladly and the",
        "                             secret must hold the same text)",
        f"  Search Query Attributes    {_pairs(deployment.setting('SEARCH_QUERY_ATTRIBUTES'))}",
        f"  Search Results Attributes  {_pairs(deployment.setting('SEARCH_RESULTS_ATTRIBUTES'))}",
        f"  Auto-Linking Fields        {_auto_link(auto_link)}",
        f"  Actions                    {', '.join(actions) or 'none (ACTIONS_ENABLED is empty)'}",
    ]
    if basic_auth_user:
        lines += [
            f"  Basic Auth                 user {basic_auth_user}, password: the secret's basic_auth_password"
        ]
    lines += [
        "The stack's /auto-link URL is a diagnostic for you; Gladly calls only the Lookup URL.",
        "Check the deployment: make smoke URL=<the Lookup URL> EMAIL=<a customer's email> CONFIG=<this file>",
    ]
    return "\n".join(lines)


def _pairs(value: str) -> str:
    """`email:Email,phone` -> `email (label Email), phone (label Phone)`: one row each on Gladly's page."""
    items = []
    for item in (part.strip() for part in value.split(",")):
        if item:
            attribute, _, label = item.partition(":")
            attribute = attribute.strip()
            items.append(f"{attribute} (label {label.strip() or attribute[:1].upper() + attribute[1:]})")
    return ", ".join(items) or "(none)"


def _auto_link(value: str) -> str:
    names = {"email": "Customer Email", "phone": "Phone Number"}
    ticked = [names[field.strip()] for field in value.split(",") if field.strip() in names]
    return ", ".join(ticked) if ticked else "none ticked (auto-linking is off)"


def stack_lookup_url(stack_name: str, region: str | None) -> str | None:
    """The stack's LookupUrl output, or None when AWS cannot say (no credentials, no such stack)."""
    import boto3  # only when a deployed stack is asked about
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        stacks = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack_name)
    except (BotoCoreError, ClientError):
        return None
    for output in stacks["Stacks"][0].get("Outputs", []):
        if output.get("OutputKey") == LOOKUP_URL_OUTPUT:
            return str(output["OutputValue"])
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.deploy",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config", type=Path, help="the store's parameters file (JSON)")
    parser.add_argument("--stack", help="the stack name (default: gladly-bigcommerce-<DeploymentName>)")
    parser.add_argument("--region", help="the AWS region (default: the AWS CLI's)")
    parser.add_argument("--sam", default=DEFAULT_SAM, help="the sam executable (default: make's)")
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE_PATH, help=argparse.SUPPRESS)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print the sam deploy command, run nothing")
    mode.add_argument(
        "--gladly-settings", action="store_true", help="print Gladly's settings, deploy nothing"
    )
    parser.add_argument("--lookup-url", help="with --gladly-settings: the Lookup URL, instead of asking AWS")
    arguments = parser.parse_args(argv)
    try:
        deployment = load_deployment(
            arguments.config, stack=arguments.stack or None, template=arguments.template
        )
    except ConfigError as error:
        lines = [f"Cannot deploy {arguments.config}: {len(error.problems)} problem(s):"]
        lines += [f"  {item.field}: {item.problem}. Fix: {item.fix}" for item in error.problems]
        print("\n".join(lines), file=sys.stderr)
        return 1
    if arguments.gladly_settings:
        lookup_url = arguments.lookup_url or stack_lookup_url(deployment.stack_name, arguments.region)
        print(gladly_settings(deployment, lookup_url))
        return 0
    command = sam_deploy_command(deployment, sam=arguments.sam, region=arguments.region)
    print(shlex.join(command), flush=True)
    if arguments.dry_run:
        return 0
    status = subprocess.run(command, check=False).returncode
    if status != 0:
        print(f"sam deploy failed (exit status {status}); nothing to enter in Gladly yet.", file=sys.stderr)
        return status
    print()
    print(gladly_settings(deployment, stack_lookup_url(deployment.stack_name, arguments.region)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
