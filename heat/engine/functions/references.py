"""Functions that name things: parameters, resources, attributes, exports."""

import re

from heat.common import exception
from heat.engine import parameters
from heat.engine.functions import base


def _unresolved(function, name):
    return function.error(
        'Unresolved resource dependencies [%s] in the %s block of the '
        'template' % (name, function.section)
    )


def _is_parameter(ctx, name):
    return (
        name in ctx.template.parameter_schemas
        or name in parameters.PSEUDO_PARAMETERS
    )


def _parameter_value(function, name):
    if name == parameters.NO_VALUE:
        return base.NO_VALUE
    if function.ctx.parameters is None:
        raise function.error('parameter %s has no value yet' % name)
    return function.ctx.parameters[name]


def _resolver(function):
    if function.ctx.resolver is None:
        raise function.error(
            '%s cannot refer to resources in the %s '
            'section' % (function.fn_name, function.section)
        )
    return function.ctx.resolver


class Ref(base.Function):
    """Ref: a parameter's (or pseudo parameter's) value, or a resource's."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not isinstance(args, str):
            raise self.error(
                'Ref requires a string: the name of a parameter or a resource'
            )

    def _is_resource(self):
        resolver = self.ctx.resolver
        return resolver is not None and resolver.has_resource(self.args)

    def validate(self):
        if not (_is_parameter(self.ctx, self.args) or self._is_resource()):
            raise _unresolved(self, self.args)

    def dependencies(self):
        if _is_parameter(self.ctx, self.args):
            return set()
        return {self.args} if self._is_resource() else set()

    def result(self):
        if _is_parameter(self.ctx, self.args):
            return _parameter_value(self, self.args)
        if not self._is_resource():
            raise _unresolved(self, self.args)
        return self.ctx.resolver.reference(self.args)


class ParameterRef(Ref):
    """Ref inside Conditions: parameters only."""

    def validate(self):
        if not _is_parameter(self.ctx, self.args):
            raise self.error(
                'Unresolved dependencies [%s]. Cannot reference '
                'resources in the Conditions block of the '
                'template' % self.args
            )

    def dependencies(self):
        return set()

    def result(self):
        self.validate()
        return _parameter_value(self, self.args)


class GetAtt(base.Function):
    """Fn::GetAtt: [resource, attribute] or 'resource.attribute'."""

    def __init__(self, ctx, fn_name, args, path):
        if isinstance(args, str) and '.' in args:
            args = args.split('.', 1)
        super().__init__(ctx, fn_name, args, path)
        if not (
            isinstance(args, list)
            and len(args) == 2
            and isinstance(args[0], str)
            and isinstance(args[1], (str, base.Function))
        ):
            raise self.error(
                'Fn::GetAtt requires [resource, attribute] or '
                '"resource.attribute"'
            )
        self.resource_name, self.attribute_name = args

    def validate(self):
        resolver = _resolver(self)
        if not resolver.has_resource(self.resource_name):
            raise self.error(
                'Template error: instance of Fn::GetAtt '
                'references undefined resource %s' % self.resource_name
            )
        if isinstance(self.attribute_name, str):
            resolver.check_attribute(self.resource_name, self.attribute_name)
        else:
            self.attribute_name.validate()

    def dependencies(self):
        return {self.resource_name} | base.dependencies(self.attribute_name)

    def result(self):
        resolver = _resolver(self)
        if not resolver.has_resource(self.resource_name):
            raise _unresolved(self, self.resource_name)
        attribute = base.resolve(self.attribute_name)
        if not isinstance(attribute, str):
            raise self.error('Fn::GetAtt requires an attribute name string')
        return resolver.attribute(self.resource_name, attribute)


class GetAZs(base.Function):
    """Fn::GetAZs: the availability zones of the (only) region."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not isinstance(args, (str, base.Function)) and args is not None:
            raise self.error('Fn::GetAZs requires a region name string')

    def result(self):
        return list(_resolver(self).availability_zones())


class ImportValue(base.Function):
    """Fn::ImportValue: no stack exports values here, so it always fails."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not isinstance(args, (str, base.Function)):
            raise self.error('Fn::ImportValue requires an export name string')

    def result(self):
        raise exception.ValidationError(
            'No export named %s found' % base.as_text(base.resolve(self.args))
        )


SUB_VARIABLE = re.compile(r'\$\{([^}]*)\}')


class Sub(base.Function):
    """Fn::Sub: 'text ${Name}' or ['text ${Name}', {Name: value}].

    ``${Param}``, ``${AWS::Region}``, ``${Resource}`` and
    ``${Resource.Attr}`` are looked up like Ref and Fn::GetAtt;
    ``${!Literal}`` stands for the text ``${Literal}``.
    """

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        text, variables = self._split_args(args)
        self.parts = self._compile(text, variables)

    def _split_args(self, args):
        if isinstance(args, str):
            return args, {}
        if (
            isinstance(args, list)
            and len(args) == 2
            and isinstance(args[0], str)
            and isinstance(args[1], dict)
        ):
            return args
        raise self.error(
            'Fn::Sub requires a string or [string, {name: value}]'
        )

    def _compile(self, text, variables):
        parts = []
        position = 0
        for match in SUB_VARIABLE.finditer(text):
            parts.append(text[position : match.start()])
            position = match.end()
            name = match.group(1).strip()
            if name.startswith('!'):
                parts.append('${%s}' % name[1:])
            elif name in variables:
                parts.append(variables[name])
            else:
                parts.append(self._reference(name))
        parts.append(text[position:])
        return [part for part in parts if part != '']

    def _reference(self, name):
        if not name:
            raise self.error('Fn::Sub has an empty variable ${}')
        if '.' in name and not _is_parameter(self.ctx, name):
            return GetAtt(
                self.ctx, 'Fn::GetAtt', name.split('.', 1), self.path
            )
        return Ref(self.ctx, 'Ref', name, self.path)

    def validate(self):
        base.validate(self.parts)

    def dependencies(self):
        return base.dependencies(self.parts)

    def result(self):
        return ''.join(self._text(part) for part in self.parts)

    def _text(self, part):
        if isinstance(part, str):
            return part
        value = base.resolve(part)
        if not base.is_scalar(value):
            raise self.error(
                'Fn::Sub variables must resolve to strings, '
                'not to a list or map'
            )
        return base.as_text(value)
