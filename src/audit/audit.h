// The tamper-evident audit log. Every write that changes what the public or a department sees
// is appended, inside the same store transaction as the change, as an entry whose hash chains
// the previous entry's hash:
//
//   hash(n) = SHA-256( hash(n-1) || be64(seq) || be64(at_micros) ||
//                      lp(actor) || lp(action) || lp(object) || digest )
//
// where hash(0) is empty, be64 is an 8-byte big-endian integer and lp(s) is be32(len(s)) || s.
// Changing, removing or reordering any entry breaks every hash after it; Verify finds the first.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/hash.h"
#include "common/result.h"
#include "common/time.h"
#include "store/store.h"

namespace credence::audit {

struct Event {
  std::string actor;      // who: "department:court", "cli", "token:4"
  std::string action;     // what: "record.insert", "record.revise", "record.withdraw", ...
  std::string object;     // on what: "record:123@2"
  Sha256Digest digest{};  // SHA-256 of the object's content after the change
};

// The chain rule above, for one entry given the previous entry's hash (32 raw bytes or empty).
std::string EntryHash(std::string_view previous_hash, const store::AuditEntry& entry);

// Appends events, in order, to the log within txn, all stamped `at`.
Status Append(store::WriteTxn& txn, Timestamp at, std::span<const Event> events);

struct VerifyReport {
  int64_t entries = 0;  // entries checked (when broken: up to and including the broken one)
  bool ok = true;
  int64_t first_broken_seq = 0;  // 0 when ok
  std::string message;           // what is wrong with the first broken entry
  std::string head_hash_hex;     // the last entry's hash, hex (when broken: the last intact one)
};

// Walks the whole log from seq 1, recomputes every hash and stops at the first entry that is
// missing (a seq gap), has a malformed digest or does not match its hash. Removing entries at
// the end of the log leaves a shorter valid chain: compare head_hash_hex with a copy kept
// elsewhere to detect that. Errors only when the store cannot be read.
Result<VerifyReport> Verify(store::Store& store);

}  // namespace credence::audit
