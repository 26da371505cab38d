"""The data API the engine calls: plain values in, detached rows out.

Every function opens and closes its own session.  Reads by name or id that a
caller's request can reach take the tenant explicitly, so one tenant never
sees another's rows.  Bulk functions exist for the hot path of large stacks.
"""

import dataclasses
import datetime
import functools
import secrets
import string
import typing

import sqlalchemy as sa
from sqlalchemy import orm

from heat.common import crypto
from heat.common import exception
from heat.common.states import ResourceAction
from heat.common.states import StackAction
from heat.db import connection
from heat.db.models import Ec2Credential
from heat.db.models import Event
from heat.db.models import RawTemplate
from heat.db.models import Resource
from heat.db.models import ResourceSignal
from heat.db.models import Stack
from heat.db.models import StackLock
from heat.db.types import utcnow

configure = connection.configure
get_engine = connection.get_engine

# Bounds the retries of a lock acquire racing a release.
_LOCK_ATTEMPTS = 3


# -- templates -------------------------------------------------------------


def raw_template_create(template: dict) -> int:
    with connection.writing() as session:
        row = RawTemplate(template=template)
        session.add(row)
        session.flush()
        return row.id


def raw_template_get(template_id: int) -> dict:
    with connection.reading() as session:
        row = session.get(RawTemplate, template_id)
    if row is None:
        raise exception.EntityNotFound(entity='raw_template', id=template_id)
    return row.template


# -- stacks ----------------------------------------------------------------


def stack_create(values: dict, template: dict | None = None) -> Stack:
    """Insert a live stack, with its template when given (else values
    name raw_template_id) in the same transaction.

    Raises AlreadyExists when a live stack of the tenant has the name:
    the database refuses it, so of concurrent creates of one name exactly
    one succeeds.
    """
    try:
        with connection.writing() as session:
            if template is not None:
                row = RawTemplate(template=template)
                session.add(row)
                session.flush()
                values = {**values, 'raw_template_id': row.id}
            stack = Stack(**{**values, 'live_name': values['name']})
            session.add(stack)
    except sa.exc.IntegrityError as exc:
        # Every backend names the column or its index in the message.
        if 'live_name' in str(exc.orig):
            raise exception.AlreadyExists(name=values['name']) from None
        raise
    return stack


# The reads of every describe are built once, with bound parameters:
# building a statement and its cache key cost a third of running it.


@functools.cache
def _stack_by_id(by_tenant, show_deleted):
    query = sa.select(Stack).where(Stack.id == sa.bindparam('stack_id'))
    if by_tenant:
        query = query.where(Stack.tenant == sa.bindparam('tenant'))
    if not show_deleted:
        query = query.where(Stack.deleted_at.is_(None))
    return query


_STACK_BY_NAME = (
    sa.select(Stack)
    .where(
        Stack.tenant == sa.bindparam('tenant'),
        Stack.name == sa.bindparam('name'),
        Stack.deleted_at.is_(None),
    )
    .order_by(Stack.created_at.desc())
)


def stack_get(stack_id, tenant=None, show_deleted=False) -> Stack | None:
    """The stack with this id; None when absent, deleted or not tenant's.

    tenant=None reads across tenants: for the engine's own bookkeeping,
    never for a request.
    """
    query = _stack_by_id(tenant is not None, bool(show_deleted))
    params = {'stack_id': stack_id}
    if tenant is not None:
        params['tenant'] = tenant
    with connection.reading() as session:
        return session.scalars(query, params).first()


def stack_get_by_name(tenant, name) -> Stack | None:
    with connection.reading() as session:
        return session.scalars(
            _STACK_BY_NAME, {'tenant': tenant, 'name': name}
        ).first()


@functools.cache
def _stack_view_by_id(by_tenant, show_deleted):
    return connection.DirectRead(_stack_by_id(by_tenant, show_deleted))


_STACK_VIEW_BY_NAME = connection.DirectRead(_STACK_BY_NAME)


def stack_view(stack_id, tenant=None, show_deleted=False):
    """stack_get as a read-only named tuple of the stack's columns, for
    describes: a fifth of the cost of the model object."""
    params = {'stack_id': stack_id}
    if tenant is not None:
        params['tenant'] = tenant
    return _stack_view_by_id(tenant is not None, bool(show_deleted)).first(
        **params
    )


def stack_view_by_name(tenant, name):
    """stack_get_by_name as a read-only row, like stack_view."""
    return _STACK_VIEW_BY_NAME.first(tenant=tenant, name=name)


def stack_list(
    tenant, statuses=None, show_deleted=False, limit=None, marker=None
) -> list:
    """The tenant's stacks, newest first, as read-only rows like
    stack_view's.

    statuses filters on 'ACTION_STATUS' strings (CREATE_COMPLETE, ...);
    marker is the id of the last stack of the previous page.
    """
    statuses = sorted(set(statuses or ()))
    params = {'tenant': tenant}
    params.update(
        ('status_%d' % i, status) for i, status in enumerate(statuses)
    )
    if marker is not None:
        params['marker'] = marker
    if limit is not None:
        params['limit'] = limit
    return _stack_list(
        bool(show_deleted),
        len(statuses),
        marker is not None,
        limit is not None,
    ).rows(**params)


# A statement for each number of statuses filtered on, since a direct
# read binds no list; the cache bounds those a caller can have made.
@functools.lru_cache(maxsize=64)
def _stack_list(show_deleted, status_count, after_marker, limited):
    query = sa.select(Stack).where(Stack.tenant == sa.bindparam('tenant'))
    if not show_deleted:
        query = query.where(Stack.deleted_at.is_(None))
    if status_count:
        query = query.where(
            (Stack.action + '_' + Stack.status).in_(
                [
                    sa.bindparam('status_%d' % i, type_=sa.String)
                    for i in range(status_count)
                ]
            )
        )
    if after_marker:
        # No stacks at all when the marker is none of the tenant's.
        marked = orm.aliased(Stack)
        marked_at = (
            sa.select(marked.created_at)
            .where(
                marked.id == sa.bindparam('marker'),
                marked.tenant == sa.bindparam('tenant'),
            )
            .scalar_subquery()
        )
        query = query.where(
            sa.or_(
                Stack.created_at < marked_at,
                sa.and_(
                    Stack.created_at == marked_at,
                    Stack.id < sa.bindparam('marker'),
                ),
            )
        )
    query = query.order_by(Stack.created_at.desc(), Stack.id.desc())
    if limited:
        query = query.limit(sa.bindparam('limit'))
    return connection.DirectRead(query)


def stack_update(stack_id, values: dict) -> None:
    values = {'updated_at': utcnow(), **values}
    with connection.writing() as session:
        result = session.execute(
            sa.update(Stack).where(Stack.id == stack_id).values(values)
        )
        if result.rowcount == 0:
            raise exception.StackNotFound(stack=stack_id)


def stack_set_state(
    stack_id, values: dict, event: dict, releasing_engine_id=None
) -> None:
    """Update the stack and add its event in one transaction.

    With releasing_engine_id, that engine's lock on the stack goes in the
    same transaction: whoever sees the state an operation ends with may
    start the next one at once.
    """
    values = {'updated_at': utcnow(), **values}
    with connection.writing() as session:
        result = session.execute(
            sa.update(Stack).where(Stack.id == stack_id).values(values)
        )
        if result.rowcount == 0:
            raise exception.StackNotFound(stack=stack_id)
        session.add(Event(**event))
        if releasing_engine_id is not None:
            session.execute(
                sa.delete(StackLock).where(
                    StackLock.stack_id == stack_id,
                    StackLock.engine_id == releasing_engine_id,
                )
            )


def stack_soft_delete(stack_id) -> None:
    """Mark the stack deleted, freeing its name for a new stack;
    purge_deleted removes it for good later."""
    stack_update(stack_id, {'deleted_at': utcnow(), 'live_name': None})


# -- resources -------------------------------------------------------------


def resource_create(values: dict) -> Resource:
    return resources_create([values])[0]


def resources_create(values_list: list[dict]) -> list[Resource]:
    """Insert many resources in one statement; rows in the order given."""
    if not values_list:
        return []
    with connection.writing() as session:
        rows = session.scalars(
            sa.insert(Resource).returning(
                Resource, sort_by_parameter_order=True
            ),
            values_list,
        ).all()
    return rows


def resource_get(stack_id, name) -> Resource | None:
    query = sa.select(Resource).where(
        Resource.stack_id == stack_id, Resource.name == name
    )
    with connection.reading() as session:
        return session.scalars(query).first()


_RESOURCES_OF_STACK = (
    sa.select(Resource)
    .where(Resource.stack_id == sa.bindparam('stack_id'))
    .order_by(Resource.id)
)


def resource_get_all(stack_id) -> list[Resource]:
    with connection.reading() as session:
        return list(
            session.scalars(_RESOURCES_OF_STACK, {'stack_id': stack_id})
        )


_RESOURCE_VIEWS = connection.DirectRead(
    sa.select(
        Resource.id,
        Resource.name,
        Resource.action,
        Resource.status,
        Resource.status_reason,
        Resource.physical_resource_id,
        Resource.data,
        Resource.rsrc_metadata,
    )
    .where(Resource.stack_id == sa.bindparam('stack_id'))
    .order_by(Resource.id)
)


def resource_views(stack_id) -> list:
    """resource_get_all as read-only rows of what a stack restores its
    resources from, for describes: id, name, action, status,
    status_reason, physical_resource_id, data and rsrc_metadata.  Without
    the properties and attributes, a fifth of the cost."""
    return _RESOURCE_VIEWS.rows(stack_id=stack_id)


_RESOURCE_STATES_COLUMNS = (
    Resource.name,
    Resource.type,
    Resource.physical_resource_id,
    Resource.action,
    Resource.status,
    Resource.status_reason,
    Resource.created_at,
    Resource.updated_at,
)


class StackResourceStates(typing.NamedTuple):
    """A stack's identity and the states of its started (not INIT)
    resources, as DescribeStackResources shows them: rows of the columns
    in _RESOURCE_STATES_COLUMNS, without the data, metadata and
    properties that whole rows decode (beside the stack's)."""

    id: str
    name: str
    tenant: str
    deleted_at: datetime.datetime | None
    resources: list


def _stack_with_resource_states(*where):
    """The stack's columns beside each of its started resources, in one
    read: a stack without any is one row with no resource."""
    return connection.DirectRead(
        sa.select(
            Stack.id.label('stack_id'),
            Stack.name.label('stack_name'),
            Stack.tenant,
            Stack.deleted_at,
            *_RESOURCE_STATES_COLUMNS,
        )
        .outerjoin(
            Resource,
            sa.and_(
                Resource.stack_id == Stack.id,
                Resource.action != ResourceAction.INIT,
            ),
        )
        .where(Stack.tenant == sa.bindparam('tenant'), *where)
        .order_by(Stack.created_at.desc(), Resource.id)
    )


# By show_deleted.
_STACK_RESOURCE_STATES = {
    False: _stack_with_resource_states(
        Stack.id == sa.bindparam('stack_id'), Stack.deleted_at.is_(None)
    ),
    True: _stack_with_resource_states(Stack.id == sa.bindparam('stack_id')),
}
_STACK_RESOURCE_STATES_BY_NAME = _stack_with_resource_states(
    Stack.name == sa.bindparam('name'), Stack.deleted_at.is_(None)
)


def stack_resource_states(
    stack_id, tenant, show_deleted=False
) -> StackResourceStates | None:
    """The tenant's stack with its resources' states, like stack_view."""
    return _with_resources(
        _STACK_RESOURCE_STATES[bool(show_deleted)].rows(
            stack_id=stack_id, tenant=tenant
        )
    )


def stack_resource_states_by_name(tenant, name) -> StackResourceStates | None:
    """The tenant's live stack of that name with its resources' states."""
    return _with_resources(
        _STACK_RESOURCE_STATES_BY_NAME.rows(tenant=tenant, name=name)
    )


def _with_resources(rows):
    if not rows:
        return None
    # Two creates racing may leave two live stacks of one name: the
    # newest counts, as for stack_view_by_name.
    first = rows[0]
    return StackResourceStates(
        first.stack_id,
        first.stack_name,
        first.tenant,
        first.deleted_at,
        [
            row
            for row in rows
            if row.stack_id == first.stack_id and row.name is not None
        ],
    )


def resource_get_by_physical_id(tenant, physical_id) -> Resource | None:
    """The resource of one of tenant's live stacks with this physical id."""
    query = (
        sa.select(Resource)
        .join(Stack, Stack.id == Resource.stack_id)
        .where(
            Resource.physical_resource_id == physical_id,
            Stack.tenant == tenant,
            Stack.deleted_at.is_(None),
        )
        .order_by(Resource.id.desc())
    )
    with connection.reading() as session:
        return session.scalars(query).first()


def resource_update(resource_id: int, values: dict) -> None:
    values = {'updated_at': utcnow(), **values}
    with connection.writing() as session:
        result = session.execute(
            sa.update(Resource)
            .where(Resource.id == resource_id)
            .values(values)
        )
        if result.rowcount == 0:
            raise exception.EntityNotFound(entity='resource', id=resource_id)


def resource_delete(resource_id: int) -> bool:
    with connection.writing() as session:
        result = session.execute(
            sa.delete(Resource).where(Resource.id == resource_id)
        )
        return result.rowcount > 0


def _update_resources(session, updates):
    if not updates:
        return
    now = utcnow()
    session.execute(
        sa.update(Resource),
        [
            {'updated_at': now, **values, 'id': resource_id}
            for resource_id, values in updates
        ],
    )


# -- events ----------------------------------------------------------------


def event_create(values: dict) -> Event:
    with connection.writing() as session:
        event = Event(**values)
        session.add(event)
    return event


def event_list(stack_id, limit=None, marker=None) -> list:
    """The stack's events, newest first, as read-only named tuples of
    their columns; marker is the last event's uuid."""
    params = {'stack_id': stack_id}
    if marker is not None:
        params['marker'] = marker
    if limit is not None:
        params['limit'] = limit
    return _events(marker is not None, limit is not None).rows(**params)


@functools.cache
def _events(after_marker, limited):
    query = sa.select(Event).where(Event.stack_id == sa.bindparam('stack_id'))
    if after_marker:
        # No events at all when the marker is none of the stack's.
        marked = orm.aliased(Event)
        query = query.where(
            Event.id
            < (
                sa.select(marked.id)
                .where(
                    marked.uuid == sa.bindparam('marker'),
                    marked.stack_id == sa.bindparam('stack_id'),
                )
                .scalar_subquery()
            )
        )
    query = query.order_by(Event.id.desc())
    if limited:
        query = query.limit(sa.bindparam('limit'))
    return connection.DirectRead(query)


def _insert_events(session, values_list):
    # A Core insert on the table: one executemany.  The ORM's bulk insert
    # sends one statement per row for this table.
    if values_list:
        session.execute(Event.__table__.insert(), list(values_list))


def write_batch(
    resource_updates: list[tuple[int, dict]],
    events: list[dict],
    new_keys: typing.Sequence[dict] = (),
    revoked_keys: typing.Sequence[tuple[str, str]] = (),
    cleared_signals: typing.Sequence[tuple[str, str]] = (),
) -> None:
    """Resource updates and the events recording them, in one transaction.

    Before them, in the same transaction: new_keys (rows that
    resource_key_new made) are stored, and the signals of their resources
    go, since a handle made anew starts without signals; so do those of
    cleared_signals, (stack_id, resource name) pairs; revoked_keys,
    (stack_id, access) pairs, are deleted if they are keys of a resource
    of that stack (any other key is left alone).
    """
    with connection.writing() as session:
        if new_keys:
            session.execute(_INSERT_KEYPAIR, list(new_keys))
        _delete_by_stack(
            session,
            _CLEAR_SIGNALS,
            'names',
            [(row['stack_id'], row['resource_name']) for row in new_keys]
            + list(cleared_signals),
        )
        _delete_by_stack(session, _REVOKE_KEYS, 'accesses', revoked_keys)
        _update_resources(session, resource_updates)
        _insert_events(session, events)


def _delete_by_stack(session, statement, parameter, pairs):
    """Run a delete of statement for each stack of (stack_id, value)
    pairs, its values bound to the list parameter, a chunk at a time."""
    by_stack = {}
    for stack_id, value in pairs:
        by_stack.setdefault(stack_id, []).append(value)
    for stack_id, values in by_stack.items():
        for start in range(0, len(values), _IN_CHUNK):
            session.execute(
                statement,
                {
                    'stack_id': stack_id,
                    parameter: values[start : start + _IN_CHUNK],
                },
            )


# -- stack locks -----------------------------------------------------------


def stack_lock_acquire(stack_id, engine_id) -> str | None:
    """Take the stack's lock: None when taken, else the holder's engine id.

    The holder may be engine_id itself: a second operation of the same
    engine on the same stack must not proceed either.
    """
    for _ in range(_LOCK_ATTEMPTS):
        try:
            with connection.writing() as session:
                session.add(StackLock(stack_id=stack_id, engine_id=engine_id))
            return None
        except sa.exc.IntegrityError:
            holder = _lock_holder(stack_id)
            if holder is not None:
                return holder
            if stack_get(stack_id, show_deleted=True) is None:
                raise exception.StackNotFound(stack=stack_id) from None
            # The holder released it between our insert and our read.
    raise exception.ServiceUnavailable(
        'The lock of stack %s changed hands too often to take; try again.'
        % stack_id
    )


def stack_lock_steal(stack_id, old_engine_id, new_engine_id) -> bool:
    """Move the lock from a dead engine; False if old_engine_id lost it."""
    with connection.writing() as session:
        result = session.execute(
            sa.update(StackLock)
            .where(
                StackLock.stack_id == stack_id,
                StackLock.engine_id == old_engine_id,
            )
            .values(engine_id=new_engine_id, created_at=utcnow())
        )
        return result.rowcount == 1


def stack_lock_release(stack_id, engine_id) -> bool:
    """Drop the lock if engine_id holds it; False if it did not."""
    with connection.writing() as session:
        result = session.execute(
            sa.delete(StackLock).where(
                StackLock.stack_id == stack_id,
                StackLock.engine_id == engine_id,
            )
        )
        return result.rowcount == 1


def stack_locks_holders() -> dict[str, str]:
    """{stack id: engine id} of every lock held."""
    query = sa.select(StackLock.stack_id, StackLock.engine_id)
    with connection.reading() as session:
        return dict(session.execute(query).all())


def _lock_holder(stack_id):
    with connection.reading() as session:
        return session.scalar(
            sa.select(StackLock.engine_id).where(
                StackLock.stack_id == stack_id
            )
        )


# -- credentials -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ec2Keypair:
    """An EC2 key pair; secret is None where it was not asked for."""

    access: str
    tenant: str
    user: str | None
    stack_id: str | None
    created_at: datetime.datetime
    secret: str | None = dataclasses.field(default=None, repr=False)
    # Set for a key that may only signal this resource of stack_id.
    resource_name: str | None = None


def ec2_credential_create(
    tenant, user=None, stack_id=None, resource_name=None
) -> tuple[str, str]:
    """A new random key pair: (access, secret), shaped like AWS's.

    stack_id limits the key to one stack; resource_name, with it, to
    signalling that resource (see resource_key_new).
    """
    access, secret = _new_keypair()
    with connection.writing() as session:
        _insert_keypair(
            session,
            access,
            secret,
            tenant=tenant,
            user=user,
            stack_id=stack_id,
            resource_name=resource_name,
        )
    return access, secret


def resource_key_new(
    tenant, user, stack_id, resource_name
) -> tuple[str, str, dict]:
    """A key pair that may only signal one resource of a stack (a wait
    condition handle's), not stored yet: (access, secret, row).

    write_batch stores the row (its secret encrypted) with the state that
    publishes the URL the key signs, so that the URL is never seen before
    its key works.
    """
    access, secret = _new_keypair()
    row = {
        'access': access,
        'secret': crypto.encrypt(secret),
        'tenant': tenant,
        'user': user,
        'stack_id': stack_id,
        'resource_name': resource_name,
        'created_at': utcnow(),
    }
    return access, secret, row


_ACCESS_CHARS = string.ascii_uppercase + string.digits
_SECRET_CHARS = string.ascii_letters + string.digits + '+/'
# Built once: building a statement costs more than running it.
_INSERT_KEYPAIR = sa.insert(Ec2Credential)
_REVOKE_KEYS = sa.delete(Ec2Credential).where(
    Ec2Credential.stack_id == sa.bindparam('stack_id'),
    Ec2Credential.resource_name.is_not(None),
    Ec2Credential.access.in_(sa.bindparam('accesses', expanding=True)),
)
_CLEAR_SIGNALS = sa.delete(ResourceSignal).where(
    ResourceSignal.stack_id == sa.bindparam('stack_id'),
    ResourceSignal.resource_name.in_(sa.bindparam('names', expanding=True)),
)
# Values bound to one IN list: well below any database's limit on them.
_IN_CHUNK = 500


def _new_keypair():
    return _random_text(_ACCESS_CHARS, 20), _random_text(_SECRET_CHARS, 40)


def _random_text(alphabet, length):
    """length characters of alphabet, each uniformly and secretly chosen.

    From one read of random bytes, not a read a character: a stack makes
    hundreds of keys.  Bytes past the last whole multiple of the
    alphabet's size are skipped, so every character is equally likely.
    """
    size = len(alphabet)
    limit = 256 - 256 % size
    chosen = []
    while len(chosen) < length:
        chosen.extend(
            alphabet[byte % size]
            for byte in secrets.token_bytes(length + 8)
            if byte < limit
        )
    return ''.join(chosen[:length])


def _insert_keypair(session, access, secret, **values):
    session.execute(
        _INSERT_KEYPAIR,
        {'access': access, 'secret': crypto.encrypt(secret), **values},
    )


def ec2_credential_get(access) -> Ec2Keypair | None:
    with connection.reading() as session:
        row = session.get(Ec2Credential, access)
    if row is None:
        return None
    return _keypair(row, secret=crypto.decrypt(row.secret))


def ec2_credential_list(tenant=None, stack_id=None) -> list[Ec2Keypair]:
    """Key pairs, oldest first, without their secrets."""
    query = sa.select(Ec2Credential).order_by(
        Ec2Credential.created_at, Ec2Credential.access
    )
    if tenant is not None:
        query = query.where(Ec2Credential.tenant == tenant)
    if stack_id is not None:
        query = query.where(Ec2Credential.stack_id == stack_id)
    with connection.reading() as session:
        return [_keypair(row) for row in session.scalars(query)]


def ec2_credential_delete(access) -> bool:
    with connection.writing() as session:
        result = session.execute(
            sa.delete(Ec2Credential).where(Ec2Credential.access == access)
        )
        return result.rowcount > 0


def ec2_credential_delete_stack(stack_id) -> int:
    """Delete every key of the stack, its resources' too; how many."""
    with connection.writing() as session:
        result = session.execute(
            sa.delete(Ec2Credential).where(Ec2Credential.stack_id == stack_id)
        )
        return result.rowcount


def _keypair(row, secret=None):
    return Ec2Keypair(
        access=row.access,
        tenant=row.tenant,
        user=row.user,
        stack_id=row.stack_id,
        created_at=row.created_at,
        secret=secret,
        resource_name=row.resource_name,
    )


# -- resource signals ------------------------------------------------------

# Bounds the retries of two engines storing the same new UniqueId at once.
_SIGNAL_ATTEMPTS = 3


def resource_signal_store(
    stack_id, resource_name, unique_id, status, reason='', data=''
) -> None:
    """Store a signal; one with a UniqueId sent before replaces it.

    Refused while the stack is being deleted (ValidationError) or once it
    is deleted (StackNotFound), checked in the same transaction.
    """
    values = {
        'status': status,
        'reason': reason,
        'data': data,
        'created_at': utcnow(),
    }
    for _ in range(_SIGNAL_ATTEMPTS):
        try:
            with connection.writing() as session:
                _check_stack_takes_signals(session, stack_id)
                replaced = session.execute(
                    sa.update(ResourceSignal)
                    .where(
                        ResourceSignal.stack_id == stack_id,
                        ResourceSignal.resource_name == resource_name,
                        ResourceSignal.unique_id == unique_id,
                    )
                    .values(values)
                )
                if replaced.rowcount == 0:
                    session.add(
                        ResourceSignal(
                            stack_id=stack_id,
                            resource_name=resource_name,
                            unique_id=unique_id,
                            **values,
                        )
                    )
            return
        except sa.exc.IntegrityError:
            # Another engine stored this UniqueId first: replace it.
            continue
    raise exception.ServiceUnavailable(
        'Signal %s of resource %s could not be stored; try again.'
        % (unique_id, resource_name)
    )


def _check_stack_takes_signals(session, stack_id):
    row = session.execute(
        sa.select(Stack.name, Stack.action, Stack.deleted_at).where(
            Stack.id == stack_id
        )
    ).first()
    if row is None or row.deleted_at is not None:
        raise exception.StackNotFound(stack=stack_id)
    if row.action == StackAction.DELETE:
        raise exception.ValidationError(
            'Stack %s is being deleted: it takes no signals.' % row.name
        )


def resource_signal_list(stack_id, resource_name) -> list[ResourceSignal]:
    """The resource's signals in the order they first arrived."""
    query = (
        sa.select(ResourceSignal)
        .where(
            ResourceSignal.stack_id == stack_id,
            ResourceSignal.resource_name == resource_name,
        )
        .order_by(ResourceSignal.id)
    )
    with connection.reading() as session:
        return list(session.scalars(query))


def resource_signal_delete(stack_id, resource_name) -> int:
    """Forget the resource's signals; how many there were."""
    with connection.writing() as session:
        result = session.execute(
            sa.delete(ResourceSignal).where(
                ResourceSignal.stack_id == stack_id,
                ResourceSignal.resource_name == resource_name,
            )
        )
        return result.rowcount


# -- purge -----------------------------------------------------------------


def purge_deleted(older_than: datetime.timedelta) -> int:
    """Remove stacks soft-deleted before now - older_than, with their rows.

    Returns how many stacks were removed.  Templates no stack refers to
    any more go too.
    """
    cutoff = utcnow() - older_than
    with connection.writing() as session:
        purged = session.execute(
            sa.select(
                Stack.id, Stack.raw_template_id, Stack.prev_raw_template_id
            ).where(Stack.deleted_at < cutoff)
        ).all()
        if not purged:
            return 0
        stack_ids = [row.id for row in purged]
        for model in (
            Resource,
            Event,
            StackLock,
            Ec2Credential,
            ResourceSignal,
        ):
            session.execute(
                sa.delete(model).where(model.stack_id.in_(stack_ids))
            )
        session.execute(sa.delete(Stack).where(Stack.id.in_(stack_ids)))
        template_ids = {row.raw_template_id for row in purged} | {
            row.prev_raw_template_id for row in purged
        }
        template_ids.discard(None)
        _delete_unreferenced_templates(session, template_ids)
    return len(stack_ids)


def _delete_unreferenced_templates(session, template_ids):
    """Delete those of template_ids that no remaining stack uses.

    Only the purged stacks' templates are candidates: any other template
    may belong to a stack being created right now.
    """
    still_used = set(
        session.scalars(
            sa.select(Stack.raw_template_id)
            .where(Stack.raw_template_id.in_(template_ids))
            .union(
                sa.select(Stack.prev_raw_template_id).where(
                    Stack.prev_raw_template_id.in_(template_ids)
                )
            )
        )
    )
    unused = template_ids - still_used
    if unused:
        session.execute(
            sa.delete(RawTemplate).where(RawTemplate.id.in_(unused))
        )
