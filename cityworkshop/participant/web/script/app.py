"""The participant page as a Solara app (pages layer): Solara runs this script once per
connected phone, in that phone's virtual kernel, so every phone gets its own
:class:`~cityworkshop.participant.ParticipantPage` while all of them share the process's one
store and one change watcher (:func:`cityworkshop.participant.server.new_page`).
"""

from cityworkshop.participant.server import new_page

page = new_page()
