"""heat-cfn: a command line client for Heat's CloudFormation Query API."""
