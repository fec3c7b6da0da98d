// A unit of read-only work on a leased session, for request handlers.
#pragma once
#include <functional>

#include "store/database.h"

namespace eq::store {

// Runs fn on a leased session; database failures become the usual 500/503 without internals.
template <typename R>
Result<R> with_session(Database& db, const std::function<Result<R>(soci::session&)>& fn) {
  auto lease = db.lease();
  if (!lease) return fail(lease.error());
  try {
    return fn(**lease);
  } catch (const std::exception& e) {
    return fail(database_error(e));
  }
}

}  // namespace eq::store
