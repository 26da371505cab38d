"""The life cycle every resource type shares, and the contract it polls.

A resource type subclasses ``Resource``, declares its schemas and overrides
the hooks it needs: ``handle_create`` starts the cloud work and returns a
token, ``check_create_complete(token)`` is polled until it says True, and
likewise for update and delete.  The stack runs ``create()``, ``update()``
and ``delete()`` as scheduler tasks: generators that ask the scheduler to
run the hooks in its call pool (``Blocking``) and to wait between polls
(``Sleep``).  Every state change is reported to the stack, which persists
it and writes the event; a resource never touches the database itself.
"""

import dataclasses
import enum
import logging
import typing

from heat.common import context
from heat.common import exception
from heat.common import identifier
from heat.common import states
from heat.engine import attributes
from heat.engine import properties
from heat.engine import scheduler
from heat.engine import signals
from heat.engine.clients import contract

LOG = logging.getLogger(__name__)

# The first poll of a started operation comes at once; later ones wait
# this long, doubling up to the resource's poll_interval.
FIRST_POLL_SECONDS = 0.1


Action = states.ResourceAction
Status = states.ResourceStatus


class DeletionPolicy(enum.Enum):
    """What deleting the resource does to the cloud object."""

    DELETE = 'Delete'
    RETAIN = 'Retain'
    SNAPSHOT = 'Snapshot'


class UpdatePlan(enum.Enum):
    """How a resource would take a new definition."""

    NO_CHANGE = 'NO_CHANGE'
    IN_PLACE = 'IN_PLACE'
    REPLACE = 'REPLACE'


class UpdateReplace(Exception):
    """The resource cannot take its new definition in place.

    Raised by ``update()`` before it changes anything: the stack creates a
    replacement and deletes this one (with its UpdateReplacePolicy).
    """

    def __init__(self, resource_name):
        super().__init__('%s must be replaced' % resource_name)
        self.resource_name = resource_name


@dataclasses.dataclass(frozen=True)
class ResourceDefinition:
    """A resource as its template declares it.

    ``properties`` and ``metadata`` may hold template functions; they are
    resolved through the stack's ``resolve`` when the resource acts.
    """

    type: str
    properties: typing.Mapping = dataclasses.field(default_factory=dict)
    metadata: typing.Mapping = dataclasses.field(default_factory=dict)
    depends_on: tuple = ()
    deletion_policy: DeletionPolicy = DeletionPolicy.DELETE
    update_replace_policy: DeletionPolicy = DeletionPolicy.DELETE
    creation_policy: typing.Mapping | None = None


class StackView(typing.Protocol):
    """What a resource may see and do of its stack."""

    context: context.RequestContext
    identifier: identifier.StackIdentifier
    # URL servers reach the API by, without a trailing slash.
    public_endpoint: str

    @property
    def clients(self) -> contract.Clients:
        """Client plugins (sandbox or OpenStack) acting as the stack's
        user; read-only, as the stack builds them on first use."""

    def resolve(self, snippet: typing.Any) -> typing.Any:
        """Plain data for a snippet of the resource's definition."""

    def state_changed(self, resource: 'Resource') -> None:
        """Persist the resource (state, id, data, metadata); add an event."""

    def data_changed(self, resource: 'Resource') -> None:
        """Persist the resource's id, data and metadata.

        Called from the call pool's threads as well as the stack's.
        """

    def signals(self, resource_name: str) -> list:
        """The signals received for a resource, oldest first.

        Each is a dict with ``unique_id``, ``status`` ('SUCCESS' or
        'FAILURE'), ``reason`` and ``data``; a UniqueId sent again replaces
        its earlier signal.  Signals arrive through the API at any engine,
        so they are read from the database on every call.
        """

    def forget_signals(self, resource_name: str) -> None:
        """Drop the signals stored for a resource, no later than its next
        state is written: a resource created anew starts with none."""

    def handle_url(self, resource_name: str) -> str:
        """A pre-signed URL that may signal the named resource and nothing
        else (a wait condition handle's Ref).

        Each call makes a new key, so the caller keeps the URL and gives it
        to revoke_handle_url when the URL must stop working; the signals
        stored for the resource so far are dropped.
        """

    def revoke_handle_url(self, url: str) -> None:
        """Delete the key of a URL handle_url made; it no longer signals."""

    def stack_credentials(self) -> tuple[str, str] | None:
        """(access, secret) of the stack's AWS::IAM::AccessKey, once one
        is created: what cfn-tools in a server sign their requests with.

        With several, the first by logical name.  A resource that needs the
        keys when it is created must depend on the AccessKey (a Ref or
        DependsOn), or they may not exist yet.
        """

    def resource_by_reference(self, reference: str) -> 'Resource | None':
        """The stack's resource whose Ref is ``reference``, if any: how an
        AccessKey finds the User its UserName names."""


class Resource:
    """Base of every resource type; the defaults suit a type that needs
    no cloud work."""

    properties_schema: typing.ClassVar[dict] = {}
    attributes_schema: typing.ClassVar[dict] = {}
    # Names of the properties that can change without replacement; derived
    # from properties_schema.
    update_allowed_properties: typing.ClassVar[frozenset] = frozenset()
    # Whether DeletionPolicy Snapshot is allowed (see handle_snapshot_delete).
    supports_snapshot: typing.ClassVar[bool] = False
    # False when the hooks do no I/O: they then run in the stack's thread
    # rather than the call pool, which saves a thread hop per hook.
    cloud_calls: typing.ClassVar[bool] = True
    # Longest wait between two polls of a check_*_complete hook, in seconds.
    poll_interval: typing.ClassVar[float] = 2.0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.update_allowed_properties = frozenset(
            name
            for name, prop in cls.properties_schema.items()
            if prop.update_allowed
        )

    def __init__(self, name, definition: ResourceDefinition, stack: StackView):
        self.name = name
        self.definition = definition
        self.stack = stack
        self.action = Action.INIT
        self.status = Status.COMPLETE
        self.status_reason = ''
        self.resource_id = None
        self.data: dict[str, str] = {}
        self.metadata: dict[str, object] = {}
        self.properties = self._properties(definition)

    def __repr__(self):
        return '<%s %s %s_%s>' % (
            type(self).__name__,
            self.name,
            self.action.value,
            self.status.value,
        )

    # Hooks for resource types.  Hooks run in the call pool unless the
    # class sets cloud_calls = False.

    def handle_create(self):
        """Start creating the cloud object; return a token for the check."""
        return None

    def check_create_complete(self, token):
        return True

    def handle_update(self, new_properties, changed_names):
        """Start changing the named properties in place; return a token.

        ``self.properties`` still holds the old values.
        """
        return None

    def check_update_complete(self, token):
        return True

    def handle_delete(self):
        """Start deleting the cloud object ``resource_id``; return a token.

        A CloudNotFound error means it is gone already, which is fine.
        """
        return None

    def handle_snapshot_delete(self):
        """Snapshot the object, then delete it (DeletionPolicy Snapshot).

        The returned token is polled with check_delete_complete.  Types
        that set supports_snapshot override this.
        """
        return self.handle_delete()

    def check_delete_complete(self, token):
        return True

    def get_reference_id(self):
        """The value of ``Ref``: the physical id, else the logical name."""
        if self.resource_id is not None:
            return self.resource_id
        return self.name

    def get_attribute(self, name):
        """The value of ``Fn::GetAtt``; None while it is not known yet."""
        attributes.check(self.attributes_schema, self.name, name)
        return self.resolve_attribute(name)

    def resolve_attribute(self, name):
        """The value of a declared attribute; types with attributes
        override this."""
        return None

    # Helpers for hooks: record what the cloud said, persisted at once.

    def set_resource_id(self, resource_id):
        self.resource_id = resource_id
        self.stack.data_changed(self)

    def update_data(self, values):
        self.data.update(values)
        self.stack.data_changed(self)

    # What the stack calls.

    def validate(self):
        """Raise ValidationError if the definition does not fit the type.

        Values that depend on resources not created yet pass.
        """
        self._properties(self.definition, validating=True).validate()
        policies = {
            'DeletionPolicy': self.definition.deletion_policy,
            'UpdateReplacePolicy': self.definition.update_replace_policy,
        }
        for section, policy in policies.items():
            if (
                policy is DeletionPolicy.SNAPSHOT
                and not self.supports_snapshot
            ):
                raise exception.ValidationError(
                    'Resources.%s.%s: %s does not support Snapshot'
                    % (self.name, section, self.definition.type)
                )
        self._creation_policy(validating=True)

    def expects_signals(self):
        """Whether signals sent to this resource are for it to count: its
        CreationPolicy has a ResourceSignal (a wait condition handle's
        type says so too)."""
        return self._creation_policy() is not None

    def signal_wait(self) -> signals.Policy | None:
        """The signals the create waits for once check_create_complete is
        done: by default those the CreationPolicy asks of this resource."""
        return self._creation_policy()

    def create(self):
        """Task: create the resource."""
        if self._counts_own_signals():
            # Created anew (replaced), it counts only the signals sent once
            # its CREATE_IN_PROGRESS shows: older ones go in the very write
            # of that state, so none sent after it is lost.
            self.stack.forget_signals(self.name)
        yield from self._run(Action.CREATE, self._create_steps())

    def _counts_own_signals(self):
        try:
            return self.expects_signals()
        except Exception:
            # A CreationPolicy that does not resolve fails the create
            # itself, as its FAILED state says: its steps read it again.
            return False

    def update(self, new_definition: ResourceDefinition):
        """Task: bring the resource to ``new_definition`` in place.

        Raises UpdateReplace, before changing anything, when the resource
        must be replaced instead (see update_plan), and ResourceFailure
        (state UPDATE_FAILED) when the new properties are not valid.
        """
        try:
            plan = self.update_plan(new_definition)
        except exception.HeatError as exc:
            raise self._failure(Action.UPDATE, exc) from exc
        if plan is UpdatePlan.REPLACE:
            raise UpdateReplace(self.name)
        if plan is UpdatePlan.IN_PLACE:
            yield from self._run(
                Action.UPDATE, self._update_steps(new_definition)
            )
        self.definition = new_definition

    def update_plan(self, new_definition: ResourceDefinition) -> UpdatePlan:
        """How ``update()`` would take ``new_definition``.

        A resource whose last action failed is replaced: its cloud object
        is in an unknown state.
        """
        if (
            new_definition.type != self.definition.type
            or self.status is Status.FAILED
        ):
            return UpdatePlan.REPLACE
        new_properties = self._properties(new_definition)
        new_properties.validate()
        changed = self.properties.changed(new_properties)
        if not new_properties.update_allowed(changed):
            return UpdatePlan.REPLACE
        if changed or self._metadata_of(new_definition) != self.metadata:
            return UpdatePlan.IN_PLACE
        return UpdatePlan.NO_CHANGE

    def delete(self, policy: DeletionPolicy | None = None):
        """Task: delete the resource as ``policy`` says.

        ``policy`` defaults to the DeletionPolicy; the stack passes the
        UpdateReplacePolicy when it deletes a replaced resource.  A
        resource never created, or already deleted, has nothing to do and
        makes no event.
        """
        if self.action is Action.INIT or (self.action, self.status) == (
            Action.DELETE,
            Status.COMPLETE,
        ):
            return
        if policy is None:
            policy = self.definition.deletion_policy
        yield from self._run(Action.DELETE, self._delete_steps(policy))

    # The steps inside each action.

    def _create_steps(self):
        self.properties = self._properties(self.definition)
        self.properties.validate()
        self.metadata = self._metadata_of(self.definition)
        policy = self.signal_wait()
        if policy is not None:
            # The timeout runs from the start of the create, as in AWS.
            wait = signals.Wait(policy)
        token = yield from self._call(self.handle_create)
        yield from self._poll(self.check_create_complete, token)
        if policy is not None:
            return (yield from self._await_signals(wait))
        return None

    def _update_steps(self, new_definition):
        new_properties = self._properties(new_definition)
        changed = self.properties.changed(new_properties)
        if changed:
            token = yield from self._call(
                self.handle_update, new_properties, changed
            )
            yield from self._poll(self.check_update_complete, token)
        self.properties = new_properties
        self.metadata = self._metadata_of(new_definition)

    def _delete_steps(self, policy):
        if policy is DeletionPolicy.RETAIN:
            return 'Retained by its deletion policy'
        if self.resource_id is None:
            return None
        start = (
            self.handle_snapshot_delete
            if policy is DeletionPolicy.SNAPSHOT
            else self.handle_delete
        )
        try:
            token = yield from self._call(start)
            yield from self._poll(self.check_delete_complete, token)
        except exception.CloudNotFound:
            return 'Already gone from the cloud'
        return None

    def _run(self, action, steps):
        """Run an action's steps between IN_PROGRESS and COMPLETE/FAILED.

        The steps may return a reason for the COMPLETE state.
        """
        self._set_state(action, Status.IN_PROGRESS)
        try:
            reason = yield from steps
        except scheduler.Cancelled as cancel:
            self._set_state(
                action,
                Status.FAILED,
                '%s cancelled (stack operation %s)' % (action.value, cancel),
            )
            raise
        except Exception as exc:
            raise self._failure(action, exc) from exc
        self._set_state(action, Status.COMPLETE, reason or '')

    def _call(self, hook, *args):
        """Run a hook in the call pool, or inline if it does no I/O."""
        if not self.cloud_calls:
            return hook(*args)
        return (yield scheduler.Blocking(hook, *args))

    def _poll(self, check, token):
        """Poll ``check(token)`` until True: at once, then backing off."""
        delay = FIRST_POLL_SECONDS
        while not (yield from self._call(check, token)):
            yield scheduler.Sleep(delay)
            delay = min(delay * 2, self.poll_interval)

    def _await_signals(self, wait):
        """Poll the stored signals until ``wait`` has enough; raises
        SignalFailure or SignalTimeout.  Each new signal is recorded in
        the resource's state reason, and so as an event; the reason for
        the complete state names them all."""
        delay = FIRST_POLL_SECONDS
        while True:
            received = yield from self._call(
                self.stack.signals, wait.policy.resource_name
            )
            done, new = wait.check(received)
            for signal in new:
                self._set_state(
                    self.action, self.status, signals.received(signal)
                )
            if done:
                return signals.completed(received)
            yield scheduler.Sleep(delay)
            delay = min(delay * 2, signals.POLL_SECONDS)

    def _creation_policy(self, validating=False):
        return signals.creation_policy(
            self.stack.resolve(self.definition.creation_policy),
            self.name,
            validating,
        )

    def _failure(self, action, exc):
        """Record the failure; the ResourceFailure to raise for it."""
        if isinstance(exc, exception.HeatError):
            reason = str(exc)
        else:
            reason = '%s: %s' % (type(exc).__name__, exc)
        LOG.info(
            'Stack %s resource %s %s failed: %s',
            self.stack.identifier,
            self.name,
            action.value,
            reason,
        )
        self._set_state(action, Status.FAILED, reason)
        return exception.ResourceFailure(
            resource=self.name, reason=reason, action=action.value
        )

    def _set_state(self, action, status, reason=''):
        self.action = action
        self.status = status
        self.status_reason = reason
        self.stack.state_changed(self)

    def _properties(self, definition, validating=False):
        return properties.Properties(
            self.properties_schema,
            definition.properties,
            'Resources.%s.Properties' % self.name,
            resolve=self.stack.resolve,
            validating=validating,
        )

    def _metadata_of(self, definition):
        return self.stack.resolve(definition.metadata) or {}
