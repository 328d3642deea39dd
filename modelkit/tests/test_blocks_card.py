"""The blocks card's words about its answerer, from teacher results (blocks_package's text helpers)."""
from teacher_studio_modelkit.blocks_package import answerer_text, unsure, weak, weak_detail


def rule(balanced, tnr=1.0, n_no=10):
    return {"balanced": balanced, "tpr": 1.0, "tnr": tnr, "n_yes": 100, "n_no": n_no}


def results(samples=0.95, optimized=0.95, gt=0.95):
    return {"teacher_heldout_reasoner_samples": {"fall.rest": rule(samples, 2 * samples - 1)},
            "teacher_heldout_optimized_samples": {"push.no_wall": rule(optimized, 2 * optimized - 1, 2)},
            "teacher_heldout_gt_and_corruptions": {"push.step": rule(gt, 2 * gt - 1, 42)},
            "teacher_train_gt_and_corruptions": {"push.step": rule(1.0)},
            "tto": {"hacking_rate": 0.0}, "by_family": {"fall": {"broken": 0}, "push": {"broken": 0}}}


def test_a_rule_under_the_bar_is_named_with_its_broken_videos_and_the_bar_is_the_issues():
    assert weak(results()) == "no rule"
    assert answerer_text(results()).startswith("The answerer meets the issue's 90 %")
    low = results(samples=0.8, optimized=0.75)
    assert weak(low) == "fall.rest, push.no_wall"
    assert weak_detail(low) == ("fall.rest on reasoner samples 80.0 % (60.0 % of 10 broken videos caught);"
                                " push.no_wall on optimized samples 75.0 % (50.0 % of 2 broken videos caught)")
    assert answerer_text(low).startswith("The answerer falls short of the issue's 90 % balanced accuracy on fall.rest,")
    gt = results(gt=0.893)  # the issue's bar reads reasoner samples and optimized samples only
    assert weak(gt) == "no rule"
    assert "ground truth and corruptions, which the bar does not name, its lowest rule reads 89.3 %" in answerer_text(gt), \
        "reported beside the bar"


def test_the_right_videos_tto_broke_are_counted_in_words():
    teach = results()
    assert unsure(teach) == ""
    teach["by_family"] = {"fall": {"broken": 1}, "push": {"broken": 2}}
    assert unsure(teach) == (" and keeps optimizing right ones it is unsure of (fall: 1 right base video broken,"
                             " push: 2 right base videos broken)")
