import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Application


class WorkQueueFilter(django_filters.FilterSet):
    SCOPE_CHOICES = [("mine", _("My applications")), ("team", _("My team's applications"))]

    scope = django_filters.ChoiceFilter(
        label=_("Show"), choices=SCOPE_CHOICES, method="filter_scope", empty_label=None
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Application.Status.choices, empty_label=_("All open")
    )
    to_book = django_filters.BooleanFilter(
        label=_("Visits to book"), method="filter_to_book", widget=forms.CheckboxInput
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )
    to_review = django_filters.BooleanFilter(
        label=_("Decisions to review"), method="filter_to_review", widget=forms.CheckboxInput
    )
    q = django_filters.CharFilter(label=_("Name"), method="filter_name")

    class Meta:
        model = Application
        fields = ["scope", "status", "to_book", "overdue", "to_review", "q"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("scope", "mine")
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=Application.Status.CLOSED)
        return super().filter_queryset(queryset)

    def filter_scope(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(case_officer=self.request.user)
        return queryset

    def filter_to_book(self, queryset, name, value):
        return queryset.filter(status=Application.Status.RECEIVED) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue=True) if value else queryset

    def filter_to_review(self, queryset, name, value):
        return queryset.filter(selectors.decision_review_condition()) if value else queryset

    def filter_name(self, queryset, name, value):
        # Protected citizens are found by name only by users granted to see the name.
        visible = Q(citizen__protected_identity=False) | Q(name_granted=True)
        for word in value.split():
            queryset = queryset.filter(
                Q(citizen__first_name__icontains=word) | Q(citizen__last_name__icontains=word)
            )
        return queryset.filter(visible)
