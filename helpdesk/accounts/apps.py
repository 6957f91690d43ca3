from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "helpdesk.accounts"
    label = "accounts"
    verbose_name = _("People and departments")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from helpdesk.middleware import stamp_new_session

        user_logged_in.connect(stamp_new_session, dispatch_uid="stamp_new_session")
