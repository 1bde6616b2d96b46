"""Domain events: a lower domain says what happened, and the domains above it that care listen.

This keeps the layer order (docs/architecture.md): a report does not know that referrals
exist, yet a mandatory report still reaches the police. Receivers run at once, in the
sender's transaction, so what they write commits or rolls back with the change itself. A
receiver connects in its own module; ``create_app`` imports every domain, so none is missed.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# sender: the Report. A report became mandatory (filed so, or its kind changed to one).
report_mandatory = _events.signal("report-mandatory")

# sender: the Scope reading; kwargs: reports (a list). Each receiver answers {report_id: {key: value}}
# to add to what the reader sees of each report (e.g. the referrals made of it).
presenting_reports = _events.signal("presenting-reports")

# sender: None; kwargs: minor_ids (list), area_path (their place now). Whatever belongs to these
# minors moves with them, in the same transaction (docs/architecture.md: where a record lives).
minors_moved = _events.signal("minors-moved")

# sender: None; kwargs: report_ids (list), area_path (their place now). A report moved (it follows
# the child it names, or a supervisor corrected its place): its referrals and notices follow it.
reports_moved = _events.signal("reports-moved")

# sender: None; kwargs: device_id (the id a phone sends at login). Each receiver answers True to
# refuse every login from that device (sync_api: a street admin marked it lost). Sent before the
# password is checked, so a refused phone learns nothing of it.
device_refused = _events.signal("device-refused")
