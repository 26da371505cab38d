import copy

import pytest

from heat.common import exception
from heat.engine import functions
from heat.engine import parameters
from heat.engine import template
from heat.tests.unit.engine.fakes import FakeResolver

STACK = parameters.StackInfo(stack_name='s', stack_id='arn', account_id='t')

BODY = {
    'AWSTemplateFormatVersion': '2010-09-09',
    'Description': 'two servers',
    'Parameters': {
        'Env': {'Type': 'String', 'Default': 'prod'},
        'Pw': {'Type': 'String', 'NoEcho': 'true', 'Default': 'x'},
    },
    'Mappings': {'Sizes': {'prod': {'Size': 'large'}}},
    'Conditions': {
        'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},
        'IsDev': {'Fn::Not': [{'Condition': 'IsProd'}]},
    },
    'Resources': {
        'Db': {'Type': 'AWS::RDS::DBInstance', 'DeletionPolicy': 'Snapshot'},
        'Web': {
            'Type': 'AWS::EC2::Instance',
            'DependsOn': 'Db',
            'Metadata': {'Ip': {'Fn::GetAtt': ['Db', 'Endpoint']}},
            'Properties': {
                'Size': {'Fn::FindInMap': ['Sizes', {'Ref': 'Env'}, 'Size']},
                'UserData': {'Fn::Sub': '${Cache} ${Env}'},
                'Extra': {
                    'Fn::If': ['IsDev', 'debug', {'Ref': 'AWS::NoValue'}]
                },
            },
        },
        'Cache': {'Type': 'AWS::EC2::Instance'},
        'Debug': {'Type': 'AWS::EC2::Instance', 'Condition': 'IsDev'},
    },
    'Outputs': {
        'Url': {
            'Value': {'Fn::Join': ['', ['http://', {'Ref': 'Web'}]]},
            'Description': 'the site',
        },
        'DebugId': {'Value': {'Ref': 'Debug'}, 'Condition': 'IsDev'},
    },
}


def body(**changes):
    data = copy.deepcopy(BODY)
    for key, value in changes.items():
        if value is None:
            del data[key]
        else:
            data[key] = value
    return data


def refused(data, match):
    with pytest.raises(exception.InvalidTemplate) as caught:
        template.Template(data)
    assert match in str(caught.value), str(caught.value)
    return str(caught.value)


def with_resource(name='Web', **attributes):
    data = body()
    data['Resources'][name] = dict(
        {'Type': 'AWS::EC2::Instance'}, **attributes
    )
    return data


def test_sections_are_read():
    tmpl = template.Template(body())
    assert tmpl.version == '2010-09-09'
    assert tmpl.description == 'two servers'
    assert set(tmpl.parameter_schemas) == {'Env', 'Pw'}
    assert tmpl.parameter_schemas['Pw'].no_echo
    assert set(tmpl.resources) == {'Db', 'Web', 'Cache', 'Debug'}


def test_heat_version_is_the_same_dialect():
    tmpl = template.Template(
        body(
            AWSTemplateFormatVersion=None,
            HeatTemplateFormatVersion='2012-12-12',
        )
    )
    assert tmpl.version == '2012-12-12'


def test_parse_reads_a_body():
    tmpl = template.Template.parse('Resources:\n  A: {Type: T}\n')
    assert tmpl.resources == {'A': {'Type': 'T'}}


def test_wrong_version():
    refused(
        body(AWSTemplateFormatVersion='2011-01-01'),
        "AWSTemplateFormatVersion: unsupported version '2011-01-01'",
    )


def test_unknown_top_level_keys():
    refused(
        body(Bogus=1, Other=2),
        'Invalid template property or properties [Bogus, Other]',
    )


def test_hot_is_refused_clearly():
    refused(
        {'heat_template_version': '2013-05-23', 'resources': {}},
        'HOT templates',
    )


def test_transform_is_refused():
    refused(
        body(Transform='AWS::Serverless-2016-10-31'),
        'Transform: template transforms',
    )


def test_resources_are_required():
    refused(body(Resources=None), 'At least one Resources member')
    refused(body(Resources={}), 'At least one Resources member')


@pytest.mark.parametrize(
    'section, value',
    [
        ('Parameters', []),
        ('Mappings', 'x'),
        ('Conditions', [1]),
        ('Resources', ['a']),
        ('Outputs', 'x'),
        ('Metadata', 3),
    ],
)
def test_sections_must_be_mappings(section, value):
    refused(
        body(**{section: value}),
        "%s: the '%s' section must be a mapping" % (section, section),
    )


def test_description_must_be_a_string():
    refused(body(Description={'a': 1}), 'Description must be a string')


@pytest.mark.parametrize(
    'section, limit, entry',
    [
        ('Parameters', 200, {'Type': 'String', 'Default': 'x'}),
        ('Outputs', 200, {'Value': 'x'}),
        ('Resources', 500, {'Type': 'T'}),
        ('Mappings', 200, {'k': {'a': 'b'}}),
    ],
)
def test_aws_limits(section, limit, entry):
    entries = {'X%d' % n: entry for n in range(limit)}
    template.Template(body(**{section: entries}))
    entries['Extra'] = entry
    refused(
        body(**{section: entries}),
        'Number of %s, %d, is greater than maximum allowed, %d'
        % (section.lower(), limit + 1, limit),
    )


def test_resource_without_type():
    refused(
        with_resource(Type=None),
        'Resources.Web: Every Resources object must contain a Type member.',
    )


def test_resource_must_be_a_mapping():
    data = body()
    data['Resources']['Web'] = 'x'
    refused(data, 'Resources.Web: a resource must be a mapping')


def test_unknown_resource_attribute():
    refused(
        with_resource(Propertys={}),
        'Resources.Web.Propertys: Invalid '
        'template resource property '
        "'Propertys'",
    )


def test_depends_on_forms():
    template.Template(with_resource(DependsOn=['Db', 'Cache']))
    refused(
        with_resource(DependsOn={'a': 1}),
        'Resources.Web.DependsOn: DependsOn must be',
    )
    refused(
        with_resource(DependsOn=['Nope']),
        'Resources.Web.DependsOn: Unresolved resource dependencies [Nope]',
    )


def test_deletion_policies():
    template.Template(
        with_resource(DeletionPolicy='Retain', UpdateReplacePolicy='Snapshot')
    )
    refused(
        with_resource(DeletionPolicy='Keep'),
        'Resources.Web.DeletionPolicy: DeletionPolicy must be one of '
        'Delete, Retain, Snapshot',
    )
    refused(
        with_resource(UpdateReplacePolicy='x'),
        'Resources.Web.UpdateReplacePolicy',
    )


def test_policy_attributes_must_be_mappings():
    refused(
        with_resource(Properties=[1]),
        'Resources.Web.Properties: Properties must be a mapping',
    )
    refused(with_resource(CreationPolicy='x'), 'Resources.Web.Creation')


def test_resource_condition_must_be_declared():
    refused(
        with_resource(Condition='Nope'),
        'Resources.Web.Condition: '
        'condition Nope is not in the '
        'Conditions section',
    )


def test_resource_names_must_be_alphanumeric():
    refused(
        with_resource(name='web-1'), 'Resource name web-1 is non alphanumeric.'
    )


def test_parameter_errors_surface():
    refused(
        body(Parameters={'P': {'Type': 'Nope'}}),
        'Parameters.P: Unrecognized parameter type',
    )


def test_mappings_shape():
    refused(body(Mappings={'M': 'x'}), 'Mappings.M: Every Mappings member')
    refused(body(Mappings={'M': {'k': 'v'}}), 'Mappings.M.k')
    refused(
        body(Mappings={'M': {'k': {'a': {'b': 'c'}}}}),
        'Mappings.M.k.a: Every Mappings attribute must be a String or a List.',
    )


def test_outputs_shape():
    refused(
        body(Outputs={'O': {'Description': 'x'}}),
        'Outputs.O: Every Outputs member must contain a Value object',
    )
    refused(
        body(Outputs={'O': {'Value': 'x', 'Bogus': 1}}),
        "Outputs.O.Bogus: Invalid template output property 'Bogus'",
    )
    refused(
        body(Outputs={'O': {'Value': 'x', 'Export': {'Name': 'n'}}}),
        'Outputs.O.Export: exports are not supported',
    )
    refused(
        body(Outputs={'O': {'Value': 'x', 'Condition': 'Nope'}}),
        'Outputs.O.Condition',
    )


def _bound(values=None):
    tmpl = template.Template(body())
    params = tmpl.parameters(values or {}, STACK)
    return tmpl, tmpl.context(params, FakeResolver(tmpl))


def test_validate_without_values():
    tmpl = template.Template(body())
    tmpl.validate(FakeResolver(tmpl))


def test_validate_finds_unresolved_references():
    data = body()
    data['Resources']['Web']['Properties']['Bad'] = {'Ref': 'Ghost'}
    tmpl = template.Template(data)
    with pytest.raises(
        exception.InvalidTemplate,
        match=r'Resources.Web.Properties.Bad: Unresolved '
        r'resource dependencies \[Ghost\]',
    ):
        tmpl.validate(FakeResolver(tmpl))


def test_excluded_resources_follow_conditions():
    tmpl, ctx = _bound()
    assert tmpl.excluded_resources(ctx) == {'Debug'}
    assert set(tmpl.resource_definitions(ctx)) == {'Db', 'Web', 'Cache'}
    tmpl, ctx = _bound({'Env': 'dev'})
    assert tmpl.excluded_resources(ctx) == set()


def test_resource_definition():
    tmpl, ctx = _bound()
    web = tmpl.resource_definitions(ctx)['Web']
    assert web.type == 'AWS::EC2::Instance'
    assert web.depends_on == ['Db']
    assert web.deletion_policy == 'Delete'
    assert tmpl.resource_definitions(ctx)['Db'].deletion_policy == 'Snapshot'
    assert web.resolved_properties() == {
        'Size': 'large',
        'UserData': 'id-Cache prod',
    }
    assert web.resolved_metadata() == {'Ip': 'Db.Endpoint'}


def test_resource_dependencies_exclude_parameters():
    tmpl, ctx = _bound()
    definitions = tmpl.resource_definitions(ctx)
    assert definitions['Web'].dependencies() == {'Db', 'Cache'}
    assert definitions['Db'].dependencies() == set()


def test_outputs_are_resolved_and_conditioned():
    tmpl, ctx = _bound()
    outputs = tmpl.output_definitions(ctx)
    assert set(outputs) == {'Url'}
    assert outputs['Url'].resolved_value() == 'http://id-Web'
    assert outputs['Url'].description == 'the site'
    tmpl, ctx = _bound({'Env': 'dev'})
    assert (
        tmpl.output_definitions(ctx)['DebugId'].resolved_value() == 'id-Debug'
    )


def test_use_previous_values():
    tmpl = template.Template(body())
    params = tmpl.parameters(
        {}, STACK, previous={'Env': 'dev'}, use_previous=['Env']
    )
    assert params['Env'] == 'dev'


def test_metadata_errors_carry_their_path():
    data = body()
    data['Resources']['Web']['Metadata'] = {'x': {'Fn::Join': 'bad'}}
    tmpl = template.Template(data)
    with pytest.raises(
        exception.InvalidTemplate,
        match='Resources.Web.Metadata.x: Fn::Join requires',
    ):
        tmpl.resource_definitions(tmpl.context())


def test_definitions_without_values_keep_all_resources():
    tmpl = template.Template(body())
    ctx = tmpl.context(resolver=FakeResolver(tmpl))
    assert set(tmpl.resource_definitions(ctx)) == set(tmpl.resources)
    assert isinstance(
        tmpl.resource_definitions(ctx)['Web'].properties['Size'],
        functions.Function,
    )
