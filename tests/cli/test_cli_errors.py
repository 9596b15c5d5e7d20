#!/usr/bin/env python3
"""Usage errors a new user trips over (issue 18, points 4-7)."""
import unittest

from folio_test import FolioTestCase


class KeygenExisting(FolioTestCase):
    def test_existing_output_is_refused_without_naming_a_missing_force(self):
        path = self.tmp / "key.txt"
        path.write_text("keep me\n")
        r = self.folio("keygen", "-o", str(path), vault=None, passphrase_file=None)
        self.assertFails(r, 7)
        self.assertIn("never overwrites", r.err)
        self.assertIn("choose another path with -o", r.err)
        self.assertNotIn("--force", r.err)
        self.assertEqual(path.read_text(), "keep me\n")


if __name__ == "__main__":
    unittest.main()
