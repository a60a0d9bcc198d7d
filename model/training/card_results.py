"""The result tables of MODEL_CARD.md: test metrics against the Handbook, per scenario, and the thresholds."""

from __future__ import annotations

from .card_format import num, pct


def results_section(metrics: dict) -> list[str]:
    ref = metrics["handbook_reference"]
    lines = [
        "## Results (test week)",
        "",
        "| | AUC ROC | average precision | card precision@100 |",
        "| --- | ---: | ---: | ---: |",
        f"| Handbook, best published (baseline) | {ref['auc_roc'][0]}–{ref['auc_roc'][1]}"
        f" | {ref['average_precision']}"
        f" | {ref['card_precision_at_100']} |",
    ]
    for mix, s in metrics["mixes"].items():
        r = s["test"]["ranking"]
        v = s["validation"]["ranking"]
        lines.append(
            f"| this model, {mix} mix (test) | {num(r['auc_roc'])} | {num(r['average_precision'])}"
            f" | {num(r['card_precision_at_100'])} |"
        )
        lines.append(
            f"| this model, {mix} mix (validation mean) | {num(v['auc_roc'])} | {num(v['average_precision'])}"
            f" | {num(v['card_precision_at_100'])} |"
        )
    base = metrics["mixes"].get("baseline")
    if base:
        names = {"auc_roc": "AUC ROC", "average_precision": "average precision", "card_precision_at_100": "card P@100"}
        parts = []
        for key, label in names.items():
            target = ref[key][1] if isinstance(ref[key], list) else ref[key]
            test, valid = base["test"]["ranking"][key], base["validation"]["ranking"][key]
            parts.append(
                f"{label} {num(test, 3)} on test ({'above' if test > target else 'not above'} {target}),"
                f" {num(valid, 3)} as a validation mean ({'above' if valid > target else 'below'})"
            )
        lines += [
            "",
            "Against the Handbook's best published numbers, in the baseline mix: " + "; ".join(parts) + "."
            " Test and validation weeks differ by about as much as the margins, so read the comparison as 'on par"
            " or better', not as a precise gain.",
        ]
    lines += ["", "Per fraud scenario (test week; AUC of that scenario's frauds against all genuine transactions):", ""]
    for mix, s in metrics["mixes"].items():
        lines += [
            f"{mix} mix:",
            "",
            "| scenario | frauds | AUC ROC | reaches REVIEW | reaches DECLINE |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for name, sc in s["test"]["scenarios"].items():
            lines.append(
                f"| {name} | {sc['frauds']:,} | {num(sc['auc_roc'])} | {pct(sc['recall_at_review'], 1)}"
                f" | {pct(sc['recall_at_decline'], 1)} |"
            )
        lines.append("")
    return lines


FEED_NAMES = {
    "full": "full mix (every scenario, every field)",
    "baseline": "baseline mix (the Handbook's frauds, every field)",
    "baseline-constant": "baseline mix, only card, terminal, amount and time told (the rest constant)",
    "baseline-absent": "baseline mix, only card, terminal, amount and time told (the rest absent: null)",
}


def feeds_section(metrics: dict) -> list[str]:
    """The shipped model and each mix's own model on each feed's test week, against the targets."""
    feeds = metrics.get("feeds") or {}
    if not feeds:
        return []
    targets = metrics.get("feed_targets") or {}
    shipped = metrics["shipped"]["mix"]
    lines = [
        "## Feeds with less context",
        "",
        f"The shipped model ({shipped} mix) scored on the test week of each mix, beside the model trained on that"
        " mix by the same protocol (its own search and thresholds). In the constant feed the simulator sends the"
        " baseline mix's stream with one MCC, one channel (card present), the home country, one position and no"
        " device or IP (`--context constant`); in the absent feed every one of those fields is null"
        " (`--context absent`, Transaction schema version 3), so the features that read them are NaN. The frauds and"
        " the four fields a Handbook-style feed has are the same transaction for transaction.",
        "",
        "| test week of | shipped model: AUC | AP | CP@100 | own model: AUC | AP | CP@100 | target AP / CP@100 | met by |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for mix, f in feeds.items():
        s, o = f["shipped_model"], f["own_model"]
        target = targets.get(mix)
        met = "–"
        if target:
            who = [
                name
                for name, r in (("shipped", s), ("own", o))
                if all(r[k] >= v for k, v in target.items())
            ]
            met = ", ".join(who) if who else "**neither**"
        wanted = "–" if not target else f"≥ {target['average_precision']} / ≥ {target['card_precision_at_100']}"
        lines.append(
            f"| {FEED_NAMES.get(mix, mix)} | {num(s['auc_roc'])} | {num(s['average_precision'])}"
            f" | {num(s['card_precision_at_100'])} | {num(o['auc_roc'])} | {num(o['average_precision'])}"
            f" | {num(o['card_precision_at_100'])} | {wanted} | {met} |"
        )
    lines += [""]
    gaps = []
    for mix, target in targets.items():
        if mix not in feeds:
            continue
        best = max(feeds[mix].values(), key=lambda r: r["average_precision"])
        for key, label in (("average_precision", "AP"), ("card_precision_at_100", "CP@100")):
            if best[key] < target[key]:
                gaps.append(f"{FEED_NAMES.get(mix, mix)}: {label} {num(best[key], 3)} against {target[key]}")
    if gaps:
        lines += ["Targets not met (best of the two models): " + "; ".join(gaps) + ".", ""]
    return lines


def threshold_section(metrics: dict) -> list[str]:
    targets = metrics["protocol"]["threshold_targets"]
    shipped = metrics["mixes"][metrics["shipped"]["mix"]]
    th = shipped["thresholds"]
    lines = [
        "## Decision thresholds",
        "",
        f"Chosen on the pooled validation scores of the selected configuration ({metrics['shipped']['mix']} mix), never"
        " on test. REVIEW: the lowest score at which at most"
        f" {pct(targets['max_review_rate'], 0)} of transactions score at or above it (REVIEW and DECLINE together)."
        f" DECLINE: the lowest score at which the transactions at or above it are fraud with precision"
        f" ≥ {pct(targets['min_decline_precision'], 0)} (at least {targets['min_decline_flagged']} of them),"
        " never below REVIEW. Stored in the ONNX metadata as"
        f" `threshold_review` = {th['review']!r} and `threshold_decline` = {th['decline']!r}.",
        "",
    ]
    if not shipped["validation"]["decline_met_target"]:
        lines += [
            "**No validation cut-off reached the DECLINE precision target; DECLINE is set to 1.0 (effectively off).**",
            "",
        ]
    lines += [
        "| mix | set | score ≥ REVIEW: rate | precision | recall | score ≥ DECLINE: rate | precision | recall |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mix, s in metrics["mixes"].items():
        for name, part in (("validation", s["validation"]), ("test", s["test"])):
            r, d = part["review"], part["decline"]
            lines.append(
                f"| {mix} | {name} | {pct(r['rate'])} | {pct(r['precision'], 1)} | {pct(r['recall'], 1)}"
                f" | {pct(d['rate'], 3)} | {pct(d['precision'], 1)} | {pct(d['recall'], 1)} |"
            )
    review_only = shipped["test"]["review"]["rate"] - shipped["test"]["decline"]["rate"]
    valid_review_only = shipped["validation"]["review"]["rate"] - shipped["validation"]["decline"]["rate"]
    lines += [
        "",
        f"Expected actions of the shipped model, from its test week: per 10,000 transactions about"
        f" {10_000 * review_only:.0f} REVIEW and {10_000 * shipped['test']['decline']['rate']:.0f} DECLINE"
        f" (validation: {10_000 * valid_review_only:.0f}"
        f" and {10_000 * shipped['validation']['decline']['rate']:.0f}).",
        "",
        "Each mix's thresholds are chosen on its own validation folds; only the shipped mix's are in the model file."
        " Rates are over the protocol's assessment transactions (cards known to be compromised removed), so the live"
        " alert rate also depends on the fraud rate and on how fast known-compromised cards are blocked.",
        "",
    ]
    return lines
