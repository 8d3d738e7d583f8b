// For tests: QR images read back by an independent decoder, zbarimg (Debian's zbar-tools).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

namespace credence::certs {

// The QR image decoded by an independent reader (zbarimg, Debian's zbar-tools).
inline std::optional<std::string> ReadQrImage(const std::string& png) {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("credence-dcc-" + std::to_string(::getpid()) + ".png");
  std::ofstream(path, std::ios::binary) << png;
  std::string command =
      "zbarimg --quiet --raw -Sdisable -Sqrcode.enable '" + path.string() + "' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  size_t n;
  while (pipe != nullptr && (n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int rc = pipe ? ::pclose(pipe) : -1;
  std::filesystem::remove(path);
  if (rc != 0) return std::nullopt;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace credence::certs
