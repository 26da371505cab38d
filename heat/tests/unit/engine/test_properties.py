import pytest

from heat.common import exception
from heat.engine import properties
from heat.engine.properties import Schema

PATH = 'Resources.Web.Properties'

SCHEMA = {
    'ImageId': Schema(Schema.STRING, required=True),
    'Count': Schema(Schema.INTEGER, default=1, update_allowed=True),
    'Ratio': Schema(Schema.NUMBER),
    'Monitoring': Schema(Schema.BOOLEAN, default=False),
    'Flavor': Schema(
        Schema.STRING,
        allowed_values=['m1.small', 'm1.large'],
        update_allowed=True,
    ),
    'Groups': Schema(Schema.LIST, schema=Schema(Schema.STRING)),
    'Tags': Schema(
        Schema.LIST,
        schema=Schema(
            Schema.MAP,
            schema={
                'Key': Schema(Schema.STRING, required=True),
                'Value': Schema(Schema.STRING),
            },
        ),
    ),
    'Extra': Schema(Schema.MAP),
}


def props(data, **kwargs):
    return properties.Properties(SCHEMA, data, PATH, **kwargs)


def error_of(data, **kwargs):
    with pytest.raises(exception.ValidationError) as info:
        props(data, **kwargs).validate()
    return str(info.value)


def test_valid_data_passes_and_reads_coerced_values():
    p = props(
        {
            'ImageId': 'F17',
            'Count': '5',
            'Ratio': '0.5',
            'Monitoring': 'TRUE',
            'Groups': ['a', 7],
        }
    )
    p.validate()
    assert p['Count'] == 5
    assert p['Ratio'] == 0.5
    assert p['Monitoring'] is True
    assert p['Groups'] == ['a', '7']


def test_defaults_fill_missing_and_none_values():
    p = props({'ImageId': 'F17', 'Count': None})
    assert p['Count'] == 1
    assert p['Monitoring'] is False
    assert p['Ratio'] is None


def test_mutable_default_is_a_copy():
    schema = {'L': Schema(Schema.LIST, default=['x'])}
    first = properties.Properties(schema, {}, PATH)
    first['L'].append('y')
    assert properties.Properties(schema, {}, PATH)['L'] == ['x']


def test_unknown_property_is_named_with_its_path():
    assert error_of({'ImageId': 'F17', 'Bogus': 1}) == (
        'Resources.Web.Properties.Bogus: Unknown Property Bogus'
    )


def test_missing_required_property():
    assert error_of({}) == (
        'Resources.Web.Properties.ImageId: Property ImageId not assigned'
    )


@pytest.mark.parametrize(
    'name, value, message',
    [
        ('Count', 'five', 'Value "five" is not an integer'),
        ('Count', True, 'Value "True" is not an integer'),
        ('Count', 1.5, 'Value "1.5" is not an integer'),
        ('Ratio', 'lots', 'Value "lots" is not a number'),
        ('Ratio', 'nan', 'Value "nan" is not a number'),
        ('Monitoring', 'yes', 'Value "yes" is not a boolean (true or false)'),
        ('ImageId', {'a': 1}, 'Value must be a string, not a map'),
        ('Groups', 'a,b', 'Value must be a list, not "a,b"'),
        ('Extra', ['x'], 'Value must be a map, not a list'),
    ],
)
def test_wrong_types_are_named(name, value, message):
    data = {'ImageId': 'F17', name: value}
    assert error_of(data) == '%s.%s: %s' % (PATH, name, message)


@pytest.mark.parametrize(
    'value, expected', [(True, 'true'), (3, '3'), (2.5, '2.5'), ('x', 'x')]
)
def test_scalars_coerce_to_string(value, expected):
    assert props({'ImageId': value})['ImageId'] == expected


@pytest.mark.parametrize('value, expected', [('-3', -3), (' 12 ', 12), (7, 7)])
def test_integer_accepts_numeric_strings(value, expected):
    assert props({'ImageId': 'x', 'Count': value})['Count'] == expected


def test_number_keeps_integers_integral():
    assert props({'ImageId': 'x', 'Ratio': '4'})['Ratio'] == 4
    assert isinstance(props({'ImageId': 'x', 'Ratio': '4'})['Ratio'], int)


def test_value_not_allowed():
    assert error_of({'ImageId': 'F17', 'Flavor': 'm1.huge'}) == (
        '%s.Flavor: "m1.huge" is not an allowed value '
        '[m1.small, m1.large]' % PATH
    )


def test_list_member_errors_name_the_index():
    assert error_of({'ImageId': 'F17', 'Groups': ['ok', ['no']]}) == (
        '%s.Groups[1]: Value must be a string, not a list' % PATH
    )


def test_map_members_are_checked_by_their_schema():
    assert error_of({'ImageId': 'F17', 'Tags': [{'Value': 'v'}]}) == (
        '%s.Tags[0].Key: Property Key not assigned' % PATH
    )
    assert error_of({'ImageId': 'F17', 'Tags': [{'Key': 'k', 'X': 1}]}) == (
        '%s.Tags[0].X: Unknown Property X' % PATH
    )
    tags = props({'ImageId': 'F17', 'Tags': [{'Key': 'k'}]})['Tags']
    assert tags == [{'Key': 'k'}]


def test_map_without_schema_takes_anything():
    p = props({'ImageId': 'F17', 'Extra': {'a': [1, {'b': None}]}})
    p.validate()
    assert p['Extra'] == {'a': [1, {'b': None}]}


def test_properties_must_be_a_map():
    assert error_of(['ImageId']) == '%s: Properties must be a map' % PATH


def test_no_properties_section_is_empty():
    p = properties.Properties(
        {'A': Schema(Schema.STRING, default='d')}, None, PATH
    )
    p.validate()
    assert dict(p) == {'A': 'd'}


class Ref:
    """A template function stand-in that resolves to a fixed value."""

    def __init__(self, value):
        self.value = value


def resolve(value):
    return value.value if isinstance(value, Ref) else value


def test_values_are_resolved_through_resolve():
    p = props({'ImageId': Ref('F17'), 'Count': Ref('3')}, resolve=resolve)
    p.validate()
    assert (p['ImageId'], p['Count']) == ('F17', 3)


def test_unknown_values_pass_while_validating():
    data = {
        'ImageId': Ref(None),
        'Count': Ref(None),
        'Groups': ['a', None],
        'Tags': [{'Key': None}],
    }
    p = props(data, resolve=resolve, validating=True)
    p.validate()
    assert p['ImageId'] is None


def test_unknown_values_are_missing_once_resolved_for_real():
    p = props({'ImageId': Ref(None)}, resolve=resolve)
    with pytest.raises(exception.ValidationError, match='not assigned'):
        p.validate()


def test_known_values_are_still_checked_while_validating():
    p = props(
        {'ImageId': Ref(None), 'Count': 'x'}, resolve=resolve, validating=True
    )
    with pytest.raises(exception.ValidationError, match='Count'):
        p.validate()


def test_values_are_resolved_once():
    calls = []

    def counting(value):
        calls.append(value)
        return value

    p = props({'ImageId': 'F17'}, resolve=counting)
    p['ImageId']
    p['ImageId']
    assert calls.count('F17') == 1


def test_changed_names_the_differing_properties():
    old = props({'ImageId': 'F17', 'Count': 1, 'Flavor': 'm1.small'})
    new = props({'ImageId': 'F17', 'Count': '2', 'Flavor': 'm1.large'})
    assert old.changed(new) == {'Count', 'Flavor'}
    assert old.changed(props({'ImageId': 'F17'})) == {'Flavor'}


def test_default_and_explicit_default_are_no_change():
    assert (
        props({'ImageId': 'a'}).changed(props({'ImageId': 'a', 'Count': 1}))
        == set()
    )


def test_update_allowed():
    p = props({'ImageId': 'F17'})
    assert p.update_allowed({'Count', 'Flavor'})
    assert p.update_allowed(set())
    assert not p.update_allowed({'Count', 'ImageId'})


def test_mapping_protocol():
    p = props({'ImageId': 'F17'})
    assert 'ImageId' in p
    assert 'Bogus' not in p
    assert len(p) == len(SCHEMA)
    assert p.get('Count') == 1


@pytest.mark.parametrize(
    'constraint, good, bad, message',
    [
        (
            properties.Length(min=2, max=3),
            'abc',
            'abcd',
            'length must be at most 3',
        ),
        (properties.Length(min=2), 'ab', 'a', 'length must be at least 2'),
    ],
)
def test_string_constraints(constraint, good, bad, message):
    schema = {'S': Schema(Schema.STRING, constraints=[constraint])}
    properties.Properties(schema, {'S': good}, PATH).validate()
    with pytest.raises(exception.ValidationError) as info:
        properties.Properties(schema, {'S': bad}, PATH).validate()
    assert str(info.value) == '%s.S: %s' % (PATH, message)


def test_range_constraint():
    schema = {
        'N': Schema(Schema.INTEGER, constraints=[properties.Range(1, 10)])
    }
    properties.Properties(schema, {'N': '10'}, PATH).validate()
    with pytest.raises(
        exception.ValidationError, match=r'\.N: 11 is more than 10'
    ):
        properties.Properties(schema, {'N': 11}, PATH).validate()
    with pytest.raises(
        exception.ValidationError, match=r'\.N: 0 is less than 1'
    ):
        properties.Properties(schema, {'N': 0}, PATH).validate()


def test_describe_schema():
    schema = {
        'Size': Schema(
            Schema.INTEGER,
            required=True,
            description='GB',
            constraints=[properties.Range(1, 1024)],
        ),
        'Tags': Schema(Schema.LIST, schema=Schema(Schema.STRING), default=[]),
        'Kind': Schema(
            Schema.STRING, allowed_values=['a', 'b'], update_allowed=True
        ),
    }
    assert properties.describe(schema) == {
        'Kind': {
            'Type': 'String',
            'Required': False,
            'UpdateAllowed': True,
            'AllowedValues': ['a', 'b'],
        },
        'Size': {
            'Type': 'Integer',
            'Required': True,
            'UpdateAllowed': False,
            'Description': 'GB',
            'MinValue': 1,
            'MaxValue': 1024,
        },
        'Tags': {
            'Type': 'List',
            'Required': False,
            'UpdateAllowed': False,
            'Default': [],
            'Schema': {
                'Type': 'String',
                'Required': False,
                'UpdateAllowed': False,
            },
        },
    }
