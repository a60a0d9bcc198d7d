import unittest

import numpy as np
import pandas as pd

from training.metrics import alert_metrics, card_precision_top_k


def frame(rows):
    return pd.DataFrame(rows, columns=["day", "card_id", "is_fraud"])


class CardPrecisionTest(unittest.TestCase):
    def test_ranks_cards_by_their_highest_score_of_the_day(self):
        f = frame([(0, "a", 0), (0, "a", 1), (0, "b", 0), (0, "c", 0)])
        # Card a's max (0.9) puts it first even though its fraud row scores low.
        self.assertEqual(card_precision_top_k(f, np.array([0.9, 0.1, 0.5, 0.2]), k=1), 1.0)
        self.assertEqual(card_precision_top_k(f, np.array([0.1, 0.1, 0.5, 0.2]), k=1), 0.0)

    def test_drops_cards_detected_on_an_earlier_day(self):
        f = frame([(0, "a", 1), (0, "b", 0), (1, "a", 1), (1, "b", 0), (1, "c", 1)])
        scores = np.array([0.9, 0.1, 0.9, 0.5, 0.4])
        # Day 0: a caught (1/1). Day 1: a is gone, so b (0.5) outranks c (0.4): 0/1.
        self.assertEqual(card_precision_top_k(f, scores, k=1), 0.5)

    def test_divides_by_k_even_when_fewer_cards_remain(self):
        f = frame([(0, "a", 1)])
        self.assertEqual(card_precision_top_k(f, np.array([0.9]), k=4), 0.25)


class AlertMetricsTest(unittest.TestCase):
    def test_counts_rows_at_or_above_the_threshold(self):
        y = np.array([1, 0, 1, 0])
        m = alert_metrics(y, np.array([0.9, 0.5, 0.5, 0.1]), 0.5)
        self.assertEqual((m["flagged"], m["rate"], m["precision"], m["recall"]), (3, 0.75, 2 / 3, 1.0))

    def test_reports_no_precision_when_nothing_is_flagged(self):
        self.assertIsNone(alert_metrics(np.array([1, 0]), np.array([0.1, 0.2]), 0.5)["precision"])


if __name__ == "__main__":
    unittest.main()
