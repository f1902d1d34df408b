"""Read template.yaml the way the local tools need it: routes, functions, tables, environment.

The local API gateway (devtools/gateway.py) and the local AWS resources (devtools/aws.py) are built
from this reading of the template, never from a copy of its values, so the development setup cannot
drift from what `sam deploy` creates. Only the few intrinsic functions the template uses are
understood (Ref, Fn::Sub, Fn::GetAtt, Fn::Join); anything else fails loudly instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATE_PATH = REPOSITORY_ROOT / "template.yaml"

# Resolved values of CloudFormation's pseudo parameters when nothing is deployed.
LOCAL_ACCOUNT_ID = "123456789012"
LOCAL_REGION = "us-east-1"


def pseudo_parameters(region: str = LOCAL_REGION) -> dict[str, str]:
    """CloudFormation's pseudo parameters, as they resolve for a stack that is not deployed."""
    return {
        "AWS::Region": region,
        "AWS::AccountId": LOCAL_ACCOUNT_ID,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
        "AWS::StackName": "local",
    }


_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")


class TemplateError(Exception):
    """template.yaml does not have the shape the local tools rely on."""


class _CloudFormationLoader(yaml.SafeLoader):
    """A YAML loader that turns CloudFormation short tags (!Ref, !Sub, ...) into their long form."""


def _construct_short_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - YAML has no fourth kind of node
        raise TemplateError(f"unsupported node for !{tag_suffix}")
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _construct_short_tag)


def load_template(path: Path = DEFAULT_TEMPLATE_PATH) -> dict[str, Any]:
    """Parse a CloudFormation/SAM template, short tags included, into plain Python values."""
    with path.open(encoding="utf-8") as stream:
        document = yaml.load(stream, Loader=_CloudFormationLoader)
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"{path} is not a CloudFormation template with Resources")
    return document


def resolve(value: Any, references: Mapping[str, str]) -> Any:
    """Evaluate the intrinsic functions in `value`.

    `references` maps what a `Ref` or `${...}` may name (parameters, pseudo parameters, resources) to
    its value, and `Resource.Attribute` to the value of a `Fn::GetAtt`.
    """
    if isinstance(value, list):
        return [resolve(item, references) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (function, argument), *_ = value.items()
        if function == "Ref":
            return _lookup(str(argument), references)
        if function == "Fn::GetAtt":
            return _lookup(".".join(str(part) for part in argument), references)
        if function == "Fn::Sub":
            return _substitute(argument, references)
        if function == "Fn::Join":
            separator, items = argument
            return str(separator).join(str(item) for item in resolve(items, references))
        if function.startswith("Fn::") or function == "Condition":
            raise TemplateError(f"{function} is not understood by the local tools")
    return {key: resolve(item, references) for key, item in value.items()}


def _lookup(name: str, references: Mapping[str, str]) -> str:
    try:
        return references[name]
    except KeyError:
        raise TemplateError(f"no local value for {name!r} (referenced by template.yaml)") from None


def _substitute(argument: Any, references: Mapping[str, str]) -> str:
    if isinstance(argument, list):
        text, extra = argument
        references = {**references, **{key: str(resolve(v, references)) for key, v in extra.items()}}
    else:
        text = argument
    return _SUB_VARIABLE.sub(lambda match: _lookup(match.group(1), references), str(text))


@dataclass(frozen=True)
class Route:
    """One API event of a function: an HTTP method and a resource path of the REST API."""

    method: str
    path: str
    function_id: str


@dataclass(frozen=True)
class FunctionSpec:
    """What it takes to run one AWS::Serverless::Function locally."""

    logical_id: str
    code_uri: Path
    handler: str
    timeout_seconds: int
    memory_mb: int
    environment: Mapping[str, Any]
    """Globals merged with the function's own variables, intrinsic functions not yet resolved."""

    @property
    def module_file(self) -> Path:
        """The handler's source file, e.g. functions/lookup/app.py for `app.lambda_handler`."""
        module, _, _ = self.handler.rpartition(".")
        return self.code_uri / (module.replace(".", "/") + ".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rpartition(".")[2]


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    attribute_type: str
    key_type: str


@dataclass(frozen=True)
class TableSpec:
    """The parts of an AWS::DynamoDB::Table that matter for creating it locally."""

    logical_id: str
    key_schema: tuple[KeyAttribute, ...]
    billing_mode: str
    ttl_attribute: str | None


class SamTemplate:
    """The parsed template.yaml, with typed views of the resources the local tools build."""

    def __init__(self, path: Path = DEFAULT_TEMPLATE_PATH) -> None:
        self.path = path
        self.document = load_template(path)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        resources: dict[str, dict[str, Any]] = self.document["Resources"]
        return resources

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {name: body for name, body in self.resources.items() if body.get("Type") == resource_type}

    def parameter_values(self, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
        """Every parameter's value: its Default unless overridden. Parameters without either are left out."""
        values: dict[str, str] = {}
        for name, spec in (self.document.get("Parameters") or {}).items():
            if "Default" in spec:
                values[name] = str(spec["Default"])
        values.update(overrides or {})
        return values

    def stage_name(self, parameters: Mapping[str, str] | None = None) -> str:
        """The stage of the (single) REST API: the first path segment of every deployed URL."""
        apis = self.resources_of_type("AWS::Serverless::Api")
        if len(apis) != 1:
            raise TemplateError(f"expected exactly one AWS::Serverless::Api, found {len(apis)}")
        (api,) = apis.values()
        return str(resolve(api["Properties"]["StageName"], self.parameter_values(parameters)))

    def functions(self) -> list[FunctionSpec]:
        defaults = (self.document.get("Globals") or {}).get("Function", {})
        specs = []
        for logical_id, body in self.resources_of_type("AWS::Serverless::Function").items():
            properties = {**defaults, **body.get("Properties", {})}
            environment = {
                **defaults.get("Environment", {}).get("Variables", {}),
                **body.get("Properties", {}).get("Environment", {}).get("Variables", {}),
            }
            specs.append(
                FunctionSpec(
                    logical_id=logical_id,
                    code_uri=self.path.parent / str(properties["CodeUri"]),
                    handler=str(properties["Handler"]),
                    timeout_seconds=int(properties.get("Timeout", 3)),
                    memory_mb=int(properties.get("MemorySize", 128)),
                    environment=environment,
                )
            )
        return specs

    def routes(self) -> list[Route]:
        """Every `Type: Api` event of every function, in template order."""
        routes = []
        for logical_id, body in self.resources_of_type("AWS::Serverless::Function").items():
            for event in (body.get("Properties", {}).get("Events") or {}).values():
                if event.get("Type") != "Api":
                    continue
                properties = event["Properties"]
                routes.append(
                    Route(
                        method=str(properties["Method"]).upper(),
                        path=str(properties["Path"]),
                        function_id=logical_id,
                    )
                )
        return routes

    def tables(self) -> list[TableSpec]:
        specs = []
        for logical_id, body in self.resources_of_type("AWS::DynamoDB::Table").items():
            properties = body["Properties"]
            attribute_types = {
                item["AttributeName"]: item["AttributeType"] for item in properties["AttributeDefinitions"]
            }
            ttl = properties.get("TimeToLiveSpecification") or {}
            specs.append(
                TableSpec(
                    logical_id=logical_id,
                    key_schema=tuple(
                        KeyAttribute(
                            name=key["AttributeName"],
                            attribute_type=attribute_types[key["AttributeName"]],
                            key_type=key["KeyType"],
                        )
                        for key in properties["KeySchema"]
                    ),
                    billing_mode=str(properties.get("BillingMode", "PROVISIONED")),
                    ttl_attribute=ttl.get("AttributeName") if ttl.get("Enabled") else None,
                )
            )
        return specs

    def secret_parameter(self) -> str:
        """The name of the parameter that carries the credentials secret's ARN.

        Recognised by what the template grants: the SecretArn of the
        AWSSecretsManagerGetSecretValuePolicy every function has.
        """
        names = set()
        for body in self.resources_of_type("AWS::Serverless::Function").values():
            for policy in body.get("Properties", {}).get("Policies") or []:
                if isinstance(policy, dict) and "AWSSecretsManagerGetSecretValuePolicy" in policy:
                    arn = policy["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"]
                    if not (isinstance(arn, dict) and set(arn) == {"Ref"}):
                        raise TemplateError("the secret's ARN must be a !Ref to a parameter")
                    names.add(arn["Ref"])
        if len(names) != 1:
            raise TemplateError(f"expected one secret parameter across the functions, found {sorted(names)}")
        return names.pop()
