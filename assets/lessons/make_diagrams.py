"""Draw the lessons' diagrams as SVG (boxes and arrows, no downloads): `python assets/lessons/make_diagrams.py`.

Labels are the terms both language versions use (x, Expert, Gate, Tower, task A/B, pCTR...), so one file
serves both languages."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
COLORS = {"in": "#e8eef7", "shared": "#cfe3d4", "a": "#f6d7b8", "b": "#cddcf2", "gate": "#f2e6a6", "out": "#ffffff",
          "mix": "#e3d3f0"}
FONT = "font-family='Noto Sans, DejaVu Sans, sans-serif'"


class Svg:
    def __init__(self, w: int, h: int):
        self.w, self.h, self.parts = w, h, []

    def box(self, x, y, w, h, text, fill="out", size=13, rx=6):
        self.parts.append(f"<rect x='{x}' y='{y}' width='{w}' height='{h}' rx='{rx}' fill='{COLORS.get(fill, fill)}' "
                          f"stroke='#44546a' stroke-width='1.2'/>")
        lines = text.split("\n")
        for i, line in enumerate(lines):
            cy = y + h / 2 + (i - (len(lines) - 1) / 2) * (size + 2) + size * 0.35
            self.parts.append(f"<text x='{x + w / 2}' y='{cy:.1f}' text-anchor='middle' font-size='{size}' {FONT} "
                              f"fill='#1f2937'>{line}</text>")
        return (x, y, w, h)

    def arrow(self, a, b, color="#44546a", dash=False):
        (x1, y1), (x2, y2) = a, b
        d = " stroke-dasharray='5,4'" if dash else ""
        self.parts.append(f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='{color}' stroke-width='1.4'{d} "
                          f"marker-end='url(#arr)'/>")

    def text(self, x, y, s, size=12, anchor="middle", color="#374151", weight="normal"):
        self.parts.append(f"<text x='{x}' y='{y}' text-anchor='{anchor}' font-size='{size}' font-weight='{weight}' "
                          f"{FONT} fill='{color}'>{s}</text>")

    def save(self, name: str):
        head = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.w}' height='{self.h}' "
                f"viewBox='0 0 {self.w} {self.h}'><defs><marker id='arr' markerWidth='8' markerHeight='8' refX='7' "
                f"refY='4' orient='auto'><path d='M0,0 L8,4 L0,8 z' fill='#44546a'/></marker></defs>"
                f"<rect width='100%' height='100%' fill='white'/>")
        (HERE / name).write_text(head + "".join(self.parts) + "</svg>\n", encoding="utf-8")


def top(b):
    x, y, w, h = b
    return (x + w / 2, y)


def bottom(b):
    x, y, w, h = b
    return (x + w / 2, y + h)


def shared_bottom():
    s = Svg(620, 300)
    s.text(150, 20, "Single-task: one network per task", 13, weight="bold")
    for i, (t, c) in enumerate((("A", "a"), ("B", "b"))):
        x = 40 + i * 120
        xin = s.box(x, 250, 90, 30, "x", "in")
        net = s.box(x, 150, 90, 50, f"network {t}", c)
        out = s.box(x, 50, 90, 40, f"ŷ_{t}", "out")
        s.arrow(top(xin), bottom(net)), s.arrow(top(net), bottom(out))
    s.text(460, 20, "Shared-Bottom: y_k = h_k(f(x))", 13, weight="bold")
    xin = s.box(415, 250, 90, 30, "x", "in")
    f = s.box(385, 170, 150, 45, "shared bottom f", "shared")
    ta = s.box(350, 100, 90, 40, "tower h_A", "a")
    tb = s.box(480, 100, 90, 40, "tower h_B", "b")
    oa = s.box(350, 35, 90, 35, "ŷ_A", "out")
    ob = s.box(480, 35, 90, 35, "ŷ_B", "out")
    s.arrow(top(xin), bottom(f))
    s.arrow((430, 170), bottom(ta)), s.arrow((490, 170), bottom(tb))
    s.arrow(top(ta), bottom(oa)), s.arrow(top(tb), bottom(ob))
    s.save("shared_bottom.svg")


def moe():
    s = Svg(640, 330)
    for panel, (x0, title, gates) in enumerate(((10, "OMoE: one gate", 1), (330, "MMoE: one gate per task", 2))):
        s.text(x0 + 150, 20, title, 13, weight="bold")
        xin = s.box(x0 + 105, 285, 90, 30, "x", "in")
        experts = [s.box(x0 + 10 + i * 72, 200, 62, 40, f"Expert {i + 1}", "shared", 12) for i in range(4)]
        for e in experts:
            s.arrow(top(xin), bottom(e))
        if gates == 1:
            g = s.box(x0 + 240, 150, 60, 30, "Gate", "gate", 12)
            mix = s.box(x0 + 90, 140, 120, 30, "Σ g_i · E_i", "mix", 12)
            for e in experts:
                s.arrow(top(e), bottom(mix))
            s.arrow((x0 + 240, 165), (x0 + 210, 155), dash=True)
            ta = s.box(x0 + 40, 80, 90, 35, "tower A", "a", 12)
            tb = s.box(x0 + 170, 80, 90, 35, "tower B", "b", 12)
            s.arrow((x0 + 130, 140), bottom(ta)), s.arrow((x0 + 170, 140), bottom(tb))
        else:
            ga = s.box(x0 + 0, 150, 50, 28, "Gate A", "gate", 11)
            gb = s.box(x0 + 250, 150, 50, 28, "Gate B", "gate", 11)
            ma = s.box(x0 + 55, 140, 90, 30, "Σ g^A_i · E_i", "a", 11)
            mb = s.box(x0 + 155, 140, 90, 30, "Σ g^B_i · E_i", "b", 11)
            for e in experts:
                s.arrow(top(e), bottom(ma)), s.arrow(top(e), bottom(mb))
            s.arrow((x0 + 50, 158), (x0 + 55, 155), dash=True), s.arrow((x0 + 250, 158), (x0 + 245, 155), dash=True)
            ta = s.box(x0 + 55, 80, 90, 35, "tower A", "a", 12)
            tb = s.box(x0 + 155, 80, 90, 35, "tower B", "b", 12)
            s.arrow(top(ma), bottom(ta)), s.arrow(top(mb), bottom(tb))
        s.box(ta[0], 30, ta[2], 30, "ŷ_A", "out", 12), s.box(tb[0], 30, tb[2], 30, "ŷ_B", "out", 12)
        s.arrow(top(ta), (ta[0] + ta[2] / 2, 60)), s.arrow(top(tb), (tb[0] + tb[2] / 2, 60))
    s.save("moe.svg")


def cgc():
    s = Svg(640, 330)
    s.text(320, 20, "CGC: each task's gate mixes its own experts and the shared ones (PLE stacks CGC levels)",
           12, weight="bold")
    xin = s.box(275, 285, 90, 30, "x", "in")
    groups = [("A", "a", 30), ("shared", "shared", 235), ("B", "b", 440)]
    boxes = {}
    for name, color, x in groups:
        boxes[name] = [s.box(x + i * 85, 200, 75, 40, f"E_{name}{i + 1}" if name != "shared" else f"E_s{i + 1}",
                             color, 12) for i in range(2)]
        for e in boxes[name]:
            s.arrow(top(xin), bottom(e))
    ma = s.box(110, 130, 120, 32, "Gate A mixes\nE_A* + E_s*", "gate", 11)
    mb = s.box(410, 130, 120, 32, "Gate B mixes\nE_B* + E_s*", "gate", 11)
    for e in boxes["A"] + boxes["shared"]:
        s.arrow(top(e), bottom(ma))
    for e in boxes["B"] + boxes["shared"]:
        s.arrow(top(e), bottom(mb))
    ta = s.box(125, 70, 90, 32, "tower A", "a", 12)
    tb = s.box(425, 70, 90, 32, "tower B", "b", 12)
    s.arrow(top(ma), bottom(ta)), s.arrow(top(mb), bottom(tb))
    s.box(125, 28, 90, 28, "ŷ_A", "out", 12), s.box(425, 28, 90, 28, "ŷ_B", "out", 12)
    s.arrow(top(ta), (170, 56)), s.arrow(top(tb), (470, 56))
    s.text(320, 120, "task B's experts are invisible to gate A", 11, color="#6b7280")
    s.save("cgc.svg")


def sharing():
    s = Svg(640, 300)
    s.text(160, 20, "Cross-Stitch: columns mixed", 12, weight="bold")
    s.text(160, 36, "by a learned 2×2 matrix", 12, weight="bold")
    xin = s.box(115, 260, 90, 28, "x", "in")
    a1 = s.box(35, 185, 100, 35, "column A", "a", 11)
    b1 = s.box(185, 185, 100, 35, "column B", "b", 11)
    s.box(80, 125, 160, 35, "[a_AA a_AB; a_BA a_BB]", "mix", 11)
    a2 = s.box(40, 60, 90, 35, "tower A", "a", 11)
    b2 = s.box(190, 60, 90, 35, "tower B", "b", 11)
    s.arrow(top(xin), bottom(a1)), s.arrow(top(xin), bottom(b1))
    s.arrow(top(a1), (130, 160)), s.arrow(top(b1), (190, 160))
    s.arrow((130, 125), bottom(a2)), s.arrow((190, 125), bottom(b2))
    s.text(160, 115, "starts at 0.9 / 0.1", 10, color="#6b7280")
    s.text(480, 20, "Asymmetric sharing:", 12, weight="bold")
    s.text(480, 36, "B reads A, A reads only itself", 12, weight="bold")
    xin = s.box(435, 260, 90, 28, "x", "in")
    fa = s.box(360, 170, 100, 40, "bottom A", "a", 12)
    fb = s.box(500, 170, 100, 40, "bottom B", "b", 12)
    ta = s.box(360, 70, 100, 40, "tower A", "a", 12)
    tb = s.box(500, 70, 100, 40, "tower B", "b", 12)
    s.arrow(top(xin), bottom(fa)), s.arrow(top(xin), bottom(fb))
    s.arrow(top(fa), bottom(ta)), s.arrow(top(fb), bottom(tb))
    s.arrow((450, 170), (520, 110), dash=True)
    s.text(480, 145, "[h_B ; h_A]", 11, color="#6b7280")
    s.save("sharing.svg")


def esmm():
    s = Svg(640, 330)
    s.text(320, 20, "ESMM: pCTCVR = pCTR × pCVR, both losses over ALL impressions", 13, weight="bold")
    xin = s.box(215, 285, 210, 30, "impression (user, item IDs)", "in", 12)
    emb = s.box(220, 225, 200, 35, "shared embeddings", "shared", 12)
    ctr = s.box(100, 140, 150, 40, "CTR tower → pCTR", "a", 12)
    cvr = s.box(390, 140, 150, 40, "CVR tower → pCVR", "b", 12)
    mul = s.box(270, 90, 100, 35, "×", "mix", 16)
    s.arrow(top(xin), bottom(emb))
    s.arrow((280, 225), bottom(ctr)), s.arrow((360, 225), bottom(cvr))
    s.arrow(top(ctr), (290, 125)), s.arrow(top(cvr), (350, 125))
    s.box(90, 50, 190, 30, "loss: BCE(click, pCTR)", "out", 12)
    s.box(330, 40, 220, 40, "loss: BCE(click ∧ convert, pCTCVR)", "out", 12)
    s.arrow((175, 140), (175, 80)), s.arrow(top(mul), (400, 80))
    s.text(320, 200, "no loss on pCVR alone: no clicked-only training set", 11, color="#6b7280")
    s.save("esmm.svg")


def outcomes():
    s = Svg(460, 340)
    s.text(230, 20, "Four outcomes of joint training (gain vs. single-task)", 13, weight="bold")
    x0, y0, w, h = 110, 40, 320, 260
    cells = [(x0, y0, "seesaw\n(B wins, A loses)", "#fdecc8"), (x0 + w / 2, y0, "both win", "#d3f0d6"),
             (x0, y0 + h / 2, "negative transfer\n(both lose)", "#fbd5d5"),
             (x0 + w / 2, y0 + h / 2, "seesaw\n(A wins, B loses)", "#fdecc8")]
    for x, y, label, color in cells:
        s.box(x, y, w / 2, h / 2, label, color, 13, rx=0)
    s.arrow((x0, y0 + h + 15), (x0 + w, y0 + h + 15))
    s.text(x0 + w / 2, y0 + h + 32, "gain on task A →", 12)
    s.arrow((x0 - 15, y0 + h), (x0 - 15, y0))
    s.text(x0 - 22, y0 + h / 2, "gain on", 12, anchor="end")
    s.text(x0 - 22, y0 + h / 2 + 15, "task B ↑", 12, anchor="end")
    s.text(x0 + w / 2, y0 + h / 2 + 4, "●", 10, color="#6b7280")
    s.save("outcomes.svg")


if __name__ == "__main__":
    for draw in (shared_bottom, moe, cgc, sharing, esmm, outcomes):
        draw()
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.svg"))))
