import tempfile
import unittest
from pathlib import Path

import numpy as np

from training.data import FeatureSpec, load_dataset

SPEC = FeatureSpec("test", ["amount", "channel_atm"], ["", ""])
HEADER = "transaction_id,event_time,card_id,amount,channel_atm,is_fraud,scenario\n"


def write(text: str) -> Path:
    path = Path(tempfile.mkdtemp()) / "features.csv"
    path.write_text(HEADER + text)
    return path


class LoadDatasetTest(unittest.TestCase):
    def test_reads_the_exports_nan_as_missing_not_zero(self):
        # The TypeScript export (float-text.ts) writes a feature whose input the feed did not send as NaN.
        ds = load_dataset(write("t1,1000,c1,12.5,NaN,0,\nt2,2000,c1,3,0,1,card-testing\n"), SPEC)
        self.assertTrue(np.isnan(ds.features[0, 1]))
        self.assertEqual(ds.features[1].tolist(), [3.0, 0.0])
        self.assertEqual(ds.features.dtype, np.float32)

    def test_refuses_infinite_values(self):
        with self.assertRaisesRegex(ValueError, "infinite"):
            load_dataset(write("t1,1000,c1,Infinity,0,0,\n"), SPEC)


if __name__ == "__main__":
    unittest.main()
