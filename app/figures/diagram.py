"""Architecture diagram: input → experts → gates → towers → outputs, gate weights drawn on the edges.

Built from the model's declared structure (`model.structure()`: topology, gates with their experts
and owners, task links, extra outputs), the task names and whether the input has ID embeddings, so a
new architecture gets a picture without code here: gated models (MMoE, OMoE, CGC, PLE levels, ESMM on
a gated backbone) from their gates; gate-free ones by topology: a shared bottom, separate columns,
cross-stitched columns, or towers reading the input with links between tasks (AITM's transfer).
Extra outputs (ESMM's ctcvr) sit on top, fed by the task outputs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import numpy as np
import plotly.graph_objects as go

from ..i18n import EN, Translator
from .gates import gate_blocks
from .style import FONT_SIZE, NEUTRAL_COLOR, SHARED_COLOR, group_color, make_figure, rgba, task_color

if TYPE_CHECKING:  # any object with .tasks, .structure and .categorical will do
    from ..ui.modelinfo import ModelInfo


@dataclass
class Node:
    id: str
    label: str
    x: float
    y: float
    color: str
    width: float = 0.1


@dataclass
class Edge:
    src: str
    dst: str
    weight: float | None = None  # a gate weight in [0, 1], or None for a plain connection
    color: str = NEUTRAL_COLOR
    dash: str = "solid"
    label: str = ""


def _row(ids_labels_colors: list[tuple[str, str, str]], y: float) -> list[Node]:
    n = len(ids_labels_colors)
    width = min(0.22, 0.86 / max(n, 1))
    return [Node(i, lab, (k + 0.5) / n, y, c, width) for k, (i, lab, c) in enumerate(ids_labels_colors)]


def _towers(tasks, y, tr) -> list[Node]:
    return (_row([(f"tower:{t}", tr("fig.tower"), task_color(k)) for k, t in enumerate(tasks)], y)
            + _row([(f"out:{t}", tr("fig.output", task=t), task_color(k)) for k, t in enumerate(tasks)], y + 1))


def _input(info, tr) -> list[Node]:
    return _row([("input", tr("fig.embed" if info.categorical else "fig.input"), SHARED_COLOR)], 0)


def _gated(info: "ModelInfo", gates: Mapping[str, np.ndarray] | None, tr) -> tuple[list[Node], list[Edge], float]:
    tasks = list(info.tasks)
    declared = {g.name: g for g in info.structure.gates}
    blocks = gate_blocks(info.structure.gates, gates, tasks)
    nodes, edges = _input(info, tr), []
    prev: list[tuple[str, str]] = []  # (node id, owner) of the previous level's gates
    for li, b in enumerate(blocks):
        y = 1 + 2 * li
        groups = {e.name: e.group for g in b.gates if g in declared for e in declared[g].experts}
        ex = [(f"e:{b.level}:{e}", e, group_color(groups.get(e, ""), tasks)) for e in b.experts]
        order = sorted(range(len(b.rows)), key=lambda i: tasks.index(b.owners[i]) if b.owners[i] in tasks else len(tasks))
        gt = [(f"g:{b.gates[i]}", tr("fig.gate_node", name=b.rows[i]), group_color(b.owners[i], tasks)) for i in order]
        nodes += _row(ex, y) + _row(gt, y + 1)
        for e in b.experts:
            group = groups.get(e, "")
            feeders = [gid for gid, owner in prev if owner == group and group] or [g for g, _ in prev]
            for src in feeders or ["input"]:
                edges.append(Edge(src, f"e:{b.level}:{e}", color=group_color(group, tasks) if feeders else NEUTRAL_COLOR))
        for i, g in enumerate(b.gates):
            allowed = {e.name for e in declared[g].experts} if g in declared else set(b.experts)
            for k, e in enumerate(b.experts):
                if e not in allowed:
                    continue
                w = None if np.isnan(b.z[i, k]) else float(b.z[i, k])
                edges.append(Edge(f"e:{b.level}:{e}", f"g:{g}", weight=w, color=group_color(b.owners[i], tasks),
                                  label=f"{b.rows[i]} ← {e}"))
        prev = [(f"g:{g}", owner) for g, owner in zip(b.gates, b.owners)]
    top = 1 + 2 * len(blocks)
    nodes += _towers(tasks, top, tr)
    for k, t in enumerate(tasks):
        src = [gid for gid, owner in prev if owner == t] or [gid for gid, _ in prev]
        edges += [Edge(s, f"tower:{t}", color=task_color(k)) for s in src]
    return nodes, edges, top + 1


def _gate_free(info: "ModelInfo", tr) -> tuple[list[Node], list[Edge], float]:
    tasks = list(info.tasks)
    topology = info.structure.topology
    nodes, edges = _input(info, tr), []
    if topology in ("separate", "stitched", "asymmetric"):  # one column per task (cross-stitched or not)
        stitched = topology == "stitched"
        for layer in (1, 2) if stitched else (1,):
            nodes += _row([(f"col{layer}:{t}", tr("fig.column", task=t), task_color(k))
                           for k, t in enumerate(tasks)], layer)
        for k, t in enumerate(tasks):
            edges.append(Edge("input", f"col1:{t}", color=task_color(k)))
            if stitched:
                edges += [Edge(f"col1:{s}", f"col2:{t}", color=task_color(k), dash="solid" if s == t else "dot",
                               label=tr("fig.stitch")) for s in tasks]
        last, top = ("col2", 3) if stitched else ("col1", 2)
        srcs = {t: [f"{last}:{t}"] for t in tasks}
    elif topology == "bottom":  # shared bottom (also ESMM's default backbone)
        nodes += _row([("bottom", tr("fig.bottom"), SHARED_COLOR)], 1)
        edges.append(Edge("input", "bottom"))
        top, srcs = 2, {t: ["bottom"] for t in tasks}
    else:  # only the input layer is shared: towers read the embeddings directly (AITM)
        top, srcs = 1, {t: ["input"] for t in tasks}
    nodes += _towers(tasks, top, tr)
    for k, t in enumerate(tasks):
        edges += [Edge(s, f"tower:{t}", color=task_color(k)) for s in srcs[t]]
    return nodes, edges, top + 1


def diagram_parts(info: "ModelInfo", gates: Mapping[str, np.ndarray] | None = None, tr: Translator = EN
                  ) -> tuple[list[Node], list[Edge]]:
    structure = info.structure
    nodes, edges, top = _gated(info, gates, tr) if structure.gates else _gate_free(info, tr)
    for k, t in enumerate(info.tasks):
        edges.append(Edge(f"tower:{t}", f"out:{t}", color=task_color(k)))
    for a, b in structure.task_links:  # one-way transfer between tasks (AITM; asymmetric: a's column feeds b)
        k = list(info.tasks).index(b) if b in info.tasks else 0
        src = f"col1:{a}" if structure.topology == "asymmetric" else f"tower:{a}"
        edges.append(Edge(src, f"tower:{b}", color=task_color(k), dash="dash", label=tr("fig.transfer")))
    if structure.outputs:
        nodes += _row([(f"extra:{x}", f"ŷ {x}", SHARED_COLOR) for x in structure.outputs], top + 1)
        edges += [Edge(f"out:{t}", f"extra:{x}", color=SHARED_COLOR, dash="dot")
                  for t in info.tasks for x in structure.outputs]
    return nodes, edges


def architecture_figure(info: "ModelInfo", gates: Mapping[str, np.ndarray] | None = None, *,
                        tr: Translator = EN, title: str | None = None) -> go.Figure:
    """The model drawn bottom-up; gate edges get width and opacity from the current gate weights."""
    title = title or tr("view.diagram.title")
    nodes, edges = diagram_parts(info, gates, tr)
    pos = {n.id: n for n in nodes}
    weights_by_gate: dict[str, float] = {}
    for e in edges:
        if e.weight is not None:
            weights_by_gate[e.dst] = max(weights_by_gate.get(e.dst, 0.0), e.weight)
    traces = []
    for e in edges:
        a, b = pos[e.src], pos[e.dst]
        if e.weight is not None:
            rel = e.weight / max(weights_by_gate.get(e.dst, 1.0), 1e-9)
            line = dict(color=rgba(e.color, 0.12 + 0.88 * rel), width=0.8 + 9.0 * e.weight)
            hover = f"{e.label}: {e.weight:.3f}"
        else:
            line = dict(color=rgba(e.color, 0.55), width=1.6, dash=e.dash)
            hover = e.label or None
        same_row = abs(a.y - b.y) < 1e-9
        xs = [a.x, (a.x + b.x) / 2, b.x] if same_row else [a.x, b.x]
        ys = [a.y + 0.25, a.y + 0.55, b.y + 0.25] if same_row else [a.y + 0.18, b.y - 0.18]
        traces.append(dict(type="scatter", x=xs, y=ys, mode="lines", line=line, showlegend=False,
                           hoverinfo="text" if hover else "skip", **({"text": hover} if hover else {})))
    shapes = [dict(type="rect", x0=n.x - n.width / 2, x1=n.x + n.width / 2, y0=n.y - 0.18, y1=n.y + 0.18,
                   line=dict(color=n.color, width=2), fillcolor=rgba(n.color, 0.14), layer="above") for n in nodes]
    labels = [dict(x=n.x, y=n.y, text=n.label, showarrow=False,
                   font=dict(size=FONT_SIZE - (3 if n.width < 0.09 else 1), color="#1F1F1F")) for n in nodes]
    top = max(n.y for n in nodes)
    layout = {"shapes": shapes, "annotations": labels, "xaxis": {"visible": False, "range": [-0.02, 1.02]},
              "yaxis": {"visible": False, "range": [-0.45, top + 0.45]}}
    return make_figure(traces, layout, title, height=int(150 + 75 * (top + 1)))
