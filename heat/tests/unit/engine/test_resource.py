import pytest

from heat.common import context
from heat.common import exception
from heat.common import identifier
from heat.engine import attributes
from heat.engine import properties
from heat.engine import resource
from heat.engine import scheduler
from heat.engine.resource import Action
from heat.engine.resource import DeletionPolicy
from heat.engine.resource import Status
from heat.engine.resources import wait_condition

Schema = properties.Schema


class Ref:
    """Stands in for a template function: resolves to ``value``."""

    def __init__(self, value):
        self.value = value


def resolve(snippet):
    if isinstance(snippet, Ref):
        return snippet.value
    if isinstance(snippet, dict):
        return {k: resolve(v) for k, v in snippet.items()}
    return snippet


class FakeStack:
    """A StackView that records what resources report."""

    context = context.RequestContext(tenant='t1')
    identifier = identifier.StackIdentifier('t1', 'web', 'abcd')
    clients = None
    public_endpoint = 'http://127.0.0.1:8000/v1'

    def __init__(self):
        self.events = []
        self.saved = []

    def resolve(self, snippet):
        return resolve(snippet)

    def state_changed(self, res):
        self.events.append(
            '%s_%s %s'
            % (res.action.value, res.status.value, res.status_reason)
        )

    def data_changed(self, res):
        self.saved.append((res.resource_id, dict(res.data), res.metadata))


class Trace:
    def __init__(self):
        self.calls = []
        self.sleeps = []


def run(task, throw_at_sleep=None, max_steps=100):
    """Step a task as the scheduler would, running pool calls inline.

    With ``throw_at_sleep``, that exception is thrown into the task at
    its first Sleep.  Returns the Trace of calls and sleeps.
    """
    trace = Trace()
    value, error = None, None
    for _ in range(max_steps):
        try:
            request = task.send(value) if error is None else task.throw(error)
        except StopIteration:
            return trace
        value, error = None, None
        if isinstance(request, scheduler.Blocking):
            trace.calls.append(request.fn.__name__)
            try:
                value = request.fn(*request.args, **request.kwargs)
            except Exception as exc:
                error = exc
        elif isinstance(request, scheduler.Sleep):
            trace.sleeps.append(request.seconds)
            error = throw_at_sleep
        else:
            raise AssertionError('unexpected request %r' % (request,))
    raise AssertionError('task did not finish in %d steps' % max_steps)


class Server(resource.Resource):
    """A cloud object that takes ``polls`` checks to build."""

    properties_schema = {
        'ImageId': Schema(Schema.STRING, required=True),
        'Flavor': Schema(Schema.STRING, update_allowed=True),
        'Polls': Schema(Schema.INTEGER, default=1, update_allowed=True),
    }
    attributes_schema = {'PublicIp': attributes.Attribute('address')}
    supports_snapshot = True
    poll_interval = 0.5

    def __init__(self, *args):
        super().__init__(*args)
        self.cloud_log = []
        self.fail_with = {}

    def _cloud(self, call, *args):
        self.cloud_log.append((call,) + args)
        if call in self.fail_with:
            raise self.fail_with[call]

    def handle_create(self):
        self._cloud('create', self.properties['ImageId'])
        self.set_resource_id('srv-1')
        return {'polls_left': self.properties['Polls']}

    def check_create_complete(self, token):
        self._cloud('check')
        token['polls_left'] -= 1
        return token['polls_left'] <= 0

    def handle_update(self, new_properties, changed_names):
        self._cloud('update', sorted(changed_names))
        return {'polls_left': 1}

    def check_update_complete(self, token):
        return self.check_create_complete(token)

    def handle_delete(self):
        self._cloud('delete', self.resource_id)

    def handle_snapshot_delete(self):
        self._cloud('snapshot', self.resource_id)

    def resolve_attribute(self, name):
        return '10.0.0.%s' % self.resource_id[-1]


def definition(type_name='Test::Server', **kwargs):
    props = kwargs.pop('properties', {'ImageId': 'F17'})
    return resource.ResourceDefinition(type_name, props, **kwargs)


def server(**kwargs):
    return Server('Web', definition(**kwargs), FakeStack())


def created(**kwargs):
    res = server(**kwargs)
    run(res.create())
    res.stack.events.clear()
    res.cloud_log.clear()
    return res


# Create


def test_create_calls_the_hooks_in_the_pool_and_reports_states():
    res = server()
    trace = run(res.create())
    assert trace.calls == ['handle_create', 'check_create_complete']
    assert trace.sleeps == []
    assert res.stack.events == ['CREATE_IN_PROGRESS ', 'CREATE_COMPLETE ']
    assert (res.action, res.status) == (Action.CREATE, Status.COMPLETE)
    assert res.resource_id == 'srv-1'
    assert res.stack.saved[0][0] == 'srv-1'


def test_polls_back_off_up_to_the_poll_interval():
    res = server(properties={'ImageId': 'F17', 'Polls': 6})
    trace = run(res.create())
    assert trace.sleeps == [0.1, 0.2, 0.4, 0.5, 0.5]
    assert trace.calls.count('check_create_complete') == 6


def test_create_failure_names_resource_and_cloud_message():
    res = server()
    res.fail_with['create'] = exception.CloudError(reason='Quota exceeded')
    with pytest.raises(exception.ResourceFailure) as info:
        run(res.create())
    assert str(info.value) == 'Web: Quota exceeded'
    assert isinstance(info.value.__cause__, exception.CloudError)
    assert res.stack.events[-1] == 'CREATE_FAILED Quota exceeded'
    assert res.status is Status.FAILED


def test_unexpected_errors_say_what_they_are():
    res = server()
    res.fail_with['check'] = KeyError('status')
    with pytest.raises(
        exception.ResourceFailure, match="Web: KeyError: 'status'"
    ):
        run(res.create())


def test_invalid_properties_fail_the_create_before_any_cloud_call():
    res = server(properties={'ImageId': 'F17', 'Polls': 'many'})
    with pytest.raises(
        exception.ResourceFailure, match=r'Resources\.Web\.Properties\.Polls'
    ):
        run(res.create())
    assert res.cloud_log == []
    assert res.stack.events[-1].startswith('CREATE_FAILED Resources.Web')


def test_properties_and_metadata_are_resolved_when_create_starts():
    res = server(
        properties={'ImageId': Ref('F18')},
        metadata={'AWS::CloudFormation::Init': Ref({'a': 1})},
    )
    run(res.create())
    assert res.cloud_log[0] == ('create', 'F18')
    assert res.metadata == {'AWS::CloudFormation::Init': {'a': 1}}


def test_cancel_while_waiting_marks_the_action_failed():
    res = server(properties={'ImageId': 'F17', 'Polls': 3})
    cancel = scheduler.Cancelled(scheduler.RunOutcome.TIMED_OUT)
    with pytest.raises(scheduler.Cancelled):
        run(res.create(), throw_at_sleep=cancel)
    assert res.stack.events[-1] == (
        'CREATE_FAILED CREATE cancelled (stack operation timed out)'
    )


class Local(resource.Resource):
    cloud_calls = False

    def check_create_complete(self, token):
        return True


def test_a_type_without_cloud_calls_runs_without_the_pool():
    res = Local('L', definition('Test::Local', properties={}), FakeStack())
    assert run(res.create()).calls == []
    assert run(res.delete()).calls == []
    assert res.stack.events == [
        'CREATE_IN_PROGRESS ',
        'CREATE_COMPLETE ',
        'DELETE_IN_PROGRESS ',
        'DELETE_COMPLETE ',
    ]


# Delete


def test_delete_calls_handle_delete():
    res = created()
    trace = run(res.delete())
    assert trace.calls == ['handle_delete', 'check_delete_complete']
    assert res.cloud_log == [('delete', 'srv-1')]
    assert res.stack.events == ['DELETE_IN_PROGRESS ', 'DELETE_COMPLETE ']


def test_delete_without_physical_id_makes_no_cloud_call():
    res = server()
    res.fail_with['create'] = exception.CloudError(reason='No room')
    with pytest.raises(exception.ResourceFailure):
        run(res.create())
    assert run(res.delete()).calls == []
    assert res.stack.events[-1] == 'DELETE_COMPLETE '


def test_delete_of_a_resource_never_created_does_nothing():
    res = server()
    assert run(res.delete()).calls == []
    assert res.stack.events == []


def test_delete_twice_does_nothing_the_second_time():
    res = created()
    run(res.delete())
    assert run(res.delete()).calls == []
    assert len(res.stack.events) == 2


def test_retain_skips_the_cloud():
    res = created(deletion_policy=DeletionPolicy.RETAIN)
    assert run(res.delete()).calls == []
    assert res.stack.events[-1] == (
        'DELETE_COMPLETE Retained by its deletion policy'
    )


def test_snapshot_policy_calls_handle_snapshot_delete():
    res = created(deletion_policy=DeletionPolicy.SNAPSHOT)
    run(res.delete())
    assert res.cloud_log == [('snapshot', 'srv-1')]


def test_replaced_resource_is_deleted_by_the_given_policy():
    res = created(update_replace_policy=DeletionPolicy.RETAIN)
    run(res.delete(res.definition.update_replace_policy))
    assert res.cloud_log == []


def test_object_already_gone_counts_as_deleted():
    res = created()
    res.fail_with['delete'] = exception.CloudNotFound(reason='No server')
    run(res.delete())
    assert res.stack.events[-1] == (
        'DELETE_COMPLETE Already gone from the cloud'
    )


def test_delete_failure():
    res = created()
    res.fail_with['delete'] = exception.CloudError(reason='Server locked')
    with pytest.raises(exception.ResourceFailure, match='Web: Server locked'):
        run(res.delete())
    assert res.stack.events[-1] == 'DELETE_FAILED Server locked'


# Update


def test_update_in_place_passes_new_values_and_changed_names():
    res = created()
    new = definition(properties={'ImageId': 'F17', 'Flavor': 'big'})
    assert res.update_plan(new) is resource.UpdatePlan.IN_PLACE
    trace = run(res.update(new))
    assert trace.calls == ['handle_update', 'check_update_complete']
    assert res.cloud_log == [('update', ['Flavor']), ('check',)]
    assert res.stack.events == ['UPDATE_IN_PROGRESS ', 'UPDATE_COMPLETE ']
    assert res.properties['Flavor'] == 'big'
    assert res.definition is new


def test_update_of_a_property_without_update_allowed_needs_replacement():
    res = created()
    new = definition(properties={'ImageId': 'F18', 'Flavor': 'big'})
    assert res.update_plan(new) is resource.UpdatePlan.REPLACE
    with pytest.raises(resource.UpdateReplace, match='Web must be replaced'):
        run(res.update(new))
    assert res.stack.events == []
    assert res.properties['ImageId'] == 'F17'


@pytest.mark.parametrize(
    'new',
    [
        definition('Test::Other'),
        definition(properties={'ImageId': 'F17', 'Polls': 1}),
    ],
)
def test_update_plans(new):
    res = created()
    expected = (
        resource.UpdatePlan.REPLACE
        if new.type == 'Test::Other'
        else resource.UpdatePlan.NO_CHANGE
    )
    assert res.update_plan(new) is expected


def test_update_without_change_does_nothing():
    res = created()
    assert run(res.update(definition())).calls == []
    assert res.stack.events == []


def test_failed_resource_is_replaced():
    res = server()
    res.fail_with['check'] = exception.CloudError(reason='ERROR')
    with pytest.raises(exception.ResourceFailure):
        run(res.create())
    assert res.update_plan(definition()) is resource.UpdatePlan.REPLACE


def test_metadata_change_updates_without_cloud_calls():
    res = created()
    new = definition(metadata={'k': 'v'})
    assert run(res.update(new)).calls == []
    assert res.metadata == {'k': 'v'}
    assert res.stack.events == ['UPDATE_IN_PROGRESS ', 'UPDATE_COMPLETE ']


def test_update_failure_keeps_the_old_definition():
    res = created()
    res.fail_with['update'] = exception.CloudError(reason='Resize refused')
    new = definition(properties={'ImageId': 'F17', 'Flavor': 'big'})
    with pytest.raises(exception.ResourceFailure, match='Resize refused'):
        run(res.update(new))
    assert res.stack.events[-1] == 'UPDATE_FAILED Resize refused'
    assert res.definition is not new


def test_update_to_invalid_properties_fails_the_update():
    res = created()
    new = definition(properties={'ImageId': 'F17', 'Polls': 'x'})
    with pytest.raises(exception.ResourceFailure, match='Polls'):
        run(res.update(new))
    assert res.stack.events[-1].startswith('UPDATE_FAILED Resources.Web')


def test_update_allowed_properties_come_from_the_schema():
    assert Server.update_allowed_properties == {'Flavor', 'Polls'}
    assert resource.Resource.update_allowed_properties == frozenset()


# References, attributes, data


def test_reference_is_the_physical_id_else_the_name():
    res = server()
    assert res.get_reference_id() == 'Web'
    run(res.create())
    assert res.get_reference_id() == 'srv-1'


def test_attributes():
    res = created()
    assert res.get_attribute('PublicIp') == '10.0.0.1'
    with pytest.raises(
        exception.InvalidTemplate,
        match='resource Web does not support attribute type '
        'Bogus in Fn::GetAtt',
    ):
        res.get_attribute('Bogus')


def test_data_is_saved_when_set():
    res = created()
    res.stack.saved.clear()
    res.update_data({'password': 'x'})
    assert res.stack.saved == [('srv-1', {'password': 'x'}, {})]


# Validation


def test_validate_lets_unknown_values_pass():
    server(properties={'ImageId': Ref(None)}).validate()


def test_validate_names_invalid_properties():
    with pytest.raises(
        exception.ValidationError,
        match=r'^Resources\.Web\.Properties\.Bogus: Unknown',
    ):
        server(properties={'ImageId': 'x', 'Bogus': 1}).validate()


def test_snapshot_policy_needs_support():
    res = Local(
        'L',
        definition(
            'Test::Local',
            properties={},
            update_replace_policy=DeletionPolicy.SNAPSHOT,
        ),
        FakeStack(),
    )
    with pytest.raises(exception.ValidationError) as info:
        res.validate()
    assert str(info.value) == (
        'Resources.L.UpdateReplacePolicy: Test::Local does not support '
        'Snapshot'
    )
    server(deletion_policy=DeletionPolicy.SNAPSHOT).validate()


# Wait condition handle


def test_wait_condition_handle_takes_no_properties():
    res = wait_condition.WaitConditionHandle(
        'H',
        definition(
            'AWS::CloudFormation::WaitConditionHandle',
            properties={'Timeout': 5},
        ),
        FakeStack(),
    )
    with pytest.raises(exception.ValidationError, match='Unknown Property'):
        res.validate()
