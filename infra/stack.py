"""The ``Haven-<stage>`` stack: every resource of one deployment, composed from the constructs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from haven import resources
from infra.constructs.api import Api
from infra.constructs.data import Data
from infra.constructs.firewall import Firewall
from infra.constructs.functions import Functions
from infra.constructs.identity import Identity
from infra.constructs.messaging import Messaging
from infra.constructs.monitoring import Monitoring
from infra.constructs.web import Web
from infra.routes import RouteTable, strictly_throttled
from infra.settings import context_settings
from infra.stage import StageConfig

#: The function API Gateway invokes (the Chalice app).
API_FUNCTION = "api"


class HavenStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        source_root: Path,
        layer_dirs: Mapping[str, Path],
        routes: RouteTable,
        alarm_email: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description=f"Haven ({stage.name}): crisis reporting, recruitment integrity and "
            "displacement evidence",
            termination_protection=stage.protect_data,
            **kwargs,
        )
        Tags.of(self).add("project", "haven")
        Tags.of(self).add("stage", stage.name)

        self.data = Data(self, "Data", stage=stage, models=resources.table_models())
        self.messaging = Messaging(self, "Messaging", stage=stage, buckets=self.data.buckets)
        self.identity = Identity(self, "Identity", stage=stage)
        self.functions = Functions(
            self,
            "Functions",
            stage=stage,
            source_root=source_root,
            layer_dirs=layer_dirs,
            data=self.data,
            messaging=self.messaging,
            identity=self.identity,
        )
        self.messaging.add_schedules(self.functions.functions)
        self.api = Api(
            self,
            "Api",
            stage=stage,
            handler=self.functions.functions[API_FUNCTION],
            routes=routes,
            strictly_throttled=strictly_throttled(source_root / "docs" / "openapi.json", routes),
        )
        tile_style_url = self.node.try_get_context("tile_style_url")
        self.web = Web(
            self,
            "Web",
            stage=stage,
            web_root=source_root / "build" / "web",
            rest_api=self.api.rest_api,
            identity=self.identity,
            access_logs=self.data.access_logs,
            tile_style_url=str(tile_style_url) if tile_style_url else None,
        )
        # Links in messages and CAP point where people reach the API: a custom domain when the
        # context names one (public_url), else the API's own stage URL.
        self.functions.add_settings(
            {
                "HAVEN_PUBLIC_URL": self.api.public_url,
                "HAVEN_AUTH_CONSOLE_AUDIENCE": self.identity.console_client_id,
                **context_settings(self.node.get_all_context()),
            }
        )
        self.functions.check_settings()
        self.firewall = Firewall(self, "Firewall", stage=stage, rest_api=self.api.rest_api, routes=routes)
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            stage=stage,
            dead_letter_queues=self.messaging.dead_letter_queues,
            functions=self.functions.functions,
            rest_api=self.api.rest_api,
            alarm_email=alarm_email,
        )

        CfnOutput(self, "ApiUrl", value=self.api.url)
        CfnOutput(self, "UserPoolId", value=self.identity.user_pool.user_pool_id)
        CfnOutput(self, "AppClientId", value=self.identity.audience)
        CfnOutput(self, "AuthIssuer", value=self.identity.issuer)
        CfnOutput(self, "ConsoleUrl", value=self.web.console_url)
        CfnOutput(self, "ConsoleClientId", value=self.identity.console_client_id)
        CfnOutput(self, "EventBusName", value=self.messaging.bus.event_bus_name)
        CfnOutput(self, "AlarmTopicArn", value=self.monitoring.topic.topic_arn)
