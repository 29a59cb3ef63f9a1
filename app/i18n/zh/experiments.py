"""中文：实验板块（MMoE 论文的各项研究、结论判定、Census-Income）。"""

STRINGS: dict[str, str] = {
    "exp.title": "实验：现场重做 MMoE 论文并逐条判定",
    "exp.intro": "MMoE 论文（Ma 等，KDD 2018）在可设定任务相关性 ρ 的合成任务上提出了四个结论，并在 Census-Income 上"
                 "测试了各个模型。在这里你可以通过批量训练引擎亲自运行这些研究，页面会依据你训练出的结果逐条判定每个"
                 "结论；某个结论不成立时，也会给出具体数字说明。",
    "exp.tab.correlation": "1 · 标签相关性",
    "exp.tab.sweep": "2 · 相关性扫描",
    "exp.tab.trainability": "3 · 可训练性",
    "exp.tab.gates": "4 · 门控会分开吗？",
    "exp.tab.difficulty": "5 · 难度探索",
    "exp.tab.census": "Census-Income（真实数据）",
    "exp.tab.load": "加载 results.csv",
    # shared
    "exp.run": "运行研究",
    "exp.download": "results.csv",
    "exp.invalid": "部分设置无效：",
    "exp.pick_one": "请至少选择一种结构。",
    "exp.single_task": "单任务",
    "exp.secs": "{s} 秒",
    "exp.mins": "{m} 分钟",
    "exp.job.which": "正在训练：{study}。训练完成的运行会陆续显示在对应的标签页中；点击停止会保留已完成的运行。",
    "exp.busy": "另一项研究正在训练（{study}）：请等待其结束或先停止它。",
    "exp.stopped": "已停止：{total} 次运行中完成了 {done} 次；下面的所有内容都基于这些运行判定。",
    "exp.expected": "刚刚在本机上估算：约 {s}。",
    "exp.estimating": "正在本机上计时几个训练步……",
    "exp.estimate": "本研究要训练 {runs} 次运行：在本机上约需 **{s}**（刚刚根据每个模型的几个训练步计时得出；页面每次同时训练 "
                    "{workers} 个批量模型，每个占一个 CPU 核）。命令行运行不需要保持页面打开：`python -m mtl_core sweep "
                    "--preset {preset} --workers 2 --threads 1 --out runs/study`（在 GPU 上用 `--device cuda`），然后在"
                    "最后一个标签页加载它的 results.csv。",
    "exp.estimate_failed": "无法在此计时（{msg}）。",
    # sidebar
    "exp.side.title": "研究设置",
    "exp.side.preset": "预设",
    "exp.side.preset_help": "一个命名的起点；更换预设会重置下面的设置。完整版预设即论文的实验流程：3 个模型 × 3 个相关性 × "
                            "200 次运行。",
    "exp.side.archs": "结构",
    "exp.side.archs_help": "注册表中任何能在这些任务上训练的结构；相关性扫描标签页会显示它们的参数量。",
    "exp.side.rhos": "任务相关性 ρ",
    "exp.side.rhos_help": "用逗号分隔的取值，范围 [−1, 1]。结论在 ρ = 1 与 ρ = 0.5 处判定。",
    "exp.side.seeds": "种子",
    "exp.side.seeds_help": "一个数量（20 = 种子 0-19）或一个范围，例如 100-119：在新的种子上检验结论。",
    "exp.side.weighting": "损失加权",
    "exp.side.weighting_help": "两个任务的损失如何合并；论文使用等权重。",
    "exp.side.data": "数据设置",
    "exp.side.data_help": "论文中的合成任务；本页所有合成数据研究共用这些设置。",
    "exp.side.train": "训练与模型规模",
    "exp.side.sb_units": "Shared-Bottom 单元数",
    "exp.side.sb_units_help": "Shared-Bottom 共享层的宽度：论文加宽这一层，使其参数量与 MMoE 大致相同。",
    "exp.side.tower_units": "任务塔单元数（所有模型）",
    "exp.side.tower_units_help": "每个任务塔的宽度，所有结构相同（论文：8）。用 8 个 ReLU 单元时，约每 100 次运行有 1 次"
                                 "以某个任务停在其标签方差附近告终（同一种子在每个 ρ 下都如此；改变学习率、噪声和 c 都不改变是哪些"
                                 "种子）。16 个单元在我们检查的种子上消除了门控模型的失败，但也抹去了 Shared-Bottom 的大部分劣势："
                                 "在种子 0-59 上，它从 ρ = 1 到 0.5 的损失上升由 0.05 降到 0.03，结论 (b) 和 (d) 在 3 组种子中"
                                 "有 2 组不成立。",
    "exp.side.names": "比较对象：{names}。",
    # 1. label correlation
    "exp.lc.intro": "**论文图 2。** ρ 是两个任务权重向量之间的余弦；由于正弦项把标签打乱，标签之间的相关性要比 ρ 低。"
                    "对于从 −1 到 1 的每个 ρ，数据被抽取若干次，并测量两列标签的 Pearson 相关系数。使用侧栏中的数据"
                    "设置（α/β 抽样、c、m、噪声、d）。",
    "exp.lc.draws": "每个 ρ 的抽样次数",
    "exp.lc.draws_help": "每个 ρ 的数据抽样次数（新的方向、输入与噪声），每次 5,000 个样本。",
    "exp.lc.mode": "每次抽样的 α、β",
    "exp.lc.mode_random": "重新抽取",
    "exp.lc.mode_fixed": "固定",
    "exp.lc.mode_help": "重新抽取：每次抽样使用新的正弦频率与相位（即论文图中的离散程度）。固定：使用侧栏的 α/β 抽样，"
                        "也就是各项研究训练所用的那一组；只有方向与噪声变化。",
    "exp.lc.drawing": "正在抽取数据……",
    "exp.lc.caption": "每个 ρ 抽样 {draws} 次、每次 {n} 个样本，α/β {mode}；阴影带 = 各次抽样的均值 ± 2 倍标准差。实测的"
                      "标签相关性：ρ = 0 时为 {r0:.2f}，ρ = 0.5 时为 {r05:.2f}（标准差 {sd05:.2f}），ρ = 1 时为 {r1:.3f}。"
                      "曲线低于对角线：任务之间的关联比 ρ 所表示的更弱。",
    # 2. sweep
    "exp.sweep.intro": "**论文图 3–4。** 每种结构在每个 ρ 上用每个种子训练（设置见侧栏；每种结构的所有运行合并为一个"
                       "批量模型训练）。先看训练过程中验证损失如何下降，再看最终测试损失随 ρ 的变化，最后是对论文四个"
                       "结论的判定。",
    "exp.sweep.plan": "{runs} 次运行：{archs} 种结构 × {rhos} 个 ρ 值 × {seeds} 个种子。",
    "exp.sweep.hint": "点击 **运行研究**。每个训练轮结束后显示曲线，每个模型训练完后显示最终损失，全部结束后给出判定；"
                      "快速版预设（180 次运行：3 个模型 × 3 个 ρ × 20 个种子）在 2 核 CPU 上约需一分钟。",
    "exp.sweep.waiting": "第一个模型的运行完成后会显示最终损失。",
    "exp.sweep.curves_caption": "训练过程中的验证损失（两个任务的平均）：各种子的中位数（线）与四分位距（阴影带），每个 ρ "
                                "一个面板，对数坐标。",
    "exp.sweep.final_caption": "最终测试损失（两个任务的平均）随 ρ 的变化：中位数（实线）及四分位距（阴影带），以及均值"
                               "（虚线、菱形）。判定依据的是均值，因此少数失败的运行可能使它偏离中位数。发散的运行不计入，"
                               "其数量列在判定表中。",
    "exp.sweep.verdict_later": "研究完成或停止后会显示判定表。",
    "exp.params.line": "按论文方式计数的参数量：{items}。下表将每种结构与 MMoE 的参数预算比较。",
    "exp.params.title": "各结构的参数量",
    "exp.params.caption": "论文按权重矩阵匹配参数预算，不计偏置、门控与输出单元（按此计数，论文中的 MMoE 为 13,056）："
                          "加宽 Shared-Bottom 的共享层（侧栏“训练与模型规模”），直到它与 MMoE 大致相同。第一列统计"
                          "全部可训练权重。",
    "exp.col.model": "模型",
    "exp.col.params": "全部权重",
    "exp.col.params_paper": "论文计数",
    "exp.col.vs_ref": "相对 {ref}",
    # verdicts
    "exp.v.title": "论文的结论在这些运行上成立吗？",
    "exp.v.spread": "结论 (d) 的离散度",
    "exp.v.sd": "标准差",
    "exp.v.spread_help": "结论 (d) 逐个种子比较每个模型最终损失的离散程度：每次运行到其模型均值的平方距离（标准差），或到中位数的绝对距离（稳健：一次失败的运行、失效的任务塔影响更小）。Shared-Bottom 与其他每个模型按种子配对比较，和所有判定一样给出 95% 置信区间。",
    "exp.v.exclude": "排除训练失败的运行",
    "exp.v.exclude_help": "训练失败的运行中有一个任务没有学到东西：其任务塔失效（输出常数），或其损失超过同一模型、同一 "
                          "ρ 下中位数的 3 倍，停留在标签方差附近。在我们的运行中，每种模型约每 100 次运行有 1 次这样失败，"
                          "且同一种子在每个 ρ 下都失败。默认保留，因为论文统计了每次运行。",
    "exp.claim.a": "任务相关性 ρ 降低时，每个模型都变差",
    "exp.claim.b": "ρ 降低时，MMoE 的损失上升远小于 Shared-Bottom 与 OMoE",
    "exp.claim.c": "任务相同（ρ = 1）时，MMoE 与 OMoE 表现相当",
    "exp.claim.d": "Shared-Bottom 的最终损失在各次运行间最分散（可训练性）",
    "exp.col.claim": "结论",
    "exp.col.numbers": "具体数字",
    "exp.col.verdict": "判定",
    "exp.v.holds": "✓ 成立",
    "exp.v.fails": "✗ 不成立",
    "exp.v.a": "ρ = {high} → ρ = {low} 时的平均测试损失：{items}。",
    "exp.v.b": "平均测试损失的上升：{items}。Shared-Bottom 与 OMoE 的上升是 MMoE 的倍数：{times}。MMoE 的上升对比 {against}（“小得多”指至多为对方的 1/{ratio}，即整个区间都至少小 {margin}%）。",
    "exp.v.c": "ρ = {rho} 时：MMoE {mmoe}，OMoE {omoe}；{diff}：{why}。",
    "exp.v.c_close": "整个区间都在 ±{tol}% 之内，两者表现相当",
    "exp.v.c_far": "差异明确，超出 ±{tol}%",
    "exp.v.d": "最终测试损失的{measure}：{items}。",
    "exp.v.collapsed": "任务塔失效的运行：{items}。",
    "exp.v.diverged": "发散的运行（不计入）：{items}。",
    "exp.v.failed": "损失超过其中位数 3 倍的种子（训练失败，{kept}）：{items}。",
    "exp.v.kept": "仍计入",
    "exp.v.left_out": "不计入",
    "exp.v.cannot": "无法在这些运行上判定结论：{msg}。判定需要 Shared-Bottom、OMoE 与 MMoE 在 ρ = 1 和 ρ = 0.5 处的结果。",
    "exp.v.all_hold": "四个结论在这些运行上全部成立。试试其他种子（侧栏，例如 100-119），看看它们是否再次成立。",
    "exp.v.some_fail": "结论 {claims} 在这些运行上不成立；具体数字说明了原因。论文的现象取决于数据设置和种子：试试其他"
                       "种子、另一种离散度，或难度探索。",
    # robustness of the quick preset's verdicts (benchmarks/claims_robustness.py)
    "exp.rob.title": "这些结论在新的种子上有多稳定？（实测）",
    "exp.rob.large": "在 {n} 个种子（{seeds}）上，失败运行{how}：{marks}。",
    "exp.rob.large_both": "在 {n} 个种子（{seeds}）上，无论是否排除失败运行：{marks}。",
    "exp.rob.col.seeds": "种子",
    "exp.rob.col.d_left_out": "(d)，排除失败运行",
    "exp.rob.col.rise": "{name} 的上升",
    "exp.rob.col.failed": "失败的运行（种子）",
    # the regime screen (benchmarks/claims_robustness.py --screen)
    "exp.screen.title": "我们试过的其他设置（在种子 {seeds} 上实测）",
    "exp.screen.intro": "`python benchmarks/claims_robustness.py --screen` 每次只改变快速预设的一项设置，在种子 {seeds}"
                        "（选定设置时所用的种子）上训练了 {n} 种设置，并在保留失败运行的情况下判定四个结论。上升：ρ = 0.5 "
                        "与 ρ = 1 时平均测试损失之差；结论 (b) 要求 MMoE 的上升不超过其他模型的一半。sd：ρ = 0.5 时最终"
                        "测试损失的离散度；结论 (d) 要求 Shared-Bottom 的离散度在每个 ρ 下都最大。两列依次为 "
                        "Shared-Bottom / OMoE / MMoE。",
    "exp.screen.preset": "无（快速预设本身）",
    "exp.screen.col.changes": "相对快速预设的改动",
    "exp.screen.col.rise": "上升",
    "exp.screen.col.sd": "ρ = 0.5 时的 sd",
    "exp.screen.found": "**筛选的结果。** (b) 在 {n} 种设置中的 {b} 种成立，(d) 在 {d} 种成立。(b) 需要任务足够难，"
                        "共享才有代价：使用数据集默认的抽样与 c = 1 时，所有上升都低于 0.007；c = 1.5 或 m = 5 时，"
                        "Shared-Bottom 的上升反而低于 MMoE。学习率 0.001 让所有模型都没有收敛（连 MMoE 的损失也上升 "
                        "0.11）；0.01 让 MMoE 在 40 个种子中的 12 个上失败。像论文那样按验证损失为每个模型选择学习率（这里从 0.001、0.003、0.01 中选），"
                        "三个模型都会选 0.01（验证损失中位数 Shared-Bottom 0.158、OMoE 0.045、MMoE 0.036，而 0.003 时为 0.173、"
                        "0.121、0.107）：也就是 0.01 那一行，(b) 和 (d) 都没有出现。(d) 是我们的运行最不支持的论文结论：在多数"
                        "设置下，OMoE 与 MMoE 的离散度和 Shared-Bottom 一样大。**在论文自己的规模下**（100 维输入，"
                        "Shared-Bottom 113 个单元），(b) 以很大的差距成立（上升：Shared-Bottom 0.31、OMoE 0.25、MMoE "
                        "0.066），但 (d) 不成立：在每个 ρ 下，MMoE 的 sd（0.24–0.28）都高于 Shared-Bottom（0.17–0.23）。"
                        "论文为每个模型分别选择了学习率（0.0001、0.001 或 0.01）；本次筛选对三个模型都用 0.003。在这些"
                        "种子（即选定设置时所用的种子）上，只有快速预设与标签噪声 0.5 让四个结论全部成立。噪声 0.5 随后在 20 组"
                        "新的 20 个种子上表现更差（`claims_robustness.py --set data.noise=0.5`）：(a) 20、(b) 14、(c) 20、"
                        "(d) 9 组成立（共 20 组），而快速预设为 18、16、20 和 12（两者在 200 个种子上四个结论都成立；这些是采用统一统计规则之前的点判定，按统一规则判定的快速预设各组结果见结论表下方的稳定性面板）。在 40 个"
                        "种子上看起来更好的设置，换到接下来的 400 个种子上可能更差：这就是快速预设要在新种子组上检验的原因。",
    # 3. trainability
    "exp.trn.intro": "**论文图 5。** 相关性扫描中各次运行的最终损失有多分散？每次运行是一个点（悬停可看种子）；叉号表示"
                     "训练失败的运行，其中某个任务没有学到东西（任务塔失效，或损失超过中位数的 3 倍，停留在标签方差附近）；"
                     "发散的运行没有损失值，其数量写在模型名称下方。",
    "exp.trn.hint": "先运行相关性扫描（标签页 2）或加载一个 results.csv（最后一个标签页）：它的运行会显示在这里。",
    "exp.trn.rho": "相关性 ρ",
    "exp.trn.caption": "ρ = {rho} 时：",
    "exp.trn.item": "{name}：标准差 {sd:.3f}，四分位距 {iqr:.3f}，{failed} 次失败，{diverged} 次发散",
    "exp.gates.intro": "**论文中没有这项实验，只有直觉：** 任务越不相关，每个任务的门控就越应该选择不同的专家组合。对每次"
                       "运行，把每个任务的门控在验证集上取平均，并测量两个任务门控之间的 Jensen–Shannon 距离（0 = 相同"
                       "的组合，1 = 没有共同的专家）。CGC 与 PLE 在其全部专家的并集上比较，因此任务自己的专家算作分开。",
    "exp.gates.archs": "带门控的结构",
    "exp.gates.archs_help": "每个任务各有一个门控的结构。",
    "exp.gates.rhos": "ρ 取值",
    "exp.gates.plan": "{runs} 次运行：{archs} 种结构 × {rhos} 个 ρ 值 × {seeds} 个种子，使用侧栏的数据设置与训练设置。",
    "exp.gates.hint": "点击 **运行研究**：默认训练 120 次运行（MMoE、CGC、PLE × 5 个 ρ 值 × 8 个种子）。",
    "exp.gates.caption": "每次运行是一个点（悬停可看种子）；线 = 各种子的中位数，阴影带 = 四分位距。",
    "exp.gates.found": "**这些运行显示：**",
    "exp.gates.apart": "{name}：任务越不相关，门控越分开——ρ = {lo} 时距离中位数为 {low:.3f}，ρ = {hi} 时为 {high:.3f}"
                       "（ρ 与距离的 Spearman 相关 {rs:+.2f}，{n} 次运行）。",
    "exp.gates.closer": "{name}：任务越不相关，门控反而越接近，与直觉相反——ρ = {lo} 时距离中位数为 {low:.3f}，ρ = {hi} "
                        "时为 {high:.3f}（Spearman {rs:+.2f}，{n} 次运行）。",
    "exp.gates.flat": "{name}：与 ρ 没有明显关系——ρ = {lo} 时距离中位数为 {low:.3f}，ρ = {hi} 时为 {high:.3f}"
                      "（Spearman {rs:+.2f}，{n} 次运行）；种子的影响比 ρ 更大。",
    # 5. difficulty
    "exp.diff.intro": "**为什么快速版预设使用这样的设置。** 论文的现象并不总会出现：换一种数据它们就会消失。选择一个数据"
                      "参数及要比较的取值；对每个取值，Shared-Bottom、OMoE 与 MMoE 分别在 ρ = 1 和 ρ = 0.5 上训练，图中"
                      "显示各自的损失上升了多少。结论 (b) 要求 MMoE 的上升至多是其他模型的一半。",
    "exp.diff.knob": "数据参数",
    "exp.diff.knob_help": "α、β 种子：决定任务的固定正弦频率与相位；c：权重向量的尺度（越大越非线性）；m：正弦项个数；"
                          "noise：标签噪声。",
    "exp.diff.values": "要比较的取值",
    "exp.diff.values_help": "用逗号分隔的参数取值；其余设置与侧栏相同。",
    "exp.diff.plan": "{runs} 次运行：3 个模型 × 2 个 ρ（1 与 0.5）× {knob} 的 {values} 个取值 × {seeds} 个种子。",
    "exp.diff.hint": "点击 **运行研究** 比较这些取值。",
    "exp.diff.caption": "柱：ρ = 0.5 时的平均测试损失减去 ρ = 1 时的（± 各种子的 1 个标准误）。柱接近零表示在该设置下 ρ "
                        "对这个模型几乎没有影响。",
    "exp.col.times_mmoe": "上升是 MMoE 的几倍",
    "exp.col.claim_b": "结论 (b)",
    "exp.diff.why": "快速版预设在 20 维输入上使用 α/β 抽样 5 与 c = 2。挑选预设时（在种子 0-39 上），默认的抽样 0 与 "
                    "c = 1 让任务过于简单，ρ 几乎没有影响（上升只在小数点后第三位）；而抽样 5 与 c = 2 让 Shared-Bottom "
                    "与 OMoE 的上升达到 MMoE 的数倍。亲自比较这些取值，并观察结论随种子变化有多大。",
    # Census
    "exp.census.intro": "**论文的真实数据基准**：UCI Census-Income（KDD，1994–95 年调查），任务组 1：一个人的收入是否超过"
                        " 5 万美元，以及是否从未结婚（标签相关性约 0.18）。各模型的测试集 AUC（各种子的均值 ± 标准差），"
                        "并与公开的复现结果并列。",
    "exp.census.missing": "本机上还没有 Census-Income 数据：运行一次 `python -m mtl_core data fetch census`（下载约 9 MB 的"
                          " UCI 文件并缓存到 data/census/ 下），或点击下面的按钮。",
    "exp.census.fetch": "立即获取",
    "exp.census.fetching": "正在下载并转换 Census-Income 文件……",
    "exp.census.fetch_failed": "获取失败：{msg}。请在终端中运行 `python -m mtl_core data fetch census` 查看每一步。",
    "exp.census.published_only": "本页用来对比的公开复现结果（测试集 AUC）：",
    "exp.census.preset": "预设",
    "exp.census.plan": "{runs} 次运行；在本机上估算约 {s}。",
    "exp.census.hint": "点击 **运行研究**：快速版预设在 50,000 条样本的子集上训练五种结构 × 3 个种子。",
    "exp.census.close": "**{task}**：我们最好的结果是 {best}（{model}）；与 torch-rechub 的相同模型对比：{comp}。",
    "exp.census.preprocessing": "预处理：我们遵循 torch-rechub 的 `preprocess_census.py`——去掉 instance weight 列，从输入中"
                                "去掉两个标签列，类别列做标签编码后经嵌入层输入，官方测试文件对半分为验证集与测试集——不同"
                                "之处是我们对七个数值列做标准化，而不是最小-最大缩放。快速版预设只在 50,000 条样本的子集上"
                                "训练 4 轮，结果会低于完整版。",
    "exp.census.sources": "来源：torch-rechub，examples/ranking/README.md（测试集 AUC：收入 / 从未结婚；其单层 PLE 即 "
                          "CGC）；IJANMC 2024，doi:10.2478/ijanmc-2024-0005（其自有的预处理；在那里单任务模型在收入任务上"
                          "胜出：跷跷板现象）。OMoE 没有公开数字；MMoE 论文自己的 Census 表格因无法核对而未列出。",
    "exp.task.income": "收入 > 5 万美元",
    "exp.task.marital": "从未结婚",
    "exp.task.education": "大学学位",
    "exp.src.torch_rechub": "torch-rechub",
    "exp.src.ijanmc_2024": "IJANMC 2024",
    "exp.col.ours": "本页结果：{task}",
    # load
    "exp.load.intro": "加载由命令行生成的 results.csv——例如论文的完整流程 `python -m mtl_core sweep --preset "
                      "mmoe_paper_full --out runs/full`（1,800 次运行），或 `--preset census_full`——查看其最终损失、"
                      "可训练性与结论判定，或其 Census AUC。",
    "exp.load.upload": "results.csv",
    "exp.load.help": "由 `python -m mtl_core sweep` 写出的 results.csv（记录格式版本 2）。",
    "exp.load.bad": "**无法显示 {name}：** {msg}",
    "exp.load.ok": "已加载 {name}：{rows:,} 行，{runs:,} 次运行。",
    "exp.load.no_curves": "results.csv 只包含最终损失：损失随训练步变化的曲线只对在本页运行的研究显示。",
    # figures
    "exp.fig.lc_title": "标签相关性与任务相关性 ρ",
    "exp.fig.identity": "对角线（标签相关性等于 ρ）",
    "exp.fig.two_sd": "各次抽样的均值 ± 2 倍标准差",
    "exp.fig.lc_mean": "实测标签相关性（均值）",
    "exp.fig.rho_axis": "任务相关性 ρ = cos(w₁, w₂)",
    "exp.fig.lc_axis": "标签的 Pearson 相关系数",
    "exp.fig.curves_title": "训练过程中的验证损失（按 ρ）",
    "exp.fig.step": "训练步",
    "exp.fig.val_loss_axis": "验证损失（对数）",
    "exp.fig.final_title": "最终测试损失与任务相关性 ρ",
    "exp.fig.median_of": "{name} · 中位数",
    "exp.fig.mean_of": "{name} · 均值",
    "exp.fig.median": "中位数",
    "exp.fig.mean": "均值",
    "exp.fig.rho_short": "任务相关性 ρ",
    "exp.fig.test_loss_axis": "测试损失（各任务平均）",
    "exp.fig.trn_title": "ρ = {rho} 时每次运行的最终测试损失",
    "exp.fig.trn_counts": "{n} 次运行 · {failed} 次失败 · {diverged} 次发散",
    "exp.fig.trn_legend": "点 = 一次运行 · × = 失败的运行（某个任务没有学到东西）· 小提琴 = 分布，虚线 = 均值（对数坐标）",
    "exp.fig.collapsed": "失败：某个任务没有学到东西",
    "exp.fig.gates_title": "两个任务门控之间的距离与 ρ",
    "exp.fig.js_axis": "Jensen–Shannon 距离（0 = 相同，1 = 不相交）",
    "exp.fig.diff_title": "从 ρ = {high} 到 ρ = {low} 的损失上升",
    "exp.fig.diff_axis": "ρ = {low} 时的损失 − ρ = {high} 时的损失",
    "exp.fig.census_title": "Census-Income：各任务的测试集 AUC",
    "exp.fig.ours": "本页结果（各种子的均值 ± 标准差）",
    "exp.fig.test_auc": "测试集 AUC",
    "rule.better": "{agree}/{n} 个种子更好，{effect}",
    "rule.worse": "{k}/{n} 个种子更差，{effect}",
    "rule.unclear": "种子太少，无法判断：{agree}/{n} 个种子更好，{effect}",
    "rule.too_few": "种子太少，无法判断（{n} 个种子；至少需要 3 个）",
    "exp.v.mad": "相对中位数的平均绝对偏差",
    "exp.v.unclear": "? 种子太少，无法判断",
    "exp.v.rise.better": "{agree}/{n} 个种子上升，{effect}",
    "exp.v.rise.worse": "{k}/{n} 个种子下降，{effect}",
    "exp.v.rise.unclear": "种子太少，无法判断：{agree}/{n} 个种子上升，{effect}",
    "exp.v.smaller.better": "{agree}/{n} 个种子更小，{effect}",
    "exp.v.smaller.worse": "{k}/{n} 个种子更大，{effect}",
    "exp.v.smaller.unclear": "种子太少，无法判断：{agree}/{n} 个种子更小，{effect}",
    "exp.v.b_against": "{name} 的：{text}",
    "exp.v.c_diff": "MMoE − OMoE = OMoE 损失的 {d}% [{lo}, {hi}]，{agree}/{n} 个种子上 MMoE 更低",
    "exp.v.c_open": "区间超出 ±{tol}%：种子太少，无法判断",
    "exp.v.d_ratio": "Shared-Bottom 是 {name} 的 {ratio} 倍 [{lo}, {hi}]，{agree}/{n} 个种子上偏离更远",
    "exp.v.some_unclear": "结论 {claims} 种子太少，无法判断：区间跨过了结论所划的界线。更多种子会让区间变窄。",
    "exp.rob.intro_rule": "快速预设的设置是在种子 0-39 上选定的。随后 `python benchmarks/claims_robustness.py` 在 {sets} 组互不相交、未参与挑选的 20 个种子上训练它，并用同一条规则（按种子配对，95% 置信区间）判定每条结论：{tally}。",
    "exp.rob.tally": "({claim}) 成立 {holds}，不成立 {fails}，种子太少无法判断 {unclear}",
    "exp.rob.col.c_diff": "(c) ρ = 1 时 MMoE − OMoE，%［95% 置信区间］（MMoE 更低的种子数）",
    "exp.screen.legacy": "按采用统一统计规则之前的点判定得出（筛选没有保存逐种子的损失）；✓ 与 ✗ 只表示“均值指向这个方向”，而不是区间排除了相反的结论。",
    "exp.rob.c_small": "**结论 (c)**，ρ = 1 时 MMoE ≈ OMoE（按种子配对的差值在 OMoE 损失的 ±{tol} % 之内）：在 {n} 组 20 个种子上，差值从 {lo} % 到 {hi} % 不等；置信区间完全落在这个范围内的有 {holds} 组，完全落在范围外的有 {fails} 组。20 个种子时，这个区间通常有 {width} 个百分点宽，而允许的范围只有 {band} 个百分点宽。",
    "exp.rob.c_wide": "所以即使均值很接近，一组 20 个种子也很难证明二者相等：这时诚实的判定是“种子太少，无法判断”，而不是“成立”。",
    "exp.rob.c_large": "在 {n} 个种子（{seeds}）上：MMoE − OMoE = {d} % [{lo}, {hi}]，{agree}/{n} 个种子上 MMoE 更低：{verdict}。",
    "exp.rob.fig.title": "每组种子上的结论 (c)：ρ = 1 时 MMoE − OMoE 及其 95% 置信区间",
    "exp.rob.fig.x": "MMoE − OMoE，占 OMoE 测试损失的 %（阴影：结论允许的 ±{tol} % 范围）",
    "exp.rob.fig.hover": "{agree}/{n} 个种子上 MMoE 更低",
}
