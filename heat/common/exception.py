"""Heat's errors, each carrying the AWS error it becomes on the wire.

Every error a caller can cause is a HeatError subclass with the AWS error
``code``, the HTTP status and whether the sender is at fault.  The API maps
them to AWS error responses in one place (heat.api.cfn.faults); the engine
raises them and RPC carries them back to the API unchanged.
"""


class HeatError(Exception):
    """Base class: an error with a message meant for the caller."""

    code = 'InternalFailure'
    http_status = 500
    sender_fault = False
    message = 'An unknown error occurred.'

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            message = self.message % kwargs if kwargs else self.message
        super().__init__(message)

    @property
    def text(self):
        return str(self)


class ValidationError(HeatError):
    code = 'ValidationError'
    http_status = 400
    sender_fault = True
    message = 'The request is not valid.'


class InvalidParameterValue(HeatError):
    code = 'InvalidParameterValue'
    http_status = 400
    sender_fault = True
    message = 'A parameter has a value that is not valid.'


class MissingParameter(HeatError):
    code = 'MissingParameter'
    http_status = 400
    sender_fault = True
    message = 'The request must contain the parameter %(name)s.'


class InvalidAction(HeatError):
    code = 'InvalidAction'
    http_status = 400
    sender_fault = True
    message = 'The action %(action)s is not valid for this web service.'


class MalformedQueryString(HeatError):
    code = 'MalformedQueryString'
    http_status = 400
    sender_fault = True
    message = 'The query string is malformed.'


class AlreadyExists(HeatError):
    code = 'AlreadyExistsException'
    http_status = 400
    sender_fault = True
    message = 'Stack [%(name)s] already exists'


class StackNotFound(ValidationError):
    """A stack that does not exist, or belongs to another tenant."""

    message = 'Stack with id %(stack)s does not exist'


class ResourceNotFound(ValidationError):
    message = 'Resource %(resource)s does not exist for stack %(stack)s'


class InvalidTemplate(ValidationError):
    message = 'Template format error: %(reason)s'


class StackInProgress(ValidationError):
    message = 'Stack:%(stack)s is in %(status)s state and can not be updated.'


class InvalidClientTokenId(HeatError):
    code = 'InvalidClientTokenId'
    http_status = 403
    sender_fault = True
    message = 'The security token included in the request is invalid.'


class SignatureDoesNotMatch(HeatError):
    code = 'SignatureDoesNotMatch'
    http_status = 403
    sender_fault = True
    message = (
        'The request signature we calculated does not match the '
        'signature you provided. Check your AWS Secret Access Key '
        'and signing method.'
    )


class IncompleteSignature(HeatError):
    code = 'IncompleteSignature'
    http_status = 403
    sender_fault = True
    message = 'The request signature does not conform to AWS standards.'


class MissingAuthenticationToken(HeatError):
    code = 'MissingAuthenticationToken'
    http_status = 403
    sender_fault = True
    message = 'Request is missing Authentication Token'


class RequestExpired(HeatError):
    code = 'RequestExpired'
    http_status = 403
    sender_fault = True
    message = 'Request has expired.'


class AccessDenied(HeatError):
    code = 'AccessDenied'
    http_status = 403
    sender_fault = True
    message = 'User is not authorized to perform this action.'


class RequestEntityTooLarge(HeatError):
    code = 'RequestEntityTooLarge'
    http_status = 413
    sender_fault = True
    message = 'Request body is larger than %(limit)d bytes.'


class ServiceUnavailable(HeatError):
    code = 'ServiceUnavailable'
    http_status = 503
    sender_fault = False
    message = 'The service is unavailable. Try again later.'


class EngineTimeout(ServiceUnavailable):
    message = 'No engine answered within %(seconds)s seconds.'


class EngineUnreachable(ServiceUnavailable):
    """The message broker did not take the call: it never reached an
    engine, so sending it again is safe."""

    message = (
        'The engines cannot be reached: the message broker did not take '
        'the request within %(seconds)s seconds. Try again later.'
    )


class ResourceFailure(HeatError):
    """A resource's life-cycle step failed; the message names the resource
    and the cause."""

    message = '%(resource)s: %(reason)s'


class CloudError(HeatError):
    """A cloud (or sandbox) call failed; the reason is the cloud's own."""

    message = '%(reason)s'


class CloudNotFound(CloudError):
    """The cloud says the object does not exist (HTTP 404)."""


class MissingAction(HeatError):
    code = 'MissingAction'
    http_status = 400
    sender_fault = True
    message = 'The request must contain the parameter Action.'


class CircularDependency(ValidationError):
    """Resources that require each other in a loop; the message names them."""

    message = 'Circular dependency found: %(cycle)s'


class UnknownDependency(InvalidTemplate):
    message = (
        'Template format error: %(requirer)s depends on %(required)s, '
        'which is not defined'
    )


class DecryptionFailed(HeatError):
    """A stored secret no longer decrypts: the key it was made with is gone."""

    message = (
        'A stored secret cannot be decrypted; was auth_encryption_key changed?'
    )


class EntityNotFound(HeatError):
    """An internal lookup by id found nothing (not a caller's mistake)."""

    message = 'No %(entity)s with id %(id)s.'
