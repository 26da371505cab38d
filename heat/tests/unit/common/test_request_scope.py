import concurrent.futures
import logging

import pytest

from heat.common import log
from heat.common import request_scope

LOG = logging.getLogger(__name__)


@pytest.fixture
def logged(caplog):
    """(message, request id) of the test's records, through the filter
    Heat's handler has."""
    request_filter = log.RequestIdFilter()
    LOG.addFilter(request_filter)
    caplog.set_level(logging.INFO, logger=__name__)
    yield lambda: [(r.getMessage(), r.request_id) for r in caplog.records]
    LOG.removeFilter(request_filter)


def test_bound_sets_the_id_for_the_block_only():
    assert request_scope.current() is None
    with request_scope.bound('req-1'):
        with request_scope.bound('req-2'):
            assert request_scope.current() == 'req-2'
        assert request_scope.current() == 'req-1'
    assert request_scope.current() is None


def test_records_carry_the_bound_id_or_a_dash(logged):
    with request_scope.bound('req-1'):
        LOG.info('inside')
    LOG.info('outside')
    assert logged() == [('inside', 'req-1'), ('outside', '-')]


def test_an_id_given_with_the_record_is_kept(logged):
    with request_scope.bound('req-1'):
        LOG.info('explicit', extra={'request_id': 'req-9'})
    assert logged() == [('explicit', 'req-9')]


def test_a_submitted_task_carries_the_submitters_id(logged):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        # A task submitted without the request's context has none...
        pool.submit(LOG.info, 'plain').result()
        with request_scope.bound('req-1'):
            request_scope.submit(pool, LOG.info, 'scoped').result()
        # ...and the pool's thread keeps none after a scoped task.
        pool.submit(LOG.info, 'after').result()
    assert logged() == [('plain', '-'), ('scoped', 'req-1'), ('after', '-')]
