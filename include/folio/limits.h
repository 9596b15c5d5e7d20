// folio/limits.h: the sizes every command agrees on. A limit is checked where
// text enters (add, edit, the editor, item and checklist commands, import),
// so nothing stored can later make another command fail: a backup that
// export writes always fits what import reads (docs/CLI.md, "Limits").
#pragma once

#include <cstddef>

namespace folio {

// An entry body, an item's notes, a checklist's description: 8 MiB of UTF-8
// (a novel is about 1 MiB). Even written entirely as JSON's six-byte escapes
// (\u001b...), such a text stays under the backup payload's 64 MiB line.
inline constexpr std::size_t kMaxTextBytes = std::size_t{8} << 20;

// One-line fields, in Unicode code points.
inline constexpr std::size_t kMaxTitleChars = 500;  // an entry's title
inline constexpr std::size_t kMaxTagChars = 64;
inline constexpr std::size_t kMaxNameChars = 200;   // a checklist's name, an item's title

// An attachment's stored file name, in bytes of UTF-8 (a file name on Linux
// file systems is at most 255 bytes).
inline constexpr std::size_t kMaxFileNameBytes = 255;

}  // namespace folio
