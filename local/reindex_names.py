"""``make reindex-names``: re-key the stored person records' name index (ADR 0033).

Writes, for every live record, the name index entries its names have now (sounds across
scripts and spellings) and deletes those of the first index (normalised words and their
deletions), which new searches no longer read. Run it once after deploying ADR 0033, and after
any change to ``haven.safety.names``; it is idempotent, so run it again after a failure. Locally
against a running ``make run``; ``--aws --stage prod`` with your AWS credentials.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta

from haven import resources


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make reindex-names", description=__doc__.splitlines()[0])
    parser.add_argument("--aws", action="store_true", help="the deployed stage (your AWS credentials)")
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    if args.aws:
        os.environ[resources.TABLE_PREFIX_ENV] = resources.stage_prefix(args.stage)
    else:
        from local import environment

        endpoint = environment.running_aws_endpoint()
        if endpoint is None:
            print("local mode is not running: start it with make run", file=sys.stderr)
            return 1
        os.environ |= {
            resources.TABLE_PREFIX_ENV: environment.PREFIX,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_REGION": environment.REGION,
            "AWS_DEFAULT_REGION": environment.REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",  # the embedded AWS accepts any key
        }
    # Table names are read from the environment when the models are imported: only now.
    from haven.adapters.dynamo.safety import DynamoSafetyStore
    from haven.config import get_settings
    from haven.safety.people import reindex

    retention = timedelta(days=get_settings().safety_retention_days)
    print(f"re-keyed {reindex(store=DynamoSafetyStore(), retention=retention)} person records")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
