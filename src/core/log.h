// Diagnostics go through spdlog (DESIGN.md), never straight to std::cerr: one place decides where
// they go and how they look. What a command prints as its result (a verdict, a token, the demo
// logins, "Equidad escuchando en …") is output, not a log, and stays on stdout/stderr as it is.
//
// Call sites use spdlog's free functions (spdlog::info("migration applied: {} {}", module, v)).
// Before init() they reach spdlog's default logger (standard output), which is what the unit
// tests see; the program calls init() first thing, so diagnostics never mix with a command's
// output on standard output.
#pragma once
#include <spdlog/spdlog.h>

namespace eq::logging {

// Diagnostics to standard error, one readable line each, in UTC:
//   2026-12-06T13:20:01.123Z warn  database not reachable, retrying (attempt 2 of 15)
// EQ_LOG_LEVEL (trace, debug, info, warn, error, off) picks the threshold; info by default.
void init();

// The access log: one JSON object per request on standard output, written as given (machines read it).
spdlog::logger& access();

}  // namespace eq::logging
