"""CloudFormation's intrinsic functions, and which of them each section allows.

Use ``parse(snippet, ctx, path, table)`` to build a tree, then ``validate``,
``dependencies`` and ``resolve`` on it.  ``RESOURCE_FUNCTIONS`` serves
Resources (Properties, Metadata, policies) and Outputs;
``CONDITION_FUNCTIONS`` serves the Conditions section.
"""

from heat.engine.functions import data
from heat.engine.functions import logic
from heat.engine.functions import references
from heat.engine.functions.base import NO_VALUE  # noqa: F401 (the public API)
from heat.engine.functions.base import Context  # noqa: F401 (the public API)
from heat.engine.functions.base import Function  # noqa: F401 (the public API)
from heat.engine.functions.base import ResourceResolver  # noqa: F401 (the public API)
from heat.engine.functions.base import dependencies  # noqa: F401 (the public API)
from heat.engine.functions.base import functions_in  # noqa: F401 (the public API)
from heat.engine.functions.base import parse  # noqa: F401 (the public API)
from heat.engine.functions.base import resolve  # noqa: F401 (the public API)
from heat.engine.functions.base import validate  # noqa: F401 (the public API)

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
