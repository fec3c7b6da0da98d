// Object rules of the Registro de Directoras: who may see or change THIS profile. Every route that
// names a profile asks here (the route table says only who may call at all).
//
//   her profile      only she (her account, registries.directoras.profile) reads it in full,
//                    changes it and sees who viewed it; anyone else gets 404.
//   for a company    (registries.directoras.search) a profile opens only from a search of the
//                    caller's own, made in the last 24 hours, that listed it: every view follows a
//                    traced search. Never its RUT, e-mail or phone.
//   contact details  only when she consented to be contactable, by the same traced route;
//                    each read is audited and shown to her.
#pragma once
#include "directoras/module.h"

namespace eq::directoras::access {

inline constexpr int64_t kSearchValidMs = 24LL * 3600 * 1000;

bool is_owner(const http::Principal& who, const Profile& p);
bool may_edit(const http::Principal& who, const Profile& p);
// `traced`: the caller's search that listed the profile (Repository::search_listed).
bool may_view(const http::Principal& who, const Profile& p, bool traced);
bool may_read_contact(const http::Principal& who, const Profile& p, bool traced);

}  // namespace eq::directoras::access
