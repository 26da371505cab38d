import pytest

from heat.tests.functional import server


@pytest.fixture(scope='session')
def heat_server():
    """One heat-all for the whole run; tests isolate by stack name/tenant."""
    running = server.HeatServer().start()
    yield running
    running.stop()
