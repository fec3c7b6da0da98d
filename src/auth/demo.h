#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "auth/service.h"

namespace eq::auth {

inline constexpr const char* kDemoPassword = "Equidad2026!";
// Known to the README and the browser tests; a demo installation is not a real one.
inline constexpr const char* kDemoTotpSecret = "JBSWY3DPEHPK3PXP";

struct DemoLogin {
  std::string role, email, name, institution;
  bool totp;
};

const std::vector<DemoLogin>& demo_logins();
Result<void> load_demo(Service& svc);
void print_demo_logins(std::ostream& out);

}  // namespace eq::auth
