"""`make validate-config`: every problem of a store's settings (and secret) at once, before deploying.

    python -m devtools.validate_config [--parameters FILE] [--secret FILE] [--template template.yaml]

Reads a parameters file (keyed by environment variable or SAM parameter name) or the environment,
checks the settings as the functions do at cold start (``gladly_bigcommerce.settings``), what
template.yaml's own parameter constraints would refuse (CloudFormation refuses a stack whose parameter
breaks its AllowedPattern, AllowedValues, Min/MaxLength or Min/MaxValue), and optionally the secret;
every stage runs whatever the others found. A development tool: nothing here ships in the Lambda layer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from devtools.template import TemplateError, load_template
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES, VARIABLE_OF_PARAMETER
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem
from gladly_bigcommerce.settings.secret import AdaptorSecret, basic_auth_problems

# Settings that were once the adaptor's and now live elsewhere: a parameters file that still has one
# is told where the setting went, not just that the key is unknown.
MOVED_SETTINGS: dict[str, tuple[str, str]] = dict.fromkeys(
    ("OVERWRITE_EXISTING_VALUES", "OverwriteExistingValues"),
    (
        "moved to Gladly: Gladly applies Overwrite Existing Values itself, and the adaptor always sends "
        "name, address and company",
        "Remove the key from the parameters file and set the 'Overwrite Existing Values' checkbox on "
        "Gladly's app settings page instead.",
    ),
)


@dataclass(frozen=True)
class ParametersFile:
    """A parameters file as read: what it sets, and every problem of its keys and value types."""

    settings: dict[str, str]
    """Settings of the functions, by environment variable (``STORE_HASH``)."""
    template_only: dict[str, str]
    """Template parameters that are no setting of the functions (``LogLevel``), by parameter name."""
    problems: list[ConfigProblem]

    def parameter_overrides(self) -> dict[str, str]:
        """Every value by SAM parameter name, as ``sam deploy --parameter-overrides`` takes them."""
        overrides = {
            parameter: value
            for name, value in self.settings.items()
            if (parameter := ENVIRONMENT_VARIABLES[name].parameter) is not None
        }
        return {**overrides, **self.template_only}


def read_parameters(
    path: Path, template_parameters: Mapping[str, Mapping[str, Any]] | None = None
) -> ParametersFile:
    """A JSON object keyed by environment variable (``STORE_HASH``) or SAM parameter (``StoreHash``).

    Parameters of ``template_parameters`` that are no function setting (``LogLevel``) are accepted too.
    Unknown keys and values that are not text or numbers are problems; the other keys are still read,
    so that their own problems are found in the same run.
    """
    data = _read_json_object(path, field="--parameters")
    template_parameters = template_parameters or {}
    settings: dict[str, str] = {}
    template_only: dict[str, str] = {}
    problems: list[ConfigProblem] = []
    for key, value in data.items():
        name = key if key in ENVIRONMENT_VARIABLES else VARIABLE_OF_PARAMETER.get(key)
        if key in MOVED_SETTINGS:
            problem, fix = MOVED_SETTINGS[key]
            problems.append(ConfigProblem(field=key, problem=problem, fix=fix))
        elif name is None and key not in template_parameters:
            known = [
                *ENVIRONMENT_VARIABLES,
                *(p for p in template_parameters if p not in VARIABLE_OF_PARAMETER),
            ]
            problems.append(
                ConfigProblem(
                    field=key,
                    problem="is not a setting of this adaptor",
                    fix=f"Use one of {', '.join(known)} (or its SAM parameter name).",
                )
            )
        elif not isinstance(value, str | int | float):
            fix = ENVIRONMENT_VARIABLES[name].fix if name else f"Give {key} as text or a number."
            problems.append(ConfigProblem(field=name or key, problem="must be a string or a number", fix=fix))
        else:
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            if name is not None:
                settings[name] = text
            else:
                template_only[key] = text
    return ParametersFile(settings, template_only, problems)


def read_parameters_file(path: Path) -> dict[str, str]:
    """The settings of a parameters file by environment variable; ``ConfigError`` lists its key problems."""
    parameters = read_parameters(path)
    if parameters.problems:
        raise ConfigError(parameters.problems)
    return parameters.settings


def _read_json_object(path: Path, *, field: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise ConfigError(
            [ConfigProblem(field=field, problem=f"{path} is not a readable JSON object", fix="Fix the file.")]
        )
    return data


# --- template.yaml's own constraints -------------------------------------------------------------
# CloudFormation refuses a stack whose parameter breaks its AllowedPattern, AllowedValues, Min/MaxLength
# or Min/MaxValue; validate-config reads them from template.yaml so an admin hears it before deploying.


def load_template_parameters(path: Path) -> dict[str, dict[str, Any]]:
    """The ``Parameters`` section of a SAM/CloudFormation template (``devtools.template`` reads it)."""
    try:
        document = load_template(path)
    except (OSError, yaml.YAMLError, TemplateError):
        document = {}
    if not isinstance(document.get("Parameters"), dict):
        raise ConfigError(
            [
                ConfigProblem(
                    field="--template", problem=f"{path} has no Parameters section", fix="Give template.yaml."
                )
            ]
        )
    return {str(name): dict(spec or {}) for name, spec in document["Parameters"].items()}


def template_problems(
    values: Mapping[str, str], template_parameters: Mapping[str, Mapping[str, Any]]
) -> list[ConfigProblem]:
    """What CloudFormation would refuse of these values (by parameter name), each named by its setting."""
    problems: list[ConfigProblem] = []
    for parameter, value in values.items():
        spec = template_parameters.get(parameter)
        if spec is None:
            continue
        name = VARIABLE_OF_PARAMETER.get(parameter, parameter)
        variable = ENVIRONMENT_VARIABLES.get(name)
        description = " ".join(str(spec.get("Description", "")).split())
        fix = (
            variable.fix if variable else f"Set {parameter} to a value template.yaml allows ({description})."
        )
        for problem in _constraint_problems(value, spec):
            problems.append(
                ConfigProblem(
                    field=name, problem=f"{problem} (template.yaml, parameter {parameter})", fix=fix
                )
            )
    return problems


def _constraint_problems(value: str, spec: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    allowed = spec.get("AllowedValues")
    if allowed is not None and value not in [str(item) for item in allowed]:
        problems.append(f"must be one of {', '.join(str(item) for item in allowed)}")
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        problems.append(f"must be at least {spec['MinLength']} characters long")
    if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
        problems.append(f"must be at most {spec['MaxLength']} characters long")
    pattern = spec.get("AllowedPattern")
    if pattern is not None and re.fullmatch(str(pattern), value) is None:
        said = spec.get("ConstraintDescription")
        problems.append(f"must match {pattern}" + (f": it {said}" if said else ""))
    if spec.get("Type") == "Number":
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            return [*problems, "must be a number"]
        if not number.is_finite():
            return [*problems, "must be a number"]
        if "MinValue" in spec and number < Decimal(str(spec["MinValue"])):
            problems.append(f"must be at least {spec['MinValue']}")
        if "MaxValue" in spec and number > Decimal(str(spec["MaxValue"])):
            problems.append(f"must be at most {spec['MaxValue']}")
    return problems


def validate_files(
    parameters_path: Path | None,
    secret_path: Path | None,
    environ: Mapping[str, str],
    template_path: Path | None = None,
) -> str:
    """Validate settings (from a file or ``environ``), optionally a secret file and the template's limits.

    Every stage runs whatever the others found, so ``ConfigError`` lists every problem at once: unknown
    keys, each bad setting, what template.yaml would refuse, the secret's keys, basic auth across both.
    """
    problems: list[ConfigProblem] = []
    template = load_template_parameters(template_path) if template_path else {}
    if parameters_path is not None:
        parameters = read_parameters(parameters_path, template)
        problems += parameters.problems
        source: Mapping[str, str] = parameters.settings
        template_values = parameters.parameter_overrides()
        template_only = parameters.template_only
    else:
        source, template_only = environ, {}
        template_values = {
            variable.parameter: environ[name]
            for name, variable in ENVIRONMENT_VARIABLES.items()
            if variable.parameter and name in environ
        }
    settings: AdaptorSettings | None = None
    try:
        settings = AdaptorSettings.from_env(source)
    except ConfigError as error:
        problems += error.problems
    found = {item.field for item in problems}
    # One problem per setting is enough: the template's word only for what the settings check let pass.
    problems += [item for item in template_problems(template_values, template) if item.field not in found]
    secret: AdaptorSecret | None = None
    if secret_path is not None:
        raw_secret: dict[str, Any] | None = None
        try:
            raw_secret = _read_json_object(secret_path, field="--secret")
            secret = AdaptorSecret.from_mapping(raw_secret)
        except ConfigError as error:
            problems += error.problems
        if raw_secret is not None:
            password = raw_secret.get("basic_auth_password")
            has_password = isinstance(password, str) and bool(password.strip())
            problems += basic_auth_problems(
                (source.get("BASIC_AUTH_USER") or "").strip() or None, has_password
            )
    if problems:
        raise ConfigError(problems)
    assert settings is not None
    lines = ["OK: the configuration is valid.", "", "Settings:"]
    lines += [f"  {name}={value}" for name, value in settings.to_env().items()]
    lines += [f"  {name}={value}" for name, value in template_only.items()]
    if secret is not None:
        lines += ["", "Secret:"]
        lines += [f"  {key}: {state}" for key, state in secret.summary().items()]
    for warning in settings.configuration_warnings():
        lines += ["", f"Warning: {warning.field}: {warning.problem}. {warning.fix}"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Check a deployment's configuration before deploying; exit status 1 lists every problem."""
    parser = argparse.ArgumentParser(
        prog="python -m devtools.validate_config",
        description="Validate the adaptor's settings (and optionally its secret) before deploying.",
    )
    parser.add_argument(
        "--parameters", type=Path, help="JSON object of settings; without it, the process environment is read"
    )
    parser.add_argument("--secret", type=Path, help="JSON file with the secret's content, to check it too")
    parser.add_argument(
        "--template", type=Path, help="template.yaml: also refuse what its parameter constraints refuse"
    )
    arguments = parser.parse_args(argv)
    try:
        report = validate_files(
            arguments.parameters,
            arguments.secret,
            os.environ if environ is None else environ,
            arguments.template,
        )
    except ConfigError as error:
        lines = [f"The configuration has {len(error.problems)} problem(s):"]
        lines += [f"  {item.field}: {item.problem}. Fix: {item.fix}" for item in error.problems]
        sys.stderr.write("\n".join(lines) + "\n")
        return 1
    sys.stdout.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
