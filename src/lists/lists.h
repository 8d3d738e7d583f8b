// Red lists, blacklists and the abnormal operation list: their definitions (policy data, the
// [[list]] tables of policy/lists.toml) and the memberships derived from a subject's records.
//
// Nobody is put on a list by hand. A listing is a record: a department submits, through the
// ordinary ingest, a record of one of a list's source kinds whose fields satisfy the list's
// conditions (a court's dishonest_debtor record; a serious_dishonesty record whose `list` names
// the field's list; a tax_credit_grade record with grade A; ...). The record's decision date is
// the entry date and its document_no the listing decision's number. What happens to a listing
// afterwards is written in records too, so that it flows through the existing ingest, is
// versioned and audited like everything else:
//
//  - Removal by the listing department: a new version of the listing record (same source_ref)
//    with the fields
//        "removal": "performed"               a removal event key of the list (the court's five
//                                             events, "ground_corrected", ...)
//        "removed_on": "2025-06-30"           the removal decision's date (default: the day the
//                                             version was written)
//        "removal_document_no": "…"           the removal decision's number (optional)
//  - Extension by the listing department: a new version with "extension_months": 12 (the total
//    extension; the list's extension rule caps it), or with a later "term_end".
//  - Listing decisions of another authorised department, by document number: an action record
//    of one of the list's source kinds, from a department in the list's `authorities`, with
//        "list_action": "delist" | "extend"
//        "target_document_no": "(2019)浙0302执123号"   the listing decision it acts on
//        "document_no": "…"                            the action's own decision number
//        "removal": "basis_revoked"                    (delist) the event
//        "extension_months": 12                        (extend)
//        "list": "court_dishonest_debtor"              optional: only this list (a list key)
//    decided_at is the action's date. An action record is never a listing itself: the rating and
//    public record views skip records for which IsListAction is true.
//  - Withdrawal or credit restoration of the listing record (lifecycle transitions) removes the
//    listing from that day ("withdrawal", "restoration"); the end of the record's publicity
//    period does so too for lists with ends_with_record_expiry ("expiry").
// Each of these fields may also be given inside the record's "extra" object (CSV columns
// extra.removal, ...); a top-level field wins.
//
// A listing is about the record's subject only. When the subject is an entity, its legal
// representative is not listed for it (法释〔2017〕7号; the same for every field's lists): the
// policy cannot say otherwise (lists_legal_representative must be false), and DeriveMemberships
// only ever looks at records of the subject it is given.
//
// How it is meant to be called:
//   Result<ListCatalog> lists = ListCatalog::Load(catalog);     // once per policy load
//   // per subject, with its current record versions (Store::ListRecords / a bulk scan):
//   std::vector<Membership> memberships = DeriveMemberships(*lists, subject, records, today);
// The rating converts memberships to its RatingMembership views (list key, record_id,
// term_end, active); the lists API serves definitions (ListCatalog::lists()) and members of
// public lists (Membership::active && definition->is_public && Membership::is_public).
//
// Thread safety: a ListCatalog is immutable after Load and may be shared by any number of
// threads; DeriveMemberships is pure and reentrant. Nothing here reads a clock or a store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "ids/ids.h"
#include "lifecycle/lifecycle.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::lists {

enum class ListType : uint8_t { kBlacklist, kRedlist, kAbnormal };
std::string_view ListTypeKey(ListType type);  // "blacklist", "redlist", "abnormal"
std::optional<ListType> ParseListType(std::string_view key);

// What kind of list it is, for rules that speak of kinds of lists rather than of one list.
enum class ListFamily : uint8_t {
  kCourtDishonestDebtor,  // "court_dishonest_debtor"
  kSeriousDishonesty,     // "serious_dishonesty"
  kAbnormalOperation,     // "abnormal_operation"
  kTaxGradeA,             // "tax_grade_a"
  kHonour,                // "honour"
  kIncentive,             // "incentive": national joint incentive lists
  kKeySupport,            // "key_support": city or district key-support lists
  kOther,                 // "other"
};
std::string_view ListFamilyKey(ListFamily family);
std::optional<ListFamily> ParseListFamily(std::string_view key);

// A condition on a record field: the field's text (a string, or a number as written) with
// surrounding spaces trimmed equals one of the values. A field is looked up at the top of the
// record's payload, then inside its "extra" object; a dotted path ("subject.kind") is followed as
// written. An absent field satisfies no condition.
struct Condition {
  std::string field;
  std::vector<std::string> values;
};

enum class TermRuleKind : uint8_t {
  kNone,     // "none": no fixed term
  kMonths,   // "months": months from the entry; an end field present replaces it
  kField,    // "field": from an end field; months as fallback, else no fixed term
  kYearEnd,  // "year_end": end of the year in year_field + years_after
};
std::string_view TermRuleKindKey(TermRuleKind kind);

struct TermRule {
  std::vector<Condition> when;  // all must hold; empty: always
  TermRuleKind rule = TermRuleKind::kNone;
  int months = 0;
  // Record date fields (YYYY-MM-DD) holding the last listed day, first present wins.
  std::vector<std::string> end_fields;
  std::string year_field;
  int years_after = 0;
};

struct ExtensionRule {
  bool allowed = false;
  int min_months = 0;  // an extension shorter than this is applied but reported
  int max_months = 0;  // the total extension is capped here
};

struct RemovalEvent {
  std::string key;  // "performed"
  policy::Text name;
};

struct ListDefinition {
  std::string key;  // "court_dishonest_debtor"
  policy::Text name;
  ListType type = ListType::kBlacklist;
  ListFamily family = ListFamily::kOther;
  bool is_public = true;
  std::string legal_basis;
  std::vector<std::string> kinds;  // source record kinds
  std::vector<Condition> when;     // all must hold
  bool catch_all = false;          // takes records of its kinds no other list takes
  std::vector<TermRule> terms;     // first whose `when` holds; the last has none
  ExtensionRule extension;
  std::vector<RemovalEvent> removal_events;
  int removal_working_days = 0;          // public views stop showing a removal within these
  bool ends_with_record_expiry = true;   // the record's publicity end ends the listing
  std::vector<std::string> authorities;  // departments that may act by action record; empty:
                                         // any department that may submit one of `kinds`
  // Always false (validated): a listing of an entity never lists its legal representative.
  bool lists_legal_representative = false;
  std::vector<ids::SubjectKind> subject_kinds;  // empty: whom its kinds may be about
  std::string file;                             // the policy file that defined it

  const RemovalEvent* FindRemovalEvent(std::string_view key) const;
  bool AllowsSubject(ids::SubjectKind kind) const;
};

class ListCatalog {
 public:
  // Reads and validates catalog.extension("list"). A catalog without [[list]] tables gives an
  // empty ListCatalog. On failure: InvalidArgument, reason "invalid_policy", one detail per
  // problem, each naming the file, the list and the key: "lists.toml: list.court_dishonest_debtor
  // .terms[1].months: must be a whole number of months from 1 to 1200" (detail reasons:
  // "missing", "type", "invalid", "unknown_reference", "duplicate", "not_allowed").
  static Result<ListCatalog> Load(const policy::Catalog& catalog);

  // In policy order (file order, then position in the file).
  const std::vector<ListDefinition>& lists() const { return lists_; }
  const ListDefinition* Find(std::string_view key) const;
  // The catalog version the lists were loaded from (derived results name it).
  const std::string& policy_version() const { return policy_version_; }
  // Whether records of this kind can put anyone on a list (a cheap pre-filter).
  bool IsSourceKind(std::string_view kind) const;

  // The lists a record kind feeds, for derivation; nullptr when none. A linear scan over the
  // few source kinds: cheaper than hashing for a handful of short keys.
  struct KindLists {
    std::string kind;
    std::vector<uint16_t> lists;  // indexes into lists_, in policy order
    // Whether records of this kind may be about natural persons / legal persons publicly.
    bool public_natural_person = false;
    bool public_legal_person = true;
  };
  const KindLists* ForKind(std::string_view kind) const;

 private:
  friend class ListCatalogBuilder;

  std::vector<ListDefinition> lists_;
  std::vector<KindLists> by_kind_;
  std::string policy_version_;
};

// Why a listing ended.
enum class RemovalCause : uint8_t {
  kExpiry,        // "expiry": the term ended, or the record's publicity period did
  kWithdrawal,    // "withdrawal": the listing record was withdrawn
  kRestoration,   // "restoration": credit restoration of the listing record
  kRemovalEvent,  // "removal_event": the listing department recorded a removal event
  kDelisting,     // "delisting": an authorised department's delist action record
};
std::string_view RemovalCauseKey(RemovalCause cause);

// A record a membership rests on.
struct SourceRecord {
  int64_t record_id = 0;
  std::string department;
  std::string source_ref;
  std::string document_no;
  std::string_view role;  // "listing", "extension", "delisting" (static text)
};

struct Removal {
  Date on;  // first day off the list
  RemovalCause cause = RemovalCause::kExpiry;
  std::string event;        // the removal event key (removal_event, delisting), else empty
  std::string document_no;  // the removal decision's number, when known
  // The day by which public views must stop showing the listing: `on` plus the list's
  // removal_working_days, counting Monday to Friday (public holidays are not known to the
  // policy yet, so this may fall before the legal deadline, never after it).
  Date public_by;
};

struct Membership {
  const ListDefinition* list = nullptr;  // points into the ListCatalog
  int64_t subject_id = 0;
  // The listing record first, then the records that extended or delisted it, in decision order.
  std::vector<SourceRecord> sources;
  Date entered_on;                 // the listing decision's date
  std::optional<Date> term_end;    // first day off the list by its term (extensions applied);
                                   // nullopt: no fixed term
  int extension_months = 0;        // applied, after the cap
  std::optional<Removal> removal;  // set once the listing has ended or its end is decided
  bool active = false;             // on the list on the day asked about
  bool is_public = false;          // the list is public and the record kind is published for
                                   // this subject's kind

  int64_t record_id() const { return sources.empty() ? 0 : sources.front().record_id; }
};

// Something DeriveMemberships noticed in the data but could not act on as written (it never
// fails: what a department decided stands where it can).
struct DerivationIssue {
  int64_t record_id = 0;
  std::string list;     // list key, when one is concerned
  std::string code;     // "unknown_removal_event", "extension_capped", "extension_short",
                        // "extension_not_allowed", "not_authorised", "no_target", "bad_field"
  std::string message;  // what and why, for operators
};

// The memberships of `subject` on `today`: for each listing record of the subject (records of
// another subject are ignored, so a company's listings never reach its legal representative),
// one membership per list it belongs to, active or ended. Records decided after `today` do not
// exist yet on that day and are ignored, action records included. Ordered by list (policy
// order), then entry date, then listing record id: the same inputs give the same output,
// whatever the order of `records`.
//
// `records` are current versions (any order). Cost: a kind comparison per record and source
// kind; the payload of a record is read (in place, without building a JSON tree, in at most one
// scan) only when its kind is a source kind of some list. A subject with no listing records
// costs no allocation. Measured on this machine: about 10 ns per record of other kinds, 0.5 µs
// per source-kind record that lists nothing (a tax grade B) and 1 µs per listing.
std::vector<Membership> DeriveMemberships(const ListCatalog& lists, const store::Subject& subject,
                                          std::span<const store::Record> records, Date today,
                                          std::vector<DerivationIssue>* issues = nullptr);

// Whether a record is a list action (delist / extend) rather than a listing.
bool IsListAction(const store::Record& record);

// Whether any membership of the family is active.
bool OnActiveList(std::span<const Membership> memberships, ListFamily family);

// `from` plus n working days, Monday to Friday (n = 0: from itself).
Date AddWorkingDays(Date from, int n);

}  // namespace credence::lists
