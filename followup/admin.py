from django.contrib import admin

from .models import FollowUpInterval, SavingsParameters, Tariff, TariffLevel


@admin.register(FollowUpInterval)
class FollowUpIntervalAdmin(admin.ModelAdmin):
    list_display = ["track", "months"]
    list_filter = ["track"]


@admin.register(SavingsParameters)
class SavingsParametersAdmin(admin.ModelAdmin):
    list_display = [
        "valid_from",
        "valid_to",
        "hourly_cost",
        "weeks_per_month",
        "therapist_hourly_cost",
    ]


class TariffLevelInline(admin.TabularInline):
    model = TariffLevel
    extra = 1


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "valid_to"]
    inlines = [TariffLevelInline]
