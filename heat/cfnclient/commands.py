"""The heat-cfn sub-commands: one function per CloudFormation action.

Each takes the botocore client, the parsed arguments and a Printer, and
returns the exit status; a failed --wait raises CommandFailed.
"""

import json

from heat.cfnclient import output
from heat.cfnclient import wait

# Waiting past a stack's own timeout gives the service time to mark it failed.
_TIMEOUT_GRACE_SECONDS = 60
DEFAULT_WAIT_MINUTES = 60


class CommandFailed(Exception):
    """The service accepted the request but the operation did not succeed."""


def create(client, args, printer):
    request = _template_source(args)
    request.update(
        StackName=args.name, Parameters=_parameter_list(args.parameters)
    )
    if args.timeout is not None:
        request['TimeoutInMinutes'] = args.timeout
    if args.disable_rollback:
        request['DisableRollback'] = True
    if args.on_failure:
        request['OnFailure'] = args.on_failure
    stack_id = client.create_stack(**request)['StackId']
    printer.emit({'StackId': stack_id}, lambda: stack_id)
    if args.wait:
        watch = wait.StackWatch(client, stack_id, printer)
        _finish(watch, 'CREATE', args, _wait_seconds(args, args.timeout))
    return 0


def update(client, args, printer):
    request = _template_source(args)
    request.update(
        StackName=args.name, Parameters=_parameter_list(args.parameters)
    )
    if not args.wait:
        stack_id = client.update_stack(**request)['StackId']
        printer.emit({'StackId': stack_id}, lambda: stack_id)
        return 0
    stack = _one_stack(client, args.name)
    watch = wait.StackWatch(client, stack['StackId'], printer)
    watch.skip_existing_events()
    stack_id = client.update_stack(**request)['StackId']
    printer.emit({'StackId': stack_id}, lambda: stack_id)
    _finish(
        watch,
        'UPDATE',
        args,
        _wait_seconds(args, stack.get('TimeoutInMinutes')),
    )
    return 0


def delete(client, args, printer):
    if not args.wait:
        client.delete_stack(StackName=args.name)
        return 0
    # Follow the stack by its id: its name may be reused once it is gone.
    stack = _one_stack(client, args.name)
    watch = wait.StackWatch(client, stack['StackId'], printer)
    watch.skip_existing_events()
    client.delete_stack(StackName=args.name)
    _finish(watch, 'DELETE', args, _wait_seconds(args, None))
    return 0


def list_stacks(client, args, printer):
    summaries = _all_pages(client, 'list_stacks', 'StackSummaries')
    printer.emit(
        summaries,
        lambda: output.table(
            ['NAME', 'STATUS', 'CREATED', 'ID'],
            [
                [
                    s['StackName'],
                    s['StackStatus'],
                    s.get('CreationTime'),
                    s['StackId'],
                ]
                for s in summaries
            ],
        ),
    )
    return 0


def describe(client, args, printer):
    request = {'StackName': args.name} if args.name else {}
    stacks = _all_pages(client, 'describe_stacks', 'Stacks', **request)
    printer.emit(
        stacks,
        lambda: '\n\n'.join(
            output.fields(_stack_fields(stack)) for stack in stacks
        ),
    )
    return 0


def event_list(client, args, printer):
    events = wait.chronological(
        _all_pages(
            client, 'describe_stack_events', 'StackEvents', StackName=args.name
        )
    )
    printer.emit(
        events,
        lambda: output.table(
            ['TIME', 'LOGICAL ID', 'TYPE', 'STATUS', 'REASON'],
            [
                [
                    e.get('Timestamp'),
                    e.get('LogicalResourceId'),
                    e.get('ResourceType'),
                    e.get('ResourceStatus'),
                    e.get('ResourceStatusReason'),
                ]
                for e in events
            ],
        ),
    )
    return 0


def resource(client, args, printer):
    detail = client.describe_stack_resource(
        StackName=args.name, LogicalResourceId=args.logical_id
    )['StackResourceDetail']
    if 'Metadata' in detail:
        detail['Metadata'] = _decoded(detail['Metadata'])
    printer.emit(
        detail,
        lambda: output.fields(
            [
                ('LogicalResourceId', detail.get('LogicalResourceId')),
                ('PhysicalResourceId', detail.get('PhysicalResourceId')),
                ('ResourceType', detail.get('ResourceType')),
                ('ResourceStatus', detail.get('ResourceStatus')),
                ('ResourceStatusReason', detail.get('ResourceStatusReason')),
                ('LastUpdatedTimestamp', detail.get('LastUpdatedTimestamp')),
                ('Description', detail.get('Description')),
                ('Metadata', output.to_json(detail.get('Metadata'))),
            ]
        ),
    )
    return 0


def resource_list(client, args, printer):
    resources = _all_pages(
        client,
        'list_stack_resources',
        'StackResourceSummaries',
        StackName=args.name,
    )
    printer.emit(
        resources,
        lambda: output.table(
            ['LOGICAL ID', 'PHYSICAL ID', 'TYPE', 'STATUS', 'UPDATED'],
            [
                [
                    r['LogicalResourceId'],
                    r.get('PhysicalResourceId'),
                    r['ResourceType'],
                    r['ResourceStatus'],
                    r.get('LastUpdatedTimestamp'),
                ]
                for r in resources
            ],
        ),
    )
    return 0


def template(client, args, printer):
    body = client.get_template(StackName=args.name)['TemplateBody']
    # botocore decodes a JSON body into a dict; a YAML body stays text.
    printer.write(body if isinstance(body, str) else output.to_json(body))
    return 0


def validate(client, args, printer):
    result = client.validate_template(**_template_source(args))
    result.pop('ResponseMetadata', None)
    parameters = result.get('Parameters', [])

    def text():
        summary = output.fields(
            [
                ('Description', result.get('Description')),
                ('Capabilities', ', '.join(result.get('Capabilities', []))),
            ]
        )
        return (
            summary
            + '\n\n'
            + output.table(
                ['PARAMETER', 'DEFAULT', 'NOECHO', 'DESCRIPTION'],
                [
                    [
                        p['ParameterKey'],
                        p.get('DefaultValue'),
                        p.get('NoEcho'),
                        p.get('Description'),
                    ]
                    for p in parameters
                ],
            )
        )

    printer.emit(result, text)
    return 0


def _template_source(args):
    if args.template_file is not None:
        return {'TemplateBody': args.template_file}
    if args.template_url is not None:
        return {'TemplateURL': args.template_url}
    return {'UsePreviousTemplate': True}


def _parameter_list(parameters):
    return [
        {'ParameterKey': key, 'ParameterValue': value}
        for key, value in (parameters or {}).items()
    ]


def _all_pages(client, operation, key, **request):
    items = []
    for page in client.get_paginator(operation).paginate(**request):
        items.extend(page.get(key, []))
    return items


def _one_stack(client, name):
    return client.describe_stacks(StackName=name)['Stacks'][0]


def _wait_seconds(args, stack_timeout_minutes):
    if args.wait_timeout is not None:
        return args.wait_timeout * 60
    if stack_timeout_minutes:
        return stack_timeout_minutes * 60 + _TIMEOUT_GRACE_SECONDS
    return DEFAULT_WAIT_MINUTES * 60


def _finish(watch, action, args, seconds):
    outcome = watch.until_settled(action, seconds)
    if not outcome.succeeded:
        raise CommandFailed(
            'Stack %s %s: %s' % (args.name, outcome.status, outcome.reason)
        )
    watch.printer.emit(
        {'StackName': args.name, 'StackStatus': outcome.status},
        lambda: 'Stack %s %s' % (args.name, outcome.status),
    )


def _stack_fields(stack):
    parameters = '\n'.join(
        '%s=%s' % (p['ParameterKey'], p.get('ParameterValue', ''))
        for p in stack.get('Parameters', [])
    )
    outputs = '\n'.join(
        '%s=%s' % (o['OutputKey'], o.get('OutputValue', ''))
        for o in stack.get('Outputs', [])
    )
    return [
        ('StackName', stack['StackName']),
        ('StackId', stack['StackId']),
        ('Description', stack.get('Description')),
        ('StackStatus', stack['StackStatus']),
        ('StackStatusReason', stack.get('StackStatusReason')),
        ('CreationTime', stack.get('CreationTime')),
        ('LastUpdatedTime', stack.get('LastUpdatedTime')),
        ('TimeoutInMinutes', stack.get('TimeoutInMinutes')),
        ('Parameters', parameters),
        ('Outputs', outputs),
    ]


def _decoded(metadata):
    try:
        return json.loads(metadata)
    except ValueError:
        return metadata
