"""Follow-up reports: ordering one, and turning the indicators into a Swedish PDF.

``ordering.order_report`` is what the order page calls; ``job.build_report_file`` is what the
worker (``followup.tasks.build_report``) runs. ``selectors`` finds reports and the cohort a
report covers, ``rows`` turns the figures of ``followup.indicators`` into display rows and
``rendering`` puts them into the document.

The report is pseudonymised: it holds no names, identity numbers or case ids, only counts
(below five shown as "<5"), sums and means of groups of at least five, and the labels
"Fall A", "Fall B", … for the positive examples a person will choose and describe.
"""
