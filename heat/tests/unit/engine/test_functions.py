"""Ref, Fn::GetAtt, GetAZs, Sub, ImportValue and the tree helpers."""

import pytest

from heat.common import exception
from heat.engine import functions
from heat.engine import parameters
from heat.engine import template
from heat.tests.unit.engine.fakes import FakeResolver

STACK = parameters.StackInfo(
    stack_name='web',
    account_id='tenant1',
    region='RegionOne',
    stack_id='arn:openstack:heat::tenant1:stacks/web/1234',
)

BODY = {
    'Parameters': {
        'Size': {'Type': 'String', 'Default': 'small'},
        'Zones': {'Type': 'CommaDelimitedList', 'Default': 'a,b'},
    },
    'Resources': {
        'Web': {'Type': 'AWS::EC2::Instance'},
        'Db': {'Type': 'AWS::RDS::DBInstance'},
    },
}


ZONES = ('nova', 'nova2')
ATTRIBUTES = {'PublicIp', 'AvailabilityZone', 'Endpoint.Address'}


def context(body=BODY, values=None):
    tmpl = template.Template(body)
    return tmpl.context(
        tmpl.parameters(values or {}, STACK),
        FakeResolver(tmpl, zones=ZONES, attributes=ATTRIBUTES),
    )


PATH = 'Resources.Web.Properties.P'


def parse(snippet, ctx=None):
    return functions.parse(
        snippet, ctx or context(), PATH, functions.RESOURCE_FUNCTIONS
    )


def run(snippet, ctx=None):
    tree = parse(snippet, ctx)
    functions.validate(tree)
    return functions.resolve(tree)


def fails(snippet, match, error=exception.InvalidTemplate):
    with pytest.raises(error) as caught:
        run(snippet)
    assert match in str(caught.value)
    return str(caught.value)


def test_plain_data_passes_through():
    data = {'a': [1, 'b', {'c': None}], 'Condition': 'x'}
    assert run(data) == data


def test_ref_parameter_pseudo_and_resource():
    assert run({'Ref': 'Size'}) == 'small'
    assert run({'Ref': 'Zones'}) == ['a', 'b']
    assert run({'Ref': 'AWS::StackName'}) == 'web'
    assert run({'Ref': 'AWS::StackId'}).startswith('arn:openstack:heat::')
    assert run({'Ref': 'Web'}) == 'id-Web'


def test_ref_to_nothing_names_it():
    message = fails(
        {'Ref': 'Nope'},
        'Unresolved resource dependencies [Nope] in the Resources block',
    )
    assert PATH in message


def test_ref_requires_a_string():
    fails({'Ref': ['Web']}, 'Ref requires a string')


def test_no_value_removes_the_containing_property_and_item():
    result = run(
        {
            'Keep': 1,
            'Drop': {'Ref': 'AWS::NoValue'},
            'List': ['a', {'Ref': 'AWS::NoValue'}, 'b'],
        }
    )
    assert result == {'Keep': 1, 'List': ['a', 'b']}


def test_no_value_at_the_top_is_none():
    assert run({'Ref': 'AWS::NoValue'}) is None


def test_get_att_list_and_dotted_forms():
    assert run({'Fn::GetAtt': ['Web', 'PublicIp']}) == 'Web.PublicIp'
    assert run({'Fn::GetAtt': 'Db.Endpoint.Address'}) == 'Db.Endpoint.Address'


def test_get_att_to_an_unknown_resource_names_it():
    fails(
        {'Fn::GetAtt': ['Nope', 'PublicIp']},
        'Fn::GetAtt references undefined resource Nope',
    )


def test_get_att_unknown_attribute_is_checked_by_the_resolver():
    fails({'Fn::GetAtt': ['Web', 'Colour']}, 'Web Colour')


def test_get_att_bad_arguments():
    fails({'Fn::GetAtt': ['Web']}, 'Fn::GetAtt requires [resource, attribute]')
    fails({'Fn::GetAtt': 'Web'}, 'Fn::GetAtt requires')


def test_get_att_attribute_may_be_a_function():
    assert (
        run({'Fn::GetAtt': ['Web', {'Fn::Join': ['', ['Public', 'Ip']]}]})
        == 'Web.PublicIp'
    )


def test_get_azs_asks_the_resolver():
    assert run({'Fn::GetAZs': ''}) == ['nova', 'nova2']
    assert run({'Fn::GetAZs': {'Ref': 'AWS::Region'}}) == ['nova', 'nova2']


def test_dependencies_are_resources_only():
    tree = parse(
        {
            'a': {'Ref': 'Web'},
            'b': {'Ref': 'Size'},
            'c': {'Fn::GetAtt': ['Db', 'PublicIp']},
            'd': {'Ref': 'AWS::Region'},
        }
    )
    assert functions.dependencies(tree) == {'Web', 'Db'}


def test_sub_string_form():
    assert (
        run(
            {
                'Fn::Sub': 'a ${Size} ${AWS::Region} ${Web} '
                '${Db.PublicIp} ${!Literal}'
            }
        )
        == 'a small RegionOne id-Web Db.PublicIp ${Literal}'
    )


def test_sub_map_form_takes_variables_first():
    assert (
        run(
            {
                'Fn::Sub': [
                    '${Size}-${x}-${y}',
                    {'Size': 'mine', 'x': {'Ref': 'Web'}, 'y': 3},
                ]
            }
        )
        == 'mine-id-Web-3'
    )


def test_sub_without_variables_is_the_text():
    assert run({'Fn::Sub': 'no variables here'}) == 'no variables here'


def test_sub_dependencies():
    tree = parse(
        {
            'Fn::Sub': [
                '${Web} ${Db.PublicIp} ${Size} ${v}',
                {'v': {'Fn::GetAtt': ['Db', 'PublicIp']}},
            ]
        }
    )
    assert functions.dependencies(tree) == {'Web', 'Db'}


def test_sub_to_nothing_names_it():
    fails({'Fn::Sub': 'x ${Missing}'}, '[Missing]')
    fails({'Fn::Sub': 'x ${Missing.Attr}'}, 'undefined resource Missing')


def test_sub_bad_arguments():
    fails({'Fn::Sub': ['a', 'b']}, 'Fn::Sub requires a string or')
    fails({'Fn::Sub': 5}, 'Fn::Sub requires')
    fails({'Fn::Sub': 'x ${}'}, 'empty variable')


def test_sub_refuses_list_values():
    fails({'Fn::Sub': '${Zones}'}, 'must resolve to strings')


def test_import_value_finds_no_export():
    fails(
        {'Fn::ImportValue': 'Shared'},
        'No export named Shared found',
        exception.ValidationError,
    )


def test_unsupported_function_is_named():
    message = fails(
        {'Fn::Transform': {}},
        'Encountered unsupported function: Fn::Transform',
    )
    assert PATH in message


def test_condition_functions_are_refused_outside_conditions():
    fails(
        {'Fn::Equals': ['a', 'a']},
        'Fn::Equals can only be used in the Conditions section',
    )
    fails({'x': [{'Fn::Not': [True]}]}, PATH + '.x[0]: Fn::Not can only')


def test_nested_error_paths_show_where_the_problem_is():
    message = fails({'Fn::Join': ['', ['a', {'Ref': 'Nope'}]]}, '[Nope]')
    assert 'Resources.Web.Properties.P.Fn::Join[1][1]' in message


def test_outputs_section_is_named_in_unresolved_errors():
    ctx = context()
    tree = functions.parse(
        {'Ref': 'Nope'}, ctx, 'Outputs.Url.Value', functions.RESOURCE_FUNCTIONS
    )
    with pytest.raises(
        exception.InvalidTemplate, match='in the Outputs block'
    ):
        functions.validate(tree)


def test_get_azs_bad_argument():
    fails({'Fn::GetAZs': ['RegionOne']}, 'Fn::GetAZs requires a region')


def test_get_azs_needs_the_stack_resources():
    tmpl = template.Template(BODY)
    ctx = tmpl.context(tmpl.parameters({}, STACK))
    with pytest.raises(
        exception.InvalidTemplate, match='cannot refer to resources'
    ):
        functions.resolve(parse({'Fn::GetAZs': ''}, ctx))


def test_import_value_bad_argument():
    fails({'Fn::ImportValue': ['a']}, 'Fn::ImportValue requires')
