"""The machinery every intrinsic function shares: parsing, resolving, walking.

A template snippet is parsed once into a tree of plain data with Function
objects where the template calls an intrinsic.  The tree can then be
validated, asked which resources it refers to, and resolved to plain data.
"""

import dataclasses
import typing

from heat.common import exception


class _NoValue:
    """What ``Ref AWS::NoValue`` resolves to: the containing item goes away."""

    def __repr__(self):
        return 'NO_VALUE'


NO_VALUE = _NoValue()


class ResourceResolver(typing.Protocol):
    """How functions see the stack's resources (provided by the stack)."""

    def has_resource(self, name: str) -> bool: ...

    def resource_type(self, name: str) -> str: ...

    def reference(self, name: str) -> typing.Any: ...

    def attribute(self, name: str, attr: str) -> typing.Any: ...

    def check_attribute(self, name: str, attr: str) -> None: ...

    def availability_zones(self) -> list: ...


@dataclasses.dataclass
class Context:
    """What functions may look at while parsing and resolving.

    ``template`` offers ``parameter_schemas``, ``mappings`` and
    ``condition_definitions``; ``parameters`` maps names (pseudo parameters
    included) to values; ``conditions`` offers ``is_true(name)``.  The last
    three may be None while only the template's shape is being validated.
    """

    template: typing.Any
    parameters: typing.Mapping | None = None
    conditions: typing.Any = None
    resolver: ResourceResolver | None = None


def invalid(path, reason):
    return exception.InvalidTemplate(reason='%s: %s' % (path, reason))


class Function:
    """One call of an intrinsic function; ``args`` is an already parsed tree.

    Subclasses check their arguments' shape in ``__init__`` and give the
    call's value, as plain data (NO_VALUE allowed), from ``result()``.
    """

    def __init__(self, ctx, fn_name, args, path):
        self.ctx = ctx
        self.fn_name = fn_name
        self.args = args
        self.path = path

    def __repr__(self):
        return '{%r: %r}' % (self.fn_name, self.args)

    def error(self, reason):
        return invalid(self.path, reason)

    def validate(self):
        """Check references; raise InvalidTemplate naming the path."""
        validate(self.args)

    def dependencies(self):
        """Logical names of the resources this call refers to."""
        return dependencies(self.args)

    @property
    def section(self):
        return self.path.split('.', 1)[0]


def _child_path(path, key):
    return '%s.%s' % (path, key) if path else str(key)


def _looks_like_function(key):
    return key == 'Ref' or key.startswith('Fn::')


def parse(snippet, ctx, path, table):
    """Turn a snippet into a tree with Function objects from ``table``."""
    if isinstance(snippet, dict):
        if len(snippet) == 1:
            key, raw_args = next(iter(snippet.items()))
            if key in table:
                fn_path = _child_path(path, key)
                args = parse(raw_args, ctx, fn_path, table)
                return table[key](ctx, key, args, path)
            if isinstance(key, str) and _looks_like_function(key):
                raise invalid(
                    path, 'Encountered unsupported function: %s' % key
                )
        return {
            key: parse(value, ctx, _child_path(path, key), table)
            for key, value in snippet.items()
        }
    if isinstance(snippet, list):
        return [
            parse(item, ctx, '%s[%d]' % (path, index), table)
            for index, item in enumerate(snippet)
        ]
    return snippet


def resolve_value(tree):
    """Resolve a tree; may return NO_VALUE itself (functions use this)."""
    if isinstance(tree, Function):
        return tree.result()
    if isinstance(tree, dict):
        resolved = {key: resolve_value(value) for key, value in tree.items()}
        return {
            key: value
            for key, value in resolved.items()
            if value is not NO_VALUE
        }
    if isinstance(tree, list):
        resolved = (resolve_value(item) for item in tree)
        return [item for item in resolved if item is not NO_VALUE]
    return tree


def resolve(tree):
    """The plain data a tree stands for; AWS::NoValue items are removed."""
    value = resolve_value(tree)
    return None if value is NO_VALUE else value


def validate(tree):
    for function in functions_in(tree):
        function.validate()


def dependencies(tree):
    """Logical names of the resources a tree refers to."""
    names = set()
    for function in functions_in(tree):
        names |= function.dependencies()
    return names


def functions_in(tree):
    """The outermost Function objects of a tree."""
    if isinstance(tree, Function):
        yield tree
    elif isinstance(tree, dict):
        for value in tree.values():
            yield from functions_in(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from functions_in(item)


def as_text(value):
    """A scalar as CloudFormation shows it in strings."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def is_scalar(value):
    return isinstance(value, (str, int, float, bool)) or value is None
