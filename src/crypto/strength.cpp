// Passphrase strength: zxcvbn (libzxcvbn, the C port), corrected for Chinese.
//
// zxcvbn has no Chinese dictionaries, so it rates Han text as random symbols
// from a huge alphabet (我爱北京天安门 came out at 2^139). The estimate here is
// the minimum of three guessers:
//   (a) zxcvbn on the passphrase as typed;
//   (b) zxcvbn on its toneless pinyin (Han characters romanised, spaces dropped,
//       and again with a space between syllables), which is what an attacker
//       with a pinyin wordlist tries;
//   (c) a Han-aware parse: each Han character costs at most log2(3500) bits
//       (the size of the common-character list), a repeated character 1 bit, a
//       common phrase, a common surname or given-name character, a "love
//       number" (520, 1314, ...) or a YYYYMMDD date a few bits each, and other
//       runs what zxcvbn says of them.
// Everything derived from the passphrase stays in locked Secret buffers.
#include <zxcvbn.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "folio/i18n.h"
#include "folio/terminal.h"

namespace folio {
namespace {

struct PinyinRow {
  const char* syllable;
  const char* chars;  // UTF-8, the characters read this way
};

const PinyinRow kPinyin[] = {
#include "pinyin_data.inc"
};

// Common phrases, sayings and sequences (UTF-8). Each costs kPhraseBits.
const char* const kPhrases[] = {
    "我爱你", "我爱", "我是", "我想你", "我恨你", "我爱你中国", "我爱中国", "我爱北京天安门",
    "北京天安门", "天安门", "北京", "上海", "广州", "深圳", "中国", "中国人", "中华",
    "中华人民共和国", "人民共和国", "中国共产党", "共产党", "为人民服务", "人民万岁",
    "好好学习", "天天向上", "好好学习天天向上", "一二三四五六七八九十", "一二三四五六七八九",
    "一二三四五六七八", "一二三四五六七", "一二三四五六", "一二三四五", "一二三四", "一二三",
    "壹贰叁肆伍陆柒捌玖拾", "甲乙丙丁", "子丑寅卯", "东南西北", "春夏秋冬", "金木水火土",
    "上下左右", "万事如意", "心想事成", "恭喜发财", "身体健康", "一生一世", "一心一意",
    "天长地久", "海枯石烂", "永远爱你", "亲爱的", "宝贝", "老婆", "老公", "生日快乐",
    "新年快乐", "密码", "你好", "谢谢", "加油", "一路平安", "平安喜乐", "岁岁平安",
    "阿弥陀佛", "天下为公", "自强不息", "厚德载物", "床前明月光", "疑是地上霜", "举头望明月",
    "低头思故乡", "白日依山尽", "黄河入海流", "春眠不觉晓", "锄禾日当午", "哈哈", "呵呵",
    "嘿嘿", "我爱我家", "快乐", "幸福", "开心", "爸爸", "妈妈", "一帆风顺", "二龙戏珠",
    "三阳开泰", "四季平安", "五福临门", "六六大顺", "七星高照", "八方来财", "十全十美",
};

// The most common surnames (about 85% of the population between them).
const char kSurnames[] =
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳司上官诸葛";

// Characters common in given names (伟, 芳, 秀英, 建国...): guessed long before
// a random character, so each costs kGivenNameBits wherever it stands.
const char kGivenNameChars[] =
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国平刚桂兰玉萍红霞鹏飞宇浩然子涵梓轩欣怡"
    "晨阳佳琪雨婷文博俊杰志海波辉斌宁燕琳丹玲凤云龙林峰鑫宏亮春梅琴倩颖晶雪晓东";

// Numbers that mean something in Chinese chat (520 "I love you", 1314 "for life").
const char* const kLoveNumbers[] = {
    "5201314", "1314520", "5211314", "1314521", "201314", "1314", "520", "521", "530",
    "3344", "9420", "748", "886", "88", "666", "888", "168", "518", "2333", "7758258",
};

constexpr double kHanBits = 11.77;  // log2(3500)
constexpr double kRepeatBits = 1.0;
constexpr double kDateBits = 15.2;  // log2(100 years * 365 days)
const double kPhraseBits = std::log2(double(std::size(kPhrases))) + 1;
const double kSurnameBits = 7.0;
const double kGivenNameBits = 7.0;  // about log2(the list above)
const double kLoveBits = std::log2(double(std::size(kLoveNumbers))) + 1;

// Decodes one UTF-8 code point at p (n bytes left); returns its length (1 for
// a byte that does not start a valid sequence, with *cp set to that byte).
std::size_t decode(const std::uint8_t* p, std::size_t n, char32_t* cp) {
  std::uint8_t b = p[0];
  std::size_t len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (len == 0 || len > n) {
    *cp = b;
    return 1;
  }
  char32_t v = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (std::size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) {
      *cp = b;
      return 1;
    }
    v = (v << 6) | (p[i] & 0x3F);
  }
  *cp = v;
  return len;
}

bool is_han(char32_t c) {
  return (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F);
}

const std::unordered_map<char32_t, const char*>& pinyin_table() {
  static const auto table = [] {
    std::unordered_map<char32_t, const char*> t;
    for (const PinyinRow& row : kPinyin) {
      const auto* p = reinterpret_cast<const std::uint8_t*>(row.chars);
      std::size_t n = std::strlen(row.chars);
      while (n > 0) {
        char32_t c = 0;
        std::size_t len = decode(p, n, &c);
        t.emplace(c, row.syllable);
        p += len;
        n -= len;
      }
    }
    return t;
  }();
  return table;
}

// zxcvbn on bytes [p, p+n), through a NUL-terminated copy in locked memory.
double zxcvbn_bits(const std::uint8_t* p, std::size_t n) {
  Secret z(n + 1);
  if (n > 0) std::memcpy(z.data(), p, n);
  z.data()[n] = 0;
  return ZxcvbnMatch(reinterpret_cast<const char*>(z.data()), nullptr, nullptr);
}

bool starts_with(const std::uint8_t* p, std::size_t n, const char* word) {
  std::size_t w = std::strlen(word);
  return w <= n && std::memcmp(p, word, w) == 0;
}

bool is_digit(std::uint8_t b) { return b >= '0' && b <= '9'; }

// YYYYMMDD with a year 1900-2099, a month 1-12 and a day 1-31.
bool is_date8(const std::uint8_t* p, std::size_t n) {
  if (n < 8) return false;
  for (std::size_t i = 0; i < 8; ++i) {
    if (!is_digit(p[i])) return false;
  }
  int year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
  int month = (p[4] - '0') * 10 + (p[5] - '0');
  int day = (p[6] - '0') * 10 + (p[7] - '0');
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// The toneless pinyin of a (non-secret) UTF-8 phrase from the lists above.
std::string phrase_pinyin(const char* phrase) {
  const auto& table = pinyin_table();
  std::string out;
  const auto* p = reinterpret_cast<const std::uint8_t*>(phrase);
  std::size_t n = std::strlen(phrase);
  while (n > 0) {
    char32_t c = 0;
    std::size_t len = decode(p, n, &c);
    auto it = table.find(c);
    if (it != table.end()) out += it->second;
    p += len;
    n -= len;
  }
  return out;
}

struct PinyinWords {
  std::unordered_set<std::string_view> syllables;
  std::vector<std::string> phrases;
};

const PinyinWords& pinyin_words() {
  static const auto words = [] {
    PinyinWords w;
    for (const PinyinRow& row : kPinyin) w.syllables.insert(row.syllable);
    for (const char* phrase : kPhrases) w.phrases.push_back(phrase_pinyin(phrase));
    return w;
  }();
  return words;
}

// (b): the pinyin form, with whitespace dropped; `spaced` puts a space
// between syllables instead. Characters with no reading are kept as typed.
double pinyin_parse_bits(const std::uint8_t* s, std::size_t n);

Secret pinyin_form(const Secret& pass, bool spaced) {
  const auto& table = pinyin_table();
  const std::uint8_t* p = pass.data();
  std::size_t n = pass.size();
  Secret out(n * 3 + 1);  // a 3-byte character becomes at most 6 letters + a space
  std::size_t used = 0;
  bool last_was_syllable = false;
  while (n > 0) {
    char32_t c = 0;
    std::size_t len = decode(p, n, &c);
    auto it = is_han(c) ? table.find(c) : table.end();
    if (it != table.end()) {
      if (spaced && used > 0) out.data()[used++] = ' ';
      std::size_t s = std::strlen(it->second);
      std::memcpy(out.data() + used, it->second, s);
      used += s;
      last_was_syllable = true;
    } else if (c == ' ' || c == '\t' || c == 0x3000) {
      // dropped
    } else {
      if (spaced && last_was_syllable) out.data()[used++] = ' ';
      std::memcpy(out.data() + used, p, len);
      used += len;
      last_was_syllable = false;
    }
    p += len;
    n -= len;
  }
  out.truncate(used);
  return out;
}

// (d): the cheapest parse of a pinyin form (lowercased) into the pinyin of the
// common phrases, pinyin syllables (log2 of about 400), love numbers, dates
// and single other characters (log2(10) for a digit, log2(95) for a symbol;
// a letter outside a syllable makes the parse fail).
// This is how a pinyin-aware attacker guesses woaini1314 or the romanised
// form of a Chinese phrase, which zxcvbn's English lists miss.
double pinyin_parse_bits(const std::uint8_t* raw, std::size_t n) {
  const PinyinWords& words = pinyin_words();
  Secret lower(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint8_t b = raw[i];
    lower.data()[i] = b >= 'A' && b <= 'Z' ? std::uint8_t(b - 'A' + 'a') : b;
  }
  const std::uint8_t* s = lower.data();
  const double inf = std::numeric_limits<double>::infinity();
  const double syllable_bits = std::log2(double(words.syllables.size()));
  const double phrase_bits = std::log2(double(words.phrases.size())) + 1;
  std::vector<double> best(n + 1, inf);
  best[0] = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (best[i] == inf) continue;
    auto relax = [&](std::size_t j, double bits) {
      if (best[i] + bits < best[j]) best[j] = best[i] + bits;
    };
    // A letter must belong to a syllable: English text does not parse as pinyin.
    if (!(s[i] >= 'a' && s[i] <= 'z')) relax(i + 1, is_digit(s[i]) ? 3.33 : 6.57);
    for (std::size_t len = 1; len <= 6 && i + len <= n; ++len) {
      std::string_view piece(reinterpret_cast<const char*>(s + i), len);
      if (words.syllables.count(piece) != 0) relax(i + len, syllable_bits);
    }
    for (const std::string& phrase : words.phrases) {
      if (!phrase.empty() && phrase.size() <= n - i &&
          std::memcmp(s + i, phrase.data(), phrase.size()) == 0) {
        relax(i + phrase.size(), phrase_bits);
      }
    }
    for (const char* number : kLoveNumbers) {
      if (starts_with(s + i, n - i, number)) relax(i + std::strlen(number), kLoveBits);
    }
    if (is_date8(s + i, n - i)) relax(i + 8, kDateBits);
  }
  return best[n];
}

double pinyin_bits(const Secret& pass, bool spaced) {
  Secret form = pinyin_form(pass, spaced);
  double bits = zxcvbn_bits(form.data(), form.size());
  if (!spaced) bits = std::min(bits, pinyin_parse_bits(form.data(), form.size()));
  return bits;
}

// Whether the len-byte character at p is one of list's (3-byte) characters.
bool in_char_list(std::string_view list, const std::uint8_t* p, std::size_t len) {
  for (std::size_t k = 0; len == 3 && k + len <= list.size(); k += 3) {
    if (std::memcmp(list.data() + k, p, len) == 0) return true;
  }
  return false;
}

// (c): the cheapest parse of the passphrase into Han characters, phrases,
// surnames, given-name characters, love numbers, dates and runs of other text.
double han_bits(const Secret& pass) {
  const std::uint8_t* s = pass.data();
  const std::size_t n = pass.size();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> best(n + 1, inf);
  std::vector<bool> run_start(n + 1, false);  // a non-Han run may start here
  best[0] = 0;
  char32_t prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char32_t c = 0;
    std::size_t len = decode(s + i, n - i, &c);
    if (best[i] == inf) {
      prev = c;
      i += len - 1;
      continue;
    }
    auto relax = [&](std::size_t j, double bits) {
      if (best[i] + bits < best[j]) best[j] = best[i] + bits;
    };
    if (is_han(c)) {
      relax(i + len, c == prev ? kRepeatBits : kHanBits);
      for (const char* phrase : kPhrases) {
        if (starts_with(s + i, n - i, phrase)) relax(i + std::strlen(phrase), kPhraseBits);
      }
      if (in_char_list(kSurnames, s + i, len)) relax(i + len, kSurnameBits);
      if (in_char_list(kGivenNameChars, s + i, len)) relax(i + len, kGivenNameBits);
    } else {
      bool starts = i == 0 || run_start[i] || prev == 0 || is_han(prev);
      if (starts) {
        std::size_t end = i;
        while (end < n) {
          char32_t d = 0;
          std::size_t dl = decode(s + end, n - end, &d);
          if (is_han(d)) break;
          end += dl;
        }
        relax(end, zxcvbn_bits(s + i, end - i));
        for (const char* number : kLoveNumbers) {
          if (starts_with(s + i, end - i, number)) {
            std::size_t j = i + std::strlen(number);
            relax(j, kLoveBits);
            run_start[j] = true;
          }
        }
        if (is_date8(s + i, end - i)) {
          relax(i + 8, kDateBits);
          run_start[i + 8] = true;
        }
      }
    }
    prev = c;
    i += len - 1;
  }
  return best[n];
}

bool has_han(const Secret& pass) {
  const std::uint8_t* p = pass.data();
  std::size_t n = pass.size();
  while (n > 0) {
    char32_t c = 0;
    std::size_t len = decode(p, n, &c);
    if (is_han(c)) return true;
    p += len;
    n -= len;
  }
  return false;
}

}  // namespace

Strength estimate_strength(const Secret& passphrase) {
  double bits = zxcvbn_bits(passphrase.data(), passphrase.size());
  if (has_han(passphrase)) {
    bits = std::min(bits, pinyin_bits(passphrase, false));
    bits = std::min(bits, pinyin_bits(passphrase, true));
    bits = std::min(bits, han_bits(passphrase));
  } else {
    // Typed pinyin (woaini1314): only the pinyin parse, so that English
    // passphrases keep zxcvbn's rating of them as typed.
    Secret form = pinyin_form(passphrase, false);
    bits = std::min(bits, pinyin_parse_bits(form.data(), form.size()));
  }
  Strength s;
  s.bits = bits;
  // TRANSLATORS: how strong a passphrase is, in "passphrase strength: RATING (about 2^N guesses)".
  s.rating = bits < 28 ? tr("very weak") : bits < kMinStrengthBits ? tr("weak") : bits < 64 ? tr("fair")
           : bits < 80 ? tr("strong") : tr("very strong");
  return s;
}

}  // namespace folio
