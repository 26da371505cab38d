"""Declared properties of a resource type, and their values in a template.

Each resource type declares a ``properties_schema``: a dict of property name
to ``Schema``.  ``Properties`` checks a template's values against it
(``validate``), hands out coerced values (``props[name]``) and compares two
sets of values for updates (``changed``, ``update_allowed``).

Template values may hold intrinsic functions; ``Properties`` resolves each
value through the ``resolve`` callable it is given.  When the stack is being
validated its resources do not exist yet and references resolve to None:
with ``validating=True`` such a value is unknown and passes every check.
"""

import collections.abc
import copy
import dataclasses
import enum
import math
import re
import typing

from heat.common import exception


class Type(enum.Enum):
    STRING = 'String'
    INTEGER = 'Integer'
    NUMBER = 'Number'
    BOOLEAN = 'Boolean'
    LIST = 'List'
    MAP = 'Map'


STRING = Type.STRING
INTEGER = Type.INTEGER
NUMBER = Type.NUMBER
BOOLEAN = Type.BOOLEAN
LIST = Type.LIST
MAP = Type.MAP


@dataclasses.dataclass(frozen=True)
class Length:
    """Bounds on the length of a string, list or map."""

    min: int | None = None
    max: int | None = None

    def check(self, value):
        if self.min is not None and len(value) < self.min:
            raise ValueError('length must be at least %d' % self.min)
        if self.max is not None and len(value) > self.max:
            raise ValueError('length must be at most %d' % self.max)

    def describe(self):
        return _bounds('MinLength', self.min, 'MaxLength', self.max)


@dataclasses.dataclass(frozen=True)
class Range:
    """Bounds on a number."""

    min: float | None = None
    max: float | None = None

    def check(self, value):
        if self.min is not None and value < self.min:
            raise ValueError('%s is less than %s' % (value, self.min))
        if self.max is not None and value > self.max:
            raise ValueError('%s is more than %s' % (value, self.max))

    def describe(self):
        return _bounds('MinValue', self.min, 'MaxValue', self.max)


def _bounds(min_key, min_value, max_key, max_value):
    bounds = {min_key: min_value, max_key: max_value}
    return {k: v for k, v in bounds.items() if v is not None}


@dataclasses.dataclass(frozen=True)
class Schema:
    """What one property accepts.

    ``schema`` describes members: for a LIST, one Schema every item
    follows; for a MAP, a dict of key to Schema (keys not in it are
    rejected).  A LIST or MAP without ``schema`` accepts any members.
    """

    STRING: typing.ClassVar = STRING
    INTEGER: typing.ClassVar = INTEGER
    NUMBER: typing.ClassVar = NUMBER
    BOOLEAN: typing.ClassVar = BOOLEAN
    LIST: typing.ClassVar = LIST
    MAP: typing.ClassVar = MAP

    type: Type
    required: bool = False
    default: typing.Any = None
    allowed_values: typing.Sequence | None = None
    update_allowed: bool = False
    schema: typing.Any = None
    description: str = ''
    constraints: typing.Sequence = ()

    def describe(self):
        """The schema as plain data, for API answers and documentation."""
        text = {
            'Type': self.type.value,
            'Required': self.required,
            'UpdateAllowed': self.update_allowed,
        }
        if self.description:
            text['Description'] = self.description
        if self.default is not None:
            text['Default'] = self.default
        if self.allowed_values is not None:
            text['AllowedValues'] = list(self.allowed_values)
        for constraint in self.constraints:
            text.update(constraint.describe())
        if isinstance(self.schema, Schema):
            text['Schema'] = self.schema.describe()
        elif self.schema is not None:
            text['Schema'] = describe(self.schema)
        return text


def describe(schema):
    """A whole properties schema as plain data."""
    return {name: prop.describe() for name, prop in sorted(schema.items())}


def _identity(value):
    return value


class Properties(collections.abc.Mapping):
    """The values a template gives a resource, read through their schema.

    ``path`` names the properties in error messages, e.g.
    ``Resources.Web.Properties``; ``resolve`` turns one property's template
    value into plain data (on first read, then kept).  A property set to
    None counts as not given: its default applies, except while
    validating, where it is taken for a function whose value is not known
    yet.
    """

    def __init__(
        self, schema, data, path, resolve=_identity, validating=False
    ):
        self.schema = schema
        self.data = data or {}
        self.path = path
        self.resolve = resolve
        self.validating = validating
        self._resolved = {}

    def validate(self):
        """Raise ValidationError naming the first property in error."""
        if not isinstance(self.data, collections.abc.Mapping):
            raise exception.ValidationError(
                '%s: Properties must be a map' % self.path
            )
        for name in self.data:
            if name not in self.schema:
                raise exception.ValidationError(
                    '%s.%s: Unknown Property %s' % (self.path, name, name)
                )
        for name in self.schema:
            self[name]

    def __getitem__(self, name):
        """The coerced value of a property, or its default."""
        prop = self.schema[name]
        value = self._value(name)
        if value is not None:
            return _coerce(
                prop, value, '%s.%s' % (self.path, name), self.validating
            )
        if self._unknown(name):
            return None
        if prop.required:
            raise exception.ValidationError(
                '%s.%s: Property %s not assigned' % (self.path, name, name)
            )
        return copy.deepcopy(prop.default)

    def __contains__(self, name):
        return name in self.schema

    def __iter__(self):
        return iter(self.schema)

    def __len__(self):
        return len(self.schema)

    def changed(self, other):
        """Names of the properties whose values differ in ``other``."""
        return {name for name in self.schema if self[name] != other[name]}

    def update_allowed(self, names):
        """Whether all the named properties can change without replacement."""
        return all(self.schema[name].update_allowed for name in names)

    def _value(self, name):
        if name not in self._resolved:
            self._resolved[name] = self.resolve(self.data.get(name))
        return self._resolved[name]

    def _unknown(self, name):
        # Given, yet None during validation: a function whose value depends
        # on a resource that does not exist yet.
        return self.validating and name in self.data


def _coerce(prop, value, path, validating):
    """The value converted to the property's type; raise if it cannot be."""
    if value is None and validating:
        return None
    try:
        value = _CONVERTERS[prop.type](value)
    except (TypeError, ValueError) as exc:
        raise exception.ValidationError('%s: %s' % (path, exc)) from None
    if prop.allowed_values is not None and value not in prop.allowed_values:
        raise exception.ValidationError(
            '%s: "%s" is not an allowed value [%s]'
            % (path, value, ', '.join(str(v) for v in prop.allowed_values))
        )
    for constraint in prop.constraints:
        try:
            constraint.check(value)
        except ValueError as exc:
            raise exception.ValidationError('%s: %s' % (path, exc)) from None
    if prop.type is LIST and prop.schema is not None:
        return [
            _coerce(prop.schema, item, '%s[%d]' % (path, i), validating)
            for i, item in enumerate(value)
        ]
    if prop.type is MAP and prop.schema is not None:
        members = Properties(prop.schema, value, path, validating=validating)
        members.validate()
        return {
            name: members[name]
            for name in prop.schema
            if members[name] is not None
        }
    return value


def _to_string(value):
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    raise TypeError('Value must be a string, not %s' % _kind(value))


def _to_integer(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r'\s*[-+]?\d+\s*', value):
        return int(value)
    raise ValueError('Value "%s" is not an integer' % (value,))


def _to_number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return number
    raise ValueError('Value "%s" is not a number' % (value,))


def _to_boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ('true', 'false'):
        return value.lower() == 'true'
    raise ValueError('Value "%s" is not a boolean (true or false)' % (value,))


def _to_list(value):
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TypeError('Value must be a list, not %s' % _kind(value))


def _to_map(value):
    if isinstance(value, collections.abc.Mapping):
        return dict(value)
    raise TypeError('Value must be a map, not %s' % _kind(value))


def _kind(value):
    if isinstance(value, collections.abc.Mapping):
        return 'a map'
    if isinstance(value, (list, tuple)):
        return 'a list'
    return '"%s"' % (value,)


_CONVERTERS = {
    STRING: _to_string,
    INTEGER: _to_integer,
    NUMBER: _to_number,
    BOOLEAN: _to_boolean,
    LIST: _to_list,
    MAP: _to_map,
}
