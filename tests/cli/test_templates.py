#!/usr/bin/python3
"""Templates: the four built-ins and their Chinese names, in English and
Chinese; save-template, new --template from a saved one, template list and rm."""

import re

from folio_test import FolioTestCase, main

BUILT_INS = {  # name: its Chinese name
    "study-abroad": "留学",
    "work-visa": "工作签证",
    "passport-renewal": "护照换发",
    "moving-house": "搬家",
}
HAN = re.compile(r"[\u4e00-\u9fff]")
# Any CJK character or full-width punctuation: none of it belongs in an English title.
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")


class TemplateTestCase(FolioTestCase):

    def setUp(self):
        super().setUp()
        self.init_vault()

    def templates(self) -> list:
        return self.json_of("template", "list", "--json")

    def template(self, name: str) -> dict:
        found = [t for t in self.templates() if t["name"] == name]
        self.assertEqual(len(found), 1, f"template list has one {name!r}")
        return found[0]

    def titles(self, checklist: str, **kw) -> list:
        return [i["title"] for i in self.checklist_json(checklist, **kw)["item_list"]]

    def new(self, name: str, *options, **kw) -> str:
        return self.new_id("checklist", "new", name, *options, **kw)


class BuiltInTest(TemplateTestCase):

    def test_template_list_names_the_four_built_ins(self):
        r = self.folio("template", "list")
        self.assertOk(r)
        for name in BUILT_INS:
            self.assertIn(name, r.out)
        listed = {t["name"]: t for t in self.templates()}
        for name in BUILT_INS:
            self.assertIn(name, listed)
            self.assertIs(listed[name]["builtin"], True)
            self.assertGreater(len(listed[name]["items"]), 0)

    def test_each_built_in_in_english_has_its_items_and_no_chinese(self):
        for name in BUILT_INS:
            with self.subTest(template=name):
                self.new(f"{name} en", "--template", name, "--lang", "en")
                titles = self.titles(f"{name} en")
                self.assertEqual(len(titles), len(self.template(name)["items"]))
                for title in titles:
                    self.assertIsNone(CJK.search(title), f"English title {title!r}")

    def test_each_built_in_in_chinese_has_chinese_titles(self):
        for name in BUILT_INS:
            with self.subTest(template=name):
                self.new(f"{name} zh", "--template", name, "--lang", "zh")
                titles = self.titles(f"{name} zh")
                self.assertEqual(len(titles), len(self.template(name)["items"]))
                for title in titles:
                    self.assertRegex(title, HAN, f"Chinese title {title!r}")

    def test_english_and_chinese_titles_are_the_same_items_in_the_same_order(self):
        for name in BUILT_INS:
            with self.subTest(template=name):
                self.new(f"{name} en", "--template", name, "--lang", "en")
                self.new(f"{name} zh", "--template", name, "--lang", "zh")
                listed = self.template(name)["items"]
                for shown, en, zh in zip(listed, self.titles(f"{name} en"),
                                         self.titles(f"{name} zh")):
                    self.assertTrue(shown.startswith(en) and shown.endswith(zh),
                                    f"template list shows {shown!r}; made {en!r} and {zh!r}")

    def test_each_chinese_template_name_gives_the_same_items_as_the_english_name(self):
        for name, chinese in BUILT_INS.items():
            for lang in ("en", "zh"):
                with self.subTest(template=chinese, lang=lang):
                    self.new(f"{name} {lang}", "--template", name, "--lang", lang)
                    self.new(f"{chinese} {lang}", "--template", chinese, "--lang", lang)
                    self.assertEqual(self.titles(f"{chinese} {lang}"),
                                     self.titles(f"{name} {lang}"))

    def test_items_from_a_template_start_needed_without_dates_and_numbered_from_1(self):
        self.new("留学清单", "--template", "留学", "--lang", "zh")
        items = self.checklist_json("留学清单")["item_list"]
        self.assertEqual([i["number"] for i in items], list(range(1, len(items) + 1)))
        for i in items:
            self.assertEqual((i["state"], i["due"], i["expires"], i["notes"]),
                             ("needed", None, None, None))
        [c] = self.json_of("checklist", "list", "--json")
        self.assertEqual((c["done"], c["applicable"], c["items"]), (0, len(items), len(items)))

    def test_the_language_defaults_from_LANG(self):
        for lang, han in (("zh_CN.UTF-8", True), ("en_US.UTF-8", False), ("C.UTF-8", False)):
            with self.subTest(LANG=lang):
                self.new(lang, "--template", "work-visa", env=self.env(LANG=lang))
                titles = self.titles(lang)
                self.assertEqual(all(HAN.search(t) for t in titles), han, titles)
                self.assertEqual(any(CJK.search(t) for t in titles), han, titles)

    def test_lang_wins_over_LANG(self):
        self.new("en", "--template", "moving-house", "--lang", "en",
                 env=self.env(LANG="zh_CN.UTF-8"))
        self.assertFalse(any(CJK.search(t) for t in self.titles("en")))
        self.new("zh", "--template", "moving-house", "--lang", "zh",
                 env=self.env(LANG="en_US.UTF-8"))
        self.assertTrue(all(HAN.search(t) for t in self.titles("zh")))

    def test_an_unknown_language_exits_2_and_creates_nothing(self):
        before = self.snapshot()
        for lang in ("fr", "zh-TW", "EN "):
            with self.subTest(lang=lang):
                r = self.folio("checklist", "new", "Visa", "--template", "work-visa",
                               "--lang", lang)
                self.assertFails(r, 2, mentions=("language", "lang"))
                self.assertUnchanged(before)

    def test_an_empty_lang_exits_2_and_creates_nothing(self):
        # CLI.md: `--lang en|zh`; an empty value is neither.
        before = self.snapshot()
        r = self.folio("checklist", "new", "Visa", "--template", "work-visa", "--lang", "")
        self.assertFails(r, 2)
        self.assertUnchanged(before)

    def test_an_unknown_template_exits_3_and_creates_nothing(self):
        before = self.snapshot()
        for name in ("nosuch", "Work-Visa", "签证"):
            with self.subTest(template=name):
                r = self.folio("checklist", "new", "Visa", "--template", name)
                self.assertFails(r, 3, mentions=(name,))
                self.assertUnchanged(before)
        self.assertEqual(self.json_of("checklist", "list", "--json"), [])

    def test_a_built_in_template_cannot_be_removed(self):
        before = self.snapshot()
        for name in ("work-visa", "留学"):
            with self.subTest(template=name):
                self.assertFails(self.folio("template", "rm", name), (2, 3, 9))
                self.assertUnchanged(before)
        self.assertIn("work-visa", [t["name"] for t in self.templates()])
        self.new("still there", "--template", "留学")


class SavedTest(TemplateTestCase):

    def setUp(self):
        super().setUp()
        self.new("我的签证")
        for title, options in (("护照", ["--state", "done", "--due", "2027-01-01"]),
                               ("Bank statement", ["--expires", "2027-06-30", "--notes", "3 months"]),
                               ("照片 35×45", ["--state", "n/a"])):
            self.new_id("item", "add", "我的签证", title, *options)

    def test_save_template_then_new_from_it_copies_the_titles_in_order(self):
        self.assertOk(self.folio("checklist", "save-template", "我的签证", "签证模板"))
        self.new("Second visa", "--template", "签证模板")
        self.assertEqual(self.titles("Second visa"), ["护照", "Bank statement", "照片 35×45"])

    def test_a_saved_template_copies_titles_only_not_states_dates_or_notes(self):
        self.assertOk(self.folio("checklist", "save-template", "我的签证", "visa-template"))
        self.new("Second visa", "--template", "visa-template")
        for i in self.checklist_json("Second visa")["item_list"]:
            self.assertEqual((i["state"], i["due"], i["expires"], i["notes"]),
                             ("needed", None, None, None))

    def test_a_saved_template_is_listed_as_not_built_in(self):
        self.assertOk(self.folio("checklist", "save-template", "我的签证", "签证模板"))
        t = self.template("签证模板")
        self.assertIs(t["builtin"], False)
        self.assertEqual(t["items"], ["护照", "Bank statement", "照片 35×45"])
        self.assertIn("签证模板", self.folio("template", "list").out)

    def test_a_saved_template_ignores_lang(self):
        self.assertOk(self.folio("checklist", "save-template", "我的签证", "mine"))
        self.new("copy", "--template", "mine", "--lang", "en")
        self.assertEqual(self.titles("copy"), ["护照", "Bank statement", "照片 35×45"])

    def test_later_changes_to_the_checklist_do_not_change_the_template(self):
        self.assertOk(self.folio("checklist", "save-template", "我的签证", "mine"))
        self.assertOk(self.folio("item", "set", "我的签证:1", "--title", "新护照"))
        self.assertEqual(self.template("mine")["items"][0], "护照")

    def test_save_template_under_an_existing_name_exits_7_and_changes_nothing(self):
        self.assertOk(self.folio("checklist", "save-template", "我的签证", "mine"))
        before = self.snapshot()
        for name in ("mine", "work-visa", "留学", "搬家"):
            with self.subTest(name=name):
                r = self.folio("checklist", "save-template", "我的签证", name)
                self.assertFails(r, 7, mentions=(name,))
                self.assertUnchanged(before)

    def test_save_template_of_an_unknown_checklist_exits_3(self):
        before = self.snapshot()
        self.assertFails(self.folio("checklist", "save-template", "nosuch", "mine"), 3)
        self.assertUnchanged(before)

    def test_template_rm_deletes_a_saved_template(self):
        self.assertOk(self.folio("checklist", "save-template", "我的签证", "签证模板"))
        self.assertOk(self.folio("template", "rm", "签证模板"))
        self.assertNotIn("签证模板", [t["name"] for t in self.templates()])
        self.assertFails(self.folio("checklist", "new", "again", "--template", "签证模板"), 3)
        self.assertEqual(self.titles("我的签证")[0], "护照", "the checklist is kept")

    def test_template_rm_of_an_unknown_template_exits_3_and_changes_nothing(self):
        before = self.snapshot()
        self.assertFails(self.folio("template", "rm", "nosuch"), 3, mentions=("nosuch",))
        self.assertUnchanged(before)


if __name__ == "__main__":
    main()
