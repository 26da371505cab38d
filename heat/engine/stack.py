"""A stack: a template with parameter values, its resources and their state.

The Stack is what template functions resolve resources through (the
ResourceResolver of heat.engine.functions) and what resources see of their
stack (the StackView of heat.engine.resource).  It persists itself through
the data API; what the stack *does* (create, delete, rollback) lives in
heat.engine.operations.
"""

import functools
import json
import logging
import uuid

from heat.common import config
from heat.common import exception
from heat.common import handle_url
from heat.common.states import StackAction
from heat.common.states import StackStatus
from heat.db import api as db_api
from heat.db import models
from heat.db.types import utcnow
from heat.engine import attributes
from heat.engine import clients as clients_mod
from heat.engine import describe
from heat.engine import functions
from heat.engine import parameters as parameters_mod
from heat.engine import recorder
from heat.engine import resource as resource_mod
from heat.engine import resources
from heat.engine import template as template_mod
from heat.engine import template_cache
from heat.engine.resources import iam

CONF = config.CONF
LOG = logging.getLogger(__name__)

STACK_RESOURCE_TYPE = 'AWS::CloudFormation::Stack'
# The actions after which a complete stack has its resources, so outputs.
ACTIONS_WITH_OUTPUTS = (
    StackAction.CREATE,
    StackAction.UPDATE,
    StackAction.UPDATE_ROLLBACK,
)


def public_endpoint():
    """The API's URL as servers see it, without a trailing slash."""
    if CONF.heat_api.public_endpoint:
        return CONF.heat_api.public_endpoint.rstrip('/')
    host = CONF.heat_api.bind_host
    if ':' in host:
        host = '[%s]' % host
    return 'http://%s:%d/v1' % (host, CONF.heat_api.bind_port)


def requested_columns(args):
    """The stack columns a CreateStack or UpdateStack request names
    besides its template and parameters: tags, notification ARNs and the
    capabilities it acknowledges (none when a member is absent)."""
    return {
        'tags': [
            {'Key': t['Key'], 'Value': t.get('Value', '')}
            for t in args.get('Tags') or []
        ],
        'notification_arns': list(args.get('NotificationARNs') or []),
        'capabilities': list(args.get('Capabilities') or []),
    }


def stack_info(row):
    """What the pseudo parameters say about a stored stack."""
    return parameters_mod.StackInfo(
        stack_name=row.name,
        stack_id=describe.stack_identifier(row).arn(),
        account_id=row.tenant,
        region=CONF.clients.region_name,
        notification_arns=tuple(row.notification_arns or ()),
    )


def has_outputs(row):
    """Whether the stack stands complete, so its outputs can be shown."""
    return (
        row.status == StackStatus.COMPLETE
        and row.action in ACTIONS_WITH_OUTPUTS
    )


def describe_stored(ctxt, row):
    """DescribeStacks' view of a stored stack.

    Its resources are built only when outputs need them: a stack being
    created is described many times a second by clients waiting for it,
    and a complete stack without outputs as often by clients polling it.
    """
    template = template_cache.stored(row)
    if has_outputs(row) and template.outputs:
        return Stack(
            ctxt,
            row,
            template,
            db_api.resource_views(row.id),
            building=_needed_by_outputs,
        ).describe()
    return describe.stack(row, _shown_parameters(template, row), [])


def _shown_parameters(template, row):
    """The stored stack's parameters as describes show them.

    A template without parameters shows none: the pseudo parameters'
    values, which only resolving needs, are not worked out for it.
    """
    if not template.parameter_schemas and not row.parameters:
        return {}
    return template.parameters(
        row.parameters, stack_info(row)
    ).display_values()


def _needed_by_outputs(stack):
    """The resources the stack's outputs refer to, and what those refer to
    in turn: all that resolving the outputs asks about."""
    outputs = stack.template.output_definitions(stack._functions)
    wanted = list(
        functions.dependencies([output.value for output in outputs.values()])
    )
    needed = set()
    while wanted:
        name = wanted.pop()
        if name in stack.definitions and name not in needed:
            needed.add(name)
            wanted.extend(stack.definitions[name].dependencies())
    return [name for name in stack.definitions if name in needed]


def _resource_definition(definition):
    """The resource's view of a parsed template resource."""
    return resource_mod.ResourceDefinition(
        type=definition.type,
        properties=definition.properties,
        metadata=definition.metadata,
        depends_on=tuple(definition.depends_on),
        deletion_policy=resource_mod.DeletionPolicy(
            definition.deletion_policy
        ),
        update_replace_policy=resource_mod.DeletionPolicy(
            definition.update_replace_policy
        ),
        creation_policy=definition.creation_policy,
    )


class Stack:
    def __init__(self, ctxt, row, template, resource_rows=(), building=None):
        """building, if given, picks the resources to build from the
        stack (a describe needs only those its outputs refer to); every
        resource is built by default."""
        self.context = ctxt
        self.row = row
        self.identifier = describe.stack_identifier(row)
        self.template = template
        self.public_endpoint = public_endpoint()
        self.parameters = template.parameters(
            row.parameters, self._stack_info()
        )
        self._functions = template.context(self.parameters, resolver=self)
        self.definitions = template.resource_definitions(self._functions)
        self.resources = {
            name: resources.get_class(self.definitions[name].type)(
                name, _resource_definition(self.definitions[name]), self
            )
            for name in (
                self.definitions if building is None else building(self)
            )
        }
        self._row_ids = {}
        for resource_row in resource_rows:
            self._restore(resource_row)
        self.recorder = recorder.StateRecorder(row.id)
        # The lock of the operation running on the stack, if any: it goes
        # with the state the operation ends in.
        self.lock = None

    def __str__(self):
        return 'Stack %s (%s)' % (self.row.name, self.row.id)

    @classmethod
    def new(cls, ctxt, name, template, params, options):
        """A stack not stored yet; raises the validation errors of its
        parameters.  ``options`` holds the stack columns the request set."""
        row = models.Stack(
            id=str(uuid.uuid4()),
            name=name,
            tenant=ctxt.tenant,
            user=ctxt.user,
            action=StackAction.INIT,
            status=StackStatus.COMPLETE,
            status_reason='',
            parameters=params,
            description=template.description,
            created_at=utcnow(),
            disable_rollback=False,
            tags=[],
            notification_arns=[],
            capabilities=[],
            timeout=None,
            on_failure=None,
            updated_at=None,
            last_updated_time=None,
            deleted_at=None,
            prev_raw_template_id=None,
        )
        for column, value in options.items():
            setattr(row, column, value)
        return cls(ctxt, row, template)

    @classmethod
    def load(cls, ctxt, row):
        template = template_mod.Template(
            db_api.raw_template_get(row.raw_template_id)
        )
        return cls(ctxt, row, template, db_api.resource_get_all(row.id))

    @classmethod
    def for_update(cls, ctxt, row, template, params, **columns):
        """The stack as ``template`` and ``params`` would make it, with
        the other stack ``columns`` the update sets, holding its resources
        as they stand; stored by store_template()."""
        names = [c.key for c in models.Stack.__table__.columns]
        new_row = models.Stack(**{c: getattr(row, c) for c in names})
        new_row.parameters = params
        new_row.description = template.description
        for column, value in columns.items():
            setattr(new_row, column, value)
        return cls(ctxt, new_row, template, db_api.resource_get_all(row.id))

    def _stack_info(self):
        return stack_info(self.row)

    def _restore(self, row):
        rsrc = self.resources.get(row.name)
        if rsrc is None:
            return
        self._row_ids[row.name] = row.id
        rsrc.action = resource_mod.Action(row.action)
        rsrc.status = resource_mod.Status(row.status)
        rsrc.status_reason = row.status_reason or ''
        rsrc.resource_id = row.physical_resource_id
        rsrc.data = dict(row.data or {})
        rsrc.metadata = row.rsrc_metadata or {}

    # -- validation ------------------------------------------------------

    def validate(self):
        """Raise the first problem of the template as this stack uses it."""
        self.template.validate(resolver=self)
        for rsrc in self.resources.values():
            rsrc.validate()
        self.dependencies().check_cycles()

    def dependencies(self):
        """The graph of the stack's resources: Ref, GetAtt, Sub, DependsOn."""
        return template_mod.dependency_graph(self.definitions)

    # -- persistence -----------------------------------------------------

    def store(self):
        """Insert the stack, its template and a row for every resource."""
        row = self.row
        columns = [c.key for c in models.Stack.__table__.columns]
        stored = db_api.stack_create(
            {c: getattr(row, c) for c in columns if c != 'raw_template_id'},
            template=self.template.data,
        )
        row.raw_template_id = stored.raw_template_id
        row.live_name = stored.live_name
        self._store_resources(list(self.resources.values()))

    def _store_resources(self, new_resources):
        rows = db_api.resources_create(
            [
                {
                    'stack_id': self.row.id,
                    'name': rsrc.name,
                    'type': rsrc.definition.type,
                    'action': rsrc.action.value,
                    'status': rsrc.status.value,
                }
                for rsrc in new_resources
            ]
        )
        for row in rows:
            self._row_ids[row.name] = row.id

    def add_resource_rows(self, names):
        """Rows for the named resources, which an update adds."""
        self._store_resources([self.resources[name] for name in names])

    def replace_resource(self, name):
        """A new resource in place of ``name``, with a row of its own; the
        old resource keeps its row until it is deleted."""
        definition = self.definitions[name]
        rsrc = resources.get_class(definition.type)(
            name, _resource_definition(definition), self
        )
        row = db_api.resource_create(
            {
                'stack_id': self.row.id,
                'name': name,
                'type': definition.type,
                'action': rsrc.action.value,
                'status': rsrc.status.value,
            }
        )
        self._row_ids[name] = row.id
        self.resources[name] = rsrc
        return rsrc

    def drop_resource_row(self, name):
        """Forget a resource that is gone; its events stay."""
        db_api.resource_delete(self._row_ids.pop(name))

    def store_template(self):
        """Point the stored stack at this template and these parameters,
        keeping the template they replace as the previous one, and store
        the stack columns an update sets with them."""
        row = self.row
        values = {
            'raw_template_id': db_api.raw_template_create(self.template.data),
            'prev_raw_template_id': row.raw_template_id,
            'parameters': row.parameters,
            'description': self.template.description,
            'tags': row.tags,
            'notification_arns': row.notification_arns,
            'capabilities': row.capabilities,
        }
        db_api.stack_update(self.row.id, values)
        for column, value in values.items():
            setattr(self.row, column, value)

    def begin(self, action: StackAction, reason: str) -> None:
        """Enter <action>_IN_PROGRESS, unless the stack is there already
        (the engine enters it before answering the request)."""
        if (self.row.action, self.row.status) != (
            action,
            StackStatus.IN_PROGRESS,
        ):
            self.set_state(action, StackStatus.IN_PROGRESS, reason)

    def set_state(
        self, action: StackAction, status: StackStatus, reason: str
    ) -> None:
        """Record the stack's own state, after every resource state so far.

        A state that ends the running operation (any but IN_PROGRESS ones)
        releases the operation's lock in the same write: a stack never
        shows as finished while it still refuses the next operation.
        """
        self.recorder.flush()
        now = utcnow()
        values = {'action': action, 'status': status, 'status_reason': reason}
        if (action, status) == (StackAction.UPDATE, StackStatus.IN_PROGRESS):
            # An update starts: the moment of its UPDATE_IN_PROGRESS event
            # is what describes show as LastUpdatedTime from now on.
            values['last_updated_time'] = now
        releasing = (
            self.lock is not None
            and self.lock.held
            and not status.endswith('IN_PROGRESS')
        )
        db_api.stack_set_state(
            self.row.id,
            values,
            {
                'stack_id': self.row.id,
                'resource_name': self.row.name,
                'physical_resource_id': self.identifier.arn(),
                'resource_type': STACK_RESOURCE_TYPE,
                'resource_action': action,
                'resource_status': status,
                'resource_status_reason': reason,
                'created_at': now,
            },
            releasing_engine_id=self.lock.engine_id if releasing else None,
        )
        if releasing:
            self.lock.released()
        for column, value in values.items():
            setattr(self.row, column, value)
        LOG.info('%s: %s_%s: %s', self, action, status, reason)

    def mark_deleted(self):
        """Hide the deleted stack from name lookups; keep its history."""
        db_api.stack_soft_delete(self.row.id)
        db_api.ec2_credential_delete_stack(self.row.id)

    # -- what resources see (resource.StackView) --------------------------

    @functools.cached_property
    def clients(self) -> clients_mod.Clients:
        # Built on first use: describes and validation never reach a cloud.
        return clients_mod.for_context(self.context)

    def resolve(self, snippet):
        return functions.resolve(snippet)

    def state_changed(self, rsrc):
        event = {
            'stack_id': self.row.id,
            'resource_name': rsrc.name,
            'physical_resource_id': rsrc.resource_id,
            'resource_type': rsrc.definition.type,
            'resource_action': rsrc.action.value,
            'resource_status': rsrc.status.value,
            'resource_status_reason': rsrc.status_reason,
            'created_at': utcnow(),
            'uuid': str(uuid.uuid4()),
        }
        self.recorder.resource_changed(self._row_ids[rsrc.name], rsrc, event)

    def data_changed(self, rsrc):
        db_api.resource_update(
            self._row_ids[rsrc.name], recorder.resource_values(rsrc)
        )

    # -- stack users and their keys (resource.StackView) -------------------

    def resource_by_reference(self, reference):
        for rsrc in self.resources.values():
            if rsrc.get_reference_id() == reference:
                return rsrc
        return None

    def stack_credentials(self):
        for name in sorted(self.resources):
            rsrc = self.resources[name]
            if isinstance(rsrc, iam.AccessKey):
                keys = rsrc.credentials()
                if keys is not None:
                    return keys
        return None

    # -- signals and wait condition handle URLs (resource.StackView) -------

    def signals(self, resource_name):
        # A handle made anew clears its name's signals in its state's batch:
        # one not written yet must not leave its predecessor's to be read.
        self.recorder.clear_signals_now(resource_name)
        return [
            {
                'unique_id': row.unique_id,
                'status': row.status,
                'reason': row.reason,
                'data': row.data,
            }
            for row in db_api.resource_signal_list(self.row.id, resource_name)
        ]

    def forget_signals(self, resource_name):
        """Drop the resource's signals in the write of its next state."""
        self.recorder.signals_cleared(resource_name)

    def handle_url(self, resource_name):
        # The key is stored with the batch of the state that shows the URL
        # (see recorder): one transaction for many handles.
        access, secret, key_row = db_api.resource_key_new(
            self.row.tenant, self.row.user, self.row.id, resource_name
        )
        url = handle_url.presign(
            self.public_endpoint,
            self.identifier.arn(),
            resource_name,
            access,
            secret,
        )
        if len(url) > models.PHYSICAL_ID_LENGTH:
            raise exception.ValidationError(
                'The URL of %s in stack %s would be %d characters, more '
                'than the %d a physical id may have: shorten the names or '
                '[heat_api] public_endpoint.'
                % (
                    resource_name,
                    self.row.name,
                    len(url),
                    models.PHYSICAL_ID_LENGTH,
                )
            )
        self.recorder.key_made(key_row)
        return url

    def revoke_handle_url(self, url):
        # Deleted with the batch of the state that follows the handle's
        # delete.
        access = handle_url.access_key(url)
        if access is not None:
            self.recorder.key_revoked(access)

    # -- what template functions see (functions.ResourceResolver) ---------

    def has_resource(self, name):
        return name in self.template.resources

    def resource_type(self, name):
        return self.template.resources[name]['Type']

    def reference(self, name):
        rsrc = self.resources.get(name)
        return rsrc.get_reference_id() if rsrc is not None else None

    def attribute(self, name, attr):
        rsrc = self.resources.get(name)
        return rsrc.get_attribute(attr) if rsrc is not None else None

    def check_attribute(self, name, attr):
        cls = resources.get_class(self.resource_type(name))
        attributes.check(cls.attributes_schema, name, attr)

    def availability_zones(self):
        return self._zones

    @functools.cached_property
    def _zones(self):
        # Asked once per stack object: Fn::GetAZs may be resolved often.
        return tuple(self.clients.compute.availability_zones())

    # -- what describes show ---------------------------------------------

    def outputs(self):
        """[{OutputKey, OutputValue, Description}], once the stack is up."""
        if not has_outputs(self.row):
            return []
        shown = []
        for name, output in sorted(
            self.template.output_definitions(self._functions).items()
        ):
            shown.append(
                {
                    'OutputKey': name,
                    'OutputValue': self._output_value(name, output),
                    'Description': output.description or None,
                }
            )
        return shown

    def _output_value(self, name, output):
        try:
            value = output.resolved_value()
        except exception.HeatError as err:
            LOG.warning(
                '%s: output %s cannot be resolved: %s', self, name, err
            )
            return None
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, list):
            return ','.join(str(v) for v in value)
        return json.dumps(value)

    def resource_metadata(self, name):
        """The resource's Metadata, resolved as the stack stands now."""
        return functions.resolve(self.definitions[name].metadata) or {}

    def describe(self):
        return describe.stack(
            self.row, self.parameters.display_values(), self.outputs()
        )
