"""UpdateStack: bring a stack to a new template and parameters, or back.

prepare() checks the request and builds the *target*: the stack as the new
template and parameters make it, holding the resources as they stand.  The
update then runs in CloudFormation's steps:

1. UPDATE_IN_PROGRESS, in the new template's order: added resources are
   created, changed ones updated in place, or replaced by a new resource
   (with a row of its own) that their dependents then resolve to.
2. UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: the stack keeps the new template;
   removed resources and replaced ones are deleted in the old template's
   reverse order.  Then UPDATE_COMPLETE.

If step 1 fails, times out or is cancelled, the update rolls back:
UPDATE_ROLLBACK_IN_PROGRESS puts changed resources back to their old
definitions (in the old order); UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS
deletes what the update created; then UPDATE_ROLLBACK_COMPLETE.  With
DisableRollback the stack stops at UPDATE_FAILED instead.
"""

import logging

from heat.common import exception
from heat.common import states
from heat.common.states import StackAction
from heat.common.states import StackStatus
from heat.db import api as db_api
from heat.engine import parameters as parameters_mod
from heat.engine import resource as resource_mod
from heat.engine import scheduler
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod

LOG = logging.getLogger(__name__)

Action = resource_mod.Action
Status = resource_mod.Status
COMPLETE = scheduler.RunOutcome.COMPLETE

# The states a stack may be updated from (others are busy or broken).
UPDATABLE = frozenset(
    [
        (StackAction.CREATE, StackStatus.COMPLETE),
        (StackAction.UPDATE, StackStatus.COMPLETE),
        (StackAction.UPDATE_ROLLBACK, StackStatus.COMPLETE),
        (StackAction.UPDATE, StackStatus.FAILED),
    ]
)


# -- the request -----------------------------------------------------------

UPDATE_STARTED = 'Stack UPDATE started'

# The stack columns an absent request member leaves as stored (an empty
# list clears them), as CloudFormation does; a change to them is an update.
KEPT_WHEN_ABSENT = (
    ('tags', 'Tags'),
    ('notification_arns', 'NotificationARNs'),
)


def prepare(ctxt, row, args):
    """The target stack of an UpdateStack request, validated.

    Raises ValidationError when the stack cannot be updated now, or when
    the request would change nothing.
    """
    existing = stack_mod.Stack.load(ctxt, row)
    if (row.action, row.status) not in UPDATABLE:
        raise exception.ValidationError(
            'Stack:%s is in %s state and can not be updated.'
            % (
                existing.identifier.arn(),
                states.joined(row.action, row.status),
            )
        )
    template = _requested_template(existing, args)
    values, use_previous = _requested_parameters(args)
    previous = existing.parameters.stored_values()
    values = parameters_mod.Parameters.merge_previous(
        values, previous, use_previous
    )
    columns = _requested_columns(row, args)
    target = stack_mod.Stack.for_update(ctxt, row, template, values, **columns)
    target.validate()
    if (
        template.data == existing.template.data
        and target.parameters.stored_values() == previous
        and all(
            columns[column] == getattr(row, column)
            for column, _ in KEPT_WHEN_ABSENT
        )
    ):
        raise exception.ValidationError('No updates are to be performed.')
    if args.get('DisableRollback') is not None:
        # For this update only, as the request's member says.
        target.row.disable_rollback = bool(args['DisableRollback'])
    return target


def _requested_columns(row, args):
    """The stack columns the update stores, besides its parameters, read
    from the request as CreateStack reads them."""
    requested = stack_mod.requested_columns(args)
    for column, member in KEPT_WHEN_ABSENT:
        if args.get(member) is None:
            requested[column] = getattr(row, column)
    return requested


def _requested_template(existing, args):
    body = args.get('TemplateBody')
    if args.get('UsePreviousTemplate'):
        if body is not None:
            raise exception.ValidationError(
                'You cannot specify both usePreviousTemplate and Template '
                'Body/Template URL.'
            )
        return existing.template
    if body is None:
        raise exception.ValidationError(
            'Either Template URL or Template Body must be specified, or '
            'usePreviousTemplate set to true.'
        )
    return template_mod.Template.parse(body)


def _requested_parameters(args):
    """({key: value} given, [keys whose previous value to keep])."""
    given, use_previous = {}, []
    for member in args.get('Parameters') or []:
        key = member.get('ParameterKey')
        if not key:
            raise exception.ValidationError(
                'Every parameter needs a ParameterKey.'
            )
        if member.get('UsePreviousValue'):
            if member.get('ParameterValue') is not None:
                raise exception.ValidationError(
                    'Invalid input for parameter key %s. Cannot specify '
                    'usePreviousValue as true and non empty value for a '
                    'parameter.' % key
                )
            use_previous.append(key)
        else:
            given[key] = member.get('ParameterValue', '')
    return given, use_previous


# -- the operation ---------------------------------------------------------


def update(stack, operation):
    """Update the stored stack to ``stack``, a target prepare() made."""
    row = db_api.stack_get(stack.row.id)
    existing = stack_mod.Stack.load(stack.context, row)
    StackUpdate(existing, stack, operation).run()


class StackUpdate:
    """One update, from ``existing`` (the stack as stored) to ``target``.

    The target's resources that exist already start out with the
    definitions they were made from, so update() compares old with new.
    """

    def __init__(self, existing, target, operation):
        self.existing = existing
        self.target = target
        self.operation = operation
        # One stream of events, in the order things happen.
        existing.recorder = target.recorder
        self.new_definitions = {
            name: rsrc.definition for name, rsrc in target.resources.items()
        }
        self.added = set(target.resources) - set(existing.resources)
        self.started = set()  # names the update phase reached
        self.replaced = set()  # names the update replaced
        self.replaced_back = set()  # names the rollback replaced
        for name in set(target.resources) & set(existing.resources):
            rsrc, old = target.resources[name], existing.resources[name]
            if rsrc.action is not Action.INIT:
                rsrc.definition, rsrc.properties = (
                    old.definition,
                    old.properties,
                )

    def run(self):
        target = self.target
        target.begin(StackAction.UPDATE, UPDATE_STARTED)
        target.add_resource_rows(sorted(self.added))
        result = self.operation.run(
            target, self._update_task, timeout=_timeout_seconds(target)
        )
        if result.outcome is COMPLETE:
            self._clean_up()
            return
        reason = _update_failure(result)
        if target.row.disable_rollback:
            # The stack stays as far as it got, and describes itself so.
            target.store_template()
            target.set_state(StackAction.UPDATE, StackStatus.FAILED, reason)
            return
        if result.outcome is scheduler.RunOutcome.CANCELLED:
            # A cancelled update rolls back; only a further cancel (as a
            # DeleteStack keeps sending) stops the rollback.
            self.operation.cancel_event.clear()
        self._roll_back(reason)

    # Step 1: create, update or replace in the new order.

    def _update_task(self, name):
        self.started.add(name)
        rsrc = self.target.resources[name]
        if rsrc.action is Action.INIT:
            return rsrc.create()
        return self._update_or_replace(name)

    def _update_or_replace(self, name):
        try:
            yield from self.target.resources[name].update(
                self.new_definitions[name]
            )
        except resource_mod.UpdateReplace:
            self.replaced.add(name)
            yield from self.target.replace_resource(name).create()

    # Step 2: delete what the new template no longer has.

    def _clean_up(self):
        target = self.target
        target.store_template()
        target.set_state(
            StackAction.UPDATE,
            StackStatus.COMPLETE_CLEANUP_IN_PROGRESS,
            'Deleting the resources the update removed or replaced',
        )
        result = self.operation.run(
            self.existing, self._cleanup_task, reverse=True
        )
        self._drop_deleted(self.existing, self._leftovers())
        reason = 'Stack UPDATE completed successfully'
        if result.outcome is not COMPLETE:
            # As in CloudFormation the update stands; the events tell.
            reason = '%s; old resources left: %s' % (
                reason,
                _run_failure('cleanup', result),
            )
        target.set_state(StackAction.UPDATE, StackStatus.COMPLETE, reason)

    def _leftovers(self):
        removed = set(self.existing.resources) - set(self.target.resources)
        return removed | self.replaced

    def _cleanup_task(self, name):
        rsrc = self.existing.resources[name]
        if name in self.replaced:
            return rsrc.delete(rsrc.definition.update_replace_policy)
        if name not in self.target.resources:
            return rsrc.delete()
        return _nothing()

    # Rollback: old definitions back, then delete what the update made.

    def _roll_back(self, reason):
        target = self.target
        target.set_state(
            StackAction.UPDATE_ROLLBACK, StackStatus.IN_PROGRESS, reason
        )
        result = self.operation.run(self.existing, self._rollback_task)
        if result.outcome is not COMPLETE:
            target.set_state(
                StackAction.UPDATE_ROLLBACK,
                StackStatus.FAILED,
                _run_failure('rollback', result),
            )
            return
        target.set_state(
            StackAction.UPDATE_ROLLBACK,
            StackStatus.COMPLETE_CLEANUP_IN_PROGRESS,
            'Deleting the resources the update created',
        )
        made = self.added | self.replaced | self.replaced_back
        result = self.operation.run(
            target,
            lambda name: self._rollback_cleanup_task(name, made),
            reverse=True,
        )
        self._drop_deleted(target, made)
        if result.outcome is not COMPLETE:
            target.set_state(
                StackAction.UPDATE_ROLLBACK,
                StackStatus.FAILED,
                _run_failure('rollback cleanup', result),
            )
            return
        target.set_state(
            StackAction.UPDATE_ROLLBACK,
            StackStatus.COMPLETE,
            'Rollback completed after: %s' % reason,
        )

    def _rollback_task(self, name):
        # A replaced resource still stands: its replacement goes later.
        if name not in self.started or name in self.replaced:
            return _nothing()
        return self._restore(name)

    def _restore(self, name):
        try:
            yield from self.target.resources[name].update(
                self.existing.resources[name].definition
            )
        except resource_mod.UpdateReplace:
            self.replaced_back.add(name)
            yield from self.existing.replace_resource(name).create()

    def _rollback_cleanup_task(self, name, made):
        if name not in made:
            return _nothing()
        rsrc = self.target.resources[name]
        if name in self.replaced_back:
            # The stack's own resource, which the rollback replaced.
            return rsrc.delete(rsrc.definition.update_replace_policy)
        # Made by this update, never the user's to keep.
        return rsrc.delete(resource_mod.DeletionPolicy.DELETE)

    @staticmethod
    def _drop_deleted(stack, names):
        """Drop the rows of the named resources that are gone."""
        stack.recorder.flush()
        for name in sorted(names):
            rsrc = stack.resources[name]
            if rsrc.action is Action.INIT or (rsrc.action, rsrc.status) == (
                Action.DELETE,
                Status.COMPLETE,
            ):
                stack.drop_resource_row(name)


def _nothing():
    """The task of a resource a step leaves alone."""
    yield from ()


def _timeout_seconds(stack):
    return stack.row.timeout * 60 if stack.row.timeout else None


def _update_failure(result):
    """Why the update phase stopped, naming the resource that failed."""
    if result.outcome is not scheduler.RunOutcome.FAILED:
        return _run_failure('Stack UPDATE', result)
    error = result.error
    action = getattr(error, 'kwargs', {}).get('action', 'UPDATE')
    return 'The following resource(s) failed to %s: [%s]. %s' % (
        action.lower(),
        result.root_cause,
        error,
    )


def _run_failure(what, result):
    if result.outcome is scheduler.RunOutcome.TIMED_OUT:
        return '%s timed out' % what
    if result.outcome is scheduler.RunOutcome.CANCELLED:
        return '%s cancelled' % what
    return 'Resource %s failed: %s' % (result.root_cause, result.error)
