"""The heat-2012 corpus templates' volumes, addresses and security groups
validate against their types' schemas.

Each resource of those types is built from its template, its references
resolved by a stand-in for the stack (Ref gives ``id-<name>``, GetAtt
``<name>.<attr>``), and validated as CreateStack validates it.
"""

import os
import pathlib

import pytest

from heat.engine import functions
from heat.engine import parameters
from heat.engine import resource
from heat.engine import resources
from heat.engine import template as template_mod
from heat.engine import template_format
from heat.tests.unit.engine import fakes

REPO = pathlib.Path(__file__).resolve().parents[5]
CORPUS = pathlib.Path(
    os.environ.get(
        'HEAT_TEMPLATE_CORPUS', REPO.parent / 'shared' / 'templates'
    )
)
HEAT_2012 = CORPUS / 'heat-2012'

TYPES = (
    'AWS::EC2::Volume',
    'AWS::EC2::VolumeAttachment',
    'AWS::EC2::EIP',
    'AWS::EC2::EIPAssociation',
    'AWS::EC2::SecurityGroup',
)

STACK = parameters.StackInfo(
    stack_name='corpus',
    account_id='tenant',
    region='RegionOne',
    stack_id='arn:openstack:heat::tenant:stacks/corpus/1',
)


def uses():
    """(template, resource name) of every resource of TYPES."""
    if not HEAT_2012.is_dir():
        return [
            pytest.param(
                None,
                None,
                marks=pytest.mark.skip(
                    reason='heat-2012 templates not found at %s' % HEAT_2012
                ),
            )
        ]
    found = []
    for path in sorted(HEAT_2012.rglob('*.template')):
        data = template_format.parse(path.read_bytes())
        for name, definition in sorted(data['Resources'].items()):
            if definition.get('Type') in TYPES:
                found.append(
                    pytest.param(
                        path,
                        name,
                        id='%s:%s' % (path.relative_to(HEAT_2012), name),
                    )
                )
    return found


class StackView:
    """What validation asks of a stack: resolving snippets."""

    def resolve(self, snippet):
        return functions.resolve(snippet)


def build(path, name):
    data = template_format.parse(path.read_bytes())
    # One corpus template carries a misspelt section CloudFormation
    # refuses; it says nothing about its resources.
    data.pop('TemplateFormatVersion', None)
    tmpl = template_mod.Template(data)
    params = tmpl.parameters(
        {
            key: schema.allowed_values[0] if schema.allowed_values else 'abc'
            for key, schema in tmpl.parameter_schemas.items()
            if schema.default is None
        },
        STACK,
    )
    ctx = tmpl.context(params, fakes.FakeResolver(tmpl))
    definition = tmpl.resource_definitions(ctx)[name]
    return resources.get_class(definition.type)(
        name,
        resource.ResourceDefinition(
            type=definition.type,
            properties=definition.properties,
            deletion_policy=resource.DeletionPolicy(
                definition.deletion_policy
            ),
        ),
        StackView(),
    )


def test_the_corpus_uses_every_type():
    if not HEAT_2012.is_dir():
        pytest.skip('heat-2012 templates not found at %s' % HEAT_2012)
    used = {
        build(param.values[0], param.values[1]).definition.type
        for param in uses()
    }
    assert used == set(TYPES)


@pytest.mark.parametrize('path, name', uses())
def test_resource_validates(path, name):
    build(path, name).validate()
