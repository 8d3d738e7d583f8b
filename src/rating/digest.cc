// The bulk digest: a streaming SHA-256 (OpenSSL stays inside this file).
#include <openssl/evp.h>

#include "common/hash.h"
#include "rating/rating.h"

namespace credence::rating {

// One hash context for the whole run: a fresh context per rating would cost more than hashing
// the rating.
struct RatingDigest::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Context() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Context() { EVP_MD_CTX_free(ctx); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
};

RatingDigest::RatingDigest() : context_(std::make_unique<Context>()) {}
RatingDigest::~RatingDigest() = default;
RatingDigest::RatingDigest(RatingDigest&&) noexcept = default;
RatingDigest& RatingDigest::operator=(RatingDigest&&) noexcept = default;

void RatingDigest::Add(std::string_view code, std::string_view rating_json) {
  if (count_ > 0 && code <= std::string_view(last_code_)) in_order_ = false;
  last_code_.assign(code);
  EVP_DigestUpdate(context_->ctx, rating_json.data(), rating_json.size());
  EVP_DigestUpdate(context_->ctx, "\n", 1);
  ++count_;
}

std::string RatingDigest::Hex() const {
  // Finishes a copy, so that adding can go on.
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  EVP_MD_CTX_copy_ex(copy, context_->ctx);
  Sha256Digest digest;
  EVP_DigestFinal_ex(copy, digest.data(), nullptr);
  EVP_MD_CTX_free(copy);
  return HexEncode(digest);
}

}  // namespace credence::rating
