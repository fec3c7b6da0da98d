// Object rules of the indicators module: who may change THIS catalogue indicator. Called by every
// route that writes an indicator's series.
#pragma once
#include "core/error.h"
#include "http/message.h"
#include "indicators/repository.h"

namespace eq::indicators {

// A steward uploads only the series of indicators its own institution stewards, and only series
// that are uploaded (those computed from the platform have no upload). 403 / 409, Spanish.
Result<void> check_upload(const http::Principal& who, const Indicator& indicator);

}  // namespace eq::indicators
