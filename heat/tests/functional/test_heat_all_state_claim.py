"""A second heat-all on a state directory in use stops before touching it.

Its engine would otherwise take the first one's engine, which it cannot
reach over its own in-process transport, for dead, and fail the stacks
the first one is building.
"""

import json
import os
import subprocess

from heat.tests.functional import clients
from heat.tests.functional import server as server_mod

# Long enough that the stack is still building when the second starts.
BUILD_SECONDS = 10
TEMPLATE = {
    'Resources': {
        'Slow': {
            'Type': 'AWS::EC2::Instance',
            'Properties': {'ImageId': 'cirros', 'InstanceType': 'm1.tiny'},
        }
    }
}


def second_heat_all(first):
    """heat-all on first's state directory, on a port of its own."""
    config_file = os.path.join(first.state_path, 'second.conf')
    with open(config_file, 'w') as f:
        f.write(
            '[DEFAULT]\nstate_path = %s\n'
            '[heat_api]\nbind_host = 127.0.0.1\nbind_port = %d\n'
            % (first.state_path, server_mod.free_port())
        )
    return subprocess.run(
        [
            os.path.join(server_mod.BIN_DIR, 'heat-all'),
            '--config-file',
            config_file,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_second_heat_all_on_the_same_state_leaves_the_first_alone():
    first = server_mod.HeatServer(
        extra_config='[sandbox]\nbuild_seconds = %d\n' % BUILD_SECONDS
    ).start()
    try:
        cfn = clients.boto3_client(first)
        cfn.create_stack(StackName='busy', TemplateBody=json.dumps(TEMPLATE))
        status = cfn.describe_stacks(StackName='busy')['Stacks'][0]
        assert status['StackStatus'] == 'CREATE_IN_PROGRESS'

        result = second_heat_all(first)

        assert result.returncode == 1
        assert result.stdout == ''
        assert result.stderr.splitlines() == [
            'heat-all: error: another heat-all uses the state directory %s '
            '([DEFAULT] state_path)' % first.state_path
        ]
        shown = clients.wait_for_status(
            cfn, 'busy', seconds=BUILD_SECONDS + clients.WAIT_SECONDS
        )
        assert shown['StackStatus'] == 'CREATE_COMPLETE', shown
    finally:
        first.stop()
