import json

from heat.common import states
from heat.common.states import StackAction
from heat.common.states import StackStatus


def test_a_state_is_the_string_the_database_and_api_use():
    # A column read back is a plain str: it must equal the member.
    assert 'UPDATE_ROLLBACK' == StackAction.UPDATE_ROLLBACK
    assert json.dumps([StackStatus.FAILED]) == '["FAILED"]'
    assert (
        states.joined(StackAction.CREATE, StackStatus.COMPLETE)
        == 'CREATE_COMPLETE'
    )


def test_cleanup_counts_as_in_progress():
    # An engine that dies during an update's cleanup leaves the stack
    # busy: recovery must fail it as it does any other operation.
    busy = {status for status in StackStatus if status.in_progress}
    assert busy == {
        StackStatus.IN_PROGRESS,
        StackStatus.COMPLETE_CLEANUP_IN_PROGRESS,
    }
