// Membership derivation: from a subject's records to the lists it is or was on.
#include <algorithm>

#include <fmt/format.h>

#include "lists/lists.h"
#include "lists/payload_internal.h"

namespace credence::lists {
namespace {

using internal::PayloadFields;

// How a listing may end, before the earliest is chosen. Lower rank explains a tie better: a
// department's decision over the passage of time.
struct EndCandidate {
  Date on;
  RemovalCause cause = RemovalCause::kExpiry;
  std::string event;
  std::string document_no;
};

int Rank(RemovalCause cause) {
  switch (cause) {
    case RemovalCause::kWithdrawal: return 0;
    case RemovalCause::kDelisting: return 1;
    case RemovalCause::kRemovalEvent: return 2;
    case RemovalCause::kRestoration: return 3;
    case RemovalCause::kExpiry: return 4;
  }
  return 5;
}

// Keeps the earliest candidate.
void Consider(std::optional<EndCandidate>& best, EndCandidate candidate) {
  if (!best || candidate.on < best->on ||
      (candidate.on == best->on && Rank(candidate.cause) < Rank(best->cause))) {
    best = std::move(candidate);
  }
}

bool Holds(std::span<const Condition> conditions, const PayloadFields& fields,
           std::string& scratch) {
  for (const Condition& condition : conditions) {
    std::optional<std::string_view> text = fields.Text(condition.field, scratch);
    if (!text) return false;
    if (std::find(condition.values.begin(), condition.values.end(), *text) ==
        condition.values.end()) {
      return false;
    }
  }
  return true;
}

void Report(std::vector<DerivationIssue>* issues, const store::Record& record,
            std::string_view list, std::string code, std::string message) {
  if (issues == nullptr) return;
  issues->push_back({record.id, std::string(list), std::move(code), std::move(message)});
}

SourceRecord SourceOf(const store::Record& record, std::string_view role) {
  return {record.id, record.department, record.source_ref, record.document_no, role};
}

// A membership being built, with what finalising it needs.
struct Draft {
  Membership membership;
  const store::Record* listing = nullptr;
  std::optional<Date> base_term_end;
  int extension_months = 0;                 // requested, before the cap
  std::optional<EndCandidate> decided_end;  // withdrawal, restoration, events, delistings
};

// The term of a listing by the first rule whose conditions hold.
std::optional<Date> TermEnd(const ListDefinition& list, const store::Record& record,
                            const PayloadFields& fields, std::string& scratch,
                            std::vector<DerivationIssue>* issues) {
  for (const TermRule& term : list.terms) {
    if (!Holds(term.when, fields, scratch)) continue;
    // The record's own last listed day, when it gives one: the term ends the day after.
    for (const std::string& field : term.end_fields) {
      if (std::optional<Date> last_day = fields.DateValue(field)) return last_day->AddDays(1);
      if (fields.Find(field)) {
        Report(issues, record, list.key, "bad_field",
               fmt::format("{} is not a date YYYY-MM-DD; the list's default term applies", field));
      }
    }
    switch (term.rule) {
      case TermRuleKind::kNone: return std::nullopt;
      case TermRuleKind::kMonths:
      case TermRuleKind::kField:
        if (term.months > 0) return record.decided_at.AddMonths(term.months);
        return std::nullopt;
      case TermRuleKind::kYearEnd: {
        std::optional<int64_t> year = fields.Int(term.year_field);
        if (!year || *year < 1000 || *year > 9999) {
          Report(issues, record, list.key, "bad_field",
                 fmt::format("{} is not a year: the listing has no fixed term", term.year_field));
          return std::nullopt;
        }
        return Date::FromCivil(static_cast<int>(*year) + term.years_after + 1, 1, 1);
      }
    }
  }
  return std::nullopt;
}

// The removal the listing record itself states (a revision with "removal" / "removed_on").
void RecordedRemoval(const ListDefinition& list, const store::Record& record,
                     const PayloadFields& fields, Draft& draft, std::string& scratch,
                     std::vector<DerivationIssue>* issues) {
  std::optional<std::string_view> event = fields.Text("removal", scratch);
  std::optional<Date> removed_on = fields.DateValue("removed_on");
  if (!event && !removed_on) return;
  EndCandidate end;
  end.cause = RemovalCause::kRemovalEvent;
  end.on = removed_on.value_or(lifecycle::StatusDay(record));
  if (event) {
    end.event = std::string(*event);
    if (list.FindRemovalEvent(end.event) == nullptr) {
      Report(issues, record, list.key, "unknown_removal_event",
             fmt::format("removal {} is not an event of list {}; the removal stands", end.event,
                         list.key));
    }
  }
  if (std::optional<std::string_view> document = fields.Text("removal_document_no", scratch)) {
    end.document_no = std::string(*document);
  }
  Consider(draft.decided_end, std::move(end));
}

Draft StartMembership(const ListDefinition& list, const store::Record& record,
                      const PayloadFields& fields, const store::Subject& subject, bool kind_public,
                      std::string& scratch, std::vector<DerivationIssue>* issues) {
  Draft draft;
  draft.listing = &record;
  Membership& membership = draft.membership;
  membership.list = &list;
  membership.subject_id = subject.id;
  membership.sources.push_back(SourceOf(record, "listing"));
  membership.entered_on = record.decided_at;
  membership.is_public = list.is_public && kind_public && record.published;
  draft.base_term_end = TermEnd(list, record, fields, scratch, issues);
  if (std::optional<int64_t> months = fields.Int("extension_months")) {
    draft.extension_months = static_cast<int>(std::clamp<int64_t>(*months, -100000, 100000));
  }
  RecordedRemoval(list, record, fields, draft, scratch, issues);
  switch (record.status) {
    case store::RecordStatus::kWithdrawn:
      Consider(draft.decided_end,
               {lifecycle::StatusDay(record), RemovalCause::kWithdrawal, "", ""});
      break;
    case store::RecordStatus::kRestored:
      Consider(draft.decided_end,
               {lifecycle::StatusDay(record), RemovalCause::kRestoration, "", ""});
      break;
    case store::RecordStatus::kActive:
    case store::RecordStatus::kExpired: break;
  }
  return draft;
}

void ApplyAction(const ListCatalog& lists, const store::Record& action, std::string_view verb,
                 std::vector<Draft>& drafts, std::string& scratch,
                 std::vector<DerivationIssue>* issues) {
  const PayloadFields fields(action.payload);
  if (verb != "delist" && verb != "extend") {
    Report(issues, action, "", "bad_field",
           fmt::format("list_action {} is unknown; use \"delist\" or \"extend\"", verb));
    return;
  }
  std::optional<std::string_view> target = fields.Text("target_document_no", scratch);
  if (!target || target->empty()) {
    Report(issues, action, "", "no_target",
           "a list action names the listing it acts on in target_document_no");
    return;
  }
  std::string target_document(*target);
  std::optional<std::string_view> named = fields.Text("list", scratch);
  std::string named_list = named ? std::string(*named) : std::string();
  const bool names_a_key = !named_list.empty() && lists.Find(named_list) != nullptr;

  bool found = false;
  for (Draft& draft : drafts) {
    const ListDefinition& list = *draft.membership.list;
    if (draft.listing->document_no != target_document) continue;
    if (std::find(list.kinds.begin(), list.kinds.end(), action.kind) == list.kinds.end()) continue;
    // An action naming a list acts on that list only: by key, or the way a listing names it.
    if (!named_list.empty() &&
        (names_a_key ? list.key != named_list : !Holds(list.when, fields, scratch))) {
      continue;
    }
    found = true;
    if (!list.authorities.empty() && std::find(list.authorities.begin(), list.authorities.end(),
                                               action.department) == list.authorities.end()) {
      Report(issues, action, list.key, "not_authorised",
             fmt::format("department {} may not {} on list {}; the action is ignored",
                         action.department, verb, list.key));
      continue;
    }
    if (verb == "delist") {
      EndCandidate end;
      end.on = action.decided_at;
      end.cause = RemovalCause::kDelisting;
      if (std::optional<std::string_view> event = fields.Text("removal", scratch)) {
        end.event = std::string(*event);
        if (list.FindRemovalEvent(end.event) == nullptr) {
          Report(issues, action, list.key, "unknown_removal_event",
                 fmt::format("removal {} is not an event of list {}; the delisting stands",
                             end.event, list.key));
        }
      }
      end.document_no = action.document_no;
      Consider(draft.decided_end, std::move(end));
      draft.membership.sources.push_back(SourceOf(action, "delisting"));
    } else {
      std::optional<int64_t> months = fields.Int("extension_months");
      if (!months || *months <= 0) {
        Report(issues, action, list.key, "bad_field",
               "an extension gives extension_months, a positive whole number");
        continue;
      }
      if (*months < list.extension.min_months) {
        Report(issues, action, list.key, "extension_short",
               fmt::format("an extension of {} months is shorter than the {} months the list's "
                           "rule allows at least; applied as decided",
                           *months, list.extension.min_months));
      }
      draft.extension_months += static_cast<int>(std::min<int64_t>(*months, 100000));
      draft.membership.sources.push_back(SourceOf(action, "extension"));
    }
  }
  if (!found) {
    Report(issues, action, named_list, "no_target",
           fmt::format("no listing of this subject has document number {}", target_document));
  }
}

Membership Finish(Draft& draft, Date today, std::vector<DerivationIssue>* issues) {
  Membership& membership = draft.membership;
  const ListDefinition& list = *membership.list;
  const store::Record& record = *draft.listing;
  membership.term_end = draft.base_term_end;

  if (draft.extension_months != 0) {
    int months = draft.extension_months;
    if (!list.extension.allowed) {
      Report(issues, record, list.key, "extension_not_allowed",
             fmt::format("list {} has no extension rule; the extension of {} months is ignored",
                         list.key, months));
    } else if (!membership.term_end) {
      Report(issues, record, list.key, "extension_not_allowed",
             fmt::format("this listing has no fixed term; the extension of {} months is ignored",
                         months));
    } else if (months < 0) {
      Report(issues, record, list.key, "bad_field", "extension_months must be positive");
    } else {
      if (months > list.extension.max_months) {
        Report(issues, record, list.key, "extension_capped",
               fmt::format("extensions of {} months in all exceed the {} months list {} allows; "
                           "capped",
                           months, list.extension.max_months, list.key));
        months = list.extension.max_months;
      }
      membership.extension_months = months;
      membership.term_end = membership.term_end->AddMonths(months);
    }
  }

  std::optional<EndCandidate> end = std::move(draft.decided_end);
  // Ends by the passage of time count once they have come.
  if (membership.term_end && *membership.term_end <= today) {
    Consider(end, {*membership.term_end, RemovalCause::kExpiry, "", ""});
  }
  if (list.ends_with_record_expiry) {
    std::optional<Date> record_end = lifecycle::ExpiresOn(record);
    if (!record_end && record.status == store::RecordStatus::kExpired) {
      record_end = lifecycle::StatusDay(record);
    }
    if (record_end && *record_end <= today) {
      Consider(end, {*record_end, RemovalCause::kExpiry, "", ""});
    }
  }
  if (end) {
    Removal removal;
    removal.on = end->on;
    removal.cause = end->cause;
    removal.event = std::move(end->event);
    removal.document_no = std::move(end->document_no);
    removal.public_by = AddWorkingDays(removal.on, list.removal_working_days);
    membership.removal = std::move(removal);
  }
  membership.active =
      membership.entered_on <= today && !(membership.removal && membership.removal->on <= today);
  return std::move(membership);
}

}  // namespace

bool IsListAction(const store::Record& record) {
  std::string scratch;
  const PayloadFields fields(record.payload);
  std::optional<std::string_view> action = fields.Text("list_action", scratch);
  return action && !action->empty();
}

bool OnActiveList(std::span<const Membership> memberships, ListFamily family) {
  return std::any_of(memberships.begin(), memberships.end(), [&](const Membership& membership) {
    return membership.active && membership.list != nullptr && membership.list->family == family;
  });
}

Date AddWorkingDays(Date from, int n) {
  Date day = from;
  while (n > 0) {
    day = day.AddDays(1);
    if (day.weekday() < 5) --n;
  }
  return day;
}

std::vector<Membership> DeriveMemberships(const ListCatalog& lists, const store::Subject& subject,
                                          std::span<const store::Record> records, Date today,
                                          std::vector<DerivationIssue>* issues) {
  std::vector<Membership> result;
  const size_t issues_before = issues != nullptr ? issues->size() : 0;
  std::vector<Draft> drafts;
  std::vector<std::pair<const store::Record*, std::string>> actions;
  std::string scratch;
  const bool natural_person = ids::IsNaturalPerson(subject.kind);

  for (const store::Record& record : records) {
    // Only the subject's own records: an entity's listing never reaches its representative.
    if (record.subject_id != subject.id) continue;
    const ListCatalog::KindLists* kind_lists = lists.ForKind(record.kind);
    if (kind_lists == nullptr) continue;
    if (record.decided_at > today) continue;  // not decided yet on that day
    const PayloadFields fields(record.payload);
    if (std::optional<std::string_view> verb = fields.Text("list_action", scratch);
        verb && !verb->empty()) {
      actions.emplace_back(&record, std::string(*verb));
      continue;
    }
    const bool kind_public =
        natural_person ? kind_lists->public_natural_person : kind_lists->public_legal_person;
    bool taken = false;
    for (int pass = 0; pass < 2 && !taken; ++pass) {
      // First the lists with conditions, then a catch-all for what none of them took.
      for (uint16_t index : kind_lists->lists) {
        const ListDefinition& list = lists.lists()[index];
        if (list.catch_all != (pass == 1)) continue;
        if (!list.AllowsSubject(subject.kind)) continue;
        if (!Holds(list.when, fields, scratch)) continue;
        drafts.push_back(
            StartMembership(list, record, fields, subject, kind_public, scratch, issues));
        taken = true;
      }
    }
  }
  if (drafts.empty() && actions.empty()) return result;

  // Actions in decision order so that extensions and delistings apply the same way whatever
  // the order of the records given.
  std::sort(actions.begin(), actions.end(), [](const auto& a, const auto& b) {
    return a.first->decided_at != b.first->decided_at ? a.first->decided_at < b.first->decided_at
                                                      : a.first->id < b.first->id;
  });
  for (const auto& [action, verb] : actions) {
    // A withdrawn action no longer acts, from the day it was withdrawn.
    if (action->status == store::RecordStatus::kWithdrawn &&
        lifecycle::StatusDay(*action) <= today) {
      continue;
    }
    ApplyAction(lists, *action, verb, drafts, scratch, issues);
  }

  if (issues != nullptr) {
    std::stable_sort(issues->begin() + static_cast<std::ptrdiff_t>(issues_before), issues->end(),
                     [](const DerivationIssue& a, const DerivationIssue& b) {
                       return a.record_id < b.record_id;
                     });
  }
  result.reserve(drafts.size());
  for (Draft& draft : drafts) result.push_back(Finish(draft, today, issues));
  const ListDefinition* first_list = lists.lists().data();
  std::sort(result.begin(), result.end(), [first_list](const Membership& a, const Membership& b) {
    if (a.list != b.list) return a.list - first_list < b.list - first_list;
    if (a.entered_on != b.entered_on) return a.entered_on < b.entered_on;
    return a.record_id() < b.record_id();
  });
  return result;
}

}  // namespace credence::lists
