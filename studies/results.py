"""A study's results as tables, shared by the results page and its CSV and XLSX downloads.

Per questionnaire the sample, the responses, the non-responses by reason and the response
rate (answered ÷ sampled: a non-response and a questionnaire not yet answered both count
against it); per question the answers per option; per IBIC life area; per case officer and
per home-care area. Every figure is one aggregate query, whatever the size of the sample,
and every count of people follows the small-cell rule ("<5"); free-text answers are not
shown, since a manager sees no case records.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup import suppression
from followup.indicators import small_cell

from .models import Answer, NonResponseReason, Question, Respondent, Response, SampledCase, Study


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def counted(counts: list[int], total: int) -> tuple[list[str], str]:
    """The parts of a total for display under the small-cell rule with complementary
    suppression (``followup.suppression``): "<5" for a small part, "–" for one hidden so
    that a small one cannot be worked out from the total; and the total."""
    hidden = suppression.one_way(counts, total=total)
    return (
        [suppression.text(n, flag) for n, flag in zip(counts, hidden.cells, strict=True)],
        suppression.text(total, hidden.total),
    )


def response_rate(answered: int, others: list[int], sampled: int) -> str:
    """Answered ÷ sampled as a percentage, hidden whenever the count of the answered is
    hidden (``others``: the sample's other parts): the rate of a shown sample would give a
    hidden count away (67 % of 6 is 4)."""
    hidden = suppression.one_way([answered, *others], total=sampled)
    return suppression.share_text(answered, sampled, hidden.cells[0] or hidden.total)


# (key, title, column, the values() paths of the group's id and name parts from a sampled
# case)
CUTS = [
    (
        "case_officer",
        gettext_lazy("Per case officer"),
        gettext_lazy("Case officer"),
        (
            "application__case_officer_id",
            "application__case_officer__first_name",
            "application__case_officer__last_name",
        ),
    ),
    (
        "home_care_area",
        gettext_lazy("Per home-care area"),
        gettext_lazy("Home-care area"),
        ("application__citizen__home_care_area_id", "application__citizen__home_care_area__name"),
    ),
]


def _group_label(values: tuple, key: str) -> str:
    if values[0] is None:
        return _("No home-care area") if key == "home_care_area" else "–"
    return " ".join(str(v) for v in values[1:] if v)


def result_tables(study: Study) -> list[Table]:
    questionnaires = {r: study.questionnaire_for(r) for r in Respondent}
    respondent_labels = {r: f"{r.label} ({q.title})" for r, q in questionnaires.items()}
    sampled = SampledCase.objects.filter(study=study).count()
    counts: dict[tuple, int] = defaultdict(int)
    for row in (
        Response.objects.filter(sampled_case__study=study)
        .values("respondent", "status", "non_response_reason")
        .annotate(n=Count("id"))
    ):
        counts[(row["respondent"], row["status"], row["non_response_reason"])] += row["n"]

    def answered(respondent):
        return counts[(respondent, Response.Status.ANSWERED, "")]

    def non_response(respondent, reason=None):
        return sum(
            n
            for (r, status, why), n in counts.items()
            if r == respondent
            and status == Response.Status.NON_RESPONSE
            and (reason is None or why == reason)
        )

    tables = []
    summary = Table(
        "summary",
        _("Sample and responses"),
        [
            _("Questionnaire"),
            _("Sampled"),
            _("Answered"),
            _("Non-responses"),
            _("Not yet answered"),
            _("Response rate"),
        ],
    )
    for respondent in Respondent:
        done, dropped = answered(respondent), non_response(respondent)
        parts, total = counted([done, dropped, sampled - done - dropped], sampled)
        rate = response_rate(done, [dropped, sampled - done - dropped], sampled)
        summary.rows.append([respondent_labels[respondent], total, *parts, rate])
    tables.append(summary)

    reasons = Table(
        "non_response",
        _("Non-responses by reason"),
        [_("Reason"), *(str(r.label) for r in Respondent)],
    )
    columns = [
        counted([non_response(r, reason) for reason in NonResponseReason], non_response(r))[0]
        for r in Respondent
    ]
    for n, reason in enumerate(NonResponseReason):
        reasons.rows.append([str(reason.label), *(column[n] for column in columns)])
    tables.append(reasons)

    questions = list(
        Question.objects.filter(questionnaire__in=questionnaires.values())
        .select_related("life_area", "questionnaire")
        .prefetch_related("options")
    )
    by_option: dict[tuple[int, int | None], int] = defaultdict(int)
    for row in (
        Answer.objects.filter(
            response__sampled_case__study=study, response__status=Response.Status.ANSWERED
        )
        .values("question_id", "option_id")
        .annotate(n=Count("id"))
    ):
        by_option[(row["question_id"], row["option_id"])] += row["n"]

    for respondent in Respondent:
        questionnaire = questionnaires[respondent]
        table = Table(
            f"questions_{respondent.value}",
            f"{questionnaire.title} ({_('version')} {questionnaire.version})",
            [_("Question"), _("Answer"), _("Number"), _("Share of those who answered")],
        )
        for question in questions:
            if question.questionnaire_id != questionnaire.pk:
                continue
            if question.kind == Question.Kind.TEXT:
                table.rows.append(
                    [
                        question.text,
                        _("Free-text answers"),
                        small_cell(by_option[(question.pk, None)]),
                        "",
                    ]
                )
                continue
            options = list(question.options.all())
            numbers = [by_option[(question.pk, o.pk)] for o in options]
            total = sum(numbers)
            hidden = suppression.one_way(numbers, total=answered(respondent)).cells
            for option, n, flag in zip(options, numbers, hidden, strict=True):
                table.rows.append(
                    [
                        question.text,
                        option.label,
                        suppression.text(n, flag),
                        suppression.share_text(n, total, flag),
                    ]
                )
        tables.append(table)

    areas = Table(
        "life_areas",
        _("Per life area"),
        [_("Life area"), _("Answer"), _("Number of answers")],
    )
    per_area: dict[tuple[str, str], int] = defaultdict(int)
    for question in questions:
        if question.life_area is None or question.kind != Question.Kind.CHOICE:
            continue
        for option in question.options.all():
            per_area[(question.life_area.name, option.label)] += by_option[(question.pk, option.pk)]
    for (area, label), n in sorted(per_area.items()):
        areas.rows.append([area, label, small_cell(n)])
    tables.append(areas)

    question_by_pk = {q.pk: q for q in questions}
    option_label = {o.pk: o.label for q in questions for o in q.options.all()}
    for key, title, column, paths in CUTS:
        tables.extend(
            _cut(
                study, key, (title, column), paths, question_by_pk, option_label, respondent_labels
            )
        )
    return tables


def _cut(study, key, names, paths, question_by_pk, option_label, respondent_labels):
    title, column = names
    groups: dict[tuple, int] = {}
    for row in SampledCase.objects.filter(study=study).values_list(*paths).annotate(n=Count("id")):
        groups[tuple(row[:-1])] = row[-1]
    responses: dict[tuple, int] = defaultdict(int)
    prefixed = [f"sampled_case__{p}" for p in paths]
    for row in (
        Response.objects.filter(sampled_case__study=study)
        .values_list(*prefixed, "respondent", "status")
        .annotate(n=Count("id"))
    ):
        *group, respondent, status, n = row
        responses[(tuple(group), respondent, status)] += n
    rates = Table(
        f"{key}_responses",
        f"{title}: {_('responses')}",
        [
            str(column),
            _("Questionnaire"),
            _("Sampled"),
            _("Answered"),
            _("Non-responses"),
            _("Response rate"),
        ],
    )
    ordered = sorted(groups, key=lambda g: _group_label(g, key))
    for group in ordered:
        for respondent in Respondent:
            done = responses[(group, respondent.value, Response.Status.ANSWERED)]
            dropped = responses[(group, respondent.value, Response.Status.NON_RESPONSE)]
            parts, total = counted([done, dropped, groups[group] - done - dropped], groups[group])
            rates.rows.append(
                [
                    _group_label(group, key),
                    respondent_labels[respondent],
                    total,
                    *parts[:2],
                    response_rate(done, [dropped, groups[group] - done - dropped], groups[group]),
                ]
            )
    answers = Table(
        f"{key}_answers",
        f"{title}: {_('answers')}",
        [str(column), _("Question"), _("Answer"), _("Number")],
    )
    cells: dict[tuple, int] = defaultdict(int)
    answer_paths = [f"response__sampled_case__{p}" for p in paths]
    for row in (
        Answer.objects.filter(
            response__sampled_case__study=study,
            response__status=Response.Status.ANSWERED,
            option__isnull=False,
        )
        .values_list(*answer_paths, "question_id", "option_id")
        .annotate(n=Count("id"))
    ):
        *group, question_id, option_id, n = row
        cells[(tuple(group), question_id, option_id)] += n
    for group in ordered:
        for question in question_by_pk.values():
            options = list(question.options.all())
            numbers = [cells[(group, question.pk, o.pk)] for o in options]
            answered = responses[
                (group, question.questionnaire.respondent, Response.Status.ANSWERED)
            ]
            parts, _total = counted(numbers, answered) if options else ([], "")
            for option, shown in zip(options, parts, strict=True):
                answers.rows.append(
                    [_group_label(group, key), question.text, option_label[option.pk], shown]
                )
    return [rates, answers]
