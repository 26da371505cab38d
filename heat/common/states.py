"""The actions and statuses of stacks and resources.

StrEnums: a member is the very string the database stores and the API
shows (joined as ``<action>_<status>``, e.g. CREATE_COMPLETE), and a
column read back as a plain string compares equal to its member.
"""

import enum


class StackAction(enum.StrEnum):
    # A stack not created yet.
    INIT = 'INIT'
    CREATE = 'CREATE'
    UPDATE = 'UPDATE'
    DELETE = 'DELETE'
    # Deleting what a failed create made.
    ROLLBACK = 'ROLLBACK'
    UPDATE_ROLLBACK = 'UPDATE_ROLLBACK'


class StackStatus(enum.StrEnum):
    IN_PROGRESS = 'IN_PROGRESS'
    COMPLETE = 'COMPLETE'
    FAILED = 'FAILED'
    # An update (or its rollback) done, deleting what it left behind.
    COMPLETE_CLEANUP_IN_PROGRESS = 'COMPLETE_CLEANUP_IN_PROGRESS'

    @property
    def in_progress(self) -> bool:
        """Whether an operation is changing the stack."""
        return self in (
            StackStatus.IN_PROGRESS,
            StackStatus.COMPLETE_CLEANUP_IN_PROGRESS,
        )


class ResourceAction(enum.StrEnum):
    # A resource not created yet.
    INIT = 'INIT'
    CREATE = 'CREATE'
    UPDATE = 'UPDATE'
    DELETE = 'DELETE'


class ResourceStatus(enum.StrEnum):
    IN_PROGRESS = 'IN_PROGRESS'
    COMPLETE = 'COMPLETE'
    FAILED = 'FAILED'


def joined(action: str, status: str) -> str:
    """The state as the API shows it: CREATE_COMPLETE, ..."""
    return '%s_%s' % (action, status)
