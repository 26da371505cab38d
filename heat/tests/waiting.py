"""Waiting in a test for a condition, never for a guessed time.

What another thread or process does takes longer on a loaded machine;
a test that polls for it then just takes longer, where one that sleeps a
fixed time and looks fails.  The deadline is generous: a test only ever
reaches it when it fails anyway.
"""

import time

# Far beyond what anything awaited takes on an idle machine: a 2-core
# machine running other suites beside this one must not reach it.
WAIT_SECONDS = 30
POLL_SECONDS = 0.02


def wait_until(
    predicate, timeout=WAIT_SECONDS, what=None, interval=POLL_SECONDS
):
    """The first true value predicate() returns, asked every interval.

    After timeout seconds without one raises AssertionError naming what
    was awaited: ``what`` is text, or a function of no arguments whose
    text tells how things stand at the deadline; by default the
    predicate's name.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    if callable(what):
        what = what()
    raise AssertionError(
        'waited %ss for %s'
        % (timeout, what or getattr(predicate, '__name__', predicate))
    )
