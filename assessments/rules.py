import rules

from rehab.roles import is_case_officer, is_physio, is_therapist

rules.add_perm("assessments.view_work_queue", is_case_officer)
rules.add_perm("assessments.view_my_visits", is_therapist | is_physio)
