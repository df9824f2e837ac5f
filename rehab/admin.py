from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ClaimMapping, SignInEvent, Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "team", "is_active"]
    list_filter = ["team", "groups", "is_active"]
    list_select_related = ["team"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ["team", "title"]}),
        (_("Single sign-on"), {"fields": ["sso_subject"]}),
    )
    readonly_fields = ["sso_subject"]


@admin.register(ClaimMapping)
class ClaimMappingAdmin(admin.ModelAdmin):
    """Which role and team each group of the identity provider gives (rehab/sso.py)."""

    list_display = ["value", "role", "team"]
    list_filter = ["role", "team"]
    list_select_related = ["team"]
    search_fields = ["value"]


@admin.register(SignInEvent)
class SignInEventAdmin(admin.ModelAdmin):
    """The single sign-on events, read only: the table is append-only."""

    list_display = ["at", "event", "user", "name", "subject", "detail", "ip_address"]
    list_filter = ["event"]
    list_select_related = ["user"]
    search_fields = ["subject", "name"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
