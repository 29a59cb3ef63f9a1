"""中文：各方法往哪里走（平衡实验室的面板、Playground 的梯度捕获、它们的图和表）。"""

STRINGS: dict[str, str] = {
    "steps.title": "各方法往哪里走",
    "steps.intro": "**怎么读这张图。** 两支粗箭头是任务梯度 g1 和 g2；每支细箭头是某个策略仅凭这两个梯度会走的一步，"
                   "画在它们张成的平面里（x 沿 g1，y 垂直于 g1）。绿色扇形是同时降低两个损失的方向（一阶近似）："
                   "落在扇形外的箭头会让某个任务变差。重合的箭头共用一个图例项（没有冲突时，PCGrad 的一步就是 EW 的一步）。"
                   "*第一步*：该策略在步与步之间保留状态（学到的权重、滑动平均、按轮的历史），箭头是它在训练开始时会走的一步；"
                   "*一次抽样*：它会抽随机数，箭头是一次固定种子的抽样；*离开平面*：更新有一部分离开 g1、g2 的平面"
                   "（GradDrop 会丢弃单个坐标），数值是这部分占其长度的比例。下表列出每个策略：更新的长度、与每个任务梯度的"
                   "余弦（小于 0：该任务变差）以及它施加的权重。",
    "steps.tab.synthetic": "拖动两个梯度",
    "steps.tab.run": "来自真实训练的梯度",
    "steps.angle": "g1 与 g2 的夹角（度）",
    "steps.angle_help": "0° = 任务一致，90° = 正交，大于 90° = 冲突，180° = 方向相反。",
    "steps.ratio": "范数之比 |g2| / |g1|",
    "steps.ratio_help": "task2 的梯度比 task1 的“响”多少（量级更大的损失，梯度也更大）。",
    "steps.loss_ratio": "损失之比 L2 / L1",
    "steps.loss_ratio_help": "有些策略也看损失的数值（GLS、FAMO、DB-MTL、MoCo）：按损失给任务加权。这里损失与梯度分开设定。",
    "steps.methods": "画出的策略",
    "steps.unit": "只看方向（每支箭头长度为 1）",
    "steps.unit_help": "范数相差很大时，短箭头在长箭头旁边几乎看不见；这里把每支箭头都画成长度 1，长度仍在表中。",
    "steps.synthetic_caption": "g1 = (1, 0)，g2 = r·(cos θ, sin θ)，放在 {dim} 维坐标中的一个随机平面上（这样逐坐标的方法"
                               "会看到符号不一致的坐标）；损失 L1 = 1，L2 = {loss_ratio:g}。",
    "steps.table_title": "每个策略：长度、与各任务的余弦、权重",
    "steps.table_caption": "范数 = 更新的长度；余弦 = 它与每个任务梯度的余弦（小于 0：这一步让该任务变差，一阶近似）；"
                           "沿 / 垂直 g1 = 平面内的坐标；离开平面 = 任务梯度张成空间之外部分的长度；权重 = 策略施加在每个任务上的权重。",
    "steps.skipped": "未画出，它们需要梯度和损失以外的东西：{names}。",
    "steps.more_tasks": "有 {n} 个任务时没有单一的平面可画：表中给出每个策略与每个任务梯度的余弦及其长度。",
    "steps.run.intro": "把本场景的模型训练若干步，在那里取每个任务在共享参数上的梯度（用 {rows} 行验证数据），"
                       "再把每个策略作用在这同一组梯度上。真实梯度有成千上万个坐标：图中画的是它们在 g1、g2 平面里的样子。",
    "steps.run.weighting": "训练所用策略",
    "steps.run.step": "训练多少步后捕获",
    "steps.run.capture": "捕获梯度",
    "steps.run.hint": "按“捕获梯度”：把模型训练到那一步（几秒钟），再画出每个策略从这些梯度出发的一步。",
    "steps.run.caption": "{model}，用 {weighting} 训练了 {step} 步（种子 {seed}）：{params} 个共享参数上的梯度；"
                         "损失 {losses}；|g2| / |g1| = {ratio:.3g}。",
    "steps.run.stale": "这次捕获之后场景或其设置已改变：请再按一次“捕获梯度”。",
    "steps.run.none": "这个模型的任务之间没有共享参数：没有什么可供策略组合的。",
    "steps.pg.title": "各方法往哪里走：来自本次训练的梯度",
    "steps.pg.intro": "取模型当前在共享参数上的任务梯度（用 {rows} 行验证数据），画出每个损失平衡策略从这些梯度出发会走的一步；"
                      "训练继续进行。",
    "steps.pg.capture": "立即捕获梯度",
    "steps.pg.no_run": "请先训练一个模型：梯度来自正在进行的训练。",
    "steps.pg.not_started": "这次训练还没有建好模型：请按“训练”或“单步”，然后再捕获。",
    "steps.pg.caption": "捕获于第 {run} 次训练的第 {step} 步（最新快照）：{params} 个共享参数上的梯度；损失 {losses}。",
    "steps.pg.old": "这次捕获来自第 {run} 次训练，当前是另一次训练。请重新捕获。",
    # statuses
    "steps.status.exact": "仅由这些梯度决定",
    "steps.status.random": "一次随机抽样",
    "steps.status.initial": "第一步（保留状态）",
    "steps.status.skipped": "跳过",
    # figure
    "steps.fig.title": "各方法往哪里走 · g1 与 g2 夹角 {angle:.0f}°，|g2| / |g1| = {ratio:.3g}",
    "steps.fig.two_tasks_only": "平面视图需要恰好两个任务；请看表格。",
    "steps.fig.x": "沿 g1",
    "steps.fig.y": "⟂ g1，在 g1、g2 的平面内",
    "steps.fig.cone": "同时降低两个损失",
    "steps.fig.task": "g{k}（{task}）",
    "steps.fig.zero": "不动",
    "steps.fig.first_step": "第一步",
    "steps.fig.one_draw": "一次抽样",
    "steps.fig.sep": "，",
    "steps.fig.off_plane": "{share:.0f}% 离开平面",
    "steps.fig.hover": "|更新| = {norm:.3g}<br>与 g1 的余弦 = {cos1:.3f}<br>与 g2 的余弦 = {cos2:.3f}<br>"
                       "离开平面 = {off:.3g}",
    "steps.fig.hover_task": "|g| = {norm:.3g}",
    # table columns
    "steps.col.method": "策略",
    "steps.col.status": "这一步",
    "steps.col.norm": "范数",
    "steps.col.cos": "与 {task} 的余弦",
    "steps.col.min_cos": "最小余弦",
    "steps.col.along": "沿 g1",
    "steps.col.across": "垂直 g1",
    "steps.col.off_plane": "离开平面",
    "steps.col.weights": "权重",
    "steps.col.note": "说明",
}
