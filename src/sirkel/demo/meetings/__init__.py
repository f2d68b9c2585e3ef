"""Demo network measures in several states, built through the meeting and action services (so audited).

- Emma Hansen: an active network-meeting series. The first meeting was held four weeks ago (attendance,
  signed waiver, notes, reflecting team, decisions, snapshot), its action plan has one action a week
  overdue and one due soon, and the follow-up meeting is planned.
- Jonas Johansen: a completed series: the follow-up meeting reviewed every action, then the series ended.
- Filip Larsen: a start meeting in the investigation phase, held last week; no follow-up planned yet.
- Amina Ahmed: preparing, led by the neighbour service's shared leader: the checklist is partly done
  (interpreter not booked, network speech not drafted, invitations not sent).
- Lukas Andersen: stopped: the mother withdrew her consent while the first meeting was being prepared.
- Sofie Pedersen: in screening (severe conflict between the parents noted, no decision yet).
- Nora Olsen has a network but no measure: room to try it all from the start.

Each measure is decided first, with the family's own reasons and the child's participation, and has its
part in the case's measure plan (`demo.stories`). Jonas's plan has versions, and its PMTO was extended by
a later decision; Sofie's visiting home, decided months ago, is the one plan whose evaluation is overdue.

Dates are relative to the day of the load, so the overdue action stays overdue whenever it is loaded.
The services stamp records with the time of the load; where a date is shown as history (when the measure
started, when the network map was saved) it is set back afterwards to the day it stands for.
"""
