import threading
import time

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
import pytest

from heat.common import exception
from heat.engine.dependencies import Dependencies
from heat.engine.scheduler import Blocking
from heat.engine.scheduler import CallPool
from heat.engine.scheduler import Cancelled
from heat.engine.scheduler import NodeResult
from heat.engine.scheduler import NodeState
from heat.engine.scheduler import RunOutcome
from heat.engine.scheduler import Sleep
from heat.engine.scheduler import run_graph
from heat.tests.waiting import WAIT_SECONDS

# What a task waits that only a cancel is meant to end: a run that waited
# for it instead takes far longer than the generous WAIT_SECONDS bound.
FOREVER = 4 * WAIT_SECONDS


@pytest.fixture(scope='module')
def pool():
    with CallPool(max_workers=40) as call_pool:
        yield call_pool


def chain(length):
    names = ['R%d' % i for i in range(length)]
    return Dependencies(
        {name: names[i + 1 : i + 2] for i, name in enumerate(names)}
    )


def instant(node):
    return
    yield


class Journal:
    """Records task starts and ends in the order the scheduler saw them."""

    def __init__(self, steps=()):
        self.events = []
        self.steps = list(steps)

    def task(self, node):
        self.events.append(('start', node))
        for step in self.steps:
            yield step
        self.events.append(('end', node))

    def starts(self):
        return [node for kind, node in self.events if kind == 'start']

    def position(self, kind, node):
        return self.events.index((kind, node))


# -- order ------------------------------------------------------------------


def test_chain_runs_in_topological_order(pool):
    graph = chain(20)
    journal = Journal([None, Sleep(0)])
    result = run_graph(graph, journal.task, pool=pool)
    assert result.outcome is RunOutcome.COMPLETE
    assert journal.starts() == graph.topological_order()
    assert result.in_state(NodeState.COMPLETE) == list(graph)


def test_reverse_chain_runs_in_exactly_reversed_order(pool):
    graph = chain(20)
    journal = Journal([Sleep(0), Blocking(int)])
    result = run_graph(graph, journal.task, pool=pool, reverse=True)
    assert result.outcome is RunOutcome.COMPLETE
    assert journal.starts() == graph.reverse_order()


@st.composite
def dags(draw):
    size = draw(st.integers(min_value=1, max_value=15))
    names = ['N%d' % i for i in range(size)]
    requirements = {}
    for i, name in enumerate(names):
        # Only earlier nodes may be required, so the graph is acyclic.
        requirements[name] = (
            draw(st.lists(st.sampled_from(names[:i]), unique=True))
            if i
            else []
        )
    order = draw(st.permutations(names))
    return Dependencies({name: requirements[name] for name in order})


step_requests = st.lists(
    st.sampled_from([None, Sleep(0), Blocking(int)]), max_size=3
)


@settings(max_examples=60, deadline=None)
@given(graph=dags(), steps=st.data())
def test_no_task_starts_before_its_requirements_complete(pool, graph, steps):
    plans = {node: steps.draw(step_requests) for node in graph}
    journal = Journal()

    def task(node):
        journal.events.append(('start', node))
        for request in plans[node]:
            yield request
        journal.events.append(('end', node))

    result = run_graph(graph, task, pool=pool)
    assert result.outcome is RunOutcome.COMPLETE
    for node in graph:
        for required in graph.requires(node):
            assert journal.position('end', required) < journal.position(
                'start', node
            )


@settings(max_examples=60, deadline=None)
@given(graph=dags(), steps=st.data())
def test_reverse_starts_a_node_after_all_its_dependents(pool, graph, steps):
    plans = {node: steps.draw(step_requests) for node in graph}
    journal = Journal()

    def task(node):
        journal.events.append(('start', node))
        for request in plans[node]:
            yield request
        journal.events.append(('end', node))

    result = run_graph(graph, task, pool=pool, reverse=True)
    assert result.outcome is RunOutcome.COMPLETE
    for node in graph:
        for dependent in graph.required_by(node):
            assert journal.position('end', dependent) < journal.position(
                'start', node
            )


@settings(max_examples=30, deadline=None)
@given(length=st.integers(min_value=1, max_value=40))
def test_chain_delete_order_is_create_order_reversed(pool, length):
    graph = chain(length)
    created, deleted = Journal([Sleep(0)]), Journal([None])
    run_graph(graph, created.task, pool=pool)
    run_graph(graph, deleted.task, pool=pool, reverse=True)
    assert deleted.starts() == created.starts()[::-1]


def test_cycle_is_refused_before_anything_starts(pool):
    journal = Journal()
    graph = Dependencies({'A': ['B'], 'B': ['A'], 'C': []})
    with pytest.raises(exception.CircularDependency):
        run_graph(graph, journal.task, pool=pool)
    assert journal.events == []


# -- concurrency ------------------------------------------------------------


def test_blocking_calls_run_in_parallel(pool):
    graph = Dependencies({'R%d' % i: [] for i in range(40)})
    # Passes only once all forty calls wait in it at the same time.
    all_started = threading.Barrier(40, timeout=WAIT_SECONDS)

    def task(node):
        yield Blocking(all_started.wait)

    result = run_graph(graph, task, pool=pool)
    assert len(result.in_state(NodeState.COMPLETE)) == 40, result.error


def test_independent_nodes_are_in_flight_together(pool):
    graph = Dependencies({'A': [], 'B': []})
    both_started = threading.Barrier(2, timeout=WAIT_SECONDS)

    def task(node):
        # Deadlocks (barrier timeout) unless both calls run at once.
        yield Blocking(both_started.wait)

    result = run_graph(graph, task, pool=pool)
    assert result.outcome is RunOutcome.COMPLETE


def test_blocking_returns_value_into_task(pool):
    seen = []

    def task(node):
        seen.append((yield Blocking(sum, [1, 2, 3])))
        seen.append((yield Blocking(dict, a=1)))

    run_graph(Dependencies({'A': []}), task, pool=pool)
    assert seen == [6, {'a': 1}]


def test_blocking_exception_is_thrown_into_task(pool):
    caught = []

    def task(node):
        try:
            yield Blocking(int, 'not a number')
        except ValueError as exc:
            caught.append(exc)

    result = run_graph(Dependencies({'A': []}), task, pool=pool)
    assert result.nodes['A'] == NodeResult(NodeState.COMPLETE)
    assert len(caught) == 1


def test_uncaught_blocking_exception_fails_the_node(pool):
    def task(node):
        yield Blocking(int, 'not a number')

    result = run_graph(Dependencies({'A': []}), task, pool=pool)
    assert result.outcome is RunOutcome.FAILED
    assert isinstance(result.error, ValueError)


def test_sleep_waits_at_least_that_long(pool):
    def task(node):
        began = time.monotonic()
        yield Sleep(0.05)
        assert time.monotonic() - began >= 0.05

    result = run_graph(Dependencies({'A': [], 'B': []}), task, pool=pool)
    assert result.outcome is RunOutcome.COMPLETE, result.error


def test_waiting_does_not_burn_cpu(pool):
    graph = Dependencies({'A': [], 'B': [], 'C': []})
    # The waits are what is measured: the run's own thread idles through
    # them, and its CPU time does not grow with other load on the machine.
    tasks = {'A': Sleep(0.3), 'B': Blocking(time.sleep, 0.3), 'C': Sleep(0.1)}

    def task(node):
        yield tasks[node]

    cpu_before = time.thread_time()
    run_graph(
        graph, task, pool=pool, cancel_event=threading.Event(), timeout=10
    )
    assert time.thread_time() - cpu_before < 0.05


def test_unknown_request_is_thrown_into_task(pool):
    def task(node):
        yield 'what?'

    result = run_graph(Dependencies({'A': []}), task, pool=pool)
    assert isinstance(result.error, TypeError)
    assert 'what?' in str(result.error)


def test_instant_nodes_have_small_overhead(pool):
    # The bound is the point: scheduling must not cost more per node than
    # a quadratic or sleeping scheduler would.  It is counted in this
    # thread's CPU time (instant nodes run in it), which other processes
    # on the machine do not stretch; the real figures are a few ms.
    many = Dependencies({'N%d' % i: [] for i in range(1000)})
    began = time.thread_time()
    assert run_graph(many, instant, pool=pool).outcome is RunOutcome.COMPLETE
    assert time.thread_time() - began < 0.5
    began = time.thread_time()
    assert run_graph(chain(200), instant, pool=pool).outcome is (
        RunOutcome.COMPLETE
    )
    assert time.thread_time() - began < 0.5


# -- failure ----------------------------------------------------------------


def failure_graph():
    # Bad fails; Child and Grandchild need it; Slow is independent.
    return Dependencies(
        {'Bad': [], 'Slow': [], 'Child': ['Bad'], 'Grandchild': ['Child']}
    )


def test_failure_cancels_running_and_skips_downstream(pool):
    cleaned_up = []

    def task(node):
        if node == 'Bad':
            yield Sleep(0.01)
            raise RuntimeError('boom')
        try:
            yield Sleep(FOREVER)
        except Cancelled as stop:
            cleaned_up.append((node, stop.reason))
            raise

    began = time.monotonic()
    result = run_graph(failure_graph(), task, pool=pool)
    assert time.monotonic() - began < WAIT_SECONDS  # Slow did not finish
    assert result.outcome is RunOutcome.FAILED
    assert result.root_cause == 'Bad'
    assert str(result.error) == 'boom'
    assert result.nodes['Bad'].state is NodeState.FAILED
    assert result.nodes['Slow'] == NodeResult(NodeState.CANCELLED)
    assert result.nodes['Child'].state is NodeState.NOT_STARTED
    assert result.nodes['Grandchild'].state is NodeState.NOT_STARTED
    assert cleaned_up == [('Slow', RunOutcome.FAILED)]


def test_root_cause_is_the_first_failure(pool):
    graph = Dependencies({'First': [], 'Second': []})
    errors = []

    def task(node):
        yield Sleep(0.01 if node == 'First' else 0.2)
        raise RuntimeError(node)

    def record(node, result):
        errors.append((node, result.state))

    result = run_graph(graph, task, pool=pool, on_done=record)
    assert result.root_cause == 'First'
    assert errors == [
        ('First', NodeState.FAILED),
        ('Second', NodeState.CANCELLED),
    ]


def test_failure_in_start_task_is_a_node_failure(pool):
    def start(node):
        raise KeyError(node)

    result = run_graph(Dependencies({'A': [], 'B': ['A']}), start, pool=pool)
    assert result.root_cause == 'A'
    assert isinstance(result.error, KeyError)
    assert result.nodes['B'].state is NodeState.NOT_STARTED


def test_task_that_yields_after_cancel_is_closed(pool):
    closed = []

    def stubborn(node):
        if node == 'Bad':
            raise RuntimeError('boom')
        try:
            try:
                yield Sleep(10)
            except Cancelled:
                yield Sleep(10)
        finally:
            closed.append(node)

    def start(node):
        return stubborn(node)

    graph = Dependencies({'Stubborn': [], 'Bad': []})
    result = run_graph(graph, start, pool=pool)
    assert result.nodes['Stubborn'].state is NodeState.CANCELLED
    assert closed == ['Stubborn']


def test_callbacks_see_every_start_and_end(pool):
    seen = []
    graph = Dependencies({'A': [], 'B': ['A']})
    run_graph(
        graph,
        instant,
        pool=pool,
        on_start=lambda node: seen.append(('start', node)),
        on_done=lambda node, result: seen.append((node, result.state)),
    )
    assert seen == [
        ('start', 'A'),
        ('A', NodeState.COMPLETE),
        ('start', 'B'),
        ('B', NodeState.COMPLETE),
    ]


def test_callback_error_propagates_after_closing_tasks(pool):
    closed = []

    def task(node):
        try:
            yield Sleep(10 if node == 'A' else 0)
        finally:
            closed.append(node)

    def on_start(node):
        if node == 'B':
            raise LookupError('broken callback')

    # B starts only once Gate is done, so A is already waiting by then.
    graph = Dependencies({'A': [], 'Gate': [], 'B': ['Gate']})
    with pytest.raises(LookupError):
        run_graph(graph, task, pool=pool, on_start=on_start)
    assert closed == ['Gate', 'A']


# -- timeout and external cancel -------------------------------------------


def sleeping_task(node):
    yield Sleep(FOREVER)


def test_timeout_is_noticed_while_tasks_sleep(pool):
    graph = Dependencies({'A': [], 'B': [], 'C': ['A']})
    began = time.monotonic()
    result = run_graph(graph, sleeping_task, pool=pool, timeout=0.1)
    assert 0.1 <= time.monotonic() - began < WAIT_SECONDS
    assert result.outcome is RunOutcome.TIMED_OUT
    assert result.root_cause is None
    assert result.in_state(NodeState.CANCELLED) == ['A', 'B']
    assert result.in_state(NodeState.NOT_STARTED) == ['C']


def test_timeout_is_noticed_during_a_slow_blocking_call(pool):
    release = threading.Event()
    cancelled = []

    def task(node):
        try:
            yield Blocking(release.wait, FOREVER)
        except Cancelled as stop:
            cancelled.append(stop.reason)
            raise

    began = time.monotonic()
    try:
        result = run_graph(
            Dependencies({'A': []}), task, pool=pool, timeout=0.1
        )
    finally:
        release.set()
    assert 0.1 <= time.monotonic() - began < WAIT_SECONDS
    assert result.outcome is RunOutcome.TIMED_OUT
    assert cancelled == [RunOutcome.TIMED_OUT]


def test_cancel_event_is_noticed_while_tasks_wait(pool):
    release = threading.Event()
    cancel = threading.Event()

    def cancel_then_wait():
        # In the pool: A and B were both stepped before this call began.
        cancel.set()
        release.wait(FOREVER)

    def task(node):
        yield Sleep(FOREVER) if node == 'A' else Blocking(cancel_then_wait)

    began = time.monotonic()
    try:
        result = run_graph(
            Dependencies({'A': [], 'B': []}),
            task,
            pool=pool,
            cancel_event=cancel,
        )
    finally:
        release.set()
    assert time.monotonic() - began < WAIT_SECONDS  # neither finished
    assert result.outcome is RunOutcome.CANCELLED
    assert result.in_state(NodeState.CANCELLED) == ['A', 'B']


def test_cancel_event_set_beforehand_starts_nothing(pool):
    cancel = threading.Event()
    cancel.set()
    journal = Journal()
    result = run_graph(chain(3), journal.task, pool=pool, cancel_event=cancel)
    assert result.outcome is RunOutcome.CANCELLED
    assert journal.events == []
    assert len(result.in_state(NodeState.NOT_STARTED)) == 3
