"""Haven's CDK app: one stack per stage, one construct per concern (see ``infra/constructs``)."""
