"""English: the classroom server (caps, queue, server status; `app/server.py`)."""

STRINGS: dict[str, str] = {
    "server.queued": "**Waiting for a training slot:** {ahead} run(s) ahead of you. This classroom server trains "
                     "{jobs} runs at a time; yours starts by itself when a slot frees up.",
    "server.queued_next": "**Waiting for a training slot:** you are next in line. This classroom server trains "
                          "{jobs} runs at a time; yours starts by itself when a slot frees up.",
    "server.cap.title": "**Over this classroom server's limits.** Change the setting named below (or ask your "
                        "instructor, who can raise the limit):",
    "server.cap.data": "the data would take about {mb} MB in memory; the limit is {cap} MB per run ({env}). "
                       "Lower the data size ({settings}).",
    "server.cap.passes": "training samples × epochs = {n} × {epochs} = {passes}; the limit is {cap} ({env}). "
                         "Lower train.epochs or the number of training samples.",
    "server.cap.snapshots": "train.snapshots_per_epoch is {n}; the limit is {cap} ({env}).",
    "server.cap.params": "the model has {n} parameters; the limit is {cap} ({env}). Use fewer or smaller "
                         "experts, layers or embeddings.",
    "server.cap.study_runs": "this study has {n} runs; the limit is {cap} runs per study ({env}). Use fewer "
                             "seeds or values, or run it with the command line (`python -m mtl_core sweep`).",
    "server.cap.study_data": "{seeds} runs trained at once would hold about {mb} MB of data; the limit is {cap} MB "
                             "({env}). Use fewer seeds or less data ({settings}).",
    "server.cap.study_passes": "runs × training samples × epochs = {passes}; the limit is {cap} ({env}). Use "
                               "fewer seeds or values, fewer epochs or less data.",
    "server.cap.studies": "another study of yours is still training ({where}); this classroom server trains at "
                          "most {cap} study per visitor at a time ({env}). Stop it there first, then run this one.",
    "server.badge": "Classroom server: runs take turns on the CPU",
    "server.badge_help": "Runs share the server's CPU in turns. At most {jobs} train at once; later ones wait in "
                         "line and start by themselves. Limits per run: data {mb} MB, {passes} sample passes, "
                         "{snaps} snapshots per epoch; {runs} runs per study, {studies} study at a time.",
    # admission gate (adapters helper): every section, and a generous default outside classroom mode
    "server.cap.memory": "the job would need about {mb} MB of memory (data, models, snapshots); the limit is "
                         "{cap} MB ({env}). Use less data ({settings}), a smaller model or fewer runs at once.",
    "server.cap.list": "{setting} has {n} values; the limit is {cap} ({env}).",
    "server.cap.title_open": "**Over this server's limits.** Change the setting named below (whoever runs the "
                             "server can raise the limit):",
}
