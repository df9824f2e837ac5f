"""The three questionnaires every installation starts with (version 1), in Swedish, with
fixed answer options. Created by a data migration, and again after a database flush (see
StudiesConfig); a questionnaire that exists already is left as it is, so that the versions
an administrator made stay the only ones changed."""

YES_NO = [("ja", "Ja"), ("nej", "Nej"), ("vet_ej", "Vet ej")]
YES_NO_PARTLY = [("ja", "Ja"), ("nej", "Nej"), ("delvis", "Delvis"), ("vet_ej", "Vet ej")]

# respondent → (title, questions); a question is (key, text, options, text prompt, life
# area code). No options: a free-text question.
QUESTIONNAIRES = {
    "case_officer": (
        "Handläggarens frågor",
        [
            ("applied_for", "Vad ansökte den enskilde om?", [], "", ""),
            (
                "other_way",
                "Utreddes om behovet kunde tillgodoses på annat sätt, till exempel genom "
                "insatser som redan är beviljade?",
                YES_NO_PARTLY,
                "",
                "",
            ),
            (
                "function_written",
                "Är det bedömda funktionstillståndet skrivet i utredningen?",
                YES_NO_PARTLY,
                "",
                "",
            ),
            ("goal_written", "Är målet med insatsen skrivet?", YES_NO_PARTLY, "", ""),
            ("followed_up", "Har beslutet följts upp?", YES_NO, "", ""),
            (
                "goal_met",
                "Har målet uppnåtts?",
                [*YES_NO_PARTLY[:3], ("ej_uppfoljt", "Inte uppföljt ännu"), ("vet_ej", "Vet ej")],
                "",
                "",
            ),
        ],
    ),
    "provider": (
        "Utförarens frågor",
        [
            (
                "plan_covers",
                "Omfattar genomförandeplanen insatsen?",
                [*YES_NO_PARTLY[:3], ("ingen_plan", "Det finns ingen genomförandeplan")],
                "",
                "",
            ),
            (
                "citizen_involved",
                "Var den enskilde delaktig när genomförandeplanen togs fram?",
                YES_NO_PARTLY,
                "Om inte, varför?",
                "",
            ),
            (
                "plan_followed_up",
                "Finns det en uppföljning av genomförandeplanen?",
                YES_NO,
                "",
                "",
            ),
        ],
    ),
    "citizen": (
        "Medborgarens frågor",
        [
            ("what_during", "Vad gör ni under insatsen?", [], "", ""),
            ("as_expected", "Är insatsen det du förväntade dig?", YES_NO_PARTLY, "", ""),
            ("satisfied", "Är du nöjd med insatsen?", YES_NO_PARTLY, "", ""),
            ("works_well", "Vad fungerar bra?", [], "", ""),
            ("works_less_well", "Vad fungerar mindre bra?", [], "", ""),
            (
                "same_staff",
                "Är det samma personal som kommer, eller olika?",
                [
                    ("samma", "Oftast samma personal"),
                    ("olika", "Olika personal"),
                    ("vet_ej", "Vet ej"),
                ],
                "",
                "trygghet",
            ),
            (
                "difference",
                "Har insatsen gjort skillnad för dig?",
                [
                    ("positiv", "Ja, positivt"),
                    ("negativ", "Ja, negativt"),
                    ("ingen", "Ingen skillnad"),
                    ("vet_ej", "Vet ej"),
                ],
                "På vilket sätt?",
                "",
            ),
        ],
    ),
}


def ensure_questionnaires(questionnaire_model, question_model, option_model, life_area_model=None):
    """Works with the real models and with a migration's historical models."""
    if life_area_model is None:
        life_area_model = question_model._meta.get_field("life_area").related_model
    for respondent, (title, questions) in QUESTIONNAIRES.items():
        if questionnaire_model.objects.filter(respondent=respondent).exists():
            continue
        questionnaire = questionnaire_model.objects.create(
            respondent=respondent, version=1, title=title
        )
        for order, (key, text, options, prompt, area) in enumerate(questions):
            question = question_model.objects.create(
                questionnaire=questionnaire,
                key=key,
                text=text,
                kind="choice" if options else "text",
                text_prompt=prompt,
                life_area=life_area_model.objects.filter(code=area).first() if area else None,
                sort_order=order,
            )
            for option_order, (code, label) in enumerate(options):
                option_model.objects.create(
                    question=question, code=code, label=label, sort_order=option_order
                )
