"""The purposes of this app's views in plain words, for the access log (see
``rehab.accesslog``)."""

from django.utils.translation import gettext_lazy as _

from rehab.accesslog import view_purposes

view_purposes.register(
    {
        "tracks:track": _("Chose the track"),
        "tracks:interventions": _("Read the interventions"),
        "tracks:intervention_add": _("Registered an intervention"),
        "tracks:intervention_edit": _("Changed an intervention"),
        "tracks:intervention_remove": _("Removed an intervention"),
        "tracks:handover": _("Recorded the handover"),
    }
)
