"""ValidateTemplate and GetTemplateSummary."""

import pytest

from heat.common import exception
from heat.engine import template
from heat.engine import template_summary

HANDLE = 'AWS::CloudFormation::WaitConditionHandle'


def parsed(resources, **sections):
    return template.Template(dict(sections, Resources=resources))


def test_validate_lists_parameters_with_noecho_defaults_masked():
    result = template_summary.validate(
        parsed(
            {'H': {'Type': HANDLE}},
            Description='demo',
            Parameters={
                'Secret': {
                    'Type': 'String',
                    'NoEcho': 'true',
                    'Default': 'hunter2',
                },
                'Size': {'Type': 'Number', 'Default': '2'},
            },
        )
    )
    assert result['Description'] == 'demo'
    assert {
        p['ParameterKey']: p.get('DefaultValue') for p in result['Parameters']
    } == {'Secret': '****', 'Size': '2'}


def test_validate_names_an_unknown_type():
    with pytest.raises(exception.InvalidTemplate) as caught:
        template_summary.validate(parsed({'X': {'Type': 'AWS::No::Such'}}))
    assert 'AWS::No::Such' in str(caught.value)


def test_validate_finds_a_cycle_as_create_does():
    cyclic = parsed(
        {
            'A': {'Type': HANDLE, 'DependsOn': 'B'},
            'B': {
                'Type': HANDLE,
                'Properties': {},
                'Metadata': {'x': {'Ref': 'A'}},
            },
        }
    )
    with pytest.raises(exception.CircularDependency) as caught:
        template_summary.validate(cyclic)
    assert 'A -> B -> A' in str(caught.value) or 'B -> A -> B' in str(
        caught.value
    )


def test_summary_lists_types_and_constraints():
    result = template_summary.summary(
        parsed(
            {'H': {'Type': HANDLE}},
            Parameters={
                'Env': {
                    'Type': 'String',
                    'Default': 'dev',
                    'AllowedValues': ['dev', 'prod'],
                }
            },
        )
    )
    assert result['ResourceTypes'] == [HANDLE]
    assert result['Parameters'][0]['ParameterConstraints'] == {
        'AllowedValues': ['dev', 'prod']
    }
    assert result['Parameters'][0]['ParameterType'] == 'String'
