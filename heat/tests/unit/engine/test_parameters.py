import pytest

from heat.common import exception
from heat.engine import parameters

STACK = parameters.StackInfo(
    stack_name='web',
    account_id='tenant1',
    region='RegionOne',
    stack_id='arn:openstack:heat::tenant1:stacks/web/1234',
    notification_arns=('arn:topic',),
)


def schemas(**section):
    return parameters.schemas_from_template(section)


def values(section, given, stack=STACK):
    return parameters.Parameters(schemas(**section), given, stack)


def refused(section, given):
    with pytest.raises(exception.ValidationError) as caught:
        values(section, given)
    return str(caught.value)


def test_string_value_and_default():
    params = values(
        {'A': {'Type': 'String'}, 'B': {'Type': 'String', 'Default': 'dflt'}},
        {'A': 'x'},
    )
    assert params['A'] == 'x'
    assert params['B'] == 'dflt'


def test_number_value_stays_a_string_for_ref():
    params = values({'N': {'Type': 'Number', 'Default': 5}}, {})
    assert params['N'] == '5'


def test_comma_delimited_list_and_list_of_numbers():
    params = values(
        {
            'L': {'Type': 'CommaDelimitedList'},
            'N': {'Type': 'List<Number>', 'Default': '1,2'},
        },
        {'L': 'a,b,c'},
    )
    assert params['L'] == ['a', 'b', 'c']
    assert params['N'] == ['1', '2']
    assert params.stored_value('L') == 'a,b,c'


def test_list_of_numbers_checks_every_item():
    message = refused({'N': {'Type': 'List<Number>'}}, {'N': '1,x'})
    assert message == "Parameter 'N' must be a number"


def test_aws_specific_types_are_strings_and_lists():
    params = values(
        {
            'K': {'Type': 'AWS::EC2::KeyPair::KeyName'},
            'I': {'Type': 'AWS::EC2::Image::Id'},
            'S': {'Type': 'List<AWS::EC2::Subnet::Id>'},
        },
        {'K': 'mykey', 'I': 'ami-1', 'S': 'sn-1,sn-2'},
    )
    assert params['K'] == 'mykey'
    assert params['I'] == 'ami-1'
    assert params['S'] == ['sn-1', 'sn-2']


def test_ssm_parameter_types_are_refused():
    with pytest.raises(exception.InvalidTemplate) as caught:
        schemas(P={'Type': 'AWS::SSM::Parameter::Value<String>'})
    assert 'Parameters.P' in str(caught.value)
    assert 'not supported' in str(caught.value)


def test_unknown_type_is_refused():
    with pytest.raises(
        exception.InvalidTemplate,
        match='Parameters.P: Unrecognized parameter type: Strin',
    ):
        schemas(P={'Type': 'Strin'})


def test_missing_type_is_refused():
    with pytest.raises(exception.InvalidTemplate, match='Type member'):
        schemas(P={'Default': 'x'})


def test_unknown_parameter_property_is_refused():
    with pytest.raises(
        exception.InvalidTemplate,
        match="Invalid template parameter property 'Bogus'",
    ):
        schemas(P={'Type': 'String', 'Bogus': 1})


def test_bad_pattern_and_lengths_are_template_errors():
    with pytest.raises(exception.InvalidTemplate, match='AllowedPattern'):
        schemas(P={'Type': 'String', 'AllowedPattern': '('})
    with pytest.raises(exception.InvalidTemplate, match='MinLength'):
        schemas(P={'Type': 'String', 'MinLength': 'one'})
    with pytest.raises(exception.InvalidTemplate, match='MaxValue'):
        schemas(P={'Type': 'Number', 'MaxValue': 'ten'})


def test_lengths_given_as_strings_are_read():
    schema = schemas(P={'Type': 'String', 'MinLength': '1', 'MaxLength': '3'})[
        'P'
    ]
    assert (schema.min_length, schema.max_length) == (1, 3)


@pytest.mark.parametrize(
    'definition, value, message',
    [
        (
            {'Type': 'String', 'AllowedValues': ['a', 'b']},
            'c',
            "Parameter 'P' must be one of AllowedValues",
        ),
        (
            {'Type': 'String', 'AllowedPattern': '[a-z]+'},
            'abc1',
            "Parameter 'P' must match pattern [a-z]+",
        ),
        (
            {'Type': 'String', 'MinLength': 2},
            'a',
            "Parameter 'P' must contain at least 2 characters",
        ),
        (
            {'Type': 'String', 'MaxLength': 2},
            'abc',
            "Parameter 'P' must contain at most 2 characters",
        ),
        (
            {'Type': 'Number', 'MinValue': 1},
            '0',
            "Parameter 'P' must be a number not less than 1",
        ),
        (
            {'Type': 'Number', 'MaxValue': 5.5},
            '6',
            "Parameter 'P' must be a number not greater than 5.5",
        ),
        ({'Type': 'Number'}, 'ten', "Parameter 'P' must be a number"),
    ],
)
def test_constraint_messages(definition, value, message):
    assert refused({'P': definition}, {'P': value}) == message


@pytest.mark.parametrize(
    'definition, value',
    [
        ({'Type': 'String', 'AllowedValues': ['a', 'b']}, 'b'),
        ({'Type': 'String', 'AllowedPattern': '[a-z]+'}, 'abc'),
        ({'Type': 'String', 'MinLength': 2, 'MaxLength': 3}, 'abc'),
        ({'Type': 'Number', 'MinValue': 1, 'MaxValue': 5}, '5'),
        ({'Type': 'Number', 'AllowedValues': [1, 2]}, '2.0'),
    ],
)
def test_values_within_constraints_pass(definition, value):
    assert values({'P': definition}, {'P': value})['P'] == value


def test_pattern_must_match_the_whole_string():
    message = refused(
        {'P': {'Type': 'String', 'AllowedPattern': '[0-9]'}}, {'P': '12'}
    )
    assert 'must match pattern' in message


def test_constraint_description_replaces_the_message():
    message = refused(
        {
            'P': {
                'Type': 'String',
                'AllowedPattern': '[a-z]*',
                'ConstraintDescription': 'lower case only',
            }
        },
        {'P': 'ABC'},
    )
    assert (
        message == "Parameter 'P' failed to satisfy constraint: "
        'lower case only'
    )


def test_defaults_are_checked_too():
    message = refused(
        {'P': {'Type': 'Number', 'Default': '9', 'MaxValue': 5}}, {}
    )
    assert 'not greater than 5' in message


def test_unknown_parameters_are_named():
    message = refused(
        {'A': {'Type': 'String', 'Default': 'x'}}, {'Zed': '1', 'Bee': '2'}
    )
    assert message == 'Parameters: [Bee, Zed] do not exist in the template'


def test_missing_parameters_are_named():
    message = refused(
        {
            'A': {'Type': 'String'},
            'B': {'Type': 'String'},
            'C': {'Type': 'String', 'Default': ''},
        },
        {},
    )
    assert message == 'Parameters: [A, B] must have values'


def test_empty_default_counts_as_a_value():
    assert values({'A': {'Type': 'String', 'Default': ''}}, {})['A'] == ''


def test_no_echo_values_are_masked_everywhere_they_are_shown():
    params = values(
        {
            'Pw': {'Type': 'String', 'NoEcho': 'true'},
            'User': {'Type': 'String'},
        },
        {'Pw': 's3cret', 'User': 'bob'},
    )
    assert params['Pw'] == 's3cret'
    assert params.display_value('Pw') == '****'
    assert params.display_values() == {'Pw': '****', 'User': 'bob'}
    assert 's3cret' not in repr(params)
    assert params.stored_values() == {'Pw': 's3cret', 'User': 'bob'}


def test_no_echo_defaults_are_masked_for_display():
    section = schemas(
        Pw={'Type': 'String', 'NoEcho': 'true', 'Default': 'd'},
        User={'Type': 'String', 'Default': 'bob'},
    )
    assert section['Pw'].display_default == '****'
    assert section['User'].display_default == 'bob'


def test_no_echo_accepts_a_boolean():
    params = values({'Pw': {'Type': 'String', 'NoEcho': True}}, {'Pw': 'x'})
    assert params.is_no_echo('Pw')


def test_pseudo_parameters():
    params = values({}, {})
    assert params['AWS::StackName'] == 'web'
    assert (
        params['AWS::StackId'] == 'arn:openstack:heat::tenant1:stacks/web/1234'
    )
    assert params['AWS::Region'] == 'RegionOne'
    assert params['AWS::AccountId'] == 'tenant1'
    assert params['AWS::NotificationARNs'] == ['arn:topic']
    assert params['AWS::Partition'] == 'openstack'
    assert params['AWS::URLSuffix'] == 'openstack.org'
    assert set(params.display_values()) == set()


def test_merge_previous_takes_previous_values_for_named_keys():
    merged = parameters.Parameters.merge_previous(
        {'A': 'new'}, {'A': 'old-a', 'B': 'old-b'}, ['B']
    )
    assert merged == {'A': 'new', 'B': 'old-b'}


def test_merge_previous_refuses_keys_without_a_previous_value():
    with pytest.raises(
        exception.ValidationError,
        match='parameter key C. Cannot specify usePreviousValue',
    ):
        parameters.Parameters.merge_previous({}, {'A': 'x'}, ['C'])
