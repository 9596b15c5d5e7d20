#!/usr/bin/python3
"""Numbers and dates typed on the command line: -n/--limit takes plain
decimal digits in a stated range, and a date outside the years folio takes
says which years those are (docs/CLI.md, "Limits of -n" and "Dates")."""

from folio_test import FolioTestCase, main


class LimitTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        for i in range(20):
            self.add(f"entry {i} quokka\n")

    def test_hexadecimal_octal_and_exponent_forms_are_refused_not_read_as_numbers(self):
        for command in (["list"], ["search", "quokka"]):
            for value in ("0x10", "0X10", "0o7", "0b11", "1e1", "+5", " 5", "5 ", "1.0", "١٢"):
                with self.subTest(command=command[0], value=value):
                    r = self.folio(*command, "-n", value)
                    self.assertFails(r, 2, mentions=("-n must be a whole number from 1 to 1000000",))

    def test_negative_zero_and_words_get_the_range_message(self):
        for command in (["list"], ["search", "quokka"]):
            for value in ("-1", "0", "abc", "1000001", "99999999999999999999"):
                with self.subTest(command=command[0], value=value):
                    r = self.folio(*command, f"--limit={value}")
                    self.assertFails(r, 2, mentions=("-n must be a whole number from 1 to 1000000",))
                    self.assertNotIn("Traceback", r.err)

    def test_minus_one_as_a_separate_argument_exits_2(self):
        for command in (["list"], ["search", "quokka"]):
            with self.subTest(command=command[0]):
                self.assertFails(self.folio(*command, "-n", "-1"), 2)

    def test_plain_digits_work_at_both_ends_of_the_range(self):
        self.assertEqual(len(self.list_json("-n", "1")), 1)
        self.assertEqual(len(self.list_json("-n", "007")), 7, "leading zeros are still decimal")
        self.assertEqual(len(self.list_json("-n", "1000000")), 20)
        r = self.folio("search", "quokka", "-n", "16", "--json")
        self.assertOk(r)


class YearRangeTest(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()
        self.new_id("checklist", "new", "Visa")

    def test_a_due_date_in_year_1_names_the_year_range(self):
        r = self.folio("item", "add", "Visa", "Passport", "--due", "0001-01-01")
        self.assertFails(r, 2, mentions=("the year must be from 1900 to 9999",))
        self.assertNotIn("month", r.err)

    def test_an_expiry_before_1900_names_the_year_range(self):
        r = self.folio("item", "add", "Visa", "Passport", "--expires", "1899-12-31")
        self.assertFails(r, 2, mentions=("1900 to 9999",))

    def test_a_bad_month_still_says_month_and_a_bad_day_day(self):
        r = self.folio("item", "add", "Visa", "Passport", "--due", "2026-13-01")
        self.assertFails(r, 2, mentions=("no such month",))
        r = self.folio("item", "add", "Visa", "Passport", "--due", "2026-02-30")
        self.assertFails(r, 2, mentions=("no such day",))

    def test_list_since_before_1900_names_the_year_range(self):
        r = self.folio("list", "--since", "0001-01-01")
        self.assertFails(r, 2, mentions=("the year must be from 1900 to 9999",))
        r = self.folio("list", "--until", "2026-00-10")
        self.assertFails(r, 2, mentions=("no such month",))

    def test_the_years_1900_and_9999_are_taken(self):
        self.new_id("item", "add", "Visa", "Old", "--due", "1900-01-01")
        self.new_id("item", "add", "Visa", "Far", "--expires", "9999-12-31")
        self.assertOk(self.folio("list", "--since", "1900-01-01"))


if __name__ == "__main__":
    main()
