"""Shared test fixtures, and the `browser` and `slow` markers of the fast inner loop.

    python -m pytest -m "not slow and not browser"   # the fast loop (under a minute)
    python -m pytest                                 # everything but the classroom load test (what CI runs)

Tests mark themselves with `@pytest.mark.slow`; `SLOW` below marks the longer tests that were written before
the marker existed, by file and test name, all their parameters included: each took about 0.35 s of CPU or
more on the shared 2-core reference machine (several seconds for some), which keeps the fast loop under a
minute (docs/performance.md). `ACROSS` names the tests that repeat one check over every weighting,
architecture, dataset or section: the fast loop runs a fixed representative set of their cases
(`FAST_CASES`, else the first case) and marks the other cases slow, so the full suite still runs every one.
A name here that no longer exists in its file fails the run, so the lists cannot rot.

Shared test fixtures: benchmark scripts as modules, and for browser tests a Streamlit server of this
checkout (`base_url`, one per test module), headless Chromium (`browser`) and a 1440 px page (`page`).

The browser fixtures need Debian's /usr/bin/chromium and the playwright package (never `playwright
install`); they skip with a reason when those are missing, except on CI (CI=true), where that is a failure.
"""
from __future__ import annotations

import collections
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BROWSER_FILES = {"test_browser.py", "test_load.py"}  # Playwright + Chromium against a served app
SLOW = {
    "test_app.py": {"test_architecture_choice_changes_the_hyper_parameter_controls",
                    "test_classroom_link_hides_sections",
                    "test_divergence_is_shown_and_the_page_keeps_working",
                    "test_every_page_renders_in_both_languages",
                    "test_incompatible_architecture_is_explained_and_train_disabled",
                    "test_invalid_language_and_hide_values_are_named_too",
                    "test_invalid_query_parameters_fall_back_with_a_warning_naming_them",
                    "test_language_switch_changes_the_text",
                    "test_measured_label_correlation_and_parameter_count_are_shown",
                    "test_shared_url_sets_the_controls",
                    "test_short_training_run_produces_history",
                    "test_step_trains_one_epoch_then_pauses"},
    "test_app_experiments.py": {"test_a_bad_link_is_warned_in_the_page",
                                "test_census_view_without_the_cache_says_how_to_get_it",
                                "test_every_tab_renders_in_both_languages",
                                "test_the_difficulty_tab_shows_the_regime_screen",
                                "test_the_full_preset_shows_its_time_on_this_machine_and_suggests_the_cli",
                                "test_the_sweep_runs_in_the_page_to_the_verdict_table",
                                "test_the_time_estimate_counts_every_batch",
                                "test_verdict_table_says_holds_and_does_not_hold_with_the_numbers"},
    "test_app_funnel.py": {"test_a_funnel_preset_link_opens_the_funnel_explorer",
                           "test_figure_builders_draw_the_data",
                           "test_the_page_in_chinese_and_a_bad_link_is_named",
                           "test_the_page_runs_the_comparison_and_shows_every_view"},
    "test_app_hostile.py": {"test_a_good_upload_is_drawn_and_not_parsed_again_on_the_next_rerun",
                            "test_a_lesson_key_that_python_calls_a_digit_is_refused_by_name",
                            "test_a_playground_study_over_the_caps_is_refused"},
    "test_app_structure.py": {"test_figures_package_loads_without_streamlit"},
    "test_app_study.py": {"test_a_file_that_is_not_csv_at_all_is_explained",
                          "test_a_results_csv_from_the_cli_loads_into_the_page",
                          "test_a_wrong_results_file_is_explained_not_a_traceback",
                          "test_run_a_study_in_the_page"},
    "test_app_teach.py": {"test_a_classroom_link_has_no_classroom_panel_and_no_unhide_control",
                          "test_a_failed_fetch_is_a_sentence_and_train_stays_disabled",
                          "test_census_without_data_disables_train_until_the_fetch_button_brings_it",
                          "test_step_from_a_mid_epoch_pause_finishes_that_epoch_as_its_help_says",
                          "test_the_instructors_panel_writes_the_student_link_and_stays_unlocked",
                          "test_the_page_shows_the_hint_for_its_start_and_the_banner_for_a_preset"},
    "test_app_url.py": {"test_a_preset_link_loads_its_configuration_then_shows_it_in_full",
                        "test_a_preset_opens_the_section_it_belongs_to_and_only_there",
                        "test_a_study_preset_opens_the_study_panel_with_its_grid",
                        "test_an_unknown_page_is_named",
                        "test_inactive_parameters_are_hidden_and_left_out_of_the_url",
                        "test_keys_beside_a_preset_override_it",
                        "test_page_key_opens_that_section_and_its_own_keys_only",
                        "test_show_the_code_renders_the_real_source_with_its_place",
                        "test_state_and_widget_keys_are_namespaced_per_section",
                        "test_unknown_preset_and_long_bad_values_are_named_but_echoed_short"},
    "test_balance.py": {"test_every_balance_preset_is_a_scenario_and_its_whole_study_runs_tiny",
                        "test_figure_builders_draw_one_trace_per_configuration_and_say_when_empty",
                        "test_in_the_loss_scale_scenario_ew_leaves_the_small_scale_task_clearly_worse_than_uw",
                        "test_seesaw_verdicts_times_and_comparison_from_results",
                        "test_the_page_in_chinese_and_a_bad_link_is_named",
                        "test_the_page_runs_a_tiny_study_and_shows_every_view",
                        "test_the_shipped_prose_quotes_the_shipped_table_on_fresh_seeds"},
    "test_cli.py": {"test_list_presets_and_sweep_a_preset_on_a_seed_range",
                    "test_sweep_numbers_do_not_depend_on_the_workers"},
    "test_combinations.py": {"test_trains_and_reports"},
    "test_config.py": {"test_flat_round_trip_for_every_registered_component"},
    "test_data.py": {"test_funnel_rates_match_base_rates",
                     "test_funnel_selection_bias_direction"},
    "test_engine_speed.py": {"test_the_fused_body_serves_loss_based_training_steps_only",
                             "test_vmap_free_forward_equals_vmap_of_the_module"},
    "test_experiments.py": {"test_each_threshold_is_a_parameter",
                            "test_runs_that_failed_to_train_are_named_not_dropped"},
    "test_feed.py": {"test_coherence_ties_the_interaction_tasks_together",
                     "test_follow_comes_mostly_after_a_long_view",
                     "test_marginal_rates_match_the_knobs",
                     "test_relatedness_sets_the_group_score_correlation_and_moves_label_correlations",
                     "test_trains_on_the_feed_with_a_single_task_baseline"},
    "test_feed_studies.py": {"test_lesson_10_sparse_and_seesaw_claims_hold_in_the_shipped_runs"},
    "test_feed_ui.py": {"test_the_fusion_widget_renders_and_a_slider_changes_the_ranking"},
    "test_funnel_explorer.py": {"test_cli_funnel_writes_the_files",
                                "test_comparison_on_tiny_settings_writes_summary_and_results",
                                "test_generator_rates_match_the_knobs_within_sampling_error",
                                "test_on_the_story_preset_esmm_beats_the_naive_model_on_the_entire_space",
                                "test_regime_map_on_tiny_settings_and_gaps_by_hand",
                                "test_selection_strength_sets_the_sample_selection_bias",
                                "test_the_live_curve_reaches_the_last_epoch_once_per_point"},
    "test_grid_records_presets.py": {"test_batches_trained_by_two_workers_give_exactly_the_results_of_one",
                                     "test_every_preset_runs_on_tiny_settings"},
    "test_lessons.py": {"test_a_playground_study_link_says_where_the_study_runs",
                        "test_every_lesson_renders_in_both_languages",
                        "test_next_and_previous_buttons_and_a_bad_lesson_in_the_link",
                        "test_predict_then_run_commits_reveals_links_and_ticks_progress",
                        "test_slider_question_and_the_ranking_widget"},
    "test_models_zoo.py": {"test_asymmetric_stop_gradient_source_trains_as_if_alone",
                           "test_dselect_heatmap_settles_on_at_most_k_experts_after_training",
                           "test_snr_l0_penalty_prunes_routes_in_the_engine",
                           "test_trains_one_epoch_with_three_batched_runs"},
    "test_ray_backend.py": {"test_an_address_where_nothing_answers_is_refused_in_one_line"},
    "test_resume.py": {"test_a_batch_that_raises_is_retried_then_recorded_and_the_sweep_goes_on",
                       "test_a_resumed_sweep_trains_only_what_is_missing_and_ends_with_the_same_table"},
    "test_server.py": {"test_a_link_over_the_caps_shows_which_setting_and_disables_train",
                       "test_a_long_run_keeps_a_bounded_number_of_snapshots",
                       "test_defaults_train_in_classroom_mode",
                       "test_outside_classroom_mode_nothing_is_capped",
                       "test_slots_are_shared_round_robin_so_no_job_starves",
                       "test_the_collector_skips_what_was_frozen_until_trim_memory_collects_it",
                       "test_warnings_echo_only_a_short_prefix_of_a_5000_character_value"},
    "test_stats.py": {"test_wording_never_contradicts_the_interval"},
    "test_train.py": {"test_a_diverging_run_is_recorded_and_the_others_go_on",
                      "test_batched_run_r_equals_the_same_seed_trained_alone",
                      "test_final_snapshot_evaluates_the_test_split",
                      "test_gathering_an_epoch_at_once_trains_exactly_like_a_gather_per_step",
                      "test_predictions_of_a_finished_run_are_reachable",
                      "test_runs_may_differ_in_data_parameters",
                      "test_runs_may_differ_in_learning_rate_and_each_equals_its_run_alone",
                      "test_same_config_and_seed_give_identical_numbers",
                      "test_snapshot_contents_and_schedule"},
    "test_weighting.py": {"test_gradnorm_renormalises_and_favours_the_slower_task",
                          "test_gradnorm_target_balances_gradient_norms",
                          "test_per_run_values_in_a_batch_equal_runs_alone_with_those_values",
                          "test_uw_learns_task_noise_variances"},
    "test_weighting_in_engine.py": {"test_per_run_static_weights_in_one_batch_equal_runs_alone"},
    "test_weighting_more.py": {"test_imtl_l_learns_scales_that_bring_every_loss_to_one"},
    "test_weighting_new_a.py": {"test_moco_without_tracking_converges_to_mgdas_min_norm_weights"},
    "test_weighting_torchjd_off.py": {"test_fairgrad_solves_its_equation_where_least_squares_stops_early",
                                      "test_nash_mtl_solves_the_bargaining_equation_where_torchjd_stops_short",
                                      "test_sdmgrad_inner_solver_converges_where_a_fixed_step_of_10_does_not"},
}

# One of each family: fixed loss weights, learned loss weights, loss history, gradient projection, the
# min-norm solver, the Gram-matrix cone; a shared bottom, gated experts, progressive layers, the funnel,
# a hierarchy of expert groups; the synthetic data.
FAST_CASES = {"ew", "uw", "dwa", "pcgrad", "mgda", "upgrad",
              "shared_bottom", "mmoe", "ple", "esmm", "home", "synthetic"}
ACROSS = {  # test name: its parameter that runs over the registry (or the list of cases)
    "test_every_weighting_trains_a_real_model": "wid",
    "test_new_strategies_batched_runs_equal_runs_alone": "wid",
    "test_runs_in_a_batch_equal_runs_alone": "wid",
    "test_context_penalty_is_added_once_unweighted": "wid",
    "test_masking_ignores_out_of_space_samples_for_every_strategy": "wid",
    "test_engine_batched_runs_equal_runs_alone": "wid",
    "test_per_run_values_in_a_batch_equal_runs_alone": "wid",
    "test_matches_torchjd_on_identical_jacobians": "wid",
    "test_vmap_over_stacked_params_matches_plain_forward": "arch",
    "test_every_parameter_is_used_and_shared_names_exist": "arch",
    "test_contract_shapes_gates_layout": "arch",
    "test_declared_shared_parameters_match_autograd_on_five_tasks": "arch",
    "test_fused_training_body_equals_autograd_through_the_layers": "arch",
    "test_every_dataset_gets_a_cost_from_its_registry_entry": "data_id",
    "test_each_sections_defaults_train_in_classroom_mode": "page",
    "test_a_link_over_the_classroom_caps_is_refused_on_every_section": "name",
    "test_every_malformed_upload_is_one_line_on_the_page": "data",
}


def _fast_cases(item, param: str) -> list:
    """The cases of `param` an ACROSS test runs in the fast loop, from its whole parametrize list (so running
    a few cases by node id marks them as the whole run would)."""
    for mark in item.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs["argnames"]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        if param in names:
            cases = mark.args[1] if len(mark.args) > 1 else mark.kwargs["argvalues"]
            cases = [c.values if hasattr(c, "values") else (c,) if len(names) == 1 else c for c in cases]
            values = [c[names.index(param)] for c in cases]
            return [v for v in values if isinstance(v, str) and v in FAST_CASES] or values[:1]
    raise pytest.UsageError(f"tests/conftest.py ACROSS: {item.name} has no parameter {param!r}")


def _mark_all_but_representatives(items):
    """For each ACROSS test, mark slow every case but those in FAST_CASES (or, if none is, but the first)."""
    for item in items:
        param = ACROSS.get(item.originalname or item.name)
        if param and hasattr(item, "callspec"):
            value = item.callspec.params[param]
            if not any(value == case for case in _fast_cases(item, param)):
                item.add_marker(pytest.mark.slow)


def pytest_collection_modifyitems(config, items):
    """Mark browser and SLOW tests (this runs before `-m` deselects by marker). A SLOW name follows its test
    when a file is split (names are matched in every file), and a name no file has any more is an error."""
    slow_names = set().union(*SLOW.values())
    seen: set[str] = set()
    _mark_all_but_representatives(items)
    for item in items:
        file, name = item.path.name, item.originalname or item.name
        seen.add(name)
        if file in BROWSER_FILES or "base_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if name in slow_names:
            item.add_marker(pytest.mark.slow)
    if config.option.keyword or any("::" in str(a) or str(a).endswith(".py") for a in config.args):
        return  # a selection of files or tests: absent names are expected
    gone = (slow_names | set(ACROSS)) - seen
    if gone:
        raise pytest.UsageError(f"tests/conftest.py SLOW or ACROSS names tests that no file has any more: "
                                f"{sorted(gone)}")


@pytest.fixture
def benchmark_script():
    """Load a script of benchmarks/ (scripts, not a package) as a module: benchmark_script("load")."""
    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"mtl_benchmark_{name}", BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    return load


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run on CI: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(request):
    """A Streamlit server of this checkout; a test module may set SERVER_ENV (extra environment variables)."""
    port = _free_port()
    env = {**os.environ, **getattr(request.module, "SERVER_ENV", {})}
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / "streamlit-server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("the Streamlit server did not become healthy")
            time.sleep(0.3)  # polling interval while waiting for the server, not an assertion
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    from playwright.sync_api import expect

    expect.set_options(timeout=60_000)  # the first page load imports torch on a cold server
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url):
    pg = browser.new_page(viewport={"width": 1440, "height": 2200})
    pg.set_default_timeout(60_000)
    yield pg
    pg.close()


@pytest.fixture
def conversions(monkeypatch) -> collections.Counter:
    """Param.parse and Param.format calls counted by (what, spec name, type of the value given): the
    validate-once tests read how often a value was converted."""
    from mtl_core import params

    counts: collections.Counter = collections.Counter()
    real_parse, real_format = params.Param.parse, params.Param.format

    def parse(self, value, field=None):
        counts["parse", self.name, type(value).__name__] += 1
        return real_parse(self, value, field)

    def format_(self, value):
        counts["format", self.name, type(value).__name__] += 1
        return real_format(self, value)
    monkeypatch.setattr(params.Param, "parse", parse)
    monkeypatch.setattr(params.Param, "format", format_)
    return counts

