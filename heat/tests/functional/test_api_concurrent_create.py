"""CreateStack calls racing with one name: one stack, the others refused
as a sequential second create is."""

import botocore.exceptions

from heat.tests.functional import clients
from heat.tests.functional import racing

RACERS = 8


def create_or_error(client, name):
    """The new stack's ARN, or the error code and message."""
    try:
        return client.create_stack(
            StackName=name,
            TemplateBody=clients.body(clients.handles_template(count=1)),
        )['StackId']
    except botocore.exceptions.ClientError as exc:
        error = exc.response['Error']
        return error['Code'], error['Message']


def test_concurrent_creates_of_one_name(heat_server):
    # One client per thread, as separate callers would have.
    callers = [clients.boto3_client(heat_server) for _ in range(RACERS)]
    name = clients.unique_name('racing')
    outcomes = racing.at_once(
        RACERS, lambda i: create_or_error(callers[i], name)
    )
    arns = [o for o in outcomes if isinstance(o, str)]
    assert len(arns) == 1, outcomes
    refusal = ('AlreadyExistsException', 'Stack [%s] already exists' % name)
    assert outcomes.count(refusal) == RACERS - 1, outcomes
    client = callers[0]
    assert clients.wait_for_status(client, name)['StackId'] == arns[0]
    assert clients.stack_names(client).count(name) == 1
    # Sequentially, the same answer.
    assert create_or_error(client, name) == refusal
    client.delete_stack(StackName=name)
    clients.wait_for_status(client, arns[0], action='DELETE')
    # Deleted, the name takes a new stack.
    assert create_or_error(client, name) not in (refusal, arns[0])
