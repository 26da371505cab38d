"""Cooperative tasks over a dependency graph, with blocking calls in a pool.

A stack operation runs in one thread.  Each resource's work is a *task*: a
generator the scheduler steps.  A task yields what it waits for:

- ``Blocking(fn, *args, **kwargs)``: run ``fn`` in the shared CallPool; the
  task resumes with its return value, or with its exception thrown in.
- ``Sleep(seconds)``: resume no sooner than that (use this to poll).
- ``None``: a plain cooperative yield; the task is stepped again after the
  other ready tasks.

run_graph() starts a node's task once every node it requires (or, in
reverse, every node requiring it) has COMPLETED, so independent resources
are in flight at once while slow cloud calls wait in pool threads.

Stopping: the first task to raise is the root cause; no further node
starts and every running task is cancelled.  A timeout or a set
``cancel_event`` stops the run the same way.  Cancelling a task throws
Cancelled into it at the yield where it waits, so it can clean up in
``except``/``finally``; it must not yield again (if it does it is closed).
A pool call already running is left to finish; its result is dropped.
"""

import collections
import concurrent.futures
import dataclasses
import enum
import heapq
import itertools
import logging
import threading
import time

from heat.common import request_scope

LOG = logging.getLogger(__name__)

# A threading.Event cannot wake our condition when set, so while a run
# watches one it wakes at least this often to look at it.
CANCEL_POLL_SECONDS = 0.02


class Blocking:
    """A request to run ``fn(*args, **kwargs)`` in the call pool."""

    __slots__ = ('fn', 'args', 'kwargs')

    def __init__(self, fn, *args, **kwargs):
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def __repr__(self):
        return 'Blocking(%s)' % getattr(self.fn, '__name__', self.fn)


@dataclasses.dataclass(frozen=True)
class Sleep:
    """A request to be resumed no sooner than ``seconds`` from now."""

    seconds: float


class Cancelled(BaseException):
    """Thrown into a task that is being stopped.

    A BaseException, so a task's ``except Exception`` does not swallow it.
    """

    def __init__(self, reason):
        super().__init__(reason.value)
        self.reason = reason


class NodeState(enum.Enum):
    NOT_STARTED = 'NOT_STARTED'
    COMPLETE = 'COMPLETE'
    FAILED = 'FAILED'
    CANCELLED = 'CANCELLED'


class RunOutcome(enum.Enum):
    """How a whole run ended; also the reason given to cancelled tasks."""

    COMPLETE = 'complete'
    FAILED = 'failed'
    TIMED_OUT = 'timed out'
    CANCELLED = 'cancelled'


@dataclasses.dataclass(frozen=True)
class NodeResult:
    state: NodeState
    error: BaseException | None = None


NOT_STARTED = NodeResult(NodeState.NOT_STARTED)


@dataclasses.dataclass(frozen=True)
class GraphResult:
    """Where every node ended, and why the run stopped."""

    outcome: RunOutcome
    nodes: dict
    root_cause: object = None  # the first node that FAILED, if any

    @property
    def error(self):
        """The root cause's exception, or None."""
        if self.root_cause is None:
            return None
        return self.nodes[self.root_cause].error

    def in_state(self, state):
        return [
            node
            for node, result in self.nodes.items()
            if result.state is state
        ]


class CallPool:
    """A bounded pool of threads for blocking calls, shared by all runs.

    Only this bounds how many cloud calls are in flight; the scheduler
    decides what may start, the pool decides how many run at once.
    """

    def __init__(self, max_workers):
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix='heat-call'
        )

    def submit(self, fn, *args, **kwargs):
        # A call's log lines carry the request its operation works for.
        return request_scope.submit(self._executor, fn, *args, **kwargs)

    def shutdown(self, wait=True):
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.shutdown()


def run_graph(
    graph,
    start_task,
    *,
    pool,
    reverse=False,
    timeout=None,
    cancel_event=None,
    on_start=None,
    on_done=None,
):
    """Run ``start_task(node)`` for every node of ``graph`` as it is due.

    ``pool`` is anything with ``submit(fn, *args, **kwargs) -> Future``.
    ``on_start(node)`` is called before a node's task is made and
    ``on_done(node, NodeResult)`` when it ends; both in this thread.
    Raises CircularDependency before starting anything if the graph has a
    cycle; an exception from a callback propagates once every task is
    closed.  Returns a GraphResult.
    """
    graph.check_cycles()
    run = _GraphRun(
        graph,
        start_task,
        pool=pool,
        reverse=reverse,
        timeout=timeout,
        cancel_event=cancel_event,
        on_start=on_start,
        on_done=on_done,
    )
    return run.run()


class _GraphRun:
    """The state of one run_graph() call; used once."""

    def __init__(
        self,
        graph,
        start_task,
        *,
        pool,
        reverse,
        timeout,
        cancel_event,
        on_start,
        on_done,
    ):
        self._start_task = start_task
        self._pool = pool
        self._cancel_event = cancel_event
        self._on_start = on_start
        self._on_done = on_done
        self._deadline = (
            None if timeout is None else (time.monotonic() + timeout)
        )
        # In reverse a node waits for the nodes that require it.
        self._before = graph.required_by if reverse else graph.requires
        self._after = graph.requires if reverse else graph.required_by

        self._results = dict.fromkeys(graph, NOT_STARTED)
        self._unmet = {node: len(self._before(node)) for node in graph}
        self._due = collections.deque(
            node for node, count in self._unmet.items() if count == 0
        )
        self._tasks = {}  # running node -> generator
        self._ready = collections.deque()  # (node, value, error) to step
        self._sleepers = []  # heap of (wake_at, seq, node)
        self._sequence = itertools.count()  # heap tie-breaker
        self._calls = {}  # node -> Future it waits on
        self._finished_calls = collections.deque()
        self._wakeup = threading.Condition()
        self._outcome = RunOutcome.COMPLETE
        self._root_cause = None

    def run(self):
        try:
            while self._due or self._tasks:
                stop = self._stop_reason()
                if stop is not None:
                    self._stop(stop)
                    break
                self._start_due_nodes()
                self._resume_finished_calls()
                self._wake_sleepers(time.monotonic())
                self._step_ready_tasks()
                if self._idle():
                    self._wait_for_event()
        finally:
            # Only reached with tasks left if a callback raised.
            for node in list(self._tasks):
                self._close(node, self._tasks.pop(node))
        return GraphResult(self._outcome, self._results, self._root_cause)

    def _idle(self):
        """True when every running task waits on a call or a timer."""
        return bool(
            self._tasks
            and not self._due
            and not self._ready
            and self._outcome is RunOutcome.COMPLETE
        )

    def _start_due_nodes(self):
        while self._due:
            node = self._due.popleft()
            if self._on_start is not None:
                self._on_start(node)
            try:
                self._tasks[node] = self._start_task(node)
            except Exception as exc:
                self._fail(node, exc)
                return
            self._ready.append((node, None, None))

    def _step_ready_tasks(self):
        # Only the tasks ready now: one that yields None waits its turn.
        for _ in range(len(self._ready)):
            if self._outcome is RunOutcome.FAILED:
                return
            node, value, error = self._ready.popleft()
            self._step(node, value, error)

    def _step(self, node, value, error):
        task = self._tasks[node]
        try:
            if error is None:
                request = task.send(value)
            else:
                request = task.throw(error)
        except StopIteration:
            self._complete(node)
        except Exception as exc:
            self._fail(node, exc)
        else:
            self._handle_request(node, request)

    def _handle_request(self, node, request):
        if request is None:
            self._ready.append((node, None, None))
        elif isinstance(request, Sleep):
            wake_at = time.monotonic() + request.seconds
            heapq.heappush(
                self._sleepers, (wake_at, next(self._sequence), node)
            )
        elif isinstance(request, Blocking):
            self._call(node, request)
        else:
            error = TypeError(
                'task %s yielded %r; expected Blocking, Sleep '
                'or None' % (node, request)
            )
            self._ready.append((node, None, error))

    def _call(self, node, request):
        try:
            future = self._pool.submit(
                request.fn, *request.args, **request.kwargs
            )
        except RuntimeError as exc:  # the pool has been shut down
            self._ready.append((node, None, exc))
            return
        self._calls[node] = future

        def finished(done):
            with self._wakeup:
                self._finished_calls.append((node, done))
                self._wakeup.notify()

        future.add_done_callback(finished)

    def _resume_finished_calls(self):
        with self._wakeup:
            finished = list(self._finished_calls)
            self._finished_calls.clear()
        for node, future in finished:
            # A cancelled task no longer waits; its late result is dropped.
            if self._calls.get(node) is not future:
                continue
            del self._calls[node]
            error = future.exception()
            value = None if error is not None else future.result()
            self._ready.append((node, value, error))

    def _wake_sleepers(self, now):
        while self._sleepers and self._sleepers[0][0] <= now:
            _, _, node = heapq.heappop(self._sleepers)
            self._ready.append((node, None, None))

    def _wait_for_event(self):
        """Block until a pool call ends or the next timer is due."""
        wake_at = [self._sleepers[0][0]] if self._sleepers else []
        if self._deadline is not None:
            wake_at.append(self._deadline)
        if self._cancel_event is not None:
            wake_at.append(time.monotonic() + CANCEL_POLL_SECONDS)
        with self._wakeup:
            if self._finished_calls:
                return
            if wake_at:
                self._wakeup.wait(max(0.0, min(wake_at) - time.monotonic()))
            else:
                self._wakeup.wait()

    def _stop_reason(self):
        if self._outcome is RunOutcome.FAILED:
            return RunOutcome.FAILED
        if self._cancel_event is not None and self._cancel_event.is_set():
            return RunOutcome.CANCELLED
        if self._deadline is not None and time.monotonic() >= self._deadline:
            return RunOutcome.TIMED_OUT
        return None

    def _stop(self, reason):
        self._outcome = reason
        self._due.clear()
        self._ready.clear()
        self._sleepers.clear()
        for node in list(self._tasks):
            self._cancel(node, reason)

    def _cancel(self, node, reason):
        task = self._tasks.pop(node)
        future = self._calls.pop(node, None)
        if future is not None:
            future.cancel()  # only helps if the call has not started yet
        try:
            task.throw(Cancelled(reason))
        except (Cancelled, StopIteration):
            pass
        except Exception:
            LOG.exception('Task %s failed while being cancelled', node)
        else:
            LOG.warning(
                'Task %s yielded after being cancelled; closing it', node
            )
            self._close(node, task)
        self._finish(node, NodeResult(NodeState.CANCELLED))

    @staticmethod
    def _close(node, task):
        try:
            task.close()
        except Exception:
            LOG.exception('Task %s failed while being closed', node)

    def _complete(self, node):
        del self._tasks[node]
        self._finish(node, NodeResult(NodeState.COMPLETE))
        for later in self._after(node):
            self._unmet[later] -= 1
            if self._unmet[later] == 0:
                self._due.append(later)

    def _fail(self, node, exc):
        self._tasks.pop(node, None)  # absent if start_task itself raised
        if self._root_cause is None:
            self._root_cause = node
            self._outcome = RunOutcome.FAILED
        self._finish(node, NodeResult(NodeState.FAILED, exc))

    def _finish(self, node, result):
        self._results[node] = result
        if self._on_done is not None:
            self._on_done(node, result)
