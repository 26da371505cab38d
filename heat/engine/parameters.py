"""Template parameters: declared schemas, caller's values, pseudo parameters.

A parameter's value is a string (String, Number and the AWS-specific single
types: CloudFormation hands even numbers to Ref as strings) or a list of
strings (CommaDelimitedList, List<Number>, List<AWS::...>).  NoEcho values
are shown as '****' through ``display_value``; nothing here logs values.
"""

import collections.abc
import dataclasses
import re

from heat.common import exception

MASK = '****'

NO_VALUE = 'AWS::NoValue'
PSEUDO_PARAMETERS = frozenset(
    [
        'AWS::StackName',
        'AWS::StackId',
        'AWS::Region',
        'AWS::AccountId',
        NO_VALUE,
        'AWS::NotificationARNs',
        'AWS::Partition',
        'AWS::URLSuffix',
    ]
)

SCALAR_TYPES = ('String', 'Number')
LIST_TYPES = ('CommaDelimitedList', 'List<Number>')
# AWS::EC2::KeyPair::KeyName and friends: validated by AWS against the
# account; here they are plain strings (or lists of them).
AWS_TYPE = re.compile(r'AWS::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?$')
AWS_LIST_TYPE = re.compile(
    r'List<(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+'
    r'(::[A-Za-z0-9]+)?)>$'
)

SCHEMA_KEYS = frozenset(
    [
        'Type',
        'Default',
        'NoEcho',
        'Description',
        'AllowedValues',
        'AllowedPattern',
        'MinLength',
        'MaxLength',
        'MinValue',
        'MaxValue',
        'ConstraintDescription',
    ]
)


@dataclasses.dataclass(frozen=True)
class StackInfo:
    """What the pseudo parameters say about the stack being built."""

    stack_name: str
    stack_id: str  # the stack ARN
    account_id: str  # the tenant
    region: str = 'RegionOne'
    notification_arns: tuple = ()
    partition: str = 'openstack'
    url_suffix: str = 'openstack.org'

    def pseudo_values(self):
        return {
            'AWS::StackName': self.stack_name,
            'AWS::StackId': self.stack_id,
            'AWS::Region': self.region,
            'AWS::AccountId': self.account_id,
            'AWS::NotificationARNs': list(self.notification_arns),
            'AWS::Partition': self.partition,
            'AWS::URLSuffix': self.url_suffix,
        }


def _invalid(path, reason):
    return exception.InvalidTemplate(reason='%s: %s' % (path, reason))


def _as_text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def _is_number(text):
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _integer(definition, key, path):
    value = definition.get(key)
    if value is None:
        return None
    try:
        return int(_as_text(value))
    except ValueError:
        raise _invalid(
            '%s.%s' % (path, key), '%s must be an integer' % key
        ) from None


def _number(definition, key, path):
    value = definition.get(key)
    if value is None:
        return None
    if not _is_number(_as_text(value)):
        raise _invalid('%s.%s' % (path, key), '%s must be a number' % key)
    return float(_as_text(value))


def _check_type(type_name, path):
    if not isinstance(type_name, str):
        raise _invalid(
            path, 'Every Parameters object must contain a Type member.'
        )
    if type_name.startswith('AWS::SSM::Parameter::Value<'):
        raise _invalid(
            path,
            'Parameter type %s is not supported: there is '
            'no parameter store to read it from' % type_name,
        )
    known = (
        type_name in SCALAR_TYPES
        or type_name in LIST_TYPES
        or AWS_TYPE.match(type_name)
        or AWS_LIST_TYPE.match(type_name)
    )
    if not known:
        raise _invalid(path, 'Unrecognized parameter type: %s' % type_name)


@dataclasses.dataclass(frozen=True)
class ParameterSchema:
    """One entry of the Parameters section."""

    name: str
    type: str
    default: object = None
    no_echo: bool = False
    description: str = ''
    allowed_values: tuple[object, ...] | None = None
    allowed_pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    constraint_description: str | None = None

    @classmethod
    def from_template(cls, name, definition, path):
        """Read and check one declaration; raises InvalidTemplate."""
        if not isinstance(definition, dict):
            raise _invalid(path, 'a parameter must be a mapping')
        unknown = sorted(set(definition) - SCHEMA_KEYS)
        if unknown:
            raise _invalid(
                path, "Invalid template parameter property '%s'" % unknown[0]
            )
        _check_type(definition.get('Type'), path)
        allowed = definition.get('AllowedValues')
        if allowed is not None and not isinstance(allowed, list):
            raise _invalid(
                path + '.AllowedValues', 'AllowedValues must be a list'
            )
        pattern = definition.get('AllowedPattern')
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError):
                raise _invalid(
                    path + '.AllowedPattern',
                    'AllowedPattern is not a valid regular expression',
                ) from None
        default = definition.get('Default')
        return cls(
            name=name,
            type=definition['Type'],
            default=None if default is None else _default_text(default),
            no_echo=_as_text(definition.get('NoEcho', False)).lower()
            == 'true',
            description=definition.get('Description', ''),
            allowed_values=(
                None
                if allowed is None
                else tuple(_as_text(v) for v in allowed)
            ),
            allowed_pattern=pattern,
            min_length=_integer(definition, 'MinLength', path),
            max_length=_integer(definition, 'MaxLength', path),
            min_value=_number(definition, 'MinValue', path),
            max_value=_number(definition, 'MaxValue', path),
            constraint_description=definition.get('ConstraintDescription'),
        )

    @property
    def display_default(self):
        """The default as ValidateTemplate shows it: NoEcho is '****'."""
        if self.no_echo and self.default is not None:
            return MASK
        return self.default

    @property
    def is_list(self):
        return self.type in LIST_TYPES or bool(AWS_LIST_TYPE.match(self.type))

    @property
    def is_number(self):
        return self.type in ('Number', 'List<Number>')

    def value_of(self, given):
        """The typed value (str or list of str) of a caller's string or list.

        Raises ValidationError when it breaks a constraint.
        """
        if self.is_list:
            items = (
                given
                if isinstance(given, list)
                else (_as_text(given).split(',') if _as_text(given) else [])
            )
            items = [_as_text(item) for item in items]
            for item in items:
                self._check(item)
            return items
        value = _as_text(given)
        self._check(value)
        return value

    def _check(self, value):
        problem = self._problem(value)
        if problem is None:
            return
        if self.constraint_description:
            problem = 'failed to satisfy constraint: %s' % (
                self.constraint_description
            )
        raise exception.ValidationError(
            "Parameter '%s' %s" % (self.name, problem)
        )

    def _problem(self, value):
        if self.is_number:
            if not _is_number(value):
                return 'must be a number'
            if self.min_value is not None and float(value) < self.min_value:
                return 'must be a number not less than %s' % _num(
                    self.min_value
                )
            if self.max_value is not None and float(value) > self.max_value:
                return 'must be a number not greater than %s' % _num(
                    self.max_value
                )
        if self.min_length is not None and len(value) < self.min_length:
            return 'must contain at least %d characters' % self.min_length
        if self.max_length is not None and len(value) > self.max_length:
            return 'must contain at most %d characters' % self.max_length
        if (
            self.allowed_pattern is not None
            and re.fullmatch(self.allowed_pattern, value) is None
        ):
            return 'must match pattern %s' % self.allowed_pattern
        if self.allowed_values is not None and not self._is_allowed(value):
            return 'must be one of AllowedValues'
        return None

    def _is_allowed(self, value):
        if value in self.allowed_values:
            return True
        # Number parameters: '1.0' is allowed where the list says 1.
        return self.is_number and any(
            _is_number(allowed) and float(allowed) == float(value)
            for allowed in self.allowed_values
        )


def _default_text(default):
    if isinstance(default, list):
        return ','.join(_as_text(item) for item in default)
    return _as_text(default)


def _num(number):
    return str(int(number)) if number == int(number) else str(number)


def schemas_from_template(section, path='Parameters'):
    """The Parameters section as {name: ParameterSchema}."""
    return {
        name: ParameterSchema.from_template(
            name, definition, '%s.%s' % (path, name)
        )
        for name, definition in section.items()
    }


def _names(names):
    return '[%s]' % ', '.join(sorted(names))


class Parameters(collections.abc.Mapping):
    """Resolved values of declared and pseudo parameters, by name.

    ``params[name]`` is what Ref returns.  AWS::NoValue is not a value: the
    Ref function handles it by removing the containing item.
    """

    def __init__(self, schemas, values, stack):
        values = dict(values or {})
        unknown = set(values) - set(schemas)
        if unknown:
            raise exception.ValidationError(
                'Parameters: %s do not exist in the template' % _names(unknown)
            )
        missing = [
            name
            for name, schema in schemas.items()
            if name not in values and schema.default is None
        ]
        if missing:
            raise exception.ValidationError(
                'Parameters: %s must have values' % _names(missing)
            )
        self.schemas = dict(schemas)
        self._values = {
            name: schema.value_of(values.get(name, schema.default))
            for name, schema in schemas.items()
        }
        self._values.update(stack.pseudo_values())
        self.stack = stack

    @staticmethod
    def merge_previous(new_values, previous_values, use_previous):
        """Caller values plus the previous values of UsePreviousValue keys."""
        merged = dict(new_values)
        for name in use_previous:
            if name not in previous_values:
                raise exception.ValidationError(
                    'Invalid input for parameter key %s. Cannot specify '
                    'usePreviousValue as true for a parameter key not in '
                    'the previous template' % name
                )
            merged[name] = previous_values[name]
        return merged

    def __getitem__(self, name):
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def __repr__(self):
        return 'Parameters(%r)' % self.display_values()

    def is_no_echo(self, name):
        schema = self.schemas.get(name)
        return schema is not None and schema.no_echo

    def stored_value(self, name):
        """A declared parameter's value as one string (lists comma-joined)."""
        value = self._values[name]
        return ','.join(value) if isinstance(value, list) else value

    def display_value(self, name):
        """The value as responses and events show it: NoEcho is '****'."""
        return MASK if self.is_no_echo(name) else self.stored_value(name)

    def display_values(self):
        """{name: shown value} for every declared parameter."""
        return {name: self.display_value(name) for name in self.schemas}

    def stored_values(self):
        """{name: string} of every declared parameter, unmasked, to store."""
        return {name: self.stored_value(name) for name in self.schemas}
