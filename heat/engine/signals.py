"""Signals: what one may say, and waiting for enough of them.

A signal reaches a resource through its wait condition handle's URL (as
cfn-signal sends it) or through SignalResource.  A resource waits for
signals when its CreationPolicy has a ResourceSignal, and a
WaitCondition waits for its handle's: ``Wait`` counts them, polled from
a resource's hooks, without holding a thread between polls.
"""

import dataclasses
import re
import time

from heat.common import exception

SUCCESS = 'SUCCESS'
FAILURE = 'FAILURE'
STATUSES = (SUCCESS, FAILURE)
# The unique_id column's size; AWS allows 64 characters in SignalResource,
# cfn-signal sends a server's id or host name.
MAX_UNIQUE_ID = 255
# Reason and Data are free text; bounded so a signal stays a small row.
MAX_TEXT = 4096
# AWS's longest wait: 12 hours.
MAX_TIMEOUT_SECONDS = 43200
DEFAULT_CREATION_TIMEOUT = 'PT5M'
# Longest wait between two looks at a resource's signals, in seconds.
POLL_SECONDS = 1.0
# The most UniqueIds a complete state's reason names.
MAX_NAMED = 10

_DURATION = re.compile(
    r'P(?:(?P<days>\d+)D)?'
    r'(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?'
    r'(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?\Z'
)


class SignalFailure(exception.HeatError):
    """A FAILURE signal arrived; the message carries its Reason."""

    message = 'Received FAILURE signal with UniqueId %(unique_id)s: %(reason)s'


class SignalTimeout(exception.HeatError):
    """Too few SUCCESS signals arrived in time."""

    message = (
        'Timed out after %(seconds)ss waiting for %(source)s: '
        '%(received)d of %(count)d SUCCESS signals received'
    )


def from_request(args):
    """The signal a request carries: {unique_id, status, reason, data}.

    ``args`` has SignalResource's members (UniqueId, Status) and, from a
    handle's URL, Reason and Data.  Raises ValidationError.
    """
    status = args.get('Status')
    if status not in STATUSES:
        raise exception.ValidationError(
            "Status must be SUCCESS or FAILURE, not '%s'." % (status,)
        )
    unique_id = args.get('UniqueId')
    if (
        not isinstance(unique_id, str)
        or not unique_id
        or len(unique_id) > MAX_UNIQUE_ID
    ):
        raise exception.ValidationError(
            'UniqueId must be a string of 1 to %d characters.' % MAX_UNIQUE_ID
        )
    signal = {'unique_id': unique_id, 'status': status}
    for member in ('Reason', 'Data'):
        value = args.get(member) or ''
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise exception.ValidationError(
                '%s must be a string of at most %d characters.'
                % (member, MAX_TEXT)
            )
        signal[member.lower()] = value
    return signal


def received(signal):
    """What a resource's state reason says of a signal it has seen."""
    text = 'Received %s signal with UniqueId %s' % (
        signal['status'],
        signal['unique_id'],
    )
    if signal['reason']:
        text += ': %s' % signal['reason']
    return text


def completed(signals):
    """What a resource's complete state says of the signals it got."""
    ids = [s['unique_id'] for s in signals if s['status'] == SUCCESS]
    shown = ', '.join(ids[:MAX_NAMED])
    if len(ids) > MAX_NAMED:
        shown += ' and %d more' % (len(ids) - MAX_NAMED)
    return 'Received %d SUCCESS signal(s) with UniqueId %s' % (len(ids), shown)


def duration_seconds(text, path):
    """Seconds of an ISO 8601 duration such as PT15M; ValidationError."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if match is None or text in ('P', 'PT') or text.endswith('T'):
        raise exception.ValidationError(
            '%s: "%s" is not an ISO 8601 duration such as PT15M' % (path, text)
        )
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return (
        parts.get('days', 0) * 86400
        + parts.get('hours', 0) * 3600
        + parts.get('minutes', 0) * 60
        + parts.get('seconds', 0)
    )


@dataclasses.dataclass(frozen=True)
class Policy:
    """Wait for ``count`` SUCCESS signals to ``resource_name``."""

    resource_name: str
    count: int
    timeout: float


def creation_policy(policy, resource_name, validating=False):
    """The Policy of a resolved CreationPolicy, or None without a
    ResourceSignal.  Raises ValidationError; while validating, values not
    known yet (None) pass."""
    path = 'Resources.%s.CreationPolicy' % resource_name
    if not policy:
        return None
    if not isinstance(policy, dict):
        raise exception.ValidationError('%s must be a map' % path)
    signal = policy.get('ResourceSignal')
    if signal is None:
        return None
    path += '.ResourceSignal'
    if not isinstance(signal, dict):
        raise exception.ValidationError('%s must be a map' % path)
    unknown = set(signal) - {'Count', 'Timeout'}
    if unknown:
        raise exception.ValidationError(
            '%s: unknown member %s' % (path, sorted(unknown)[0])
        )
    count = signal.get('Count', 1)
    timeout = signal.get('Timeout', DEFAULT_CREATION_TIMEOUT)
    if validating:
        # A value from a resource not created yet: the policy stands,
        # its value is checked at create.
        count = 1 if count is None else count
        timeout = DEFAULT_CREATION_TIMEOUT if timeout is None else timeout
    return Policy(
        resource_name,
        _count(count, path + '.Count'),
        _timeout(
            duration_seconds(timeout, path + '.Timeout'), path + '.Timeout'
        ),
    )


def _count(value, path):
    text = str(value)
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise exception.ValidationError(
            '%s: "%s" is not a positive integer' % (path, value)
        )
    return int(text)


def _timeout(seconds, path):
    if not 0 < seconds <= MAX_TIMEOUT_SECONDS:
        raise exception.ValidationError(
            '%s: must be more than 0 and at most %d seconds (12 hours)'
            % (path, MAX_TIMEOUT_SECONDS)
        )
    return seconds


class Wait:
    """Counts a resource's signals from the moment it is made.

    ``check`` is given the signals as they stand (oldest first) at each
    poll.  It returns True once ``count`` SUCCESS signals are in and the
    signals it had not seen before; it raises SignalFailure at the first
    FAILURE and SignalTimeout once the timeout has passed.
    """

    def __init__(self, policy, clock=time.monotonic):
        self.policy = policy
        self._clock = clock
        self._deadline = clock() + policy.timeout
        self._seen = set()

    def check(self, signals):
        new = [
            s
            for s in signals
            if (s['unique_id'], s['status'], s['reason']) not in self._seen
        ]
        self._seen.update(
            (s['unique_id'], s['status'], s['reason']) for s in new
        )
        for signal in signals:
            if signal['status'] == FAILURE:
                raise SignalFailure(
                    unique_id=signal['unique_id'],
                    reason=signal['reason'] or '(none)',
                )
        successes = sum(1 for s in signals if s['status'] == SUCCESS)
        if successes >= self.policy.count:
            return True, new
        if self._clock() >= self._deadline:
            raise SignalTimeout(
                seconds='%g' % self.policy.timeout,
                source='signals to %s' % self.policy.resource_name,
                received=successes,
                count=self.policy.count,
            )
        return False, new
