"""What ValidateTemplate and GetTemplateSummary say about a template."""

import json

from heat.engine import attributes
from heat.engine import resources
from heat.engine import template as template_mod


class _TemplateOnly:
    """Resolves resources by their declared types alone: enough to check
    references before any stack exists."""

    def __init__(self, template):
        self._resources = template.resources

    def has_resource(self, name):
        return name in self._resources

    def resource_type(self, name):
        return self._resources[name]['Type']

    def reference(self, name):
        return None

    def attribute(self, name, attr):
        return None

    def check_attribute(self, name, attr):
        cls = resources.get_class(self.resource_type(name))
        attributes.check(cls.attributes_schema, name, attr)

    def availability_zones(self):
        return []


def check(template):
    """Raise the first problem a template has without parameter values."""
    for definition in template.resources.values():
        resources.get_class(definition['Type'])
    resolver = _TemplateOnly(template)
    template.validate(resolver=resolver)
    definitions = template.resource_definitions(
        template.context(resolver=resolver)
    )
    template_mod.dependency_graph(definitions).check_cycles()


def _parameter(schema):
    declared = {
        'ParameterKey': schema.name,
        'NoEcho': schema.no_echo,
        'Description': schema.description or None,
    }
    if schema.default is not None:
        declared['DefaultValue'] = schema.display_default
    return {k: v for k, v in declared.items() if v is not None}


def validate(template):
    """The ValidateTemplate result."""
    check(template)
    return {
        'Parameters': [
            _parameter(schema)
            for schema in template.parameter_schemas.values()
        ],
        'Description': template.description or None,
        'Capabilities': [],
    }


def summary(template):
    """The GetTemplateSummary result."""
    check(template)
    parameters = []
    for schema in template.parameter_schemas.values():
        declared = _parameter(schema)
        declared['ParameterType'] = schema.type
        if schema.allowed_values:
            declared['ParameterConstraints'] = {
                'AllowedValues': list(schema.allowed_values)
            }
        parameters.append(declared)
    result = {
        'Parameters': parameters,
        'Description': template.description or None,
        'Capabilities': [],
        'ResourceTypes': sorted(
            {d['Type'] for d in template.resources.values()}
        ),
        'Version': template.version or '2010-09-09',
        'DeclaredTransforms': [],
    }
    if template.metadata:
        result['Metadata'] = json.dumps(template.metadata)
    return {k: v for k, v in result.items() if v is not None}
