"""Draw the lessons' diagrams as SVG (boxes and arrows, no downloads): `python assets/lessons/make_diagrams.py`.

Each diagram is drawn twice: `name.svg` in English and `name.zh.svg` in Chinese (the lesson page picks the
one of its language). Labels are written in English; `ZH` translates those that are words, formulas and
symbols (x, ŷ_A, Σ g_i · E_i) stay as they are."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
COLORS = {"in": "#e8eef7", "shared": "#cfe3d4", "a": "#f6d7b8", "b": "#cddcf2", "gate": "#f2e6a6", "out": "#ffffff",
          "mix": "#e3d3f0"}
FONTS = {"en": "font-family='Noto Sans, DejaVu Sans, sans-serif'",
         "zh": "font-family='Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, "
               "WenQuanYi Micro Hei, sans-serif'"}
LANGS = ("en", "zh")
ZH = {
    "Single-task: one network per task": "单任务：每个任务一个网络",
    "network A": "网络 A", "network B": "网络 B",
    "Shared-Bottom: y_k = h_k(f(x))": "Shared-Bottom：y_k = h_k(f(x))",
    "shared bottom f": "共享底层 f", "tower h_A": "塔 h_A", "tower h_B": "塔 h_B",
    "OMoE: one gate": "OMoE：一个门控", "MMoE: one gate per task": "MMoE：每个任务一个门控",
    "Expert 1": "专家 1", "Expert 2": "专家 2", "Expert 3": "专家 3", "Expert 4": "专家 4",
    "Gate": "门控", "Gate A": "门控 A", "Gate B": "门控 B", "tower A": "塔 A", "tower B": "塔 B",
    "CGC: each task's gate mixes its own experts and the shared ones (PLE stacks CGC levels)":
        "CGC：每个任务的门控只混合自己的专家和共享专家（PLE 把多层 CGC 叠起来）",
    "Gate A mixes\nE_A* + E_s*": "门控 A 混合\nE_A* + E_s*", "Gate B mixes\nE_B* + E_s*": "门控 B 混合\nE_B* + E_s*",
    "task B's experts are invisible to gate A": "门控 A 看不到任务 B 的专家",
    "Cross-Stitch: columns mixed": "Cross-Stitch：各列网络", "by a learned 2×2 matrix": "由可学习的 2×2 矩阵混合",
    "column A": "列 A", "column B": "列 B", "starts at 0.9 / 0.1": "初始为 0.9 / 0.1",
    "Asymmetric sharing:": "非对称共享：", "B reads A, A reads only itself": "B 读取 A，A 只读自己",
    "bottom A": "底层 A", "bottom B": "底层 B",
    "ESMM: pCTCVR = pCTR × pCVR, both losses over ALL impressions":
        "ESMM：pCTCVR = pCTR × pCVR，两个损失都覆盖全部曝光",
    "impression (user, item IDs)": "曝光（用户、物品 ID）", "shared embeddings": "共享嵌入",
    "CTR tower → pCTR": "CTR 塔 → pCTR", "CVR tower → pCVR": "CVR 塔 → pCVR",
    "loss: BCE(click, pCTR)": "损失：BCE(点击, pCTR)", "loss: BCE(click ∧ convert, pCTCVR)": "损失：BCE(点击 ∧ 转化, pCTCVR)",
    "no loss on pCVR alone: no clicked-only training set": "pCVR 没有单独的损失：不需要只含点击样本的训练集",
    "Four outcomes of joint training (gain vs. single-task)": "联合训练的四种结果（相对单任务的增益）",
    "seesaw\n(B wins, A loses)": "跷跷板\n（B 赢，A 输）", "both win": "双赢",
    "negative transfer\n(both lose)": "负迁移\n（双输）", "seesaw\n(A wins, B loses)": "跷跷板\n（A 赢，B 输）",
    "gain on task A →": "任务 A 上的增益 →", "gain on": "任务 B", "task B ↑": "上的增益 ↑",
}


class Svg:
    def __init__(self, w: int, h: int, lang: str = "en"):
        self.w, self.h, self.lang, self.parts = w, h, lang, []
        self.font = FONTS[lang]

    def tr(self, text: str) -> str:
        return ZH.get(text, text) if self.lang == "zh" else text

    def box(self, x, y, w, h, text, fill="out", size=13, rx=6):
        self.parts.append(f"<rect x='{x}' y='{y}' width='{w}' height='{h}' rx='{rx}' fill='{COLORS.get(fill, fill)}' "
                          f"stroke='#44546a' stroke-width='1.2'/>")
        lines = self.tr(text).split("\n")
        for i, line in enumerate(lines):
            cy = y + h / 2 + (i - (len(lines) - 1) / 2) * (size + 2) + size * 0.35
            self.parts.append(f"<text x='{x + w / 2}' y='{cy:.1f}' text-anchor='middle' font-size='{size}' {self.font} "
                              f"fill='#1f2937'>{line}</text>")
        return (x, y, w, h)

    def arrow(self, a, b, color="#44546a", dash=False):
        (x1, y1), (x2, y2) = a, b
        d = " stroke-dasharray='5,4'" if dash else ""
        self.parts.append(f"<line x1='{x1}' y1='{y1}' x2='{x2}' y2='{y2}' stroke='{color}' stroke-width='1.4'{d} "
                          f"marker-end='url(#arr)'/>")

    def text(self, x, y, s, size=12, anchor="middle", color="#374151", weight="normal"):
        self.parts.append(f"<text x='{x}' y='{y}' text-anchor='{anchor}' font-size='{size}' font-weight='{weight}' "
                          f"{self.font} fill='{color}'>{self.tr(s)}</text>")

    def save(self, name: str):
        head = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.w}' height='{self.h}' "
                f"viewBox='0 0 {self.w} {self.h}'><defs><marker id='arr' markerWidth='8' markerHeight='8' refX='7' "
                f"refY='4' orient='auto'><path d='M0,0 L8,4 L0,8 z' fill='#44546a'/></marker></defs>"
                f"<rect width='100%' height='100%' fill='white'/>")
        if self.lang != "en":
            name = name.replace(".svg", f".{self.lang}.svg")
        (HERE / name).write_text(head + "".join(self.parts) + "</svg>\n", encoding="utf-8")


def top(b):
    x, y, w, h = b
    return (x + w / 2, y)


def bottom(b):
    x, y, w, h = b
    return (x + w / 2, y + h)


def shared_bottom(lang: str = 'en'):
    s = Svg(620, 300, lang)
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


def moe(lang: str = 'en'):
    s = Svg(640, 330, lang)
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


def cgc(lang: str = 'en'):
    s = Svg(640, 330, lang)
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


def sharing(lang: str = 'en'):
    s = Svg(640, 300, lang)
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
    s.text(246, 147, "starts at 0.9 / 0.1", 10, anchor="start", color="#6b7280")
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
    s.text(557, 145, "[h_B ; h_A]", 11, anchor="start", color="#6b7280")
    s.save("sharing.svg")


def esmm(lang: str = "en"):
    s = Svg(640, 400, lang)
    s.text(320, 22, "ESMM: pCTCVR = pCTR × pCVR, both losses over ALL impressions", 13, weight="bold")
    loss_ctr = s.box(50, 45, 220, 34, "loss: BCE(click, pCTR)", "out", 12)
    loss_ctcvr = s.box(330, 45, 260, 34, "loss: BCE(click ∧ convert, pCTCVR)", "out", 12)
    mul = s.box(410, 115, 100, 32, "×", "mix", 16)
    ctr = s.box(85, 195, 150, 40, "CTR tower → pCTR", "a", 12)
    cvr = s.box(385, 195, 150, 40, "CVR tower → pCVR", "b", 12)
    emb = s.box(220, 275, 200, 35, "shared embeddings", "shared", 12)
    xin = s.box(215, 335, 210, 30, "impression (user, item IDs)", "in", 12)
    s.arrow(top(xin), bottom(emb))
    s.arrow((280, 275), bottom(ctr)), s.arrow((360, 275), bottom(cvr))
    s.arrow(top(ctr), bottom(loss_ctr))
    s.arrow((235, 205), (410, 138))  # pCTR also feeds the product
    s.arrow(top(cvr), bottom(mul))
    s.arrow(top(mul), (460, 79))
    s.text(320, 390, "no loss on pCVR alone: no clicked-only training set", 11, color="#6b7280")
    s.save("esmm.svg")


def outcomes(lang: str = 'en'):
    s = Svg(460, 340, lang)
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
        for lang in LANGS:
            draw(lang)
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.svg"))))
