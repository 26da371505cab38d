"""CloudFormation's intrinsic functions, and which of them each section allows.

Use ``parse(snippet, ctx, path, table)`` to build a tree, then ``validate``,
``dependencies`` and ``resolve`` on it.  ``RESOURCE_FUNCTIONS`` serves
Resources (Properties, Metadata, policies) and Outputs;
``CONDITION_FUNCTIONS`` serves the Conditions section.
"""

from heat.engine.functions.base import (  # noqa: F401 (the public API)
    NO_VALUE, Context, Function, ResourceResolver, dependencies, parse,
    functions_in, resolve, validate)
from heat.engine.functions import data
from heat.engine.functions import logic
from heat.engine.functions import references

CONDITION_FUNCTIONS = {
    'Fn::Equals': logic.Equals,
    'Fn::And': logic.And,
    'Fn::Or': logic.Or,
    'Fn::Not': logic.Not,
    'Condition': logic.Condition,
    'Ref': references.ParameterRef,
    'Fn::FindInMap': data.FindInMap,
}

RESOURCE_FUNCTIONS = {
    'Ref': references.Ref,
    'Fn::GetAtt': references.GetAtt,
    'Fn::GetAZs': references.GetAZs,
    'Fn::Sub': references.Sub,
    'Fn::ImportValue': references.ImportValue,
    'Fn::Join': data.Join,
    'Fn::Base64': data.Base64,
    'Fn::Select': data.Select,
    'Fn::Split': data.Split,
    'Fn::FindInMap': data.FindInMap,
    'Fn::Cidr': data.Cidr,
    'Fn::Replace': data.Replace,
    'Fn::MemberListToMap': data.MemberListToMap,
    'Fn::If': logic.If,
    'Fn::Equals': logic.ConditionsOnly,
    'Fn::And': logic.ConditionsOnly,
    'Fn::Or': logic.ConditionsOnly,
    'Fn::Not': logic.ConditionsOnly,
}
