"""The purposes of this app's views in plain words, for the access log (see
``rehab.accesslog``): why a user opened the page that read or changed a citizen."""

from django.utils.translation import gettext_lazy as _

from rehab.accesslog import view_purposes

view_purposes.register(
    {
        "assessments:work_queue": _("Worked through the work queue"),
        "assessments:my_visits": _("Looked at the planned home visits"),
        "assessments:citizen_search": _("Searched for a citizen"),
        "assessments:citizen_create": _("Registered a citizen"),
        "assessments:citizen_detail": _("Read the citizen's record"),
        "assessments:citizen_update": _("Changed the citizen's details"),
        "assessments:citizen_protection": _("Changed protected identity"),
        "assessments:protected_identities": _("Managed access to protected identities"),
        "assessments:citizen_grants": _("Managed access to a protected identity"),
        "assessments:citizen_export_json": _("Produced a register extract (JSON)"),
        "assessments:citizen_export_pdf": _("Produced a register extract (PDF)"),
        "assessments:application_create": _("Logged an application"),
        "assessments:application_detail": _("Read the case"),
        "assessments:application_history": _("Read the case's change history"),
        "assessments:application_update": _("Changed the case"),
        "assessments:visit_book": _("Booked the joint home visit"),
        "assessments:visit_record": _("Recorded the joint home visit"),
        "assessments:visit_draft": _("Saved a draft of the home visit"),
        "assessments:instruments": _("Read the assessment instruments"),
        "assessments:instrument_record": _("Recorded an assessment instrument"),
        "assessments:assessment_basis": _("Wrote the assessment basis"),
        "assessments:assessment_basis_pdf": _("Printed the assessment basis"),
        "assessments:decision_record": _("Recorded the decision"),
        "assessments:decision_letter_pdf": _("Printed the decision letter"),
        "assessments:import_applications": _("Imported cases from a spreadsheet"),
        "assessments:import_status": _("Followed a background import"),
    }
)
