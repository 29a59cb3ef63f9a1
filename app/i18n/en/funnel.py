"""English: the funnel explorer (page text, its figures and table)."""

STRINGS: dict[str, str] = {
    "nav.funnel": "Funnel explorer",
    "fx.title": "Funnel explorer: ESMM against the truth",
    "fx.intro": "Impression → click → conversion. A CVR model trained on clicked impressions only is used on every "
                "impression (sample selection bias), and conversions are rare (data sparsity). This synthetic funnel "
                "knows every impression's true pCTR and pCVR, so here we can see what no real dataset shows: the "
                "bias itself, and how ESMM's pCTCVR = pCTR × pCVR, AITM, IPW and ESCM² deal with it.",
    # knobs
    "fx.knobs": "The funnel",
    "fx.preset": "Preset",
    "fx.preset_help": "A named starting point; changing it resets every knob below.",
    "fx.more": "More data settings",
    "fx.run_knobs": "The comparison",
    "fx.seeds": "Seeds",
    "fx.seeds_help": "Each model trains on the same data draws, one per seed; the table shows mean ± sd over seeds.",
    "fx.models": "Models",
    "fx.models_help": "Every model sees the same features, data and training settings.",
    "fx.no_models": "Choose at least one model.",
    "fx.model.naive": "Naive (CVR on clicks only)",
    "fx.model.naive_shared": "Naive, shared embeddings",
    "fx.model.esmm": "ESMM",
    "fx.model.esmm_ns": "ESMM-NS (no sharing)",
    "fx.model.esmm_mmoe": "ESMM on MMoE",
    "fx.model.esmm_ple": "ESMM on PLE",
    "fx.model.aitm": "AITM",
    "fx.model.aitm_nocal": "AITM, no calibrator",
    "fx.model.ipw": "IPW",
    "fx.model.escm2_ipw": "ESCM²-IPS",
    # 1. the funnel
    "fx.sketch": "1 · The funnel of this data",
    "fx.invalid": "Some settings are invalid:",
    "fx.m.ctr": "Click-through rate",
    "fx.m.cvr": "Conversion rate of clicks",
    "fx.m.pcvr_clicked": "True pCVR · clicked",
    "fx.m.pcvr_all": "True pCVR · all",
    "fx.m.per_user": "Impressions per user",
    "fx.m.conv_per_user": "Conversions per user",
    "fx.sketch_caption": "The first seed's draw, before any training. Clicked impressions convert {ratio:.1f}× "
                         "more often than the average impression would: that is the sample selection bias a "
                         "CVR model trained on clicks inherits. Raise the selection strength to make clicks "
                         "more selective; more users and items make every ID rarer (sparser).",
    # the job
    "fx.run_title": "Train the comparison",
    "fx.run": "Run the comparison",
    "fx.plan": "{models} models × {seeds} seeds on the same draws: {names}.",
    "fx.curves_caption": "While training: the validation CVR AUC on the ENTIRE space (against the counterfactual "
                         "conversion labels of every impression), mean over seeds; 0.5 is chance. **Why AITM dips "
                         "below chance near epoch 1:** AITM does not predict pCVR itself; its pCVR is pCTCVR ÷ pCTR, "
                         "two heads that rank the impressions by nearly the same score, so while the CTR head is the "
                         "steeper of the two the ratio falls where both rise and ranks the impressions backwards. "
                         "Measured on this preset (`python benchmarks/funnel_aitm_dip.py`, seeds 0–4): at epoch 1 "
                         "the ratio's AUC was 0.27–0.29 on 3 of 5 seeds (0.50 and 0.71 on the other two), the same "
                         "as ranking by 1 ÷ pCTR alone, while AITM's pCTCVR ranked the conversions at 0.71–0.74; "
                         "the AUC was below 0.5 exactly where the CTCVR head's spread was the narrower (40 of 40 "
                         "snapshots), and from epoch 1.5 on it is 0.71–0.75, as ESMM's. AITM with and without its "
                         "calibrator draw one curve here: the calibrator only penalises pCTCVR > pCTR, which no "
                         "impression reached.",
    "fx.hint": "Press **Run the comparison**: the default preset trains seven models over three seeds in one to "
               "two minutes on a 2-core CPU. The decomposition, the bias and the table appear here when it ends.",
    "fx.result_of": "{models} models × {seeds} seeds, trained in {s:.0f} s.",
    # 2. decomposition
    "fx.decomp": "2 · Probability decomposition",
    "fx.decomp_model": "Model",
    "fx.decomp_caption": "{n} test impressions of the first seed, sorted by their true pCTCVR. Line: the truth; "
                         "dots: the model (diamonds were clicked). Rings in the last panel are the model's pCTR × "
                         "pCVR: they sit exactly on its pCTCVR, since pCTCVR = pCTR × pCVR is how ESMM is built.",
    # 3. bias
    "fx.bias": "3 · Bias on the entire space",
    "fx.calib_models": "Models in the calibration curves",
    "fx.calib_caption": "Predicted pCVR (in ten equal-count bins) against the mean TRUE pCVR of the impressions "
                        "in the bin, on clicked impressions (where a CVR model can be trained and checked) and on "
                        "unclicked ones (where it is used without ever seeing a label). On the diagonal = calibrated.",
    "fx.bias_caption": "Mean predicted − mean true pCVR (± 1 sd over seeds). The true mean pCVR of unclicked test "
                       "impressions is {truth:.4f}.",
    "fx.bias_naive_esmm": "Here the naive model over-predicts it by {naive:+.4f} on unclicked impressions while it "
                          "is off by only {naive_c:+.4f} on the clicked ones it was trained on; ESMM's error on "
                          "unclicked impressions is {esmm:+.4f}.",
    # 4. table
    "fx.calibrator_idle": 'AITM with and without its calibrator score the same here (gap {gap:.1e}): the calibrator only penalises a predicted P(click and convert) above P(click), and with conversions this rare the model never predicts that, so the penalty stays at zero. It matters only when the later step is not much rarer than the earlier one.',
    "fx.calibrator_active": "The calibrator moved AITM's entire-space CVR AUC by {gap:.4f}.",
    "fx.table": "4 · Metrics over seeds",
    "fx.table_caption": "Test split. CVR AUC on clicked impressions is what a real dataset can measure; the "
                        "entire-space CVR AUC uses the counterfactual labels (would it have converted, had it been "
                        "clicked) that only a synthetic funnel has. The last column is the ESMM paper's Ali-CCP "
                        "result (Table 2): REAL data, 84M impressions, shown for reference, not comparable number "
                        "for number.",
    "fx.oracle": "The true probabilities themselves score an entire-space CVR AUC of {auc:.3f} and a CTCVR AUC of "
                 "{ctcvr:.3f} on this data: the ceiling.",
    "fx.download_summary": "summary.json",
    "fx.download_results": "results.csv",
    # 5. regime map
    "fx.regime": "5 · Where ESMM helps, and where it does not",
    "fx.regime_caption": "Measured offline (`python -m mtl_core funnel --regime --seeds 2`, the esmm_story settings): "
                         "ESMM's entire-space CVR AUC minus the naive model's, mean ± sd over 2 seeds (too few for an interval by the "
                         "app's one rule, which needs at least 3; the two seeds' gaps have the same sign at every point), 300k "
                         "impressions, as the IDs get sparser (more users and items) and clicks more selective. "
                         "ESMM's edge grows with both (+0.16 at 4,000 × 4,000 with strong selection) and vanishes "
                         "when IDs are dense (250 × 250: every ID has enough clicks for the naive model). With "
                         "random clicks (selection strength 0) ESMM LOSES by about 0.08: pCTR is the same for every "
                         "impression, so the shared embeddings learn nothing from clicks, there is no selection bias "
                         "to undo, and ESMM's pCVR, learned only through pCTR × pCVR, gets a weak signal.",
    # figures
    "fx.fig.funnel_title": "Impressions → clicks → conversions",
    "fx.fig.impressions": "impressions",
    "fx.fig.clicks": "clicks",
    "fx.fig.conversions": "conversions",
    "fx.fig.clicks_text": "{n} · {rate:.1f} % CTR",
    "fx.fig.conv_text": "{n} · {rate:.1f} % of clicks",
    "fx.fig.bias_note": "conversions per impression {total:.2f} % · true pCVR: clicked {clicked:.3f} vs all impressions {all:.3f}",
    "fx.fig.decomp_title": "{model}: predicted vs true probabilities",
    "fx.fig.pctr": "pCTR",
    "fx.fig.pcvr": "pCVR",
    "fx.fig.pctcvr": "pCTCVR",
    "fx.fig.truth": "truth",
    "fx.fig.unclicked": "unclicked",
    "fx.fig.clicked": "clicked",
    "fx.fig.product": "pCTR × pCVR",
    "fx.fig.probability": "probability (log)",
    "fx.fig.sorted": "impressions, sorted by true pCTCVR",
    "fx.fig.calib_title": "pCVR calibration against the truth",
    "fx.fig.space_clicked": "clicked impressions",
    "fx.fig.space_unclicked": "unclicked impressions",
    "fx.fig.perfect": "calibrated",
    "fx.fig.pred_pcvr": "predicted pCVR",
    "fx.fig.true_pcvr": "true pCVR",
    "fx.fig.bias_title": "pCVR bias: mean predicted − mean true",
    "fx.fig.bias_axis": "bias",
    "fx.fig.curves_title": "Entire-space CVR AUC while training (validation)",
    "fx.fig.auc_entire": "CVR AUC, entire space",
    "fx.fig.chance": "chance",
    "fx.fig.regime_title": "ESMM − naive, entire-space CVR AUC",
    "fx.fig.strength": "selection strength {s:g}",
    "fx.fig.n_ids": "users = items (sparser →)",
    "fx.fig.gap_axis": "AUC gap",
    "fx.col.model": "model",
    "fx.col.cvr_auc_clicked": "CVR AUC, clicked",
    "fx.col.cvr_auc_entire": "CVR AUC, entire space",
    "fx.col.ctcvr_auc": "CTCVR AUC",
    "fx.col.pcvr_bias_unclicked": "pCVR bias, unclicked",
    "fx.col.pcvr_ece_entire": "pCVR calibration error",
    "fx.col.seeds": "seeds",
    "fx.col.paper": "Ali-CCP, real data (paper): CVR / CTCVR AUC %",
    "fx.vs_naive": "**Against the naive model**, entire-space CVR AUC paired by seed (difference in AUC points, 95 % interval; the same rule as every verdict in the app): {items}.",
}
