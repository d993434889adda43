// SPDX-License-Identifier: Apache-2.0
#pragma once
// The errors of the storage module: every storage failure is a StoreError,
// with a message for people; the kinds below are the ones callers tell apart.

#include <stdexcept>

namespace slawatch::storage {

// Thrown for every storage failure, with a message for people.
struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A writable open of a database that holds another vantage point's evidence.
struct VantageMismatch : StoreError {
    using StoreError::StoreError;
};

// A read-only open of a database that does not exist: "no evidence database at PATH".
struct MissingDatabase : StoreError {
    using StoreError::StoreError;
};

// A read-only open of a database whose schema is older than this binary's:
// a writable open (run, replay, rederive) migrates it.
struct SchemaOutdated : StoreError {
    using StoreError::StoreError;
};

// A database that is not what slawatch writes: not a regular file, a schema
// that is not exactly this binary's (a view or trigger standing in for a
// table, an extra object), a schema version newer than this binary's, or more
// reading work than its size can honestly need (docs/evidence.md, "Hostile
// databases"). Nothing is read from it; the CLI exits 2.
struct RefusedDatabase : StoreError {
    using StoreError::StoreError;
};

}  // namespace slawatch::storage
