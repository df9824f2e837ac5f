"""The questionnaires in the admin. A question and its answer options are edited on the
question's page; saving a question of a questionnaire that a study uses makes a new version
of the whole questionnaire (``services.question_revise``) instead of changing the one the
study answered, and says so."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from . import services
from .models import AnswerOption, Question, Questionnaire


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["sort_order", "key", "text", "kind", "life_area"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "respondent", "version", "created_at"]
    list_filter = ["respondent"]
    readonly_fields = ["respondent", "version"]
    inlines = [QuestionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnswerOptionInline(admin.TabularInline):
    model = AnswerOption
    fields = ["sort_order", "code", "label"]
    extra = 1


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "kind", "life_area", "sort_order"]
    list_filter = ["questionnaire__respondent", "questionnaire"]
    fields = ["questionnaire", "key", "text", "kind", "text_prompt", "life_area", "sort_order"]
    readonly_fields = ["questionnaire", "key"]
    inlines = [AnswerOptionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Nothing is saved here: ``save_related`` hands the question and its options to
        the service together, which decides whether a new version is needed."""

    def save_related(self, request, form, formsets, change):
        original = Question.objects.get(pk=form.instance.pk)
        options = []
        for formset in formsets:
            # Read by the admin's change message; the service saved the options.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for option_form in formset.forms:
                data = getattr(option_form, "cleaned_data", None) or {}
                if not data or data.get("DELETE") or not data.get("code"):
                    continue
                options.append(
                    services.OptionInput(
                        code=data["code"], label=data["label"], sort_order=data["sort_order"] or 0
                    )
                )
        data = form.cleaned_data
        revised = services.question_revise(
            question=original,
            text=data["text"],
            kind=data["kind"],
            text_prompt=data["text_prompt"],
            life_area=data["life_area"],
            sort_order=data["sort_order"],
            options=options,
        )
        form.instance.pk = revised.pk
        if revised.questionnaire_id != original.questionnaire_id:
            messages.info(
                request,
                _(
                    "A study uses this questionnaire, so version %(version)s was made with "
                    "the change; the studies keep the version they answered."
                )
                % {"version": revised.questionnaire.version},
            )
