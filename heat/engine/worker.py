"""One engine process: its RPC server, its workers and its call pool.

Stack operations run in worker threads, one per running operation; inside
each, resources are cooperative tasks whose blocking cloud calls share one
bounded pool.  The RPC server answers at once and never waits for them.
"""

import concurrent.futures
import contextlib
import logging
import threading
import time
import uuid

import oslo_messaging

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.common import request_scope
from heat.common.states import StackAction
from heat.common.states import StackStatus
from heat.db import api as db_api
from heat.engine import authorization
from heat.engine import operations
from heat.engine import resources
from heat.engine import scheduler
from heat.engine import service
from heat.engine import stack as stack_mod
from heat.engine import stack_lock
from heat.rpc import client
from heat.rpc import transport

CONF = config.CONF
LOG = logging.getLogger(__name__)

# How long a DeleteStack waits for the stack's running operation to stop.
DELETE_WAIT_SECONDS = 60
DELETE_RETRY_SECONDS = 0.1


class Engine:
    def __init__(self):
        self.engine_id = '%s:%s' % (CONF.host, uuid.uuid4().hex[:12])
        self._workers = concurrent.futures.ThreadPoolExecutor(
            CONF.engine.workers, thread_name_prefix='heat-stack'
        )
        self._pool = scheduler.CallPool(CONF.clients.max_concurrent_calls)
        self._running = {}  # stack id -> the Event that cancels its work
        self._running_lock = threading.Lock()
        self._server = None
        self._rpc = None

    def start(self):
        db_api.configure()
        resources.load()
        self._rpc = client.EngineClient()
        target = oslo_messaging.Target(
            topic=CONF.engine.topic, server=self.engine_id
        )
        self._server = transport.get_rpc_server(
            target, authorization.Guard(service.EngineService(self))
        )
        self._server.start()
        LOG.info(
            'Engine %s serving topic %s', self.engine_id, CONF.engine.topic
        )
        self._recover_stale_locks()

    def _recover_stale_locks(self):
        """Fail the operations that an engine of this host left behind.

        Engine ids start with the host name, so a restarted engine knows
        its previous selves; one that does not answer is gone, and the
        stacks it was changing would otherwise stay IN_PROGRESS forever.
        """
        prefix = CONF.host + ':'
        for stack_id, holder in db_api.stack_locks_holders().items():
            if (
                not holder.startswith(prefix)
                or holder == self.engine_id
                or self.is_engine_alive(holder)
            ):
                continue
            if not db_api.stack_lock_steal(stack_id, holder, self.engine_id):
                continue
            row = db_api.stack_get(stack_id, show_deleted=True)
            if row is not None and StackStatus(row.status).in_progress:
                stack = stack_mod.Stack.load(
                    context.RequestContext(tenant=row.tenant), row
                )
                stack.set_state(
                    StackAction(row.action),
                    StackStatus.FAILED,
                    'Engine %s stopped before the %s finished'
                    % (holder, row.action.lower()),
                )
            db_api.stack_lock_release(stack_id, self.engine_id)

    def stop(self):
        """Stop taking calls; running operations stop as cancelled."""
        self._server.stop()
        with self._running_lock:
            for cancel in self._running.values():
                cancel.set()
        self._workers.shutdown(wait=True)
        self._server.wait()
        self._pool.shutdown(wait=False)

    # -- locks -----------------------------------------------------------

    def is_engine_alive(self, engine_id):
        if engine_id == self.engine_id:
            return True
        try:
            self._rpc.call(
                context.RequestContext(tenant=''),
                'ping',
                server=engine_id,
                timeout=CONF.engine.lock_probe_timeout,
            )
        except exception.EngineTimeout:
            return False
        return True

    def lock(self, stack):
        return stack_lock.StackLock(
            stack.row.id, self.engine_id, self.is_engine_alive
        )

    # -- running operations ------------------------------------------------

    def run_locked(self, stack, operation, action, reason):
        """Lock the stack (or raise StackInProgress), enter
        <action>_IN_PROGRESS, then run operation (a function of
        heat.engine.operations or update) in a worker.

        The state is entered before the caller hears back, so a describe
        right after the request never shows the stack's previous state.
        """
        lock = self.lock(stack)
        with lock.acquired(stack.row.name), self._failing(stack, lock, action):
            self._begin(stack, lock, operation, action, reason)

    def _begin(self, stack, lock, operation, action, reason):
        """Enter the operation's state and hand the stack and its lock to
        a worker; what fails before the worker owns them is the caller's
        (see _failing)."""
        stack.begin(action, reason)
        cancel = self._register(stack.row.id)
        try:
            # The operation's log lines carry the request that started it.
            lock.hand_over(
                lambda: request_scope.submit(
                    self._workers, self._run, stack, lock, operation, cancel
                )
            )
        except Exception:
            self._unregister(stack.row.id, cancel)
            raise

    @contextlib.contextmanager
    def _failing(self, stack, lock, action=None):
        """Run the block as stack's operation under lock: if it raises
        while this thread owns the lock, end the operation FAILED (as
        action, or as whatever the stack is doing by then), naming the
        error; the lock goes with that state (see Stack.set_state).  Not
        once the lock went: the state is then the next operation's."""
        stack.lock = lock
        try:
            yield
        except Exception as exc:
            if lock.mine() and lock.held:
                stack.set_state(
                    action or StackAction(stack.row.action),
                    StackStatus.FAILED,
                    'Internal error: %s' % exc,
                )
            raise

    def _register(self, stack_id):
        cancel = threading.Event()
        with self._running_lock:
            self._running[stack_id] = cancel
        return cancel

    def _unregister(self, stack_id, cancel):
        with self._running_lock:
            if self._running.get(stack_id) is cancel:
                del self._running[stack_id]

    def _run(self, stack, lock, operation, cancel):
        """The worker's side of the hand-over: own the lock, run the
        operation, release the lock on every path."""
        if not lock.take_over():
            # The thread handing it over failed, and ended the operation.
            return
        try:
            with lock.owned(), self._failing(stack, lock):
                operation(stack, operations.Operation(self._pool, cancel))
        except Exception:
            # The stack's state says it (see _failing); no one else hears.
            LOG.exception('%s: %s failed', stack, operation.__name__)
        finally:
            self._unregister(stack.row.id, cancel)

    def cancel(self, stack_id):
        """Cancel this engine's operation on the stack, if it runs one."""
        with self._running_lock:
            cancel = self._running.get(stack_id)
        if cancel is None:
            return False
        cancel.set()
        return True

    def delete_when_free(self, stack):
        """Delete the stack in a worker, so the caller returns at once.

        A stack nobody is changing shows DELETE_IN_PROGRESS before the
        caller hears back; one that is busy is deleted once its running
        operation, wherever it runs, has stopped.
        """
        lock = self.lock(stack)
        outcome, _ = lock.try_acquire(stack.row.name)
        if outcome is None:
            request_scope.submit(self._workers, self._delete_when_free, stack)
            return
        with lock.owned(), self._failing(stack, lock, StackAction.DELETE):
            self._begin(
                stack,
                lock,
                operations.delete,
                StackAction.DELETE,
                operations.DELETE_STARTED,
            )

    def _delete_when_free(self, stack):
        """Wait for the stack's lock, cancelling its holder's operation,
        then delete it in this worker."""
        taken = self._wait_for_lock(stack)
        if taken is None:
            return
        lock, reload = taken
        with lock.owned():
            try:
                with self._failing(stack, lock, StackAction.DELETE):
                    stack = self._current(stack, reload)
            except Exception:
                LOG.exception('%s: not deleted', stack)
                return
            self._run(
                stack, lock, operations.delete, self._register(stack.row.id)
            )

    def _wait_for_lock(self, stack):
        """(the stack's lock, whether its operation may have changed the
        stack), once taken; None if its operation did not stop within
        DELETE_WAIT_SECONDS."""
        lock = self.lock(stack)
        deadline = time.monotonic() + DELETE_WAIT_SECONDS
        waited = False
        while True:
            outcome, holder = lock.try_acquire(stack.row.name)
            if outcome is not None:
                break
            if time.monotonic() > deadline:
                LOG.error(
                    '%s: not deleted: its operation on engine %s did '
                    'not stop within %ds',
                    stack,
                    holder,
                    DELETE_WAIT_SECONDS,
                )
                return None
            self.ask_to_cancel(holder, stack.row.id)
            waited = True
            time.sleep(DELETE_RETRY_SECONDS)
        return lock, waited or outcome is not stack_lock.LockOutcome.ACQUIRED

    @staticmethod
    def _current(stack, changed):
        """The stack as stored now."""
        row = db_api.stack_get(stack.row.id, show_deleted=True)
        # Every operation ends by setting the stack's state, so an unchanged
        # row means no operation ran since the stack loaded: loading a large
        # stack again would only cost time.
        if not changed and row.updated_at == stack.row.updated_at:
            return stack
        return stack_mod.Stack.load(stack.context, row)

    def ask_to_cancel(self, holder, stack_id):
        """Cancel the stack's operation on engine holder (maybe this one)."""
        if holder == self.engine_id:
            self.cancel(stack_id)
            return
        try:
            self._rpc.call(
                context.RequestContext(tenant=''),
                'cancel_stack_operation',
                server=holder,
                timeout=CONF.engine.lock_probe_timeout,
                stack_id=stack_id,
            )
        except exception.EngineTimeout:
            LOG.warning(
                'Engine %s did not answer a cancel of stack %s',
                holder,
                stack_id,
            )
