from django.contrib import admin

from .models import HomeCareArea, LegalBasis, LifeArea, RelatedFactor, ServiceType

# No admin page shows citizen data: access to a protected citizen's name is granted on the
# app's own page (assessments:citizen_grants) by the team's manager, and logged.


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "has_minutes", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # Applied services refer to catalogue entries; retire one by unticking "active".
        return False


@admin.register(LifeArea)
class LifeAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "icf_code", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]

    def has_delete_permission(self, request, obj=None):
        # Needs and goals refer to life areas; retire one by unticking "active".
        return False


@admin.register(RelatedFactor)
class RelatedFactorAdmin(admin.ModelAdmin):
    list_display = ["name", "icf_code", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    prepopulated_fields = {"code": ["name"]}

    def has_delete_permission(self, request, obj=None):
        # Joint visits refer to related factors; retire one by unticking "active".
        return False


@admin.register(HomeCareArea)
class HomeCareAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "active"]
    list_filter = ["team", "active"]
    list_editable = ["active"]
    list_select_related = ["team"]

    def has_delete_permission(self, request, obj=None):
        # Citizens refer to their home-care area; retire one by unticking "active".
        return False


@admin.register(LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active", "sort_order"]
    list_editable = ["active", "sort_order"]

    def has_delete_permission(self, request, obj=None):
        # Decisions refer to their legal basis; retire one by unticking "active".
        return False
