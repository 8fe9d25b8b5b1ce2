"""Choosing who uses the program at start (and on File › Switch user)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from cpe_desktop.clock import Clock
from cpe_desktop.services import users
from cpe_desktop.services.context import Actor, ServiceContext

if TYPE_CHECKING:  # imported when one is shown: one person without a password sees neither
    # (nor is QDialog's class made: PySide6 makes a class, with its enum types, when its name is
    # first imported)
    from cpe_desktop.ui.dialogs.sign_in import SignInDialog
    from cpe_desktop.ui.dialogs.welcome import WelcomeDialog

LAST_USER_KEY = "session/last_user_email"


def choose_user(
    clock: Clock, parent: QWidget | None = None, *, switching: bool = False
) -> users.User | None:
    """The person who will use the program, or None if they cancelled.

    No account yet: the welcome dialog creates one. Any password set: sign in. Several people
    without passwords: a picker remembering the last one. One person without a password: them.
    """
    settings = QSettings()
    nobody = ServiceContext(Actor(user_id=None, role="member", name="sign-in"), clock)
    if not users.has_users():
        from PySide6.QtWidgets import QDialog

        from cpe_desktop.ui.dialogs.welcome import WelcomeDialog

        dialog: WelcomeDialog | SignInDialog = WelcomeDialog(nobody, parent)
        user = dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None
    else:
        only = users.sole_active_user()
        if only is not None and not users.any_password() and not switching:
            user = only
            users.authenticate(nobody, user.email, None)
        else:
            from PySide6.QtWidgets import QDialog

            from cpe_desktop.ui.dialogs.sign_in import SignInDialog

            dialog = SignInDialog(
                nobody,
                last_email=cast("str | None", settings.value(LAST_USER_KEY, None)),
                ask_password=users.any_password(),
                parent=parent,
            )
            user = dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None
    if user is not None:
        settings.setValue(LAST_USER_KEY, user.email)
    return user


def context_for(user: users.User, clock: Clock) -> ServiceContext:
    return ServiceContext(Actor.for_user(user), clock)
