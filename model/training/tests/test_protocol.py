import unittest

import numpy as np
import pandas as pd

from training.protocol import handbook_split, validation_splits


def daily(cards_per_day, days, frauds):
    rows = [(d, f"c{c}", int((d, f"c{c}") in frauds)) for d in range(days) for c in range(cards_per_day)]
    return pd.DataFrame(rows, columns=["day", "card_id", "is_fraud"])


class HandbookSplitTest(unittest.TestCase):
    def test_trains_one_week_and_assesses_the_week_after_the_gap(self):
        f = daily(2, 30, set())
        s = handbook_split(f, 3, "t")
        self.assertEqual((s.train_days, s.assess_days), ((3, 9), (17, 23)))
        self.assertEqual(sorted(set(f["day"].to_numpy()[s.train])), list(range(3, 10)))
        self.assertEqual(sorted(set(f["day"].to_numpy()[s.assess])), list(range(17, 24)))

    def test_drops_cards_known_compromised_by_each_assessment_day(self):
        # c0 defrauded in training; c1 on day 10 (in the gap), known from day 18 = 10 + 8 on.
        f = daily(3, 30, {(5, "c0"), (10, "c1")})
        s = handbook_split(f, 3, "t")
        kept = f.iloc[s.assess]
        self.assertNotIn("c0", set(kept["card_id"]))
        self.assertEqual(sorted(kept[kept["card_id"] == "c1"]["day"]), [17])
        self.assertEqual(len(kept[kept["card_id"] == "c2"]), 7)

    def test_refuses_windows_outside_the_data(self):
        with self.assertRaises(ValueError):
            handbook_split(daily(1, 20, set()), 0, "t")

    def test_validation_folds_end_before_the_test_assessment(self):
        f = daily(1, 60, set())
        folds = validation_splits(f, 40, 3)
        self.assertEqual([s.assess_days for s in folds], [(40, 46), (33, 39), (26, 32)])
        self.assertEqual(folds[0].train_days, (26, 32))
        self.assertTrue(all(np.max(s.assess) < np.flatnonzero(f["day"] == 54)[0] for s in folds))


if __name__ == "__main__":
    unittest.main()
