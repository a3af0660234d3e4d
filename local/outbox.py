"""``make outbox``: the SMS, e-mails and push messages local mode would have sent."""

from __future__ import annotations

import argparse

from haven.adapters.notifier import read_outbox
from local.environment import outbox_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="List the local outbox, newest last.")
    parser.add_argument("--last", type=int, default=20, help="how many messages (default 20)")
    args = parser.parse_args(argv)
    messages = read_outbox(outbox_path())
    if not messages:
        print(f"the outbox is empty ({outbox_path()})")
        return
    for m in messages[-args.last :]:
        print(f"{m['at']}  {m['channel']:<5} to {m['to']}  [{m['ref']}]  {m['subject']}")
        print(f"    {m['body']}")


if __name__ == "__main__":
    main()
