"""The overview page: every capability at a glance."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..conf import features
from ..flows import mfa, reads, social, tenant_wide
from ..flows import sessions as sessions_flow
from ..parallel_reads import concurrently
from .base import AccountView


class OverviewView(AccountView):
    """Everything at a glance; the Logto reads are made side by side, so a slow Logto costs one
    round trip (user, MFA factors, the user's MFA switch, token and session counts, the user's
    organizations)."""

    page_title = _("Your account")
    nav_current = "overview"
    section_page = "account_center/overview.html"
    management_reads = tenant_wide.OVERVIEW_MANAGEMENT_READS

    def get(self, request: HttpRequest) -> HttpResponse:
        sections = features.shown_sections()
        # Logto's failures go to the one error path (AccountView.dispatch).
        mfa_shown = "mfa" in sections
        account, factors, configs, token_count, session_count, organizations = concurrently(
            (lambda: reads.account(self.sub, with_sso_identities=True),),
            # Two-step Off: its card is not shown, so neither is read.
            (reads.mfa_factors, self.sub) if mfa_shown else (list,),
            (self.or_none, reads.mfa_configs, self.sub) if mfa_shown else (_none,),
            (self.or_none, reads.token_count, self.sub) if "tokens" in sections else (_none,),
            (self.or_none, sessions_flow.count, self.sub) if "sessions" in sections else (_none,),
            # Read-only: membership is the organization admin's (no page of its own).
            (self.or_none, reads.organizations, self.sub)
            if features.shown("organizations")
            else (_none,),
        )
        two_step = mfa.Factors.of(factors)
        settings = mfa.Settings.from_configs(configs or {})
        linked = []
        if "social" in sections and account.identities:
            # The providers' names: a read only for users with a linked account, kept a while
            # for every user (social_connectors); without it the connector's id is shown.
            connectors = self.or_none(social.social_connectors) or []
            linked = social.linked_accounts(account, connectors, translation.get_language())
        return self.show(
            account=account,
            factors=factors,
            two_step=two_step,
            # On: a second factor exists and the user did not switch it off.
            two_step_on=two_step.has_other_than_backup_codes and settings.mfa_enabled is not False,
            token_count=token_count,
            session_count=session_count,
            organizations=organizations,
            organizations_shown=features.shown("organizations"),
            linked=linked,
            sections=sections,
        )


def _none() -> None:
    return None
