"""Who may call each of the engine's RPC methods, checked before it runs.

ACCESS is the one table: every method the endpoint serves has a Policy,
and Guard, the endpoint the RPC server (and heat-all's in-process calls)
dispatch to, checks the caller against it before the method runs.  A
method without a Policy is refused to everyone.

The callers:

* the tenant's own: its keys, or a keystone user without the stack user
  role.  They may call every method but the internal ones, on any of the
  tenant's stacks (the methods themselves scope lookups by tenant).
* stack keys: keys made for one stack (``AWS::IAM::AccessKey``, for the
  cfn-tools in its servers), or a keystone user holding the stack user
  role, which is one stack's ``AWS::IAM::User``.  Only the methods whose
  Policy names a target (how to find the stack a call acts on), and only
  on their own stack.
* handle keys: keys made for one resource of one stack (a wait condition
  handle's URL).  Only signal_resource, and only for that resource.
* internal callers: heat-api asking who signed a request, an engine
  asking another whether it is alive or to cancel its work.  No
  CloudFormation action maps to these methods, so no caller's key reaches
  them: the RPC transport is their boundary, and they check nothing.
"""

import collections.abc
import dataclasses
import functools
import inspect
import logging
import typing

import oslo_messaging

from heat.common import exception
from heat.db import api as db_api
from heat.engine import service
from heat.engine.resources import iam

LOG = logging.getLogger(__name__)

# The role the OpenStack identity plugin gives the users it makes for
# stacks (AWS::IAM::User).
STACK_USER_ROLE = 'heat_stack_user'

# Errors meant for the caller: oslo.messaging returns them without logging
# a traceback as it does for unexpected ones.
expected_errors = oslo_messaging.expected_exceptions(exception.HeatError)

# (ctxt, args) -> the stack row a call acts on.
Target = collections.abc.Callable[[typing.Any, dict], typing.Any]


@dataclasses.dataclass(frozen=True)
class Policy:
    """Who, besides the tenant's own callers, may call one method.

    target finds the stack the call acts on; the check compares it with
    a scoped caller's, and the method gets it as its target argument, so
    that what was checked is what the method acts on.  Methods without a
    target are the tenant's alone.
    """

    internal: bool = False
    stack_keys: bool = False
    handle_keys: bool = False
    target: Target | None = None


INTERNAL = Policy(internal=True)
TENANT = Policy()


def stack_keys(target):
    """The tenant's callers, and stack keys on their own stack."""
    return Policy(stack_keys=True, target=target)


def stack_and_handle_keys(target):
    """As stack_keys, and handle keys on their own resource."""
    return Policy(stack_keys=True, handle_keys=True, target=target)


ACCESS: dict[str, Policy] = {
    'authenticate_ec2': INTERNAL,
    'ping': INTERNAL,
    'cancel_stack_operation': INTERNAL,
    'create_stack': TENANT,
    'update_stack': TENANT,
    'cancel_update_stack': TENANT,
    'delete_stack': TENANT,
    'describe_stacks': TENANT,
    'list_stacks': TENANT,
    'describe_stack_events': TENANT,
    'get_template': TENANT,
    'validate_template': TENANT,
    'get_template_summary': TENANT,
    'list_stack_resources': TENANT,
    'describe_stack_resource': stack_keys(service.described_stack),
    'describe_stack_resources': stack_keys(service.stack_of_resources),
    'signal_resource': stack_and_handle_keys(service.signalled_stack),
}


def admit(method, ctxt, kwargs):
    """Raise AccessDenied unless ACCESS lets the caller call method; else
    the arguments the check adds to the call (its target)."""
    policy = ACCESS.get(method)
    if policy is None:
        LOG.error('RPC method %s has no access policy: refused', method)
        raise exception.AccessDenied()
    if policy.internal:
        return {}
    if policy.target is None:
        if _scoped_stack_id(ctxt) is not None:
            raise exception.AccessDenied()
        return {}
    return {'target': _admit_to_target(policy, ctxt, kwargs['args'])}


def _admit_to_target(policy, ctxt, args):
    """The stack the call acts on, if the caller may act on it."""
    # Found first, so that a stack that does not exist is that error for
    # every caller.
    target = policy.target(ctxt, args)
    if ctxt.scoped_resource is not None and (
        not policy.handle_keys
        or ctxt.scoped_resource != args.get('LogicalResourceId')
    ):
        raise exception.AccessDenied()
    scoped = _scoped_stack_id(ctxt)
    if scoped is not None and (not policy.stack_keys or scoped != target.id):
        raise exception.AccessDenied()
    return target


def _scoped_stack_id(ctxt):
    """The one stack the caller may act on, or None for any of its tenant's.

    Heat's own keys carry their stack.  Keystone knows no stacks: a caller
    holding the stack user role is a stack's AWS::IAM::User (whatever other
    roles it holds), found by its user id; one whose stack is gone may do
    nothing.
    """
    if ctxt.scoped_stack_id is not None:
        return ctxt.scoped_stack_id
    if STACK_USER_ROLE not in ctxt.roles:
        return None
    row = (
        db_api.resource_get_by_physical_id(ctxt.tenant, ctxt.user)
        if ctxt.user
        else None
    )
    if row is None or row.type != iam.USER_TYPE:
        raise exception.AccessDenied()
    return row.stack_id


class Guard:
    """The endpoint as the RPC server serves it: each of the service's
    public methods, called only once admit() lets the caller through."""

    def __init__(self, endpoint):
        self._endpoint = endpoint
        # What oslo.messaging matches calls' versions against.
        self.target = endpoint.target

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)  # private names are not served
        method = getattr(self._endpoint, name)

        @functools.wraps(method)
        @expected_errors
        def guarded(ctxt, **kwargs):
            return method(ctxt, **kwargs, **admit(name, ctxt, kwargs))

        return guarded


def served_methods(endpoint_class):
    """The names an endpoint of endpoint_class answers calls to."""
    return sorted(
        name
        for name in dir(endpoint_class)
        if not name.startswith('_')
        and inspect.isroutine(getattr(endpoint_class, name))
    )
