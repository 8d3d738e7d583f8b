// Certificate throughput: offline verification of a file's worth of tokens against raw
// libsodium Ed25519 verification of the very same signed messages (the limit, measured in the
// same run), and issuing (claims to token). Usage: cert_bench [--tokens N]
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "certs/cbor.h"
#include "certs/certs.h"
#include "certs/codec.h"

using namespace credence;
using namespace credence::certs;

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The Sig_structure and signature inside a token, recovered from its bytes.
struct Signed {
  std::string message;
  std::string signature;
};

Signed Unwrap(const std::string& token) {
  CborValue cose =
      *DecodeCbor(*ZlibDecompress(*Base45Decode(token.substr(kCertificatePrefix.size()))));
  const auto& items = cose.tagged().items();
  Signed out;
  AppendCborHead(out.message, 4, 4);
  AppendCborText(out.message, "Signature1");
  AppendCborBytes(out.message, items[0].as_string());
  AppendCborBytes(out.message, "");
  AppendCborBytes(out.message, items[2].as_string());
  out.signature = items[3].as_string();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--tokens") == 0) n = std::atoi(argv[i + 1]);
  }
  if (sodium_init() < 0) return 1;
  SeededRandom random(1);
  SigningKey key = SigningKey::Generate(random);
  TrustList trust;
  trust.Add(key.verification_key());
  Timestamp issued = *Timestamp::Parse("2026-11-22T00:00:00Z");

  Certificate c;
  c.type = "certificate";
  c.name = "温州市示例科技有限公司";
  c.level = "A";
  c.evaluated = issued.ShanghaiDate();
  c.issuer_name = "信用温州";
  c.issuer = "CN-WZ";
  c.issued_at = issued;
  c.expires = Timestamp::FromSeconds(issued.seconds() + 30 * 86400);

  std::vector<std::string> tokens;
  tokens.reserve(n);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    c.serial = "CC20261122-" + std::to_string(1000000 + i);
    c.code = "9133030200" + std::to_string(10000000 + i);
    tokens.push_back(IssueToken(c, key));
  }
  double issue_seconds = Seconds(start);

  std::vector<Signed> raw;
  raw.reserve(n);
  for (const std::string& token : tokens) raw.push_back(Unwrap(token));

  // The two measurements alternate in ten slices, so that a busy neighbour slows both alike.
  Timestamp now = Timestamp::FromSeconds(issued.seconds() + 3600);
  const auto* pk = reinterpret_cast<const unsigned char*>(key.public_key().data());
  int valid = 0;
  int raw_valid = 0;
  double verify_seconds = 0;
  double raw_seconds = 0;
  constexpr int kSlices = 10;
  for (int slice = 0; slice < kSlices; ++slice) {
    int begin = n * slice / kSlices;
    int end = n * (slice + 1) / kSlices;
    start = std::chrono::steady_clock::now();
    for (int i = begin; i < end; ++i) valid += VerifyCertificate(tokens[i], trust, now).token.valid;
    verify_seconds += Seconds(start);
    start = std::chrono::steady_clock::now();
    for (int i = begin; i < end; ++i) {
      const Signed& s = raw[i];
      raw_valid +=
          crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(s.signature.data()),
                                      reinterpret_cast<const unsigned char*>(s.message.data()),
                                      s.message.size(), pk) == 0;
    }
    raw_seconds += Seconds(start);
  }
  if (valid != n || raw_valid != n) {
    std::fprintf(stderr, "cert_bench: %d of %d tokens verified, %d raw\n", valid, n, raw_valid);
    return 1;
  }
  double verify_rate = n / verify_seconds;
  double raw_rate = n / raw_seconds;
  double issue_rate = n / issue_seconds;
  std::printf("tokens=%d token_bytes=%zu\n", n, tokens.front().size());
  std::printf("RESULT cert_verify_per_second=%.0f\n", verify_rate);
  std::printf("RESULT raw_ed25519_verify_per_second=%.0f\n", raw_rate);
  std::printf("RESULT cert_verify_vs_raw_ed25519=%.2f target=0.80\n", verify_rate / raw_rate);
  std::printf("RESULT cert_issue_per_second=%.0f target=5000 ratio_to_target=%.2f\n", issue_rate,
              issue_rate / 5000);
  return 0;
}
