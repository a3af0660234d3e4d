"""The web apps in AWS: one CloudFront origin for the console and the API (ADR 30).

- The Vite build (``build/web/``) in a private S3 bucket, read by CloudFront through origin
  access control only; hashed ``assets/`` cached for a year, the pages and ``config.json``
  revalidated on every visit. ``/console/<anything without a dot>`` is the console's page (its
  screens are hash routes; a deep link still lands on it).
- ``/v1/*`` and ``/health`` go to the API Gateway stage: every method, no caching, every viewer
  header but Host (so ``Authorization``), every query string. The browser never needs CORS.
- The pages' security headers are ``haven.web_policy``'s, the ones local mode sends, plus HSTS
  and the origins the page must reach (Cognito's token endpoint, the map's tiles).
- ``console/config.json`` is written beside the apps at deploy time: sign-in mode, the hosted
  UI's domain, the console's client id and the map style URL.
- Map tiles: an Amazon Location Service map and an API key usable only from the distribution's
  origin, unless the context names a style URL (``tile_style_url``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from aws_cdk import Annotations, Aws, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_location as location
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import custom_resources as cr
from constructs import Construct

from haven import web_policy
from infra.constructs.identity import Identity
from infra.nag import acknowledge
from infra.stage import StageConfig

#: Paths CloudFront sends to API Gateway; everything else is a file of the bucket.
API_PATHS = ("/v1/*", "/health")
#: The public app's page at the root; the console's page for every path under /console/ that
#: is not a file (no dot in its last part).
CONSOLE_FALLBACK = """function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/") {
    request.uri = "/index.html";
    return request;
  }
  if (uri === "/console") {
    return { statusCode: 308, statusDescription: "Permanent Redirect",
             headers: { location: { value: "/console/" } } };
  }
  if (uri.indexOf("/console/") === 0 && uri.split("/").pop().indexOf(".") === -1) {
    request.uri = "/console/index.html";
  }
  return request;
}
"""
#: The public app's files at the bucket's root, revalidated on every visit (a new service
#: worker is found at once).
PUBLIC_ROOT_FILES = web_policy.PUBLIC_ROOT_FILES
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
#: Amazon Location's map style (Esri's vector navigation basemap).
MAP_STYLE = "VectorEsriNavigation"
BASIC_EXECUTION = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


class Web(Construct):
    """The distribution, its bucket, the console's configuration and its map."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        web_root: Path,
        rest_api: apigateway.RestApi,
        identity: Identity,
        access_logs: s3.IBucket,
        tile_style_url: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        region = Stack.of(self).region
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="web/",
            # Versioned like every bucket; an old build is kept a week (a rollback is a copy back).
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-old-builds", noncurrent_version_expiration=Duration.days(7))
            ],
            # The bucket holds only the build, which a deploy writes again.
            removal_policy=RemovalPolicy.DESTROY,
        )

        # The map's origin joins the policy; a style URL given by context is used as it is.
        maps_origin = f"https://maps.geo.{region}.{Aws.URL_SUFFIX}"
        if tile_style_url:
            parts = urlsplit(tile_style_url)
            if parts.scheme != "https" or not parts.netloc:
                raise ValueError(f"tile_style_url must be an https URL, not {tile_style_url!r}")
            maps_origin = f"https://{parts.netloc}"
        # The hosted UI's domain: unique per region, so the account is part of it.
        domain_prefix = f"{stage.prefix}-{Aws.ACCOUNT_ID}"
        auth_origin = f"https://{domain_prefix}.auth.{region}.amazoncognito.com"

        # The public app posts report photos to S3 with the presigned POSTs the API answers.
        upload_origins = (f"https://*.s3.{region}.{Aws.URL_SUFFIX}", f"https://*.s3.{Aws.URL_SUFFIX}")
        headers = web_policy.security_headers(
            connect=(auth_origin, maps_origin, *upload_origins), images=(maps_origin,)
        )
        self.headers_policy = cloudfront.ResponseHeadersPolicy(
            self,
            "Headers",
            comment="Haven web apps: the headers of haven.web_policy, and HSTS",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=headers["Content-Security-Policy"], override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.seconds(web_policy.HSTS_MAX_AGE_SECONDS),
                    include_subdomains=True,
                    override=True,
                ),
            ),
            custom_headers_behavior=cloudfront.ResponseCustomHeadersBehavior(
                custom_headers=[
                    cloudfront.ResponseCustomHeader(header=name, value=headers[name], override=True)
                    for name in (
                        "Cross-Origin-Opener-Policy",
                        "Cross-Origin-Resource-Policy",
                        "Permissions-Policy",
                    )
                ]
            ),
        )
        fallback = cloudfront.Function(
            self,
            "ConsoleFallback",
            code=cloudfront.FunctionCode.from_inline(CONSOLE_FALLBACK),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="The public app's page at /; the console's page for its deep links",
        )
        # The API by its execute-api name and stage path, not its stage URL: the distribution
        # then waits for the REST API only, and the functions may name the console's client,
        # whose callback URL is the distribution's (no dependency cycle).
        api_origin = origins.HttpOrigin(
            f"{rest_api.rest_api_id}.execute-api.{region}.{Aws.URL_SUFFIX}",
            origin_path=f"/{stage.name}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
        )
        api_behaviour = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=self.headers_policy,
            compress=True,
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Haven {stage.name}: the web apps and the API on one origin",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=self.headers_policy,
                compress=True,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=fallback, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors={path: api_behaviour for path in API_PATHS},
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            price_class=cloudfront.PriceClass.PRICE_CLASS_ALL,
        )
        self.origin = f"https://{self.distribution.distribution_domain_name}"
        self.console_url = f"{self.origin}/console/"
        self.public_url = f"{self.origin}/"

        identity.add_console(callback_url=self.console_url, domain_prefix=domain_prefix)
        self.tile_style_url = tile_style_url or self._location_map(stage)
        self.config = {
            "signIn": "hosted",
            "authDomain": identity.domain_url,
            "clientId": identity.console_client_id,
            "tileStyleUrl": self.tile_style_url,
        }
        self._deploy(web_root)
        self._suppress_findings()

    def _location_map(self, stage: StageConfig) -> str:
        """An Amazon Location map and an API key for its tiles from the distribution only."""
        self.map = location.CfnMap(
            self,
            "Map",
            map_name=f"{stage.prefix}-map",
            configuration=location.CfnMap.MapConfigurationProperty(style=MAP_STYLE),
            description="The console's basemap",
        )
        self.map_key = location.CfnAPIKey(
            self,
            "MapKey",
            key_name=f"{stage.prefix}-console-map",
            description="The console's map tiles, from the CloudFront origin only",
            no_expiry=True,
            restrictions=location.CfnAPIKey.ApiKeyRestrictionsProperty(
                allow_actions=["geo:GetMap*"],
                allow_resources=[self.map.attr_arn],
                allow_referers=[f"{self.origin}/*"],
            ),
        )
        # CloudFormation does not return a key's value: read it once it exists.
        describe = cr.AwsCustomResource(
            self,
            "MapKeyValue",
            on_update=cr.AwsSdkCall(
                service="Location",
                action="describeKey",
                parameters={"KeyName": self.map_key.key_name},
                physical_resource_id=cr.PhysicalResourceId.of(self.map_key.key_name),
                output_paths=["Key"],
            ),
            # The key's ARN as a name, not a reference: the policy only needs to name it.
            policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
                resources=[
                    Stack.of(self).format_arn(
                        service="geo", resource="api-key", resource_name=self.map_key.key_name
                    )
                ]
            ),
            install_latest_aws_sdk=False,
        )
        describe.node.add_dependency(self.map_key)
        self._key_reader = describe
        key = describe.get_response_field("Key")
        region = Stack.of(self).region
        return (
            f"https://maps.geo.{region}.{Aws.URL_SUFFIX}/maps/v0/maps/{self.map.map_name}"
            f"/style-descriptor?key={key}"
        )

    def _deploy(self, web_root: Path) -> None:
        config = s3deploy.Source.json_data("config.json", self.config)
        if (web_root / "console" / "index.html").is_file():
            s3deploy.BucketDeployment(
                self,
                "Assets",
                destination_bucket=self.bucket,
                destination_key_prefix="assets/",
                sources=[s3deploy.Source.asset(str(web_root / "assets"))],
                cache_control=[s3deploy.CacheControl.from_string(IMMUTABLE)],
                # Pages still cached by a browser name the previous build's assets.
                prune=False,
            )
            pages = [s3deploy.Source.asset(str(web_root / "console")), config]
            # The public app at the root: its page, service worker, manifest and icons only
            # (never pruning: console/ and assets/ live beside them).
            s3deploy.BucketDeployment(
                self,
                "PublicApp",
                destination_bucket=self.bucket,
                sources=[
                    s3deploy.Source.asset(
                        str(web_root),
                        exclude=["*", *(f"!{name}" for name in PUBLIC_ROOT_FILES)],
                    )
                ],
                cache_control=[s3deploy.CacheControl.from_string(REVALIDATE)],
                prune=False,
                distribution=self.distribution,
                distribution_paths=["/", *(f"/{name}" for name in PUBLIC_ROOT_FILES)],
            )
        else:
            Annotations.of(self).add_warning_v2(
                "haven:web-not-built",
                f"{web_root} has no build: only config.json is deployed (cd web && npx vite build)",
            )
            pages = [config]
        s3deploy.BucketDeployment(
            self,
            "Pages",
            destination_bucket=self.bucket,
            destination_key_prefix="console/",
            sources=pages,
            cache_control=[s3deploy.CacheControl.from_string(REVALIDATE)],
            distribution=self.distribution,
            distribution_paths=["/console/*"],
        )

    @staticmethod
    def _asset_bucket_for_a_known_environment(stack: Stack) -> list[str]:
        """The asset bucket's grant as cdk-nag writes it when the CLI synthesizes for a known
        account and region (the deploy test does)."""
        if Token.is_unresolved(stack.account) or Token.is_unresolved(stack.region):
            return []
        return [f"Resource::arn:aws:s3:::cdk-hnb659fds-assets-{stack.account}-{stack.region}/*"]

    def _suppress_findings(self) -> None:
        stack = Stack.of(self)
        # CDK's own provider functions, one per stack: the deployment copying the build into the
        # bucket, and the call reading the map key's value.
        deployer = next(
            (c for c in stack.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")), None
        )
        if deployer is not None:
            acknowledge(
                deployer,
                "AwsSolutions-IAM4",
                "CDK's bucket deployment function logs through the basic execution role; it runs "
                "only during deploys.",
                findings=[BASIC_EXECUTION],
            )
            acknowledge(
                deployer,
                "AwsSolutions-IAM5",
                "The grants CDK gives its bucket deployment: read the asset bucket's objects, write "
                "and prune the web bucket's, invalidate the distribution.",
                findings=[
                    "Action::s3:GetBucket*",
                    "Action::s3:GetObject*",
                    "Action::s3:List*",
                    "Action::s3:Abort*",
                    "Action::s3:DeleteObject*",
                    "Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*",
                    f"Resource::<{stack.get_logical_id(self.bucket.node.default_child)}.Arn>/*",  # type: ignore[arg-type]
                    "Resource::*",
                    *self._asset_bucket_for_a_known_environment(stack),
                ],
            )
            acknowledge(
                deployer,
                "AwsSolutions-L1",
                "The runtime of CDK's bucket deployment function is chosen by aws-cdk-lib, "
                "which updates it; it runs only during deploys.",
            )
        if hasattr(self, "_key_reader"):
            reader = stack.node.try_find_child(
                "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")
            )
            acknowledge(
                reader or self._key_reader,
                "AwsSolutions-IAM4",
                "CDK's SDK-call function logs through the basic execution role; it only reads "
                "the map key once per deploy.",
                findings=[BASIC_EXECUTION],
            )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR1",
            "A crisis platform is reached from wherever people are; no country is blocked.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR2",
            "The API behind it has its regional web ACL (infra/constructs/firewall.py); the "
            "static files need none, and a CloudFront ACL would live in us-east-1 only.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR3",
            "CloudFront access logs hold viewers' addresses and query strings (personal data); "
            "the API's own access logs, without them, record every API request.",
        )
        acknowledge(
            self.distribution,
            "AwsSolutions-CFR4",
            "The distribution uses CloudFront's default certificate (no custom domain yet), "
            "whose policy CloudFront fixes; viewers are redirected to HTTPS.",
        )
