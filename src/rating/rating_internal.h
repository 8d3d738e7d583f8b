// Helpers shared by the rating's source files; not part of its contract.
#pragma once

#include <optional>
#include <string_view>

namespace credence::rating {

// Whether a list key matches a policy pattern: '*' matches any run of characters.
bool ListPatternMatches(std::string_view pattern, std::string_view list);

// The raw text of the string member at a dotted path ("extra.evaluation") of a JSON object,
// without allocating; escapes are left as written. nullopt when the path is absent, does not
// hold a string, or the text is not well-formed where the scan passes.
std::optional<std::string_view> FindJsonString(std::string_view json, std::string_view path);

}  // namespace credence::rating
