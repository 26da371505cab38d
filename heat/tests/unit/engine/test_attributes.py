import pytest

from heat.common import exception
from heat.engine import attributes

SCHEMA = {
    'PublicIp': attributes.Attribute('The public address.'),
    'PrivateIp': attributes.Attribute(),
}


def test_declared_attribute_passes():
    attributes.check(SCHEMA, 'Web', 'PublicIp')


def test_unknown_attribute_names_resource_and_attribute():
    with pytest.raises(exception.InvalidTemplate) as info:
        attributes.check(SCHEMA, 'Web', 'PublicIP')
    assert str(info.value) == (
        'Template format error: resource Web does not support attribute '
        'type PublicIP in Fn::GetAtt'
    )


def test_describe():
    assert attributes.describe(SCHEMA) == {
        'PrivateIp': {'Description': ''},
        'PublicIp': {'Description': 'The public address.'},
    }
