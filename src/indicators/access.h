// Object rules of the indicators module: who may change THIS catalogue indicator. Called by every
// route that writes an indicator's series or its definition.
#pragma once
#include "core/error.h"
#include "http/message.h"
#include "indicators/repository.h"

namespace eq::indicators {

// A steward uploads only the series of indicators its own institution stewards, only series that
// are uploaded (those computed from the platform have no upload), and not to a retired indicator.
// 403 / 409, Spanish.
Result<void> check_upload(const http::Principal& who, const Indicator& indicator);

// The ministry's analysts (they hold «indicators.import»: they consolidate the SEG) define
// indicators of any institution; everyone else only those their own institution stewards.
bool edits_any_institution(const http::Principal& who);
// Editing THIS indicator's definition: another institution's draft is 404 (drafts are not
// public), another institution's published or retired one 403.
Result<void> check_edit(const http::Principal& who, const Indicator& indicator);
// May `who` name `institution_id` as an indicator's steward? 403 when not.
Result<void> check_steward_choice(const http::Principal& who, int64_t institution_id);

}  // namespace eq::indicators
