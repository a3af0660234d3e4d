"""Deployment settings: the CDK context a deployment may set, and the function settings they are.

``npx cdk deploy -c public_url=https://haven.example.org -c admin_notice_email=ops@example.org``
sets ``HAVEN_PUBLIC_URL`` and ``HAVEN_ADMIN_NOTICE_EMAIL`` on every function. A setting not
given keeps the default of ``haven.config.Settings`` (the README's configuration table), except
``public_url``, which defaults to the API's own URL. (``email_from`` is set by the functions
construct on the functions that send e-mail only; a ``prod`` stage must give it.) Every
function's resulting environment is validated against ``Settings`` at synth time, so a bad
value fails ``cdk synth``, not a cold start in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Token
from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from haven.config import Settings

#: context key → environment variable of every function.
CONTEXT_SETTINGS: dict[str, str] = {
    "public_url": "HAVEN_PUBLIC_URL",
    "admin_notice_email": "HAVEN_ADMIN_NOTICE_EMAIL",
    "cap_sender": "HAVEN_CAP_SENDER",
    "pfif_domain": "HAVEN_PFIF_DOMAIN",
    "referral_sla_days": "HAVEN_REFERRAL_SLA_DAYS",
    "report_retention_days": "HAVEN_REPORT_RETENTION_DAYS",
    "safety_retention_days": "HAVEN_SAFETY_RETENTION_DAYS",
    "responder_alert_min_severity": "HAVEN_RESPONDER_ALERT_MIN_SEVERITY",
    "sms_origination_identity": "HAVEN_SMS_ORIGINATION_IDENTITY",
    "sms_configuration_set": "HAVEN_SMS_CONFIGURATION_SET",
    "whatsapp_phone_number_id": "HAVEN_WHATSAPP_PHONE_NUMBER_ID",
}

#: What an unresolved token (an ARN, a URL CloudFormation builds) stands for while checking.
_TOKEN_STAND_INS = {"HAVEN_PUBLIC_URL": "https://api.example.invalid/dev"}
_UNRESOLVED = "resolved-by-cloudformation"


class _OnlyThisEnvironment(Settings):
    """``Settings`` from the given values alone, never the synth process's own environment."""

    @classmethod
    def settings_customise_sources(  # type: ignore[override]
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource, **_: object
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def context_settings(context: Mapping[str, object]) -> dict[str, str]:
    """The environment the deployment's context sets (only the keys it gives)."""
    return {env: str(context[key]) for key, env in CONTEXT_SETTINGS.items() if context.get(key) is not None}


def check(function: str, environment: Mapping[str, str]) -> None:
    """Validate ``environment`` as the function's cold start will; raise naming what is wrong."""
    fields = {}
    for name, value in environment.items():
        if not name.startswith("HAVEN_"):
            continue
        field = name.removeprefix("HAVEN_").lower()
        if field not in Settings.model_fields:
            continue
        if Token.is_unresolved(value):
            value = _TOKEN_STAND_INS.get(name, _UNRESOLVED)
        fields[field] = value
    try:
        _OnlyThisEnvironment(**fields)
    except ValidationError as error:
        problems = "; ".join(f"{_where(e['loc'])}{e['msg']}" for e in error.errors())
        raise ValueError(f"function {function}: its environment fails haven.config: {problems}") from None


def _where(location: tuple[int | str, ...]) -> str:
    return "".join(f"HAVEN_{str(part).upper()}: " for part in location)
