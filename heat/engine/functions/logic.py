"""Condition functions (Fn::Equals, And, Or, Not, Condition) and Fn::If."""

from heat.engine.functions import base


def _check_declared(function, name):
    if name not in function.ctx.template.condition_definitions:
        raise function.error(
            '%s refers to condition %s, which is not in '
            'the Conditions section' % (function.fn_name, name)
        )


def _is_true(function, name):
    _check_declared(function, name)
    if function.ctx.conditions is None:
        raise function.error('condition %s has not been evaluated' % name)
    return function.ctx.conditions.is_true(name)


def _comparable(value):
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    # Templates write 1 and "1" alike; CloudFormation compares strings.
    return base.as_text(value)


class If(base.Function):
    """Fn::If: [condition name, value if true, value if false]."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not (
            isinstance(args, list)
            and len(args) == 3
            and isinstance(args[0], str)
        ):
            raise self.error(
                'Fn::If requires [condition name, value if '
                'true, value if false]'
            )
        self.condition_name = args[0]

    def validate(self):
        _check_declared(self, self.condition_name)
        base.validate(self.args[1:])

    def _branch(self):
        return (
            self.args[1]
            if _is_true(self, self.condition_name)
            else self.args[2]
        )

    def dependencies(self):
        # Once conditions are known only the chosen branch matters: the other
        # may name resources that the same condition leaves out.
        if self.ctx.conditions is None:
            return base.dependencies(self.args[1:])
        return base.dependencies(self._branch())

    def result(self):
        return base.resolve_value(self._branch())


class _Boolean(base.Function):
    def _boolean(self, tree):
        value = base.resolve(tree)
        if not isinstance(value, bool):
            raise self.error(
                '%s requires conditions (Fn::Equals, Fn::And, '
                'Fn::Or, Fn::Not or Condition) as arguments' % self.fn_name
            )
        return value


class Equals(base.Function):
    """Fn::Equals: [value, value]."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not (isinstance(args, list) and len(args) == 2):
            raise self.error('Fn::Equals requires a list of two values')

    def result(self):
        first, second = (_comparable(base.resolve(arg)) for arg in self.args)
        return first == second


class And(_Boolean):
    """Fn::And: 2 to 10 conditions, all true."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not (isinstance(args, list) and 2 <= len(args) <= 10):
            raise self.error(
                '%s requires a list of 2 to 10 conditions' % fn_name
            )

    def result(self):
        # Every condition is evaluated, so a bad one is an error whatever
        # comes before it: a list, not a short-circuiting generator.
        return all([self._boolean(arg) for arg in self.args])  # noqa: C419


class Or(And):
    """Fn::Or: 2 to 10 conditions, at least one true."""

    def result(self):
        # As And: every condition evaluated.
        return any([self._boolean(arg) for arg in self.args])  # noqa: C419


class Not(_Boolean):
    """Fn::Not: [condition]."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not (isinstance(args, list) and len(args) == 1):
            raise self.error('Fn::Not requires a list of one condition')

    def result(self):
        return not self._boolean(self.args[0])


class Condition(base.Function):
    """{'Condition': name}: the value of another declared condition."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        if not isinstance(args, str):
            raise self.error('Condition requires a condition name string')

    def validate(self):
        _check_declared(self, self.args)

    def result(self):
        return _is_true(self, self.args)


class ConditionsOnly(base.Function):
    """A condition function used outside the Conditions section."""

    def __init__(self, ctx, fn_name, args, path):
        super().__init__(ctx, fn_name, args, path)
        raise self.error(
            '%s can only be used in the Conditions section; '
            'use Fn::If with a declared condition here' % fn_name
        )
