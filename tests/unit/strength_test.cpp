// The passphrase strength meter on Chinese text (issue 18, point 1): zxcvbn
// alone rated 我爱北京天安门 2^139 while refusing its pinyin form.
#include <cstring>
#include <string>

#include "folio/secret.h"
#include "folio/terminal.h"
#include "support.h"

namespace {

double bits_of(const char* text) {
  folio::Secret s(std::strlen(text));
  std::memcpy(s.data(), text, s.size());
  return folio::estimate_strength(s).bits;
}

}  // namespace

TEST_CASE("Chinese passphrases are rated no stronger than their pinyin, and refused", "[strength]") {
  struct Case {
    const char* han;
    const char* pinyin;
  };
  const Case cases[] = {
      {"我爱北京天安门", "woaibeijingtiananmen"},
      {"中华人民共和国", "zhonghuarenmingongheguo"},
      {"一二三四五六七八", "yiersansiwuliuqiba"},
      {"我爱你1314", "woaini1314"},
      {"张伟19950312", "zhangwei19950312"},
  };
  for (const Case& c : cases) {
    INFO(c.han << " vs " << c.pinyin);
    double han = bits_of(c.han);
    CHECK(han <= bits_of(c.pinyin));
    CHECK(han < folio::kMinStrengthBits);
  }
}

TEST_CASE("spaces, repeats and love numbers in Chinese text do not add strength", "[strength]") {
  CHECK(bits_of("我爱你 1314") < folio::kMinStrengthBits);
  CHECK(bits_of("哈哈哈哈哈哈哈哈哈哈") < folio::kMinStrengthBits);
  CHECK(bits_of("好好学习天天向上") < folio::kMinStrengthBits);
  CHECK(bits_of("我爱你5201314") < folio::kMinStrengthBits);
  CHECK(bits_of("wo ai ni 1314") < folio::kMinStrengthBits);
}

TEST_CASE("a passphrase of random uncommon Han characters is still accepted", "[strength]") {
  CHECK(bits_of("鳕鳟蠡夔饕餮魑魅") >= folio::kMinStrengthBits);
  CHECK(bits_of("龘靐齉爩麤鱻驫") >= folio::kMinStrengthBits);
}

TEST_CASE("passphrases without Han characters are rated by zxcvbn as before", "[strength]") {
  CHECK(bits_of("correct horse battery staple") >= folio::kMinStrengthBits);
  CHECK(bits_of("password") < 28);
}

TEST_CASE("a common name followed by a birthday is refused", "[strength]") {
  CHECK(bits_of("张伟19950312") < 32);
  CHECK(bits_of("王芳19900101") < 32);
  CHECK(bits_of("李秀英19850520") < folio::kMinStrengthBits);
  CHECK(bits_of("刘建国") < 28);
}
