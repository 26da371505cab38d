"""The shared polling helper: returns what it waited for, or says what."""

import threading

import pytest

from heat.tests import waiting


def test_returns_the_first_true_value_once_it_comes():
    ready = threading.Event()
    threading.Timer(0.05, ready.set).start()
    assert waiting.wait_until(lambda: ready.is_set() and 'done') == 'done'


def test_names_what_it_waited_for_at_the_deadline():
    with pytest.raises(
        AssertionError, match=r'waited 0.1s for the moon, still new'
    ):
        waiting.wait_until(
            lambda: None, timeout=0.1, what=lambda: 'the moon, still new'
        )
    with pytest.raises(AssertionError, match='waited 0.1s for never'):

        def never():
            return False

        waiting.wait_until(never, timeout=0.1)
