// Text handling for Chinese names and feeds: UTF-8 validation, GB18030 conversion, and the
// normalisation used for search and matching (utf8proc and OpenCC stay inside text.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace credence::text {

bool IsValidUtf8(std::string_view bytes);

// Converts GB18030 (a superset of GBK and GB2312) to UTF-8. Fails with reason "encoding" and the
// byte offset when the input is not valid GB18030 either.
Result<std::string> Gb18030ToUtf8(std::string_view bytes);

// The normalised form of a subject name for search and matching: NFKC (full-width to
// half-width), case folded, traditional Chinese converted to simplified, all bracket variants
// （）【】[] to (), whitespace removed. Thread-safe.
std::string NormalizeName(std::string_view name);

// Splits UTF-8 into code points (invalid bytes become U+FFFD).
std::vector<char32_t> CodePoints(std::string_view utf8);
void AppendUtf8(char32_t code_point, std::string* out);

// Trims ASCII and full-width (U+3000) whitespace at both ends.
std::string_view Trim(std::string_view text);

}  // namespace credence::text
