"""heat-cfn: command line client for Heat's CloudFormation Query API."""

import sys

from heat.cfnclient import shell


def main():
    sys.exit(shell.main())


if __name__ == '__main__':
    main()
