// Pieces of the HTTP module shared between its translation units and its tests; not part of
// the module's contract.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace credence::http::internal {

enum class StaticOutcome : uint8_t {
  kFound,     // serve `file`
  kNotFound,  // answer 404
  kBadPath,   // ".." or a NUL byte in the path: answer 400
};

struct StaticLookup {
  StaticOutcome outcome = StaticOutcome::kNotFound;
  std::filesystem::path file;
  std::string_view content_type;
  std::string_view cache_control;
};

// Maps a decoded request path to a file under root (which must be canonical, see
// std::filesystem::canonical). Directories serve their index.html. A path that names no file
// falls back to root/index.html unless it starts with /api/ or /assets/ (a missing bundle file
// is a real 404, not a page). Files whose canonical path leaves root (symlinks) and hidden
// files (a segment starting with '.') are never served.
StaticLookup ResolveStaticFile(const std::filesystem::path& root, std::string_view decoded_path);

// The Content-Type for a file name's extension; application/octet-stream when unknown.
std::string_view ContentTypeFor(const std::filesystem::path& file);

}  // namespace credence::http::internal
