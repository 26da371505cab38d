"""Fixtures the engine's tests share: the test resource types, engines
in this process, and an engine's endpoint called directly."""

import threading

import oslo_messaging
import pytest

from heat.common import config
from heat.engine import authorization
from heat.engine import resources
from heat.engine import service
from heat.engine import worker
from heat.rpc import client
from heat.rpc import transport
from heat.tests.resources import test_types
from heat.tests.waiting import wait_until

CONF = config.CONF


@pytest.fixture
def test_resource_types():
    """The Test::Resource::* types, registered as a plugin would be."""
    for type_name, cls in test_types.resource_mapping().items():
        resources.register(type_name, cls)


# -- engines on the in-process transport ------------------------------------


def engine_threads():
    return [
        t.name
        for t in threading.enumerate()
        if t.name.startswith(('heat-stack', 'heat-call'))
    ]


class Engines:
    """Engines started on demand; all stopped when the test ends."""

    def __init__(self):
        self._started = []
        self.client = None

    def start(self):
        engine = worker.Engine()
        engine.start()
        self._started.append(engine)
        if self.client is None:
            self.client = client.EngineClient()
        return engine

    def stop_all(self):
        for engine in self._started:
            engine.stop()
        self._started = []

    @staticmethod
    def assert_no_threads():
        """Every engine thread ends, soon after its engine stopped."""
        wait_until(
            lambda: not engine_threads(),
            what=lambda: (
                'engine threads to end: %s still run' % engine_threads()
            ),
        )


@pytest.fixture
def engines(heat_db, test_resource_types):  # noqa: F811 (the fixture)
    CONF.set_override('lock_probe_timeout', 1, group='engine')
    config.parse_args([], default_config_files=[])
    config.use_embedded_transport_by_default()
    running = Engines()
    try:
        yield running
    finally:
        running.stop_all()
        transport.cleanup()
        CONF.clear_override('transport_url')
        CONF.clear_override('lock_probe_timeout', group='engine')
    running.assert_no_threads()


# -- one engine's endpoint, called directly ---------------------------------


class Endpoint:
    """Calls the engine's endpoint as the RPC server does (access checked
    first), raising the errors meant for the caller as themselves."""

    def __init__(self, engine):
        self._service = authorization.Guard(service.EngineService(engine))

    def __getattr__(self, method):
        def call(ctxt, **kwargs):
            try:
                return getattr(self._service, method)(ctxt, **kwargs)
            except oslo_messaging.ExpectedException as expected:
                raise expected.exc_info[1] from None

        return call


@pytest.fixture
def rpc(heat_db, test_resource_types):  # noqa: F811 (the fixture)
    """The endpoint of an engine that serves no RPC: called directly."""
    engine = worker.Engine()
    try:
        yield Endpoint(engine)
    finally:
        # Engine.stop() without a server to stop: cancel, wait, close.
        with engine._running_lock:
            for cancel in engine._running.values():
                cancel.set()
        engine._workers.shutdown(wait=True)
        engine._pool.shutdown()
