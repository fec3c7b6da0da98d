// What the participation module reads of the public account: its published editions and their
// section texts. Declared here (participation may not include account/); the composition root
// (src/app/app.cc) implements it over account::Service, so a change of the account's storage
// never reaches this module.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace eq::participation {

struct EditionSection {
  std::string key, title, text;
};

struct PublishedEdition {
  int64_t id = 0;
  std::string period, title;
  int64_t published_at = 0;
  bool demo = false;
  std::vector<EditionSection> sections;
};

struct Editions {
  // Every published edition, with its sections' editorial texts (frozen at publication).
  std::function<Result<std::vector<PublishedEdition>>()> published;
};

}  // namespace eq::participation
