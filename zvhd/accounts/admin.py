from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from zvhd.accounts.models import User
from zvhd.accounts.views import admin_login

# The admin has no login of its own: it sends to the site's login, which asks for the second factor.
# (Its own form would log in with a password alone; the session middleware would end such a session.)
admin.site.login = admin_login  # type: ignore[method-assign]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "organisation", "is_active", "is_staff"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role in the house"), {"fields": ("role", "organisation", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role in the house"), {"fields": ("first_name", "last_name", "email", "role", "organisation")}),
    )
