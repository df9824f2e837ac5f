from django.contrib import admin

from .models import LegalBasis, LifeArea, ProtectedIdentityGrant, ServiceType


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "has_minutes", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # Applied services refer to catalogue entries; retire one by unticking "active".
        return False


@admin.register(ProtectedIdentityGrant)
class ProtectedIdentityGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "citizen_ref", "granted_by", "granted_at", "reason"]
    list_select_related = ["user", "granted_by", "citizen"]
    raw_id_fields = ["citizen", "user"]
    exclude = ["granted_by"]

    @admin.display(description="citizen")
    def citizen_ref(self, obj):
        return obj.citizen.public_id

    def save_model(self, request, obj, form, change):
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(LifeArea)
class LifeAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]

    def has_delete_permission(self, request, obj=None):
        # Needs and goals refer to life areas; retire one by unticking "active".
        return False


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]

    def has_delete_permission(self, request, obj=None):
        # Decisions refer to their legal basis; retire one by unticking "active".
        return False
