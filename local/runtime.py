"""The local platform: embedded AWS, resources, API gateway, workers and schedules.

``python -m local`` (what ``make run`` starts) runs it until Ctrl-C; the e2e tests start the
same :class:`LocalPlatform` on free ports.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from local import environment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalPlatform:
    def __init__(
        self,
        api_port: int = 8000,
        aws_port: int | None = None,
        snapshot_every: float = 5.0,
        run_workers: bool = True,
        durable: bool = True,
        journal_sync: bool = True,
    ) -> None:
        self.api_port = api_port
        self.aws_port = aws_port or free_port()
        self.aws_endpoint = f"http://127.0.0.1:{self.aws_port}"
        self.snapshot_every = snapshot_every
        self.run_workers = run_workers
        #: Every acknowledged write journaled before it is answered (False: snapshots only,
        #: what the bench compares the journal's cost with).
        self.durable = durable
        #: False: journal writes reach the OS but are not fsynced (survive a kill of the
        #: process, not of the machine); only the bench sets it, to measure what fsync costs.
        self.journal_sync = journal_sync
        self.stop_event = threading.Event()
        self.pollers: list[Any] = []
        self.schedules: list[Any] = []
        self.restored: dict[str, int] = {}

    def start(self) -> LocalPlatform:
        from moto.server import ThreadedMotoServer

        from local.events import complete_envelopes
        from local.journal import Journal, journaling_server

        complete_envelopes()
        os.environ.update(environment.function_environment(self.aws_endpoint))
        os.environ["HAVEN_PUBLIC_URL"] = f"http://127.0.0.1:{self.api_port}"
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the embedded AWS logs every call
        self.journal = Journal(environment.state_dir(), sync=self.journal_sync) if self.durable else None
        if self.journal is not None:
            self._moto = journaling_server(self.journal, "127.0.0.1", self.aws_port)
        else:
            self._moto = ThreadedMotoServer(ip_address="127.0.0.1", port=self.aws_port, verbose=False)
        self._moto.start()

        # Imported only now: the environment above is what the functions read at cold start.
        from haven.adapters.aws import client, reset_clients
        from haven.resources import QUEUES, SCHEDULES, function, queue_env
        from local.dispatcher import QueuePoller, ScheduleRunner, load_handler
        from local.events import EVENT_LOG, EventLog, event_log_path
        from local.gateway import LocalGateway
        from local.persistence import Snapshotter
        from local.provision import provision
        from local.static_site import HostedSignIn, StaticSite

        reset_clients()
        provision(self.aws_endpoint)
        environment.endpoint_path().write_text(self.aws_endpoint + "\n")
        urls = {}
        for q in QUEUES:
            urls[environment.queue_name(q.name)] = os.environ[queue_env(q.name)]
            urls[environment.dlq_name(q.name)] = self.dlq_url(q.name)
        self.snapshotter = Snapshotter(
            self.aws_endpoint, environment.state_dir() / "snapshot.json", self.journal, self.snapshot_every
        )
        self.restored = self.snapshotter.load(urls)

        api = importlib.import_module("app")  # functions/api/app.py, as Lambda imports it
        self.gateway = LocalGateway(
            api.handler,
            list(api.app.routes),
            port=self.api_port,
            static=StaticSite(
                hosted=HostedSignIn.from_environment(os.environ),
                upload_origins=(self.aws_endpoint,),
                # Another build of the apps (the web bench serves a before and an after side by side).
                **({"root": Path(os.environ["HAVEN_WEB_ROOT"])} if os.environ.get("HAVEN_WEB_ROOT") else {}),
            ),
        )

        sqs = client("sqs")
        for q in QUEUES:
            consumer = function(q.consumer)
            poller = QueuePoller(
                sqs,
                q,
                os.environ[queue_env(q.name)],
                environment.queue_name(q.name),
                consumer,
                load_handler(consumer),
                self.stop_event,
            )
            self.pollers.append(poller)
        scale = float(os.environ.get("HAVEN_LOCAL_CLOCK_SCALE", "1"))
        for s in SCHEDULES:
            target = function(s.function)
            self.schedules.append(ScheduleRunner(s, target, load_handler(target), self.stop_event, scale))

        self.event_log = EventLog(
            sqs,
            f"{self.aws_endpoint}/{environment.ACCOUNT}/{environment.queue_name(EVENT_LOG)}",
            event_log_path(),
            self.stop_event,
        )

        self.gateway.start()
        self.event_log.thread.start()
        if self.run_workers:
            for p in self.pollers:
                p.thread.start()
            for s in self.schedules:
                s.thread.start()
        self.snapshotter.start()
        return self

    def dlq_url(self, queue: str) -> str:
        return f"{self.aws_endpoint}/{environment.ACCOUNT}/{environment.dlq_name(queue)}"

    @property
    def api_url(self) -> str:
        return self.gateway.url

    def stop(self) -> None:
        self.stop_event.set()
        self.gateway.stop()
        for runner in [*self.pollers, *self.schedules, self.event_log]:
            if runner.thread.is_alive():
                runner.thread.join(timeout=5)
        self.event_log.drain()  # what the last invocations published
        self.snapshotter.stop()
        environment.endpoint_path().unlink(missing_ok=True)
        self._moto.stop()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    port = int(os.environ.get("HAVEN_PORT", "8000"))
    aws_port = int(os.environ.get("HAVEN_AWS_PORT", "0")) or None
    platform = LocalPlatform(api_port=port, aws_port=aws_port)
    # Installed first: a Ctrl-C while starting still stops cleanly, once started. Python runs a
    # signal handler only when the main thread executes; the OS may deliver SIGINT to any of the
    # platform's threads, and a main thread blocked in ``Event.wait()`` without a timeout then
    # never wakes to run it (the platform did not stop). So the handler only records the signal
    # and the main thread looks at it several times a second.
    signals: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _: signals.append(signum))
    signal.signal(signal.SIGTERM, lambda signum, _: signals.append(signum))
    try:
        platform.start()
    except OSError as error:
        print(f"cannot start: {error} (is another instance on port {port}? try make run HAVEN_PORT=8001)")
        sys.exit(1)
    workers = ", ".join(f"{p.queue.name} -> {p.function.name}" for p in platform.pollers)
    restored = ", ".join(f"{v} {k}" for k, v in platform.restored.items()) or "nothing (fresh state)"
    print(
        f"Haven is running locally.\n"
        f"  API:          {platform.api_url}   (try: curl {platform.api_url}/health)\n"
        f"  embedded AWS: {platform.aws_endpoint}\n"
        f"  state:        {environment.state_dir()} (restored {restored})\n"
        f"  workers:      {workers or 'none'}\n"
        "  a token:      make token ROLE=responder\n"
        "                (roles: responder auditor admin recruiter partner)\n"
        f"Ctrl-C stops everything.",
        flush=True,
    )
    while not signals:
        time.sleep(0.2)
    print("stopping: saving state...", flush=True)
    platform.stop()
    print("stopped.", flush=True)
