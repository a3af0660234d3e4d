"""The Lambda context object handlers receive, for in-process invocations."""

from __future__ import annotations

import time
import uuid

from local.environment import ACCOUNT, REGION


class LambdaContext:
    def __init__(self, function_name: str, timeout_s: int = 30, memory_mb: int = 512) -> None:
        self.function_name = f"haven-local-{function_name}"
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_s

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
