"""The deploy test's fixture: synthesize as ``make deploy`` does, deploy into an embedded AWS."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.deploy import deployer
from tests.deploy.embedded_aws import enforce_iam

#: Not moto's default account nor a region any other test uses: every ARN the stack builds must
#: come from what the CDK CLI handed the app.
ACCOUNT = "210987654321"
REGION = "eu-central-1"
STAGE = "dev"
STACK = f"Haven-{STAGE}"
RUNTIME = Path(__file__).with_name("lambda_runtime.py")
REPO_ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def synthesize(outdir: Path) -> subprocess.CompletedProcess[str]:
    """``npx cdk synth`` from the repository root as ``make deploy`` runs the CLI: its own CDK
    CLI (package-lock.json), with no virtualenv on PATH and no PYTHONPATH (cdk.json's app must
    find both itself), and the account and region the CLI hands the app."""
    venv_bin = str(REPO_ROOT / ".venv" / "bin")
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "HAVEN_", "CDK_", "PYTHON", "VIRTUAL_ENV"))
    }
    environment.update(
        PATH=path,
        CDK_DEFAULT_ACCOUNT=ACCOUNT,
        CDK_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
    )
    return subprocess.run(
        [
            "npx",
            "--no-install",
            "cdk",
            "synth",
            "--quiet",
            "--context",
            f"stage={STAGE}",
            "--output",
            str(outdir),
        ],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@dataclass
class Deployed:
    endpoint: str
    deployment: deployer.Deployment
    admin: Callable[[str], Any]
    workdir: Path
    #: Each deployed function's configuration and async-invocation settings, as Lambda holds
    #: them. Read before IAM is enforced: moto cannot verify signatures of Lambda's REST API.
    functions: dict[str, dict[str, Any]]
    invoke_configs: dict[str, dict[str, Any]]

    def function(self, name: str) -> dict[str, Any]:
        return self.functions[f"haven-{STAGE}-{name}"]

    def _code(self, logical_id: str, folder: Path) -> Path:
        if not folder.is_dir():
            properties = self.deployment.template["Resources"][logical_id]["Properties"]
            code = properties.get("Code") or properties["Content"]
            bucket = code["S3Bucket"]
            if isinstance(bucket, dict):  # an environment-agnostic stack names it with Fn::Sub
                bucket = (
                    bucket["Fn::Sub"].replace("${AWS::AccountId}", ACCOUNT).replace("${AWS::Region}", REGION)
                )
            body = self.admin("s3").get_object(Bucket=bucket, Key=code["S3Key"])["Body"].read()
            archive = folder.with_suffix(".zip")
            archive.parent.mkdir(parents=True, exist_ok=True)
            archive.write_bytes(body)
            with zipfile.ZipFile(archive) as unzipped:
                unzipped.extractall(folder)
        return folder

    def invoke(self, name: str, event: dict[str, Any], *, role_arn: str | None = None) -> dict[str, Any]:
        """Run the deployed function's code on ``event`` as Lambda would: its environment, its
        role's credentials (every AWS call is authorised against that role's policies), its code
        and haven layer as published. The arm64 dependency layer cannot load on this machine,
        so its packages come from the virtualenv (the same pins: requirements/constraints.txt)."""
        configuration = self.function(name)
        function_id = self._logical_id("AWS::Lambda::Function", configuration["FunctionName"], "FunctionName")
        code = self._code(function_id, self.workdir / "functions" / name)
        haven_layer = self._code(self._haven_layer_id(), self.workdir / "layers" / "haven") / "python"
        credentials = self.admin("sts").assume_role(
            RoleArn=role_arn or configuration["Role"], RoleSessionName=configuration["FunctionName"]
        )["Credentials"]
        environment = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.workdir),
            "PYTHONPATH": os.pathsep.join([str(code), str(haven_layer)]),
            "PYTHONDONTWRITEBYTECODE": "1",
            **configuration["Environment"]["Variables"],
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": configuration["FunctionName"],
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(configuration["MemorySize"]),
            "HAVEN_TEST_FUNCTION_ARN": configuration["FunctionArn"],
            "HAVEN_TEST_FUNCTION_TIMEOUT": str(configuration["Timeout"]),
            # No X-Ray daemon here (Lambda runs one beside every function).
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        result = subprocess.run(
            [sys.executable, str(RUNTIME)],
            input=json.dumps({"handler": configuration["Handler"], "event": event}),
            cwd=code,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        lines = result.stdout.strip().splitlines()
        answer: dict[str, Any] = json.loads(lines[-1]) if lines else {"error": "no output"}
        answer["log"] = result.stdout + result.stderr
        if "result" in answer:
            assert answer["haven"].startswith(str(haven_layer)), "haven must come from the published layer"
        return answer

    def _logical_id(self, resource_type: str, physical_name: str, key: str) -> str:
        for logical_id, resource in self.deployment.resources_of_type(resource_type).items():
            if resource["Properties"].get(key) == physical_name:
                return logical_id
        raise KeyError(physical_name)

    def _haven_layer_id(self) -> str:
        return self._logical_id("AWS::Lambda::LayerVersion", f"haven-{STAGE}-haven", "LayerName")


def _admin_user(endpoint: str) -> Callable[[str], Any]:
    """An administrator of the embedded account, as the deployer's credentials would be."""
    bootstrap = deployer.admin_client(endpoint, REGION)
    iam = bootstrap("iam")
    iam.create_user(UserName="deployer")
    iam.put_user_policy(
        UserName="deployer",
        PolicyName="administrator",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
    )
    key = iam.create_access_key(UserName="deployer")["AccessKey"]
    session = boto3.Session(
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], region_name=REGION
    )
    return lambda service: session.client(service, endpoint_url=endpoint)


@pytest.fixture(scope="session")
def synthesized_by_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("cdk-cli.out")
    result = synthesize(outdir)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-8000:]
    return outdir


@pytest.fixture(scope="session")
def deployed(synthesized_by_cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    workdir = tmp_path_factory.mktemp("deployed")
    port = _free_port()
    log = (workdir / "embedded-aws.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.deploy.embedded_aws", str(port)],
        cwd=REPO_ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT")},
            "MOTO_ACCOUNT_ID": ACCOUNT,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the embedded AWS did not start") from None
                time.sleep(0.1)
        admin = _admin_user(endpoint)
        deployment = deployer.deploy(synthesized_by_cli, STACK, client=admin, account=ACCOUNT, region=REGION)
        lambda_ = admin("lambda")
        functions = {f["FunctionName"]: f for f in lambda_.list_functions()["Functions"]}
        invoke_configs = {
            name: config
            for name in functions
            for config in lambda_.list_function_event_invoke_configs(FunctionName=name)[
                "FunctionEventInvokeConfigs"
            ]
        }
        enforce_iam(endpoint)
        yield Deployed(
            endpoint=endpoint,
            deployment=deployment,
            admin=admin,
            workdir=workdir,
            functions=functions,
            invoke_configs=invoke_configs,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(workdir / "functions", ignore_errors=True)
