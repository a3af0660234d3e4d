"""Adapters: the only code in ``haven`` that talks to AWS (boto3, PynamoDB)."""
