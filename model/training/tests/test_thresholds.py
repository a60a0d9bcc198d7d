import unittest

import numpy as np

from training.thresholds import choose_thresholds, decline_threshold, review_threshold


class ReviewThresholdTest(unittest.TestCase):
    def test_flags_at_most_the_allowed_share(self):
        scores = np.arange(1000) / 1000
        t = review_threshold(scores, 0.01)
        self.assertEqual(t, 0.990)
        self.assertLessEqual((scores >= t).mean(), 0.01)

    def test_does_not_split_ties_past_the_budget(self):
        scores = np.array([0.9] * 3 + [0.1] * 97)
        # Allowing 2 rows cannot take the three tied at 0.9, nor anything lower.
        self.assertGreater(review_threshold(scores, 0.02), 0.9)


class DeclineThresholdTest(unittest.TestCase):
    def test_takes_the_lowest_cut_off_that_keeps_the_precision(self):
        scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
        y = np.array([1, 1, 1, 0, 0])
        self.assertEqual(decline_threshold(scores, y, 0.75, 1), (0.6, True))
        self.assertEqual(decline_threshold(scores, y, 0.9, 1), (0.7, True))

    def test_needs_enough_flagged_rows(self):
        scores = np.array([0.9, 0.8, 0.7])
        y = np.array([1, 0, 0])
        self.assertEqual(decline_threshold(scores, y, 0.9, 2), (1.0, False))

    def test_decline_never_falls_below_review(self):
        scores = np.linspace(0, 1, 101)
        y = (scores > 0.2).astype(int)
        t = choose_thresholds(scores, y, 0.05, 0.9, 1)
        self.assertGreaterEqual(t.decline, t.review)


if __name__ == "__main__":
    unittest.main()
