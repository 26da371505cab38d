"""Declared attributes of a resource type: what Fn::GetAtt may ask for.

Each resource type declares an ``attributes_schema``: a dict of attribute
name to ``Attribute``.
"""

import dataclasses

from heat.common import exception


@dataclasses.dataclass(frozen=True)
class Attribute:
    description: str = ''


def check(schema, resource_name, attribute_name):
    """Raise InvalidTemplate unless the schema declares the attribute."""
    if attribute_name not in schema:
        raise exception.InvalidTemplate(
            reason='resource %s does not support attribute type %s in '
            'Fn::GetAtt' % (resource_name, attribute_name)
        )


def describe(schema):
    """The attributes as plain data, for API answers and documentation."""
    return {
        name: {'Description': attr.description}
        for name, attr in sorted(schema.items())
    }
