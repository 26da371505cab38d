"""Fn::Join, Base64, Select, Split, FindInMap, Cidr, If, Replace and
MemberListToMap."""

import base64

import pytest

from heat.common import exception
from heat.engine import functions
from heat.engine import parameters
from heat.engine import template
from heat.tests.unit.engine.fakes import FakeResolver

STACK = parameters.StackInfo(
    stack_name='s', stack_id='arn', account_id='t', region='RegionOne'
)

BODY = {
    'Parameters': {
        'Env': {'Type': 'String', 'Default': 'prod'},
        'Arch': {'Type': 'String', 'Default': '64'},
    },
    'Mappings': {
        'Images': {
            'RegionOne': {'64': 'img-64', 'list': ['a', 'b']},
            'RegionTwo': {'64': 'img-64b'},
        },
        'Numbers': {'1': {'2': 'one-two'}},
    },
    'Conditions': {
        'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']},
        'IsDev': {'Fn::Equals': [{'Ref': 'Env'}, 'dev']},
    },
    'Resources': {
        'Web': {'Type': 'AWS::EC2::Instance'},
        'Big': {'Type': 'AWS::EC2::Volume', 'Condition': 'IsDev'},
    },
}


ZONES = ('az1', 'az2', 'az3')


def context(values=None):
    tmpl = template.Template(BODY)
    return tmpl.context(
        tmpl.parameters(values or {}, STACK), FakeResolver(tmpl, zones=ZONES)
    )


def parse(snippet, ctx=None):
    return functions.parse(
        snippet,
        ctx or context(),
        'Resources.Web.P',
        functions.RESOURCE_FUNCTIONS,
    )


def run(snippet, ctx=None):
    tree = parse(snippet, ctx)
    functions.validate(tree)
    return functions.resolve(tree)


def fails(snippet, match, ctx=None):
    with pytest.raises(exception.InvalidTemplate) as caught:
        run(snippet, ctx)
    assert match in str(caught.value)
    return str(caught.value)


def test_join():
    assert run({'Fn::Join': ['-', ['a', {'Ref': 'Env'}, 3]]}) == 'a-prod-3'
    assert run({'Fn::Join': [',', {'Fn::GetAZs': ''}]}) == 'az1,az2,az3'
    assert run({'Fn::Join': ['', []]}) == ''


def test_join_bad_arguments_name_the_function_and_path():
    message = fails(
        {'Fn::Join': 'abc'},
        'Fn::Join requires a list of [delimiter, [values]]',
    )
    assert message.startswith('Template format error: Resources.Web.P: ')
    fails({'Fn::Join': [',', 'abc']}, 'Fn::Join requires')
    fails({'Fn::Join': [1, ['a']]}, 'Fn::Join requires')
    fails({'Fn::Join': [',', ['a', ['nested']]]}, 'each value to be a string')
    fails({'Fn::Join': [',', {'Ref': 'Env'}]}, 'Fn::Join requires')


def test_base64_encodes_utf8():
    encoded = run(
        {'Fn::Base64': {'Fn::Join': ['', ['caf\u00e9 ', {'Ref': 'Env'}]]}}
    )
    assert base64.b64decode(encoded).decode('utf-8') == 'caf\u00e9 prod'


def test_base64_requires_a_string():
    fails(
        {'Fn::Base64': ['a']},
        'Fn::Base64 requires its argument to be a string',
    )


def test_select():
    assert run({'Fn::Select': ['1', ['a', 'b']]}) == 'b'
    assert run({'Fn::Select': [2, {'Fn::GetAZs': ''}]}) == 'az3'


def test_select_out_of_range():
    fails(
        {'Fn::Select': [2, ['a', 'b']]},
        'Fn::Select cannot select nonexistent value at index 2',
    )
    fails({'Fn::Select': [-1, ['a']]}, 'nonexistent value at index -1')


def test_select_bad_arguments():
    fails({'Fn::Select': ['x', ['a']]}, 'integer')
    fails({'Fn::Select': [0, 'a']}, 'a list to select from')
    fails({'Fn::Select': [0]}, '[index, list]')


def test_split():
    assert run({'Fn::Split': [',', 'a,b,,c']}) == ['a', 'b', '', 'c']
    assert run({'Fn::Select': [1, {'Fn::Split': ['|', 'x|y']}]}) == 'y'
    fails({'Fn::Split': ['', 'abc']}, 'non-empty delimiter')
    fails({'Fn::Split': [',', ['a']]}, 'a string')


def test_find_in_map():
    assert (
        run(
            {
                'Fn::FindInMap': [
                    'Images',
                    {'Ref': 'AWS::Region'},
                    {'Ref': 'Arch'},
                ]
            }
        )
        == 'img-64'
    )
    assert run({'Fn::FindInMap': ['Images', 'RegionOne', 'list']}) == [
        'a',
        'b',
    ]
    assert run({'Fn::FindInMap': ['Numbers', 1, 2]}) == 'one-two'


def test_find_in_map_missing_keys():
    fails(
        {'Fn::FindInMap': ['Images', 'RegionThree', '64']},
        'Unable to get mapping for Images::RegionThree::64',
    )
    fails(
        {'Fn::FindInMap': ['Images', 'RegionOne', '32']},
        'Unable to get mapping for Images::RegionOne::32',
    )
    fails(
        {'Fn::FindInMap': ['Nope', 'a', 'b']},
        'refers to mapping Nope, which is not in the Mappings section',
    )
    fails(
        {'Fn::FindInMap': ['Images', 'RegionOne']},
        '[MapName, TopLevelKey, SecondLevelKey]',
    )


def test_cidr_ipv4():
    assert run({'Fn::Cidr': ['10.0.0.0/16', 3, 8]}) == [
        '10.0.0.0/24',
        '10.0.1.0/24',
        '10.0.2.0/24',
    ]
    assert run({'Fn::Cidr': ['192.168.0.0/24', '2', '6']}) == [
        '192.168.0.0/26',
        '192.168.0.64/26',
    ]


def test_cidr_ipv6():
    assert run({'Fn::Cidr': ['2001:db8::/56', 2, 64]}) == [
        '2001:db8::/64',
        '2001:db8:0:1::/64',
    ]


def test_cidr_errors():
    fails({'Fn::Cidr': ['not-a-block', 1, 8]}, 'address block')
    fails({'Fn::Cidr': ['10.0.0.0/24', 1, 9]}, 'cidrBits 9 does not fit')
    fails({'Fn::Cidr': ['10.0.0.0/24', 2, 8]}, 'cannot make 2 subnets')
    fails({'Fn::Cidr': ['10.0.0.0/24', 5, 7]}, 'cannot make 5 subnets')
    fails({'Fn::Cidr': ['10.0.0.0/16', 0, 8]}, 'between 1 and 256')
    fails({'Fn::Cidr': ['10.0.0.0/16', 1]}, '[ipBlock, count, cidrBits]')


def test_if_chooses_a_branch():
    assert run({'Fn::If': ['IsProd', 'big', 'small']}) == 'big'
    assert run({'Fn::If': ['IsDev', 'big', 'small']}) == 'small'
    dev = context({'Env': 'dev'})
    assert run({'Fn::If': ['IsDev', {'Ref': 'Web'}, 'small']}, dev) == 'id-Web'


def test_if_with_no_value_removes_the_property():
    assert run(
        {
            'A': {'Fn::If': ['IsDev', 'x', {'Ref': 'AWS::NoValue'}]},
            'B': ['1', {'Fn::If': ['IsProd', {'Ref': 'AWS::NoValue'}, '2']}],
        }
    ) == {'B': ['1']}


def test_if_dependencies_follow_the_chosen_branch():
    tree = parse({'Fn::If': ['IsDev', {'Ref': 'Big'}, {'Ref': 'Web'}]})
    assert functions.dependencies(tree) == {'Web'}


def test_if_dependencies_without_conditions_cover_both_branches():
    tmpl = template.Template(BODY)
    ctx = tmpl.context(resolver=FakeResolver(tmpl, zones=ZONES))
    tree = parse({'Fn::If': ['IsDev', {'Ref': 'Big'}, {'Ref': 'Web'}]}, ctx)
    assert functions.dependencies(tree) == {'Web', 'Big'}


def test_if_needs_a_declared_condition():
    fails(
        {'Fn::If': ['Nope', 'a', 'b']},
        'Fn::If refers to condition Nope, which is not in the Conditions '
        'section',
    )
    fails({'Fn::If': ['IsProd', 'a']}, 'Fn::If requires [condition name')
    fails({'Fn::If': [{'Condition': 'IsProd'}, 'a', 'b']}, 'Fn::If requires')


def test_replace():
    assert (
        run(
            {
                'Fn::Replace': [
                    {'$env': {'Ref': 'Env'}, '%x%': 'y'},
                    'run $env with %x%',
                ]
            }
        )
        == 'run prod with y'
    )
    fails({'Fn::Replace': ['a', 'b']}, 'Fn::Replace requires')
    fails({'Fn::Replace': [{'a': 'b'}]}, 'Fn::Replace requires')


def test_member_list_to_map():
    assert run(
        {
            'Fn::MemberListToMap': [
                'Name',
                'Value',
                [
                    '.member.0.Name=key',
                    '.member.0.Value=door',
                    '.member.1.Name=colour',
                    '.member.1.Value=red',
                ],
            ]
        }
    ) == {'key': 'door', 'colour': 'red'}


def test_member_list_to_map_errors():
    fails(
        {'Fn::MemberListToMap': ['Name', 'Value', ['nonsense']]}, 'cannot read'
    )
    fails(
        {'Fn::MemberListToMap': ['Name', 'Value', 'x']},
        'Fn::MemberListToMap requires',
    )
