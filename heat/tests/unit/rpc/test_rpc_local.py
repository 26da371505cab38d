"""Topic calls answered in this process (heat.rpc.local): what the caller
gets must be what the transport would have given it."""

import collections
import datetime
import logging
import threading

import oslo_messaging
from oslo_serialization import jsonutils
import pytest

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.engine import worker
from heat.rpc import client
from heat.rpc import local
from heat.rpc import transport

CONF = config.CONF
CTXT = context.RequestContext(tenant='t1', user='u1', roles=['member'])


class Broken(Exception):
    """Not in a module whose errors travel back as themselves."""


class Endpoint:
    """Records how it was called; answers or raises as asked."""

    def __init__(self, reply=None):
        self.calls = []
        self.reply = reply

    def echo(self, ctxt, value):
        self.calls.append((threading.current_thread(), ctxt, value))
        value['seen'] = True
        return {'value': value, 'pair': (1, 2)}

    def receive(self, ctxt, value):
        self.calls.append(value)

    def answer(self, ctxt):
        return self.reply

    @oslo_messaging.expected_exceptions(exception.HeatError)
    def refuse(self, ctxt):
        raise exception.StackNotFound(stack='missing')

    def break_down(self, ctxt):
        raise Broken('nothing here')


def call(endpoint, method, **kwargs):
    return local.call(
        endpoint,
        CTXT,
        method,
        kwargs,
        transport.ContextSerializer(),
        transport.ALLOWED_EXMODS,
    )


def test_the_call_runs_on_the_callers_thread_with_copies():
    endpoint = Endpoint()
    sent = {'names': ('a', 'b')}
    answer = call(endpoint, 'echo', value=sent)
    thread, ctxt, received = endpoint.calls[0]
    assert thread is threading.current_thread()
    # The context and arguments arrive as the transport would deliver them.
    assert ctxt == CTXT and ctxt is not CTXT
    assert received == {'names': ['a', 'b'], 'seen': True}
    assert sent == {'names': ('a', 'b')}
    # So does the answer: no object the engine holds reaches the caller.
    assert answer == {
        'value': {'names': ['a', 'b'], 'seen': True},
        'pair': [1, 2],
    }
    assert answer['value'] is not received


class Name(str):
    pass


def _cycle():
    value = ['again']
    value.append(value)
    return value


WHEN = datetime.datetime(2024, 1, 2, 3, 4, 5)
# What JSON carries as it is, and what it converts.
VALUES = [
    {'a': ('x', 1, 2.5, True, None), 'b': [{'c': 'd'}, []], 'e': {}},
    {3: 'int key', True: 'bool key', None: 'no key', 2.5: 'float key'},
    {'plain': ['x', {'y': 'z'}], 'then': {'when': WHEN}},
    [WHEN, Name('named'), {'x'}],
    collections.OrderedDict([('z', 1), ('a', 2)]),
    [float('nan'), float('inf'), -0.0, 10**30, -(10**638)],
    {Name('key'): 'str subclass key'},
]
# What JSON refuses, by name (pytest cannot name a 5001-digit int).
UNSENDABLE = {
    'object': object(),
    'tuple key': {('a', 'b'): 'key'},
    'cycle': _cycle(),
    'huge int': 10**5000,
}


def _as_json_reads_it(value):
    return jsonutils.loads(jsonutils.dumps(value))


def _same(got, expected):
    """Equal, down to the type of every element (NaN equals NaN)."""
    assert type(got) is type(expected)
    if isinstance(expected, dict):
        assert list(got) == list(expected)
        for key in expected:
            _same(got[key], expected[key])
    elif isinstance(expected, list):
        assert len(got) == len(expected)
        for item, expected_item in zip(got, expected, strict=True):
            _same(item, expected_item)
    elif expected == expected:
        assert got == expected
    else:
        assert got != got


@pytest.mark.parametrize('value', VALUES)
def test_arguments_arrive_as_json_reads_them(value):
    endpoint = Endpoint()
    call(endpoint, 'receive', value=value)
    _same(endpoint.calls[0], _as_json_reads_it(value))


@pytest.mark.parametrize('value', VALUES)
def test_answers_come_back_as_json_reads_them(value):
    _same(call(Endpoint(reply=value), 'answer'), _as_json_reads_it(value))


def test_plain_answers_come_back_as_copies():
    reply = {'list': [{'x': 'y'}], 'dict': {'k': []}}
    answer = call(Endpoint(reply=reply), 'answer')
    answer['list'][0]['x'] = 'changed'
    answer['dict']['k'].append('added')
    assert reply == {'list': [{'x': 'y'}], 'dict': {'k': []}}


def _json_refusal(value):
    with pytest.raises(Exception) as refused:
        _as_json_reads_it(value)
    return type(refused.value), str(refused.value)


@pytest.mark.parametrize('value', UNSENDABLE.values(), ids=UNSENDABLE)
def test_unsendable_arguments_fail_as_json_fails(value):
    with pytest.raises(Exception) as caught:
        call(Endpoint(), 'receive', value={'wrapped': value})
    expected = _json_refusal({'wrapped': value})
    assert (type(caught.value), str(caught.value)) == expected


@pytest.mark.parametrize('value', UNSENDABLE.values(), ids=UNSENDABLE)
def test_unsendable_answers_fail_as_json_fails(value):
    kind, message = _json_refusal(value)
    # A builtin error: oslo.messaging rebuilds it with the traceback.
    with pytest.raises(kind) as caught:
        call(Endpoint(reply=value), 'answer')
    first_line, traceback = caught.value.args[0].split('\n', 1)
    assert first_line == message
    assert 'During handling' not in traceback


def test_an_expected_error_comes_back_as_itself():
    with pytest.raises(exception.StackNotFound) as caught:
        call(Endpoint(), 'refuse')
    assert caught.value.args[0] == 'Stack with id missing does not exist'
    assert caught.value.code == 'ValidationError'


def test_an_unexpected_error_comes_back_as_a_remote_error(caplog):
    with caplog.at_level(logging.ERROR, logger=local.LOG.name):
        with pytest.raises(oslo_messaging.RemoteError) as caught:
            call(Endpoint(), 'break_down')
    assert caught.value.exc_type == 'Broken'
    assert caught.value.value == 'nothing here'
    assert 'Exception during message handling' in caplog.text


@pytest.fixture
def in_process(heat_db):
    config.parse_args([], default_config_files=[])
    config.use_embedded_transport_by_default()
    engine = worker.Engine()
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()
        transport.cleanup()
        CONF.clear_override('transport_url')


def test_a_running_engine_answers_topic_calls_directly(in_process):
    rpc = client.EngineClient()
    assert local.endpoint() is not None
    assert rpc.ping(CTXT) == in_process.engine_id
    # The same error as one that crossed the transport (a call by name).
    errors = []
    for server in (None, in_process.engine_id):
        with pytest.raises(exception.StackNotFound) as caught:
            rpc.call(
                CTXT,
                'describe_stacks',
                server=server,
                args={'StackName': 'missing'},
            )
        errors.append(
            (
                type(caught.value).__mro__[1:],
                caught.value.args,
                caught.value.code,
            )
        )
    assert errors[0] == errors[1]


def test_a_stopped_engine_answers_no_more(in_process):
    in_process.stop()
    assert local.endpoint() is None
    rpc = client.EngineClient(timeout=1)
    with pytest.raises(exception.EngineTimeout):
        rpc.ping(CTXT)


@pytest.mark.parametrize(
    'url, expected',
    [
        ('kombu+heatmemory:////', True),
        ('heatmemory:////', True),
        ('rabbit://guest:guest@127.0.0.1:5672/', False),
        ('kombu+memory:////', False),
    ],
)
def test_only_the_in_process_transport_answers_directly(url, expected):
    CONF.set_override('transport_url', url)
    try:
        assert transport.in_process() is expected
    finally:
        CONF.clear_override('transport_url')
