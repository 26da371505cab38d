"""The engine's RPC interface: its topic, version and the methods it serves.

The API calls these through heat.rpc.client.EngineClient; the engine serves
them in heat.engine.service.EngineService.  Add a method here, to the client,
to the service and to heat.engine.authorization.ACCESS (who may call it)
together, and raise the minor version.
"""

RPC_API_VERSION = '1.0'

# call: the caller waits for the answer.
CALLS = (
    'authenticate_ec2',
    'create_stack',
    'update_stack',
    'delete_stack',
    'cancel_update_stack',
    'describe_stacks',
    'list_stacks',
    'describe_stack_events',
    'describe_stack_resource',
    'describe_stack_resources',
    'list_stack_resources',
    'get_template',
    'validate_template',
    'get_template_summary',
    'signal_resource',
    'ping',
    'cancel_stack_operation',
)
