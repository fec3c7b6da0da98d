// EQ_TRY: declares `var` from a Result-returning expression, or returns its Error from the enclosing
// function (which returns a Result too). The first lines of most handlers, defined once instead of
// once per routes file.
#pragma once
#include <utility>

#include "core/error.h"

#define EQ_TRY(var, expr) \
  auto var = (expr);      \
  if (!var) return ::eq::fail(std::move(var).error());
