"""Heat: orchestration for OpenStack clouds through the CloudFormation API.

Heat runs on native threads.  oslo.messaging's server imports oslo.service,
whose default backend is eventlet; eventlet in turn imports dnspython, and
together they print deprecation warnings into every command and server start
(and would monkey-patch-sensitive code paths Heat never wants).  So before
anything imports oslo.messaging, choose oslo.service's threading backend (a
public, documented switch) and mark eventlet as absent, which oslo.utils'
optional import of it then honours.
"""

import sys

from oslo_service import backend as _oslo_service_backend

# An entry of None makes `import eventlet` fail as if it were not installed;
# setdefault leaves a process that chose to load it first alone.
sys.modules.setdefault('eventlet', None)  # type: ignore[arg-type]
_oslo_service_backend.init_backend(_oslo_service_backend.BackendType.THREADING)
