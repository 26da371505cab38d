"""The engine's RPC endpoint: what heat.rpc.api lists, served over RPC.

Methods that change a stack validate synchronously (so errors reach the
caller as ValidationError), take the stack's lock and hand the long work to
a worker thread; describes read the database.  Every lookup is scoped by
the caller's tenant.  Who may call what is heat.engine.authorization's
table, checked before a method runs: the methods here assume an allowed
caller, and those that keys scoped to one stack may call get the stack
the check found as their target.
"""

import json
import logging
import re

import oslo_messaging

from heat.common import config
from heat.common import ec2signature
from heat.common import exception
from heat.common import identifier
from heat.common.states import StackAction
from heat.common.states import StackStatus
from heat.db import api as db_api
from heat.engine import describe
from heat.engine import key_cache
from heat.engine import operations
from heat.engine import signals
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine import template_summary
from heat.engine import update
from heat.rpc import api as rpc_api

CONF = config.CONF
LOG = logging.getLogger(__name__)

PAGE_SIZE = 100
STACK_NAME_PATTERN = re.compile(r'[a-zA-Z][-a-zA-Z0-9]{0,127}\Z')


def _check_stack_name(name):
    if not STACK_NAME_PATTERN.match(name):
        raise exception.ValidationError(
            "1 validation error detected: Value '%s' at 'stackName' failed "
            'to satisfy constraint: Member must satisfy regular expression '
            'pattern: [a-zA-Z][-a-zA-Z0-9]* and have at most 128 characters'
            % name
        )


def _parameters(args):
    """{key: value} from the request's Parameters members."""
    given = {}
    for member in args.get('Parameters') or []:
        key = member.get('ParameterKey')
        if not key:
            raise exception.ValidationError(
                'Every parameter needs a ParameterKey.'
            )
        if member.get('UsePreviousValue'):
            raise exception.ValidationError(
                'UsePreviousValue may only be used when updating a stack '
                '(parameter %s).' % key
            )
        given[key] = member.get('ParameterValue', '')
    return given


def _stack_options(args):
    """The stack columns a CreateStack request sets."""
    if (
        args.get('DisableRollback') is not None
        and args.get('OnFailure') is not None
    ):
        raise exception.ValidationError(
            'You cannot specify both DisableRollback and OnFailure.'
        )
    options = {
        'timeout': args.get('TimeoutInMinutes'),
        'disable_rollback': bool(args.get('DisableRollback')),
        'on_failure': args.get('OnFailure'),
        **stack_mod.requested_columns(args),
    }
    if options['timeout'] is not None and options['timeout'] < 1:
        raise exception.ValidationError('TimeoutInMinutes must be at least 1.')
    return options


def parse_template(args):
    body = args.get('TemplateBody')
    if body is None:
        raise exception.ValidationError(
            'Either TemplateBody or TemplateURL must be specified.'
        )
    return template_mod.Template.parse(body)


# How EngineService._find reads a stack, as (by id, by name): the model,
# which actions change; a read-only row, all a describe needs and cheaper
# to read; or that with the states of its resources, in the same read.
_MODEL = (db_api.stack_get, db_api.stack_get_by_name)
_VIEW = (db_api.stack_view, db_api.stack_view_by_name)
_WITH_RESOURCES = (
    db_api.stack_resource_states,
    db_api.stack_resource_states_by_name,
)


class EngineService:
    """The RPC endpoint.  Its public methods are exactly heat.rpc.api's."""

    target = oslo_messaging.Target(version=rpc_api.RPC_API_VERSION)

    def __init__(self, engine):
        self._engine = engine

    # -- identity ----------------------------------------------------------

    def authenticate_ec2(self, ctxt, credentials):
        """Check a signature against the local credential store."""
        keypair = key_cache.get(credentials.get('access', ''))
        if keypair is None:
            raise exception.InvalidClientTokenId()
        ec2signature.verify(credentials, keypair.secret)
        return {
            'tenant': keypair.tenant,
            'user': keypair.user,
            'roles': [],
            'scoped_stack_id': keypair.stack_id,
            'scoped_resource': keypair.resource_name,
        }

    def ping(self, ctxt):
        return self._engine.engine_id

    def cancel_stack_operation(self, ctxt, stack_id):
        """Ask this engine's running operation on the stack to stop."""
        return self._engine.cancel(stack_id)

    # -- stacks ------------------------------------------------------------

    def create_stack(self, ctxt, args):
        name = args['StackName']
        _check_stack_name(name)
        template = parse_template(args)
        options = _stack_options(args)
        if db_api.stack_get_by_name(ctxt.tenant, name) is not None:
            raise exception.AlreadyExists(name=name)
        stack = stack_mod.Stack.new(
            ctxt, name, template, _parameters(args), options
        )
        stack.validate()
        stack.store()
        self._engine.run_locked(
            stack,
            operations.create,
            StackAction.CREATE,
            operations.CREATE_STARTED,
        )
        return {'StackId': stack.identifier.arn()}

    def update_stack(self, ctxt, args):
        """Validate the update now; run it (or its rollback) in a worker."""
        row = self._find(ctxt, args['StackName'])
        target = update.prepare(ctxt, row, args)
        self._engine.run_locked(
            target, update.update, StackAction.UPDATE, update.UPDATE_STARTED
        )
        return {'StackId': target.identifier.arn()}

    def cancel_update_stack(self, ctxt, args):
        """Stop the running update, wherever it runs; it then rolls back."""
        row = self._find(ctxt, args['StackName'])
        if (row.action, row.status) != (
            StackAction.UPDATE,
            StackStatus.IN_PROGRESS,
        ):
            raise exception.ValidationError(
                'CancelUpdateStack cannot be called from current stack status'
            )
        holder = db_api.stack_locks_holders().get(row.id)
        if holder is not None:
            self._engine.ask_to_cancel(holder, row.id)
        return {}

    def delete_stack(self, ctxt, args):
        """Delete the stack, first stopping whatever it is doing.

        As in CloudFormation, deleting a stack that does not exist (or is
        deleted already) succeeds and does nothing.
        """
        try:
            row = self._find(ctxt, args['StackName'])
        except exception.StackNotFound:
            return {}
        if (row.action, row.status) == (
            StackAction.DELETE,
            StackStatus.COMPLETE,
        ):
            return {}
        stack = stack_mod.Stack.load(ctxt, row)
        self._engine.delete_when_free(stack)
        return {}

    def describe_stacks(self, ctxt, args):
        name = args.get('StackName')
        if name:
            rows = [self._find(ctxt, name, show_deleted=True, reads=_VIEW)]
        else:
            rows = db_api.stack_list(ctxt.tenant)
        return {
            'Stacks': [stack_mod.describe_stored(ctxt, row) for row in rows]
        }

    def list_stacks(self, ctxt, args):
        statuses = args.get('StackStatusFilter') or None
        rows = db_api.stack_list(
            ctxt.tenant,
            statuses=statuses,
            show_deleted=True,
            limit=PAGE_SIZE + 1,
            marker=args.get('NextToken'),
        )
        return _page(
            'StackSummaries',
            [describe.stack_summary(row) for row in rows],
            lambda summary: summary['StackId'].rsplit('/', 1)[1],
        )

    def describe_stack_events(self, ctxt, args):
        row = self._find(
            ctxt, args['StackName'], show_deleted=True, reads=_VIEW
        )
        events = db_api.event_list(
            row.id, limit=PAGE_SIZE + 1, marker=args.get('NextToken')
        )
        return _page(
            'StackEvents',
            describe.events(row, events),
            lambda event: event['EventId'],
        )

    def get_template(self, ctxt, args):
        row = self._find(ctxt, args['StackName'], show_deleted=True)
        template = db_api.raw_template_get(row.raw_template_id)
        return {'TemplateBody': json.dumps(template, indent=2)}

    def validate_template(self, ctxt, args):
        return template_summary.validate(parse_template(args))

    def get_template_summary(self, ctxt, args):
        if args.get('StackName'):
            row = self._find(ctxt, args['StackName'], show_deleted=True)
            template = template_mod.Template(
                db_api.raw_template_get(row.raw_template_id)
            )
        else:
            template = parse_template(args)
        return template_summary.summary(template)

    # -- resources ---------------------------------------------------------

    def describe_stack_resource(self, ctxt, args, target):
        """target: the stack, read as described_stack reads it."""
        stack = stack_mod.Stack.load(ctxt, target)
        name = args['LogicalResourceId']
        resource_row = db_api.resource_get(target.id, name)
        if resource_row is None or name not in stack.resources:
            raise exception.ResourceNotFound(resource=name, stack=target.name)
        return {
            'StackResourceDetail': describe.stack_resource_detail(
                target, resource_row, stack.resource_metadata(name)
            )
        }

    def describe_stack_resources(self, ctxt, args, target):
        """target: the stack and its resources (stack_of_resources)."""
        logical_id = args.get('LogicalResourceId')
        return {
            'StackResources': describe.stack_resources(
                target,
                [
                    resource_row
                    for resource_row in target.resources
                    if logical_id in (None, resource_row.name)
                ],
            )
        }

    def list_stack_resources(self, ctxt, args):
        stack = self._find(
            ctxt, args['StackName'], show_deleted=True, reads=_WITH_RESOURCES
        )
        return {
            'StackResourceSummaries': [
                describe.stack_resource_summary(resource_row)
                for resource_row in stack.resources
            ]
        }

    # -- signals -----------------------------------------------------------

    def signal_resource(self, ctxt, args, target):
        """Store a signal for a resource that counts them (of target, the
        stack signalled_stack found).

        Called for SignalResource and for a wait condition handle's URL
        (which adds Reason and Data).  Whatever waits for the signals reads
        them from the database, so any engine may store them.
        """
        name = args['LogicalResourceId']
        signal = signals.from_request(args)
        rsrc = stack_mod.Stack.load(ctxt, target).resources.get(name)
        if rsrc is None or db_api.resource_get(target.id, name) is None:
            raise exception.ResourceNotFound(resource=name, stack=target.name)
        if not rsrc.expects_signals():
            raise exception.ValidationError(
                'Resource %s of stack %s takes no signals: only wait '
                'condition handles and resources with a CreationPolicy '
                'ResourceSignal do.' % (name, target.name)
            )
        db_api.resource_signal_store(target.id, name, **signal)
        LOG.info(
            'Stack %s resource %s: %s',
            target.name,
            name,
            signals.received(signal),
        )
        return {}

    # -- lookups -----------------------------------------------------------

    @staticmethod
    def _find(ctxt, name_or_arn, show_deleted=False, reads=_MODEL):
        """The tenant's stack by name (live ones) or ARN (any), read as
        reads says (_MODEL, _VIEW or _WITH_RESOURCES).

        Another tenant's stack is not found, exactly like a missing one.
        """
        get, get_by_name = reads
        if identifier.StackIdentifier.is_arn(name_or_arn):
            try:
                ident = identifier.StackIdentifier.from_arn(name_or_arn)
            except ValueError:
                raise exception.StackNotFound(stack=name_or_arn) from None
            row = get(ident.stack_id, tenant=ctxt.tenant, show_deleted=True)
            if row is not None and row.name != ident.stack_name:
                row = None
        else:
            row = get_by_name(ctxt.tenant, name_or_arn)
        if row is None or (row.deleted_at is not None and not show_deleted):
            raise exception.StackNotFound(stack=name_or_arn)
        return row


# -- what the calls keys scoped to one stack may make act on ---------------
# heat.engine.authorization finds a call's stack with these, checks it
# against the caller's scope, and hands it to the method as its target.


def described_stack(ctxt, args):
    """DescribeStackResource's stack: a read-only row."""
    return EngineService._find(
        ctxt, args['StackName'], show_deleted=True, reads=_VIEW
    )


def stack_of_resources(ctxt, args):
    """DescribeStackResources' stack, by StackName or the physical id of
    one of its resources, with the states of its resources."""
    name, physical_id = args.get('StackName'), args.get('PhysicalResourceId')
    if bool(name) == bool(physical_id):
        raise exception.ValidationError(
            'Specify exactly one of StackName and PhysicalResourceId.'
        )
    if name:
        return EngineService._find(
            ctxt, name, show_deleted=True, reads=_WITH_RESOURCES
        )
    found = db_api.resource_get_by_physical_id(ctxt.tenant, physical_id)
    # The stack may have gone between the two reads.
    stack = (
        None
        if found is None
        else db_api.stack_resource_states(found.stack_id, ctxt.tenant)
    )
    if stack is None:
        raise exception.ValidationError(
            'Stack for PhysicalResourceId %s does not exist' % physical_id
        )
    return stack


def signalled_stack(ctxt, args):
    """SignalResource's stack: the model, as storing a signal needs it."""
    return EngineService._find(ctxt, args['StackName'])


def _page(key, items, token_of):
    """The first PAGE_SIZE items, and a NextToken when there are more."""
    result = {key: items[:PAGE_SIZE]}
    if len(items) > PAGE_SIZE:
        result['NextToken'] = token_of(items[PAGE_SIZE - 1])
    return result
