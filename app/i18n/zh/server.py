"""中文：课堂服务器（限制、排队、服务器状态；`app/server.py`）。"""

STRINGS: dict[str, str] = {
    "server.queued": "**正在等待训练名额：** 你前面还有 {ahead} 个运行。本课堂服务器同时训练 {jobs} 个运行；"
                     "有空位时你的运行会自动开始。",
    "server.queued_next": "**正在等待训练名额：** 下一个就轮到你。本课堂服务器同时训练 {jobs} 个运行；"
                          "有空位时你的运行会自动开始。",
    "server.cap.title": "**超出了本课堂服务器的限制。** 请修改下面指出的设置（或请讲师提高限制）：",
    "server.cap.data": "数据大约需要 {mb} MB 内存；每次运行的上限为 {cap} MB（{env}）。请减小数据规模（{settings}）。",
    "server.cap.passes": "训练样本数 × 轮数 = {n} × {epochs} = {passes}；上限为 {cap}（{env}）。"
                         "请减少 train.epochs 或训练样本数。",
    "server.cap.snapshots": "train.snapshots_per_epoch 为 {n}；上限为 {cap}（{env}）。",
    "server.cap.params": "模型有 {n} 个参数；上限为 {cap}（{env}）。请减少专家、层或嵌入的数量或规模。",
    "server.cap.study_runs": "该研究有 {n} 次运行；每个研究的上限为 {cap} 次（{env}）。请减少种子或取值，"
                             "或使用命令行运行（`python -m mtl_core sweep`）。",
    "server.cap.study_data": "同时训练的 {seeds} 次运行大约占用 {mb} MB 数据；上限为 {cap} MB（{env}）。"
                             "请减少种子或数据量（{settings}）。",
    "server.cap.study_passes": "运行数 × 训练样本数 × 轮数 = {passes}；上限为 {cap}（{env}）。请减少种子、取值、"
                               "轮数或数据量。",
    "server.cap.studies": "你的另一个研究仍在训练（{where}）；本课堂服务器每位访客同时最多训练 {cap} 个研究"
                          "（{env}）。请先在那里停止它，再运行这个。",
    "server.badge": "课堂服务器：各运行轮流使用 CPU",
    "server.badge_help": "各运行轮流使用服务器的 CPU。同时最多训练 {jobs} 个，之后的排队并会自动开始。每次运行的"
                         "限制：数据 {mb} MB、{passes} 个样本遍历、每轮 {snaps} 次快照；每个研究 {runs} 次运行，"
                         "同时 {studies} 个研究。",
    # admission gate (adapters helper): every section, and a generous default outside classroom mode
    "server.cap.memory": "该任务大约需要 {mb} MB 内存（数据、模型、快照）；上限为 {cap} MB（{env}）。"
                         "请减小数据规模（{settings}）、使用更小的模型或减少同时训练的运行。",
    "server.cap.list": "{setting} 有 {n} 个值；上限为 {cap}（{env}）。",
    "server.cap.title_open": "**超出了本服务器的限制。** 请修改下面指出的设置（服务器的运行者可以提高限制）：",
}
