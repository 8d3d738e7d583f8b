// credence cert …: offline verification, the platform's trust list, importing other cities'
// trust lists, key rotation.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "certs/certs.h"
#include "cli/cli_internal.h"

namespace credence::cli {
namespace {

namespace fs = std::filesystem;

fs::path KeyRingPath(const std::string& data_dir) {
  return fs::path(data_dir) / "certificate-keys.json";
}
fs::path TrustListDir(const std::string& data_dir) { return fs::path(data_dir) / "trust-lists"; }

Result<certs::TrustList> ReadJwkSetFile(const std::string& path) {
  CREDENCE_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  auto json = ParseJson(text);
  if (!json) return Fail(std::move(json).error().Context(path));
  certs::TrustList trust;
  if (auto added = trust.AddJwkSet(*json); !added)
    return Fail(std::move(added).error().Context(path));
  return trust;
}

// The text of the QR code in a PNG, read by zbarimg (Debian's zbar-tools).
Result<std::string> ReadQrCode(const std::string& png_path) {
  if (!fs::exists(png_path)) return Fail(Error::NotFound(fmt::format("cannot open {}", png_path)));
  std::string quoted = "'";
  for (char c : png_path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  std::string command =
      "zbarimg --quiet --raw -Sdisable -Sqrcode.enable " + quoted + " 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return Fail(Error::Unavailable("cannot run zbarimg (zbar-tools)"));
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int rc = ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (rc != 0 || out.empty()) {
    return Fail(
        Error::InvalidArgument("qr", fmt::format("no QR code could be read from {}", png_path)));
  }
  return out;
}

struct VerifyOptions {
  StoreOptions store;
  std::vector<std::string> trust_lists;
  std::string qr;
  std::string token;
};

int Verify(const VerifyOptions& options) {
  auto clock = MakeClock(options.store.now);
  if (!clock) return ExitWith(clock.error());
  certs::TrustList trust;
  if (options.trust_lists.empty()) {
    auto ring = OpenKeyRing(options.store.data_dir, **clock);
    if (!ring) return ExitWith(ring.error());
    auto loaded = LoadTrust(options.store.data_dir, *ring);
    if (!loaded) return ExitWith(loaded.error());
    trust = std::move(*loaded);
  }
  for (const std::string& file : options.trust_lists) {
    auto loaded = ReadJwkSetFile(file);
    if (!loaded) return ExitWith(loaded.error());
    for (const certs::VerificationKey& key : loaded->keys()) trust.Add(key);
  }
  std::string token = options.token;
  if (!options.qr.empty()) {
    auto read = ReadQrCode(options.qr);
    if (!read) return ExitWith(read.error());
    token = *read;
  }
  if (token.empty()) return ExitWith(Error::InvalidArgument("usage", "give a TOKEN or --qr PNG"));
  certs::CertificateVerification result = certs::VerifyCertificate(token, trust, (*clock)->Now());
  std::cout << ToJson(certs::VerificationToJson(result)) << "\n";
  return result.token.valid ? 0 : 1;
}

int PrintTrustList(const StoreOptions& store, bool jws) {
  auto clock = MakeClock(store.now);
  if (!clock) return ExitWith(clock.error());
  auto ring = OpenKeyRing(store.data_dir, **clock);
  if (!ring) return ExitWith(ring.error());
  std::string set = ToJson(ring->trust_list().ToJwkSet());
  std::cout << (jws ? certs::SignCompactJws(set, ring->active()) : set) << "\n";
  return 0;
}

int ImportTrustList(const StoreOptions& store, const std::string& name, const std::string& file) {
  if (name.empty() ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
    return ExitWith(
        Error::InvalidArgument("name", "--name is lower-case letters, digits, - and _"));
  }
  auto trust = ReadJwkSetFile(file);
  if (!trust) return ExitWith(trust.error());
  std::error_code ec;
  fs::create_directories(TrustListDir(store.data_dir), ec);
  fs::path target = TrustListDir(store.data_dir) / (name + ".json");
  std::ofstream(target, std::ios::binary | std::ios::trunc) << ToJson(trust->ToJwkSet()) << "\n";
  std::cout << fmt::format("trust list {}: {} keys imported into {}\n", name, trust->keys().size(),
                           target.string());
  return 0;
}

int Rotate(const StoreOptions& store) {
  auto clock = MakeClock(store.now);
  if (!clock) return ExitWith(clock.error());
  auto ring = OpenKeyRing(store.data_dir, **clock);
  if (!ring) return ExitWith(ring.error());
  SecureRandom random;
  if (auto rotated = ring->Rotate(random, (*clock)->Now()); !rotated)
    return ExitWith(rotated.error());
  std::cout << fmt::format("new signing key {} ({} keys in the ring)\n",
                           Base64UrlEncode(ring->active().kid()), ring->size());
  return 0;
}

int WriteQr(const std::string& token, const std::string& out) {
  auto image = fs::path(out).extension() == ".svg" ? certs::QrSvg(token) : certs::QrPng(token);
  if (!image) return ExitWith(image.error());
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << *image;
  if (!file) return ExitWith(Error::Unavailable(fmt::format("cannot write {}", out)));
  return 0;
}

}  // namespace

Result<certs::KeyRing> OpenKeyRing(const std::string& data_dir, const Clock& clock) {
  SecureRandom random;
  return certs::KeyRing::LoadOrCreate(KeyRingPath(data_dir), random, clock.Now());
}

Result<certs::TrustList> LoadTrust(const std::string& data_dir, const certs::KeyRing& ring) {
  certs::TrustList trust = ring.trust_list();
  std::error_code ec;
  if (!fs::is_directory(TrustListDir(data_dir), ec)) return trust;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(TrustListDir(data_dir))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    CREDENCE_ASSIGN_OR_RETURN(certs::TrustList imported, ReadJwkSetFile(file.string()));
    for (const certs::VerificationKey& key : imported.keys()) trust.Add(key);
  }
  return trust;
}

void AddCertCommands(CLI::App& app, int& status) {
  CLI::App* cert = app.add_subcommand("cert", "credit certificates");
  cert->require_subcommand(1);

  auto verify = std::make_shared<VerifyOptions>();
  CLI::App* verify_cmd = cert->add_subcommand(
      "verify", "verify a certificate offline (exit 0 when valid; the result as JSON)");
  verify_cmd->add_option("--data", verify->store.data_dir,
                         "data directory (its keys are trusted "
                         "when no --trust-list is given)");
  verify_cmd->add_option("--now", verify->store.now, "verify as of this time (RFC 3339)");
  verify_cmd->add_option("--trust-list", verify->trust_lists, "JWK Set file (one per platform)")
      ->allow_extra_args(false);  // repeat the option per file; the token stays positional
  verify_cmd->add_option("--qr", verify->qr, "PNG image of the QR code");
  verify_cmd->add_option("token", verify->token, "the certificate token, CC1:…");
  verify_cmd->callback([verify, &status] { status = Verify(*verify); });

  auto list = std::make_shared<std::pair<StoreOptions, bool>>();
  CLI::App* list_cmd = cert->add_subcommand("trust-list", "print this platform's trust list");
  list_cmd->add_option("--data", list->first.data_dir, "data directory")->capture_default_str();
  list_cmd->add_flag("--jws", list->second, "signed, as a compact JWS");
  list_cmd->callback([list, &status] { status = PrintTrustList(list->first, list->second); });

  auto import = std::make_shared<std::tuple<StoreOptions, std::string, std::string>>();
  CLI::App* import_cmd =
      cert->add_subcommand("import-trust-list", "trust another platform's certificates");
  import_cmd->add_option("--data", std::get<0>(*import).data_dir, "data directory")
      ->capture_default_str();
  import_cmd->add_option("--name", std::get<1>(*import), "a name for the platform")->required();
  import_cmd->add_option("file", std::get<2>(*import), "its JWK Set")->required();
  import_cmd->callback([import, &status] {
    status = ImportTrustList(std::get<0>(*import), std::get<1>(*import), std::get<2>(*import));
  });

  auto qr = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* qr_cmd =
      cert->add_subcommand("qr", "draw a token's QR code (PNG, or SVG by extension)");
  qr_cmd->add_option("--out", qr->second, "output file, .png or .svg")->required();
  qr_cmd->add_option("token", qr->first, "the certificate token, CC1:…")->required();
  qr_cmd->callback([qr, &status] { status = WriteQr(qr->first, qr->second); });

  auto rotate = std::make_shared<StoreOptions>();
  CLI::App* rotate_cmd = cert->add_subcommand("rotate", "sign with a new key from now on");
  rotate_cmd->add_option("--data", rotate->data_dir, "data directory")->capture_default_str();
  rotate_cmd->add_option("--now", rotate->now, "rotate as of this time (RFC 3339)");
  rotate_cmd->callback([rotate, &status] { status = Rotate(*rotate); });
}

}  // namespace credence::cli
