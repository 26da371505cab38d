"""Entry points of Heat's processes."""

import warnings

# oslo.messaging imports eventlet through oslo.service, and eventlet warns on
# import.  Heat uses native threads; the warning would only mislead.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
