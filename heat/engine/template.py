"""A CloudFormation template: its sections checked, its definitions parsed.

``Template(data)`` checks the shape of every section (raising InvalidTemplate
that names the path).  ``context()`` binds parameter values, evaluated
conditions and the stack's resources; ``resource_definitions()`` and
``output_definitions()`` then give parsed function trees to resolve.
"""

import dataclasses
import re
import typing

from heat.common import config
from heat.common import exception
from heat.engine import conditions as conditions_mod
from heat.engine import dependencies as dependencies_mod
from heat.engine import functions
from heat.engine import parameters as parameters_mod
from heat.engine import template_format

VERSIONS = {
    'AWSTemplateFormatVersion': '2010-09-09',
    # Heat's own name for the same dialect.
    'HeatTemplateFormatVersion': '2012-12-12',
}
SECTIONS = frozenset(
    list(VERSIONS)
    + [
        'Description',
        'Metadata',
        'Parameters',
        'Mappings',
        'Conditions',
        'Transform',
        'Resources',
        'Outputs',
    ]
)
MAPPING_SECTIONS = (
    'Metadata',
    'Parameters',
    'Mappings',
    'Conditions',
    'Resources',
    'Outputs',
)
# CloudFormation's limits; the resources a stack may hold are configurable
# ([DEFAULT] max_resources_per_stack, 500 as in AWS by default).
LIMITS = {'Parameters': 200, 'Outputs': 200, 'Mappings': 200}
RESOURCE_ATTRIBUTES = frozenset(
    [
        'Type',
        'Properties',
        'DependsOn',
        'Condition',
        'Metadata',
        'DeletionPolicy',
        'UpdateReplacePolicy',
        'CreationPolicy',
        'UpdatePolicy',
        'Description',
    ]
)
POLICIES = ('Delete', 'Retain', 'Snapshot')
OUTPUT_KEYS = frozenset(['Value', 'Description', 'Condition', 'Export'])
LOGICAL_ID = re.compile(r'[A-Za-z0-9]+$')


def _invalid(path, reason):
    return exception.InvalidTemplate(reason='%s: %s' % (path, reason))


def _check_top_level(data):
    if 'heat_template_version' in data:
        raise exception.InvalidTemplate(
            reason='HOT templates (heat_template_version) are not '
            'supported; use the CloudFormation format'
        )
    unknown = sorted(set(data) - SECTIONS, key=str)
    if unknown:
        raise exception.InvalidTemplate(
            reason='Invalid template property or properties [%s]'
            % ', '.join(map(str, unknown))
        )
    if 'Transform' in data:
        raise _invalid(
            'Transform',
            'template transforms (macros such as '
            'AWS::Serverless) are not supported',
        )
    for key, version in VERSIONS.items():
        if key in data and str(data[key]) != version:
            raise _invalid(
                key,
                "unsupported version '%s'; the only "
                "version is '%s'" % (data[key], version),
            )
    if not isinstance(data.get('Description', ''), str):
        raise _invalid('Description', 'Description must be a string')
    for section in MAPPING_SECTIONS:
        if not isinstance(data.get(section, {}), dict):
            raise _invalid(
                section, "the '%s' section must be a mapping" % section
            )
    if not data.get('Resources'):
        raise exception.InvalidTemplate(
            reason='At least one Resources member must be defined.'
        )
    limits = dict(LIMITS, Resources=config.CONF.max_resources_per_stack)
    for section, limit in limits.items():
        count = len(data.get(section, {}))
        if count > limit:
            raise exception.InvalidTemplate(
                reason='Number of %s, %d, is greater than maximum allowed, '
                '%d' % (section.lower(), count, limit)
            )


def _check_logical_ids(data):
    # Only these two: Heat's own templates use output names like 'Web URL'.
    kinds = {'Parameters': 'Parameter', 'Resources': 'Resource'}
    for section, kind in kinds.items():
        for name in data.get(section, {}):
            if not isinstance(name, str) or not LOGICAL_ID.match(name):
                raise _invalid(
                    '%s.%s' % (section, name),
                    '%s name %s is non alphanumeric.' % (kind, name),
                )


def _check_mappings(mappings):
    for name, mapping in mappings.items():
        path = 'Mappings.%s' % name
        if not isinstance(mapping, dict) or not mapping:
            raise _invalid(
                path, 'Every Mappings member %s must be a map' % name
            )
        for key, attributes in mapping.items():
            if not isinstance(attributes, dict):
                raise _invalid(
                    '%s.%s' % (path, key),
                    'Every Mappings member %s must be a map' % key,
                )
            for attribute, value in attributes.items():
                if isinstance(value, dict):
                    raise _invalid(
                        '%s.%s.%s' % (path, key, attribute),
                        'Every Mappings attribute must be a String or a List.',
                    )


def _check_condition_name(conditions, name, path):
    if not isinstance(name, str):
        raise _invalid(path, 'Condition must be a condition name')
    if name not in conditions:
        raise _invalid(
            path, 'condition %s is not in the Conditions section' % name
        )


def _depends_on(definition, path):
    depends_on = definition.get('DependsOn', [])
    if isinstance(depends_on, str):
        depends_on = [depends_on]
    if not isinstance(depends_on, list) or not all(
        isinstance(name, str) for name in depends_on
    ):
        raise _invalid(
            path,
            'DependsOn must be a resource name or a list of resource names',
        )
    return depends_on


def _check_resource(name, definition, data):
    path = 'Resources.%s' % name
    if not isinstance(definition, dict):
        raise _invalid(path, 'a resource must be a mapping')
    for key in definition:
        if key not in RESOURCE_ATTRIBUTES:
            raise _invalid(
                '%s.%s' % (path, key),
                "Invalid template resource property '%s'" % key,
            )
    if not isinstance(definition.get('Type'), str):
        raise _invalid(
            path, 'Every Resources object must contain a Type member.'
        )
    for key in ('Properties', 'Metadata', 'CreationPolicy', 'UpdatePolicy'):
        if not isinstance(definition.get(key, {}), dict):
            raise _invalid('%s.%s' % (path, key), '%s must be a mapping' % key)
    for name_ in _depends_on(definition, path + '.DependsOn'):
        if name_ not in data['Resources']:
            raise _invalid(
                path + '.DependsOn',
                'Unresolved resource dependencies [%s] in the '
                'Resources block of the template' % name_,
            )
    for key in ('DeletionPolicy', 'UpdateReplacePolicy'):
        if key in definition and definition[key] not in POLICIES:
            raise _invalid(
                '%s.%s' % (path, key),
                '%s must be one of %s' % (key, ', '.join(POLICIES)),
            )
    if 'Condition' in definition:
        _check_condition_name(
            data.get('Conditions', {}),
            definition['Condition'],
            path + '.Condition',
        )


def _check_output(name, definition, data):
    path = 'Outputs.%s' % name
    if not isinstance(definition, dict) or 'Value' not in definition:
        raise _invalid(
            path, 'Every Outputs member must contain a Value object'
        )
    for key in definition:
        if key not in OUTPUT_KEYS:
            raise _invalid(
                '%s.%s' % (path, key),
                "Invalid template output property '%s'" % key,
            )
    if 'Export' in definition:
        raise _invalid(
            path + '.Export',
            'exports are not supported: no stack can import values',
        )
    if 'Condition' in definition:
        _check_condition_name(
            data.get('Conditions', {}),
            definition['Condition'],
            path + '.Condition',
        )


@dataclasses.dataclass
class ResourceDefinition:
    """One resource of the template, with its snippets parsed."""

    name: str
    type: str
    properties: typing.Any
    metadata: typing.Any
    depends_on: list
    condition: str | None = None
    deletion_policy: str = 'Delete'
    update_replace_policy: str = 'Delete'
    creation_policy: typing.Any = None
    update_policy: typing.Any = None
    description: str = ''

    def _trees(self):
        return [
            self.properties,
            self.metadata,
            self.creation_policy,
            self.update_policy,
        ]

    def dependencies(self):
        """Resources this one needs first: DependsOn, Ref, GetAtt and Sub."""
        return set(self.depends_on) | functions.dependencies(self._trees())

    def validate(self):
        functions.validate(self._trees())

    def resolved_properties(self):
        return functions.resolve(self.properties) or {}

    def resolved_metadata(self):
        return functions.resolve(self.metadata) or {}


@dataclasses.dataclass
class OutputDefinition:
    name: str
    value: typing.Any
    description: str = ''

    def validate(self):
        functions.validate(self.value)

    def resolved_value(self):
        return functions.resolve(self.value)


class Template:
    """A checked template; raises InvalidTemplate naming what is wrong."""

    def __init__(self, data):
        _check_top_level(data)
        _check_logical_ids(data)
        self.data = data
        self.version = data.get(
            'AWSTemplateFormatVersion', data.get('HeatTemplateFormatVersion')
        )
        self.description = data.get('Description', '')
        self.metadata = data.get('Metadata', {})
        self.parameter_schemas = parameters_mod.schemas_from_template(
            data.get('Parameters', {})
        )
        self.mappings = data.get('Mappings', {})
        _check_mappings(self.mappings)
        self.condition_definitions = data.get('Conditions', {})
        self.resources = data['Resources']
        self.outputs = data.get('Outputs', {})
        for name, definition in self.resources.items():
            _check_resource(name, definition, data)
        for name, definition in self.outputs.items():
            _check_output(name, definition, data)

    @classmethod
    def parse(cls, text):
        """A Template from a JSON or YAML body."""
        return cls(template_format.parse(text))

    def parameters(self, values, stack, previous=None, use_previous=()):
        """Parameters from the caller's values (plus previous ones to keep)."""
        if use_previous:
            values = parameters_mod.Parameters.merge_previous(
                values, previous or {}, use_previous
            )
        return parameters_mod.Parameters(self.parameter_schemas, values, stack)

    def context(self, parameters=None, resolver=None):
        """A function context; conditions are evaluated when values exist."""
        conditions = None
        if parameters is not None:
            conditions = conditions_mod.Conditions(self, parameters)
        return functions.Context(self, parameters, conditions, resolver)

    def validate(self, resolver):
        """Check every reference in the template, without parameter values."""
        conditions_mod.validate_definitions(self)
        ctx = self.context(resolver=resolver)
        for definition in self.resource_definitions(ctx).values():
            definition.validate()
        for output in self.output_definitions(ctx).values():
            output.validate()

    def _excluded(self, definitions, ctx):
        if ctx.conditions is None:
            return set()
        return {
            name
            for name, definition in definitions.items()
            if 'Condition' in definition
            and not ctx.conditions.is_true(definition['Condition'])
        }

    def excluded_resources(self, ctx):
        """Resources left out because their Condition is false."""
        return self._excluded(self.resources, ctx)

    def resource_definitions(self, ctx):
        """{name: ResourceDefinition} of the resources not left out."""
        excluded = self.excluded_resources(ctx)
        return {
            name: self._resource_definition(name, definition, ctx)
            for name, definition in self.resources.items()
            if name not in excluded
        }

    def _resource_definition(self, name, definition, ctx):
        path = 'Resources.%s' % name

        def parsed(key):
            return functions.parse(
                definition.get(key, {}),
                ctx,
                '%s.%s' % (path, key),
                functions.RESOURCE_FUNCTIONS,
            )

        return ResourceDefinition(
            name=name,
            type=definition['Type'],
            properties=parsed('Properties'),
            metadata=parsed('Metadata'),
            depends_on=_depends_on(definition, path),
            condition=definition.get('Condition'),
            deletion_policy=definition.get('DeletionPolicy', 'Delete'),
            update_replace_policy=definition.get(
                'UpdateReplacePolicy', 'Delete'
            ),
            creation_policy=parsed('CreationPolicy'),
            update_policy=parsed('UpdatePolicy'),
            description=definition.get('Description', ''),
        )

    def output_definitions(self, ctx):
        """{name: OutputDefinition} of the outputs not left out."""
        excluded = self._excluded(self.outputs, ctx)
        return {
            name: OutputDefinition(
                name=name,
                value=functions.parse(
                    definition['Value'],
                    ctx,
                    'Outputs.%s.Value' % name,
                    functions.RESOURCE_FUNCTIONS,
                ),
                description=definition.get('Description', ''),
            )
            for name, definition in self.outputs.items()
            if name not in excluded
        }


def dependency_graph(definitions):
    """The graph of {name: ResourceDefinition}: DependsOn, Ref, GetAtt and
    Sub.  References to resources not among them are left out."""
    graph = dependencies_mod.Dependencies()
    for name in definitions:
        graph.add_node(name)
    for name, definition in definitions.items():
        for required in sorted(definition.dependencies()):
            if required in definitions:
                graph.add_requirement(name, required)
    return graph
