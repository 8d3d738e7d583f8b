// Static files of the portal: which file a path names, its content type and how long browsers
// may cache it. The server adapter sends the file itself.
#include <algorithm>
#include <array>
#include <system_error>
#include <utility>

#include "http/http_internal.h"

namespace credence::http::internal {
namespace {

// Bundle files are named by content hash, so a year of caching is safe; everything else is
// revalidated so that a deployment shows up on the next load.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";

bool IsRegularFile(const std::filesystem::path& file) {
  std::error_code error;
  return std::filesystem::is_regular_file(file, error);
}

// True when the canonical form of `file` lies inside `root`.
bool InsideRoot(const std::filesystem::path& root, const std::filesystem::path& file) {
  std::error_code error;
  const std::filesystem::path canonical = std::filesystem::canonical(file, error);
  if (error) return false;
  auto root_it = root.begin();
  auto file_it = canonical.begin();
  for (; root_it != root.end(); ++root_it, ++file_it) {
    if (file_it == canonical.end() || *root_it != *file_it) return false;
  }
  return true;
}

StaticLookup BadPath() {
  StaticLookup lookup;
  lookup.outcome = StaticOutcome::kBadPath;
  return lookup;
}

StaticLookup Found(std::filesystem::path file, bool immutable) {
  StaticLookup lookup;
  lookup.outcome = StaticOutcome::kFound;
  lookup.content_type = ContentTypeFor(file);
  lookup.cache_control = immutable ? kImmutable : kRevalidate;
  lookup.file = std::move(file);
  return lookup;
}

}  // namespace

std::string_view ContentTypeFor(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".wasm", "application/wasm"},
      {".webmanifest", "application/manifest+json"},
  }};
  const std::string extension = file.extension().string();
  for (const auto& [known, type] : kTypes) {
    if (extension.size() == known.size() &&
        std::equal(extension.begin(), extension.end(), known.begin(), known.end(),
                   [](char a, char b) { return (a | 0x20) == b; })) {
      return type;
    }
  }
  return "application/octet-stream";
}

StaticLookup ResolveStaticFile(const std::filesystem::path& root, std::string_view decoded_path) {
  if (decoded_path.find('\0') != std::string_view::npos) return BadPath();
  if (decoded_path == "/api" || decoded_path.starts_with("/api/")) return {};

  std::filesystem::path relative;
  bool hidden = false;
  bool first = true;
  bool under_assets = false;
  size_t start = 0;
  while (start <= decoded_path.size()) {
    size_t slash = decoded_path.find('/', start);
    if (slash == std::string_view::npos) slash = decoded_path.size();
    const std::string_view segment = decoded_path.substr(start, slash - start);
    start = slash + 1;
    // Backslashes are separators on some systems; no legitimate portal path has one.
    if (segment == ".." || segment.find('\\') != std::string_view::npos) {
      return BadPath();
    }
    if (segment.empty() || segment == ".") continue;
    if (segment.front() == '.') hidden = true;
    if (first) under_assets = segment == "assets";
    first = false;
    relative /= std::filesystem::path(segment);
  }

  if (!hidden) {
    std::filesystem::path candidate = root / relative;
    std::error_code error;
    if (std::filesystem::is_directory(candidate, error)) candidate /= "index.html";
    if (IsRegularFile(candidate) && InsideRoot(root, candidate)) {
      return Found(std::move(candidate), under_assets);
    }
  }
  if (under_assets) return {};

  // The portal routes in the browser: any other path loads the application.
  std::filesystem::path index = root / "index.html";
  if (IsRegularFile(index) && InsideRoot(root, index)) return Found(std::move(index), false);
  return {};
}

}  // namespace credence::http::internal
