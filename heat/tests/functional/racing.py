"""Calls started together on many threads, to race them for real."""

import threading

JOIN_SECONDS = 60


def at_once(count, call):
    """call(i) on count threads released together: what each returned or
    raised, in the order of i."""
    outcomes: list = [None] * count
    ready = threading.Barrier(count)

    def run(i):
        ready.wait()
        try:
            outcomes[i] = call(i)
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
        assert not thread.is_alive(), 'a racing call never returned'
    return outcomes
