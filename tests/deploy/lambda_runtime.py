"""Lambda's Python runtime, as far as a handler can tell: run as a script in a fresh process.

``python tests/deploy/lambda_runtime.py`` reads ``{"handler": "module.function", "event": {...}}``
on stdin, imports the handler from ``PYTHONPATH`` (the function's code, then its layers), calls
it with the event and a context, and prints ``{"result": ..., "haven": <where haven came from>}``
as its last line. An exception is printed as ``{"error": type, "message": ...}`` and exits 1.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from typing import Any


class Context:
    def __init__(self) -> None:
        self.function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = int(os.environ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"])
        self.invoked_function_arn = os.environ["HAVEN_TEST_FUNCTION_ARN"]
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = "deploy-test"
        self._deadline = time.monotonic() + int(os.environ.get("HAVEN_TEST_FUNCTION_TIMEOUT", "30"))

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main() -> int:
    request: dict[str, Any] = json.loads(sys.stdin.read())
    module_name, attribute = request["handler"].rsplit(".", 1)
    try:
        handler = getattr(importlib.import_module(module_name), attribute)
        result = handler(request["event"], Context())
    except Exception as error:  # reported to the test, as Lambda reports a function error
        traceback.print_exc()
        print(json.dumps({"error": type(error).__name__, "message": str(error)}))  # noqa: T201 (the answer to the test)
        return 1
    haven = sys.modules.get("haven")
    print(json.dumps({"result": result, "haven": getattr(haven, "__file__", None)}, default=str))  # noqa: T201 (the answer to the test)
    return 0


if __name__ == "__main__":
    sys.exit(main())
