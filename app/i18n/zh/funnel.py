"""中文：漏斗探索器（页面文字、图与表）。"""

STRINGS: dict[str, str] = {
    "nav.funnel": "漏斗探索器",
    "fx.title": "漏斗探索器：对照真实概率看 ESMM",
    "fx.intro": "曝光 → 点击 → 转化。只在点击样本上训练的 CVR 模型会被用于所有曝光（样本选择偏差），而转化又很稀少"
                "（数据稀疏）。这个合成漏斗知道每次曝光真实的 pCTR 与 pCVR，所以在这里能看到任何真实数据集都看不到的东西："
                "偏差本身，以及 ESMM 的 pCTCVR = pCTR × pCVR、AITM、IPW 与 ESCM² 如何应对它。",
    # knobs
    "fx.knobs": "漏斗",
    "fx.preset": "预设",
    "fx.preset_help": "一个命名的起点；切换预设会重置下面的所有参数。",
    "fx.more": "更多数据设置",
    "fx.run_knobs": "对比实验",
    "fx.seeds": "种子数",
    "fx.seeds_help": "每个模型都在相同的数据抽样上训练，每个种子一份；表格给出各种子的均值 ± 标准差。",
    "fx.models": "模型",
    "fx.models_help": "所有模型使用相同的特征、数据和训练设置。",
    "fx.no_models": "请至少选择一个模型。",
    "fx.model.naive": "朴素模型（只在点击上训练 CVR）",
    "fx.model.naive_shared": "朴素模型，共享嵌入",
    "fx.model.esmm": "ESMM",
    "fx.model.esmm_ns": "ESMM-NS（不共享）",
    "fx.model.esmm_mmoe": "基于 MMoE 的 ESMM",
    "fx.model.esmm_ple": "基于 PLE 的 ESMM",
    "fx.model.aitm": "AITM",
    "fx.model.aitm_nocal": "AITM，无校准器",
    "fx.model.ipw": "IPW",
    "fx.model.escm2_ipw": "ESCM²-IPS",
    # 1. the funnel
    "fx.sketch": "1 · 这份数据的漏斗",
    "fx.invalid": "有些设置无效：",
    "fx.m.ctr": "点击率",
    "fx.m.cvr": "点击后的转化率",
    "fx.m.pcvr_clicked": "真实 pCVR · 被点击",
    "fx.m.pcvr_all": "真实 pCVR · 全部",
    "fx.m.per_user": "每个用户的曝光数",
    "fx.m.conv_per_user": "每个用户的转化数",
    "fx.sketch_caption": "第一个种子的数据抽样，尚未训练。被点击的曝光的转化概率是平均曝光的 {ratio:.1f} 倍："
                         "这就是只在点击上训练的 CVR 模型所继承的样本选择偏差。提高选择强度会让点击更有选择性；"
                         "更多的用户和物品会让每个 ID 更稀少（更稀疏）。",
    # the job
    "fx.run_title": "训练对比实验",
    "fx.run": "运行对比实验",
    "fx.plan": "{models} 个模型 × {seeds} 个种子，使用相同的数据抽样：{names}。",
    "fx.curves_caption": "训练过程中：在全部曝光空间上（对照每次曝光的反事实转化标签）的验证集 CVR AUC，各种子取平均；"
                         "0.5 为随机水平。**为什么 AITM 在第 1 轮附近跌到随机水平以下：** AITM 并不直接预测 pCVR，它的 "
                         "pCVR 是 pCTCVR ÷ pCTR，而这两个输出头几乎按同一个分数给曝光排序；当 CTR 头比 CTCVR 头更陡时，"
                         "两者同升之处比值反而下降，排序随之颠倒。在本预设上测得（`python benchmarks/funnel_aitm_dip.py`，"
                         "种子 0–4）：第 1 轮时比值的 AUC 在 5 个种子中的 3 个上为 0.27–0.29（另两个为 0.50 与 0.71），"
                         "与只按 1 ÷ pCTR 排序相同，而 AITM 的 pCTCVR 对转化的排序 AUC 为 0.71–0.74；AUC 低于 0.5 "
                         "恰好出现在 CTCVR 头的分布比 CTR 头更窄的时候（40 个快照中 40 个），从第 1.5 轮起为 "
                         "0.71–0.75，与 ESMM 相当。有无校准器的 AITM 在这里画出同一条曲线：校准器只惩罚 "
                         "pCTCVR > pCTR，而没有任何曝光达到这一点。",
    "fx.hint": "点击 **运行对比实验**：默认预设在双核 CPU 上用一到两分钟以三个种子训练七个模型。结束后，概率分解、"
               "偏差和表格会显示在这里。",
    "fx.result_of": "{models} 个模型 × {seeds} 个种子，训练用时 {s:.0f} 秒。",
    # 2. decomposition
    "fx.decomp": "2 · 概率分解",
    "fx.decomp_model": "模型",
    "fx.decomp_caption": "第一个种子的 {n} 次测试曝光，按真实 pCTCVR 排序。线：真实值；点：模型预测（菱形表示被点击）。"
                         "最后一栏中的圆环是模型的 pCTR × pCVR：它们与模型的 pCTCVR 完全重合，因为 ESMM 就是按 "
                         "pCTCVR = pCTR × pCVR 构建的。",
    # 3. bias
    "fx.bias": "3 · 全空间上的偏差",
    "fx.calib_models": "校准曲线中的模型",
    "fx.calib_caption": "预测的 pCVR（分成十个等样本量的区间）对比区间内曝光的真实 pCVR 均值：分别在被点击的曝光上"
                        "（CVR 模型可以在这里训练和检验）和未被点击的曝光上（模型在这里被使用，却从未见过标签）。"
                        "落在对角线上 = 校准良好。",
    "fx.bias_caption": "预测均值 − 真实均值（± 各种子间 1 个标准差）。未被点击的测试曝光的真实 pCVR 均值为 {truth:.4f}。",
    "fx.bias_naive_esmm": "这里朴素模型在未被点击的曝光上高估了 {naive:+.4f}，而在它训练所用的被点击曝光上只偏差 "
                          "{naive_c:+.4f}；ESMM 在未被点击曝光上的偏差为 {esmm:+.4f}。",
    # 4. table
    "fx.calibrator_idle": 'AITM 有无校准器的结果在这里相同（差 {gap:.1e}）：校准器只惩罚预测的 P(点击且转化) 高于 P(点击) 的情况，而转化如此稀少时模型从不这样预测，因此惩罚项一直为零。只有当后一步并不比前一步稀少很多时它才起作用。',
    "fx.calibrator_active": '校准器使 AITM 的全空间 CVR AUC 变化了 {gap:.4f}。',
    "fx.table": "4 · 多个种子上的指标",
    "fx.table_caption": "测试集。被点击曝光上的 CVR AUC 是真实数据能够测量的；全空间 CVR AUC 使用只有合成漏斗才有的"
                        "反事实标签（如果被点击，是否会转化）。最后一列是 ESMM 论文在 Ali-CCP 上的结果（表 2）："
                        "真实数据，8400 万次曝光，仅供参考，不能逐个数字直接比较。",
    "fx.oracle": "真实概率本身在这份数据上的全空间 CVR AUC 为 {auc:.3f}，CTCVR AUC 为 {ctcvr:.3f}：这是上限。",
    "fx.download_summary": "summary.json",
    "fx.download_results": "results.csv",
    # 5. regime map
    "fx.regime": "5 · ESMM 在哪里有帮助，在哪里没有",
    "fx.regime_caption": "离线测得（`python -m mtl_core funnel --regime --seeds 2`，使用 esmm_story 的设置）：ESMM "
                         "的全空间 CVR AUC 减去朴素模型的，2 个种子的均值 ± 标准差（按应用的统一规则，种子太少，无法给出区间：至少需要 3 个；两个种子的差值在每个点上符号都相同），30 万次曝光，随 ID 变得更稀疏（更多用户"
                         "和物品）以及点击更有选择性而变化。ESMM 的优势随两者一起增大（4,000 × 4,000、强选择时为 +0.16），"
                         "而在 ID 稠密时消失（250 × 250：每个 ID 都有足够的点击，朴素模型也能学好）。点击完全随机时（选择"
                         "强度 0），ESMM 反而落后约 0.08：每次曝光的 pCTR 都一样，共享嵌入从点击中学不到东西，也没有需要"
                         "纠正的选择偏差，而 ESMM 只通过 pCTR × pCVR 学习 pCVR，得到的信号很弱。",
    # figures
    "fx.fig.funnel_title": "曝光 → 点击 → 转化",
    "fx.fig.impressions": "曝光",
    "fx.fig.clicks": "点击",
    "fx.fig.conversions": "转化",
    "fx.fig.clicks_text": "{n} · 点击率 {rate:.1f} %",
    "fx.fig.conv_text": "{n} · 占点击 {rate:.1f} %",
    "fx.fig.bias_note": "每次曝光的转化率 {total:.2f} % · 真实 pCVR：被点击 {clicked:.3f}，全部曝光 {all:.3f}",
    "fx.fig.decomp_title": "{model}：预测概率与真实概率",
    "fx.fig.pctr": "pCTR",
    "fx.fig.pcvr": "pCVR",
    "fx.fig.pctcvr": "pCTCVR",
    "fx.fig.truth": "真实值",
    "fx.fig.unclicked": "未点击",
    "fx.fig.clicked": "已点击",
    "fx.fig.product": "pCTR × pCVR",
    "fx.fig.probability": "概率（对数）",
    "fx.fig.sorted": "曝光，按真实 pCTCVR 排序",
    "fx.fig.calib_title": "pCVR 相对真实值的校准",
    "fx.fig.space_clicked": "被点击的曝光",
    "fx.fig.space_unclicked": "未被点击的曝光",
    "fx.fig.perfect": "完全校准",
    "fx.fig.pred_pcvr": "预测 pCVR",
    "fx.fig.true_pcvr": "真实 pCVR",
    "fx.fig.bias_title": "pCVR 偏差：预测均值 − 真实均值",
    "fx.fig.bias_axis": "偏差",
    "fx.fig.curves_title": "训练中的全空间 CVR AUC（验证集）",
    "fx.fig.auc_entire": "全空间 CVR AUC",
    "fx.fig.chance": "随机水平",
    "fx.fig.regime_title": "ESMM − 朴素模型，全空间 CVR AUC",
    "fx.fig.strength": "选择强度 {s:g}",
    "fx.fig.n_ids": "用户数 = 物品数（越往右越稀疏）",
    "fx.fig.gap_axis": "AUC 差距",
    "fx.col.model": "模型",
    "fx.col.cvr_auc_clicked": "CVR AUC，被点击",
    "fx.col.cvr_auc_entire": "CVR AUC，全空间",
    "fx.col.ctcvr_auc": "CTCVR AUC",
    "fx.col.pcvr_bias_unclicked": "pCVR 偏差，未点击",
    "fx.col.pcvr_ece_entire": "pCVR 校准误差",
    "fx.col.seeds": "种子数",
    "fx.col.paper": "Ali-CCP 真实数据（论文）：CVR / CTCVR AUC %",
    "fx.vs_naive": "**与朴素模型对比**，全空间 CVR AUC 按种子配对（AUC 差值，95% 置信区间；与应用中所有判定同一条规则）：{items}。",
}
