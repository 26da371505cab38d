"""Stacks, resources and events as the CloudFormation API shows them.

Each function returns a dict keyed by the member names of botocore's
output shape of the same name (Stack, StackSummary, StackEvent ...), so
the API renders it without knowing what the members mean.  Timestamps are
ISO 8601 UTC strings, which cross RPC unchanged.
"""

import json

from heat.common import identifier
from heat.common import states


def timestamp(value):
    if value is None:
        return None
    # Formatted by hand: strftime costs three times as much, and a
    # describe formats one or two a resource.
    return '%04d-%02d-%02dT%02d:%02d:%02d.%03dZ' % (
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond // 1000,
    )


def stack_identifier(row):
    return identifier.StackIdentifier(row.tenant, row.name, row.id)


def _without_none(values):
    return {k: v for k, v in values.items() if v is not None}


def _reason(text):
    """A resource's or event's status reason; an empty one is left out, as
    CloudFormation leaves out a reason there is none of."""
    return text or None


def stack(row, parameters, outputs):
    """A Stack: `parameters` shown as the API must show them (NoEcho
    masked), `outputs` as a list of {OutputKey, OutputValue, Description}."""
    return _without_none(
        {
            'StackId': stack_identifier(row).arn(),
            'StackName': row.name,
            'Description': row.description or None,
            'Parameters': [
                {'ParameterKey': k, 'ParameterValue': v}
                for k, v in sorted(parameters.items())
            ],
            'CreationTime': timestamp(row.created_at),
            'LastUpdatedTime': timestamp(row.last_updated_time),
            'DeletionTime': timestamp(row.deleted_at),
            'StackStatus': states.joined(row.action, row.status),
            'StackStatusReason': row.status_reason,
            'DisableRollback': row.disable_rollback,
            'NotificationARNs': list(row.notification_arns or []),
            'TimeoutInMinutes': row.timeout,
            'Capabilities': list(row.capabilities or []),
            'Outputs': outputs,
            'Tags': list(row.tags or []),
        }
    )


def stack_summary(row):
    return _without_none(
        {
            'StackId': stack_identifier(row).arn(),
            'StackName': row.name,
            'TemplateDescription': row.description or None,
            'CreationTime': timestamp(row.created_at),
            'LastUpdatedTime': timestamp(row.last_updated_time),
            'DeletionTime': timestamp(row.deleted_at),
            'StackStatus': states.joined(row.action, row.status),
            'StackStatusReason': row.status_reason,
        }
    )


def events(stack_row, rows):
    """The StackEvents of the stack's event rows."""
    stack_name, stack_id = stack_row.name, stack_identifier(stack_row).arn()
    return [
        _without_none(
            {
                'StackId': stack_id,
                'EventId': row.uuid,
                'StackName': stack_name,
                'LogicalResourceId': row.resource_name,
                'PhysicalResourceId': row.physical_resource_id,
                'ResourceType': row.resource_type,
                'Timestamp': timestamp(row.created_at),
                'ResourceStatus': states.joined(
                    row.resource_action, row.resource_status
                ),
                'ResourceStatusReason': _reason(row.resource_status_reason),
            }
        )
        for row in rows
    ]


def _resource_status(row):
    return states.joined(row.action, row.status)


def _last_updated(row):
    return timestamp(row.updated_at or row.created_at)


def stack_resources(stack_row, rows):
    """The StackResources (DescribeStackResources) of the stack's rows."""
    stack_name, stack_id = stack_row.name, stack_identifier(stack_row).arn()
    return [
        _without_none(
            {
                'StackName': stack_name,
                'StackId': stack_id,
                'LogicalResourceId': row.name,
                'PhysicalResourceId': row.physical_resource_id,
                'ResourceType': row.type,
                'Timestamp': _last_updated(row),
                'ResourceStatus': _resource_status(row),
                'ResourceStatusReason': _reason(row.status_reason),
            }
        )
        for row in rows
    ]


def stack_resource_detail(stack_row, row, metadata):
    """A StackResourceDetail (DescribeStackResource), with the resolved
    Metadata that cfn-init reads."""
    return _without_none(
        {
            'StackName': stack_row.name,
            'StackId': stack_identifier(stack_row).arn(),
            'LogicalResourceId': row.name,
            'PhysicalResourceId': row.physical_resource_id,
            'ResourceType': row.type,
            'LastUpdatedTimestamp': _last_updated(row),
            'ResourceStatus': _resource_status(row),
            'ResourceStatusReason': _reason(row.status_reason),
            'Metadata': json.dumps(metadata or {}),
        }
    )


def stack_resource_summary(row):
    """A StackResourceSummary (ListStackResources)."""
    return _without_none(
        {
            'LogicalResourceId': row.name,
            'PhysicalResourceId': row.physical_resource_id,
            'ResourceType': row.type,
            'LastUpdatedTimestamp': _last_updated(row),
            'ResourceStatus': _resource_status(row),
            'ResourceStatusReason': _reason(row.status_reason),
        }
    )
