"""The Conditions section: each named condition evaluated once to a bool."""

from heat.common import exception
from heat.engine import functions


def _invalid(name, reason):
    return exception.InvalidTemplate(
        reason='Conditions.%s: %s' % (name, reason)
    )


def parse_definitions(ctx):
    """{name: function tree} of the template's Conditions section."""
    return {
        name: functions.parse(
            definition,
            ctx,
            'Conditions.%s' % name,
            functions.CONDITION_FUNCTIONS,
        )
        for name, definition in ctx.template.condition_definitions.items()
    }


def validate_definitions(template):
    """Check the Conditions section without parameter values.

    Every reference must exist and no condition may depend on itself.
    """
    ctx = functions.Context(template)
    trees = parse_definitions(ctx)
    for tree in trees.values():
        functions.validate(tree)
    for name in trees:
        _check_cycle(trees, name, [])


def _referenced_conditions(tree):
    for function in functions.functions_in(tree):
        if isinstance(function, functions.logic.Condition):
            yield function.args
        else:
            yield from _referenced_conditions(function.args)


def _check_cycle(trees, name, chain):
    if name in chain:
        raise _cycle_error(chain + [name])
    for referenced in _referenced_conditions(trees[name]):
        _check_cycle(trees, referenced, chain + [name])


def _cycle_error(chain):
    start = chain.index(chain[-1])
    return _invalid(
        chain[start],
        'circular condition dependency: %s' % ' -> '.join(chain[start:]),
    )


class Conditions:
    """Evaluated conditions of one template with one set of parameters."""

    def __init__(self, template, parameters):
        ctx = functions.Context(template, parameters, conditions=self)
        self._trees = parse_definitions(ctx)
        self._values = {}
        self._evaluating = []
        # Evaluate everything now, so a bad condition fails the operation
        # at its start rather than half-way through.
        for name in self._trees:
            self.is_true(name)

    def is_true(self, name):
        if name in self._values:
            return self._values[name]
        if name not in self._trees:
            raise exception.InvalidTemplate(
                reason='Condition %s is not in the Conditions section' % name
            )
        if name in self._evaluating:
            raise _cycle_error(self._evaluating + [name])
        self._evaluating.append(name)
        try:
            functions.validate(self._trees[name])
            value = functions.resolve(self._trees[name])
        finally:
            self._evaluating.pop()
        if not isinstance(value, bool):
            raise _invalid(
                name,
                'a condition must be Fn::Equals, Fn::And, '
                'Fn::Or, Fn::Not or Condition, giving true '
                'or false',
            )
        self._values[name] = value
        return value

    def values(self):
        """{name: bool} of every condition."""
        return dict(self._values)
