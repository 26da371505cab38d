import pytest

from heat.common import exception
from heat.engine import conditions
from heat.engine import parameters
from heat.engine import template

STACK = parameters.StackInfo(
    stack_name='s', stack_id='arn', account_id='t', region='RegionOne'
)


def evaluate(conds, values=None, params=None, mappings=None):
    body = {
        'Parameters': params
        or {
            'Env': {'Type': 'String', 'Default': 'prod'},
            'Count': {'Type': 'Number', 'Default': '1'},
        },
        'Conditions': conds,
        'Resources': {'Web': {'Type': 'AWS::EC2::Instance'}},
    }
    if mappings:
        body['Mappings'] = mappings
    tmpl = template.Template(body)
    return conditions.Conditions(tmpl, tmpl.parameters(values or {}, STACK))


def refused(conds, match, values=None):
    with pytest.raises(exception.InvalidTemplate) as caught:
        evaluate(conds, values)
    assert match in str(caught.value)
    return str(caught.value)


EQ_PROD = {'Fn::Equals': [{'Ref': 'Env'}, 'prod']}
EQ_DEV = {'Fn::Equals': [{'Ref': 'Env'}, 'dev']}


def test_equals():
    conds = evaluate({'Prod': EQ_PROD, 'Dev': EQ_DEV})
    assert conds.values() == {'Prod': True, 'Dev': False}
    assert evaluate({'Dev': EQ_DEV}, {'Env': 'dev'}).is_true('Dev')


def test_equals_compares_numbers_as_text():
    conds = evaluate({'One': {'Fn::Equals': [{'Ref': 'Count'}, 1]}})
    assert conds.is_true('One')


def test_equals_compares_lists():
    conds = evaluate(
        {'Same': {'Fn::Equals': [{'Ref': 'L'}, ['a', 'b']]}},
        params={'L': {'Type': 'CommaDelimitedList', 'Default': 'a,b'}},
    )
    assert conds.is_true('Same')


def test_pseudo_parameters_can_be_compared():
    conds = evaluate(
        {'Here': {'Fn::Equals': [{'Ref': 'AWS::Region'}, 'RegionOne']}}
    )
    assert conds.is_true('Here')


@pytest.mark.parametrize(
    'fn, args, expected',
    [
        ('Fn::And', [EQ_PROD, EQ_PROD], True),
        ('Fn::And', [EQ_PROD, EQ_DEV], False),
        ('Fn::Or', [EQ_DEV, EQ_PROD], True),
        ('Fn::Or', [EQ_DEV, EQ_DEV], False),
        ('Fn::Not', [EQ_DEV], True),
        ('Fn::Not', [EQ_PROD], False),
    ],
)
def test_logic(fn, args, expected):
    assert evaluate({'C': {fn: args}}).is_true('C') is expected


def test_condition_references():
    conds = evaluate(
        {
            'Prod': EQ_PROD,
            'NotProd': {'Fn::Not': [{'Condition': 'Prod'}]},
            'Either': {
                'Fn::Or': [{'Condition': 'NotProd'}, {'Condition': 'Prod'}]
            },
        }
    )
    assert conds.values() == {'Prod': True, 'NotProd': False, 'Either': True}


def test_find_in_map_is_allowed():
    conds = evaluate(
        {
            'Big': {
                'Fn::Equals': [
                    {'Fn::FindInMap': ['Sizes', {'Ref': 'Env'}, 'Size']},
                    'large',
                ]
            }
        },
        mappings={'Sizes': {'prod': {'Size': 'large'}}},
    )
    assert conds.is_true('Big')


def test_and_needs_two_to_ten_conditions():
    refused(
        {'C': {'Fn::And': [EQ_PROD]}},
        'Fn::And requires a list of 2 to 10 conditions',
    )
    refused({'C': {'Fn::Or': [EQ_PROD] * 11}}, 'Fn::Or requires a list of 2')
    assert evaluate({'C': {'Fn::And': [EQ_PROD] * 10}}).is_true('C')


def test_not_needs_one_condition():
    refused(
        {'C': {'Fn::Not': [EQ_PROD, EQ_DEV]}},
        'Fn::Not requires a list of one condition',
    )
    refused({'C': {'Fn::Not': EQ_PROD}}, 'Fn::Not requires')


def test_equals_needs_two_values():
    refused(
        {'C': {'Fn::Equals': ['a']}},
        'Fn::Equals requires a list of two values',
    )


def test_logic_arguments_must_be_conditions():
    message = refused(
        {'C': {'Fn::And': ['yes', EQ_PROD]}}, 'Fn::And requires conditions'
    )
    assert message.startswith('Template format error: Conditions.C')


def test_non_boolean_condition_is_named():
    message = refused(
        {'Bad': {'Ref': 'Env'}},
        'Conditions.Bad: a condition must be Fn::Equals',
    )
    assert 'true or false' in message
    refused({'Bad': 'prod'}, 'Conditions.Bad')


def test_cycles_are_named():
    message = refused(
        {
            'A': {'Fn::Not': [{'Condition': 'B'}]},
            'B': {'Fn::Not': [{'Condition': 'A'}]},
        },
        'circular condition dependency',
    )
    assert 'A -> B -> A' in message


def test_self_reference_is_a_cycle():
    refused({'A': {'Fn::Not': [{'Condition': 'A'}]}}, 'A -> A')


def test_unknown_condition_reference():
    refused(
        {'A': {'Fn::Not': [{'Condition': 'Nope'}]}},
        'Condition refers to condition Nope',
    )


def test_resources_cannot_be_referenced():
    message = refused(
        {'C': {'Fn::Equals': [{'Ref': 'Web'}, 'x']}},
        'Unresolved dependencies [Web]. Cannot reference '
        'resources in the Conditions block',
    )
    assert 'Conditions.C' in message


def test_only_condition_functions_are_allowed():
    refused(
        {'C': {'Fn::Equals': [{'Fn::Join': ['', ['a']]}, 'a']}},
        'Encountered unsupported function: Fn::Join',
    )
    refused(
        {'C': {'Fn::If': ['X', True, False]}}, 'unsupported function: Fn::If'
    )


def test_unknown_name_asked_for():
    conds = evaluate({'Prod': EQ_PROD})
    with pytest.raises(exception.InvalidTemplate, match='Condition Nope'):
        conds.is_true('Nope')


def _template(conds):
    return template.Template(
        {
            'Parameters': {'Env': {'Type': 'String'}},
            'Conditions': conds,
            'Resources': {'Web': {'Type': 'T'}},
        }
    )


def test_validate_definitions_without_values():
    conditions.validate_definitions(_template({'Prod': EQ_PROD}))


def test_validate_definitions_finds_cycles_and_bad_refs():
    with pytest.raises(exception.InvalidTemplate, match='B -> C -> B'):
        conditions.validate_definitions(
            _template(
                {
                    'A': {'Condition': 'B'},
                    'B': {'Fn::Not': [{'Condition': 'C'}]},
                    'C': {'Fn::And': [EQ_PROD, {'Condition': 'B'}]},
                }
            )
        )
    with pytest.raises(exception.InvalidTemplate, match=r'\[Web\]'):
        conditions.validate_definitions(
            _template({'A': {'Fn::Equals': [{'Ref': 'Web'}, 'x']}})
        )
