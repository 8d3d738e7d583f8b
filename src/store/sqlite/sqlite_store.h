// The SQLite backend of Store (store/store.h). Internal to the store module: other modules open
// a store through Store::Open.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "store/store.h"

namespace credence::store {

struct SqliteOptions {
  // Applies only the first migrations_to_apply migrations (-1: all). Lets tests create a file
  // as an older build left it, to check that opening it migrates it forward.
  int migrations_to_apply = -1;
};

// Opens (creating it and its parent folder when missing) the SQLite file at path, applies the
// migrations it lacks, and loads the key dictionaries. FailedPrecondition when the file was
// written by a newer schema or is not a database.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options = {});

}  // namespace credence::store
