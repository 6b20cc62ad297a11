"""Scale answers summarised for their figures: the entry point of the scale kind.

Analysis layer. The statistics themselves (:func:`~cityworkshop.analysis.summarize_scale`,
:func:`~cityworkshop.analysis.scale_gaps`, :func:`~cityworkshop.analysis.group_item_matrix`,
:func:`~cityworkshop.analysis.scale_reasons`, :func:`~cityworkshop.analysis.summarize_peer`)
live in the package; :func:`summaries` computes those the activity's figures need
(:meth:`Kind.figure_names <cityworkshop.kinds.Kind.figure_names>` decides which).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..kinds import SCALE
from . import answers_frame, group_item_matrix, scale_gaps, scale_reasons, summarize_scale
from .peer import summarize_peer

if TYPE_CHECKING:
    from ..content import ScaleActivity
    from ..kinds import ActivityData

__all__ = ["summaries"]


def summaries(activity: ScaleActivity, data: ActivityData) -> dict[str, Any]:
    """The frames of a scale activity's results.

    Returns
    -------
    dict
        ``answers`` (the answers frame), ``reasons`` (:func:`scale_reasons`; when the
        activity asks for reasons or the heatmap shows them), and per figure:
        ``peer`` (:func:`summarize_peer`) for a peer rating, else ``summary``
        (:func:`summarize_scale`); with two dimensions or more ``matrix`` (group x item means
        of the first dimension) and ``gaps`` (the first dimension against the last).
    """
    frame = answers_frame(data.rows)
    names = SCALE.figure_names(activity)
    out: dict[str, Any] = {"answers": frame}
    if "heatmap" in names or activity.reason != "none":  # hover texts, or the reasons table
        out["reasons"] = scale_reasons(frame)
    if "peer" in names:
        out["peer"] = summarize_peer(frame)
    else:
        out["summary"] = summarize_scale(frame)
    dims = [d.id for d in activity.dimensions]
    if "heatmap" in names:
        out["matrix"] = group_item_matrix(frame, dims[0], items=[it.id for it in activity.items])
    if "gaps" in names:
        out["gaps"] = scale_gaps(frame, now=dims[0], target=dims[-1])
    return out
