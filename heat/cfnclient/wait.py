"""Following a stack operation until the stack settles, printing its events."""

import dataclasses
import enum
import time

from botocore import exceptions

from heat.cfnclient import output

# Seconds between two looks at the stack.
POLL_INTERVAL = 1.5

# How each operation can end badly; '<ACTION>_COMPLETE' is its success.
# Any other status is an operation still running, or one not yet started.
_FAILURES = {
    # DELETE_*: a failed create with OnFailure=DELETE.
    'CREATE': (
        'CREATE_FAILED',
        'ROLLBACK_COMPLETE',
        'ROLLBACK_FAILED',
        'DELETE_COMPLETE',
        'DELETE_FAILED',
    ),
    'UPDATE': (
        'UPDATE_FAILED',
        'UPDATE_ROLLBACK_COMPLETE',
        'UPDATE_ROLLBACK_FAILED',
    ),
    'DELETE': ('DELETE_FAILED',),
}


class Progress(enum.Enum):
    RUNNING = 'running'
    SUCCEEDED = 'succeeded'
    FAILED = 'failed'


@dataclasses.dataclass(frozen=True)
class Outcome:
    progress: Progress
    status: str
    reason: str = ''

    @property
    def succeeded(self):
        return self.progress is Progress.SUCCEEDED


def stack_missing(error):
    """Whether a ClientError says the stack does not exist (any more)."""
    detail = error.response.get('Error', {})
    return detail.get(
        'Code'
    ) == 'ValidationError' and 'does not exist' in detail.get('Message', '')


def event_line(event):
    line = '%s  %-24s  %-20s  %s' % (
        output.timestamp(event.get('Timestamp')),
        event.get('LogicalResourceId', ''),
        event.get('ResourceStatus', ''),
        event.get('ResourceStatusReason') or '',
    )
    return line.rstrip()


def chronological(events):
    """Events as the service lists them (newest first), oldest first."""
    # Reversed first: events of one timestamp keep their order, oldest first.
    return sorted(reversed(events), key=lambda event: event['Timestamp'])  # noqa: C414


class StackWatch:
    """Polls one stack, printing each of its events once."""

    def __init__(self, client, stack_id, printer):
        self.client = client
        self.stack_id = stack_id
        self.printer = printer
        self.seen_event_ids = set()

    def skip_existing_events(self):
        """Remember the events of earlier operations so they are not shown."""
        self.seen_event_ids.update(
            event['EventId'] for event in self._new_events()
        )

    def until_settled(self, action, timeout_seconds):
        """Wait for the end of `action` ('CREATE', 'UPDATE' or 'DELETE')."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            # Status first, then events: the events that led to a settled
            # status are all written before the status is.
            outcome = self._outcome(action)
            self.print_new_events()
            if outcome.progress is not Progress.RUNNING:
                return outcome
            if time.monotonic() >= deadline:
                return Outcome(
                    Progress.FAILED,
                    outcome.status,
                    'gave up waiting after %d seconds' % timeout_seconds,
                )
            time.sleep(POLL_INTERVAL)

    def print_new_events(self):
        for event in chronological(self._new_events()):
            self.seen_event_ids.add(event['EventId'])
            self.printer.emit(event, lambda event=event: event_line(event))

    def _new_events(self):
        """Unseen events, newest first, paging only as far back as needed."""
        pages = self.client.get_paginator('describe_stack_events').paginate(
            StackName=self.stack_id
        )
        new = []
        try:
            for page in pages:
                for event in page['StackEvents']:
                    if event['EventId'] in self.seen_event_ids:
                        return new
                    new.append(event)
        except exceptions.ClientError as error:
            if not stack_missing(error):
                raise
        return new

    def _outcome(self, action):
        """Where the operation stands, judged by the stack's status."""
        try:
            stack = self.client.describe_stacks(StackName=self.stack_id)[
                'Stacks'
            ][0]
        except exceptions.ClientError as error:
            if not stack_missing(error):
                raise
            if action == 'DELETE':
                return Outcome(Progress.SUCCEEDED, 'DELETE_COMPLETE')
            return Outcome(
                Progress.FAILED, 'DELETE_COMPLETE', 'the stack was deleted'
            )
        status = stack['StackStatus']
        if status == action + '_COMPLETE':
            return Outcome(Progress.SUCCEEDED, status)
        if status in _FAILURES[action]:
            return Outcome(
                Progress.FAILED,
                status,
                stack.get('StackStatusReason') or status,
            )
        return Outcome(Progress.RUNNING, status)
